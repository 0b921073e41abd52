-- departments no document is filed under any more because their name became an alias
delete from dim_department
where department in (select alias from ref_department_alias)
    and department_id not in (select department_id from dim_document)
