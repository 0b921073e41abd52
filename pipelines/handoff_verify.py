"""What the publisher verifies of a hand-off file before it writes a row of it (#22).

A hand-off file crosses a shared folder anyone with a mount can write, so its rows are not
taken on trust:

- `content_digest`: the writer stores a sha256 over a canonical serialisation of every row
  (the document's fields and its source PDF's sha256, every staged row, every check result,
  finding and load warning) in the Parquet file's key-value metadata; the publisher
  recomputes it from the rows it read, so an edit made by a tool that does not recompute it
  is refused.
- `verify_checks`: a forger who does recompute it is caught by the checks themselves. The
  budget-doc is rebuilt from the staged rows (`rebuilt_doc`) and every document check the
  rows allow (REDERIVED: all but completeness, which reads the PDF's table of contents) is
  run again; a verdict that differs from the file's refuses the file, as does a check
  result no check makes (a name, a severity other than ERROR/WARN, passed with findings).
  The file's outline (`document_outline`: rows printed blank, column parts, the layout,
  a table's printed decimals) is what the rebuild needs beyond the staged rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from pipelines import quality
from pipelines.budget_doc import CODED, COLUMN_PARTS, FORMAT, PROJECTS, SUMMARY_SIDES, TABLE_KEYS
from pipelines.errors import BudgetInputError
from pipelines.warehouse.findings import SEVERITIES, check_rows
from pipelines.warehouse.load import DocumentRows
from pipelines.warehouse.staging import CELLS, NARRATIVE, PROJECT_ROWS, SOURCE_TABLES

SCHEME = "budget-handoff-digest/1"
# The document checks the staged rows allow running again.
REDERIVED = tuple(name for name in quality.DOCUMENT_CHECKS if name != "completeness")
_SHA256 = frozenset("0123456789abcdef")


def _canonical(value: object) -> object:
    """A value as JSON that tells its type: an exact Decimal keeps its digits as text."""
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, bool | int | str):
        return value
    return {type(value).__name__: str(value)}


def content_digest(columns: Sequence[str], rows: Iterable[Sequence]) -> str:
    """The digest stored as `budget_handoff_digest` ("sha256:<hex>"): over every row (its
    non-null values by column name), rows sorted, so the rows written and the same rows
    read back give the same one."""
    lines = sorted(
        json.dumps(
            [
                [c, _canonical(v)]
                for c, v in sorted(zip(columns, row, strict=True))
                if v is not None
            ],
            ensure_ascii=False,
            separators=(",", ":"),
        )
        for row in rows
    )
    digest = hashlib.sha256(SCHEME.encode())
    for line in lines:
        digest.update(b"\n" + line.encode())
    return f"sha256:{digest.hexdigest()}"


def verify_digest(path: Path, stored: str | None, columns, rows) -> None:
    """BudgetInputError unless the file's stored digest is that of its rows."""
    if not stored:
        raise BudgetInputError(
            path, "no content digest: not written by budget handoff; hand the PDF off again"
        )
    if content_digest(columns, rows) != stored:
        raise BudgetInputError(
            path, "its rows do not match its content digest (edited after hand-off)"
        )


def verify_document(path: Path, document: DocumentRows) -> None:
    """BudgetInputError for a source sha256 that is no sha256."""
    sha256 = document.sha256
    if not isinstance(sha256, str) or len(sha256) != 64 or not set(sha256) <= _SHA256:
        raise BudgetInputError(path, f"source sha256 {str(sha256)[:70]!r} is no sha256")
    if set(sha256) == {"0"}:
        raise BudgetInputError(path, "source sha256 is all zeros")


def _result(row: dict) -> str:
    return "passed" if row["passed"] else f"{row['severity']} ({len(row['findings'])} findings)"


def verify_checks(
    path: Path, document: DocumentRows, checks: list[dict], outline: list[dict] = ()
) -> None:
    """BudgetInputError unless the file holds each document check once, each a result a
    check can give, and every check in REDERIVED gives the same verdict on the staged rows."""
    names = [c["check_name"] for c in checks]
    if sorted(names) != sorted(quality.DOCUMENT_CHECKS):
        raise BudgetInputError(
            path,
            f"its checks are {', '.join(names) or 'none'}, "
            f"not {', '.join(quality.DOCUMENT_CHECKS)}",
        )
    for check in checks:
        name, severity, passed = check["check_name"], check["severity"], check["passed"]
        if passed is not (severity is None) or (
            severity is not None and severity not in SEVERITIES
        ):
            raise BudgetInputError(
                path, f"check {name}: passed {passed!r} with severity {severity!r}"
            )
        if passed and check["findings"]:
            raise BudgetInputError(path, f"check {name}: passed with findings")
    outcomes = quality.run_document_checks(rebuilt_doc(document, outline), document.source_file)
    given = {c["check_name"]: c for c in checks}
    for name in REDERIVED:
        (again,) = check_rows({name: outcomes[name]})
        if (again["passed"], again["severity"], len(again["findings"])) != (
            given[name]["passed"],
            given[name]["severity"],
            len(given[name]["findings"]),
        ):
            raise BudgetInputError(
                path,
                f"check {name}: the file says {_result(given[name])}, "
                f"its rows say {_result(again)}",
            )


