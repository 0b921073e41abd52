-- the same department's loaded document of the same kind and stage for $fiscal_year (the
-- year before a document, to compare with; the year after, to compare again): a budget is
-- compared with a budget, final accounts with final accounts
select dim_document.document_id
from dim_document
inner join dim_department on dim_department.department_id = dim_document.department_id
where dim_department.department = $department
    and dim_document.fiscal_year = $fiscal_year
    and dim_document.document_kind = $document_kind
    and dim_document.stage = $stage
