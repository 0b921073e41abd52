"""Balance: 收入总计 = 支出总计 in the two-sided tables (t01, t04), and each side adds up to
its year total and grand total, under either province's names for those totals."""

from __future__ import annotations

import re

from pipelines.budget_doc import TWO_SIDED, is_total_label
from pipelines.doc_reader import BudgetDoc, Line, Table
from pipelines.quality.amounts import DocAmounts, addends_of
from pipelines.quality.outcome import ZERO, CheckOutcome, Evidence, structural

_NUMBERED_ITEM = re.compile(r"^[一二三四五六七八九十]+、")
# A part of the item above it: 其中:捐赠收入, 1.一般公共预算, (一)…, （1）…
_SUB_ITEM = re.compile(r"^(?:其中|\d+[.、](?!\d)|\(\d+\)|\([一二三四五六七八九十]+\))")


def side_items(table: Table, side: str) -> list[Line]:
    return [i for i in table.side(side) if i.item is not None]


def find_item(items: list[Line], name: str) -> Line | None:
    return next((i for i in items if i.item == name), None)


def _addends(items: list[Line]) -> list[Line]:
    """The items a total adds up, by what they are: the numbered 一、二、… items where the
    side numbers them, else every item that is neither a part of the one above it (其中…,
    1.…, （一）…) nor a total itself (使用非财政拨款结余, 上年结转: printed unnumbered)."""
    lines = [i for i in items if not _SUB_ITEM.match(i.item) and not is_total_label(i.item)]
    numbered = [i for i in lines if _NUMBERED_ITEM.match(i.item)]
    return numbered or lines


def _side_sums(d: DocAmounts, key: str, side: str, year_total: str, grand_total: str):
    """本年X合计 = Σ the items above it; X总计 = 本年X合计 + the items between the two
    (上年结转, 使用非财政拨款结余, 结转下年 …, numbered or not)."""
    items = side_items(d.doc.tables[key], side)
    names = [i.item for i in items]
    if year_total not in names or grand_total not in names:
        return
    y, g = names.index(year_total), names.index(grand_total)
    above = _addends(items[:y])
    below = _addends(items[y + 1 : g])
    year_value = d.value(key, items[y].amount)
    if above:
        yield d.compare(
            [key],
            key,
            f"{side}: {year_total}",
            "amount",
            f"{year_total} = Σ the items above it",
            sum((d.value(key, i.amount) for i in above), ZERO),
            year_value,
            addends_of(i.amount for i in above),
        )
    yield d.compare(
        [key],
        key,
        f"{side}: {grand_total}",
        "amount",
        f"{grand_total} = {year_total} + the items between them",
        year_value + sum((d.value(key, i.amount) for i in below), ZERO),
        d.value(key, items[g].amount),
        addends_of(i.amount for i in [items[y], *below]),
    )


# Provinces name the totals of a two-sided table differently: Guangzhou prints
# 本年收入合计 … 收入总计, Jiangsu 当年收入小计 … 收入合计, a 决算 本年收入合计 … 总计 (or
# 合计) on each side.
_GRAND_TOTALS = {
    "income": ("收入总计", "收入合计", "总计", "合计"),
    "expenditure": ("支出总计", "支出合计", "总计", "合计"),
}
_YEAR_TOTALS = {
    "income": ("本年收入合计", "当年收入小计"),
    "expenditure": ("本年支出合计", "当年支出小计"),
}


def _first_present(table: Table, side: str, names: tuple[str, ...]) -> str:
    present = {i.item for i in side_items(table, side)}
    return next((n for n in names if n in present), names[0])


def grand_total_name(table: Table, side: str) -> str:
    """The side's grand total as this table prints it (收入总计, or 收入合计 in Jiangsu)."""
    return _first_present(table, side, _GRAND_TOTALS[side])


def year_total_name(table: Table, side: str) -> str | None:
    """The side's year total as printed (本年支出合计, 当年支出小计), None when not printed."""
    present = {i.item for i in side_items(table, side)}
    return next((n for n in _YEAR_TOTALS[side] if n in present), None)


def check_balance(doc: BudgetDoc | dict) -> CheckOutcome:
    """收入总计 = 支出总计 in tables 1 and 4, and each side adds up to its totals."""
    d = DocAmounts(doc)
    found = Evidence()
    for key, table in d.tables(TWO_SIDED):
        income_name = grand_total_name(table, "income")
        spending_name = grand_total_name(table, "expenditure")
        income = find_item(side_items(table, "income"), income_name)
        spending = find_item(side_items(table, "expenditure"), spending_name)
        for side, item, name in (
            ("income", income, income_name),
            ("expenditure", spending, spending_name),
        ):
            if item is None:
                found.findings.append(
                    structural(key, f"{side}: {name}", "amount", "item present", name, "missing")
                )
        if income is not None and spending is not None:
            c = d.compare(
                [key],
                key,
                "收入总计 | 支出总计",
                "amount",
                "收入总计 = 支出总计",
                d.value(key, income.amount),
                d.value(key, spending.amount),
            )
            found.comparisons.append(c)
            found.headline.append(c)
        for side, name in (("income", income_name), ("expenditure", spending_name)):
            year_total = year_total_name(table, side) or _YEAR_TOTALS[side][0]
            found.comparisons.extend(_side_sums(d, key, side, year_total, name))
    return found.outcome(
        "balance",
        "收入总计 = 支出总计 in tables 1 and 4; each side's items add up to its totals",
    )
