"""Past one machine: batches parse on any host into a shared Parquet folder, one publisher
writes DuckDB (pipelines.handoff, docs/scaling.md).

`budget_handoff` runs anywhere (a Celery worker, a Kubernetes job): it parses and checks
its batch of PDFs in a pool of os.cpu_count() workers and writes one Parquet file per
document into the shared folder; it never opens the warehouse, so any number of them run at
once. `published_budget_documents` is the one writer: in the warehouse pool (one step at a
time, dagster.yaml), it merges every pending file into DuckDB, one transaction per document.
"""

import time
from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.batch import Progress
from pipelines.errors import WarehouseError
from pipelines.handoff import handoff_batch, handoff_folder, publish_folder
from pipelines.resources import WAREHOUSE_POOL, BudgetInbox, DuckDBWarehouse

CLUSTER_GROUP = "cluster"
# A batch logs its progress (count, rate, time left) every this many documents.
PROGRESS_EVERY = 25


class HandoffFolder(dg.ConfigurableResource):
    """The shared folder of Parquet hand-off files (a mount every parsing host can write)."""

    folder: str | None = Field(
        default=None, description="default $BUDGET_HANDOFF, else data/handoff"
    )

    def resolved_folder(self) -> Path:
        return handoff_folder(self.folder)


class HandoffConfig(dg.Config):
    """The PDFs one batch run parses (paths every worker host can read)."""

    paths: list[str] = Field(description="PDFs to parse, check and hand off")


@dg.asset(
    group_name=CLUSTER_GROUP,
    kinds={"parquet"},
    description="Parse and check a batch of budget PDFs on any host and write one Parquet file "
    "per document (its warehouse rows and check results) into the shared hand-off folder.",
)
def budget_handoff(
    context: dg.AssetExecutionContext,
    config: HandoffConfig,
    handoff: HandoffFolder,
    inbox: BudgetInbox,
) -> dg.MaterializeResult:
    folder = handoff.resolved_folder()
    progress = Progress(len(config.paths))
    problems = []
    for result in handoff_batch(config.paths, folder, password=inbox.resolved_password()):
        progress.advance()
        if result.path is None and result.parsed.status != "skipped":
            context.log.error(result.line)
            problems.append(result.line)
        else:
            context.log.info(result.line)
        if progress.done % PROGRESS_EVERY == 0 or progress.done == progress.total:
            context.log.info(progress.line())
    if problems:
        raise dg.Failure(
            description=f"{len(problems)} of {len(config.paths)} documents not handed off: "
            + "; ".join(problems),
            allow_retries=False,
        )
    return dg.MaterializeResult(
        metadata={
            "documents": len(config.paths),
            "folder": dg.MetadataValue.path(str(folder)),
            "seconds": round(time.monotonic() - progress.started, 2),
        }
    )


@dg.asset(
    group_name=CLUSTER_GROUP,
    deps=[budget_handoff],
    pool=WAREHOUSE_POOL,
    kinds={"duckdb"},
    description="Verify and merge every pending hand-off file into the DuckDB warehouse, one "
    "transaction per document (a reload of the same bytes is a no-op, a newer edition "
    "replaces), then move it to published/.",
)
def published_budget_documents(
    context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse, handoff: HandoffFolder
) -> dg.MaterializeResult:
    published, rejected = 0, []
    if (step := warehouse.migrate()).rewrite is not None:
        context.log.info(step.line)
    with warehouse.get_connection() as con:
        started = time.monotonic()
        try:
            for result in publish_folder(con, handoff.resolved_folder()):
                if result.report is None:
                    context.log.error(result.line)
                    rejected.append(result.line)
                else:
                    context.log.info(result.line)
                    published += 1
        except WarehouseError as exc:
            raise dg.Failure(description=f"warehouse cannot be written: {exc}") from exc
        seconds = time.monotonic() - started
    if rejected:
        raise dg.Failure(
            description=f"{published} published, {len(rejected)} rejected: " + "; ".join(rejected),
            allow_retries=False,
        )
    return dg.MaterializeResult(
        metadata={
            "published": published,
            "seconds": round(seconds, 2),
            "documents_per_second": round(published / seconds, 1) if published else 0.0,
        }
    )


cluster_assets = [budget_handoff, published_budget_documents]
budget_handoff_job = dg.define_asset_job(
    "budget_handoff_job",
    selection=[budget_handoff],
    description="Parse a batch of PDFs on any host into the shared Parquet hand-off folder.",
)
budget_publish_job = dg.define_asset_job(
    "budget_publish_job",
    selection=[published_budget_documents],
    description="Merge the pending Parquet hand-off files into the warehouse (one writer).",
)
