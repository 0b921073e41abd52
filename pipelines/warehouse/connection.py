"""Where the warehouse lives, how to open it, and the explicit schema step (`apply_schema`,
then `rewrite_storage` for a file in a storage version older DuckDB clients cannot read)."""

import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.warehouse.migrations import LATEST_VERSION, require_current, upgrade
from pipelines.warehouse.reference import sync_reference
from pipelines.warehouse.storage import (
    OPEN_CONFIG,
    READERS,
    STORAGE_VERSION,
    Rewrite,
    rewrite_storage,
    storage_version,
)

# What DuckDB says of a file it cannot read as a database (not of one another process holds).
_DAMAGED_SIGNS = (
    "not a valid DuckDB database file",
    "Could not read enough bytes",
    "checksum",
    "Corrupt",
)

# Failures that pass by themselves: another process holds the writer lock, the disk is full.
# A Dagster run step failing with one of these asks for a retry (assets/documents.py).
_LOCK_HELD = "Could not set lock"
_RECOVERABLE_SIGNS = (_LOCK_HELD, "No space left on device", "Disk quota exceeded")


def is_lock_held(reason: str) -> bool:
    """Whether an open failed only because another process holds the writer lock."""
    return _LOCK_HELD in reason


def is_recoverable(reason: str) -> bool:
    """Whether a failure's text says it may pass on its own (lock held, disk full)."""
    return any(sign in reason for sign in _RECOVERABLE_SIGNS)


class WarehouseDamagedError(RuntimeError):
    """The warehouse file is not a readable DuckDB database; the message is one line that
    names the file and the recovery step."""

    def __init__(self, path: Path, exc: Exception):
        self.path = path
        reason = " ".join(str(exc).strip().splitlines()[0].split())
        super().__init__(
            f"{path}: the warehouse file is damaged ({reason}); restore a backup with "
            f"`budget restore BACKUP_DIR --warehouse {path}`, or load the PDFs again into a "
            "new file with `budget load PDF... --warehouse NEW.duckdb`"
        )


def is_damaged(exc: Exception) -> bool:
    """Whether a DuckDB error on opening or reading a file says the file itself is bad."""
    return isinstance(
        exc, duckdb.IOException | duckdb.SerializationException | duckdb.InternalException
    ) and any(sign in str(exc) for sign in _DAMAGED_SIGNS)


@contextmanager
def reporting_damage(path: str | os.PathLike) -> Iterator[None]:
    """Re-raise a DuckDB error that says the file at `path` is bad as WarehouseDamagedError."""
    try:
        yield
    except duckdb.Error as exc:
        if is_damaged(exc):
            raise WarehouseDamagedError(Path(path), exc) from exc
        raise


