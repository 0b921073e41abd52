-- one row per row × fund-source column of 基本支出预算表 (t11); row_kind total/unit/category
create table if not exists fact_basic_by_unit (
    document_id integer not null,
    table_key varchar not null,
    row_index integer not null,
    item varchar not null,
    row_kind varchar not null check (row_kind in ('total', 'unit', 'category')),
    column_index integer not null,
    fund_source varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
