"""The warehouse file's storage version: new files in one DuckDB 1.0 reads."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.resources import DuckDBWarehouse
from pipelines.warehouse.connection import connect
from pipelines.warehouse.storage import STORAGE_VERSION, storage_version


def file_version(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return storage_version(con)
    finally:
        con.close()


def test_a_new_warehouse_is_written_in_the_old_clients_version(tmp_path):
    connect(tmp_path / "w.duckdb").close()
    DuckDBWarehouse(path=str(tmp_path / "r.duckdb")).migrate()
    assert file_version(tmp_path / "w.duckdb") == STORAGE_VERSION
    assert file_version(tmp_path / "r.duckdb") == STORAGE_VERSION
    assert storage_version(duckdb.connect()) is None  # in memory: no file
