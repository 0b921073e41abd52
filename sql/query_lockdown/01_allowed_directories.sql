-- the folders a query may still read and write once external access is off (--allow-files)
set allowed_directories = $directories
