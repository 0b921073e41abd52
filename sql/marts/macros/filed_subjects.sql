-- the subject codes of the tables filed under the subject dimension `dimension`: each code
-- once, named as first printed, as a row of that dimension for `year`
create or replace temp macro filed_subjects(dimension, year) as table
select
    code,
    year as fiscal_year,
    first(label order by table_key, row_index) as name,
    subject_level as level,
    parent_code
from filed_cells(dimension)
where code <> ''
group by code, subject_level, parent_code
