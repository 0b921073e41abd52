-- one row per economic row × column of t06 (基本支出) and t10 (项目支出)
create table if not exists fact_economic_expenditure (
    document_id integer not null,
    table_key varchar not null,
    expenditure_type varchar not null,
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    column_name varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
