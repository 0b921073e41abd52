insert into dim_expenditure_type (expenditure_type, is_total)
select
    name as expenditure_type,
    is_total
from frame
on conflict do nothing
