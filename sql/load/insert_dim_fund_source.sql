insert into dim_fund_source (fund_source, is_total)
select
    name as fund_source,
    is_total
from frame
on conflict do nothing
