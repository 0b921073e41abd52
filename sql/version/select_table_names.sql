-- the base tables of the open warehouse (which version's tables are there)
select table_name
from duckdb_tables()
where database_name = current_database()
    and schema_name = current_schema()
