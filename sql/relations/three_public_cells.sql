-- every printed 三公 cell of every document with its category (the first pattern of
-- data/reference/three_public_categories.csv in its item), total rows and columns left out:
-- one definition, joined by v_three_public and v_budget_vs_actual as `three_public_cells()`
create or replace macro three_public_cells() as table
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
)

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
