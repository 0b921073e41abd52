-- t01 / t04 (vocabulary fact_table fact_summary_line): one row per printed line with an
-- amount, by side
insert into fact_summary_line by name
select
    $document_id as document_id,
    table_key,
    side,
    row_index as line_index,
    label as item,
    is_total_row as is_total,
    columns(printed_amount_columns())
from filed_cells('fact_summary_line')
