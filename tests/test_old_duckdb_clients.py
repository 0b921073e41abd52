"""The warehouse opens in the DuckDB clients analysts use (DBeaver's driver, R, older CLIs and
BI tools run DuckDB 1.x), and answers there exactly as here.

duckdb 1.1.3 is installed from PyPI into a venv of its own (skipped when PyPI cannot be
reached); tests/duckdb_rows.py prints every row of the public views and tables as canonical
text, run once by each client on the same file, and the two outputs must be equal cell for
cell (DECIMALs with every digit), with the same column names and types.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main
from pipelines.commands.export import public_views
from pipelines.warehouse.connection import connect
from pipelines.warehouse.migrations import LATEST_VERSION
from pipelines.warehouse.storage import STORAGE_VERSION, storage_version
from tests.inputs import REAL, REPO, SAMPLES
from tests.warehouse_helpers import (
    base_tables,
    duckdb2_only_warehouse,
    read_doc,
    table_counts,
    truth_paths,
)

pytestmark = pytest.mark.slow

OLD_DUCKDB = "1.1.3"
ROWS_SCRIPT = REPO / "tests" / "duckdb_rows.py"
# A final account and its budget: v_budget_vs_actual and v_other_table have rows only with them.
REAL_PAIR = [REAL / "swu_2023_final.pdf", REAL / "swu_2023_budget.pdf"]


@pytest.fixture(scope="module")
def old_python(tmp_path_factory) -> Path:
    """The python of a throw-away venv holding duckdb 1.1.3."""
    venv = tmp_path_factory.mktemp("duckdb_old") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"duckdb=={OLD_DUCKDB}"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if installed.returncode != 0:
        reason = (installed.stderr.strip().splitlines() or ["no output"])[-1]
        pytest.skip(f"PyPI (duckdb {OLD_DUCKDB}) is unreachable: {reason}")
    return python


def rows(python: Path, path: Path, names: list[str]) -> subprocess.CompletedProcess:
    """tests/duckdb_rows.py run by `python` (and so by its duckdb) on `path`."""
    return subprocess.run(
        [str(python), str(ROWS_SCRIPT), str(path), *names],
        capture_output=True,
        text=True,
        timeout=300,
    )


def relations_of(python: Path, path: Path, names: list[str]) -> dict:
    done = rows(python, path, names)
    assert done.returncode == 0, f"{python}: {done.stderr.strip()}"
    return json.loads(done.stdout)


def assert_same(old: dict, new: dict, names: list[str]) -> None:
    assert old["duckdb"] == OLD_DUCKDB and new["duckdb"] != OLD_DUCKDB
    for name in names:
        mine, theirs = new["relations"][name], old["relations"][name]
        assert theirs["columns"] == mine["columns"], name
        assert len(theirs["rows"]) == len(mine["rows"]), name
        for here, there in zip(mine["rows"], theirs["rows"], strict=True):
            assert there == here, name


def public_relations(path: Path) -> list[str]:
    """Every public view (the files of sql/views, as `budget export` writes them) and every
    base table of the warehouse."""
    con = connect(path, read_only=True)
    try:
        return public_views() + base_tables(con)
    finally:
        con.close()


def test_duckdb_1_reads_every_view_of_the_samples_warehouse_as_duckdb_2_does(old_python, tmp_path):
    path = tmp_path / "budget.duckdb"
    real = [p for p in REAL_PAIR if p.is_file()]
    assert main(["load", str(SAMPLES), *map(str, real), "--warehouse", str(path)]) == 0
    con = connect(path, read_only=True)
    assert storage_version(con) == STORAGE_VERSION
    con.close()

    names = public_relations(path)
    new = relations_of(Path(sys.executable), path, names)
    old = relations_of(old_python, path, names)
    assert_same(old, new, names)
    empty = [name for name in public_views() if not new["relations"][name]["rows"]]
    if real == REAL_PAIR:  # else the final-accounts views may be empty
        assert empty == []


def test_budget_migrate_makes_a_duckdb_2_only_file_readable_keeping_every_row(
    old_python, tmp_path, capsys
):
    path = duckdb2_only_warehouse(tmp_path / "budget.duckdb", *(read_doc(p) for p in truth_paths()))
    refused = rows(old_python, path, ["dim_document"])
    assert refused.returncode != 0 and "version number" in refused.stderr
    names = public_relations(path)
    before = relations_of(Path(sys.executable), path, names)
    con = connect(path, read_only=True)
    counts = table_counts(con)
    con.close()

    assert main(["migrate", "--warehouse", str(path)]) == 0
    out, err = capsys.readouterr()
    assert (out, err) == (
        f"{path}: already at schema version {LATEST_VERSION}; rewritten from storage v2.0.0 to "
        f"{STORAGE_VERSION} (read by DuckDB 1.0 and later), {len(counts)} tables and "
        f"{sum(counts.values())} rows kept\n",
        "",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # nothing left beside it
    assert_same(relations_of(old_python, path, names), before, names)

    written = hashlib.sha256(path.read_bytes()).hexdigest()
    assert main(["migrate", "--warehouse", str(path)]) == 0
    assert capsys.readouterr().out.endswith(": left as it was\n")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == written
