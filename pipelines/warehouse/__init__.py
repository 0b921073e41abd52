"""The DuckDB warehouse: schema, loader and check-result recording (no Dagster imports)."""
