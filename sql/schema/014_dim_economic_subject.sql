-- one row per 经济分类科目 code and fiscal year (3 digits = 类, 5 digits = 款)
create table if not exists dim_economic_subject (
    code varchar not null,
    fiscal_year integer not null,
    name varchar not null,
    level integer,
    parent_code varchar,
    primary key (code, fiscal_year)
)
