-- one row per t12 row (dim_project) × fund-source column
create table if not exists fact_project_fund (
    document_id integer not null,
    project_id integer not null,
    column_index integer not null,
    fund_source varchar not null,
    is_total_row boolean not null,
    is_total_column boolean not null,
    printed_amount decimal(18, 2) not null,
    unit varchar not null,
    amount_yuan decimal(22, 2) not null
)
