"""Load a batch of budget PDFs: parse and check each once, write each in one transaction.

The service behind `budget load` and the Dagster batch asset (no Dagster import). Parsing
and the document checks are pure and CPU-bound, so they run in a pool of worker
processes (`os.cpu_count()`, pipelines.parsing); DuckDB allows one writer, so the parent
writes every document through one connection, in input order, one transaction per
document holding its facts, its writer checks (referential integrity, year over year) and
all its check rows. A killed batch therefore leaves whole documents only. `write_document`
is the per-document write step on its own, for any other writer of parsed documents.
The recovery paths (committed-or-not after a failure, a warehouse error said once) are
read together here.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import quality
from pipelines.errors import BudgetInputError, WarehouseError
from pipelines.limits import ParseLimits
from pipelines.parsing import ParsedDocument, parsed_in_order
from pipelines.quality.year_over_year import StoredDocument
from pipelines.rejects import Rejection, reject_settled, rejected_folder
from pipelines.warehouse.checks import record_check_results, replace_check_result
from pipelines.warehouse.findings import check_rows, document_key
from pipelines.warehouse.load import DocumentRows, LoadReport, document_rows, load_rows
from pipelines.warehouse.sql_files import read_sql

# Checks that need the warehouse: run by the writer inside each document's load transaction.
WRITER_CHECKS = ("referential_integrity", "year_over_year", "final_vs_budget")


@dataclass
class DocumentResult:
    """What the batch did with one PDF: parsed and loaded, or not."""

    parsed: ParsedDocument
    report: LoadReport | None = None
    checks: dict[str, quality.CheckOutcome] = field(default_factory=dict)  # + writer checks
    error: str = ""  # why a parsed document could not be written
    rejection: Rejection | None = None  # a refused inbox file: where it went
    committed: bool | None = False  # with `error`: written all the same (None: unknown)
    # the staging relations written (stg_budget_cells for the Dagster record: staged once)
    staged: dict[str, list[dict]] = field(default_factory=dict)
    # documents already loaded that are set against this one, judged again: the following
    # year (year_over_year), a budget's final accounts (final_vs_budget); each stored row
    # replaced in the same transaction
    rechecked: tuple[tuple[StoredDocument, quality.CheckOutcome], ...] = ()

    @property
    def status(self) -> str:
        """loaded / reloaded / replaced edition / skipped / rejected / failed."""
        if self.error:
            return "loaded" if self.committed else "failed"
        if self.report is not None:
            return {"inserted": "loaded", "replaced": "replaced edition"}.get(
                self.report.action, self.report.action
            )
        return self.parsed.status

    @property
    def failed_checks(self) -> dict[str, str]:
        """Check name -> severity, for the checks that did not pass."""
        return {n: o.severity or quality.ERROR for n, o in self.checks.items() if not o.passed}


def write_document(
    con: duckdb.DuckDBPyConnection, parsed: ParsedDocument, loaded_at: datetime | None = None
) -> DocumentResult:
    """Replace one parsed document's rows and its check results in ONE transaction.

    Raises BudgetInputError for a document the loader refuses (nothing written).
    """
    rows = document_rows(parsed.extraction)
    report, writer_checks, rechecked = write_rows(con, rows, check_rows(parsed.checks), loaded_at)
    return DocumentResult(
        parsed, report, parsed.checks | writer_checks, staged=rows.relations, rechecked=rechecked
    )


def write_rows(
    con: duckdb.DuckDBPyConnection,
    document: DocumentRows,
    document_checks: list[dict],
    loaded_at: datetime | None = None,
) -> tuple[LoadReport, dict[str, quality.CheckOutcome], tuple]:
    """Replace one flattened document's rows, run the writer checks over the warehouse
    (WRITER_CHECKS: referential integrity, year over year, final against budget) and write
    its check rows (`document_checks` then the writer ones) in ONE transaction; the writer of
    both parsed PDFs and Parquet hand-off files (pipelines.handoff). The loaded documents set
    against this one (the following year; a budget's final accounts) are judged again in the
    same transaction. Returns the report, the writer checks and those documents' new results
    (DocumentResult.rechecked)."""
    writer_checks: dict[str, quality.CheckOutcome] = {}
    rechecked: list[tuple[StoredDocument, quality.CheckOutcome]] = []

    def check_in_warehouse(con: duckdb.DuckDBPyConnection, report: LoadReport) -> None:
        writer_checks["referential_integrity"] = quality.check_referential_integrity(
            con, report.document_id
        )
        writer_checks["year_over_year"] = quality.check_year_over_year(con, report)
        writer_checks["final_vs_budget"] = quality.check_final_vs_budget(con, report)
        record_check_results(
            con,
            report.department,
            report.fiscal_year,
            document_checks + check_rows(writer_checks),
            document_kind=report.document_kind,
            stage=report.stage,
            sha256=report.sha256,
            checked_at=datetime.now(UTC).replace(tzinfo=None),
            in_open_transaction=True,
        )
        judged_again = (
            (quality.following_year(con, report), quality.check_year_over_year),
            (quality.final_of_budget(con, report), quality.check_final_vs_budget),
        )
        for later, check in judged_again:
            if later is not None:
                rechecked.append((later, _judge_again(con, later, check)))

    report = load_rows(con, document, loaded_at=loaded_at, before_commit=check_in_warehouse)
    return report, writer_checks, tuple(rechecked)


def _judge_again(con: duckdb.DuckDBPyConnection, stored: StoredDocument, check):
    """Run a writer check again on a loaded document and replace its stored row and findings."""
    outcome = check(con, stored)
    (row,) = check_rows({outcome.name: outcome})
    replace_check_result(con, document_key(stored), row, datetime.now(UTC).replace(tzinfo=None))
    return outcome


# Errors of the warehouse file itself (disk full, read-only, damaged), not of one document:
# the batch stops after saying so once.
_WAREHOUSE_ERRORS = (duckdb.IOException, duckdb.FatalException, duckdb.PermissionException)


def _committed(con: duckdb.DuckDBPyConnection, parsed: ParsedDocument, loaded_at) -> bool | None:
    """Whether a write that raised left the document in the warehouse (None: cannot tell)."""
    try:
        con.rollback()
    except duckdb.Error:
        pass  # no transaction open: it committed or rolled back already
    try:
        (held,) = con.execute(
            read_sql("batch/select_committed_document"),
            {"sha256": parsed.extraction.sha256, "loaded_at": loaded_at},
        ).fetchone()
    except duckdb.Error:
        return None
    return bool(held)


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and path.resolve().is_relative_to(folder.resolve())


def load_batch(
    paths: Iterable[str | os.PathLike],
    con: duckdb.DuckDBPyConnection,
    *,
    password: str | None = None,
    workers: int | None = None,
    expected_keys: dict[Path, str] | None = None,
    limits: ParseLimits | None = None,
    inbox: Path | None = None,
    fiscal_year: int | None = None,
) -> Iterator[DocumentResult]:
    """Parse (in `workers` processes, default os.cpu_count()), check and write each PDF.

    Each parse runs under `limits` (default ParseLimits.from_env()); memory and wall time
    are enforced in worker processes only (`workers` > 1), pages, segments and decoded
    bytes everywhere. A refused file under `inbox` is moved, once settled, to
    rejected_folder(inbox) with a .reason.txt (DocumentResult.rejection says where).

    Yields one DocumentResult per path, in order, as soon as it is written; a file that
    cannot be parsed or written is a result with its reason, never an exception, so one
    bad file does not stop the batch. `expected_keys` (path -> partition key) refuses a
    file that turns out to be another document than the partition it was named for;
    `fiscal_year` skips (with its reason) a document of another year, unwritten.
    After the last document the warehouse is checkpointed, so reloading the same bytes
    does not grow the file. A failed write is checked against the warehouse, so a result
    says what it holds; an error of the warehouse itself (disk full, read-only, damaged)
    raises WarehouseError after that document's result: the rest is not attempted.
    """
    paths = [Path(p) for p in paths]
    limits = limits or ParseLimits.from_env()
    workers = workers or os.cpu_count() or 1
    parsed = parsed_in_order(paths, password, workers, limits)
    yield from write_parsed(
        parsed, con, expected_keys=expected_keys, inbox=inbox, fiscal_year=fiscal_year
    )


def write_parsed(
    documents: Iterable[ParsedDocument],
    con: duckdb.DuckDBPyConnection,
    *,
    expected_keys: dict[Path, str] | None = None,
    inbox: Path | None = None,
    fiscal_year: int | None = None,
) -> Iterator[DocumentResult]:
    """`load_batch` after the parse: each parsed document written as it comes, for a caller
    that started the parse itself (`budget load` starts it before opening the warehouse)."""
    for parsed in documents:
        expected = (expected_keys or {}).get(parsed.path)
        if parsed.status == "parsed" and expected and parsed.key != expected:
            parsed.status, parsed.reason_path = "rejected", parsed.path
            parsed.reason = f"is the budget of {parsed.key!r}, not of partition {expected!r}"
        if parsed.status == "parsed" and fiscal_year and parsed.identity.fiscal_year != fiscal_year:
            parsed.status = "skipped"
            parsed.reason = (
                f"the budget of fiscal year {parsed.identity.fiscal_year}, not {fiscal_year}"
            )
        if parsed.status == "rejected" and _inside(parsed.path, inbox):
            rejection = reject_settled(parsed.path, parsed.reason, rejected_folder(inbox))
            yield DocumentResult(parsed, rejection=rejection)
            continue
        if parsed.status != "parsed":
            yield DocumentResult(parsed)
            continue
        loaded_at = datetime.now(UTC).replace(tzinfo=None)
        try:
            yield write_document(con, parsed, loaded_at)
        except BudgetInputError as exc:
            parsed.status, parsed.reason, parsed.reason_path = "rejected", exc.reason, exc.path
            yield DocumentResult(parsed)
        except duckdb.Error as exc:
            while isinstance(exc.__context__, duckdb.Error):  # a failed rollback hides the
                exc = exc.__context__  # error that made it
            reason = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}"
            committed = _committed(con, parsed, loaded_at)
            of_warehouse = isinstance(exc, _WAREHOUSE_ERRORS)
            if committed is not False or not of_warehouse:
                yield DocumentResult(parsed, error=reason, committed=committed)
            if of_warehouse:
                raise WarehouseError(reason) from exc
    try:
        con.execute(read_sql("maintenance/checkpoint"))
    except _WAREHOUSE_ERRORS as exc:
        raise WarehouseError(f"{type(exc).__name__}: {str(exc).strip().splitlines()[0]}") from exc


@dataclass
class Progress:
    """Count, rate and time left of a batch, as one line."""

    total: int
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def advance(self) -> None:
        self.done += 1

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0.0
        minutes, seconds = divmod(round(left), 60)
        return (
            f"{self.done}/{self.total} documents, {rate:.2f}/s, "
            f"{elapsed / max(self.done, 1):.2f} s each, ETA {minutes}m{seconds:02d}s"
        )
