-- 行政经费及“三公”经费预算表 (t07): one row per item × fund source, 合计 column excluded;
-- category from the first pattern of data/reference/three_public_categories.csv in the item;
-- source_page: the page of the source PDF the amount is printed on
create or replace view v_three_public as
with cells as (
    select
        document_id,
        row_index,
        column_index,
        item,
        fund_source,
        amount_yuan,
        source_page
    from fact_three_public
    where not is_total_row
        and not is_total_column
),

categorised as (
    select
        cells.document_id,
        cells.row_index,
        cells.column_index,
        cells.item,
        cells.fund_source,
        cells.amount_yuan,
        cells.source_page,
        ref_three_public_category.category
    from cells
    left join ref_three_public_category
        on contains(cells.item, ref_three_public_category.pattern)
    qualify row_number() over (
        partition by cells.document_id, cells.row_index, cells.column_index
        order by ref_three_public_category.position
    ) = 1
)

select
    documents.department,
    documents.fiscal_year,
    categorised.item,
    categorised.fund_source,
    categorised.amount_yuan,
    wan(categorised.amount_yuan) as amount_wan,
    categorised.category,
    documents.document_kind,
    documents.stage,
    categorised.source_page
from categorised
inner join document_keys() as documents on documents.document_id = categorised.document_id
order by
    documents.department, documents.fiscal_year, documents.document_kind, documents.stage,
    categorised.row_index, categorised.column_index
