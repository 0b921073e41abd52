insert into fact_summary_line (
    document_id, table_key, side, line_index, item, is_total, printed_amount, unit,
    amount_yuan
)
select
    document_id,
    table_key,
    side,
    line_index,
    item,
    is_total,
    cast(printed_amount as decimal(18, 2)) as printed_amount,
    unit,
    cast(amount_yuan as decimal(22, 2)) as amount_yuan
from frame
