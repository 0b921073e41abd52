-- one row per function row × expenditure-type column of t03 (all funds), t05 (一般公共预算),
-- t08 (政府性基金预算) and t09 (国有资本经营预算); `fund` says which
create table if not exists fact_expenditure_by_function (
    {{ schema/columns/document_table }},
    fund varchar not null,
    row_index integer not null,
    code varchar,
    subject_name varchar not null,
    column_index integer not null,
    expenditure_type varchar not null,
    {{ schema/columns/table_cell }}
)
