"""Data-quality checks over one budget-doc/1 document: pure functions, Decimal arithmetic.

Each public `check_*` function takes the document dict and returns a `CheckOutcome`: every
comparison it made and the `Finding`s that did not hold. Rounding (`rounding_tolerance`):
each printed addend is off by at most half a unit of the last printed digit, so a sum may
miss its printed total by ½ × that digit × the number of addends (the seed's 3387.21 vs
3387.22 over three addends; 1 元 over two addends in a table printed in whole 元): a WARN.
Anything larger, and any structural problem (a missing table, an item that is not there,
an amount without a label), is an ERROR. No Dagster import here: the asset checks in
`assets/checks.py` and the tests call these functions directly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pipelines.budget_doc import (
    CODED,
    DEFAULT_LAYOUT,
    ITEMISED,
    PROJECTS,
    PUBLISHED_TABLES,
    SUMMARY_SIDES,
    TOTAL_COLUMNS,
    TWO_SIDED,
    YUAN_PER_UNIT,
    parent_code,
    subject_level,
)
from pipelines.extraction.identity import file_year_disagreement

ERROR = "ERROR"
WARN = "WARN"
_ZERO = Decimal("0")
_CENT = Decimal("0.01")
_HALF = Decimal("0.5")

TOTAL_ROW_NAMES = frozenset({"合计", "总计"})
# The 财政拨款 columns a 合计 sub-total spans when a table also has a 总计 (t11, t12).
FISCAL_COLUMNS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")
_NUMBERED_ITEM = re.compile(r"^[一二三四五六七八九十]+、")
_HIERARCHY_TABLES = (*CODED, "t11_basic_by_unit", PROJECTS)


@dataclass(frozen=True)
class Comparison:
    """One identity the document must satisfy: `actual` (printed) against `expected`."""

    table: str
    row: str
    column: str
    rule: str
    expected: Decimal
    actual: Decimal
    unit: str
    step: Decimal = _CENT  # the last printed digit of the tables compared, in `unit`
    addends: int = 1  # amounts printed (non-zero) on the expected side

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def tolerance(self) -> Decimal:
        return rounding_tolerance(self.step, self.addends)

    @property
    def severity(self) -> str | None:
        """None when the identity holds exactly, WARN for a rounding tail, else ERROR."""
        diff = abs(self.difference)
        if diff == 0:
            return None
        return WARN if diff <= self.tolerance else ERROR

    def tolerance_text(self) -> str:
        """The rounding allowance with both of its numbers, e.g. `½ × 0.01 × 3 = 0.015`."""
        return f"½ × {_plain(self.step)} × {max(self.addends, 1)} = {_plain(self.tolerance)}"


def rounding_tolerance(step: Decimal, addends: int) -> Decimal:
    """The `rounding` rule: ½ unit of the last printed digit per addend (at least one)."""
    return _HALF * step * max(addends, 1)


@dataclass(frozen=True)
class Finding:
    """A row that breaks a rule: the evidence shown in the UI and stored in dq_check_result."""

    table: str
    row: str
    column: str
    rule: str
    expected: str
    actual: str
    difference: Decimal | None
    severity: str
    unit: str = ""
    tolerance: str = ""  # the rounding allowance the difference was held to

    @property
    def kind(self) -> str:
        """`rounding` for a tail within the allowance; else what broke."""
        if self.severity == WARN and self.difference is not None:
            return "rounding"
        return "structure" if self.difference is None else "mismatch"


def _finding(c: Comparison) -> Finding:
    return Finding(
        table=c.table,
        row=c.row,
        column=c.column,
        rule=c.rule,
        expected=_fmt(c.expected),
        actual=_fmt(c.actual),
        difference=c.difference,
        severity=c.severity or WARN,
        unit=c.unit,
        tolerance=c.tolerance_text(),
    )


def _structural(table: str, row: str, column: str, rule: str, expected: str, actual: str):
    return Finding(table, row, column, rule, expected, actual, None, ERROR)


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one named check over one document."""

    name: str
    description: str
    comparisons: tuple[Comparison, ...] = ()
    findings: tuple[Finding, ...] = ()
    headline: tuple[Comparison, ...] = field(default=())  # grand totals shown as evidence

    @property
    def severity(self) -> str | None:
        """ERROR if any finding is an ERROR, WARN if only rounding tails, None if clean."""
        severities = {f.severity for f in self.findings}
        if ERROR in severities:
            return ERROR
        return WARN if severities else None

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def max_abs_difference(self) -> Decimal:
        diffs = [abs(f.difference) for f in self.findings if f.difference is not None]
        return max(diffs, default=_ZERO)

    def summary(self) -> str:
        """One line: what was compared and what broke."""
        if self.passed:
            if not self.comparisons:
                return f"{self.name}: nothing missing"
            return f"{self.name}: {len(self.comparisons)} comparisons hold"
        errors = sum(f.severity == ERROR for f in self.findings)
        rounding = sum(f.kind == "rounding" for f in self.findings)
        other = len(self.findings) - errors - rounding
        others = f", {other} other warning(s)" if other else ""
        return (
            f"{self.name}: {errors} error(s), {rounding} rounding warning(s){others} "
            f"in {len(self.comparisons) or len(self.findings)} comparisons"
        )

    def findings_markdown(self, limit: int = 50) -> str:
        """The offending rows as a markdown table (the first `limit`)."""
        if not self.findings:
            return "No offending rows."
        head = (
            "| severity | table | row | column | rule | expected | actual | difference "
            "| kind | rounding tolerance |\n"
        )
        head += "|---|---|---|---|---|---:|---:|---:|---|---|\n"
        lines = [
            f"| {f.severity} | {f.table} | {_md(f.row)} | {_md(f.column)} | {_md(f.rule)} "
            f"| {f.expected} | {f.actual} | {'' if f.difference is None else f.difference} "
            f"| {f.kind} | {f.tolerance} |"
            for f in self.findings[:limit]
        ]
        more = len(self.findings) - limit
        tail = f"\n\n… and {more} more" if more > 0 else ""
        return head + "\n".join(lines) + tail

    def headline_markdown(self) -> str:
        """Expected against actual for the grand totals the check compared."""
        rows = self.headline or self.comparisons[:10]
        if not rows:
            return "Nothing to compare."
        head = "| table | row | column | rule | expected | actual | unit |\n"
        head += "|---|---|---|---|---:|---:|---|\n"
        return head + "\n".join(
            f"| {c.table} | {_md(c.row)} | {_md(c.column)} | {_md(c.rule)} "
            f"| {_fmt(c.expected)} | {_fmt(c.actual)} | {c.unit} |"
            for c in rows
        )


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _fmt(value: Decimal) -> str:
    return str(value.quantize(_CENT)) if value == value.quantize(_CENT) else str(value)


