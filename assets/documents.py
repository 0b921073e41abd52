"""The one step of a batch run: every asset of the graph, for many documents, in one run.

`load_budget_documents` is a multi-asset over every asset of the graph (raw PDF, staging,
dimensions and facts, views) and every check. A run of it — a single-run backfill of any
number of partitions, the inbox sensor's tick, the yearly schedule — calls the batch
service once (`pipelines.batch.load_batch`: a pool of os.cpu_count() workers parses and
checks each PDF once, one DuckDB connection writes each document in one transaction) and
records, per document, one materialisation of each asset and one evaluation of each check
for that document's partition, so the UI shows one partition per document. The views are
recreated once per batch.
"""

from collections.abc import Callable
from functools import partial

import dagster as dg
import duckdb
from pydantic import Field

from assets.checks import (
    DOCUMENT_CHECK_SPECS,
    YEAR_OVER_YEAR_SPEC,
    check_evaluation,
    latest_materialization,
)
from assets.raw import RAW_PDF_KEY, RAW_SPEC, partition_files, raw_metadata
from assets.reporting import VIEW_SPECS, ViewMetadata
from assets.staging import STAGING_SPECS, cells_metadata, document_cells, tables_metadata
from assets.warehouse import (
    RI_CHECK_SPECS,
    RI_CHECKED,
    WAREHOUSE_SPECS,
    WarehouseMetadata,
    integrity_evaluations,
)
from pipelines.batch import DocumentResult, Progress, load_batch
from pipelines.errors import WarehouseError
from pipelines.partitions import budget_document_partitions
from pipelines.resources import WAREHOUSE_POOL, BudgetInbox, DuckDBWarehouse
from pipelines.warehouse.connection import is_recoverable
from pipelines.warehouse.load import LoadReport

# A batch run logs its progress (count, rate, time left) every this many documents.
PROGRESS_EVERY = 25

Event = dg.AssetMaterialization | dg.AssetCheckEvaluation


class BatchEvents:
    """Turns each loaded document into its partition's materialisations and check results.

    `emit` is the run's `context.log_event` inside a run, or the instance's runless report
    for `budget load` with $DAGSTER_HOME (`for_instance`).
    """

    def __init__(self, con, warehouse_path, emit: Callable[[Event], None], instance) -> None:
        self.con = con
        self.warehouse_path = warehouse_path
        self.emit = emit
        self.instance = instance
        self.tables = WarehouseMetadata(con)
        self.loaded: list[tuple[str, LoadReport]] = []  # views are counted at the end

    @classmethod
    def for_instance(cls, instance: dg.DagsterInstance, con, warehouse_path) -> "BatchEvents":
        return cls(con, warehouse_path, instance.report_runless_asset_event, instance)

    def _partition(self, key: str) -> None:
        name = budget_document_partitions.name
        if not self.instance.has_dynamic_partition(name, key):
            self.instance.add_dynamic_partitions(name, [key])

    def record(self, result: DocumentResult) -> None:
        """The document's raw, staging and warehouse materialisations and its eleven checks."""
        key, extraction = result.parsed.key, result.parsed.extraction
        self._partition(key)
        cells = document_cells(extraction)
        metadata = {
            RAW_PDF_KEY.to_user_string(): raw_metadata(result),
            "stg_budget_tables": tables_metadata(extraction),
            "stg_budget_cells": cells_metadata(extraction, cells),
        } | self.tables.of(result, len(cells))
        for asset, values in metadata.items():
            self.emit(dg.AssetMaterialization(asset, partition=key, metadata=values))
        # Each evaluation names the materialisation it judged, so the UI shows it as this
        # partition's current result.
        target = partial(latest_materialization, self.instance, partition=key)
        staged = target("stg_budget_tables")
        for name, outcome in result.checks.items():
            if name == "referential_integrity":
                targets = {table: target(table) for table in RI_CHECKED}
                for evaluation in integrity_evaluations(outcome, key, targets):
                    self.emit(evaluation)
            else:
                self.emit(check_evaluation("stg_budget_tables", outcome, key, staged))
        self.loaded.append((key, result.report))

    def finish(self) -> None:
        """Recreate the views once and record each loaded document's rows of them."""
        views = ViewMetadata(self.con, self.warehouse_path)
        for key, report in self.loaded:
            for view, values in views.of(report).items():
                self.emit(dg.AssetMaterialization(view, partition=key, metadata=values))
        self.loaded.clear()