OUTLINE = "handoff_outline"  # the hand-off rows naming each standard table's rows, columns
OUTLINE_FIELDS = (
    "table_key", "side", "row_index", "code", "label", "column_index", "column_name",
    "printed_decimals", "part_of", "layout",
)  # fmt: skip


def document_outline(doc: dict) -> list[dict]:
    """Every row and column each standard table prints, amounts or not (a row printed blank
    has no cell, yet the checks look for it by its label): what `rebuilt_doc` needs beyond
    the staged rows."""
    outline: list[dict] = [{"layout": doc["layout"]}] if doc.get("layout") else []
    outline += [  # budget-doc/1 column_parts: a column printed as a 其中 part of another
        {"table_key": key, "column_name": column, "part_of": whole}
        for key, parts in (doc.get(COLUMN_PARTS) or {}).items()
        for column, whole in parts.items()
    ]
    for key, table in (doc.get("tables") or {}).items():
        if key not in TABLE_KEYS or not isinstance(table, dict):
            continue
        if table.get("printed_decimals") is not None:  # the digit its amounts print to
            outline.append({"table_key": key, "printed_decimals": table["printed_decimals"]})
        for side in SUMMARY_SIDES:
            outline += [
                {"table_key": key, "side": side, "row_index": i, "label": line.get("item")}
                for i, line in enumerate(table.get(side) or [])
            ]
        outline += [
            {"table_key": key, "column_index": i, "column_name": column}
            for i, column in enumerate(table.get("columns") or [])
        ]
        outline += [
            {"table_key": key, "row_index": i, "code": row.get("code"),
             "label": row.get("name") if "name" in row else row.get("item")}
            for i, row in enumerate(table.get("rows") or [])
        ]  # fmt: skip
    return [dict.fromkeys(OUTLINE_FIELDS) | place for place in outline]


def rebuilt_doc(document: DocumentRows, outline: list[dict] = ()) -> dict:
    """The budget-doc/1 the staged rows say: each standard table's unit, lines, columns,
    rows and printed amounts, the t12 projects and the narrative's stated figures (what the
    checks read; a row printed without any amount comes back as an empty row)."""
    relations = document.relations
    parts: dict[str, dict] = {}
    for part in (o for o in outline if o.get("part_of") is not None):
        parts.setdefault(part["table_key"], {})[part["column_name"]] = part["part_of"]
    layouts = [o["layout"] for o in outline if o.get("layout") is not None]
    outline = [o for o in outline if o.get("part_of") is None and o.get("layout") is None]
    tables = {}
    for source in relations.get(SOURCE_TABLES) or []:
        key = source["table_key"]
        if key in TABLE_KEYS:
            cells = [c for c in relations.get(CELLS) or [] if c["table_key"] == key]
            printed = [o for o in outline if o["table_key"] == key]
            tables[key] = _table(key, source, cells, relations.get(PROJECT_ROWS) or [], printed)
    figures = ("topic", "figure", "unit", "page", "sentence", "subject")
    return {
        "format": FORMAT,
        "department": document.printed_department,
        "fiscal_year": document.fiscal_year,
        "unit": document.unit,
        "document_kind": document.document_kind,
        "stage": document.stage,
        **({"layout": layouts[0]} if layouts else {}),
        COLUMN_PARTS: parts,
        "tables": tables,
        "narrative_figures": [
            {f: stated[f] for f in figures} for stated in relations.get(NARRATIVE) or []
        ],
    }


def _table(key: str, source: dict, cells: list[dict], projects: list, printed: list) -> dict:
    """One standard table from its stg_source_tables row, its outline and its cells."""
    table: dict = {"unit": source["unit"]}
    decimals = [p["printed_decimals"] for p in printed if p.get("printed_decimals") is not None]
    if decimals:
        table["printed_decimals"] = decimals[0]
    printed = [p for p in printed if p.get("printed_decimals") is None]
    if any(c.get("side") for c in [*cells, *printed]):  # t01 / t04: lines of each side
        for place in [*printed, *cells]:
            side = table.setdefault(place["side"], [])
            side += [{"item": "", "amount": None}] * (place["row_index"] + 1 - len(side))
            line = side[place["row_index"]]
            line["item"] = place["label"]
            line["amount"] = place.get("printed_amount", line["amount"])
        return table
    names = {c.get("column_index"): c.get("column_name") for c in [*cells, *printed]}
    names.pop(None, None)
    width = max(names, default=-1) + 1
    table["columns"] = [names.get(i, "") for i in range(width)]
    label = "name" if key in CODED or key == PROJECTS else "item"
    count = max(
        [source.get("row_count") or 0, *(p["row_index"] + 1 for p in [*cells, *printed]
                                          if p.get("row_index") is not None)]
    )  # fmt: skip
    rows: list[dict] = [{label: "", "values": [None] * width} for _ in range(count)]
    for place in [*printed, *cells]:
        if place.get("row_index") is None:
            continue
        row = rows[place["row_index"]]
        row[label] = place["label"]
        if key in CODED:
            row["code"] = place.get("code")
        if "printed_amount" in place:
            row["values"][place["column_index"]] = place["printed_amount"]
    if key == PROJECTS:
        for project in projects:
            if project["row_index"] < count:
                rows[project["row_index"]]["name"] = project["project_name"]
                rows[project["row_index"]]["performance_goal"] = project["performance_goal"]
    table["rows"] = rows
    return table
