-- one loaded document by its key (department, fiscal year, kind, stage): its id, its edition
-- (sha256) and when it was loaded. Checks find the same department's document of another
-- year (to compare with, or to compare again) by it too: a budget with a budget, final
-- accounts with final accounts, or a 决算 with its year's budget
select
    dim_document.document_id,
    dim_document.sha256,
    dim_document.loaded_at
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where dim_department.department = $department
    and dim_document.fiscal_year = $fiscal_year
    and dim_document.document_kind = $document_kind
    and dim_document.stage = $stage
