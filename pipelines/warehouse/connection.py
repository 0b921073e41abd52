"""Where the warehouse lives and how to open it with its schema in place."""

import os
from pathlib import Path

import duckdb

from pipelines.warehouse.sql_files import read_sql, sql_names

DEFAULT_WAREHOUSE = Path("data/warehouse/budget.duckdb")
WAREHOUSE_ENV = "BUDGET_WAREHOUSE"


def warehouse_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--warehouse FILE` if given, else `$BUDGET_WAREHOUSE`, else data/warehouse/budget.duckdb."""
    if explicit:
        return Path(explicit)
    from_env = os.environ.get(WAREHOUSE_ENV)
    if from_env:
        return Path(from_env)
    return DEFAULT_WAREHOUSE


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create every table, sequence and view that is missing (safe to run on every open)."""
    for name in sql_names("schema") + sql_names("views"):
        con.execute(read_sql(name))


def connect(path: str | os.PathLike, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable open creates parent folders and applies the schema.

    A read-only open never creates anything: DuckDB refuses a missing file, which the
    caller reports.
    """
    path = Path(path)
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    apply_schema(con)
    return con
