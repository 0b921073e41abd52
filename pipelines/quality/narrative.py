"""Narrative consistency: each figure a budget's narrative states (budget-doc/1
`narrative_figures`) equals the figure its table prints.

0.5 万元 allowed: the narrative rounds (32.8 for 32.80; 16497.86 万元 for 164,978,640 元),
as finance bureaus' own review tools allow. `year_over_year` (the stated change vs last
year, over the warehouse) reuses `StatedTables` and `stated_against_table`.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cached_property

from pipelines.budget_doc import PROJECTS, YUAN_PER_UNIT
from pipelines.doc_reader import BudgetDoc, StatedFigure, Table
from pipelines.extraction.titles import HEADING_LABEL
from pipelines.quality.amounts import amount
from pipelines.quality.execution import TOPICS as EXECUTION_TOPICS
from pipelines.quality.execution import execution_checks
from pipelines.quality.hierarchy import sections
from pipelines.quality.outcome import WARN, CheckOutcome, Finding, plain, unverified
from pipelines.quality.stated import TOLERANCE_TEXT, TOLERANCE_WAN, stated_against_table
from pipelines.three_public import ADMIN_OPERATING, CATEGORIES, category_of
from pipelines.warehouse.reference import read_three_public_categories

_WAN = YUAN_PER_UNIT["万元"]

# The summary tables' grand totals, most inclusive first (Guangzhou, Shanghai: 总计; Jiangsu: 合计).
_GRAND = {
    "income": ("收入总计", "收入合计", "总计", "合计", "本年收入合计"),
    "expenditure": ("支出总计", "支出合计", "总计", "合计", "本年支出合计"),
}
# This year's totals, before carry-overs (本年收入合计; Jiangsu: 当年收入小计).
_YEAR = {
    "income": ("本年收入合计", "当年收入小计"),
    "expenditure": ("本年支出合计", "当年支出小计"),
}
# (table, side, the lines that print the figure: the first printed wins) of each total the
# narrative states: 收支总预算 / 收入预算 the grand total, 本年收入预算 this year's.
_SUMMARY_TOPICS = {
    "income_total": ("t01_summary", "income", _GRAND["income"]),
    "expenditure_total": ("t01_summary", "expenditure", _GRAND["expenditure"]),
    "income_year_total": ("t01_summary", "income", _YEAR["income"] + _GRAND["income"]),
    "expenditure_year_total": (
        "t01_summary", "expenditure", _YEAR["expenditure"] + _GRAND["expenditure"]
    ),
    "fiscal_income_total": ("t04_fiscal_summary", "income", _GRAND["income"]),
    "fiscal_expenditure_total": ("t04_fiscal_summary", "expenditure", _GRAND["expenditure"]),
}  # fmt: skip
# Without a 财政拨款收支总表 (a university's four tables): the 财政拨款 line of t01's income
# side, and the 合计 of the 财政拨款 spending table.
_FISCAL_INCOME_LINE = "财政拨款"
_FISCAL_SPENDING_TABLE = "t13_fiscal_function"
# 一般公共预算(财政拨款)基本支出 and its parts: the basic spending table's total, or the total
# of its 人员经费 / 公用经费 list (a 决算 prints the two side by side, each with its 合计).
_BASIC_TABLE = "t06_gpb_basic_economic"
_BASIC_SECTIONS = {
    "gp_basic": None,
    "gp_basic_personnel": "人员经费",
    "gp_basic_public": "公用经费",
}


# Tables some provinces print on their own (Jiangsu): their 合计 row is the total.
_TITLED_TOTALS = {ADMIN_OPERATING: "机关运行经费", "procurement_total": "政府采购"}


Found = tuple[str, str, Decimal, tuple[int, ...]]  # (table, row, amount in 元, pages)


class StatedTables:
    """Where a topic's table figure is printed: (table, row, amount in 元, pages)."""

    def __init__(self, doc: BudgetDoc | dict) -> None:
        self.doc = BudgetDoc.of(doc)

    def _yuan(self, table: Table, text: str | None) -> Decimal:
        return amount(text) * YUAN_PER_UNIT[self.doc.unit_of(table)]

    def _pages(self, key: str) -> tuple[int, ...]:
        return self.doc.table_pages.get(key, ())

    @cached_property
    def _patterns(self):
        """The 三公 patterns, read once per document rather than once per stated figure."""
        return read_three_public_categories()

    def counterpart(self, topic: str, sentence: str = "") -> Found | None:
        if topic == "key_project":  # the sentence is the project's name
            table = self.doc.table(PROJECTS)
            rows = table.rows if table is not None else ()
            row = next((r for r in rows if r.name == sentence), None)
            if row is not None and row.values:
                yuan = self._yuan(table, row.values[0])
                return PROJECTS, row.name, yuan, self._pages(PROJECTS)
        if topic in _SUMMARY_TOPICS:
            key, side, labels = _SUMMARY_TOPICS[topic]
            table = self.doc.table(key)
            items = {i.item: i.amount for i in table.side(side)} if table is not None else {}
            label = next((name for name in labels if name in items), None)
            if label is not None:
                return key, label, self._yuan(table, items[label]), self._pages(key)
            if table is None and topic.startswith("fiscal_"):
                return self._fiscal_without_summary(topic)
        if topic in CATEGORIES:  # a 三公 line, stated under its category's name
            key = "t07_three_public"
            table = self.doc.table(key)
            rows = table.rows if table is not None else ()
            row = next((r for r in rows if category_of(r.item, self._patterns) == topic), None)
            if row is not None and row.values:
                return key, row.item, self._yuan(table, row.values[0]), self._pages(key)
        if topic in _BASIC_SECTIONS:
            return self._basic_spending(topic)
        if topic in _TITLED_TOTALS:
            for extra in self.doc.extra_tables:
                if _TITLED_TOTALS[topic] in extra.title and extra.rows:
                    row = extra.rows[0]
                    if row.is_total and row.values:
                        yuan = self._yuan(extra, row.values[0])
                        return extra.title, "合计", yuan, extra.pages
        return None

    def _basic_spending(self, topic: str) -> Found | None:
        """The 一般公共预算基本支出 table's total (a 决算's 人员经费合计 + 公用经费合计, each
        under its own list), or the total of the part the topic names."""
        table = self.doc.table(_BASIC_TABLE)
        parts = sections(table.rows) if table is not None else []
        if not parts or not all(total.values for total, _ in parts):
            return None
        pages = self._pages(_BASIC_TABLE)
        words = _BASIC_SECTIONS[topic]
        if words is None:
            yuan = sum((self._yuan(table, total.values[0]) for total, _ in parts), Decimal(0))
            return _BASIC_TABLE, " + ".join(total.title for total, _ in parts), yuan, pages
        total = next((total for total, _ in parts if words in total.title), None)
        if total is None:  # the table prints no such part: nothing to compare with
            return None
        return _BASIC_TABLE, total.title, self._yuan(table, total.values[0]), pages

    def _fiscal_without_summary(self, topic: str) -> Found | None:
        if topic == "fiscal_income_total":
            table = self.doc.table("t01_summary")
            lines = table.side("income") if table is not None else ()
            line = next(
                (
                    i
                    for i in lines
                    if HEADING_LABEL.sub("", i.title).startswith(_FISCAL_INCOME_LINE)
                ),
                None,
            )
            if line is not None:
                return (
                    "t01_summary",
                    line.title,
                    self._yuan(table, line.amount),
                    self._pages("t01_summary"),
                )
            return None
        table = self.doc.table(_FISCAL_SPENDING_TABLE)
        total = next((r for r in table.rows if r.is_total), None) if table is not None else None
        if total is not None and total.values:
            yuan = self._yuan(table, total.values[0])
            return _FISCAL_SPENDING_TABLE, total.title, yuan, self._pages(_FISCAL_SPENDING_TABLE)
        return None

    def other_totals(self, topic: str) -> dict[str, Decimal]:
        """The other totals printed on the side a summary topic reads (收入总计 beside
        本年收入合计), in 元: a sentence may mean either."""
        if topic not in _SUMMARY_TOPICS:
            return {}
        key, side, _ = _SUMMARY_TOPICS[topic]
        table = self.doc.table(key)
        if table is None:
            return {}
        totals = _GRAND[side] + _YEAR[side]
        return {i.item: self._yuan(table, i.amount) for i in table.side(side) if i.item in totals}


