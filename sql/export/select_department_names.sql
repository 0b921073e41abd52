-- every name a department filter may use: each canonical department and each alias, with
-- the department it is filed under
select
    department as name,
    department
from dim_department
union
select
    alias as name,
    department
from ref_department_alias
order by name
