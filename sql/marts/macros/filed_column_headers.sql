-- the column headers of the tables filed under the column dimension `dimension`, exactly as
-- printed, each once, with whether it is a total column
create or replace temp macro filed_column_headers(dimension) as table
select distinct
    column_name as header,
    is_total_column as is_total
from filed_cells(dimension)
