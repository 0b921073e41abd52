"""Resources: the DuckDB warehouse (one writer at a time) and the inbox of PDFs."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from pipelines.inbox import PASSWORD_ENV, inbox_folder
from pipelines.warehouse.connection import connect, warehouse_path

# Every step that opens the warehouse runs in this pool; dagster.yaml limits it to 1.
WAREHOUSE_POOL = "duckdb_warehouse"


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, opened through pipelines.warehouse.connection.connect."""

    path: str | None = Field(
        default=None,
        description="DuckDB file; default $BUDGET_WAREHOUSE, else data/warehouse/budget.duckdb",
    )
    lock_timeout_seconds: float = Field(
        default=120.0,
        description="how long to wait for another process (e.g. `budget query`) to let go",
    )

    def resolved_path(self) -> Path:
        return warehouse_path(self.path)

    @contextmanager
    def get_connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection with the schema in place, closed on exit; waits out a file lock."""
        deadline = time.monotonic() + self.lock_timeout_seconds
        delay = 0.2
        while True:
            try:
                con = connect(self.resolved_path(), read_only=read_only)
                break
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        try:
            yield con
        finally:
            con.close()


class BudgetInbox(dg.ConfigurableResource):
    """The folder the sensor watches for PDFs, and the password of encrypted PDFs."""

    folder: str | None = Field(default=None, description="default $BUDGET_INBOX, else data/inbox")
    password: str | None = Field(
        default=None, description="user password of encrypted PDFs; default $BUDGET_PDF_PASSWORD"
    )

    def resolved_folder(self) -> Path:
        return inbox_folder(self.folder)

    def resolved_password(self) -> str | None:
        return self.password or os.environ.get(PASSWORD_ENV) or None
