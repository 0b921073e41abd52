-- one row per t12 row (dim_project) × fund-source column
create table if not exists fact_project_fund (
    document_id integer not null,
    project_id integer not null,
    column_index integer not null,
    fund_source varchar not null,
    {{ schema/columns/table_cell }}
)
