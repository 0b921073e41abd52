"""budget-etl: department budget PDFs to a checked DuckDB star schema.

Sub-packages: `extraction` (PDF -> budget-doc/1 JSON, no Dagster), `warehouse`
(DuckDB loading and queries); the Dagster wiring lives in `definitions.py` and the
small modules beside it, the asset bodies in the top-level `assets` package.
"""