def open_database(
    path: str | os.PathLike, read_only: bool = False, config: dict | None = None
) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect`, a damaged file raised as WarehouseDamagedError (one line). A new
    file is written in the storage version every DuckDB client since 1.0 reads; every open
    passes the same setting, so two opens of one file in a process share one database."""
    with reporting_damage(path):
        return duckdb.connect(str(path), read_only=read_only, config=OPEN_CONFIG | (config or {}))


def warehouse_path(explicit: str | os.PathLike | None = None) -> Path:
    """`--warehouse FILE` if given, else `$BUDGET_WAREHOUSE`, else data/warehouse/budget.duckdb."""
    return settings.WAREHOUSE.path(explicit)


def apply_schema(con: duckdb.DuckDBPyConnection, where: str | os.PathLike = "warehouse") -> bool:
    """The schema step: upgrade tables and views to this release's version, then sync
    data/reference; True if the schema changed. Run explicitly (`budget migrate`, the start
    of `budget load` and of a batch run), never by merely opening the warehouse."""
    upgraded = upgrade(con, where)
    sync_reference(con)
    return upgraded


@dataclass(frozen=True)
class SchemaStep:
    """What the schema step did to a warehouse file, said in one line (`budget migrate`)."""

    path: Path
    created: bool  # a new file, created at the latest schema version
    upgraded: bool  # tables, views or reference data changed
    rewrite: Rewrite | None  # the file rewritten into STORAGE_VERSION
    storage: str  # the storage version the file is in now

    @property
    def line(self) -> str:
        done = "created at" if self.created else "upgraded to" if self.upgraded else "already at"
        line = f"{self.path}: {done} schema version {LATEST_VERSION}"
        if self.rewrite is not None:
            return f"{line}; rewritten {self.rewrite.text}"
        line += f", storage {self.storage} (read by {READERS})"
        return line if self.created or self.upgraded else line + ": left as it was"


def take_schema_step(con: duckdb.DuckDBPyConnection, path: Path, created: bool) -> SchemaStep:
    """`apply_schema`, then `rewrite_storage`, on the writable `con` (the only connection
    to `path` in this process: after a rewrite it still reads the file replaced)."""
    upgraded = apply_schema(con, path)
    rewrite = rewrite_storage(con, path)
    storage = STORAGE_VERSION if rewrite else storage_version(con) or STORAGE_VERSION
    return SchemaStep(path, created, upgraded, rewrite, storage)


def connect(path: str | os.PathLike, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the warehouse in one call, for scripts, tests and one-shot commands: a writable
    open creates parent folders and takes the schema step (`take_schema_step`) first. The
    writers' `Warehouse` (and the Dagster resource) open without it.

    A read-only open never changes anything: DuckDB refuses a missing file, and a warehouse
    of another schema version raises SchemaVersionError (one line) instead of answering
    with other columns. A file DuckDB cannot read raises WarehouseDamagedError (one line
    with the recovery step).
    """
    path = Path(path)
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    con = open_database(path, read_only=read_only)
    rewritten = None
    try:
        with reporting_damage(path):
            if read_only:
                require_current(con, path)
            else:
                rewritten = take_schema_step(con, path, created).rewrite
    except BaseException:
        con.close()
        raise
    if rewritten is None:
        return con
    con.close()  # it still reads the file the rewrite replaced
    return open_database(path)


@dataclass(frozen=True)
class Warehouse:
    """The warehouse file as its writers open it. Opening it never changes its schema:
    `migrate()` is the explicit step that does (the start of a batch run or publish, `budget
    load`, `budget migrate`), and `get_connection` refuses a warehouse of another schema
    version in one line. No Dagster here, so `budget load` and `budget migrate` start fast;
    the Dagster resource `pipelines.resources.DuckDBWarehouse` opens through this.

    Another process's writer lock is waited out by `dagster_duckdb.DuckDBResource` (its
    backoff: ten retries, about 100 s in all), imported only then. Any other failure to open
    (a damaged file, a folder in the way) is said at once: waiting cannot mend it.
    """

    path: str | os.PathLike | None = None  # default $BUDGET_WAREHOUSE, else its default

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
    def migrated_connection(self) -> Iterator[tuple[duckdb.DuckDBPyConnection, SchemaStep]]:
        """`migrate()` then `get_connection()`, on one connection (a writer's start: a new
        warehouse is opened once, not created, closed and opened again), with what the
        schema step did. After a storage rewrite the file is opened again: the first
        connection still reads the file the rewrite replaced."""
        path = self.resolved_path()
        created = not path.exists()
        with self._opened(path, read_only=False) as con:
            with reporting_damage(path):
                step = take_schema_step(con, path, created)
            if step.rewrite is None:
                yield con, step
                return
        with self._opened(path, read_only=False) as con:
            yield con, step

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
                from dagster_duckdb import DuckDBResource  # Dagster: only to wait out a lock

                config = OPEN_CONFIG | ({"access_mode": "READ_ONLY"} if read_only else {})
                waiting = DuckDBResource(database=str(path), connection_config=config)
                with reporting_damage(path):
                    con = stack.enter_context(waiting.get_connection())
            stack.callback(con.close)  # the library closes only after a clean exit
            yield con
