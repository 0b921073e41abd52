-- the columns of one table or view of the open warehouse, in order, with their comments
select
    column_name,
    data_type,
    comment
from duckdb_columns()
where database_name = current_database()
    and schema_name = current_schema()
    and table_name = $relation
order by column_index
