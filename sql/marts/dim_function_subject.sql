-- the 功能分类 subjects of the tables whose codes the vocabulary files under dim_function_subject:
-- each code once, named as first printed; a code known for the year keeps its row as it is
-- (updated to itself, so the statement counts every subject the document uses)
insert into dim_function_subject by name
select
    cells.code,
    $fiscal_year as fiscal_year,
    first(cells.label order by cells.table_key, cells.row_index) as name,
    cells.subject_level as level,
    cells.parent_code
from stg_budget_cells as cells
inner join seed_budget_tables as tables on tables.table_key = cells.table_key
where tables.subject_dimension = 'dim_function_subject'
    and cells.code <> ''
group by cells.code, cells.subject_level, cells.parent_code
on conflict do update set name = dim_function_subject.name
