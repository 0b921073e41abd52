-- the qualified name of every base table of one attached database, to count its rows
select schema_name || '.' || table_name as table_name
from duckdb_tables()
where database_name = $database
order by all
