"""Load one extracted budget document into the DuckDB star schema (docs/warehouse.md).

`load_document` replaces the department × fiscal-year × kind document in one transaction:
a reader sees the previous edition or the new one, never a mix. The kind keeps a body's
department budget (部门预算) and its own unit budget (单位预算) of one year apart: both are
published, and neither is an edition of the other. The department is the name the printed
one is filed under (data/reference/department_aliases.csv, copied into
ref_department_alias), so a body printed under two names has one document per year and kind.
Every printed non-null cell becomes one fact row (totals included, flagged `is_total_row`
/ `is_total_column`); the public views leave the totals out.

Amounts stay exact: each JSON string is read with `decimal.Decimal`, multiplied by
YUAN_PER_UNIT in Python, and handed to DuckDB as text cast to DECIMAL, never as float.
Each fact row also carries where it is printed (`source_page`, `box_*`) from the document's
`cell_boxes` extension, NULL when the document has none.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from pipelines.budget_doc import (
    CELL_BOXES,
    DEPARTMENT_BUDGET,
    DOCUMENT_KIND_WORDS,
    FORMAT,
    SUMMARY_SIDES,
    TABLE_KEYS,
    TOTAL_COLUMNS,
    YUAN_PER_UNIT,
    document_name,
    parent_code,
    subject_level,
)
from pipelines.errors import BudgetInputError
from pipelines.extraction.narrative import NARRATIVE_FIGURES
from pipelines.warehouse.sql_files import read_sql

if TYPE_CHECKING:  # the loader reads only .doc/.path/.sha256/.page_count/.table_pages
    from pipelines.extraction.document import Extraction

# Which budget the expenditure-by-function tables cover (fact_expenditure_by_function.fund).
FUNCTION_EXPENDITURE_FUND = {
    "t03_expenditure": "全部资金",
    "t05_gpb_function": "一般公共预算",
    "t08_gov_fund": "政府性基金预算",
    "t09_state_capital": "国有资本经营预算",
}
# The expenditure type of the economic tables (fact_economic_expenditure.expenditure_type).
ECONOMIC_EXPENDITURE_TYPE = {
    "t06_gpb_basic_economic": "基本支出",
    "t10_gpb_project_economic": "项目支出",
}
TABLE_TITLES = {
    "t01_summary": "收支总体情况表",
    "t02_income": "收入总体情况表",
    "t03_expenditure": "支出总体情况表",
    "t04_fiscal_summary": "财政拨款收支总体情况表",
    "t05_gpb_function": "一般公共预算支出情况表",
    "t06_gpb_basic_economic": "一般公共预算基本支出情况表",
    "t07_three_public": "财政拨款安排的行政经费及“三公”经费预算表",
    "t08_gov_fund": "政府性基金预算支出情况表",
    "t09_state_capital": "国有资本经营预算支出情况表",
    "t10_gpb_project_economic": "一般公共预算项目支出情况表",
    "t11_basic_by_unit": "部门预算基本支出预算表",
    "t12_projects": "部门预算项目支出及其他支出预算表",
}

# Tables holding one document's rows, in the order they are emptied on a reload.
DOCUMENT_TABLES = (
    "fact_summary_line",
    "fact_income_by_function",
    "fact_expenditure_by_function",
    "fact_economic_expenditure",
    "fact_three_public",
    "fact_basic_by_unit",
    "fact_project_fund",
    "fact_generic_cell",
    "fact_narrative_figure",
    "dim_project",
    "dim_source_table",
    "dim_document",
)

# dim_document.document_kind: budget-doc/1 `document_kind`, absent for a department budget.
DOCUMENT_KINDS = tuple(DOCUMENT_KIND_WORDS)

_CELL = Decimal("0.01")
_CATEGORY_SUFFIXES = ("支出", "补助", "补贴")
_TOTAL_LABEL = re.compile(r"^(.*(合计|总计)|小计)$")


def is_total_label(label: str | None) -> bool:
    """A row label that sums other rows: 合计, 总计, 小计, 本年收入合计, 支出总计, …"""
    return bool(label) and bool(_TOTAL_LABEL.match(label))


def t11_row_kind(item: str) -> str:
    """t11 rows are the 合计 row, unit rows (a 单位 name) and the unit's 类 rows below it.

    Rule: a label ending in 支出/补助/补贴 (工资福利支出, 对个人和家庭的补助, …) is a
    category; any other non-total label is a unit.
    """
    if is_total_label(item):
        return "total"
    return "category" if item.endswith(_CATEGORY_SUFFIXES) else "unit"


def t12_row_kind(name: str, performance_goal: str | None) -> str:
    """t12 rows: 合计 ('total'), unit subtotals ('unit'), projects ('project').

    Rule: a row with a performance goal is a project; a row without one is the 合计 row
    when its name is a total label, else a unit subtotal (the department or one of its
    units, printed with its total above that unit's projects).
    """
    if performance_goal:
        return "project"
    return "total" if is_total_label(name) else "unit"


@dataclass
class LoadReport:
    """What `load_document` did; `message` is one line for a person."""

    document_id: int
    department: str  # the name the document is filed under (after department_aliases.csv)
    fiscal_year: int
    sha256: str
    source_file: str
    action: str  # 'inserted' (new), 'reloaded' (same sha256 again) or 'replaced' (new edition)
    replaced_sha256: str | None = None
    replaced_source_file: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows inserted
    warnings: list[str] = field(default_factory=list)
    printed_department: str = ""  # as the document prints it
    document_kind: str = DEPARTMENT_BUDGET

    @property
    def fact_rows(self) -> int:
        """Printed table cells loaded (the narrative's stated figures are not cells)."""
        return sum(
            n
            for table, n in self.rows.items()
            if table.startswith("fact_") and table != "fact_narrative_figure"
        )

    @property
    def message(self) -> str:
        key = document_name(self.department, self.fiscal_year, self.document_kind)
        if self.action == "replaced":
            return (
                f"{key}: replaced edition {self.replaced_sha256[:12]} "
                f"({self.replaced_source_file}) with {self.sha256[:12]} ({self.source_file}), "
                f"{self.fact_rows} fact rows"
            )
        verb = "reloaded" if self.action == "reloaded" else "loaded"
        return f"{key}: {verb} {self.sha256[:12]} ({self.source_file}), {self.fact_rows} fact rows"


class _Frames:
    """The rows of one document, gathered per target table before the transaction starts."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = {}

    def add(self, table: str, row: dict) -> None:
        self.tables.setdefault(table, []).append(row)


def _unit_name(text: object, path, where: str) -> str:
    unit = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    if unit not in YUAN_PER_UNIT:
        raise BudgetInputError(path, f"{where}: unknown unit {text!r}")
    return unit


def _amount(text: object, path, where: str) -> Decimal:
    """A budget-doc/1 amount string as an exact Decimal with at most two decimals."""
    if not isinstance(text, str):
        raise BudgetInputError(path, f"{where}: amount {text!r} is not a string")
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BudgetInputError(path, f"{where}: not an amount: {text!r}") from None
    if not value.is_finite() or value.quantize(_CELL) != value:
        raise BudgetInputError(path, f"{where}: not a two-decimal amount: {text!r}")
    return value


def _money(value: Decimal, unit: str) -> dict:
    return {
        "printed_amount": str(value),
        "unit": unit,
        "amount_yuan": str(value * YUAN_PER_UNIT[unit]),
    }


PROVENANCE_COLUMNS = ("source_page", "box_x0", "box_top", "box_x1", "box_bottom")


def _provenance(boxes, path, where: str, *position) -> dict:
    """A fact's page and cell box, found in `cell_boxes` by `position` (the keys and
    indexes that reach its value in the document), as text for SQL to cast (INTEGER,
    DECIMAL(8,2), never float); all NULL where the document gives no box (one written
    before provenance, a truth file)."""
    box = boxes
    for step in position:
        if isinstance(box, dict):
            box = box.get(step)
        elif isinstance(box, list) and isinstance(step, int) and step < len(box):
            box = box[step]
        else:
            box = None
    if box is None:
        return dict.fromkeys(PROVENANCE_COLUMNS)
    if not (
        isinstance(box, list)
        and len(box) == len(PROVENANCE_COLUMNS)
        and type(box[0]) is int
        and box[0] >= 1
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in box[1:])
    ):
        raise BudgetInputError(
            path, f"{where}: cell box {box!r} is not [page, x0, top, x1, bottom]"
        )
    return {
        name: str(Decimal(str(value))) for name, value in zip(PROVENANCE_COLUMNS, box, strict=True)
    }


def _grid_cells(table: dict, unit: str, path, table_key: str):
    """(row_index, row, column_index, column_name, is_total_column, money) per non-null cell."""
    columns = list(table.get("columns") or [])
    for row_index, row in enumerate(table.get("rows") or []):
        values = row.get("values") or []
        if len(values) > len(columns):
            raise BudgetInputError(
                path,
                f"{table_key} row {row_index}: {len(values)} values for {len(columns)} columns",
            )
        for column_index, text in enumerate(values):
            if text is None:
                continue
            column = columns[column_index]
            where = f"{table_key} row {row_index} column {column}"
            money = _money(_amount(text, path, where), unit)
            yield row_index, row, column_index, column, column in TOTAL_COLUMNS, money


def _document_frames(doc: dict, path, document_id: int) -> tuple[_Frames, list[str]]:
    frames = _Frames()
    warnings: list[str] = []
    year = int(doc["fiscal_year"])
    doc_unit = _unit_name(doc.get("unit"), path, "document")
    tables = doc.get("tables") or {}
    for key in tables:
        if key not in TABLE_KEYS:
            warnings.append(f"unknown table {key!r} not loaded")
    boxes = doc.get(CELL_BOXES) or {}

    function_subjects: dict[str, dict] = {}
    economic_subjects: dict[str, dict] = {}
    fund_sources: dict[str, bool] = {}
    expenditure_types: dict[str, bool] = {}

    def subject(store: dict, code: str | None, name: str) -> None:
        if code and code not in store:
            store[code] = {
                "code": code,
                "fiscal_year": year,
                "name": name,
                "level": subject_level(code),
                "parent_code": parent_code(code),
            }

    for key in TABLE_KEYS:
        table = tables.get(key)
        if table is None:
            continue
        unit = _unit_name(table["unit"], path, key) if table.get("unit") else doc_unit
        base = {"document_id": document_id, "table_key": key}
        row_count = 0

        if "income" in table or "expenditure" in table:  # t01 / t04
            for side in SUMMARY_SIDES:
                for line_index, line in enumerate(table.get(side) or []):
                    row_count += 1
                    if line.get("amount") is None:
                        continue
                    where = f"{key} {side} line {line_index}"
                    frames.add(
                        "fact_summary_line",
                        base
                        | {
                            "side": side,
                            "line_index": line_index,
                            "item": line["item"],
                            "is_total": is_total_label(line["item"]),
                        }
                        | _money(_amount(line["amount"], path, where), unit)
                        | _provenance(boxes, path, where, "tables", key, side, line_index),
                    )
        else:
            rows = table.get("rows") or []
            row_count = len(rows)
            columns = table.get("columns") or []
            if key == "t12_projects":
                for row_index, row in enumerate(rows):
                    goal = row.get("performance_goal") or None
                    frames.add(
                        "dim_project",
                        {
                            "document_id": document_id,
                            "row_index": row_index,
                            "project_name": row.get("name") or "",
                            "performance_goal": goal,
                            "row_kind": t12_row_kind(row.get("name") or "", goal),
                        },
                    )
            for row_index, row, column_index, column, total_column, money in _grid_cells(
                table, unit, path, key
            ):
                label = row.get("name") if "name" in row else row.get("item")
                where = f"{key} row {row_index} column {column}"
                cell = (
                    base
                    | {
                        "row_index": row_index,
                        "column_index": column_index,
                        "column_name": column,
                        "is_total_row": row.get("code") is None and is_total_label(label),
                        "is_total_column": total_column,
                    }
                    | money
                    | _provenance(boxes, path, where, "tables", key, row_index, column_index)
                )
                if key == "t02_income":
                    fund_sources.setdefault(column, total_column)
                    subject(function_subjects, row.get("code"), label)
                    frames.add(
                        "fact_income_by_function",
                        cell | {"code": row.get("code"), "subject_name": label},
                    )
                elif key in FUNCTION_EXPENDITURE_FUND:
                    expenditure_types.setdefault(column, total_column)
                    subject(function_subjects, row.get("code"), label)
                    frames.add(
                        "fact_expenditure_by_function",
                        cell
                        | {
                            "fund": FUNCTION_EXPENDITURE_FUND[key],
                            "code": row.get("code"),
                            "subject_name": label,
                        },
                    )
                elif key in ECONOMIC_EXPENDITURE_TYPE:
                    subject(economic_subjects, row.get("code"), label)
                    frames.add(
                        "fact_economic_expenditure",
                        cell
                        | {
                            "expenditure_type": ECONOMIC_EXPENDITURE_TYPE[key],
                            "code": row.get("code"),
                            "subject_name": label,
                        },
                    )
                elif key == "t07_three_public":
                    fund_sources.setdefault(column, total_column)
                    frames.add("fact_three_public", cell | {"item": label})
                elif key == "t11_basic_by_unit":
                    fund_sources.setdefault(column, total_column)
                    frames.add(
                        "fact_basic_by_unit",
                        cell | {"item": label, "row_kind": t11_row_kind(label)},
                    )
                elif key == "t12_projects":
                    fund_sources.setdefault(column, total_column)
                    cell["is_total_row"] = (
                        t12_row_kind(label or "", row.get("performance_goal")) == "total"
                    )
                    frames.add("fact_project_fund", cell)
            if not columns and rows:
                warnings.append(f"{key}: rows without columns")

        frames.add(
            "dim_source_table",
            {
                "document_id": document_id,
                "table_key": key,
                "table_title": TABLE_TITLES[key],
                "kind": key,
                "unit": unit,
                "pages": "",
                "note": table.get("note"),
                "row_count": row_count,
            },
        )

    for table_index, extra in enumerate(doc.get("extra_tables") or []):
        title = extra.get("title") or f"extra table {table_index}"
        unit = _unit_name(extra["unit"], path, title) if extra.get("unit") else doc_unit
        columns = extra.get("columns") or []
        frames.add(
            "dim_source_table",
            {
                "document_id": document_id,
                "table_key": f"extra_{table_index:02d}",
                "table_title": title,
                "kind": extra.get("kind"),
                "unit": unit,
                "pages": ",".join(str(p) for p in extra.get("pages") or []),
                "note": extra.get("note"),
                "row_count": len(extra.get("rows") or []),
            },
        )
        for row_index, row in enumerate(extra.get("rows") or []):
            label = row.get("label")
            for column_index, text in enumerate(row.get("values") or []):
                if text is None:
                    continue
                column = columns[column_index] if column_index < len(columns) else ""
                try:
                    money = _money(_amount(text, path, title), unit)
                except BudgetInputError:  # a text cell: kept as printed, no amount
                    money = {"printed_amount": None, "unit": None, "amount_yuan": None}
                frames.add(
                    "fact_generic_cell",
                    {
                        "document_id": document_id,
                        "table_index": table_index,
                        "table_title": title,
                        "row_index": row_index,
                        "row_label": label,
                        "column_index": column_index,
                        "column_name": column,
                        "is_total_row": is_total_label(label),
                        "is_total_column": column in TOTAL_COLUMNS,
                        "printed_value": str(text),
                    }
                    | money
                    | _provenance(
                        boxes, path, title, "extra_tables", table_index, row_index, column_index
                    ),
                )

    for index, stated in enumerate(doc.get(NARRATIVE_FIGURES) or []):
        row = {k: stated[k] for k in ("topic", "figure", "unit", "page", "sentence")}
        frames.add(
            "fact_narrative_figure", {"document_id": document_id, "figure_index": index} | row
        )

    for code_store, table in (
        (function_subjects, "dim_function_subject"),
        (economic_subjects, "dim_economic_subject"),
    ):
        for row in code_store.values():
            frames.add(table, row)
    for name, total in fund_sources.items():
        frames.add("dim_fund_source", {"name": name, "is_total": total})
    for name, total in expenditure_types.items():
        frames.add("dim_expenditure_type", {"name": name, "is_total": total})
    return frames, warnings


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Insert a DataFrame through `sql/load/insert_<table>.sql` (which reads `frame`)."""
    if frame.empty:
        return 0
    con.register("frame", frame)
    try:
        con.execute(read_sql(f"load/insert_{table}"))
    finally:
        con.unregister("frame")
    return len(frame)


# Insert order: dims the facts refer to first, dim_project before fact_project_fund.
_INSERT_ORDER = (
    "dim_source_table",
    "dim_function_subject",
    "dim_economic_subject",
    "dim_fund_source",
    "dim_expenditure_type",
    "dim_project",
    "fact_summary_line",
    "fact_income_by_function",
    "fact_expenditure_by_function",
    "fact_economic_expenditure",
    "fact_three_public",
    "fact_basic_by_unit",
    "fact_project_fund",
    "fact_generic_cell",
    "fact_narrative_figure",
)


def _validate(extraction: Extraction) -> tuple[str, int, str]:
    doc = extraction.doc
    if not isinstance(doc, dict):
        raise BudgetInputError(extraction.path, "document is not a JSON object")
    if doc.get("format") not in (None, FORMAT):
        raise BudgetInputError(extraction.path, f"format {doc.get('format')!r}, not {FORMAT}")
    department = doc.get("department")
    if not department or not isinstance(department, str):
        raise BudgetInputError(extraction.path, "document has no department")
    try:
        year = int(doc.get("fiscal_year"))
    except (TypeError, ValueError):
        raise BudgetInputError(extraction.path, "document has no fiscal_year") from None
    kind = doc.get("document_kind", DEPARTMENT_BUDGET)
    if kind not in DOCUMENT_KINDS:
        raise BudgetInputError(
            extraction.path, f"document_kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}"
        )
    if not extraction.sha256:
        raise BudgetInputError(extraction.path, "extraction has no sha256")
    return department, year, kind


@dataclass
class DocumentRows:
    """One document flattened for the warehouse: its dim_document fields and its rows per
    table (document_id 0, set when written). Built before any transaction, so a bad document
    fails before the warehouse is touched; pipelines.handoff stores it as Parquet for a
    publisher on another machine."""

    printed_department: str
    fiscal_year: int
    document_kind: str
    sha256: str
    source_file: str
    page_count: int | None
    unit: str
    format: str
    tables: dict[str, list[dict]]  # table -> rows, for sql/load/insert_<table>.sql
    warnings: list[str] = field(default_factory=list)


def document_rows(extraction: Extraction) -> DocumentRows:
    """Flatten one extraction into the rows `load_rows` writes.

    Raises BudgetInputError for a document that cannot be loaded (no department or year,
    unknown document_kind or unit, an amount that is not a two-decimal number, more values
    than columns).
    """
    printed, year, kind = _validate(extraction)
    doc = extraction.doc
    doc_unit = _unit_name(doc.get("unit"), extraction.path, "document")
    frames, warnings = _document_frames(doc, extraction.path, document_id=0)
    pages = {
        key: ",".join(str(p) for p in ps)
        for key, ps in (getattr(extraction, "table_pages", None) or {}).items()
    }
    for row in frames.tables.get("dim_source_table", []):
        if row["table_key"] in pages:
            row["pages"] = pages[row["table_key"]]
    return DocumentRows(
        printed_department=printed,
        fiscal_year=year,
        document_kind=kind,
        sha256=extraction.sha256,
        source_file=str(extraction.path),
        page_count=extraction.page_count,
        unit=doc_unit,
        format=doc.get("format") or FORMAT,
        tables=frames.tables,
        warnings=warnings,
    )


def load_document(
    con: duckdb.DuckDBPyConnection,
    extraction: Extraction,
    *,
    loaded_at: datetime | None = None,
    before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None = None,
) -> LoadReport:
    """Replace the document's department × fiscal-year × kind rows with this extraction,
    atomically: `load_rows` of `document_rows(extraction)`.

    Raises BudgetInputError for a document that cannot be loaded (see `document_rows`).
    """
    return load_rows(
        con, document_rows(extraction), loaded_at=loaded_at, before_commit=before_commit
    )


def load_rows(
    con: duckdb.DuckDBPyConnection,
    document: DocumentRows,
    *,
    loaded_at: datetime | None = None,
    before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None = None,
) -> LoadReport:
    """Replace the document's department × fiscal-year × kind rows with these, atomically.

    The previous edition (same filed department, year and kind, or the same file by sha256
    under any name) is deleted from every fact table, dim_project, dim_source_table and
    dim_document, and the new rows inserted, in one transaction; any error rolls back and
    re-raises. Shared dimensions (subjects, fund sources, expenditure types) only grow.
    Data-quality results (fact_dq_check) are left alone: see `record_check_results`.
    `before_commit(con, report)` runs inside the transaction once the rows are in (the batch
    service checks integrity and writes the check rows there, so a document and its check
    results commit together).
    """
    printed, year, kind = document.printed_department, document.fiscal_year, document.document_kind
    loaded_at = loaded_at or datetime.now(UTC).replace(tzinfo=None)
    con.begin()
    try:
        (department,) = con.execute(
            read_sql("load/select_filed_department"), {"department": printed}
        ).fetchone()
        con.execute(read_sql("load/insert_dim_department"), {"department": department})
        (department_id,) = con.execute(
            read_sql("load/select_department_id"), {"department": department}
        ).fetchone()
        replaced = con.execute(
            read_sql("load/select_replaced_documents"),
            {
                "department_id": department_id,
                "fiscal_year": year,
                "document_kind": kind,
                "sha256": document.sha256,
            },
        ).fetchall()
        for old_id, *_ in replaced:
            for table in DOCUMENT_TABLES:
                con.execute(read_sql(f"load/delete_{table}"), {"document_id": old_id})
        (document_id,) = con.execute(
            read_sql("load/insert_dim_document"),
            {
                "department_id": department_id,
                "fiscal_year": year,
                "source_file": document.source_file,
                "sha256": document.sha256,
                "page_count": document.page_count,
                "unit": document.unit,
                "format": document.format,
                "loaded_at": loaded_at,
                "document_kind": kind,
                "printed_department": printed,
            },
        ).fetchone()
        rows = {"dim_document": 1}
        for table in _INSERT_ORDER:
            frame = pd.DataFrame(document.tables.get(table, []))
            if "document_id" in frame.columns:
                frame["document_id"] = document_id
            rows[table] = _insert_frame(con, table, frame)
        report = LoadReport(
            document_id=document_id,
            department=department,
            fiscal_year=year,
            sha256=document.sha256,
            source_file=document.source_file,
            action="inserted",
            rows=rows,
            warnings=list(document.warnings),
            printed_department=printed,
            document_kind=kind,
        )
        this = (department, year, kind, document.sha256)
        other = [r for r in replaced if tuple(r[1:5]) != this]  # another edition or name
        if other:
            report.action = "replaced"
            report.replaced_sha256 = other[0][4]
            report.replaced_source_file = other[0][5]
        elif replaced:
            report.action = "reloaded"
        if before_commit is not None:
            before_commit(con, report)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return report


def expected_fact_rows(doc: dict) -> int:
    """The number of non-null printed amount cells of a budget-doc/1 dict (tests, checks)."""
    count = 0
    for key, table in (doc.get("tables") or {}).items():
        if key not in TABLE_KEYS:
            continue
        if "rows" in table:
            count += sum(v is not None for row in table["rows"] for v in row.get("values") or [])
        else:
            for side in SUMMARY_SIDES:
                count += sum(line.get("amount") is not None for line in table.get(side) or [])
    for extra in doc.get("extra_tables") or []:
        count += sum(
            v is not None for row in extra.get("rows") or [] for v in row.get("values") or []
        )
    return count
