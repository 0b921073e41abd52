-- t12 (vocabulary fact_table fact_project_fund): one row per printed row × fund-source cell,
-- keyed by the row's dim_project row (inserted before, from stg_project_rows)
insert into fact_project_fund by name
select
    dim_project.document_id,
    dim_project.project_id,
    cells.column_index,
    cells.column_name as fund_source,
    cells.is_total_row,
    cells.is_total_column,
    columns(printed_amount_columns())
from filed_cells('fact_project_fund') as cells
inner join dim_project
    on dim_project.document_id = $document_id
    and dim_project.row_index = cells.row_index
