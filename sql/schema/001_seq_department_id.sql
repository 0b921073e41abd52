create sequence if not exists seq_department_id start 1