def _unless_unsure(tables: StatedTables, figure: StatedFigure, table: str, finding: Finding):
    """A WARN `could not verify` instead of an ERROR when the table is one the parser is
    unsure of, or the sentence's figure is another total the same table prints (收入预算
    said of 本年收入合计 rather than 收入总计: the wording, not the publisher, is unclear)."""
    doubt = tables.doc.doubt([table]) if table in tables.doc.tables else ""
    stated = Decimal(figure.figure) * YUAN_PER_UNIT[figure.unit]
    other = next(
        (
            label
            for label, yuan in tables.other_totals(figure.topic).items()
            if label != finding.row and abs(stated - yuan) <= TOLERANCE_WAN * _WAN
        ),
        None,
    )
    if other:
        doubt = f"the sentence's figure is the table's {other}, not {finding.row}"
    if not doubt:
        return finding
    return replace(finding, severity=WARN, rule=unverified(finding.rule, doubt))


def check_narrative_consistency(doc: BudgetDoc | dict) -> CheckOutcome:
    """Each figure the narrative states equals the table figure (within 0.5 万元)."""
    tables = StatedTables(doc)
    comparisons, findings, unmatched = [], [], []
    for figure in tables.doc.narrative_figures:
        if figure.unit == "%" or figure.topic in EXECUTION_TOPICS:
            continue
        found = tables.counterpart(figure.topic, figure.sentence)
        if found is None:
            unmatched.append(figure.topic)
            continue
        table, row, amount, pages = found
        comparison, finding = stated_against_table(
            figure, table, row, amount, pages, "stated in the narrative = printed in the table"
        )
        comparisons.append(comparison)
        if finding:
            findings.append(_unless_unsure(tables, figure, table, finding))
    stated, broke = execution_checks(tables.doc)  # a final account's statements and shares
    comparisons += stated
    findings += broke
    no_table = (
        f"; stated with no table counterpart (not an error): {', '.join(dict.fromkeys(unmatched))}"
        if unmatched
        else ""
    )
    return CheckOutcome(
        "narrative_consistency",
        f"each figure the narrative states equals its table figure, units converted, within "
        f"{TOLERANCE_TEXT}; each share and completion rate its figures' own, to its decimals"
        f"{no_table}",
        tuple(comparisons),
        tuple(findings),
    )


def wan_text(yuan: Decimal) -> str:
    return plain(yuan / _WAN)
