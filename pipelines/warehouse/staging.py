"""Staging: ONE pass over a budget-doc/1 document, into the relations the marts select from.

jaffle_shop's staging → marts: this module reads the document once and refuses what cannot
be loaded (an unknown unit, an amount that is not a two-decimal number, more values than
columns, a cell box that is not [page, x0, top, x1, bottom]: BudgetInputError naming the
file and the place); every dimension and fact row is then one SQL file of sql/marts/
selecting from these relations (pipelines.warehouse.load). The Dagster asset
`stg_budget_cells` is this pass's cells (assets/staging.py), so its lineage is true.

- stg_budget_cells: one row per printed amount of the twelve standard tables (a t01/t04
  summary line is a cell of its `side`): table key, row and column with their labels,
  subject code, row kind, total flags, amount as printed and in 元, page and cell box;
- stg_extra_cells: one row per printed value of an extra (non-standard) table, text kept;
- stg_source_tables: one row per table printed: title, unit, pages, note, rows read, and
  how it was typed (confidence, what decided, the evidence);
- stg_project_rows: one row per t12 row: a project, a unit subtotal or the 合计 row;
- stg_narrative_figures: the figures the narrative states, with page and sentence (and what
  a statement about one subject is about: its name, and the function code of a 项).

A relation is a list of plain records, amounts as exact text, so the Parquet hand-off
(pipelines.handoff) stores it as it is; the writer gives it its declared types
(pipelines.warehouse.relations: DECIMAL from the text, never float).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from pipelines.budget_doc import (
    PROJECTS,
    SUMMARY_SIDES,
    TABLE_KEYS,
    TOTAL_COLUMNS,
    YUAN_PER_UNIT,
    BudgetDocError,
    doc_amount,
    is_total_label,
    parent_code,
    subject_level,
)
from pipelines.doc_reader import BudgetDoc, Row
from pipelines.errors import BudgetInputError
from pipelines.extraction.narrative import NARRATIVE_FIGURES
from pipelines.extraction.titles import TABLE_TITLES

CELLS = "stg_budget_cells"
EXTRA_CELLS = "stg_extra_cells"
SOURCE_TABLES = "stg_source_tables"
PROJECT_ROWS = "stg_project_rows"
NARRATIVE = "stg_narrative_figures"
BASIC_BY_UNIT = "t11_basic_by_unit"
PROVENANCE_COLUMNS = ("source_page", "box_x0", "box_top", "box_x1", "box_bottom")

_TEXT, _INT, _BOOL = "varchar", "integer", "boolean"
_GRID = {
    "row_index": _INT,
    "column_index": _INT,
    "column_name": _TEXT,
    "is_total_row": _BOOL,
    "is_total_column": _BOOL,
}
_MONEY = {
    "printed_amount": "decimal(18,2)",
    "unit": _TEXT,
    "amount_yuan": "decimal(22,2)",
}
_WHERE = {"source_page": _INT} | dict.fromkeys(PROVENANCE_COLUMNS[1:], "decimal(8,2)")
_CODED = {"table_key": _TEXT, "side": _TEXT, "code": _TEXT, "label": _TEXT, "row_kind": _TEXT}
_SUBJECT = {"subject_level": _INT, "parent_code": _TEXT}
_EXTRA = {"table_index": _INT, "table_title": _TEXT, "row_label": _TEXT, "printed_value": _TEXT}
# Every relation's columns with the DuckDB types the marts read (DECIMALs are text in the
# records; pipelines.warehouse.relations casts them).
RELATIONS: dict[str, dict[str, str]] = {
    CELLS: _CODED | _GRID | _MONEY | _SUBJECT | _WHERE,
    EXTRA_CELLS: _EXTRA | _GRID | _MONEY | _WHERE,
    SOURCE_TABLES: {
        "table_key": _TEXT,
        "table_title": _TEXT,
        "kind": _TEXT,
        "unit": _TEXT,
        "pages": _TEXT,
        "note": _TEXT,
        "row_count": _INT,
        "confidence": _TEXT,
        "typed_by": _TEXT,
        "typing_evidence": _TEXT,
    },
    PROJECT_ROWS: {
        "row_index": _INT,
        "project_name": _TEXT,
        "performance_goal": _TEXT,
        "row_kind": _TEXT,
    },
    NARRATIVE: {
        "figure_index": _INT,
        "topic": _TEXT,
        "subject": _TEXT,
        "code": _TEXT,
        "figure": "decimal(20,4)",
        "unit": _TEXT,
        "page": _INT,
        "sentence": _TEXT,
    },
}

_CATEGORY_SUFFIXES = ("支出", "补助", "补贴")


def t11_row_kind(item: str) -> str:
    """t11 rows are the 合计 row, unit rows (a 单位 name) and the unit's 类 rows below it.

    Rule: a label ending in 支出/补助/补贴 (工资福利支出, 对个人和家庭的补助, …) is a
    category; any other non-total label is a unit.
    """
    if is_total_label(item):
        return "total"
    return "category" if item.endswith(_CATEGORY_SUFFIXES) else "unit"


def unit_name(text: object, path, where: str) -> str:
    """A printed unit (元, 万元) in NFKC without spaces; BudgetInputError for another."""
    unit = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    if unit not in YUAN_PER_UNIT:
        raise BudgetInputError(path, f"{where}: unknown unit {text!r}")
    return unit


def _amount(text: object, path, where: str) -> Decimal:
    """A budget-doc/1 amount (`budget_doc.doc_amount`); BudgetInputError naming the cell."""
    try:
        return doc_amount(text)
    except BudgetDocError as exc:
        raise BudgetInputError(path, f"{where}: {exc}") from None


def _money(value: Decimal, unit: str) -> dict:
    return {
        "printed_amount": str(value),
        "unit": unit,
        "amount_yuan": str(value * YUAN_PER_UNIT[unit]),
    }


def _provenance(view: BudgetDoc, path, where: str, *position) -> dict:
    """A cell's page and box (`BudgetDoc.cell_box` at `position`), the coordinates as exact
    text; none where the document gives no box (one written before provenance, a truth
    file)."""
    try:
        box = view.cell_box(*position)
    except BudgetDocError as exc:
        raise BudgetInputError(path, f"{where}: {exc}") from None
    if box is None:
        return {}
    coordinates = [str(Decimal(str(value))) for value in box[1:]]
    return dict(zip(PROVENANCE_COLUMNS, [box[0], *coordinates], strict=True))


def _pages(table_pages: dict, key: str, printed: list | None = None) -> str:
    """'4,5': the pages the extraction read the table from, else those the document prints."""
    return ",".join(str(page) for page in table_pages.get(key, printed) or [])


def _row_kind(view: BudgetDoc, key: str, label: str | None, row: Row) -> str | None:
    """The kind of a t11 row (`t11_row_kind`) or a t12 row (`BudgetDoc.t12_row_kind`, the
    one project rule); None elsewhere."""
    if key == PROJECTS:
        return view.t12_row_kind(row)
    return t11_row_kind(label) if key == BASIC_BY_UNIT else None


def stage_document(
    doc: dict, path, table_pages: dict[str, list[int]] | None = None
) -> tuple[dict[str, list[dict]], list[str]]:
    """The staging relations of one budget-doc/1 dict, and its load warnings: one pass.

    Raises BudgetInputError for a document that cannot be loaded (see the module docstring).
    """
    staged: dict[str, list[dict]] = {name: [] for name in RELATIONS}
    doc_unit = unit_name(doc.get("unit"), path, "document")
    tables = doc.get("tables") or {}
    warnings = [f"unknown table {key!r} not loaded" for key in tables if key not in TABLE_KEYS]
    view = BudgetDoc.of(doc)
    pages = table_pages or {}
    for key in TABLE_KEYS:
        table = tables.get(key)
        if table is None:
            continue
        unit = unit_name(table["unit"], path, key) if table.get("unit") else doc_unit
        if "income" in table or "expenditure" in table:  # t01 / t04
            row_count = _stage_summary(staged[CELLS], table, key, unit, path, view)
        else:
            row_count = _stage_grid(staged, table, key, unit, path, view)
            if row_count and not table.get("columns"):
                warnings.append(f"{key}: rows without columns")
        staged[SOURCE_TABLES].append(
            {
                "table_key": key,
                "table_title": (view.typing_of(key) or {}).get("title") or TABLE_TITLES[key],
                "kind": key,
                "unit": unit,
                "pages": _pages(pages, key),
                "note": table.get("note"),
                "row_count": row_count,
            }
            | _typing(view.typing_of(key))
        )
    extra_typings = view.table_typing.get("extra_tables") or []
    for index, extra in enumerate(doc.get("extra_tables") or []):
        typing = extra_typings[index] if index < len(extra_typings) else None
        _stage_extra(staged, index, extra, doc_unit, path, view, pages, typing)
    for index, stated in enumerate(doc.get(NARRATIVE_FIGURES) or []):
        fields = ("topic", "figure", "unit", "page", "sentence")
        subject = stated.get("subject")
        code = view.item_code(stated["topic"], subject)
        staged[NARRATIVE].append(
            {"figure_index": index, "subject": subject, "code": code}
            | {f: stated[f] for f in fields}
        )
    return staged, warnings


def _stage_summary(cells: list[dict], table: dict, key: str, unit: str, path, view) -> int:
    """t01 / t04: every line with an amount is a cell of its side; returns the lines read."""
    lines = 0
    for side in SUMMARY_SIDES:
        for index, line in enumerate(table.get(side) or []):
            lines += 1
            if line.get("amount") is None:
                continue
            where = f"{key} {side} line {index}"
            cells.append(
                {
                    "table_key": key,
                    "side": side,
                    "row_index": index,
                    "label": line["item"],
                    "is_total_row": is_total_label(line["item"]),
                    "is_total_column": False,
                }
                | _money(_amount(line["amount"], path, where), unit)
                | _provenance(view, path, where, "tables", key, side, index)
            )
    return lines


def _stage_grid(staged: dict, table: dict, key: str, unit: str, path, view) -> int:
    """A coded, itemised or project table: every non-null value is a cell, and a t12 row
    is also a row of stg_project_rows. Returns the rows read."""
    columns = list(table.get("columns") or [])
    rows = table.get("rows") or []
    for row_index, row in enumerate(rows):
        label = row.get("name") if "name" in row else row.get("item")
        code = row.get("code")
        printed = Row.of(row)
        kind = _row_kind(view, key, label, printed)
        if key == PROJECTS:
            staged[PROJECT_ROWS].append(
                {
                    "row_index": row_index,
                    "project_name": row.get("name") or "",
                    "performance_goal": row.get("performance_goal") or None,
                    "row_kind": kind,
                }
            )
        values = row.get("values") or []
        if len(values) > len(columns):
            raise BudgetInputError(
                path, f"{key} row {row_index}: {len(values)} values for {len(columns)} columns"
            )
        printed_row = {
            "table_key": key,
            "row_index": row_index,
            "code": code,
            "label": label,
            "row_kind": kind,
            "is_total_row": kind == "total" if key == PROJECTS else printed.is_total,
            "subject_level": subject_level(code),
            "parent_code": parent_code(code),
        }
        for column_index, text in enumerate(values):
            if text is None:
                continue
            column = columns[column_index]
            where = f"{key} row {row_index} column {column}"
            staged[CELLS].append(
                printed_row
                | {
                    "column_index": column_index,
                    "column_name": column,
                    "is_total_column": column in TOTAL_COLUMNS,
                }
                | _money(_amount(text, path, where), unit)
                | _provenance(view, path, where, "tables", key, row_index, column_index)
            )
    return len(rows)


def _typing(typing) -> dict:
    """How a table was typed (`table_typing`), as stg_source_tables columns; null where the
    document does not say (a truth file, a document parsed before typing)."""
    typing = typing or {}
    evidence = "; ".join(typing.get("evidence") or ()) or None
    return {
        "confidence": typing.get("confidence"),
        "typed_by": typing.get("basis"),
        "typing_evidence": evidence,
    }


def _stage_extra(
    staged: dict, index: int, extra: dict, doc_unit: str, path, view, pages: dict, typing
) -> None:
    """An extra table: its stg_source_tables row (key extra_NN) and every printed value
    (a value that is no amount is kept as printed text, without amount or unit)."""
    title = extra.get("title") or f"extra table {index}"
    unit = unit_name(extra["unit"], path, title) if extra.get("unit") else doc_unit
    columns = extra.get("columns") or []
    rows = extra.get("rows") or []
    key = f"extra_{index:02d}"
    staged[SOURCE_TABLES].append(
        {
            "table_key": key,
            "table_title": title,
            "kind": extra.get("kind"),
            "unit": unit,
            "pages": _pages(pages, key, extra.get("pages")),
            "note": extra.get("note"),
            "row_count": len(rows),
        }
        | _typing(typing)
    )
    for row_index, row in enumerate(rows):
        label = row.get("label")
        for column_index, text in enumerate(row.get("values") or []):
            if text is None:
                continue
            column = columns[column_index] if column_index < len(columns) else ""
            try:
                money = _money(_amount(text, path, title), unit)
            except BudgetInputError:  # a text cell: kept as printed, no amount
                money = {}
            staged[EXTRA_CELLS].append(
                {
                    "table_index": index,
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
                | _provenance(view, path, title, "extra_tables", index, row_index, column_index)
            )
