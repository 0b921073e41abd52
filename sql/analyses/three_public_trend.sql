-- 三公 (and 行政经费) items per department over the years, all fund sources together (t07)
with documents as (
    select
        dim_document.document_id,
        dim_department.department,
        dim_document.fiscal_year
    from dim_document
    inner join dim_department on dim_department.department_id = dim_document.department_id
),

item_totals as (
    select
        documents.department,
        documents.fiscal_year,
        fact_three_public.item,
        min(fact_three_public.row_index) as item_order,
        sum(fact_three_public.amount_yuan) as amount_yuan
    from fact_three_public
    inner join documents on documents.document_id = fact_three_public.document_id
    where not fact_three_public.is_total_row
        and not fact_three_public.is_total_column
    group by documents.department, documents.fiscal_year, fact_three_public.item
),

with_previous as (
    select
        department,
        fiscal_year,
        item,
        item_order,
        amount_yuan,
        lag(fiscal_year) over by_item as previous_year,
        lag(amount_yuan) over by_item as previous_amount_yuan
    from item_totals
    window by_item as (partition by department, item order by fiscal_year)
)

select
    department,
    fiscal_year,
    item,
    cast(amount_yuan * 0.0001 as decimal(24, 6)) as amount_wan,
    previous_year,
    cast((amount_yuan - previous_amount_yuan) * 0.0001 as decimal(24, 6)) as change_wan
from with_previous
order by department, fiscal_year, item_order
