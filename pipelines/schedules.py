"""The yearly schedule: on 1 March, (re)load every document of that fiscal year, in one run."""

import dagster as dg

from pipelines.extraction.document import identify_document
from pipelines.inbox import documents_in, parse_partition_key
from pipelines.jobs import budget_document_job
from pipelines.partitions import budget_document_partitions
from pipelines.resources import BudgetInbox
from pipelines.sensors import batch_run_request


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
    in_inbox = {d.partition_key for d in documents}
    # loaded before from elsewhere: reloaded from its last file
    earlier = [k for k in sorted(known - in_inbox) if parse_partition_key(k)[0] == year]
    if not documents and not earlier:
        return dg.SkipReason(f"no documents of fiscal year {year}")
    return batch_run_request(
        documents, f"{stamp}:{year}", earlier, tags={"budget/fiscal_year": str(year)}
    )
