"""The one step of a batch run: every asset of the graph, for many documents, in one run.

`load_budget_documents` is a multi-asset over every asset of the graph (raw PDF, staging,
dimensions and facts, views) and every check. A run of it — a single-run backfill of any
number of partitions, the inbox sensor's tick, the yearly schedule — calls the batch
service once (`pipelines.batch.load_batch`: a pool of os.cpu_count() workers parses and
checks each PDF once, one DuckDB connection writes each document in one transaction).

What it records is sized for the event log, whose cost is per event (SQLite: a write to the
run's file and one to the index per asset event): per document, its partition of the three
document assets (raw PDF, staged tables, staged cells) and its eight checks (six document
checks, year_over_year and final_vs_budget), 11 events; per batch, one materialisation of
each warehouse table and view and one referential-integrity evaluation per fact table
(docs/pipeline.md).
The views are recreated once per batch.
"""

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import Field

from assets.charts import document_charts
from assets.checks import (
    DOCUMENT_CHECK_SPECS,
    WRITER_DOCUMENT_CHECK_SPECS,
    check_evaluation,
    latest_materialization,
)
from assets.health import health_metadata
from assets.raw import RAW_PDF_KEY, RAW_SPEC, partition_files, raw_metadata, rejected_observation
from assets.rederive import rederived_records, restated_evaluations
from assets.reporting import VIEW_SPECS, view_metadata
from assets.staging import (
    STAGING_SPECS,
    cells_metadata,
    document_cells,
    load_metadata,
    tables_metadata,
)
from assets.warehouse import (
    RI_CHECK_SPECS,
    RI_CHECKED,
    WAREHOUSE_SPECS,
    LoadedDocument,
    WarehouseMetadata,
    integrity_evaluations,
)
from pipelines.batch import DocumentResult, Progress, load_batch
from pipelines.errors import WarehouseError
from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import partition_key
from pipelines.partitions import budget_document_partitions, keep_sorted
from pipelines.resources import WAREHOUSE_POOL, BudgetInbox, DuckDBWarehouse
from pipelines.warehouse.connection import is_recoverable
from pipelines.warehouse.findings import document_key, finding_filter, stored_findings

# A batch run logs its progress (count, rate, time left) every this many documents.
PROGRESS_EVERY = 25
STAGED = dg.AssetKey("stg_budget_tables")

Event = dg.AssetMaterialization | dg.AssetCheckEvaluation


