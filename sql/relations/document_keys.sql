-- every loaded document with what the public views report it by: its filed department,
-- fiscal year, kind and stage (one definition, joined by the views as `document_keys()`)
create or replace macro document_keys() as table
select
    dim_document.document_id,
    dim_department.department,
    dim_document.fiscal_year,
    dim_document.document_kind,
    dim_document.stage
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
