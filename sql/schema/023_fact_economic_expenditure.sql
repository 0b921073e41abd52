-- one row per economic row × column of t06 (基本支出) and t10 (项目支出)
create table if not exists fact_economic_expenditure (
    {{ schema/columns/document_table }},
    expenditure_type varchar not null,
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    column_name varchar not null,
    {{ schema/columns/table_cell }}
)
