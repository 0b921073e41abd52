"""The batch service: each PDF parsed once and each check run once per load, whatever the
entry point; a pool of workers writes what one process writes; a document and its check
results commit together; reloading the same bytes does not grow the warehouse."""

import io
import os
import re
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest

from pipelines import batch, parsing, quality
from pipelines.commands.load import load_paths
from pipelines.definitions import all_assets
from pipelines.resources import BudgetInbox, DuckDBWarehouse
from pipelines.warehouse.connection import connect
from tests.inputs import SAMPLE_PDFS
from tests.test_concurrent_loads import snapshot

SEED = SAMPLE_PDFS[1]  # gz_hrss_data_center_2023.pdf


@pytest.fixture
def counted(monkeypatch):
    """Counts every parse (per file) and every check evaluation (per check) in this process."""
    parses: Counter = Counter()
    checks: Counter = Counter()
    extract = parsing.extract_document

    def counting_extract(path, password=None, limits=None):
        parses[Path(path).name] += 1
        return extract(path, password, limits)

    def counting(name, check):
        def run(*args):
            checks[name] += 1
            return check(*args)

        return run

    monkeypatch.setattr(parsing, "extract_document", counting_extract)
    for name, check in list(quality.DOCUMENT_CHECKS.items()):
        monkeypatch.setitem(quality.DOCUMENT_CHECKS, name, counting(name, check))
    monkeypatch.setattr(
        quality,
        "check_referential_integrity",
        counting("referential_integrity", quality.check_referential_integrity),
    )
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # workers in this process see the patches
    return parses, checks


def _once_each(parses: Counter, checks: Counter, files: list[Path]) -> None:
    assert parses == Counter({p.name: 1 for p in files})
    assert checks == Counter(
        {name: len(files) for name in [*quality.DOCUMENT_CHECKS, "referential_integrity"]}
    )


def test_budget_load_parses_each_pdf_once_and_runs_each_check_once(tmp_path, counted, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    outcomes = load_paths([str(p) for p in SAMPLE_PDFS], warehouse=str(tmp_path / "w.duckdb"),
                          out=io.StringIO())  # fmt: skip
    assert [o.status for o in outcomes] == ["loaded"] * len(SAMPLE_PDFS)
    _once_each(*counted, SAMPLE_PDFS)


def test_a_dagster_batch_run_parses_each_pdf_once_and_runs_each_check_once(tmp_path, counted):
    with dg.instance_for_test() as instance:
        result = dg.materialize(
            all_assets,
            instance=instance,
            resources={
                "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
                "inbox": BudgetInbox(folder=str(tmp_path)),
            },
            run_config={
                "ops": {
                    "load_budget_documents": {"config": {"paths": [str(p) for p in SAMPLE_PDFS]}}
                }
            },
        )
        assert result.success
        events = result.get_asset_materialization_events()
        keys = {e.partition for e in events if e.partition is not None}  # None: the tables
        assert len(keys) == len(SAMPLE_PDFS)
        assert sorted(instance.get_dynamic_partitions("budget_document")) == sorted(keys)
    _once_each(*counted, SAMPLE_PDFS)


def test_a_pool_of_workers_writes_what_one_process_writes(tmp_path):
    warehouses = []
    for workers in (1, 2):
        con = connect(tmp_path / f"w{workers}.duckdb")
        try:
            results = list(batch.load_batch(SAMPLE_PDFS, con, workers=workers))
            assert [r.status for r in results] == ["loaded"] * len(SAMPLE_PDFS)
            assert [r.parsed.path for r in results] == SAMPLE_PDFS  # input order kept
            warehouses.append(snapshot(con))
        finally:
            con.close()
    assert warehouses[0] == warehouses[1]


def test_a_document_and_its_check_results_commit_together(tmp_path, monkeypatch):
    con = connect(tmp_path / "w.duckdb")
    try:
        empty = snapshot(con)

        def broken(con, document_id):
            raise RuntimeError("disk full while checking")

        monkeypatch.setattr(quality, "check_referential_integrity", broken)
        parsed = parsing.parse_document(SEED)
        with pytest.raises(RuntimeError, match="disk full"):
            batch.write_document(con, parsed)
        assert snapshot(con) == empty  # no facts without their checks
        monkeypatch.undo()
        result = batch.write_document(con, parsed)
        assert result.report.action == "inserted"
        rows = con.execute("select check_name, sha256 from fact_dq_check").fetchall()
        assert sorted(name for name, _ in rows) == sorted(
            [*quality.DOCUMENT_CHECKS, *batch.WRITER_CHECKS]
        )
        assert {sha for _, sha in rows} == {parsed.extraction.sha256}
    finally:
        con.close()


def test_reloading_the_same_bytes_does_not_grow_the_warehouse(tmp_path):
    path = tmp_path / "w.duckdb"
    sizes = []
    for _ in range(4):
        con = connect(path)
        try:
            (result,) = batch.load_batch([SEED], con, workers=1)
        finally:
            con.close()
        sizes.append(path.stat().st_size)
    assert result.status == "reloaded"
    assert sizes[3] <= sizes[1], sizes


def test_progress_says_count_rate_and_time_left():
    progress = batch.Progress(total=1000)
    for _ in range(10):
        progress.advance()
    line = progress.line()
    assert re.fullmatch(r"10/1000 documents, [\d.]+/s, [\d.]+ s each, ETA \d+m\d\ds", line), line


def test_budget_load_with_dagster_home_records_each_document_as_its_partition(
    tmp_path, monkeypatch
):
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    (outcome,) = load_paths([str(SEED)], warehouse=str(tmp_path / "w.duckdb"), out=io.StringIO())
    assert outcome.status == "loaded"
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_dynamic_partitions("budget_document") == [outcome.partition_key]
        record = instance.fetch_materializations(
            dg.AssetRecordsFilter(
                asset_key=dg.AssetKey("stg_budget_cells"), asset_partitions=[outcome.partition_key]
            ),
            limit=1,
        ).records[0]
        assert record.asset_materialization.metadata["load/action"].value == "inserted"
        # the tables and views hold every document: recorded once for the load, unpartitioned
        (table,) = instance.fetch_materializations(dg.AssetKey("dim_document"), limit=5).records
        (loaded,) = table.asset_materialization.metadata["batch/loaded"].value.records
        assert loaded.data["partition"] == outcome.partition_key
        views = instance.fetch_materializations(dg.AssetKey("v_project_budget"), limit=1)
        assert views.records[0].partition_key is None
