"""A warehouse's schema version: a new file is created at the latest (no migration runs), a
file of a newer release is refused, and `budget migrate` says in one line what it did."""

import pytest

from pipelines.warehouse import migrations
from pipelines.warehouse.connection import connect
from pipelines.warehouse.migrations import LATEST_VERSION, SchemaVersionError

STORAGE = "storage v1.0.0 (read by DuckDB 1.0 and later)"


def test_a_new_warehouse_runs_no_migration(tmp_path, monkeypatch):
    ran = []
    real = migrations.read_sql
    monkeypatch.setattr(migrations, "read_sql", lambda name: ran.append(name) or real(name))
    connect(tmp_path / "new.duckdb").close()
    assert [name for name in ran if name.startswith("schema/")] == migrations.sql_names("schema")
    assert [name for name in ran if name.startswith("migrations/")] == []


def test_a_warehouse_of_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    connect(path).execute(
        "insert into schema_version values ($version, 'x', now())",
        {"version": LATEST_VERSION + 1},
    ).close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match="written by a newer release"):
            connect(path, read_only=read_only)


def test_budget_migrate_says_what_it_did(tmp_path, capsys):
    from pipelines.cli import main

    path = tmp_path / "new" / "w.duckdb"
    assert main(["migrate", "--warehouse", str(path)]) == 0
    assert main(["migrate", "--warehouse", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (out.splitlines(), err) == (
        [
            f"{path}: created at schema version {LATEST_VERSION}, {STORAGE}",
            f"{path}: already at schema version {LATEST_VERSION}, {STORAGE}: left as it was",
        ],
        "",
    )
    path.unlink()
    path.write_text("not a database\n", encoding="utf-8")
    assert main(["migrate", "--warehouse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"budget migrate: {path}: the warehouse file")
