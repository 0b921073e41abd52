-- point every document at the department its printed name is filed under
update dim_document
set department_id = filed.department_id
from (
    select
        dim_document.document_id,
        dim_department.department_id
    from dim_document
    left join ref_department_alias
        on ref_department_alias.alias = dim_document.printed_department
    inner join dim_department
        on dim_department.department
        = coalesce(ref_department_alias.department, dim_document.printed_department)
) as filed
where filed.document_id = dim_document.document_id
    and filed.department_id <> dim_document.department_id
