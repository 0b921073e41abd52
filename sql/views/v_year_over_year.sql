-- this year against the previous year, per department × kind × stage × category: each
-- function class (类, level-1 subject of v_expenditure_by_function) and each 三公 category
-- (v_three_public); a budget is compared with last year's budget, final accounts (决算) with
-- last year's final accounts; a class is matched with last year's by its code, whatever name
-- it was printed with; last year, change and % are null while the previous year is not
-- loaded
create or replace view v_year_over_year as
with totals as (
    select
        department,
        document_kind,
        stage,
        fiscal_year,
        'function_class' as category_level,
        code as category_key,
        code || ' ' || any_value(name) as category,
        sum(amount_yuan) as amount_yuan
    from v_expenditure_by_function
    where level = 1
    group by department, document_kind, stage, fiscal_year, code
    union all
    select
        department,
        document_kind,
        stage,
        fiscal_year,
        'three_public' as category_level,
        category as category_key,
        category,
        sum(amount_yuan) as amount_yuan
    from v_three_public
    where category is not null
    group by department, document_kind, stage, fiscal_year, category
)

select
    this_year.department,
    this_year.fiscal_year,
    this_year.category_level,
    this_year.category,
    wan(this_year.amount_yuan) as this_year_wan,
    wan(last_year.amount_yuan) as last_year_wan,
    wan(this_year.amount_yuan - last_year.amount_yuan) as change_wan,
    case
        when last_year.amount_yuan <> 0
            then cast(
                round(100 * (this_year.amount_yuan - last_year.amount_yuan) / last_year.amount_yuan, 2)
                as decimal(12, 2)
            )
    end as change_pct,
    this_year.document_kind,
    this_year.stage
from totals as this_year
left join totals as last_year
    on last_year.department = this_year.department
    and last_year.document_kind = this_year.document_kind
    and last_year.stage = this_year.stage
    and last_year.category_level = this_year.category_level
    and last_year.category_key = this_year.category_key
    and last_year.fiscal_year = this_year.fiscal_year - 1
order by
    this_year.department, this_year.document_kind, this_year.stage, this_year.category_level,
    this_year.category, this_year.fiscal_year
