-- a dim_department row for every name a document is filed under once the aliases apply
insert into dim_department (department)
select distinct coalesce(ref_department_alias.department, dim_document.printed_department)
from dim_document
left join ref_department_alias
    on ref_department_alias.alias = dim_document.printed_department
on conflict do nothing
