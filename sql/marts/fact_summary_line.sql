-- t01 / t04 (vocabulary fact_table fact_summary_line): one row per printed line with an
-- amount, by side
insert into fact_summary_line by name
select
    $document_id as document_id,
    cells.table_key,
    cells.side,
    cells.row_index as line_index,
    cells.label as item,
    cells.is_total_row as is_total,
    cells.printed_amount,
    cells.unit,
    cells.amount_yuan,
    cells.source_page,
    cells.box_x0,
    cells.box_top,
    cells.box_x1,
    cells.box_bottom
from stg_budget_cells as cells
inner join seed_budget_tables as tables using (table_key)
where tables.fact_table = 'fact_summary_line'
