create sequence if not exists seq_project_id start 1
