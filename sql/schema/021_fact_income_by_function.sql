-- one row per function row × fund-source column of 收入总体情况表 (t02)
create table if not exists fact_income_by_function (
    {{ schema/columns/document_table }},
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    fund_source varchar not null,
    {{ schema/columns/table_cell }}
)
