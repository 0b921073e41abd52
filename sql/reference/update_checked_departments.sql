-- check rows and their findings follow their document: the department of the loaded edition
-- they checked, else (checks of a document not loaded) the alias target of the name they
-- carry. A template: pipelines/warehouse/reference.py fills "{table}" with fact_dq_check,
-- then fact_dq_finding (a fixed list), so both are filed alike
update "{table}"
set department = coalesce(
    (
        select dim_department.department
        from dim_document
        inner join dim_department on dim_department.department_id = dim_document.department_id
        where dim_document.sha256 = "{table}".sha256
            and dim_document.fiscal_year = "{table}".fiscal_year
    ),
    (
        select ref_department_alias.department
        from ref_department_alias
        where ref_department_alias.alias = "{table}".department
    ),
    "{table}".department
)
