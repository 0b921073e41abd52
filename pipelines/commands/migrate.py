"""`budget migrate`: the explicit schema step (opening a warehouse never changes its schema).

`budget load`, a Dagster batch run and a publish take the same step first, so it is needed
by hand only before reading an older warehouse (`budget export`, the Parquet export asset),
which refuses it in one line naming this command."""

from __future__ import annotations

import sys

import duckdb

from pipelines.errors import printable
from pipelines.warehouse.connection import Warehouse
from pipelines.warehouse.migrations import LATEST_VERSION


def run_migrate(args) -> int:
    """Upgrade `args.warehouse` in place; one line saying what was done, 1 if it could not."""
    store = Warehouse(args.warehouse)
    where = store.resolved_path()
    created = not where.exists()  # a new file is created at the latest version, never upgraded
    try:
        changed = store.migrate()
    except RuntimeError as exc:  # SchemaVersionError, WarehouseDamagedError: one line naming it
        print(printable(f"budget migrate: {exc}"), file=sys.stderr)
        return 1
    except duckdb.Error as exc:
        reason = " ".join(str(exc).strip().splitlines()[0].split())
        print(printable(f"budget migrate: {where}: {reason}"), file=sys.stderr)
        return 1
    done = ("created at" if created else "upgraded to") if changed else "already at"
    print(printable(f"{where}: {done} schema version {LATEST_VERSION}"))
    return 0
