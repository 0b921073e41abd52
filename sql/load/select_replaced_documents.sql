-- the loaded edition(s) a new document replaces: same department, year and kind, or same file
with documents as (
    select
        dim_document.document_id,
        dim_department.department,
        dim_document.fiscal_year,
        dim_document.document_kind,
        dim_document.sha256,
        dim_document.source_file,
        dim_document.department_id
    from dim_document
    inner join dim_department on dim_department.department_id = dim_document.department_id
)

select
    document_id,
    department,
    fiscal_year,
    document_kind,
    sha256,
    source_file
from documents
where (
    department_id = $department_id
    and fiscal_year = $fiscal_year
    and document_kind = $document_kind
)
or sha256 = $sha256
order by document_id
