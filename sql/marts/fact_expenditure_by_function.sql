-- t03, t05, t08, t09 (vocabulary fact_table fact_expenditure_by_function): one row per
-- printed function row × expenditure-type cell; `fund` is the budget the table covers
insert into fact_expenditure_by_function by name
select
    $document_id as document_id,
    tables.fund,
    cells.code,
    cells.label as subject_name,
    cells.column_name as expenditure_type,
    columns('^(table_key|row_index|column_index|is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_expenditure_by_function'
