"""Resources: the DuckDB warehouse (one writer at a time) and the inbox of PDFs."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from pipelines import settings
from pipelines.inbox import inbox_folder
from pipelines.warehouse.connection import SchemaStep, Warehouse

# Every step that opens the warehouse runs in this pool; dagster.yaml limits it to 1.
WAREHOUSE_POOL = "duckdb_warehouse"


class DuckDBWarehouse(dg.ConfigurableResource):
    """The DuckDB warehouse file, as a Dagster resource: `pipelines.warehouse.connection.
    Warehouse` (opening never changes the schema, `migrate()` does; another writer's lock
    is waited out, any other failure to open is said at once)."""

    path: str | None = Field(
        default=None,
        description="DuckDB file; default $BUDGET_WAREHOUSE, else data/warehouse/budget.duckdb",
    )

    def resolved_path(self) -> Path:
        return Warehouse(self.path).resolved_path()

    def get_connection(
        self, read_only: bool = False
    ) -> AbstractContextManager[duckdb.DuckDBPyConnection]:
        """A connection to a warehouse of this release's schema, closed on exit."""
        return Warehouse(self.path).get_connection(read_only)

    def migrate(self) -> SchemaStep:
        """The schema step (tables, views, reference data, storage version); what it did."""
        return Warehouse(self.path).migrate()


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
