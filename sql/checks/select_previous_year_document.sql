-- the same department's document of the same kind one fiscal year earlier, if loaded
select dim_document.document_id
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where dim_department.department = $department
    and dim_document.fiscal_year = $fiscal_year - 1
    and dim_document.document_kind = $document_kind
