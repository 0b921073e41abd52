-- one row per expenditure-type column name (基本支出, 项目支出, …) as printed
create table if not exists dim_expenditure_type (
    expenditure_type varchar primary key,
    is_total boolean not null
)
