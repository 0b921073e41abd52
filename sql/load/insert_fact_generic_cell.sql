insert into fact_generic_cell (
    document_id, table_index, table_title, row_index, row_label, column_index, column_name,
    is_total_row, is_total_column, printed_value, printed_amount, unit, amount_yuan
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
    cast(amount_yuan as decimal(22, 2)) as amount_yuan
from frame
