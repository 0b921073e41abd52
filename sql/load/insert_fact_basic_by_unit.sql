insert into fact_basic_by_unit (
    document_id, table_key, row_index, item, row_kind, column_index, fund_source,
    is_total_row, is_total_column, printed_amount, unit, amount_yuan
)
select
    document_id,
    table_key,
    row_index,
    item,
    row_kind,
    column_index,
    column_name as fund_source,
    is_total_row,
    is_total_column,
    cast(printed_amount as decimal(18, 2)) as printed_amount,
    unit,
    cast(amount_yuan as decimal(22, 2)) as amount_yuan
from frame
