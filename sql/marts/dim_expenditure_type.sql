-- the column headers of the tables whose columns the vocabulary files under dim_expenditure_type,
-- exactly as printed; a name already known keeps its row as it is (updated to itself, so
-- the statement counts every name the document uses)
insert into dim_expenditure_type by name
select distinct
    cells.column_name as expenditure_type,
    cells.is_total_column as is_total
from stg_budget_cells as cells
inner join seed_budget_tables as tables on tables.table_key = cells.table_key
where tables.column_dimension = 'dim_expenditure_type'
on conflict do update set is_total = dim_expenditure_type.is_total