class BatchConfig(dg.Config):
    """Which PDFs a run loads: files (the sensor, the schedule, a hand-launched run), else the
    run's partitions (a backfill), each re-read from its last file."""

    paths: list[str] = Field(
        default_factory=list,
        description="PDFs to load; their partitions come from the parse",
    )
    partitions: list[str] = Field(
        default_factory=list,
        description="partitions to reload from the file of their last materialisation "
        "(besides `paths`; the schedule's known partitions)",
    )


def _requested(context: dg.AssetExecutionContext, config: BatchConfig, inbox: BudgetInbox):
    """(files, file -> expected partition, partitions with no file) of this run."""
    keys = list(config.partitions)
    if not config.paths and not keys and context.has_partition_key_range:
        keys = list(context.partition_keys)
    expected, missing = partition_files(context.instance, keys, inbox)
    files = [*config.paths, *[str(p) for p in expected]]
    return files, expected, missing


@dg.multi_asset(
    name="load_budget_documents",
    specs=[RAW_SPEC, *STAGING_SPECS, *WAREHOUSE_SPECS, *VIEW_SPECS],
    check_specs=[*DOCUMENT_CHECK_SPECS, YEAR_OVER_YEAR_SPEC, *RI_CHECK_SPECS],
    partitions_def=budget_document_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    can_subset=True,
    description="Parse, check and load a batch of budget documents: each PDF parsed once in a "
    "pool of worker processes, each document written in one transaction, the views "
    "recreated once.",
)
def load_budget_documents(
    context: dg.AssetExecutionContext,
    config: BatchConfig,
    warehouse: DuckDBWarehouse,
    inbox: BudgetInbox,
):
    try:
        yield from _load_batch_step(context, config, warehouse, inbox)
    except (duckdb.IOException, WarehouseError) as exc:  # WarehouseError: from load_batch
        if is_recoverable(str(exc)):
            raise _retry(context, str(exc)) from exc
        raise


# A held warehouse lock or a full disk passes: the step runs again (reloading a document
# already written is a no-op `reloaded`), a few times, then fails.
RECOVERABLE_RETRIES = 3
RETRY_WAIT_SECONDS = 60


def _retry(context: dg.AssetExecutionContext, reason: str) -> dg.RetryRequested:
    context.log.warning(f"recoverable failure, the step will run again: {reason}")
    return dg.RetryRequested(max_retries=RECOVERABLE_RETRIES, seconds_to_wait=RETRY_WAIT_SECONDS)


def _load_batch_step(context, config: BatchConfig, warehouse, inbox):
    files, expected, missing = _requested(context, config, inbox)
    problems = [f"{key}: no PDF for this partition" for key in missing]
    progress = Progress(len(files))
    with warehouse.get_connection() as con:
        events = BatchEvents(con, warehouse.resolved_path(), context.log_event, context.instance)
        for result in load_batch(
            files,
            con,
            password=inbox.resolved_password(),
            expected_keys=expected,
            inbox=inbox.resolved_folder(),
        ):
            progress.advance()
            if result.report is None:
                parsed = result.parsed
                line = f"{result.status}: {parsed.reason_path or parsed.path}: "
                line += result.error or parsed.reason
                if result.rejection is not None:
                    line = result.rejection.line
                (context.log.info if result.status == "skipped" else context.log.error)(line)
                if result.status != "skipped":
                    problems.append(line)
            else:
                context.log.info(result.report.message)
                events.record(result)
            if progress.done % PROGRESS_EVERY == 0 or progress.done == progress.total:
                context.log.info(progress.line())
        events.finish()
    recoverable = [problem for problem in problems if is_recoverable(problem)]
    if recoverable:
        raise _retry(context, recoverable[0])
    if problems:
        raise dg.Failure(
            description=f"{len(problems)} of {len(files) + len(missing)} documents not loaded: "
            + "; ".join(problems),
            allow_retries=False,
        )
    yield from ()
