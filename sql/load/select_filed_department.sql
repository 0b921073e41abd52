-- the department a printed name is filed under: its alias target, else the name itself
select coalesce(
    (select department from ref_department_alias where alias = $department), $department
) as department
