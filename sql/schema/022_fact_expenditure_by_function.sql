-- one row per function row × expenditure-type column of t03 (all funds), t05 (一般公共预算),
-- t08 (政府性基金预算) and t09 (国有资本经营预算); `fund` says which
create table if not exists fact_expenditure_by_function (
    document_id integer not null,
    table_key varchar not null,
    fund varchar not null,
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    expenditure_type varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
