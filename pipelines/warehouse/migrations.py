"""Schema versions: a warehouse records the version of its tables, and the schema step
(`upgrade`, run by `budget migrate`, `budget load` and the start of a batch run) creates a new
warehouse or brings an older one up to date in place. Opening a warehouse only checks its
version.

`sql/schema/` is this release's schema (a squash of every version, as Django's squashed
migrations): a new file is created from it and recorded as LATEST_VERSION, running no
migration. Its DDL names the column groups the fact tables share (`sql/schema/columns/`,
`{{ schema/columns/provenance }}`; see `sql_files`); a table still exactly as the migration
that created it has its schema file include that migration's DDL as written. Version N is
`sql/migrations/NNN_<what>/`, one statement per file, run in file order, only to upgrade
an older warehouse: version 1 is the first release's warehouse (the tables, no
`schema_version`); a migration is never edited once released. A schema change is both an
edit of `sql/schema/` and a new migration; tests/test_schema_upgrade.py proves a new
warehouse and the release-1 one upgraded have the same catalog.

The step runs what the warehouse lacks, re-creates the views, comments every column
(`pipelines.warehouse.comments`) and records the version in `schema_version`, all in one
transaction, so a failure leaves the warehouse as it was. On an up-to-date warehouse it
costs one query.
"""

from __future__ import annotations

import hashlib
import os
import re
from datetime import UTC, datetime

import duckdb

from pipelines.warehouse.comments import DESCRIPTIONS_FILE, apply_column_comments
from pipelines.warehouse.sql_files import SQL_ROOT, read_sql, sql_names

BASELINE_VERSION = 1
_MIGRATION = re.compile(r"^(\d{3})_\w+$")


def migrations() -> list[tuple[int, str]]:
    """(version, sql folder) of every migration, in version order."""
    found = []
    for folder in sorted((SQL_ROOT / "migrations").iterdir()):
        match = _MIGRATION.match(folder.name)
        if folder.is_dir() and match:
            found.append((int(match.group(1)), f"migrations/{folder.name}"))
    versions = [v for v, _ in found]
    if versions != list(range(BASELINE_VERSION + 1, BASELINE_VERSION + 1 + len(found))):
        raise RuntimeError(f"sql/migrations: versions {versions} must run 002, 003, … unbroken")
    return found


LATEST_VERSION = max([BASELINE_VERSION] + [v for v, _ in migrations()])


def schema_statements(version: int) -> list[str]:
    """What brings tables of `version` to LATEST_VERSION: a new file (version 0) is created
    as sql/schema has it; an older warehouse runs every migration it lacks."""
    if version == 0:
        return sql_names("schema")
    return [
        name for number, folder in migrations() if number > version for name in sql_names(folder)
    ]


def view_statements() -> list[str]:
    """sql/relations (the table macros views share), then sql/views: what re-creates them."""
    return sql_names("relations") + sql_names("views")


def views_sha256() -> str:
    """Fingerprint of sql/relations, sql/views, sql/comments and the column descriptions
    they read: a changed view or column description is applied without a schema version."""
    digest = hashlib.sha256()
    for name in view_statements() + sql_names("comments"):
        digest.update(read_sql(name).encode("utf-8"))
    digest.update(DESCRIPTIONS_FILE.read_bytes())
    return digest.hexdigest()


class SchemaVersionError(RuntimeError):
    """A warehouse this release cannot use as it stands; the message is one line."""


def stored_version(con: duckdb.DuckDBPyConnection) -> tuple[int, str | None]:
    """(schema version, views fingerprint) of an open warehouse.

    0 for a file without warehouse tables; 1 for the first release's warehouse, which has
    the tables but no `schema_version`.
    """
    tables = {name for (name,) in con.execute(read_sql("version/select_table_names")).fetchall()}
    if "schema_version" in tables:
        found = con.execute(read_sql("version/select_schema_version")).fetchone()
        if found:
            return int(found[0]), found[1]
    return (BASELINE_VERSION if "dim_document" in tables else 0), None


def _refuse_newer(version: int, where: str | os.PathLike) -> None:
    if version > LATEST_VERSION:
        raise SchemaVersionError(
            f"{where}: warehouse schema version {version} was written by a newer release "
            f"(this one knows up to {LATEST_VERSION}); use that release"
        )


def upgrade(con: duckdb.DuckDBPyConnection, where: str | os.PathLike = "warehouse") -> bool:
    """Bring the schema and views of a writable warehouse up to date; True if anything ran."""
    version, views = stored_version(con)
    _refuse_newer(version, where)
    fingerprint = views_sha256()
    if version == LATEST_VERSION and views == fingerprint:
        return False
    con.begin()
    try:
        con.execute(read_sql("version/create_schema_version"))
        for name in schema_statements(version):
            con.execute(read_sql(name))
        for name in view_statements():
            con.execute(read_sql(name))
        apply_column_comments(con)
        con.execute(
            read_sql("version/insert_schema_version"),
            {
                "version": LATEST_VERSION,
                "views_sha256": fingerprint,
                "upgraded_at": datetime.now(UTC).replace(tzinfo=None),
            },
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True


def require_current(con: duckdb.DuckDBPyConnection, where: str | os.PathLike) -> None:
    """Refuse a warehouse whose tables are older or newer than this release's."""
    version, _ = stored_version(con)
    _refuse_newer(version, where)
    if version < LATEST_VERSION:
        raise SchemaVersionError(
            f"{where}: warehouse schema version {version} is older than this release's "
            f"{LATEST_VERSION}; run `budget migrate` (or `budget load`, which runs it first) "
            "to upgrade it in place"
        )
