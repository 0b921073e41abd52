insert into fact_generic_cell (
    document_id, table_index, table_title, row_index, row_label, column_index, column_name,
    is_total_row, is_total_column, printed_value, printed_amount, unit, amount_yuan,
    source_page, box_x0, box_top, box_x1, box_bottom
)
select
    document_id,
    table_index,
    table_title,
    row_index,
    row_label,
    column_index,
    column_name,
    is_total_row,
    is_total_column,
    printed_value,
    cast(printed_amount as decimal(18, 2)) as printed_amount,
    unit,
    cast(amount_yuan as decimal(22, 2)) as amount_yuan,
    cast(source_page as integer) as source_page,
    cast(box_x0 as decimal(8, 2)) as box_x0,
    cast(box_top as decimal(8, 2)) as box_top,
    cast(box_x1 as decimal(8, 2)) as box_x1,
    cast(box_bottom as decimal(8, 2)) as box_bottom
from frame
