"""Hierarchy: 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in the coded tables; a budget unit's row =
Σ its rows in t11 and t12; a code printed twice is reported instead of summed."""

from __future__ import annotations

from pipelines.budget_doc import CODED, PROJECTS, parent_code, subject_level
from pipelines.quality.amounts import DocAmounts, addends_of, tables_of
from pipelines.quality.outcome import ZERO, CheckOutcome, Comparison, Finding, outcome, structural
from pipelines.quality.rows import (
    TOTAL_ROW_NAMES,
    cell_value,
    grouped_rows,
    is_total_row,
    row_label,
    unit_names,
)


def column_sums(d: DocAmounts, key: str, columns, parent: dict, children: list[dict], rule: str):
    for j, column in enumerate(columns):
        yield d.compare(
            [key],
            key,
            row_label(parent),
            column,
            rule,
            sum((d.value(key, cell_value(c, j)) for c in children), ZERO),
            d.value(key, cell_value(parent, j)),
            addends_of(cell_value(c, j) for c in children),
        )


def _repeated_rows(rows: list[dict]) -> dict[str, list[int]]:
    """Subject codes (and 合计) a table prints more than once → their row numbers. A table
    prints each code once; a repeat means two tables were read as one (a title at the foot
    of a page glues the next table on)."""
    at: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        label = r.get("code") or (r.get("name") if is_total_row(r) else None)
        if label:
            at.setdefault(label, []).append(i + 1)
    return {label: numbers for label, numbers in at.items() if len(numbers) > 1}


def _coded_hierarchy(d: DocAmounts, key: str, repeated: dict[str, list[int]]):
    """The sums of a coded table; a repeated code or 合计 is reported instead of summed
    (its children would be those of both copies)."""
    table = tables_of(d.doc).get(key)
    if not table:
        return
    rows = table.get("rows") or []
    columns = table.get("columns") or []
    coded = [r for r in rows if subject_level(r.get("code"))]
    children: dict[str, list[dict]] = {}
    for r in coded:
        parent = parent_code(r["code"])
        if parent:
            children.setdefault(parent, []).append(r)
    total = next((r for r in rows if is_total_row(r)), None)
    top = [r for r in coded if subject_level(r["code"]) == 1]
    if total is not None and top and total.get("name") not in repeated:
        yield from column_sums(d, key, columns, total, top, "合计 = Σ 类")
    for r in coded:
        kids = children.get(r["code"])
        if kids and r["code"] not in repeated:
            level = "类 = Σ 款" if subject_level(r["code"]) == 1 else "款 = Σ 项"
            yield from column_sums(d, key, columns, r, kids, level)


def _unit_hierarchy(d: DocAmounts, key: str, label_key: str):
    table = tables_of(d.doc).get(key)
    if not table:
        return
    rows = table.get("rows") or []
    columns = table.get("columns") or []
    groups = grouped_rows(rows, lambda r: r.get(label_key) or "", unit_names(d.doc))
    total = next((r for r in rows if (r.get(label_key) or "") in TOTAL_ROW_NAMES), None)
    units = [u for u, _ in groups if u is not None]
    if total is not None:
        parts = units if units else [r for _, rs in groups for r in rs]
        rule = "合计 = Σ units" if units else "合计 = Σ rows"
        yield from column_sums(d, key, columns, total, parts, rule)
    for unit, members in groups:
        if unit is not None and members:
            yield from column_sums(d, key, columns, unit, members, "unit = Σ its rows")


def check_hierarchy(doc: dict) -> CheckOutcome:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in the coded tables; units = Σ their rows in t11/t12."""
    d = DocAmounts(doc)
    comparisons: list[Comparison] = []
    headline: list[Comparison] = []
    findings: list[Finding] = []
    for key in CODED:
        rows = (tables_of(doc).get(key) or {}).get("rows") or []
        repeated = _repeated_rows(rows)
        findings.extend(
            structural(
                key,
                row_label(rows[at[0] - 1]),
                "",
                "each code and 合计 printed once",
                "one row",
                "rows " + ", ".join(map(str, at)),
            )
            for at in repeated.values()
        )
        cs = list(_coded_hierarchy(d, key, repeated))
        comparisons.extend(cs)
        headline.extend(c for c in cs if c.rule == "合计 = Σ 类" and c.column == cs[0].column)
    comparisons.extend(_unit_hierarchy(d, "t11_basic_by_unit", "item"))
    comparisons.extend(_unit_hierarchy(d, PROJECTS, "name"))
    return outcome(
        "hierarchy",
        "every 类 = Σ its 款 and every 款 = Σ its 项 (function: 3/5/7-digit codes, economic: "
        "3/5), 合计 = Σ 类, in tables 2, 3, 5, 6, 8, 9, 10, each code printed once; "
        "units = Σ their rows in 11 and 12",
        comparisons,
        findings,
        headline,
    )
