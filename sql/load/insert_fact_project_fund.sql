insert into fact_project_fund (
    document_id, project_id, column_index, fund_source, is_total_row, is_total_column,
    printed_amount, unit, amount_yuan,
    source_page, box_x0, box_top, box_x1, box_bottom
)
with cells as (
    select
        document_id,
        row_index,
        column_index,
        column_name,
        is_total_row,
        is_total_column,
        printed_amount,
        unit,
        amount_yuan,
        source_page,
        box_x0,
        box_top,
        box_x1,
        box_bottom
    from frame
)

select
    cells.document_id,
    dim_project.project_id,
    cells.column_index,
    cells.column_name as fund_source,
    cells.is_total_row,
    cells.is_total_column,
    cast(cells.printed_amount as decimal(18, 2)) as printed_amount,
    cells.unit,
    cast(cells.amount_yuan as decimal(22, 2)) as amount_yuan,
    cast(cells.source_page as integer) as source_page,
    cast(cells.box_x0 as decimal(8, 2)) as box_x0,
    cast(cells.box_top as decimal(8, 2)) as box_top,
    cast(cells.box_x1 as decimal(8, 2)) as box_x1,
    cast(cells.box_bottom as decimal(8, 2)) as box_bottom
from cells
inner join dim_project
    on dim_project.document_id = cells.document_id
    and dim_project.row_index = cells.row_index
