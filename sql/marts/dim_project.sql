-- one row per t12 row: projects, unit subtotals and the 合计 row, in printed order
insert into dim_project by name
select
    nextval('seq_project_id') as project_id,
    $document_id as document_id,
    row_index,
    project_name,
    performance_goal,
    row_kind
from stg_project_rows
order by row_index
