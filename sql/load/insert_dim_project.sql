insert into dim_project (
    project_id, document_id, row_index, project_name, performance_goal, row_kind
)
select
    nextval('seq_project_id') as project_id,
    document_id,
    row_index,
    project_name,
    performance_goal,
    row_kind
from frame
order by row_index
