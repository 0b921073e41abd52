-- one row per row of 项目支出预算表 (t12): projects, unit subtotals and the 合计 row
create table if not exists dim_project (
    project_id integer primary key,
    document_id integer not null,
    row_index integer not null,
    project_name varchar not null,
    performance_goal varchar,
    row_kind varchar not null check (row_kind in ('project', 'unit', 'total'))
)
