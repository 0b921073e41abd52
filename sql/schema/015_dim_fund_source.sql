-- one row per fund-source column name, exactly as the tables print it
create table if not exists dim_fund_source (
    fund_source varchar primary key,
    is_total boolean not null
)
