-- every document keeps its row and document_id (the facts refer to it), as a budget
insert into dim_document_by_stage (
    document_id, department_id, fiscal_year, source_file, sha256, page_count, unit, format,
    loaded_at, document_kind, printed_department, stage
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
    printed_department,
    'budget' as stage
from dim_document
