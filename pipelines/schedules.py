"""The yearly schedule: on 1 March, (re)load every document of that fiscal year."""

import dagster as dg

from pipelines.extraction.document import identify_document
from pipelines.inbox import document_tags, documents_in, parse_partition_key
from pipelines.jobs import budget_document_job
from pipelines.partitions import budget_document_partitions
from pipelines.resources import BudgetInbox
from pipelines.sensors import document_run_request


@dg.schedule(
    job=budget_document_job,
    cron_schedule="0 6 1 3 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Each 1 March: load every document of the new fiscal year, from the inbox "
    "and from partitions already known.",
)
def budget_yearly_schedule(context: dg.ScheduleEvaluationContext, inbox: BudgetInbox):
    year = context.scheduled_execution_time.year
    stamp = context.scheduled_execution_time.date().isoformat()
    password = inbox.resolved_password()
    documents, rejected = documents_in(
        inbox.resolved_folder(), lambda p: identify_document(p, password=password), year
    )
    for bad in rejected:
        context.log.warning(f"rejected: {bad.path}: {bad.reason}")
    name = budget_document_partitions.name
    known = set(context.instance.get_dynamic_partitions(name))
    new_keys = sorted({d.partition_key for d in documents} - known)
    if new_keys:
        context.instance.add_dynamic_partitions(name, new_keys)
    requests = [document_run_request(d, f"{stamp}:{d.partition_key}@{d.sha256}") for d in documents]
    in_inbox = {d.partition_key for d in documents}
    for key in sorted(known - in_inbox):  # loaded before from elsewhere: reuse its last file
        fiscal_year, department, kind = parse_partition_key(key)
        if fiscal_year == year:
            requests.append(
                dg.RunRequest(
                    partition_key=key,
                    run_key=f"{stamp}:{key}",
                    tags=document_tags(year, department, kind),
                )
            )
    if not requests:
        return dg.SkipReason(f"no documents of fiscal year {year}")
    return requests
