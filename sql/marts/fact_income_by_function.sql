-- t02 (vocabulary fact_table fact_income_by_function): one row per printed function row ×
-- fund-source cell
insert into fact_income_by_function by name
select
    $document_id as document_id,
    cells.code,
    cells.label as subject_name,
    cells.column_name as fund_source,
    columns('^(table_key|row_index|column_index|is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_income_by_function'
