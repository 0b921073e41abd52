"""What a row of a budget-doc/1 table is: its label, a total row, a budget unit's row, a project.

Decided here once for every rule (t11/t12 group their rows under the budget units (单位);
a project is a t12 row that is neither the 合计 nor a unit's sub-total).
"""

from __future__ import annotations

from collections.abc import Callable

from pipelines.budget_doc import PROJECTS
from pipelines.quality.amounts import tables_of

TOTAL_ROW_NAMES = frozenset({"合计", "总计"})


def row_label(row: dict) -> str:
    if "item" in row:
        return row.get("item") or ""
    code, name = row.get("code"), row.get("name") or ""
    return f"{code} {name}" if code else name


def is_total_row(row: dict) -> bool:
    name = row.get("name") if "name" in row else row.get("item")
    return not row.get("code") and (name or "") in TOTAL_ROW_NAMES


def has_label(row: dict) -> bool:
    """A side item, coded, itemised, project or generic row names what its amounts are."""
    return any((row.get(k) or "").strip() for k in ("item", "code", "name", "label"))


def cell_value(row: dict, j: int):
    values = row.get("values") or []
    return values[j] if j < len(values) else None


def unit_names(doc: dict) -> set[str]:
    """Names of the budget units (单位) that group rows in t11 and t12."""
    tables = tables_of(doc)
    t11 = {r.get("item") for r in (tables.get("t11_basic_by_unit") or {}).get("rows") or []}
    t12 = {r.get("name") for r in (tables.get(PROJECTS) or {}).get("rows") or []}
    names = (t11 & t12) | {doc.get("department")}
    return {n for n in names if n} - TOTAL_ROW_NAMES


def grouped_rows(rows: list[dict], label: Callable[[dict], str], units: set[str]):
    """Split a t11/t12 body into (unit row, its rows); a body with no unit row is one group."""
    groups: list[tuple[dict | None, list[dict]]] = []
    for r in rows:
        if is_total_row(r) and not groups:
            continue
        if label(r) in units:
            groups.append((r, []))
        elif groups:
            groups[-1][1].append(r)
        else:
            groups.append((None, [r]))
    return groups


def project_rows(doc: dict) -> list[dict]:
    """The t12 rows that are projects (not the 合计 row, not a unit's sub-total row)."""
    table = tables_of(doc).get(PROJECTS) or {}
    units = unit_names(doc)
    groups = grouped_rows(table.get("rows") or [], lambda r: r.get("name") or "", units)
    return [r for _, rows in groups for r in rows]
