"""The storage version of the warehouse file: one that every DuckDB client since 1.0 reads.

DuckDB writes a new file in its own latest storage format unless told otherwise, and
DuckDB 2.x's is refused by the 1.x clients analysts open a `.duckdb` file with (DBeaver's
driver, R, older CLIs, BI tools). Every open therefore passes `storage_compatibility_version`
(`OPEN_CONFIG`), so a file this release creates is written in STORAGE_VERSION; DuckDB keeps
a file in the version it was created in, whatever a later open says. A file created in a
newer version (by an earlier release of this project) is rewritten by `rewrite_storage`, part
of the schema step: copied whole into a new file beside it, every table's rows counted on
both sides, then moved over it in one rename (docs/warehouse.md, *Storage version*).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.warehouse.sql_files import read_sql

# DuckDB 1.0's format: the first stable one, read by every client since (docs/warehouse.md).
STORAGE_VERSION = "v1.0.0"
OPEN_CONFIG = {"storage_compatibility_version": STORAGE_VERSION}
READERS = "DuckDB 1.0 and later"
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)\+?$")


class StorageRewriteError(RuntimeError):
    """A rewrite whose copy is not the warehouse row for row; the warehouse is untouched and
    the message is one line naming the file and the difference (`reason`)."""

    def __init__(self, path: Path, reason: str):
        self.reason = f"not rewritten, the file is unchanged: {reason}"
        super().__init__(f"{path}: {self.reason}")


@dataclass(frozen=True)
class Rewrite:
    """What `rewrite_storage` did to a warehouse file."""

    old_version: str
    tables: int
    rows: int

    @property
    def text(self) -> str:
        return (
            f"from storage {self.old_version} to {STORAGE_VERSION} (read by "
            f"{READERS}), {self.tables} tables and {self.rows} rows kept"
        )


def _database(con: duckdb.DuckDBPyConnection) -> tuple[str, str | None]:
    """(name, storage version) of the open database; the version None in memory."""
    name, tag = con.execute(read_sql("storage/select_storage_version")).fetchone()
    return name, tag.rstrip("+") if tag else None


def storage_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The storage version of the open database's file ('v1.0.0'); None in memory."""
    return _database(con)[1]


def readable_by_old_clients(version: str | None) -> bool:
    """Whether a file of storage `version` opens in every client since DuckDB 1.0 (an
    in-memory database has no file, so nothing to rewrite)."""
    if version is None:
        return True
    found = _VERSION.match(version)
    return bool(found) and tuple(map(int, found.groups())) <= (1, 0, 0)


def rewrite_path(path: Path) -> Path:
    """Where a rewrite writes the new file: beside the warehouse, so the rename is atomic."""
    return path.with_name(path.name + ".rewriting")


def _remove(part: Path) -> None:
    for leftover in (part, part.with_name(part.name + ".wal")):
        leftover.unlink(missing_ok=True)


def _counts(con: duckdb.DuckDBPyConnection, database: str, prefix: str) -> dict[str, int]:
    """Row count of every base table of `database`, by schema-qualified name."""
    names = con.execute(read_sql("storage/select_database_tables"), {"database": database})
    return {
        name: con.execute(read_sql("storage/count_rows"), {"table": prefix + name}).fetchone()[0]
        for (name,) in names.fetchall()
    }


def _views(con: duckdb.DuckDBPyConnection, database: str) -> list[str]:
    found = con.execute(read_sql("storage/select_database_views"), {"database": database})
    return [name for (name,) in found.fetchall()]


def copy_difference(old: dict[str, int], new: dict[str, int]) -> str | None:
    """The first way the copy's tables differ from the warehouse's, said for a person."""
    for name in sorted(old.keys() | new.keys()):
        if name not in new:
            return f"table {name} is missing from the copy"
        if name not in old:
            return f"the copy has a table {name} the warehouse lacks"
        if old[name] != new[name]:
            return f"{name} has {new[name]} rows in the copy, {old[name]} in the warehouse"
    return None


def _copy(con: duckdb.DuckDBPyConnection, part: Path) -> Rewrite | str:
    """Copy the open warehouse into `part` and compare; the Rewrite, or what differs."""
    source, old_version = _database(con)
    con.execute(read_sql("maintenance/checkpoint"))
    con.execute(
        read_sql("storage/attach_rewrite"),
        {"path": str(part), "storage_version": STORAGE_VERSION},
    )
    try:
        escaped = source.replace('"', '""')  # an identifier: it cannot be a $param
        con.execute(read_sql("storage/copy_into_rewrite").replace("{source}", escaped))
        old = _counts(con, source, f'"{escaped}".')
        new = _counts(con, "storage_rewrite", "storage_rewrite.")
        problem = copy_difference(old, new)
        if problem is None and _views(con, source) != _views(con, "storage_rewrite"):
            problem = "the copy's views are not the warehouse's"
    finally:
        con.execute(read_sql("storage/detach_rewrite"))
    return problem or Rewrite(old_version, len(old), sum(old.values()))


def rewrite_storage(con: duckdb.DuckDBPyConnection, path: str | os.PathLike) -> Rewrite | None:
    """Rewrite the warehouse open on `con` (writable: it holds the only lock) into
    STORAGE_VERSION, or None when its file is already readable by every client since 1.0.

    The copy goes to `<file>.rewriting` beside it, is checked (the same tables, each with as
    many rows, the same views), written to disk, and renamed over the warehouse: a crash
    before the rename leaves the old file as it was, never half a new one. `con` still
    reads the old file afterwards (closed and replaced); open the path again to use the new.
    """
    if readable_by_old_clients(storage_version(con)):
        return None
    path = Path(path).resolve()  # through a link: the file itself is replaced, not the link
    part = rewrite_path(path)
    _remove(part)  # a rewrite that crashed earlier
    try:
        done = _copy(con, part)
        if isinstance(done, str):
            raise StorageRewriteError(path, done)
        for log in (part, path):  # a log beside the new file would be replayed into it
            if log.with_name(log.name + ".wal").exists():
                raise StorageRewriteError(path, f"{log.name}.wal is left over")
        with open(part, "rb") as written:
            os.fsync(written.fileno())
        os.replace(part, path)
    except BaseException:
        _remove(part)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself on disk
    finally:
        os.close(folder)
    return done
