-- the “三公” total of every document: its three_public_total row over the fund-source columns
select
    department,
    document_kind,
    fiscal_year,
    sum(amount_yuan) as amount_yuan
from v_three_public
where category = 'three_public_total'
group by department, document_kind, fiscal_year
order by department, document_kind, fiscal_year
