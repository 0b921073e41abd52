"""`budget load PATH...`: load PDFs through the batch service (pipelines.batch), in-process.

Each PDF is parsed and checked once, in a pool of worker processes, and written in one
transaction, by the same service the Dagster batch asset calls; no Dagster run per file.
With $DAGSTER_HOME set, each loaded document's materialisations and check results are
recorded in that instance (they show in the UI as its partition). One line per file; a bad
file is one `rejected:` line and the other files still load; exit status 1 if any file was
not loaded. On a terminal, stderr also shows count, rate and time left.
"""

from __future__ import annotations

import os
import sys
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pipelines.batch import DocumentResult, Progress, write_parsed
from pipelines.budget_doc import document_name
from pipelines.errors import SettingError, WarehouseError, printable
from pipelines.extraction.identity import file_year_disagreement
from pipelines.inbox import search_pdfs
from pipelines.limits import ParseLimits
from pipelines.parsing import Parsing
from pipelines.quality.year_over_year import judged_again_text
from pipelines.rejects import reject_file
from pipelines.warehouse.connection import Warehouse, warehouse_path
from pipelines.warehouse.storage import StorageRewriteError


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


def file_outcome(result: DocumentResult) -> FileOutcome:
    """The one line of a batch result, as `budget load` prints it."""
    parsed, report = result.parsed, result.report
    path, status = parsed.path, result.status
    if status == "skipped":
        return FileOutcome(path, status, f"skipped: {path}: {parsed.reason}")
    if status == "rejected":  # explicit paths: recorded, never moved
        line = reject_file(parsed.reason_path or path, parsed.reason).line
        return FileOutcome(path, status, line, parsed.key)
    if report is None and result.committed:  # the write raised after its commit
        identity = parsed.identity
        where = document_name(
            identity.department, identity.fiscal_year, identity.kind, identity.stage
        )
        line = f"loaded: {where} from {path} (committed; the warehouse then said {result.error})"
        return FileOutcome(path, "loaded", line, parsed.key)
    if report is None:
        reason = result.error or parsed.reason
        if result.committed is None:
            reason += " (whether it was committed is unknown: check with budget query)"
        return FileOutcome(path, "failed", f"failed: {path}: {reason}", parsed.key)
    where = document_name(report.department, report.fiscal_year, report.document_kind, report.stage)
    if report.department != report.printed_department:  # data/reference/department_aliases.csv
        where += f" (printed {report.printed_department})"
    rows = report.fact_rows
    if report.action == "replaced":
        line = f"replaced edition: {where}, {rows} rows (was {report.replaced_sha256[:12]})"
    elif report.action == "reloaded":
        line = f"reloaded: {where}, {rows} rows (same edition)"
    else:
        line = f"loaded: {where}, {rows} rows"
    line += f" from {path}"
    checks = result.failed_checks
    if checks:
        line += " — checks: " + ", ".join(f"{n} {s}" for n, s in sorted(checks.items()))
    line += judged_again_text(result.rechecked)
    if disagreement := file_year_disagreement(path.name, report.fiscal_year):
        line += f" — {disagreement}"
    return FileOutcome(path, status, line, parsed.key, checks)


class _Terminal:
    """Count / rate / ETA on stderr, redrawn in place, only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.progress = Progress(total)
        self.live = sys.stderr.isatty() and total > 1

    def clear(self) -> None:
        if self.live:
            sys.stderr.write("\r\x1b[K")

    def advance(self) -> None:
        self.progress.advance()
        if self.live:
            sys.stderr.write(self.progress.line())
            sys.stderr.flush()


def _recorder(con, warehouse_path):
    """Records each loaded document in $DAGSTER_HOME's instance, or None without one."""
    if not os.environ.get("DAGSTER_HOME"):
        return None
    import dagster as dg

    from assets.documents import BatchEvents

    return BatchEvents.for_instance(dg.DagsterInstance.get(), con, warehouse_path)


