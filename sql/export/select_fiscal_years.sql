-- the fiscal years loaded, of one department or (null) of all
select distinct dim_document.fiscal_year
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where $department is null
    or dim_department.department = $department
order by dim_document.fiscal_year
