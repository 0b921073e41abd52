"""`budget migrate`: the explicit schema step (opening a warehouse never changes its schema).

It upgrades the tables and views, and rewrites a file in a storage version DuckDB 1.x cannot
read (written by an earlier release) into one every client since DuckDB 1.0 reads.
`budget load`, a Dagster batch run and a publish take the same step first, so it is needed
by hand only before reading an older warehouse (`budget export`, the Parquet export asset,
an analyst's DuckDB client), which refuses it in one line naming this command."""

from __future__ import annotations

import sys

import duckdb

from pipelines.errors import printable
from pipelines.warehouse.connection import Warehouse


def run_migrate(args) -> int:
    """Upgrade `args.warehouse` in place; one line saying what was done, 1 if it could not."""
    store = Warehouse(args.warehouse)
    where = store.resolved_path()
    try:
        step = store.migrate()
    except RuntimeError as exc:  # SchemaVersionError, WarehouseDamagedError: one line naming it
        print(printable(f"budget migrate: {exc}"), file=sys.stderr)
        return 1
    except (duckdb.Error, OSError) as exc:  # e.g. the disk full while writing the rewrite
        reason = " ".join(str(exc).strip().splitlines()[0].split())
        print(printable(f"budget migrate: {where}: {reason}"), file=sys.stderr)
        return 1
    print(printable(step.line))
    return 0
