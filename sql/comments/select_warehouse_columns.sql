-- every column of the open warehouse's tables and views, to comment on
select
    table_name,
    column_name
from duckdb_columns()
where database_name = current_database()
    and schema_name = current_schema()
    and not internal
order by table_name, column_index
