create sequence if not exists seq_document_id start 1
