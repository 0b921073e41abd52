-- t07 (vocabulary fact_table fact_three_public): one row per printed item × fund-source cell
insert into fact_three_public by name
select
    $document_id as document_id,
    cells.label as item,
    cells.column_name as fund_source,
    columns('^(table_key|row_index|column_index|is_total_(row|column)|printed_amount|unit|amount_yuan|source_page|box_.+)$')
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_three_public'
