"""Resources: the DuckDB warehouse (one writer at a time) and the inbox of PDFs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import Field

from pipelines import settings
from pipelines.inbox import inbox_folder
from pipelines.warehouse.connection import (
    SchemaStep,
    is_lock_held,
    open_database,
    reporting_damage,
    take_schema_step,
    warehouse_path,
)
from pipelines.warehouse.migrations import require_current
from pipelines.warehouse.storage import OPEN_CONFIG

# Every step that opens the warehouse runs in this pool; dagster.yaml limits it to 1.
WAREHOUSE_POOL = "duckdb_warehouse"


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file. Opening it never changes its schema: `migrate()` is the
    explicit step that does (the start of a batch run or publish, `budget load`, `budget
    migrate`), and `get_connection` refuses a warehouse of another schema version in one line.

    Another process's writer lock is waited out by `dagster_duckdb.DuckDBResource` (its
    backoff: ten retries, about 100 s in all). Any other failure to open (a damaged file, a
    folder in the way) is said at once: waiting cannot mend it.
    """

    path: str | None = Field(
        default=None,
        description="DuckDB file; default $BUDGET_WAREHOUSE, else data/warehouse/budget.duckdb",
    )

    def resolved_path(self) -> Path:
        return warehouse_path(self.path)

    @contextmanager
    def get_connection(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to a warehouse of this release's schema, closed on exit."""
        path = self.resolved_path()
        with self._opened(path, read_only) as con:
            with reporting_damage(path):
                require_current(con, path)
            yield con

    def migrate(self) -> SchemaStep:
        """The schema step: bring tables, views and reference data up to this release's
        (`pipelines.warehouse.migrations`) and a file DuckDB 1.x cannot read into a storage
        version it can (`pipelines.warehouse.storage`); what it did, in one line."""
        path = self.resolved_path()
        created = not path.exists()
        with self._opened(path, read_only=False) as con, reporting_damage(path):
            return take_schema_step(con, path, created)

    @contextmanager
    def _opened(self, path: Path, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        with ExitStack() as stack:
            try:
                con = open_database(path, read_only=read_only)
            except duckdb.IOException as exc:
                if not is_lock_held(str(exc)):
                    raise
                config = OPEN_CONFIG | ({"access_mode": "READ_ONLY"} if read_only else {})
                waiting = DuckDBResource(database=str(path), connection_config=config)
                with reporting_damage(path):
                    con = stack.enter_context(waiting.get_connection())
            stack.callback(con.close)  # the library closes only after a clean exit
            yield con


class BudgetInbox(dg.ConfigurableResource):
    """The folder the sensor watches for PDFs, and the password of encrypted PDFs."""

    folder: str | None = Field(default=None, description="default $BUDGET_INBOX, else data/inbox")
    password: str | None = Field(
        default=None, description="user password of encrypted PDFs; default $BUDGET_PDF_PASSWORD"
    )

    def resolved_folder(self) -> Path:
        return inbox_folder(self.folder)

    def resolved_password(self) -> str | None:
        return settings.PDF_PASSWORD.value(self.password) or None
