-- the loaded edition(s) a new document replaces: same department, year, kind and stage, or
-- same file
select
    dim_document.document_id,
    dim_department.department,
    dim_document.fiscal_year,
    dim_document.document_kind,
    dim_document.stage,
    dim_document.sha256,
    dim_document.source_file
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where (
    dim_document.department_id = $department_id
    and dim_document.fiscal_year = $fiscal_year
    and dim_document.document_kind = $document_kind
    and dim_document.stage = $stage
)
or dim_document.sha256 = $sha256
order by dim_document.document_id
