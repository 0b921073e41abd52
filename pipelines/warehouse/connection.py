"""Where the warehouse lives and how to open it with its schema in place."""

import os
from pathlib import Path

import duckdb

from pipelines.warehouse.migrations import require_current, upgrade
from pipelines.warehouse.reference import sync_reference

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


def apply_schema(con: duckdb.DuckDBPyConnection, where: str | os.PathLike = "warehouse") -> None:
    """Upgrade tables and views to this release's version, then sync data/reference."""
    upgrade(con, where)
    sync_reference(con)


def connect(path: str | os.PathLike, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable open creates parent folders, upgrades the schema in
    place (`pipelines.warehouse.migrations`) and syncs the reference CSVs.

    A read-only open never changes anything: DuckDB refuses a missing file, and a warehouse
    of another schema version raises SchemaVersionError (one line) instead of answering
    with other columns.
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path), read_only=read_only)
    try:
        if read_only:
            require_current(con, path)
        else:
            apply_schema(con, path)
    except BaseException:
        con.close()
        raise
    return con
