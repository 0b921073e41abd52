"""Hierarchy: 合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in the coded tables; a budget unit's row =
Σ its rows in t11 and t12; a code printed twice is reported instead of summed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipelines.budget_doc import CODED, PROJECTS, parent_code, subject_level
from pipelines.doc_reader import BudgetDoc, Row, Table
from pipelines.quality.amounts import DocAmounts, addends_of
from pipelines.quality.outcome import ZERO, CheckOutcome, Evidence, structural


def column_sums(d: DocAmounts, key: str, columns, parent: Row, children: list[Row], rule: str):
    for j, column in enumerate(columns):
        yield d.compare(
            [key],
            key,
            parent.title,
            column,
            rule,
            sum((d.value(key, c.value(j)) for c in children), ZERO),
            d.value(key, parent.value(j)),
            addends_of(c.value(j) for c in children),
        )


def grouped_rows(rows: Sequence[Row], label: Callable[[Row], str], units: set[str]):
    """Split a t11/t12 body into (unit row, its rows); a body with no unit row is one group."""
    groups: list[tuple[Row | None, list[Row]]] = []
    for r in rows:
        if r.is_total and not groups:
            continue
        if label(r) in units:
            groups.append((r, []))
        elif groups:
            groups[-1][1].append(r)
        else:
            groups.append((None, [r]))
    return groups


def _repeated_rows(rows: Sequence[Row]) -> dict[str, list[int]]:
    """Subject codes (and 合计) a table prints more than once → their row numbers. A table
    prints each code once; a repeat means two tables were read as one (a title at the foot
    of a page glues the next table on). A 合计 printed at the top and again at the foot with
    the same amounts is one total printed twice."""
    at: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        label = r.code or (r.name if r.is_total else None)
        if label:
            at.setdefault(label, []).append(i + 1)
    return {
        label: numbers
        for label, numbers in at.items()
        if len(numbers) > 1
        and (rows[numbers[0] - 1].code or len({rows[n - 1].values for n in numbers}) > 1)
    }


def sections(rows: Sequence[Row]) -> list[tuple[Row, list[Row]]]:
    """Each total row with the rows it sums. One total (or one printed at the top and the
    foot) sums the whole table; several (a 决算's 人员经费合计 … 公用经费合计, each under its
    own list) each sum their own section: the rows after it when the table opens with a
    total, else the rows since the total before."""
    totals = [i for i, r in enumerate(rows) if r.is_total]
    if len({rows[i].values for i in totals}) <= 1:
        return [(rows[totals[0]], list(rows))] if totals else []
    bounds = totals + [len(rows)] if totals[0] == 0 else [-1] + totals
    if totals[0] == 0:
        return [(rows[a], list(rows[a + 1 : b])) for a, b in zip(bounds, bounds[1:], strict=False)]
    return [(rows[b], list(rows[a + 1 : b])) for a, b in zip(bounds, bounds[1:], strict=False)]


def _coded_hierarchy(d: DocAmounts, key: str, table: Table, repeated: dict[str, list[int]]):
    """The sums of a coded table; a repeated code or 合计 is reported instead of summed
    (its children would be those of both copies)."""
    rows, columns = table.rows, table.columns
    coded = [r for r in rows if subject_level(r.code)]
    children: dict[str, list[Row]] = {}
    for r in coded:
        parent = parent_code(r.code)
        if parent:
            children.setdefault(parent, []).append(r)
    for total, members in sections(rows):
        top = [r for r in members if subject_level(r.code) == 1]
        if top and total.name not in repeated:
            yield from column_sums(d, key, columns, total, top, "合计 = Σ 类")
    for r in coded:
        kids = children.get(r.code)
        if kids and r.code not in repeated:
            level = "类 = Σ 款" if subject_level(r.code) == 1 else "款 = Σ 项"
            yield from column_sums(d, key, columns, r, kids, level)


# The tables whose rows a budget unit's row groups, with what names a t11 / t12 row.
_UNIT_GROUPED: dict[str, Callable[[Row], str | None]] = {
    "t11_basic_by_unit": lambda r: r.item,
    PROJECTS: lambda r: r.name,
}


def _unit_hierarchy(d: DocAmounts, key: str, table: Table):
    label = _UNIT_GROUPED[key]
    rows, columns = table.rows, table.columns
    groups = grouped_rows(rows, lambda r: label(r) or "", d.doc.unit_names())
    total = next((r for r in rows if r.is_total), None)
    units = [u for u, _ in groups if u is not None]
    if total is not None:
        parts = units if units else [r for _, rs in groups for r in rs]
        rule = "合计 = Σ units" if units else "合计 = Σ rows"
        yield from column_sums(d, key, columns, total, parts, rule)
    for unit, members in groups:
        if unit is not None and members:
            yield from column_sums(d, key, columns, unit, members, "unit = Σ its rows")


def check_hierarchy(doc: BudgetDoc | dict) -> CheckOutcome:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in the coded tables; units = Σ their rows in t11/t12."""
    d = DocAmounts(doc)
    found = Evidence()
    for key, table in d.tables(CODED):
        repeated = _repeated_rows(table.rows)
        found.findings.extend(
            structural(
                key,
                table.rows[at[0] - 1].title,
                "",
                "each code and 合计 printed once",
                "one row",
                "rows " + ", ".join(map(str, at)),
            )
            for at in repeated.values()
        )
        cs = list(_coded_hierarchy(d, key, table, repeated))
        found.comparisons.extend(cs)
        found.headline.extend(c for c in cs if c.rule == "合计 = Σ 类" and c.column == cs[0].column)
    for key, table in d.tables(_UNIT_GROUPED):
        found.comparisons.extend(_unit_hierarchy(d, key, table))
    return found.outcome(
        "hierarchy",
        "every 类 = Σ its 款 and every 款 = Σ its 项 (function: 3/5/7-digit codes, economic: "
        "3/5), 合计 = Σ 类, in tables 2, 3, 5, 6, 8, 9, 10, each code printed once; "
        "units = Σ their rows in 11 and 12",
    )
