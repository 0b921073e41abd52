"""Parquet hand-off: batches on any host parse, one publisher writes DuckDB (docs/scaling.md).

DuckDB allows one writing process, so past one machine the parse and the write part: a batch
on a parsing machine parses and checks each PDF (pipelines.parsing), stages it with the
loader's own `document_rows` (the one pass over budget-doc/1), and writes
`<sha256>.parquet` into a shared folder: every row of its staging relations (one column
`handoff_table` naming the relation, `handoff_column` rows naming each relation's columns),
its dim_document fields, its document check results with their findings and its load
warnings. The file is written under a hidden temporary name and renamed, so a reader never
sees half of one. Amounts and the findings' figures are stored as the warehouse's own
DECIMAL types. Its Parquet metadata holds a content digest of every row, and with the rows
an outline of each table's printed rows: what the publisher verifies
(pipelines.handoff_verify).

The publisher (`publish_folder`, one process: the warehouse pool) writes each pending file
with `write_rows`, the writer of `budget load`: one transaction per document holding its
rows, its writer checks (referential integrity, year over year) and all its check rows and
findings.
Only then is the file moved into published/, so a kill leaves whole documents and the
file still pending; publishing it again is a reload. Files are published oldest first, so
of two editions of one document the one handed off later stays.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from pipelines import settings
from pipelines.batch import write_rows
from pipelines.errors import BudgetInputError, WarehouseError, printable
from pipelines.handoff_verify import (
    OUTLINE,
    OUTLINE_FIELDS,
    content_digest,
    document_outline,
    verify_checks,
    verify_digest,
    verify_document,
)
from pipelines.limits import ParseLimits
from pipelines.parsing import ParsedDocument, parsed_in_order
from pipelines.quality.year_over_year import judged_again_text
from pipelines.rejects import reject_file
from pipelines.warehouse.findings import DECIMAL_FIELDS, FINDING_FIELDS, check_rows
from pipelines.warehouse.load import DocumentRows, LoadReport, document_rows
from pipelines.warehouse.sql_files import read_sql
from pipelines.warehouse.staging import RELATIONS

SUFFIX = ".parquet"
PUBLISHED = "published"  # subfolder: files already in the warehouse
REJECTED = "rejected"  # subfolder: files that cannot be published, each with a .reason.txt

# The rows of a hand-off file that are not rows of a staging relation.
DOCUMENT = "dim_document"  # one row: the DocumentRows fields
CHECKS = "fact_dq_check"  # the document checks: check_name, severity, passed, detail
FINDINGS = "fact_dq_finding"  # their findings: check_name and FINDING_FIELDS
WARNINGS = "load_warning"  # one row per load warning: warning
COLUMNS = "handoff_column"  # one row per column of each relation: table_name, column_name
DOCUMENT_FIELDS = (
    "printed_department",
    "fiscal_year",
    "document_kind",
    "stage",
    "sha256",
    "source_file",
    "page_count",
    "unit",
    "format",
    "text_source",
)
CHECK_FIELDS = ("check_name", "severity", "passed", "detail")
# cast to DECIMAL in the file: the staged amounts, the findings' figures
AMOUNT_COLUMNS = ("printed_amount", "amount_yuan", *DECIMAL_FIELDS)


def handoff_folder(explicit: str | os.PathLike | None = None) -> Path:
    """`explicit` if given, else `$BUDGET_HANDOFF`, else data/handoff."""
    return settings.HANDOFF.path(explicit)


def _typed(records: list[dict]) -> pd.DataFrame:
    """The records as one frame whose every column has one declared type (bool, int or
    text), so DuckDB never guesses a column's type from a sample of its first rows."""
    columns = dict.fromkeys(AMOUNT_COLUMNS)
    for record in records:
        columns.update(dict.fromkeys(record))
    data = {}
    for column in columns:
        values = [record.get(column) for record in records]
        present = [v for v in values if v is not None]
        if present and all(isinstance(v, bool) for v in present):
            data[column] = pd.array(values, dtype="boolean")
        elif present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            data[column] = pd.array(values, dtype="Int64")
        else:
            data[column] = pd.array([None if v is None else str(v) for v in values], "string")
    return pd.DataFrame(data)