class BatchEvents:
    """Turns a batch's loaded documents into their partitions' materialisations and check
    results (as each is written), then the warehouse's and the views' (once, at the end).

    `emit` is the run's `context.log_event` inside a run, or the instance's runless report
    for `budget load` with $DAGSTER_HOME (`for_instance`).
    """

    def __init__(self, con, warehouse_path, emit: Callable[[Event], None], instance) -> None:
        self.con = con
        self.warehouse_path = warehouse_path
        self.emit = emit
        self.instance = instance
        self.known: set[str] | None = None  # the instance's partitions, read once
        self.loaded: list[LoadedDocument] = []
        self.added: list[str] = []  # the partitions this batch added, in arrival order
        # A single-partition run's own checks are the step's outputs (Dagster names the
        # partition); logged, they would be "expected outputs" the step never yielded.
        self.run_partition: str | None = None
        self.outputs: list[dg.AssetCheckEvaluation] = []

    @classmethod
    def for_instance(cls, instance: dg.DagsterInstance, con, warehouse_path) -> "BatchEvents":
        return cls(con, warehouse_path, instance.report_runless_asset_event, instance)

    def _partition(self, key: str) -> None:
        name = budget_document_partitions.name
        if self.known is None:
            self.known = set(self.instance.get_dynamic_partitions(name))
        if key not in self.known:
            self.instance.add_dynamic_partitions(name, [key])
            self.known.add(key)
            self.added.append(key)

    def record(self, result: DocumentResult) -> None:
        """The document's partition of the raw PDF and of both staging assets (the staged
        tables with the document's health: assets/health.py), and its document checks,
        each naming the staged materialisation it judged (one look-up), so the UI shows
        them as this partition's current results."""
        key, extraction, report = result.parsed.key, result.parsed.extraction, result.report
        self._partition(key)
        cells = document_cells(result.staged)
        document = document_key(report)
        stored = stored_findings(self.con, document)
        metadata = {
            RAW_PDF_KEY: raw_metadata(result),
            STAGED: health_metadata(result.checks, stored)
            | tables_metadata(extraction)
            | document_charts(
                self.con, report.department, report.fiscal_year, report.document_kind, report.stage
            ),
            dg.AssetKey("stg_budget_cells"): cells_metadata(extraction, cells)
            | load_metadata(result.report, cells),
        }
        for asset, values in metadata.items():
            values = {"document": key} | values  # whose numbers these are
            self.emit(dg.AssetMaterialization(asset, partition=key, metadata=values))
        staged = latest_materialization(self.instance, STAGED, partition=key)
        for name, outcome in result.checks.items():
            if name != "referential_integrity":  # a warehouse check: once per batch
                where = finding_filter(document, check_name=name)
                findings = stored.get(name, [])
                self.check(check_evaluation(STAGED, outcome, key, findings, where, staged))
        for later, outcome in result.rechecked:  # a loaded document judged again
            later_key = partition_key(DocumentIdentity.of(document_key(later)))
            judged = latest_materialization(self.instance, STAGED, partition=later_key)
            found = stored_findings(self.con, document_key(later)).get(outcome.name, [])
            where = finding_filter(document_key(later), check_name=outcome.name)
            self.emit(check_evaluation(STAGED, outcome, later_key, found, where, judged))
        self.loaded.append(LoadedDocument.of(result, stored.get("referential_integrity", [])))

    def check(self, evaluation: dg.AssetCheckEvaluation) -> None:
        """Record a check's evaluation: an output of the step for the run's own partition,
        else logged."""
        if evaluation.partition == self.run_partition:
            self.outputs.append(evaluation)
        else:
            self.emit(evaluation)

    def warehouse_records(self) -> tuple[dict[str, dict], list[LoadedDocument]]:
        """Every warehouse table's and view's metadata after the batch (the views
        recreated), and the batch's documents, whose referential integrity each fact
        table's check reports. Nothing when nothing was written."""
        if not self.loaded:
            return {}, []
        keep_sorted(self.instance, self.added)
        self.added = []
        loaded, self.loaded = self.loaded, []
        metadata = WarehouseMetadata(self.con).of(loaded)
        return metadata | view_metadata(self.con, self.warehouse_path), loaded

    def finish(self) -> None:
        """Record the warehouse_records as runless events (`budget load`), each check naming
        the table materialisation it judged."""
        metadata, loaded = self.warehouse_records()
        for asset, values in metadata.items():
            self.emit(dg.AssetMaterialization(asset, metadata=values))
        if loaded:
            targets = {table: latest_materialization(self.instance, table) for table in RI_CHECKED}
            for evaluation in integrity_evaluations(loaded, targets):
                self.emit(evaluation)


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
    fiscal_year: int | None = Field(
        default=None,
        description="load only documents of this fiscal year, skip the others (the schedule)",
    )


def _requested(context: dg.AssetExecutionContext, config: BatchConfig, inbox: BudgetInbox):
    """(files, file -> expected partition, partition with no file -> why) of this run: the
    partitions' last files first, then `paths` (newer, so they win), each file once."""
    keys = list(config.partitions)
    partitioned = context.has_partition_key or context.has_partition_key_range
    if not config.paths and not keys and partitioned:
        keys = list(context.partition_keys)
    expected, missing = partition_files(context.instance, keys, inbox)
    named = {Path(p).resolve() for p in config.paths}
    expected = {path: key for path, key in expected.items() if path.resolve() not in named}
    files = [*[str(p) for p in expected], *config.paths]
    return files, expected, missing


