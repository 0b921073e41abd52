"""The inbox sensor: the new or changed PDFs of one tick in data/inbox (or $BUDGET_INBOX)
become ONE batch run. The tick only looks (name, size, mtime, sha256 of at most
MAX_FILES_PER_TICK files), so a hostile PDF cannot stall it, and hands over only files that
have stopped changing (BUDGET_SETTLE_SECONDS); the run parses under limits, rejects (moving
the bad file to data/rejected with a .reason.txt) and adds each loaded document's partition."""

import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines import settings
from pipelines.inbox import InboxFile, scan_inbox
from pipelines.jobs import budget_document_job
from pipelines.resources import BudgetInbox


def batch_run_request(
    paths: list[Path],
    run_key: str,
    partitions: list[str] = (),
    tags=None,
    fiscal_year: int | None = None,
) -> dg.RunRequest:
    """One run loading every file of `paths` (in run config) and reloading `partitions`
    from their last file (only documents of `fiscal_year`, if given); the run parses each
    file once."""
    config = {"paths": [str(p) for p in paths], "partitions": list(partitions)}
    if fiscal_year is not None:
        config["fiscal_year"] = fiscal_year
    return dg.RunRequest(
        run_key=run_key,
        run_config={"ops": {"load_budget_documents": {"config": config}}},
        tags={"budget/files": str(len(paths)), "budget/partitions": str(len(partitions))}
        | (tags or {}),
    )


def editions_key(files: list[InboxFile]) -> str:
    """A run key naming exactly these editions (path and sha256 of each file)."""
    text = "\n".join(sorted(f"{f.path}@{f.sha256}" for f in files))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dg.sensor(
    job=budget_document_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads the new or changed PDFs of the inbox in one batch run per tick "
    "(cursor: path -> size, mtime, sha256; never parses).",
)
def budget_inbox_sensor(context: dg.SensorEvaluationContext, inbox: BudgetInbox):
    cursor = json.loads(context.cursor) if context.cursor else {}
    folder = inbox.resolved_folder()
    scan = scan_inbox(folder, cursor)
    paths = [f.path for f in scan.files]
    requests = [batch_run_request(paths, f"inbox:{editions_key(scan.files)}")] if paths else []
    skip = f"no new or changed PDF in {folder}"
    if scan.settling:
        skip += (
            f"; {scan.settling} changed in the last {settings.SETTLE_SECONDS.value()} s, "
            "handed to a run once they stop changing"
        )
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(scan.cursor, ensure_ascii=False, sort_keys=True),
        skip_reason=None if requests else skip,
    )


# Runs the export's automation condition (assets/export.py: refresh after each load); on by
# default, as the inbox sensor is.
parquet_export_sensor = dg.AutomationConditionSensorDefinition(
    "parquet_export_sensor",
    target=dg.AssetSelection.assets("parquet_export"),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
    description="Refreshes the Parquet export (parquet_export) once a load has updated the views.",
)
