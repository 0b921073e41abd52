-- 三公 (and 机关运行 / 行政经费) per department, kind and category over the years, all fund
-- sources together, with the change from the department's previous year of the same kind
-- (v_three_public)
with category_order as (
    select
        category,
        min(position) as category_order
    from ref_three_public_category
    group by category
),

category_totals as (
    select
        department,
        fiscal_year,
        document_kind,
        category,
        sum(amount_yuan) as amount_yuan
    from v_three_public
    where category is not null
    group by department, fiscal_year, document_kind, category
),

with_previous as (
    select
        department,
        fiscal_year,
        document_kind,
        category,
        amount_yuan,
        lag(fiscal_year) over by_category as previous_year,
        lag(amount_yuan) over by_category as previous_amount_yuan
    from category_totals
    window by_category as (
        partition by department, document_kind, category order by fiscal_year
    )
)

select
    with_previous.department,
    with_previous.fiscal_year,
    with_previous.category,
    cast(with_previous.amount_yuan * 0.0001 as decimal(24, 6)) as amount_wan,
    with_previous.previous_year,
    cast(
        (with_previous.amount_yuan - with_previous.previous_amount_yuan) * 0.0001
        as decimal(24, 6)
    ) as change_wan,
    with_previous.document_kind
from with_previous
inner join category_order on category_order.category = with_previous.category
order by
    with_previous.department, with_previous.document_kind, with_previous.fiscal_year,
    category_order.category_order