def handoff_records(
    document: DocumentRows, checks: list[dict], outline: list[dict] = ()
) -> list[dict]:
    """Every row of one document's hand-off file, each naming its table."""
    fields = {name: getattr(document, name) for name in DOCUMENT_FIELDS}
    records = [{"handoff_table": DOCUMENT} | fields]
    records += [{"handoff_table": OUTLINE} | place for place in outline]
    records += [{"handoff_table": CHECKS} | {f: c[f] for f in CHECK_FIELDS} for c in checks]
    records += [
        {"handoff_table": FINDINGS, "check_name": c["check_name"]}
        | {f: finding[f] for f in FINDING_FIELDS}
        for c in checks
        for finding in c.get("findings") or ()
    ]
    records += [{"handoff_table": WARNINGS, "warning": w} for w in document.warnings]
    for relation, rows in document.relations.items():
        # the columns of this relation (a file holds the union of all relations' columns)
        columns = dict.fromkeys(column for row in rows for column in row)
        records += [
            {"handoff_table": COLUMNS, "table_name": relation, "column_name": c} for c in columns
        ]
        records += [{"handoff_table": relation} | row for row in rows]
    return records


def write_handoff(
    document: DocumentRows, document_checks: list[dict], folder: Path, outline: list[dict] = ()
) -> Path:
    """Write `<sha256>.parquet` into `folder` atomically (temporary name, fsync, rename),
    its content digest in the file's metadata; `outline` (handoff_verify.document_outline)
    names the rows printed without amounts, for the publisher's checks."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{document.sha256}{SUFFIX}"
    temporary = folder / f".{target.name}.{os.getpid()}.tmp"
    con = duckdb.connect()
    try:
        con.register("frame", _typed(handoff_records(document, document_checks, outline)))
        con.sql(read_sql("handoff/select_handoff_rows")).to_table("handoff_rows")
        staged = con.execute(read_sql("handoff/select_handoff_staged"))
        columns = [column[0] for column in staged.description]
        digest = content_digest(columns, staged.fetchall())
        con.execute(
            read_sql("handoff/copy_handoff_file"), {"path": str(temporary), "digest": digest}
        )
    finally:
        con.close()
    with temporary.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return target


def read_handoff(con: duckdb.DuckDBPyConnection, path: Path) -> tuple[DocumentRows, list[dict]]:
    """A hand-off file back as the loader's staging relations (amounts as exact text, as the
    staging pass gives them) and the document check rows, each with its findings (figures
    as exact Decimals), verified: its content digest, its source sha256, and its check
    results against the checks run again on its rows (pipelines.handoff_verify). Raises
    BudgetInputError naming what is wrong."""
    try:
        cursor = con.execute(read_sql("handoff/select_handoff_file"), {"path": str(path)})
        names = [column[0] for column in cursor.description]
        values = cursor.fetchall()
        digests = con.execute(read_sql("handoff/select_handoff_digest"), {"path": str(path)})
        stored = (digests.fetchone() or (None,))[0]
    except duckdb.Error as exc:
        reason = str(exc).strip().splitlines()[0]
        raise BudgetInputError(path, f"not a readable Parquet file ({reason})") from None
    if "handoff_table" not in names:
        raise BudgetInputError(path, "not a hand-off file: no handoff_table column")
    at = {name: i for i, name in enumerate(names)}
    grouped: dict[str, list[tuple]] = {}
    for value in values:
        grouped.setdefault(value[at["handoff_table"]], []).append(value)

    def rows_of(table: str, columns) -> list[dict]:
        return [{c: _text(value[at[c]]) for c in columns} for value in grouped.pop(table, [])]

    try:
        declared: dict[str, list[str]] = {}
        for column in rows_of(COLUMNS, ("table_name", "column_name")):
            declared.setdefault(column["table_name"], []).append(column["column_name"])
        documents = rows_of(DOCUMENT, DOCUMENT_FIELDS)
        outline = rows_of(OUTLINE, OUTLINE_FIELDS)
        checks = rows_of(CHECKS, CHECK_FIELDS)
        found = [
            {c: value[at[c]] for c in ("check_name", *FINDING_FIELDS)}
            for value in grouped.pop(FINDINGS, [])
        ]
        warnings = [row["warning"] for row in rows_of(WARNINGS, ("warning",))]
        undeclared = sorted(set(grouped) - set(declared))
        if undeclared:
            raise BudgetInputError(path, f"not a hand-off file: {undeclared[0]} has no columns")
        unknown = sorted(set(grouped) - set(RELATIONS))
        if unknown:  # e.g. a file of an earlier release, which held warehouse rows
            raise BudgetInputError(
                path, f"not a hand-off file: {unknown[0]} is no staging relation"
            )
        relations = {name: rows_of(name, declared[name]) for name in list(grouped)}
    except KeyError as exc:
        raise BudgetInputError(path, f"not a hand-off file: no column {exc}") from None
    if len(documents) != 1:
        raise BudgetInputError(path, f"not a hand-off file: {len(documents)} {DOCUMENT} rows")
    for check in checks:
        check["findings"] = sorted(
            (
                {f: finding[f] for f in FINDING_FIELDS}
                for finding in found
                if finding["check_name"] == check["check_name"]
            ),
            key=lambda finding: finding["finding_index"],
        )
        if not check["passed"] and not check["findings"]:  # a check fails on its findings
            raise BudgetInputError(
                path,
                f"a hand-off file of an earlier release: check {check['check_name']} failed "
                "but its findings are not in the file; hand the PDF off again",
            )
    verify_digest(path, stored, names, values)
    document = DocumentRows(**documents[0], relations=relations, warnings=warnings)
    verify_document(path, document)
    verify_checks(path, document, checks, outline)
    return document, checks


def _text(value: object) -> object:
    """An amount back as the exact text the staging pass gives; any other value as it is."""
    return str(value) if isinstance(value, Decimal) else value


@dataclass
class HandedOff:
    """What a parsing batch did with one PDF: its hand-off file, or why there is none."""

    parsed: ParsedDocument
    path: Path | None = None  # the hand-off file written

    @property
    def line(self) -> str:
        parsed = self.parsed
        if self.path is not None:
            return f"handed off: {parsed.key} from {parsed.path} to {self.path.name}"
        return f"{parsed.status}: {parsed.reason_path or parsed.path}: {parsed.reason}"


def handoff_batch(
    paths: Iterable[str | os.PathLike],
    folder: Path,
    *,
    password: str | None = None,
    workers: int | None = None,
    limits: ParseLimits | None = None,
) -> Iterator[HandedOff]:
    """Parse and check each PDF once (in `workers` processes, default os.cpu_count()) and
    hand each document off to `folder`; one result per path, in order, never an exception
    for one bad file."""
    paths = [Path(p) for p in paths]
    limits = limits or ParseLimits.from_env()
    for parsed in parsed_in_order(paths, password, workers or os.cpu_count() or 1, limits):
        if parsed.status != "parsed":
            yield HandedOff(parsed)
            continue
        try:
            document = document_rows(parsed.extraction)
        except BudgetInputError as exc:
            parsed.status, parsed.reason, parsed.reason_path = "rejected", exc.reason, exc.path
            yield HandedOff(parsed)
            continue
        outline = document_outline(parsed.extraction.doc)
        yield HandedOff(parsed, write_handoff(document, check_rows(parsed.checks), folder, outline))


@dataclass
class Published:
    """What the publisher did with one hand-off file."""

    path: Path  # where the file was found
    line: str
    report: LoadReport | None = None  # None: not published (rejected)


def pending_files(folder: Path) -> list[Path]:
    """The hand-off files not yet published, oldest first (temporary files are hidden)."""
    files = [p for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith(".")]
    return sorted(files, key=lambda p: (p.stat().st_mtime_ns, p.name))


# Errors of the warehouse file itself: publishing stops, the file stays pending.
_WAREHOUSE_ERRORS = (duckdb.IOException, duckdb.FatalException, duckdb.PermissionException)


# Errors of one file's rows (a finding the writer refuses, a value of the wrong type):
# that file is rejected, the others publish.
_FILE_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError)


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines() or [""]
    return f"{type(exc).__name__}: {lines[0]}"


def publish_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> Iterator[Published]:
    """Write every pending hand-off file of `folder` into the warehouse, one transaction
    each, then move it into published/; a file that cannot be published is one `rejected:`
    line and is moved into rejected/ with its reason, and the others go on. An error of the
    warehouse itself raises WarehouseError (that file and the rest stay pending)."""
    for path in pending_files(folder):
        try:
            document, checks = read_handoff(con, path)
            report, _, rechecked = write_rows(con, document, checks)
        except BudgetInputError as exc:
            yield Published(path, reject_file(path, exc.reason, folder / REJECTED).line)
            continue
        except _FILE_ERRORS as exc:  # rows no writer accepts: this file only (#22 item 4)
            reason = printable(_first_line(exc))
            yield Published(path, reject_file(path, reason, folder / REJECTED).line)
            continue
        except _WAREHOUSE_ERRORS as exc:
            raise WarehouseError(_first_line(exc)) from exc
        except duckdb.Error as exc:
            yield Published(path, reject_file(path, _first_line(exc), folder / REJECTED).line)
            continue
        published = folder / PUBLISHED
        published.mkdir(exist_ok=True)
        os.replace(path, published / path.name)
        yield Published(path, f"published: {report.message}{judged_again_text(rechecked)}", report)
    try:
        con.execute(read_sql("maintenance/checkpoint"))
    except _WAREHOUSE_ERRORS as exc:
        raise WarehouseError(_first_line(exc)) from exc
