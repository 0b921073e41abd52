-- every document keeps its row and document_id (the facts refer to it)
insert into dim_document_by_kind (
    document_id, department_id, fiscal_year, source_file, sha256, page_count, unit, format,
    loaded_at, document_kind, printed_department
)
select
    document_id,
    department_id,
    fiscal_year,
    source_file,
    sha256,
    page_count,
    unit,
    format,
    loaded_at,
    document_kind,
    printed_department
from dim_document
