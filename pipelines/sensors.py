"""The inbox sensor: the new or changed PDFs of one tick in data/inbox (or $BUDGET_INBOX)
become ONE batch run."""

import hashlib
import json

import dagster as dg

from pipelines.extraction.document import identify_document
from pipelines.inbox import InboxDocument, scan_inbox
from pipelines.jobs import budget_document_job
from pipelines.partitions import budget_document_partitions
from pipelines.rejects import rejected_folder, sweep_rejected
from pipelines.resources import BudgetInbox


def batch_run_request(
    documents: list[InboxDocument], run_key: str, partitions: list[str] = (), tags=None
) -> dg.RunRequest:
    """One run loading every document of `documents` (files in run config) and reloading
    `partitions` from their last file; the run parses each file once."""
    config = {"paths": [str(d.path) for d in documents], "partitions": list(partitions)}
    return dg.RunRequest(
        run_key=run_key,
        run_config={"ops": {"load_budget_documents": {"config": config}}},
        tags={"budget/documents": str(len(documents) + len(partitions))} | (tags or {}),
    )


def editions_key(documents: list[InboxDocument]) -> str:
    """A run key naming exactly these editions (partition and sha256 of each file)."""
    text = "\n".join(sorted(f"{d.partition_key}@{d.sha256}" for d in documents))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dg.sensor(
    job=budget_document_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads the new or changed PDFs of the inbox in one batch run per tick "
    "(cursor: path -> sha256).",
)
def budget_inbox_sensor(context: dg.SensorEvaluationContext, inbox: BudgetInbox):
    cursor = json.loads(context.cursor) if context.cursor else {}
    password = inbox.resolved_password()
    folder = inbox.resolved_folder()
    new_cursor, documents, rejected = scan_inbox(
        folder, cursor, lambda path: identify_document(path, password=password)
    )
    for bad in rejected:
        context.log.warning(f"rejected: {bad.path}: {bad.reason}")
    for moved in sweep_rejected(new_cursor, rejected_folder(folder)):  # PDF + .reason.txt
        context.log.info(moved.line)
    known = set(context.instance.get_dynamic_partitions(budget_document_partitions.name))
    new_keys = sorted({d.partition_key for d in documents} - known)
    run_key = f"inbox:{editions_key(documents)}"
    requests = [batch_run_request(documents, run_key)] if documents else []
    return dg.SensorResult(
        run_requests=requests,
        cursor=json.dumps(new_cursor, ensure_ascii=False, sort_keys=True),
        dynamic_partitions_requests=(
            [budget_document_partitions.build_add_request(new_keys)] if new_keys else []
        ),
        skip_reason=None
        if requests
        else f"no new or changed PDF in {folder} ({len(rejected)} rejected)",
    )