@dg.multi_asset(
    name="load_budget_documents",
    specs=[RAW_SPEC, *STAGING_SPECS, *WAREHOUSE_SPECS, *VIEW_SPECS],
    check_specs=[*DOCUMENT_CHECK_SPECS, *WRITER_DOCUMENT_CHECK_SPECS, *RI_CHECK_SPECS],
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


def _load_batch_step(context: dg.AssetExecutionContext, config: BatchConfig, warehouse, inbox):
    """Load the run's files; then record the selected tables, views and checks. A run with
    no file to load (a table or view materialised alone) re-derives them from the warehouse.
    Rejected files are reported, never a failure; a partition with no PDF or a document
    that could not be written fails the run, after everything else is recorded."""
    files, expected, missing = _requested(context, config, inbox)
    problems = [f"{key}: {why}" for key, why in missing.items()]
    outcome = Counter()
    if (step := warehouse.migrate()).rewrite is not None:
        context.log.info(step.line)
    with warehouse.get_connection() as con:
        events = BatchEvents(con, warehouse.resolved_path(), context.log_event, context.instance)
        if context.has_partition_key:
            events.run_partition = context.partition_key
        if files:
            rejected = []
            for result in _loaded(context, files, con, inbox, expected, config, events):
                outcome[result.status] += 1
                if result.rejection is not None or result.status == "rejected":
                    rejected.append(result)
                elif result.report is None and result.status != "skipped":
                    problems.append(_result_line(result))
            if rejected:
                context.log_event(rejected_observation(rejected))
            metadata, loaded = events.warehouse_records()
            evaluations = integrity_evaluations(loaded) if loaded else []
        elif not missing:
            metadata, evaluations = rederived_records(con, warehouse.resolved_path())
        else:
            metadata, evaluations = {}, []
        planned = context.selected_asset_check_keys
        for key, why in missing.items():
            for evaluation in restated_evaluations(con, key, why):
                if evaluation.asset_check_key in planned:
                    events.check(evaluation)
    yield from _selected_results(context, metadata, evaluations, events.outputs)
    context.instance.add_run_tags(
        context.run.run_id, {f"budget/{status}": str(n) for status, n in outcome.items()}
    )
    recoverable = [problem for problem in problems if is_recoverable(problem)]
    if recoverable:
        raise _retry(context, recoverable[0])
    if problems:
        raise dg.Failure(
            description=f"{len(problems)} of {len(files) + len(missing)} documents not loaded: "
            + "; ".join(problems),
            allow_retries=False,
        )


def _loaded(context, files, con, inbox, expected, config, events):
    """Each file's DocumentResult as the batch writes it, logged and recorded."""
    progress = Progress(len(files))
    for result in load_batch(
        files,
        con,
        password=inbox.resolved_password(),
        expected_keys=expected,
        inbox=inbox.resolved_folder(),
        fiscal_year=config.fiscal_year,
    ):
        progress.advance()
        if result.report is None:
            log = {"skipped": context.log.info, "failed": context.log.error}
            log.get(result.status, context.log.warning)(_result_line(result))
        else:
            context.log.info(result.report.message)
            events.record(result)
        if progress.done % PROGRESS_EVERY == 0 or progress.done == progress.total:
            context.log.info(progress.line())
        yield result


def _result_line(result: DocumentResult) -> str:
    """The one line said of a file the batch did not load."""
    if result.rejection is not None:
        return result.rejection.line
    parsed = result.parsed
    return f"{result.status}: {parsed.reason_path or parsed.path}: {result.error or parsed.reason}"


def _selected_results(context, metadata: dict, evaluations: list, own_partition: list):
    """The selected tables' and views' materialisations (logged: a table reads partitioned
    staging, which an unpartitioned run cannot name as its input) and the planned checks'
    results as the step's outputs: the warehouse checks (`evaluations`, judged over the
    batch) when selected, and the checks of a single-partition run's own document
    (`own_partition`), which are logged instead when the run did not plan them."""
    selected = context.selected_asset_keys
    for asset, values in metadata.items():
        if dg.AssetKey(asset) in selected:
            context.log_event(dg.AssetMaterialization(asset, metadata=values))
    planned = context.selected_asset_check_keys
    for evaluation in own_partition:
        if evaluation.asset_check_key not in planned:
            context.log_event(evaluation)
    for evaluation in [*evaluations, *own_partition]:
        if evaluation.asset_check_key in planned:
            yield dg.AssetCheckResult(
                asset_key=evaluation.asset_key,
                check_name=evaluation.check_name,
                passed=evaluation.passed,
                severity=evaluation.severity,
                description=evaluation.description,
                metadata=evaluation.metadata,
            )
