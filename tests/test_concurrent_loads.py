"""Faults during a load: a crash (exception or killed process) in the middle of a document
leaves the warehouse as it was; the same load twice gives the same rows; two `budget load`
processes against one warehouse give the rows of one load (DuckDB allows one writer
process: the second waits for the lock, or fails with one clear line)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipelines.warehouse import load as load_module
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.inputs import REPO, extracted

pytestmark = pytest.mark.slow

SAMPLE = REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf"


def snapshot(con, with_views: bool = False) -> dict[str, list[tuple]]:
    """Every base table's rows (and view's, `with_views`), sorted, without surrogate ids and
    timestamps (which a reload renumbers and restamps by design)."""
    out = {}
    tables = con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and (table_type = 'BASE TABLE' or $with_views) order by table_name",
        {"with_views": with_views},
    ).fetchall()
    for (table,) in tables:
        columns = [
            name
            for name, kind in con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [table],
            ).fetchall()
            if not name.endswith("_id") and not kind.upper().startswith("TIMESTAMP")
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        rows = con.execute(f'select {select} from "{table}"').fetchall()
        out[table] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def extraction():
    return extracted(SAMPLE)


@pytest.fixture(scope="module")
def new_edition(tmp_path_factory, extraction):
    """The same budget with one amount changed, as another file (another sha256)."""
    import copy
    import dataclasses

    doc = copy.deepcopy(extraction.doc)
    rows = doc["tables"]["t03_expenditure"]["rows"]
    row = next(r for r in rows if r.get("code") and any(rows_v for rows_v in r["values"]))
    j = next(i for i, v in enumerate(row["values"]) if v)
    row["values"][j] = "12345.67"
    return dataclasses.replace(
        extraction,
        doc=doc,
        path=tmp_path_factory.mktemp("edition") / "edition2.pdf",
        sha256="f" * 64,
    )


def _fail_at(monkeypatch, table: str, exc: BaseException):
    real = load_module._insert_mart

    def insert(con, mart, parameters):
        count = real(con, mart, parameters)
        if mart == f"marts/{table}":
            raise exc
        return count

    monkeypatch.setattr(load_module, "_insert_mart", insert)


@pytest.mark.parametrize(
    ("table", "exc"),
    [
        ("dim_source_table", RuntimeError("disk full")),
        ("fact_expenditure_by_function", RuntimeError("disk full")),
        ("fact_project_fund", KeyboardInterrupt()),
    ],
)
def test_crash_mid_replacement_leaves_previous_edition(
    tmp_path, monkeypatch, extraction, new_edition, table, exc
):
    con = connect(tmp_path / "wh.duckdb")
    try:
        load_document(con, extraction)
        before = snapshot(con)
        _fail_at(monkeypatch, table, exc)
        with pytest.raises(type(exc)):
            load_document(con, new_edition)
        assert snapshot(con) == before
        monkeypatch.undo()
        report = load_document(con, new_edition)  # the connection is still usable
        assert report.action == "replaced"
    finally:
        con.close()


def test_crash_on_first_load_leaves_nothing(tmp_path, monkeypatch, extraction):
    con = connect(tmp_path / "wh.duckdb")
    try:
        empty = snapshot(con)
        _fail_at(monkeypatch, "fact_summary_line", RuntimeError("power cut"))
        with pytest.raises(RuntimeError):
            load_document(con, extraction)
        assert snapshot(con) == empty
    finally:
        con.close()


_KILLED_LOAD = textwrap.dedent(
    """
    import os, sys, pickle
    from pipelines.warehouse import load as L
    from pipelines.warehouse.connection import connect

    extraction = pickle.load(open(sys.argv[2], "rb"))
    real = L._insert_mart

    def insert(con, mart, parameters):
        count = real(con, mart, parameters)
        if mart == "marts/fact_economic_expenditure":
            os._exit(17)  # the process dies mid-transaction: no rollback, no close
        return count

    L._insert_mart = insert
    L.load_document(connect(sys.argv[1]), extraction)
    """
)


def test_killed_process_mid_load_leaves_previous_edition(tmp_path, extraction, new_edition):
    import pickle

    warehouse = tmp_path / "wh.duckdb"
    con = connect(warehouse)
    load_document(con, extraction)
    before = snapshot(con)
    con.close()
    edition = tmp_path / "edition.pickle"
    edition.write_bytes(pickle.dumps(new_edition))
    result = subprocess.run(
        [sys.executable, "-c", _KILLED_LOAD, str(warehouse), str(edition)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 17, result.stderr
    con = connect(warehouse)
    try:
        assert snapshot(con) == before
    finally:
        con.close()


def test_same_load_twice_gives_the_same_rows(tmp_path, extraction):
    con = connect(tmp_path / "wh.duckdb")
    try:
        first = load_document(con, extraction)
        once = snapshot(con)
        second = load_document(con, extraction)
        assert second.action == "reloaded"
        assert second.rows == first.rows
        assert snapshot(con) == once
    finally:
        con.close()


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env.pop("DAGSTER_HOME", None)  # ephemeral Dagster instances: nothing outside tmp
    env["BUDGET_INBOX"] = str(tmp_path / "inbox")
    return env


def _budget_load(pdf: Path, warehouse: Path, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "load", str(pdf), "--warehouse", str(warehouse)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )


def test_two_loads_at_once_give_the_rows_of_one(tmp_path):
    pytest.importorskip("pipelines.commands.load")
    pdf = tmp_path / "budget.pdf"
    pdf.write_bytes(SAMPLE.read_bytes())

    single = tmp_path / "single.duckdb"
    alone = _budget_load(pdf, single, tmp_path)
    out, err = alone.communicate(timeout=600)
    assert alone.returncode == 0, out + err

    shared = tmp_path / "shared.duckdb"
    both = [_budget_load(pdf, shared, tmp_path) for _ in range(2)]
    results = [(p.communicate(timeout=600), p.returncode) for p in both]
    for (out, err), code in results:
        assert "Traceback" not in out + err
        lines = [line for line in out.splitlines() if line.strip()]
        assert len(lines) == 1, out + err
        if code == 0:
            assert lines[0].startswith(("loaded: ", "reloaded: ")), lines
        else:  # the one-writer rule, said in one line naming the file
            assert str(pdf) in lines[0] or "lock" in lines[0].lower(), lines
    assert any(code == 0 for _, code in results)

    cons = [connect(single, read_only=True), connect(shared, read_only=True)]
    try:
        expected, actual = (snapshot(c) for c in cons)
    finally:
        for c in cons:
            c.close()
    assert actual == expected


def test_warehouse_held_by_another_process_is_one_failed_line(tmp_path, monkeypatch):
    """When another process keeps the warehouse past the lock wait, the file fails with one
    line naming it and the lock, and nothing is written."""
    pytest.importorskip("pipelines.commands.load")
    import io

    import dagster_duckdb.resource
    from dagster._utils.backoff import backoff

    from pipelines.commands.load import load_paths

    def quick(**kwargs):  # DuckDBResource's ten retries, 10 ms apart instead of ~100 s in all
        return backoff(**kwargs, delay_generator=(0.01 for _ in range(kwargs["max_retries"])))

    warehouse = tmp_path / "wh.duckdb"
    connect(warehouse).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(120)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(dagster_duckdb.resource, "backoff", quick)
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        out = io.StringIO()
        (outcome,) = load_paths([str(SAMPLE)], warehouse=str(warehouse), out=out)
    finally:
        holder.kill()
        holder.wait()
    assert not outcome.ok
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"failed: {SAMPLE}: warehouse in use by another process"), lines
    assert "lock" in lines[0]
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("select count(*) from dim_document").fetchone() == (0,)
    finally:
        con.close()
