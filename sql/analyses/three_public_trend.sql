-- 三公 (and 机关运行 / 行政经费) per department, kind, stage and category over the years, all
-- fund sources together, with the change from the department's previous year of the same
-- kind and stage (v_year_over_year: null while that year is not loaded), categories in the
-- order of data/reference/three_public_categories.csv
with category_order as (
    select
        category,
        min(position) as category_order
    from ref_three_public_category
    group by category
)

select
    trend.department,
    trend.fiscal_year,
    trend.category,
    trend.this_year_wan as amount_wan,
    case when trend.last_year_wan is not null then trend.fiscal_year - 1 end as previous_year,
    trend.change_wan,
    trend.document_kind,
    trend.stage
from v_year_over_year as trend
inner join category_order on category_order.category = trend.category
where trend.category_level = 'three_public'
order by
    trend.department, trend.document_kind, trend.stage, trend.fiscal_year,
    category_order.category_order
