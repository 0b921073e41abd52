-- t06, t10 (vocabulary fact_table fact_economic_expenditure): one row per printed economic
-- row × column; `expenditure_type` is the one the table covers (基本支出, 项目支出)
insert into fact_economic_expenditure by name
select
    $document_id as document_id,
    tables.expenditure_type,
    cells.code,
    cells.label as subject_name,
    cells.column_name,
    columns('^(table_key|row_index|column_index|is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_economic_expenditure'
