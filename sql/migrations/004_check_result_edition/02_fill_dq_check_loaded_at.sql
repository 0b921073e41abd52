-- check rows of the edition that is loaded take its loaded_at; rows of another edition stay NULL
update fact_dq_check
set loaded_at = dim_document.loaded_at
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where dim_department.department = fact_dq_check.department
    and dim_document.fiscal_year = fact_dq_check.fiscal_year
    and dim_document.document_kind = fact_dq_check.document_kind
    and dim_document.sha256 = fact_dq_check.sha256
