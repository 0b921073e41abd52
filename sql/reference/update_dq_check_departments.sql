-- check rows follow their document: the department of the loaded edition they checked,
-- else (checks of a document not loaded) the alias target of the name they carry
update fact_dq_check
set department = coalesce(
    (
        select dim_department.department
        from dim_document
        inner join dim_department on dim_department.department_id = dim_document.department_id
        where dim_document.sha256 = fact_dq_check.sha256
            and dim_document.fiscal_year = fact_dq_check.fiscal_year
    ),
    (
        select ref_department_alias.department
        from ref_department_alias
        where ref_department_alias.alias = fact_dq_check.department
    ),
    fact_dq_check.department
)
