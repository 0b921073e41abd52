-- one department's “三公” total in 万元 for every fiscal year loaded (documents of one kind
-- and stage)
select
    fiscal_year,
    wan(sum(amount_yuan)) as amount_wan
from v_three_public
where
    category = 'three_public_total'
    and department = $department
    and document_kind = $document_kind
    and stage = $stage
group by fiscal_year
order by fiscal_year
