"""The yearly schedule: on 1 March, (re)load every document of that fiscal year, in one run.

Like the inbox sensor it only looks (lists the inbox, never opens a PDF), so a hostile file
cannot hang the daemon: the run parses each file once under its limits, rejects what it
must, and skips a document of another fiscal year (`fiscal_year` in run config). A file
whose name prints only other years is left out here already (the file-name year rule).
"""

from pathlib import Path

import dagster as dg

from pipelines.extraction.identity import file_year_disagreement
from pipelines.inbox import find_pdfs, parse_partition_key
from pipelines.jobs import budget_document_job
from pipelines.partitions import budget_document_partitions
from pipelines.resources import BudgetInbox
from pipelines.sensors import batch_run_request


def inbox_pdfs(folder: Path) -> list[Path]:
    """The inbox's PDFs, oldest first (the newest file naming a document is written last)."""
    found = []
    for path in find_pdfs([folder]) if folder.is_dir() else []:
        try:
            found.append((path.stat().st_mtime_ns, str(path), path))
        except OSError:  # removed while listing
            continue
    return [path for *_, path in sorted(found)]


@dg.schedule(
    job=budget_document_job,
    cron_schedule="0 6 1 3 *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Each 1 March: load every document of the new fiscal year, from the inbox "
    "and from partitions already known (lists the inbox; the run parses).",
)
def budget_yearly_schedule(context: dg.ScheduleEvaluationContext, inbox: BudgetInbox):
    year = context.scheduled_execution_time.year
    stamp = context.scheduled_execution_time.date().isoformat()
    paths = []
    for path in inbox_pdfs(inbox.resolved_folder()):
        if other := file_year_disagreement(path.name, year):
            context.log.info(f"skipped: {path}: the file name says {other.name_year}, not {year}")
        else:
            paths.append(path)
    known = context.instance.get_dynamic_partitions(budget_document_partitions.name)
    earlier = [k for k in sorted(known) if parse_partition_key(k)[0] == year]
    if not paths and not earlier:
        return dg.SkipReason(f"no documents of fiscal year {year}")
    return batch_run_request(
        paths,
        f"{stamp}:{year}",
        earlier,
        tags={"budget/fiscal_year": str(year)},
        fiscal_year=year,
    )
