-- t11 (vocabulary fact_table fact_basic_by_unit): one row per printed row × fund-source cell,
-- the row's kind (total / unit / category) from staging's t11 rule
insert into fact_basic_by_unit by name
select
    $document_id as document_id,
    cells.label as item,
    cells.row_kind,
    cells.column_name as fund_source,
    columns('^(table_key|row_index|column_index|is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_basic_by_unit'
