-- one row per publishing department (部门 or 单位), by its printed name
create table if not exists dim_department (
    department_id integer primary key default nextval('seq_department_id'),
    department varchar not null unique
)
