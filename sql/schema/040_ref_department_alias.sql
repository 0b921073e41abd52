-- one row per printed department name filed under another name (data/reference/department_aliases.csv)
create table if not exists ref_department_alias (
    alias varchar primary key,
    department varchar not null
)
