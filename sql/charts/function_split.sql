-- the level-1 (类) expenditure of every document, from v_expenditure_by_function, largest first
select
    department,
    fiscal_year,
    document_kind,
    code,
    min(name) as name,
    sum(amount_yuan) as amount_yuan
from v_expenditure_by_function
where level = 1
group by department, fiscal_year, document_kind, code
order by department, fiscal_year, document_kind, amount_yuan desc, code