def _plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 0.015, 1, 100."""
    return format(value.normalize(), "f")


# -- reading the document ---------------------------------------------------------------


def _amount(text) -> Decimal:
    """A budget-doc/1 amount string as Decimal; a truly empty cell (null) counts as zero."""
    if text is None or text == "":
        return _ZERO
    return Decimal(str(text))


def _tables(doc: dict) -> dict:
    return doc.get("tables") or {}


def _unit(doc: dict, table_key: str) -> str:
    table = _tables(doc).get(table_key) or {}
    return table.get("unit") or doc.get("unit") or "万元"


def _factor(unit: str) -> Decimal:
    return YUAN_PER_UNIT.get(unit, Decimal(1))


def _printed_amounts(table: dict) -> Iterable[str]:
    """Every amount a table prints: row values and two-sided items alike."""
    for row in table.get("rows") or []:
        yield from (v for v in row.get("values") or [] if v)
    for side in SUMMARY_SIDES:
        yield from (i["amount"] for i in table.get(side) or [] if i.get("amount"))


def printed_steps(doc: dict) -> dict[str, Decimal]:
    """The last printed digit per unit, from every amount the document prints in that unit.

    budget-doc/1 writes every amount with two decimals, so the printed precision is read
    off the amounts: a unit whose amounts all have zero cents was printed in whole units
    (Shanghai's whole-元 tables). A document prints its tables of one unit alike, and the
    whole document is evidence enough that a small table of round 万元 figures was still
    printed with cents. A unit nothing is printed in keeps the format's 0.01.
    """
    exponents: dict[str, int] = {}
    for table in [*_tables(doc).values(), *(doc.get("extra_tables") or [])]:
        unit = table.get("unit") or doc.get("unit") or "万元"
        for text in _printed_amounts(table):
            exponent = min(Decimal(text).normalize().as_tuple().exponent, 0)
            exponents[unit] = min(exponents.get(unit, 0), exponent)
    return {unit: Decimal(1).scaleb(e) for unit, e in exponents.items()}


def _addends(texts: Iterable) -> int:
    """How many of the summed cells print a non-zero amount: a blank or 0.00 cell is a
    zero the template prints, not a rounded figure."""
    return sum(_amount(t) != 0 for t in texts)


class _Doc:
    """Amounts of one document, converted to its main unit, with a per-comparison tolerance."""

    def __init__(self, doc: dict):
        self.doc = doc
        self.unit = doc.get("unit") or "万元"
        self.steps = printed_steps(doc)

    def scale(self, table_key: str) -> Decimal:
        return _factor(_unit(self.doc, table_key)) / _factor(self.unit)

    def value(self, table_key: str, text) -> Decimal:
        return _amount(text) * self.scale(table_key)

    def step(self, *table_keys: str) -> Decimal:
        """The coarsest last printed digit among the tables compared, in the document unit.

        A table that records `printed_decimals` (extraction saw an amount printed with
        fewer decimals than two, e.g. `22,118,861` beside `86,959,408.34`) uses that digit;
        otherwise the digit its unit prints across the document.
        """
        return max((self._table_step(k) * self.scale(k) for k in table_keys), default=_CENT)

    def _table_step(self, table_key: str) -> Decimal:
        decimals = (_tables(self.doc).get(table_key) or {}).get("printed_decimals")
        if decimals is not None:
            return Decimal(1).scaleb(-int(decimals))
        return self.steps.get(_unit(self.doc, table_key), _CENT)

    def compare(self, tables: Iterable[str], table, row, column, rule, expected, actual, addends=1):
        return Comparison(
            table=table,
            row=row,
            column=column,
            rule=rule,
            expected=expected,
            actual=actual,
            unit=self.unit,
            step=self.step(*tables),
            addends=addends,
        )


def _row_label(row: dict) -> str:
    if "item" in row:
        return row.get("item") or ""
    code, name = row.get("code"), row.get("name") or ""
    return f"{code} {name}" if code else name


def _is_total_row(row: dict) -> bool:
    name = row.get("name") if "name" in row else row.get("item")
    return not row.get("code") and (name or "") in TOTAL_ROW_NAMES


def _outcome(name: str, description: str, comparisons, extra_findings=(), headline=()):
    comparisons = tuple(comparisons)
    findings = tuple(extra_findings) + tuple(_finding(c) for c in comparisons if c.severity)
    return CheckOutcome(name, description, comparisons, findings, tuple(headline))


# -- completeness -----------------------------------------------------------------------


def _has_label(row: dict) -> bool:
    """A side item, coded, itemised, project or generic row names what its amounts are."""
    return any((row.get(k) or "").strip() for k in ("item", "code", "name", "label"))


def _where(lines: list[dict], i: int, prefix: str = "") -> str:
    """`row 7 (below 三、其他资金)`: a position a reader finds on the page."""
    above = next(
        (_row_label(r) or r.get("label") for r in reversed(lines[:i]) if _has_label(r)), None
    )
    return f"{prefix}row {i + 1}" + (f" (below {above})" if above else " (first row)")


def _unlabelled_amounts(doc: dict) -> Iterable[Finding]:
    """Every printed amount on a row without a label: it would load as a fact about
    nothing (an item `""` on both sides of t01), so it is an ERROR until it is placed."""
    rule, expected = "every amount has a label", "a labelled row"
    named = list(_tables(doc).items())
    named += [
        (f"extra table {t.get('title') or i}", t)
        for i, t in enumerate(doc.get("extra_tables") or [])
    ]
    for key, table in named:
        for side in SUMMARY_SIDES:
            items = table.get(side) or []
            for i, item in enumerate(items):
                if item.get("amount") and not _has_label(item):
                    where = _where(items, i, f"{side}: ")
                    yield _structural(key, where, "amount", rule, expected, item["amount"])
        rows = table.get("rows") or []
        columns = table.get("columns") or []
        for i, row in enumerate(rows):
            if _has_label(row):
                continue
            for j, value in enumerate(row.get("values") or []):
                if value:
                    column = columns[j] if j < len(columns) else f"column {j + 1}"
                    yield _structural(key, _where(rows, i), column, rule, expected, value)


def check_completeness(doc: dict) -> CheckOutcome:
    """All published tables present with rows, every row full width, every amount labelled."""
    findings: list[Finding] = []
    for key in ("department", "fiscal_year", "unit"):
        if not doc.get(key):
            findings.append(_structural("document", key, "", "field present", "a value", "none"))
    tables = _tables(doc)
    for key in PUBLISHED_TABLES[doc.get("layout", DEFAULT_LAYOUT)]:
        table = tables.get(key)
        if table is None:
            findings.append(_structural(key, "", "", "table present", "present", "missing"))
            continue
        if key in TWO_SIDED:
            for side in ("income", "expenditure"):
                if not table.get(side):
                    findings.append(
                        _structural(key, side, "", "side has items", "≥ 1 item", "0 items")
                    )
            continue
        rows = table.get("rows") or []
        printed = any(v is not None for row in rows for v in row.get("values") or [])
        if not printed and not table.get("note"):  # an empty table must say it is empty
            finding = _structural(
                key, "", "", "table prints amounts or says it is empty",
                "amounts or a note", "a blank table",
            )  # fmt: skip
            if doc.get("layout", DEFAULT_LAYOUT) != DEFAULT_LAYOUT:
                # A grid of headers only, with neither wording (无, 此表为空…) nor a blank
                # 合计 row: worth a look, not a failed load (Guangzhou always prints its
                # zero 合计 row and 本表本年无发生额).
                finding = replace(finding, severity=WARN)
            findings.append(finding)
        if not rows:
            continue
        width = len(table.get("columns") or [])
        for row in rows:
            n = len(row.get("values") or [])
            if n != width:
                findings.append(
                    _structural(
                        key,
                        _row_label(row),
                        "",
                        "one value per column",
                        f"{width} values",
                        f"{n} values",
                    )
                )
    findings.extend(_unlabelled_amounts(doc))
    return CheckOutcome(
        "completeness",
        "every standard table the layout publishes (all twelve in Guangzhou's) is present, "
        "every row has one value per column and every amount a label",
        findings=tuple(findings),
    )


# -- balance ----------------------------------------------------------------------------


def _items(table: dict, side: str) -> list[dict]:
    return [i for i in table.get(side) or [] if i.get("item") is not None]


def _find_item(items: list[dict], name: str) -> dict | None:
    return next((i for i in items if i["item"] == name), None)


def _side_sums(d: _Doc, key: str, side: str, year_total: str, grand_total: str):
    """本年X合计 = Σ numbered items above it; X总计 = 本年X合计 + numbered items below it."""
    items = _items(d.doc["tables"][key], side)
    names = [i["item"] for i in items]
    if year_total not in names or grand_total not in names:
        return
    y, g = names.index(year_total), names.index(grand_total)
    above = [i for i in items[:y] if _NUMBERED_ITEM.match(i["item"])]
    below = [i for i in items[y + 1 : g] if _NUMBERED_ITEM.match(i["item"])]
    year_value = d.value(key, items[y]["amount"])
    if above:
        yield d.compare(
            [key],
            key,
            f"{side}: {year_total}",
            "amount",
            f"{year_total} = Σ numbered items above it",
            sum((d.value(key, i["amount"]) for i in above), _ZERO),
            year_value,
            _addends(i["amount"] for i in above),
        )
    yield d.compare(
        [key],
        key,
        f"{side}: {grand_total}",
        "amount",
        f"{grand_total} = {year_total} + numbered items below it",
        year_value + sum((d.value(key, i["amount"]) for i in below), _ZERO),
        d.value(key, items[g]["amount"]),
        _addends(i["amount"] for i in [items[y], *below]),
    )


# Provinces name the totals of a two-sided table differently: Guangzhou prints
# 本年收入合计 … 收入总计, Jiangsu 当年收入小计 … 收入合计.
_GRAND_TOTALS = {"income": ("收入总计", "收入合计"), "expenditure": ("支出总计", "支出合计")}
_YEAR_TOTALS = {
    "income": ("本年收入合计", "当年收入小计"),
    "expenditure": ("本年支出合计", "当年支出小计"),
}


def _first_present(table: dict, side: str, names: tuple[str, ...]) -> str:
    present = {i["item"] for i in _items(table, side)}
    return next((n for n in names if n in present), names[0])


def _grand_total_name(table: dict, side: str) -> str:
    """The side's grand total as this table prints it (收入总计, or 收入合计 in Jiangsu)."""
    return _first_present(table, side, _GRAND_TOTALS[side])


def _year_total_name(table: dict, side: str) -> str:
    return _first_present(table, side, _YEAR_TOTALS[side])


def check_balance(doc: dict) -> CheckOutcome:
    """收入总计 = 支出总计 in tables 1 and 4, and each side adds up to its totals."""
    d = _Doc(doc)
    comparisons: list[Comparison] = []
    headline: list[Comparison] = []
    findings: list[Finding] = []
    for key in TWO_SIDED:
        table = _tables(doc).get(key)
        if table is None:
            continue  # completeness reports it
        income_name = _grand_total_name(table, "income")
        spending_name = _grand_total_name(table, "expenditure")
        income = _find_item(_items(table, "income"), income_name)
        spending = _find_item(_items(table, "expenditure"), spending_name)
        for side, item, name in (
            ("income", income, income_name),
            ("expenditure", spending, spending_name),
        ):
            if item is None:
                findings.append(
                    _structural(key, f"{side}: {name}", "amount", "item present", name, "missing")
                )
        if income is not None and spending is not None:
            c = d.compare(
                [key],
                key,
                "收入总计 | 支出总计",
                "amount",
                "收入总计 = 支出总计",
                d.value(key, income["amount"]),
                d.value(key, spending["amount"]),
            )
            comparisons.append(c)
            headline.append(c)
        for side, name in (("income", income_name), ("expenditure", spending_name)):
            year_total = _year_total_name(table, side)
            comparisons.extend(_side_sums(d, key, side, year_total, name))
    return _outcome(
        "balance",
        "收入总计 = 支出总计 in tables 1 and 4; each side's items add up to its totals",
        comparisons,
        findings,
        headline,
    )


# -- hierarchy --------------------------------------------------------------------------


def _column_sums(d: _Doc, key: str, columns, parent: dict, children: list[dict], rule: str):
    for j, column in enumerate(columns):
        yield d.compare(
            [key],
            key,
            _row_label(parent),
            column,
            rule,
            sum((d.value(key, _value(c, j)) for c in children), _ZERO),
            d.value(key, _value(parent, j)),
            _addends(_value(c, j) for c in children),
        )


def _value(row: dict, j: int):
    values = row.get("values") or []
    return values[j] if j < len(values) else None


def _repeated_rows(rows: list[dict]) -> dict[str, list[int]]:
    """Subject codes (and 合计) a table prints more than once → their row numbers. A table
    prints each code once; a repeat means two tables were read as one (a title at the foot
    of a page glues the next table on)."""
    at: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        label = r.get("code") or (r.get("name") if _is_total_row(r) else None)
        if label:
            at.setdefault(label, []).append(i + 1)
    return {label: numbers for label, numbers in at.items() if len(numbers) > 1}


def _coded_hierarchy(d: _Doc, key: str, repeated: dict[str, list[int]]):
    """The sums of a coded table; a repeated code or 合计 is reported instead of summed
    (its children would be those of both copies)."""
    table = _tables(d.doc).get(key)
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
    total = next((r for r in rows if _is_total_row(r)), None)
    top = [r for r in coded if subject_level(r["code"]) == 1]
    if total is not None and top and total.get("name") not in repeated:
        yield from _column_sums(d, key, columns, total, top, "合计 = Σ 类")
    for r in coded:
        kids = children.get(r["code"])
        if kids and r["code"] not in repeated:
            level = "类 = Σ 款" if subject_level(r["code"]) == 1 else "款 = Σ 项"
            yield from _column_sums(d, key, columns, r, kids, level)


def unit_names(doc: dict) -> set[str]:
    """Names of the budget units (单位) that group rows in t11 and t12."""
    tables = _tables(doc)
    t11 = {r.get("item") for r in (tables.get("t11_basic_by_unit") or {}).get("rows") or []}
    t12 = {r.get("name") for r in (tables.get(PROJECTS) or {}).get("rows") or []}
    names = (t11 & t12) | {doc.get("department")}
    return {n for n in names if n} - TOTAL_ROW_NAMES


def _grouped_rows(rows: list[dict], label: Callable[[dict], str], units: set[str]):
    """Split a t11/t12 body into (unit row, its rows); a body with no unit row is one group."""
    groups: list[tuple[dict | None, list[dict]]] = []
    for r in rows:
        if _is_total_row(r) and not groups:
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
    table = _tables(doc).get(PROJECTS) or {}
    units = unit_names(doc)
    groups = _grouped_rows(table.get("rows") or [], lambda r: r.get("name") or "", units)
    return [r for _, rows in groups for r in rows]


def _unit_hierarchy(d: _Doc, key: str, label_key: str):
    table = _tables(d.doc).get(key)
    if not table:
        return
    rows = table.get("rows") or []
    columns = table.get("columns") or []
    groups = _grouped_rows(rows, lambda r: r.get(label_key) or "", unit_names(d.doc))
    total = next((r for r in rows if (r.get(label_key) or "") in TOTAL_ROW_NAMES), None)
    units = [u for u, _ in groups if u is not None]
    if total is not None:
        parts = units if units else [r for _, rs in groups for r in rs]
        rule = "合计 = Σ units" if units else "合计 = Σ rows"
        yield from _column_sums(d, key, columns, total, parts, rule)
    for unit, members in groups:
        if unit is not None and members:
            yield from _column_sums(d, key, columns, unit, members, "unit = Σ its rows")


def check_hierarchy(doc: dict) -> CheckOutcome:
    """合计 = Σ 类, 类 = Σ 款, 款 = Σ 项 in the coded tables; units = Σ their rows in t11/t12."""
    d = _Doc(doc)
    comparisons: list[Comparison] = []
    headline: list[Comparison] = []
    findings: list[Finding] = []
    for key in CODED:
        rows = (_tables(doc).get(key) or {}).get("rows") or []
        repeated = _repeated_rows(rows)
        findings.extend(
            _structural(
                key,
                _row_label(rows[at[0] - 1]),
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
    return _outcome(
        "hierarchy",
        "every 类 = Σ its 款 and every 款 = Σ its 项 (function: 3/5/7-digit codes, economic: "
        "3/5), 合计 = Σ 类, in tables 2, 3, 5, 6, 8, 9, 10, each code printed once; "
        "units = Σ their rows in 11 and 12",
        comparisons,
        findings,
        headline,
    )


# -- row identities ---------------------------------------------------------------------


def column_identities(columns: list[str]) -> list[tuple[int, list[int]]]:
    """(total column, its leaf columns) pairs for a header.

    The first total column (合计/总计/小计) spans every non-total column; a second one
    (the 合计 under 财政拨款 in t11/t12) spans the 一般公共预算/政府性基金/国有资本经营 columns.
    """
    totals = [j for j, c in enumerate(columns) if c in TOTAL_COLUMNS]
    leaves = [j for j, c in enumerate(columns) if c not in TOTAL_COLUMNS]
    if not totals or not leaves:
        return []
    out = [(totals[0], leaves)]
    for j in totals[1:]:
        fiscal = [k for k in leaves if columns[k] in FISCAL_COLUMNS]
        if fiscal:
            out.append((j, fiscal))
    return out


def check_row_identity(doc: dict) -> CheckOutcome:
    """In every row, a total column (合计/总计/小计) equals the sum of its leaf columns."""
    d = _Doc(doc)
    comparisons: list[Comparison] = []
    headline: list[Comparison] = []
    for key in (*CODED, *ITEMISED, PROJECTS):
        table = _tables(doc).get(key)
        if not table:
            continue
        columns = table.get("columns") or []
        for total, leaves in column_identities(columns):
            rule = f"{columns[total]} = " + " + ".join(columns[k] for k in leaves)
            for i, row in enumerate(table.get("rows") or []):
                c = d.compare(
                    [key],
                    key,
                    _row_label(row),
                    columns[total],
                    rule,
                    sum((d.value(key, _value(row, k)) for k in leaves), _ZERO),
                    d.value(key, _value(row, total)),
                    _addends(_value(row, k) for k in leaves),
                )
                comparisons.append(c)
                if i == 0:
                    headline.append(c)
    return _outcome(
        "row_identity",
        "per row, each total column equals the sum of its leaf columns "
        "(合计 = 基本支出 + 项目支出 + …)",
        comparisons,
        headline=headline,
    )


# -- cross-table ------------------------------------------------------------------------


def tables_with_rows(doc: dict) -> set[str]:
    return {k for k, t in _tables(doc).items() if "rows" in t}


def _total_row(doc: dict, key: str) -> dict | None:
    """The table's 合计 row; a table that prints no amount at all totals zero."""
    table = _tables(doc).get(key) or {}
    rows = table.get("rows") or []
    printed = [v for r in rows for v in r.get("values") or [] if v is not None]
    if key in tables_with_rows(doc) and not printed:  # empty: blank 合计 row, or no row
        return {"name": "合计", "values": ["0.00"] * len(table.get("columns") or [])}
    return next((r for r in rows if _is_total_row(r)), None)


def _cell(doc: dict, key: str, row: dict | None, column: str | None = None):
    """A cell of a row by column name (the first column when None); None if absent."""
    if row is None:
        return None
    columns = (_tables(doc).get(key) or {}).get("columns") or []
    j = 0 if column is None else (columns.index(column) if column in columns else None)
    if j is None or j >= len(row.get("values") or []):
        return None
    return row["values"][j]


def _side_item(doc: dict, key: str, side: str, name: str):
    table = _tables(doc).get(key) or {}
    item = _find_item(_items(table, side), name)
    return None if item is None else item["amount"]


def _side_matching(doc: dict, key: str, word: str) -> list[str] | None:
    """Income items of a two-sided table naming a fund (一、一般公共预算), totals excluded."""
    table = _tables(doc).get(key)
    if table is None:
        return None
    return [
        i["amount"]
        for i in _items(table, "income")
        if word in i["item"] and "合计" not in i["item"] and "总计" not in i["item"]
    ]


_THREE_PUBLIC_PARTS = {
    "total": lambda s: "三公" in s,
    "abroad": lambda s: "出国" in s,
    "vehicles": lambda s: "公务用车购置及运行" in s,
    "purchase": lambda s: "公务用车购置" in s and "运行" not in s,
    "operation": lambda s: "公务用车运行" in s,
    "reception": lambda s: "接待" in s,
}


def _three_public(d: _Doc):
    key = "t07_three_public"
    table = _tables(d.doc).get(key)
    if not table:
        return [], []
    rows = table.get("rows") or []
    found = {
        part: next((r for r in rows if match(r.get("item") or "")), None)
        for part, match in _THREE_PUBLIC_PARTS.items()
    }
    missing = [
        _structural(key, part, "", "item present", part, "missing")
        for part, row in found.items()
        if row is None
    ]
    comparisons = []
    columns = table.get("columns") or []
    identities = (
        ("total", ("abroad", "vehicles", "reception"), "三公 = 出国 + 公务用车 + 接待"),
        ("vehicles", ("purchase", "operation"), "公务用车 = 购置 + 运行"),
    )
    for whole, parts, rule in identities:
        if found[whole] is None or any(found[p] is None for p in parts):
            continue
        comparisons.extend(
            _column_sums(d, key, columns, found[whole], [found[p] for p in parts], rule)
        )
    return comparisons, missing


def check_cross_table(doc: dict) -> CheckOutcome:
    """Totals that two tables print must agree (t03 = t01, t05 = t04 一般公共预算, …)."""
    d = _Doc(doc)
    comparisons: list[Comparison] = []
    findings: list[Finding] = []

    def compare(rule, left_key, left_label, left, right_key, right_label, right, addends=1):
        """`right` (printed in `right_key`) against `left` (from `left_key`, a sum of
        `addends` printed amounts)."""
        if left is None or right is None:
            absent = right_label if right is None else left_label
            where = right_key if right is None else left_key
            findings.append(_structural(where, absent, "", rule, "present", "missing"))
            return
        comparisons.append(
            d.compare(
                (left_key, right_key),
                right_key,
                right_label,
                f"vs {left_key} {left_label}",
                rule,
                left,
                right,
                addends,
            )
        )

    def v(key, text):
        return None if text is None else d.value(key, text)

    def vsum(key, texts):
        """Sum of printed amounts; a blank cell beside a printed item counts as zero."""
        return None if not texts else sum((d.value(key, t) for t in texts if t), _ZERO)

    def printed(key, column):
        """Some provinces print no 基本支出/项目支出 split: nothing to compare then."""
        return column in (tables[key].get("columns") or [])

    t01, t02, t03, t04 = "t01_summary", "t02_income", "t03_expenditure", "t04_fiscal_summary"
    t05, t06, t08, t09 = (
        "t05_gpb_function",
        "t06_gpb_basic_economic",
        "t08_gov_fund",
        ("t09_state_capital"),
    )
    t10, t11 = "t10_gpb_project_economic", "t11_basic_by_unit"
    tables = _tables(doc)

    def _grand(key, side):
        return _grand_total_name(tables[key], side)

    def have(*keys):
        return all(tables.get(k) is not None for k in keys)  # else completeness reports it

    def total(key, column=None):
        """The table's 合计 row cell (first column by default), as a Decimal."""
        return v(key, _cell(doc, key, _total_row(doc, key), column))

    if have(t01, t02):
        compare(
            "t02 合计 = t01 收入总计",
            t01, "收入总计", v(t01, _side_item(doc, t01, "income", _grand(t01, "income"))),
            t02, "合计", total(t02, "合计"),
        )  # fmt: skip
    if have(t01, t03):
        compare(
            "t03 合计 = t01 支出总计",
            t01, "支出总计",
            v(t01, _side_item(doc, t01, "expenditure", _grand(t01, "expenditure"))),
            t03, "合计", total(t03, "合计"),
        )  # fmt: skip
    for key, fund in ((t05, "一般公共预算"), (t08, "政府性基金预算"), (t09, "国有资本经营预算")):
        if have(t04, key):
            # Shanghai prints 二、政府性基金 without 预算
            items = _side_matching(doc, t04, fund.removesuffix("预算"))
            compare(
                f"{key[:3]} 合计 = t04 收入 {fund}",
                t04, fund, vsum(t04, items),
                key, "合计", total(key),
                _addends(items or ()),
            )  # fmt: skip
    if have(t05, t06) and printed(t05, "基本支出"):
        compare(
            "t06 合计 = t05 合计 基本支出",
            t05, "合计 基本支出", total(t05, "基本支出"),
            t06, "合计", total(t06),
        )  # fmt: skip
    if have(t05, t10) and printed(t05, "项目支出"):
        compare(
            "t10 合计 = t05 合计 项目支出",
            t05, "合计 项目支出", total(t05, "项目支出"),
            t10, "合计", total(t10),
        )  # fmt: skip
    if have(t10, PROJECTS):
        projects = project_rows(doc)
        fund_column = "一般公共预算"
        columns = tables[PROJECTS].get("columns") or []
        column = fund_column if fund_column in columns else None
        cells = [_cell(doc, PROJECTS, r, column) or "0" for r in projects]
        compare(
            "Σ t12 projects (一般公共预算) = t10 合计",
            t10, "合计", total(t10),
            PROJECTS, f"Σ {len(projects)} projects", vsum(PROJECTS, cells) or _ZERO,
            _addends(cells),
        )  # fmt: skip
    if have(t03, PROJECTS):
        compare(
            "t12 合计 = t03 合计 项目支出",
            t03, "合计 项目支出", total(t03, "项目支出"),
            PROJECTS, "合计", total(PROJECTS),
        )  # fmt: skip
    if have(t03, t11):
        compare(
            "t11 合计 = t03 合计 基本支出",
            t03, "合计 基本支出", total(t03, "基本支出"),
            t11, "合计", total(t11),
        )  # fmt: skip
    headline = list(comparisons)
    if have("t07_three_public"):
        three, missing = _three_public(d)
        comparisons.extend(three)
        findings.extend(missing)
        headline.extend(three[:2])
    return _outcome(
        "cross_table",
        "totals printed by two tables agree: t02/t03 = t01, t05/t08/t09 = t04's funds, "
        "t06 = basic and t10 = project expenditure = Σ t12 projects, t11/t12 = t03, "
        "三公 = 出国 + 公务用车 + 接待, 公务用车 = 购置 + 运行",
        comparisons,
        findings,
        headline,
    )


def check_narrative_consistency(doc: dict) -> CheckOutcome:
    """Each figure the narrative states equals its table figure (units converted, ±0.5 万元)."""
    from pipelines.narrative_checks import narrative_consistency  # built on this module's types

    return narrative_consistency(doc)


DOCUMENT_CHECKS: dict[str, Callable[[dict], CheckOutcome]] = {
    "completeness": check_completeness,
    "balance": check_balance,
    "hierarchy": check_hierarchy,
    "row_identity": check_row_identity,
    "cross_table": check_cross_table,
    "narrative_consistency": check_narrative_consistency,
}


def run_document_checks(doc: dict, source_name: str = "") -> dict[str, CheckOutcome]:
    """Every document-level check, by name; with the file's name, completeness also
    says when that name states another year than the document."""
    outcomes = {name: check(doc) for name, check in DOCUMENT_CHECKS.items()}
    if disagreement := file_year_disagreement(source_name, doc.get("fiscal_year")):
        finding = Finding(
            "document", "fiscal_year", "", "the year in the file name is the fiscal year",
            disagreement.name_year, str(doc["fiscal_year"]), None, WARN,
        )  # fmt: skip
        done = outcomes["completeness"]
        outcomes["completeness"] = replace(done, findings=(*done.findings, finding))
    return outcomes


# -- referential integrity (SQL over the warehouse) ---------------------------------------


def check_referential_integrity(con, document_id: int) -> CheckOutcome:
    """Every key of the document's fact rows resolves to a dimension row.

    Runs `sql/checks/referential_integrity.sql` on a warehouse connection (document,
    department, function/economic subject of the document's year, fund source, expenditure
    type, project, source table); each missing key is an ERROR naming the fact table.
    """
    from pipelines.warehouse.sql_files import read_sql

    sql = read_sql("checks/referential_integrity")
    rows = con.execute(sql, {"document_id": document_id}).fetchall()
    findings = tuple(
        Finding(
            table=fact_table,
            row=str(key_value),
            column=key_column,
            rule=f"{fact_table}.{key_column} has a dimension row",
            expected="a dimension row",
            actual=f"{orphans} orphan row(s)",
            difference=None,
            severity=ERROR,
        )
        for fact_table, key_column, key_value, orphans in rows
    )
    return CheckOutcome(
        "referential_integrity",
        "every fact key of the document resolves to a dimension row (SQL over the warehouse)",
        findings=findings,
    )
