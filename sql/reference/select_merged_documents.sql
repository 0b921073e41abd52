-- department × year × kind × stage the current aliases would give more than one loaded
-- document
with documents as (
    select
        coalesce(ref_department_alias.department, dim_document.printed_department) as department,
        dim_document.fiscal_year,
        dim_document.document_kind,
        dim_document.stage,
        dim_document.printed_department,
        dim_document.source_file
    from dim_document
    left join ref_department_alias
        on ref_department_alias.alias = dim_document.printed_department
)

select
    department,
    fiscal_year,
    document_kind,
    stage,
    list(printed_department order by printed_department, source_file) as printed_departments,
    list(source_file order by printed_department, source_file) as source_files
from documents
group by department, fiscal_year, document_kind, stage
having count(*) > 1
order by department, fiscal_year, document_kind, stage
