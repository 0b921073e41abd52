"""The storage version of the warehouse file: one that every DuckDB client since 1.0 reads.

DuckDB writes a new file in its own latest storage format unless told otherwise, and
DuckDB 2.x's is refused by the 1.x clients analysts open a `.duckdb` file with (DBeaver's
driver, R, older CLIs, BI tools). Every open therefore passes `storage_compatibility_version`
(`OPEN_CONFIG`), so a file this release creates is written in STORAGE_VERSION; DuckDB keeps
a file in the version it was created in, whatever a later open says (docs/warehouse.md,
*Storage version*).
"""

from __future__ import annotations

import duckdb

from pipelines.warehouse.sql_files import read_sql

# DuckDB 1.0's format: the first stable one, read by every client since (docs/warehouse.md).
STORAGE_VERSION = "v1.0.0"
OPEN_CONFIG = {"storage_compatibility_version": STORAGE_VERSION}


def _database(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    """(name, storage version) of the open database; the version None in memory."""
    name, tag = con.execute(read_sql("storage/select_storage_version")).fetchone()
    return name, tag.rstrip("+") if tag else None


def storage_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The storage version of the open database's file ('v1.0.0'); None in memory."""
    return _database(con)[1]
