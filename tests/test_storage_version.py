"""The warehouse file's storage version: new files in one DuckDB 1.0 reads, and the schema
step's rewrite of a DuckDB-2-only file (an earlier release's) is whole or not at all.
Reading the files with DuckDB 1.1.3 itself is tests/test_old_duckdb_clients.py."""

from __future__ import annotations

import hashlib
import io
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.commands.load import load_paths
from pipelines.resources import DuckDBWarehouse
from pipelines.warehouse import storage
from pipelines.warehouse.connection import connect
from pipelines.warehouse.storage import (
    STORAGE_VERSION,
    copy_difference,
    rewrite_path,
    storage_version,
)
from tests.inputs import REPO, SAMPLES
from tests.warehouse_helpers import (
    duckdb2_only_warehouse,
    read_doc,
    table_counts,
)

REWRITTEN = f"from storage v2.0.0 to {STORAGE_VERSION} (read by DuckDB 1.0 and later)"


def file_version(path: Path) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return storage_version(con)
    finally:
        con.close()


def counts(path: Path) -> dict[str, int]:
    con = connect(path, read_only=True)
    try:
        return table_counts(con)
    finally:
        con.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def duckdb2_file(tmp_path) -> Path:
    """A warehouse of this schema holding the seed document, in DuckDB 2's own format."""
    path = duckdb2_only_warehouse(tmp_path / "budget.duckdb", read_doc())
    assert file_version(path) == "v2.0.0"
    return path


def test_a_new_warehouse_is_written_in_the_old_clients_version(tmp_path):
    connect(tmp_path / "w.duckdb").close()
    DuckDBWarehouse(path=str(tmp_path / "r.duckdb")).migrate()
    assert file_version(tmp_path / "w.duckdb") == STORAGE_VERSION
    assert file_version(tmp_path / "r.duckdb") == STORAGE_VERSION
    assert storage_version(duckdb.connect()) is None  # in memory: no file


def test_a_writable_connect_rewrites_and_hands_back_the_new_file(duckdb2_file):
    before = counts(duckdb2_file)
    con = connect(duckdb2_file)
    assert storage_version(con) == STORAGE_VERSION  # reads the new file, not the replaced one
    con.execute("insert into dim_fund_source values ('新列', false)")
    con.close()
    after = counts(duckdb2_file)
    assert after == before | {"dim_fund_source": before["dim_fund_source"] + 1}
    assert file_version(duckdb2_file) == STORAGE_VERSION


def test_budget_load_rewrites_a_duckdb2_file_and_says_so_once(duckdb2_file):
    before = counts(duckdb2_file)
    out = io.StringIO()
    pdf = SAMPLES / "gz_water_works_2025.pdf"
    outcomes = load_paths([str(pdf)], warehouse=str(duckdb2_file), out=out, workers=1)
    assert [o.status for o in outcomes] == ["loaded"]
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"rewritten: {duckdb2_file} {REWRITTEN}, {len(before)} tables and "
        f"{sum(before.values())} rows kept"
    )
    assert lines[1].startswith("loaded: ") and len(lines) == 2
    assert file_version(duckdb2_file) == STORAGE_VERSION
    again = io.StringIO()
    load_paths([str(pdf)], warehouse=str(duckdb2_file), out=again, workers=1)
    assert again.getvalue().startswith("reloaded: ")


# The child dies (SIGKILL, no clean-up) at one point of the rewrite: after the copy is
# written but before it is checked, or checked but before the rename.
_DIE = "lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)"
CRASHES = {
    "while checking the copy": f"storage._counts = {_DIE}",
    "just before the rename": f"storage.os.replace = {_DIE}",
}


@pytest.mark.parametrize("crash", CRASHES.values(), ids=CRASHES.keys())
def test_a_crash_during_the_rewrite_leaves_the_old_file_intact(duckdb2_file, crash, capsys):
    from pipelines.cli import main

    before, digest = counts(duckdb2_file), sha256(duckdb2_file)
    child = subprocess.run(
        [sys.executable, "-c", "import os, signal\nfrom pipelines.warehouse import storage\n"
         f"{crash}\nfrom pipelines.cli import main\n"
         f"main(['migrate', '--warehouse', {str(duckdb2_file)!r}])"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert rewrite_path(duckdb2_file).exists()  # it died with the copy half done
    assert sha256(duckdb2_file) == digest and file_version(duckdb2_file) == "v2.0.0"

    assert main(["migrate", "--warehouse", str(duckdb2_file)]) == 0
    assert REWRITTEN in capsys.readouterr().out
    assert sorted(p.name for p in duckdb2_file.parent.iterdir()) == [duckdb2_file.name]
    assert counts(duckdb2_file) == before


def test_a_copy_short_of_a_row_is_refused_and_the_file_left_as_it_was(duckdb2_file, monkeypatch):
    """The copy is counted table by table: one row lost on the way (deleted here, between
    the copy and the count) and nothing is replaced."""
    digest, real_counts = sha256(duckdb2_file), storage._counts
    rows = counts(duckdb2_file)["fact_three_public"]

    def losing_a_row(con, database, prefix):
        if database == "storage_rewrite":
            table = "storage_rewrite.main.fact_three_public"
            con.execute(f"delete from {table} where rowid = (select min(rowid) from {table})")
        return real_counts(con, database, prefix)

    monkeypatch.setattr(storage, "_counts", losing_a_row)
    with pytest.raises(storage.StorageRewriteError) as refused:
        connect(duckdb2_file)
    assert str(refused.value) == (
        f"{duckdb2_file}: not rewritten, the file is unchanged: main.fact_three_public has "
        f"{rows - 1} rows in the copy, {rows} in the warehouse"
    )
    assert sha256(duckdb2_file) == digest
    assert sorted(p.name for p in duckdb2_file.parent.iterdir()) == [duckdb2_file.name]


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        ({"main.a": 2}, {"main.a": 2}, None),
        ({"main.a": 2}, {"main.a": 1}, "main.a has 1 rows in the copy, 2 in the warehouse"),
        ({"main.a": 2, "main.b": 0}, {"main.a": 2}, "table main.b is missing from the copy"),
        ({}, {"main.c": 0}, "the copy has a table main.c the warehouse lacks"),
    ],
)
def test_a_copy_that_differs_is_named_in_one_line(old, new, said):
    assert copy_difference(old, new) == said
