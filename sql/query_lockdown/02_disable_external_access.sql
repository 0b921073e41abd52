-- no COPY, read_csv, ATTACH or INSTALL outside allowed_directories: the SQL is an analyst's
set enable_external_access = false
