"""The inbox sensor: a new or changed PDF in data/inbox (or $BUDGET_INBOX) becomes one run."""

import json

import dagster as dg

from pipelines.extraction.document import identify_document
from pipelines.inbox import InboxDocument, document_tags, scan_inbox
from pipelines.jobs import budget_document_job
from pipelines.partitions import budget_document_partitions
from pipelines.rejects import rejected_folder, sweep_rejected
from pipelines.resources import BudgetInbox


def document_run_request(document: InboxDocument, run_key: str) -> dg.RunRequest:
    """A run of one document's partition, pointed at its PDF through run config."""
    return dg.RunRequest(
        partition_key=document.partition_key,
        run_key=run_key,
        run_config={"ops": {"raw_budget_pdf": {"config": {"path": str(document.path)}}}},
        tags=document_tags(document.fiscal_year, document.department, document.kind)
        | {"budget/sha256": document.sha256[:12]},
    )


@dg.sensor(
    job=budget_document_job,
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Loads each new or changed PDF of the inbox once (cursor: path -> sha256).",
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
    requests = [document_run_request(d, f"{d.partition_key}@{d.sha256}") for d in documents]
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
