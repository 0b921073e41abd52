-- one row per item × fund-source column of 行政经费及“三公”经费预算表 (t07)
create table if not exists fact_three_public (
    document_id integer not null,
    table_key varchar not null,
    row_index integer not null,
    item varchar not null,
    column_index integer not null,
    fund_source varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
