"""Every asset through Dagster's own CLI, on a throw-away instance: a batch job over two
budgets and a file that is none (the run succeeds, the file is moved to rejected/), a view
and a dimension materialised alone (re-derived from the warehouse), a partition whose PDF
is gone (one line saying so and where it was; its checks keep their last judgement)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.warehouse import RI_CHECKED
from pipelines.definitions import defs
from tests.inputs import REPO, SAMPLES

pytestmark = pytest.mark.slow

BUDGETS = [SAMPLES / "gz_water_works_2025.pdf", SAMPLES / "gz_edu_bureau_2024.pdf"]
GONE_KEY = "2024|广州市示范区教育局"
STAGED = dg.AssetKey("stg_budget_tables")


class Instance:
    """A DAGSTER_HOME, an inbox and a warehouse under tmp, and the CLI run against them."""

    def __init__(self, tmp: Path):
        self.home, self.inbox, self.tmp = tmp / "home", tmp / "inbox", tmp
        self.home.mkdir()
        self.inbox.mkdir()
        shutil.copy(REPO / "dagster.yaml", self.home / "dagster.yaml")
        self.warehouse = tmp / "warehouse" / "budget.duckdb"
        self.env = {
            **os.environ,
            "DAGSTER_HOME": str(self.home),
            "BUDGET_INBOX": str(self.inbox),
            "BUDGET_WAREHOUSE": str(self.warehouse),
        }

    def dagster(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(Path(sys.executable).with_name("dagster")), *args]
        return subprocess.run(
            command, cwd=REPO, env=self.env, capture_output=True, text=True, timeout=300
        )

    def materialize(self, selection: str, partition: str | None = None):
        extra = ["--partition", partition] if partition else []
        return self.dagster(
            "asset", "materialize", "-m", "pipelines.definitions", "--select", selection, *extra
        )

    def records(self, check: str):
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            key = dg.AssetCheckKey(STAGED, check)
            return instance.event_log_storage.get_asset_check_execution_history(key, limit=50)

    def runs(self):
        with dg.DagsterInstance.from_config(str(self.home)) as instance:
            return [(run.status, dict(run.tags)) for run in instance.get_runs()]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """One `dagster job execute` of the batch job over two budgets and a non-budget."""
    instance = Instance(tmp_path_factory.mktemp("cli"))
    files = [instance.inbox / pdf.name for pdf in BUDGETS]
    for pdf, copy in zip(BUDGETS, files, strict=True):
        shutil.copy(pdf, copy)
    notes = instance.inbox / "meeting_notes.pdf"
    notes.write_text("minutes of the budget meeting", encoding="utf-8")
    os.utime(notes, (1, 1))  # settled long ago: a refused file is moved
    config = instance.tmp / "run.yaml"
    paths = ", ".join(f'"{p}"' for p in [*files, notes])
    config.write_text(
        f"ops:\n  load_budget_documents:\n    config:\n      paths: [{paths}]\n", encoding="utf-8"
    )
    job = ("job", "execute", "-m", "pipelines.definitions", "-j", "budget_document_job")
    result = instance.dagster(*job, "-c", str(config))
    return instance, result, notes


def test_a_batch_with_a_rejected_file_succeeds_and_moves_it(loaded):
    instance, result, notes = loaded
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    moved = instance.tmp / "rejected" / notes.name
    assert not notes.exists() and moved.is_file()
    assert f"rejected: {notes}: not a PDF (no %PDF header) (moved to {moved})" in result.stderr
    ((status, tags),) = instance.runs()
    assert status == dg.DagsterRunStatus.SUCCESS
    assert (tags["budget/loaded"], tags["budget/rejected"]) == ("2", "1")
    assert "did not yield or return expected outputs" not in result.stderr
    with duckdb.connect(str(instance.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone() == (2,)


def test_a_run_plans_no_blank_check_rows(loaded):
    """A run names files, not partitions: the document checks it logs are each a document's
    result, and no check has a row without a partition (Dagster's blank "skipped" or
    "execution failed" rows of a planned unpartitioned check)."""
    instance, _, _ = loaded
    for check in ("balance", "hierarchy", "year_over_year"):
        records = instance.records(check)
        assert sorted(r.partition for r in records) == sorted(
            ["2024|广州市示范区教育局", "2025|广州市水务工程建设中心"]
        ), check


@pytest.mark.parametrize("asset", ["v_budget_summary", "dim_department", "fact_three_public"])
def test_a_view_or_table_materialised_alone_is_rederived(loaded, asset):
    instance, _, _ = loaded
    result = instance.materialize(asset)
    assert result.returncode == 0, result.stderr[-3000:]
    with dg.DagsterInstance.from_config(str(instance.home)) as dagster:
        latest = dagster.fetch_materializations(dg.AssetKey(asset), limit=1).records[0]
        metadata = latest.asset_materialization.metadata
        run = dagster.get_run_by_id(latest.run_id)
    with duckdb.connect(str(instance.warehouse), read_only=True) as con:
        (rows,) = con.execute(f"select count(*) from {asset}").fetchone()
    assert run.status == dg.DagsterRunStatus.SUCCESS
    assert metadata["dagster/row_count"].value == rows > 0
    assert "batch/documents" not in metadata  # no batch: the warehouse as it is
    if asset.startswith("fact_"):  # its referential integrity judged again, every document
        with dg.DagsterInstance.from_config(str(instance.home)) as dagster:
            key = dg.AssetCheckKey(dg.AssetKey(asset), "referential_integrity")
            (latest_check, *_) = dagster.event_log_storage.get_asset_check_execution_history(
                key, limit=1
            )
        assert latest_check.run_id == run.run_id
        assert latest_check.event.dagster_event.event_specific_data.description == (
            "2 of 2 documents: every key resolves"
        )


def test_a_partition_whose_pdf_is_gone_fails_with_one_line(loaded, tmp_path):
    instance, _, _ = loaded
    gone = instance.inbox / "gz_edu_bureau_2024.pdf"
    shutil.move(gone, tmp_path / gone.name)
    try:
        result = instance.materialize("stg_budget_tables", GONE_KEY)
    finally:
        shutil.move(tmp_path / gone.name, gone)
    assert result.returncode != 0
    line = (
        f"1 of 1 documents not loaded: {GONE_KEY}: the PDF is gone: it was {gone}, and no PDF "
        f"in {instance.inbox} is this document"
    )
    assert f"Failure: {line}\n" in result.stderr
    assert "ValueError" not in result.stderr and "Traceback" not in result.stderr
    assert "did not yield or return expected outputs" not in result.stderr
    # its checks were not judged again: each re-states its last result, saying so
    for check in ("balance", "completeness"):
        latest = instance.records(check)[0]
        evaluation = latest.event.dagster_event.event_specific_data
        assert latest.partition == GONE_KEY and evaluation.passed
        assert "(not judged again: the PDF is gone: it was " in evaluation.description


def test_every_asset_is_in_the_job_and_every_document_check_outside_it():
    graph = defs.resolve_job_def("budget_document_job").asset_layer.asset_graph
    assert {STAGED, dg.AssetKey("v_budget_summary")} <= graph.executable_asset_keys
    planned = {key.asset_key.to_user_string() for key in graph.asset_check_keys}
    assert planned == set(RI_CHECKED)
