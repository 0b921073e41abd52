-- one row per item × fund-source column of 行政经费及“三公”经费预算表 (t07)
create table if not exists fact_three_public (
    {{ schema/columns/document_table }},
    row_index integer not null,
    item varchar not null,
    column_index integer not null,
    fund_source varchar not null,
    {{ schema/columns/table_cell }}
)
