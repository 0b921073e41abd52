-- one row per function row × fund-source column of 收入总体情况表 (t02)
create table if not exists fact_income_by_function (
    document_id integer not null,
    table_key varchar not null,
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    fund_source varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
