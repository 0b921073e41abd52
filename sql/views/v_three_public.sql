-- 行政经费及“三公”经费预算表 (t07): one row per item × fund source, 合计 column excluded
create or replace view v_three_public as
with documents as (
    select
        dim_document.document_id,
        dim_department.department,
        dim_document.fiscal_year
    from dim_document
    inner join dim_department on dim_department.department_id = dim_document.department_id
),

cells as (
    select
        document_id,
        row_index,
        column_index,
        item,
        fund_source,
        amount_yuan
    from fact_three_public
    where not is_total_row
        and not is_total_column
)

select
    documents.department,
    documents.fiscal_year,
    cells.item,
    cells.fund_source,
    cells.amount_yuan,
    cast(cells.amount_yuan * 0.0001 as decimal(24, 6)) as amount_wan
from cells
inner join documents on documents.document_id = cells.document_id
order by documents.department, documents.fiscal_year, cells.row_index, cells.column_index
