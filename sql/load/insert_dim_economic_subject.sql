insert into dim_economic_subject (code, fiscal_year, name, level, parent_code)
select
    code,
    fiscal_year,
    name,
    level,
    parent_code
from frame
on conflict do nothing
