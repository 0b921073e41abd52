"""`budget trace "SQL"`: each result row's amount shown where it is printed in its PDF.

The SQL runs exactly as `budget query` runs it (read-only, locked down, timed out). Rows
that carry a fact's `document_id` and provenance (`source_page`, `box_x0`, `box_top`,
`box_x1`, `box_bottom`, every fact table has them) are traced: the loaded file is checked
to be the edition that was loaded (sha256), and the text printed in the box is read back
with the extractor's own PDF reader, so a reader can see the number on the page.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from pipelines.cleaning import AmountError, parse_amount
from pipelines.commands import fail
from pipelines.commands.query import QueryFailed, cell_text, json_value, query_text, run_locked
from pipelines.errors import BudgetInputError, printable
from pipelines.file_hash import file_sha256
from pipelines.warehouse.staging import PROVENANCE_COLUMNS

TRACE_COLUMNS = ("document_id", *PROVENANCE_COLUMNS)
# A selected column holding the fact's printed figure, compared with what the page prints.
_PRINTED_COLUMNS = ("printed_amount", "printed_value")


@dataclass
class Trace:
    """One result row: where its amount is printed, what is printed there, what is wrong."""

    row: dict
    file: str | None = None
    page: int | None = None
    box: list[Decimal] | None = None
    printed: str | None = None
    problem: str | None = None


def run_trace(args) -> int:
    """Trace every row of the SQL's result; 1 when any row could not be traced."""
    try:
        result = run_locked(query_text(args), args)
    except QueryFailed as exc:
        return fail("trace", str(exc))
    if result is None:
        return fail("trace", "the SQL returns no rows to trace")
    columns, rows = result
    missing = [c for c in TRACE_COLUMNS if c not in columns]
    if missing:
        return fail(
            "trace",
            f"the result has no {', '.join(missing)}: select a fact table's document_id, "
            f"{', '.join(PROVENANCE_COLUMNS)} (docs/warehouse.md, Tracing)",
        )
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    try:
        files = _source_files(args.warehouse, {r["document_id"] for r in records})
    except QueryFailed as exc:
        return fail("trace", str(exc))
    traces = [Trace(record) for record in records]
    readers: dict[int, _Reader] = {}
    for trace in traces:
        _trace_row(trace, files, readers, args.password)
    for reader in readers.values():
        reader.close()
    sys.stdout.write(_render(traces, args.format))
    return 1 if any(t.problem for t in traces) else 0


def _source_files(warehouse_arg, document_ids: set) -> dict[int, tuple[str, str]]:
    """document_id -> (source_file, sha256) of the loaded editions."""
    import duckdb

    from pipelines.warehouse.connection import open_database, warehouse_path
    from pipelines.warehouse.sql_files import read_sql

    ids = sorted(i for i in document_ids if isinstance(i, int))
    try:
        con = open_database(warehouse_path(warehouse_arg), read_only=True)
    except duckdb.Error as exc:
        raise QueryFailed(f"cannot open the warehouse: {exc}") from None
    try:
        found = con.execute(read_sql("trace/select_source_files"), {"ids": ids}).fetchall()
    finally:
        con.close()
    return {document_id: (file, sha256) for document_id, file, sha256 in found}


class _Reader:
    """One loaded PDF, opened once, its pages read as the extractor reads them."""

    def __init__(self, path: Path, password: str | None):
        from pipelines.extraction.pdf_pages import open_pdf

        self.path = path
        self.pdf = open_pdf(path, password)
        self.pages: dict = {}

    def printed(self, page: int, box: list[Decimal]) -> str:
        from pipelines.extraction.grid import printed_text
        from pipelines.extraction.pdf_pages import read_page
        from pipelines.limits import ParseLimits

        if not 1 <= page <= len(self.pdf):
            raise BudgetInputError(self.path, f"no page {page} (the file has {len(self.pdf)})")
        if page not in self.pages:
            self.pages[page] = read_page(self.pdf, page, self.path, ParseLimits.from_env())
        return printed_text(self.pages[page], [page, *(float(v) for v in box)])

    def close(self) -> None:
        self.pdf.close()


def _trace_row(trace: Trace, files: dict, readers: dict, password: str | None) -> None:
    row = trace.row
    document_id, page, *box = (row[c] for c in TRACE_COLUMNS)
    if document_id not in files:
        trace.problem = f"no loaded document {document_id}"
        return
    file, sha256 = files[document_id]
    trace.file = file
    if page is None or None in box:
        trace.problem = "no provenance: loaded before pages were recorded; load the PDF again"
        return
    try:
        trace.page, trace.box = int(page), [Decimal(str(v)) for v in box]
    except (TypeError, ValueError, ArithmeticError):  # a text column named like ours
        trace.page = trace.box = None
        shown = ", ".join(cell_text(v) for v in (page, *box))
        trace.problem = f"{', '.join(TRACE_COLUMNS[1:])} must be numbers, not {shown}"
        return
    if document_id not in readers:
        problem = _edition_problem(Path(file), sha256)
        if problem:
            trace.problem = problem
            return
        try:
            readers[document_id] = _Reader(Path(file), password)
        except BudgetInputError as exc:
            trace.problem = exc.reason
            return
    try:
        trace.printed = readers[document_id].printed(trace.page, trace.box)
    except BudgetInputError as exc:
        trace.problem = exc.reason
        return
    trace.problem = _disagreement(row, trace.printed)


def _edition_problem(path: Path, sha256: str) -> str | None:
    """Why the file at `path` cannot show the loaded figures, or None."""
    if not path.is_file():
        return f"file not found: {path} (paths are as loaded; run from the folder loaded from)"
    if file_sha256(path) != sha256:
        return f"the file is not the edition loaded (sha256 {sha256[:12]}); not read"
    return None


def _disagreement(row: dict, printed: str) -> str | None:
    """A selected printed figure that is not what the page prints at the box."""
    for column in _PRINTED_COLUMNS:
        value = row.get(column)
        if value is None:
            continue
        try:
            if parse_amount(printed) == Decimal(str(value)):
                return None
        except (AmountError, ArithmeticError):
            pass
        return f"the page prints {printed!r} there, not {column} {cell_text(value)}"
    return None


def _render(traces: list[Trace], fmt: str) -> str:
    if fmt == "json":
        records = [
            {
                "row": {k: json_value(v) for k, v in t.row.items() if k not in TRACE_COLUMNS},
                "file": t.file,
                "page": t.page,
                "box": [cell_text(v) for v in t.box] if t.box else None,
                "printed_text": t.printed,
                "problem": t.problem,
            }
            for t in traces
        ]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = []
    for number, t in enumerate(traces, start=1):
        values = "  ".join(
            f"{k}={cell_text(v)}" for k, v in t.row.items() if k not in TRACE_COLUMNS
        )
        out.append(f"{number}. {values}".rstrip())
        if t.page is not None:
            x0, top, x1, bottom = (cell_text(v) for v in t.box)
            out.append(f"   {t.file}  page {t.page}  box x {x0}–{x1}, y {top}–{bottom} (pt)")
        if t.printed is not None:
            out.append(f"   printed: {t.printed}")
        if t.problem:
            out.append(f"   cannot trace: {t.problem}")
    out.append(f"({len(traces)} row{'s' if len(traces) != 1 else ''})")
    return "\n".join(printable(line) for line in out) + "\n"  # a name cannot forge a line
