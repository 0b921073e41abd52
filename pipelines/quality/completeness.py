"""Completeness: every table the layout publishes is there, every row is full width, and
every printed amount has a label (an amount about nothing would load as a fact about
nothing, so it is an ERROR until it is placed)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipelines.budget_doc import (
    DEFAULT_LAYOUT,
    PUBLISHED_TABLES,
    SUMMARY_SIDES,
    TWO_SIDED,
    BudgetDoc,
    Line,
    Row,
)
from pipelines.quality.outcome import WARN, CheckOutcome, Finding, structural


def _where(lines: Sequence[Line | Row], i: int, prefix: str = "") -> str:
    """`row 7 (below 三、其他资金)`: a position a reader finds on the page."""
    above = next((r.title for r in reversed(lines[:i]) if r.has_label), None)
    return f"{prefix}row {i + 1}" + (f" (below {above})" if above else " (first row)")


def _unlabelled_amounts(doc: BudgetDoc) -> Iterable[Finding]:
    """Every printed amount on a row without a label: it would load as a fact about
    nothing (an item `""` on both sides of t01), so it is an ERROR until it is placed."""
    rule, expected = "every amount has a label", "a labelled row"
    named = list(doc.tables.items())
    named += [(f"extra table {t.title or i}", t) for i, t in enumerate(doc.extra_tables)]
    for key, table in named:
        for side in SUMMARY_SIDES:
            items = table.side(side)
            for i, item in enumerate(items):
                if item.amount and not item.has_label:
                    where = _where(items, i, f"{side}: ")
                    yield structural(key, where, "amount", rule, expected, item.amount)
        rows = table.rows
        columns = table.columns
        for i, row in enumerate(rows):
            if row.has_label:
                continue
            for j, value in enumerate(row.values):
                if value:
                    column = columns[j] if j < len(columns) else f"column {j + 1}"
                    yield structural(key, _where(rows, i), column, rule, expected, value)


def check_completeness(doc: BudgetDoc | dict) -> CheckOutcome:
    """All published tables present with rows, every row full width, every amount labelled."""
    doc = BudgetDoc.of(doc)
    findings: list[Finding] = []
    for key in ("department", "fiscal_year", "unit"):
        if not getattr(doc, key):
            findings.append(structural("document", key, "", "field present", "a value", "none"))
    for key in PUBLISHED_TABLES[doc.layout]:
        table = doc.table(key)
        if table is None:
            findings.append(structural(key, "", "", "table present", "present", "missing"))
            continue
        if key in TWO_SIDED:
            for side in ("income", "expenditure"):
                if not table.side(side):
                    findings.append(
                        structural(key, side, "", "side has items", "≥ 1 item", "0 items")
                    )
            continue
        rows = table.rows
        if not table.prints_amounts() and not table.note:  # an empty table must say it is empty
            finding = structural(
                key, "", "", "table prints amounts or says it is empty",
                "amounts or a note", "a blank table",
            )  # fmt: skip
            if doc.layout != DEFAULT_LAYOUT:
                # A grid of headers only, with neither wording (无, 此表为空…) nor a blank
                # 合计 row: worth a look, not a failed load (Guangzhou always prints its
                # zero 合计 row and 本表本年无发生额).
                finding = replace(finding, severity=WARN)
            findings.append(finding)
        if not rows:
            continue
        width = len(table.columns)
        for row in rows:
            n = len(row.values)
            if n != width:
                findings.append(
                    structural(
                        key,
                        row.title,
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
