"""The repository's dagster.yaml is a valid instance config and its settings are in force:
run monitoring, run retries for crashed workers only, a run queue sized for 2 cores; a
batch step retries a recoverable failure (warehouse lock, full disk), never a bad file
(issue #12 item 6)."""

from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets import documents
from pipelines import batch, parsing
from pipelines.definitions import all_assets
from pipelines.resources import BudgetInbox, DuckDBWarehouse
from tests.inputs import REPO


@pytest.fixture
def instance(tmp_path):
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def test_run_monitoring_is_on(instance):
    assert instance.run_monitoring_enabled
    assert instance.run_monitoring_start_timeout_seconds == 180
    assert instance.run_monitoring_cancel_timeout_seconds == 180
    assert instance.run_monitoring_max_runtime_seconds == 7200


def test_runs_are_retried_only_when_their_worker_crashed(instance):
    assert instance.run_retries_enabled
    assert instance.run_retries_max_retries == 2
    assert instance.run_retries_retry_on_asset_or_op_failure is False


def test_runs_queue_two_at_a_time_and_sensor_runs_one_at_a_time(instance):
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    config = instance.get_concurrency_config()
    assert config.run_queue_config.max_concurrent_runs == 2
    assert config.run_queue_config.tag_concurrency_limits == [
        {"key": "dagster/sensor_name", "limit": 1}
    ]
    assert config.pool_config.default_pool_limit == 1  # one warehouse writer at a time


def _run(instance, paths: list[Path], tmp_path: Path):
    return dg.materialize(
        all_assets,
        instance=instance,
        resources={
            "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
            "inbox": BudgetInbox(folder=str(tmp_path / "inbox")),
        },
        run_config={
            "ops": {"load_budget_documents": {"config": {"paths": [str(p) for p in paths]}}}
        },
        raise_on_error=False,
    )


def _retries(result) -> int:
    return sum(1 for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY")


def test_a_held_warehouse_lock_retries_the_step_then_fails(instance, tmp_path, monkeypatch):
    @contextmanager
    def held(self, read_only=False):
        raise duckdb.IOException(
            f'IO Error: Could not set lock on file "{tmp_path}/w.duckdb": Conflicting lock is '
            "held in budget (PID 4242)"
        )
        yield

    monkeypatch.setattr(DuckDBWarehouse, "get_connection", held)
    monkeypatch.setattr(documents, "RETRY_WAIT_SECONDS", 0)
    result = _run(instance, [], tmp_path)
    assert not result.success
    assert _retries(result) == documents.RECOVERABLE_RETRIES


def test_a_bad_file_is_rejected_without_retry_or_failure(instance, tmp_path):
    """A refused file is the file's problem, not the run's: said once, never retried."""
    bad = tmp_path / "notice.pdf"
    bad.write_text("not a pdf at all\n", encoding="utf-8")
    result = _run(instance, [bad], tmp_path)
    assert result.success
    assert _retries(result) == 0
    lines = [e.user_message for e in instance.all_logs(result.run_id)]
    assert f"rejected: {bad}: not a PDF (no %PDF header)" in lines


def test_a_full_disk_while_writing_retries_the_step(instance, tmp_path, monkeypatch):
    pdf = tmp_path / "budget.pdf"

    def disk_full(files, con, **kwargs):
        parsed = parsing.ParsedDocument(pdf, "parsed")
        yield batch.DocumentResult(
            parsed,
            error='IOException: Could not write file "w.duckdb.wal": No space left on device',
        )

    monkeypatch.setattr(documents, "load_batch", disk_full)
    monkeypatch.setattr(documents, "RETRY_WAIT_SECONDS", 0)
    result = _run(instance, [pdf], tmp_path)
    assert not result.success
    assert _retries(result) == documents.RECOVERABLE_RETRIES
