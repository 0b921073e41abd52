"""`budget load PATH...`: materialise each PDF's partition of the Dagster asset graph, in-process.

The same assets, checks and resources as `dagster dev` (pipelines.definitions), one run per
document, so there is no second code path. With $DAGSTER_HOME set the runs are recorded in
that instance (and show in the UI); otherwise an ephemeral instance is used. One line per
file; a bad file is one `rejected:` line and the other files still load; exit status 1 if
any file was not loaded.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.budget_doc import document_name
from pipelines.errors import BudgetInputError, NarrativeOnlyError
from pipelines.extraction.document import identify_document
from pipelines.inbox import document_tags, find_pdfs, partition_key
from pipelines.rejects import reject_file
from pipelines.warehouse.reference import canonical_department

_QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class FileOutcome:
    """What happened to one file, and the line printed for it."""

    path: Path
    status: str  # loaded / reloaded / replaced edition / skipped / rejected / failed
    line: str
    partition_key: str | None = None
    checks: dict[str, str] = field(default_factory=dict)  # failed check -> WARN / ERROR

    @property
    def ok(self) -> bool:
        return self.status not in ("rejected", "failed")


def _instance():
    import dagster as dg

    if os.environ.get("DAGSTER_HOME"):
        return dg.DagsterInstance.get()
    return dg.DagsterInstance.ephemeral()


def _failure_reason(result) -> str:
    """The first step failure as one line: a rejection's reason, else the error's message."""
    for event in result.all_events:
        if not event.is_step_failure:
            continue
        data = event.step_failure_data
        if data.user_failure_data is not None and data.user_failure_data.description:
            return data.user_failure_data.description
        error = data.error
        while error is not None and error.cause is not None:
            error = error.cause
        if error is not None:
            return f"{error.cls_name}: {error.message.strip().splitlines()[0]}"
    return "the run failed"


def _materialization_metadata(result, asset: str) -> dict:
    for materialization in result.asset_materializations_for_node("load_budget_document"):
        if materialization.asset_key.to_user_string() == asset:
            return {k: v.value for k, v in materialization.metadata.items()}
    return {}


def load_file(path: Path, *, instance, resources: dict, password: str | None) -> FileOutcome:
    """Materialise one PDF's partition: every asset and check of the graph, in this process."""
    import dagster as dg

    from pipelines.definitions import all_asset_checks, all_assets
    from pipelines.partitions import budget_document_partitions

    if not path.is_file():
        return FileOutcome(path, "rejected", f"rejected: {path}: no such file")
    try:
        identity = identify_document(path, password=password)
    except NarrativeOnlyError as exc:  # the tables PDF of the same budget makes the document
        return FileOutcome(path, "skipped", f"skipped: {path}: {exc.reason}")
    except BudgetInputError as exc:  # explicit paths: recorded, never moved
        return FileOutcome(path, "rejected", reject_file(exc.path, exc.reason).line)
    key = partition_key(identity)
    name = budget_document_partitions.name
    if not instance.has_dynamic_partition(name, key):
        instance.add_dynamic_partitions(name, [key])
    result = dg.materialize(
        [*all_assets, *all_asset_checks],
        partition_key=key,
        instance=instance,
        resources=resources,
        run_config={"ops": {"raw_budget_pdf": {"config": {"path": str(path)}}}} | _QUIET,
        tags={"budget/source": "budget load"}
        | document_tags(identity.fiscal_year, identity.department, identity.kind),
        raise_on_error=False,
    )
    checks = {
        f"{e.check_name}"
        if e.asset_key.path[-1] == "stg_budget_tables"
        else f"{e.asset_key.path[-1]}.{e.check_name}": e.severity.value
        for e in result.get_asset_check_evaluations()
        if not e.passed
    }
    if not result.success:
        reason = _failure_reason(result)
        if "IOException" in reason and "lock" in reason:  # DuckDB: one writer process
            line = f"failed: {path}: warehouse in use by another process, nothing loaded: {reason}"
            return FileOutcome(path, "failed", line, key, checks)
        return FileOutcome(path, "rejected", f"rejected: {reason}", key, checks)
    loaded = _materialization_metadata(result, "dim_document")
    filed = canonical_department(identity.department)
    where = document_name(filed, identity.fiscal_year, identity.kind)
    if filed != identity.department:  # data/reference/department_aliases.csv
        where += f" (printed {identity.department})"
    rows = loaded.get("load/fact_rows", "?")
    action = loaded.get("load/action", "inserted")
    if action == "replaced":
        old = str(loaded.get("load/replaced_sha256", ""))[:12]
        status, line = "replaced edition", f"replaced edition: {where}, {rows} rows (was {old})"
    elif action == "reloaded":
        status, line = "reloaded", f"reloaded: {where}, {rows} rows (same edition)"
    else:
        status, line = "loaded", f"loaded: {where}, {rows} rows"
    line += f" from {path}"
    if checks:
        line += " — checks: " + ", ".join(f"{n} {s}" for n, s in sorted(checks.items()))
    return FileOutcome(path, status, line, key, checks)


def load_paths(
    paths: list[str], warehouse: str | None = None, password: str | None = None, out=None
) -> list[FileOutcome]:
    """Load every PDF named by `paths` (files or folders), printing one line per file."""
    from pipelines.resources import BudgetInbox, DuckDBWarehouse

    out = out or sys.stdout
    files = find_pdfs(paths)
    resources = {
        "warehouse": DuckDBWarehouse(path=warehouse),
        "inbox": BudgetInbox(password=password),
    }
    outcomes = []
    logging.getLogger("dagster").setLevel(logging.ERROR)
    instance = _instance()
    try:
        for path in files:
            try:
                outcome = load_file(path, instance=instance, resources=resources, password=password)
            except Exception as exc:  # noqa: BLE001 - one file must not stop the others
                reason = f"{type(exc).__name__}: {exc}"
                outcome = FileOutcome(path, "failed", f"failed: {path}: {reason}")
            print(outcome.line, file=out, flush=True)
            outcomes.append(outcome)
    finally:
        instance.dispose()
    return outcomes


def run_load(args) -> int:
    """The `budget load` sub-command; 0 when every file loaded, 1 otherwise."""
    files = find_pdfs(args.paths)
    if not files:
        print(f"no PDF found in {' '.join(args.paths)}", file=sys.stderr)
        return 1
    outcomes = load_paths(args.paths, warehouse=args.warehouse, password=args.password)
    return 0 if all(o.ok for o in outcomes) else 1
