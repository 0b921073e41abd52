-- the qualified name of every view of one attached database (DuckDB's own views left out)
select schema_name || '.' || view_name as view_name
from duckdb_views()
where database_name = $database
    and not internal
order by all
