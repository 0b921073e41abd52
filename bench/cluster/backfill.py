"""Backfill N generated budgets through the cluster instance, then publish (cluster_local.sh).

Makes N distinct budget PDFs (bench/budget_variants.py), launches them as batch runs of
`budget_handoff_job` through $DAGSTER_HOME's instance (CeleryRunLauncher: each run is a
Celery task on whichever worker is free), waits for them, launches `budget_publish_job`,
and prints the numbers read from the run records in Postgres: which worker ran each batch,
hand-off wall time and documents/s, publisher documents/s, and what the warehouse holds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
from dagster_celery.tags import DAGSTER_CELERY_TASK_ID_TAG

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

from budget_variants import make_variants  # noqa: E402

from pipelines.warehouse.sql_files import read_sql  # noqa: E402

TERMINAL = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}


def launch(job: str, config: dict | None = None) -> str:
    """Launch one run through the instance's run launcher; returns its run id."""
    command = [
        "dagster",
        "job",
        "launch",
        "-w",
        str(REPO / "bench" / "cluster" / "workspace.yaml"),
        "-j",
        job,
    ]
    if config:
        command += ["--config-json", json.dumps(config)]
    before = {r.run_id for r in dg.DagsterInstance.get().get_runs()}
    subprocess.run(command, cwd=REPO, check=True, capture_output=True)
    (run_id,) = {r.run_id for r in dg.DagsterInstance.get().get_runs()} - before
    return run_id


def wait(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dg.RunRecord]:
    while True:
        records = instance.get_run_records(dg.RunsFilter(run_ids=run_ids))
        if len(records) == len(run_ids) and all(r.dagster_run.status in TERMINAL for r in records):
            return records
        time.sleep(1.0)


def worker_of(run: dg.DagsterRun, logs: Path) -> str:
    """The Celery worker that ran `run`: the one whose log names the run's task id."""
    task = run.tags.get(DAGSTER_CELERY_TASK_ID_TAG, "?")
    for log in sorted(logs.glob("*.log")):
        if task in log.read_text(errors="replace"):
            return log.stem
    return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--batch", type=int, default=10, help="documents per run")
    parser.add_argument("--pdfs", type=Path, required=True, help="folder for the variants")
    parser.add_argument("--worker-logs", type=Path, required=True, help="the workers' log folder")
    args = parser.parse_args()

    samples = sorted((REPO / "data" / "samples").glob("*.pdf"))
    pdfs = [str(p) for p, _ in make_variants(samples, args.documents, args.pdfs)]
    instance = dg.DagsterInstance.get()

    batches = [pdfs[i : i + args.batch] for i in range(0, len(pdfs), args.batch)]
    config = lambda paths: {"ops": {"budget_handoff": {"config": {"paths": paths}}}}  # noqa: E731
    run_ids = [launch("budget_handoff_job", config(paths)) for paths in batches]
    records = wait(instance, run_ids)
    started = min(r.start_time for r in records)
    ended = max(r.end_time for r in records)
    print(f"hand-off: {len(pdfs)} documents in {len(batches)} runs of {args.batch}")
    for record in sorted(records, key=lambda r: r.start_time):
        run = record.dagster_run
        print(
            f"  run {run.run_id[:8]} {run.status.value:<7} on {worker_of(run, args.worker_logs)}: "
            f"{record.end_time - record.start_time:6.1f} s"
        )
    wall = ended - started
    print(f"  wall {wall:.1f} s (first run start to last run end): {len(pdfs) / wall:.2f} docs/s")

    (publish_id,) = [launch("budget_publish_job")]
    (record,) = wait(instance, [publish_id])
    print(f"publisher: run {publish_id[:8]} {record.dagster_run.status.value}")
    for event in instance.fetch_materializations(
        dg.AssetKey("published_budget_documents"), limit=1
    ).records:
        metadata = event.asset_materialization.metadata
        print(
            f"  {metadata['published'].value} documents in {metadata['seconds'].value} s: "
            f"{metadata['documents_per_second'].value} docs/s"
        )
    con = duckdb.connect(dg.EnvVar("BUDGET_WAREHOUSE").get_value(), read_only=True)
    (documents,) = con.execute(read_sql("maintenance/count_documents")).fetchone()
    print(f"warehouse: {documents} documents")
    return 0 if documents == len(pdfs) else 1


if __name__ == "__main__":
    sys.exit(main())
