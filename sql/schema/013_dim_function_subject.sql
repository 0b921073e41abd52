-- one row per 功能分类科目 code and fiscal year (names change between years)
create table if not exists dim_function_subject (
    code varchar not null,
    fiscal_year integer not null,
    name varchar not null,
    level integer,
    parent_code varchar,
    primary key (code, fiscal_year)
)
