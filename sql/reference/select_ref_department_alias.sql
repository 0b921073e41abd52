select
    alias,
    department
from ref_department_alias
order by alias
