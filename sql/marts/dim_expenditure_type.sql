-- the column headers of the tables whose columns the vocabulary files under dim_expenditure_type;
-- a name already known keeps its row as it is (updated to itself, so the statement counts
-- every name the document uses)
insert into dim_expenditure_type by name
select * rename (header as expenditure_type) from filed_column_headers('dim_expenditure_type')
on conflict do update set is_total = dim_expenditure_type.is_total
