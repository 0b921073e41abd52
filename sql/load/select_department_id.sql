select department_id
from dim_department
where department = $department
