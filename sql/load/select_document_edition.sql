-- the loaded edition of one document: its sha256 and when it was loaded
select
    dim_document.sha256,
    dim_document.loaded_at
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where dim_department.department = $department
    and dim_document.fiscal_year = $fiscal_year
    and dim_document.document_kind = $document_kind
    and dim_document.stage = $stage