def _held(files: list[Path], exc: duckdb.IOException, out) -> list[FileOutcome]:
    """Every file failed: another process holds the warehouse past the lock wait. Any
    other error opening it is the warehouse's own (damaged, read-only): WarehouseError."""
    reason = str(exc).strip().splitlines()[0]
    if "lock" not in reason.lower():
        raise WarehouseError(f"{type(exc).__name__}: {reason}") from exc
    outcomes = [
        FileOutcome(p, "failed", f"failed: {p}: warehouse in use by another process, "
                    f"nothing loaded: IOException: {reason}")
        for p in files
    ]  # fmt: skip
    for outcome in outcomes:
        outcome.line = printable(outcome.line)
    for outcome in outcomes:
        print(outcome.line, file=out, flush=True)
    return outcomes


def load_paths(
    paths: list[str],
    warehouse: str | None = None,
    password: str | None = None,
    out=None,
    workers: int | None = None,
    limits: ParseLimits | None = None,
) -> list[FileOutcome]:
    """Load every PDF named by `paths` (files or folders), printing one line per file (and
    per unreadable folder); `workers` parsing processes (default os.cpu_count()), each parse
    under `limits`. The workers start parsing while the warehouse is opened and migrated
    (a parse under way when that fails is let finish, unused). Raises WarehouseError when
    the warehouse itself cannot be written."""

    out = out or sys.stdout
    files, problems = search_pdfs(paths)
    outcomes = [FileOutcome(p, "failed", printable(f"failed: {p}: {why}")) for p, why in problems]
    for outcome in outcomes:
        print(outcome.line, file=out, flush=True)
    if not files:  # nothing to load: no warehouse file is created for it
        return outcomes
    store = Warehouse(warehouse)
    limits = limits or ParseLimits.from_env()
    with ExitStack() as stack:
        # the workers start and parse while this process opens and migrates the warehouse
        parsing = stack.enter_context(
            Parsing(files, password, workers or os.cpu_count() or 1, limits)
        )
        try:
            con, step = stack.enter_context(store.migrated_connection())
            if step.rewrite is not None:  # a file of an earlier release, read by DuckDB 2 only
                line = printable(f"rewritten: {step.path} {step.rewrite.text}")
                print(line, file=out, flush=True)
        except duckdb.IOException as exc:  # DuckDB: one writer process
            return outcomes + _held(files, exc, out)
        except duckdb.Error as exc:  # not a DuckDB file, or a damaged one
            message = str(exc).strip().splitlines()[0]
            raise WarehouseError(f"{type(exc).__name__}: {message}") from exc
        except StorageRewriteError as exc:  # its copy was not the warehouse: file unchanged
            raise WarehouseError(exc.reason) from exc
        except OSError as exc:  # the folder or the disk (the rewrite writes a whole copy)
            raise WarehouseError(f"{type(exc).__name__}: {exc}") from exc
        recorder = _recorder(con, store.resolved_path())
        if recorder is not None:
            stack.callback(recorder.instance.dispose)
        terminal = _Terminal(len(files))
        for result in write_parsed(parsing, con):
            outcome = file_outcome(result)
            outcome.line = printable(outcome.line)
            if recorder is not None and result.report is not None:
                recorder.record(result)
            terminal.clear()
            print(outcome.line, file=out, flush=True)
            terminal.advance()
            outcomes.append(outcome)
        terminal.clear()
        if recorder is not None:
            recorder.finish()
    return outcomes


def run_load(args) -> int:
    """The `budget load` sub-command; 0 when every file loaded, 1 otherwise (a warehouse
    that cannot be written is said once, on stderr, and the files after it not attempted)."""
    files, problems = search_pdfs(args.paths)
    if not files and not problems:
        print(printable(f"no PDF found in {' '.join(args.paths)}"), file=sys.stderr)
        return 1
    limits = ParseLimits.from_env(
        **{name: getattr(args, name) for name in ParseLimits.__dataclass_fields__}
    )
    try:
        outcomes = load_paths(
            args.paths,
            warehouse=args.warehouse,
            password=args.password,
            workers=args.workers,
            limits=limits,
        )
    except SettingError as exc:  # a memory limit too small to start a parsing worker
        print(printable(f"budget load: {exc}"), file=sys.stderr)
        return 2
    except WarehouseError as exc:
        where = warehouse_path(args.warehouse)
        print(printable(f"budget load: warehouse {where} cannot be written: {exc}"),
              file=sys.stderr)  # fmt: skip
        return 1
    return 0 if all(o.ok for o in outcomes) else 1
