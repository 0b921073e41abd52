insert into dim_department (department)
values ($department)
on conflict do nothing
