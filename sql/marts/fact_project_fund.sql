-- t12 (vocabulary fact_table fact_project_fund): one row per printed row × fund-source cell,
-- keyed by the row's dim_project row (inserted before, from stg_project_rows)
insert into fact_project_fund by name
select
    dim_project.document_id,
    dim_project.project_id,
    cells.column_index,
    cells.column_name as fund_source,
    columns('^(is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
inner join dim_project
    on dim_project.document_id = $document_id
    and dim_project.row_index = cells.row_index
where tables.fact_table = 'fact_project_fund'
