"""Cross-table: totals that two tables both print must agree (t03 = t01, t05 = t04's
一般公共预算, …), and the 三公 table's parts add up to its total.

The identities are data (`IDENTITIES`): each names two `Figure`s, the amounts one table
prints for it, and the rule; adding an identity is adding a line. An identity is compared
only when both of its tables are in the document (completeness reports a missing table).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pipelines import three_public
from pipelines.budget_doc import BUDGET_STAGE, PROJECTS, is_total_label
from pipelines.cleaning import format_amount
from pipelines.doc_reader import BudgetDoc, Row
from pipelines.extraction.titles import HEADING_LABEL
from pipelines.quality.amounts import DocAmounts, addends_of, amount
from pipelines.quality.balance import find_item, grand_total_name, side_items, year_total_name
from pipelines.quality.hierarchy import column_sums, sections
from pipelines.quality.outcome import ZERO, CheckOutcome, Comparison, Evidence, Finding, structural
from pipelines.three_public import category_of
from pipelines.warehouse.reference import read_three_public_categories

T01, T02, T03, T04 = "t01_summary", "t02_income", "t03_expenditure", "t04_fiscal_summary"
T05, T06 = "t05_gpb_function", "t06_gpb_basic_economic"
T08, T09 = "t08_gov_fund", "t09_state_capital"
T10, T11, T07 = "t10_gpb_project_economic", "t11_basic_by_unit", "t07_three_public"
T13 = "t13_fiscal_function"


def _total_row(doc: BudgetDoc, key: str) -> Row | None:
    """The table's 合计 row; a table that prints no amount at all totals zero, and one that
    prints a total per section (a 决算's 人员经费合计 and 公用经费合计) totals their sum."""
    table = doc.table(key)
    if table is None:
        return None
    if table.has_rows and not table.prints_amounts():  # empty: blank 合计 row, or no row
        return Row(values=("0.00",) * len(table.columns), name="合计")
    parts = sections(table.rows)
    if len(parts) > 1:
        width = len(table.columns)
        sums = (sum((amount(total.value(j)) for total, _ in parts), ZERO) for j in range(width))
        return Row(values=tuple(map(format_amount, sums)), name="合计")
    return next((r for r in table.rows if r.is_total), None)


def _cell(doc: BudgetDoc, key: str, row: Row | None, column: str | None = None):
    """A cell of a row by column name (the first column when None); None if absent."""
    if row is None:
        return None
    table = doc.table(key)
    columns = table.columns if table is not None else ()
    j = 0 if column is None else (columns.index(column) if column in columns else None)
    if j is None and is_total_label(column) and columns and is_total_label(columns[0]):
        j = 0  # the table's own total column: 收入合计 where the rule says 合计
    if j is None or j >= len(row.values):
        return None
    return row.values[j]


def _side_item(doc: BudgetDoc, key: str, side: str, name: str):
    item = find_item(side_items(doc.tables[key], side), name)
    return None if item is None else item.amount


def _side_matching(doc: BudgetDoc, key: str, word: str) -> list[str] | None:
    """Income items of a two-sided table that are a fund (一、一般公共预算, 1.财政拨款收入),
    totals excluded: the item starts with the fund's name once its number is set aside
    (使用非财政拨款结余 is no 财政拨款, 其中:一般公共预算 no item of its own), above the
    year's total where one is printed (a 决算's 年初结转和结余 lists the funds again)."""
    table = doc.table(key)
    if table is None:
        return None
    items = side_items(table, "income")
    year_total = year_total_name(table, "income")
    names = [i.item for i in items]
    if year_total in names:  # this year's income only, not a carry-over's own fund lines
        items = items[: names.index(year_total)]
    return [
        i.amount
        for i in items
        if HEADING_LABEL.sub("", i.item).startswith(word) and not is_total_label(i.item)
    ]


# The lines of a 三公 table its sums name (three_public.IDENTITIES); one missing is a finding.
_THREE_PUBLIC_PARTS = tuple(
    dict.fromkeys(c for whole, parts, _ in three_public.IDENTITIES for c in (whole, *parts))
)


def _three_public(d: DocAmounts):
    key = T07
    table = d.doc.table(key)
    if table is None:
        return [], []
    rows = table.rows
    patterns = read_three_public_categories()
    found = {
        part: next((r for r in rows if category_of(r.item or "", patterns) == part), None)
        for part in _THREE_PUBLIC_PARTS
    }
    missing = [
        structural(key, part, "", "item present", part, "missing")
        for part, row in found.items()
        if row is None
    ]
    comparisons = []
    columns = table.columns
    for whole, parts, rule in three_public.IDENTITIES:
        if found[whole] is None or any(found[p] is None for p in parts):
            continue
        comparisons.extend(
            column_sums(d, key, columns, found[whole], [found[p] for p in parts], rule)
        )
    return comparisons, missing


@dataclass(frozen=True)
class Figure:
    """An amount one table prints: `read` gives the printed amounts it adds up (None when the
    table does not print it); `summed` figures count their addends for the rounding rule."""

    table: str
    label: str
    read: Callable[[BudgetDoc], list | None]
    summed: bool = False


def total(table: str, column: str | None = None, label: str = "合计") -> Figure:
    """The table's 合计 row, in `column` (the first column by default)."""

    def read(doc: BudgetDoc):
        cell = _cell(doc, table, _total_row(doc, table), column)
        return None if cell is None else [cell]

    return Figure(table, label, read)


def grand_total(table: str, side: str, label: str) -> Figure:
    """A two-sided table's 收入总计 / 支出总计, whichever name the province prints."""

    def read(doc: BudgetDoc):
        amount = _side_item(doc, table, side, grand_total_name(doc.tables[table], side))
        return None if amount is None else [amount]

    return Figure(table, label, read)


def income_total(table: str) -> Figure:
    """What t02's total column covers on t01's income side: this year's income when t02
    says so (本年收入合计, a 决算), else 收入总计 (a budget's t02 spans its carry-overs)."""

    def read(doc: BudgetDoc):
        summary = doc.tables[table]
        name = grand_total_name(summary, "income")
        if doc.tables[T02].columns[:1] and doc.tables[T02].columns[0].startswith("本年"):
            name = year_total_name(summary, "income") or name
        amount = _side_item(doc, table, "income", name)
        return None if amount is None else [amount]

    return Figure(table, "收入合计", read)


def spending_total(table: str) -> Figure:
    """What t03's 合计 covers on t01's expenditure side: 支出总计 when t03 prints the
    carry-over (a 结转下年 column, Guangzhou, Jiangsu), else 本年支出合计 (a university's
    支出预算表 spends this year's budget only; 结转下年 is a line of t01 alone)."""

    def read(doc: BudgetDoc):
        summary = doc.tables[table]
        carried = any("结转下年" in c for c in doc.tables[T03].columns)
        name = grand_total_name(summary, "expenditure")
        if not carried:
            name = year_total_name(summary, "expenditure") or name
        amount = _side_item(doc, table, "expenditure", name)
        return None if amount is None else [amount]

    return Figure(table, "支出合计", read)


def fund_income(table: str, fund: str) -> Figure:
    """The income items naming a fund (Shanghai prints 二、政府性基金 without 预算)."""

    def read(doc: BudgetDoc):
        return _side_matching(doc, table, fund.removesuffix("预算")) or None

    return Figure(table, fund, read, summed=True)


def projects(fund_column: str = "一般公共预算") -> Figure:
    """Every t12 project's amount in `fund_column` (the first column when not printed)."""

    def read(doc: BudgetDoc):
        columns = doc.tables[PROJECTS].columns
        column = fund_column if fund_column in columns else None
        return [_cell(doc, PROJECTS, r, column) or "0" for r in doc.project_rows()]

    return Figure(PROJECTS, "Σ {n} projects", read, summed=True)


def prints_column(table: str, column: str) -> Callable[[BudgetDoc], bool]:
    """Some provinces print no 基本支出/项目支出 split: nothing to compare then."""
    return lambda doc: column in doc.tables[table].columns


@dataclass(frozen=True)
class Identity:
    """`right` as printed must equal `left`; compared when `applies` to the document."""

    rule: str
    left: Figure
    right: Figure
    applies: Callable[[BudgetDoc], bool] = lambda doc: True


def _plan(doc: BudgetDoc) -> bool:
    """A budget spends what it receives this year; final accounts also spend carry-overs
    (年初结转和结余), so a fund's income and spending need not agree."""
    return doc.stage == BUDGET_STAGE


FUNDS = ((T05, "一般公共预算"), (T08, "政府性基金预算"), (T09, "国有资本经营预算"))
BASIC, PROJECT = "基本支出", "项目支出"

IDENTITIES = (
    Identity("t02 合计 = t01 收入合计", income_total(T01), total(T02, "合计")),
    Identity("t03 合计 = t01 支出合计", spending_total(T01), total(T03, "合计")),
    *(
        Identity(f"{table[:3]} 合计 = t04 收入 {fund}", fund_income(T04, fund), total(table), _plan)
        for table, fund in FUNDS
    ),
    Identity(
        "t06 合计 = t05 合计 基本支出",
        total(T05, BASIC, "合计 基本支出"), total(T06), prints_column(T05, BASIC),
    ),
    Identity(
        "t10 合计 = t05 合计 项目支出",
        total(T05, PROJECT, "合计 项目支出"), total(T10), prints_column(T05, PROJECT),
    ),
    Identity("Σ t12 projects (一般公共预算) = t10 合计", total(T10), projects()),
    Identity("t12 合计 = t03 合计 项目支出", total(T03, PROJECT, "合计 项目支出"), total(PROJECTS)),
    Identity("t11 合计 = t03 合计 基本支出", total(T03, BASIC, "合计 基本支出"), total(T11)),
    Identity("t13 合计 = t01 收入 财政拨款", fund_income(T01, "财政拨款"), total(T13), _plan),
)  # fmt: skip


def _compare(d: DocAmounts, identity: Identity) -> Comparison | Finding:
    """The identity's comparison, or the finding that one of its figures is not printed."""
    read = {}
    for figure in (identity.right, identity.left):  # a missing printed total first
        texts = figure.read(d.doc)
        if texts is None:
            return structural(figure.table, figure.label, "", identity.rule, "present", "missing")
        read[figure] = texts
    left, right = identity.left, identity.right
    value = {f: sum((d.value(f.table, t) for t in read[f] if t), ZERO) for f in (left, right)}
    summed = next((f for f in (left, right) if f.summed), None)
    return d.compare(
        (left.table, right.table),
        right.table,
        right.label.format(n=len(read[right])),
        f"vs {left.table} {left.label}",
        identity.rule,
        value[left],
        value[right],
        addends_of(read[summed]) if summed else 1,
    )


def ties(doc: BudgetDoc | dict, key: str) -> list[Comparison]:
    """The comparisons of every identity that involves table `key` and can be read in the
    document: what `key`'s totals tie to (table typing tries each candidate key this way)."""
    d = DocAmounts(doc)
    out = []
    for identity in IDENTITIES:
        figures = (identity.left, identity.right)
        if key not in (f.table for f in figures):
            continue
        if all(d.doc.tables.get(f.table) is not None for f in figures) and identity.applies(d.doc):
            result = _compare(d, identity)
            if isinstance(result, Comparison):
                out.append(result)
    return out


def check_cross_table(doc: BudgetDoc | dict) -> CheckOutcome:
    """Totals that two tables print must agree (t03 = t01, t05 = t04 一般公共预算, …)."""
    d = DocAmounts(doc)
    found = Evidence()
    tables = d.doc.tables
    for identity in IDENTITIES:
        present = all(tables.get(f.table) is not None for f in (identity.left, identity.right))
        if present and identity.applies(d.doc):
            result = _compare(d, identity)
            (found.comparisons if isinstance(result, Comparison) else found.findings).append(result)
    found.headline.extend(found.comparisons)
    if tables.get(T07) is not None:
        three, missing = _three_public(d)
        found.comparisons.extend(three)
        found.findings.extend(missing)
        found.headline.extend(three[:2])
    return found.outcome(
        "cross_table",
        "totals printed by two tables agree: t02/t03 = t01, t05/t08/t09 = t04's funds, "
        "t06 = basic and t10 = project expenditure = Σ t12 projects, t11/t12 = t03, "
        "三公 = 出国 + 公务用车 + 接待, 公务用车 = 购置 + 运行",
    )
