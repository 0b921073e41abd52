-- year-over-year change of each department's expenditure by function class (类), from
-- v_year_over_year (v_expenditure_by_function's level-1 rows; a class is named `code name`
-- there); a body's department budget (部门预算) and unit budget (单位预算) are compared each with
-- its own kind, final accounts (决算) with final accounts, and a year whose previous year is
-- not loaded has no change
select
    department,
    fiscal_year,
    split_part(category, ' ', 1) as code,
    substr(category, strpos(category, ' ') + 1) as name,
    this_year_wan as amount_wan,
    case when last_year_wan is not null then fiscal_year - 1 end as previous_year,
    last_year_wan as previous_amount_wan,
    change_wan,
    change_pct,
    document_kind,
    stage
from v_year_over_year
where category_level = 'function_class'
order by department, document_kind, stage, code, fiscal_year
