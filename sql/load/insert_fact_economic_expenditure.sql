insert into fact_economic_expenditure (
    document_id, table_key, expenditure_type, row_index, code, subject_name, column_index,
    column_name, is_total_row, is_total_column, printed_amount, unit, amount_yuan
)
select
    document_id,
    table_key,
    expenditure_type,
    row_index,
    code,
    subject_name,
    column_index,
    column_name,
    is_total_row,
    is_total_column,
    cast(printed_amount as decimal(18, 2)) as printed_amount,
    unit,
    cast(amount_yuan as decimal(22, 2)) as amount_yuan
from frame
