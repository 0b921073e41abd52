-- one document's level-1 function classes (类) in 万元: the bars of its preview chart
select
    code,
    any_value(name) as name,
    wan(sum(amount_yuan)) as amount_wan
from v_expenditure_by_function
where
    level = 1
    and department = $department
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
    and stage = $stage
group by code
order by code
