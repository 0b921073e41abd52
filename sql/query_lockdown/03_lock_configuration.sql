-- no SET can undo the lines before (nor allow more folders) within this connection
set lock_configuration = true
