-- the open warehouse's database name and the storage version its file is written in, as
-- DuckDB tags it ('v1.0.0+': DuckDB 1.0 and later read it; null for an in-memory database)
select database_name, tags['storage_version'] as storage_version
from duckdb_databases()
where database_name = current_database()
