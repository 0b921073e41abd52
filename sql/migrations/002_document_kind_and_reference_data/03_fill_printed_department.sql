-- the first release filed each document under its printed name
update dim_document
set printed_department = dim_department.department
from dim_department
where dim_department.department_id = dim_document.department_id
