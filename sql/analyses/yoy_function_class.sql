-- year-over-year change of each department's expenditure by function class (类), from t03;
-- a body's department budget (部门预算) and unit budget (单位预算) are compared each with its own kind
with class_totals as (
    select
        department,
        fiscal_year,
        document_kind,
        code,
        any_value(name) as name,
        sum(amount_yuan) as amount_yuan
    from v_expenditure_by_function
    where level = 1
    group by department, fiscal_year, document_kind, code
),

with_previous as (
    select
        department,
        fiscal_year,
        document_kind,
        code,
        name,
        amount_yuan,
        lag(fiscal_year) over by_class as previous_year,
        lag(amount_yuan) over by_class as previous_amount_yuan
    from class_totals
    window by_class as (partition by department, document_kind, code order by fiscal_year)
)

select
    department,
    fiscal_year,
    code,
    name,
    cast(amount_yuan * 0.0001 as decimal(24, 6)) as amount_wan,
    previous_year,
    cast(previous_amount_yuan * 0.0001 as decimal(24, 6)) as previous_amount_wan,
    cast((amount_yuan - previous_amount_yuan) * 0.0001 as decimal(24, 6)) as change_wan,
    case
        when previous_amount_yuan <> 0
            then cast(
                round(100 * (amount_yuan - previous_amount_yuan) / previous_amount_yuan, 2)
                as decimal(12, 2)
            )
    end as change_pct,
    document_kind
from with_previous
order by department, document_kind, code, fiscal_year
