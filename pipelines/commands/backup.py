"""`budget backup DIR` and `budget restore BACKUP`: a checkpointed copy of the warehouse file.

A copy rather than `EXPORT DATABASE`: after CHECKPOINT (the write-ahead log folded in) the
file alone is the whole warehouse, so the copy restores byte-identical, with its sequences,
constraints and schema_version, in the time of a file copy; an export would rebuild the
schema from text and reset sequences. The copy is taken while this process holds DuckDB's
writer lock, so no load can change the file under it. A restore never deletes: the file
it replaces (damaged or not) is kept beside it as `<warehouse>.replaced-<time>`.
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.commands import fail
from pipelines.warehouse.connection import (
    WarehouseDamagedError,
    open_database,
    reporting_damage,
    warehouse_path,
)
from pipelines.warehouse.migrations import stored_version
from pipelines.warehouse.sql_files import read_sql

BACKUP_FILE = "budget.duckdb"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _copy(source: Path, target: Path) -> None:
    """Copy to a temporary name beside `target`, then rename: never a half-written target."""
    partial = target.with_name(target.name + ".part")
    shutil.copyfile(source, partial)
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    partial.replace(target)


def describe(path: Path) -> tuple[int, int]:
    """(schema version, documents) of a warehouse file; raises for a file that is not one."""
    con = open_database(path, read_only=True)
    try:
        with reporting_damage(path):
            version, _ = stored_version(con)
            if version == 0:
                raise ValueError(f"{path}: not a budget warehouse (no warehouse tables)")
            (documents,) = con.execute(read_sql("maintenance/count_documents")).fetchone()
    finally:
        con.close()
    return version, documents


def backup(warehouse: Path, folder: Path) -> Path:
    """Checkpoint `warehouse` and copy it to folder/<UTC time>/budget.duckdb; the copy is
    opened once to prove it reads. Returns the copy's path."""
    target = folder / _stamp() / BACKUP_FILE
    con = open_database(warehouse)  # the writer lock: no load changes the file meanwhile
    try:
        with reporting_damage(warehouse):
            con.execute(read_sql("maintenance/checkpoint"))
        target.parent.mkdir(parents=True)
        _copy(warehouse, target)
    finally:
        con.close()
    describe(target)
    return target


def backup_file(given: Path) -> Path:
    """The backup a path names: a backup file, one backup's folder, or the folder of
    backups (its latest)."""
    if given.is_file():
        return given
    if (given / BACKUP_FILE).is_file():
        return given / BACKUP_FILE
    found = sorted(given.glob(f"*/{BACKUP_FILE}"))
    if not found:
        raise FileNotFoundError(f"{given}: no backup here (made by `budget backup {given}`)")
    return found[-1]


def restore(backup_path: Path, warehouse: Path) -> Path | None:
    """Put the backup in place of `warehouse`; the file replaced (and its write-ahead log)
    is kept as `<warehouse>.replaced-<time>`, which is returned (None if there was none).

    Refuses while another process holds the warehouse (DuckDB's lock), so a restore never
    pulls a file from under a running load."""
    if warehouse.exists():
        try:
            open_database(warehouse).close()
        except WarehouseDamagedError:
            pass  # what a restore is for
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    stamp = _stamp()
    kept = None
    for old in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
        if old.exists():
            aside = old.with_name(f"{old.name}.replaced-{stamp}")
            old.rename(aside)
            kept = kept or aside
    _copy(backup_path, warehouse)
    return kept


def run_backup(args) -> int:
    """The `budget backup DIR` sub-command: one line naming the copy, exit 0."""
    warehouse = warehouse_path(args.warehouse)
    if not warehouse.is_file():
        return fail("backup", f"no warehouse at {warehouse} (pass --warehouse)")
    try:
        target = backup(warehouse, Path(args.folder))
        version, documents = describe(target)
    except (WarehouseDamagedError, ValueError, OSError) as exc:
        return fail("backup", str(exc))
    except duckdb.Error as exc:
        return fail("backup", f"{warehouse}: {str(exc).strip().splitlines()[0]}")
    print(f"backup: {target} ({documents} documents, schema version {version})")
    return 0


def run_restore(args) -> int:
    """The `budget restore BACKUP` sub-command: one line naming what was restored and kept."""
    warehouse = warehouse_path(args.warehouse)
    try:
        source = backup_file(Path(args.backup))
        version, documents = describe(source)
        kept = restore(source, warehouse)
    except (WarehouseDamagedError, ValueError, OSError) as exc:
        return fail("restore", str(exc))
    except duckdb.Error as exc:
        return fail("restore", f"{warehouse}: {str(exc).strip().splitlines()[0]}")
    line = f"restored: {warehouse} from {source} ({documents} documents, schema version {version})"
    if kept is not None:
        line += f"; the file it replaced is kept as {kept}"
    print(line)
    return 0
