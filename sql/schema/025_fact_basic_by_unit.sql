-- one row per row × fund-source column of 基本支出预算表 (t11); row_kind total/unit/category
create table if not exists fact_basic_by_unit (
    {{ schema/columns/document_table }},
    row_index integer not null,
    item varchar not null,
    row_kind varchar not null check (row_kind in ('total', 'unit', 'category')),
    column_index integer not null,
    fund_source varchar not null,
    {{ schema/columns/table_cell }}
)
