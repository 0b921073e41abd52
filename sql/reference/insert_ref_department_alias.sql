insert into ref_department_alias (alias, department)
select
    alias,
    department
from frame
