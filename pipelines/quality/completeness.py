"""Completeness: every table the layout publishes is there, every row is full width, and
every printed amount has a label (an amount about nothing would load as a fact about
nothing, so it is an ERROR until it is placed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipelines.budget_doc import DEFAULT_LAYOUT, PUBLISHED_TABLES, SUMMARY_SIDES, TWO_SIDED
from pipelines.quality.amounts import tables_of
from pipelines.quality.outcome import WARN, CheckOutcome, Finding, structural
from pipelines.quality.rows import has_label, row_label


def _where(lines: list[dict], i: int, prefix: str = "") -> str:
    """`row 7 (below 三、其他资金)`: a position a reader finds on the page."""
    above = next(
        (row_label(r) or r.get("label") for r in reversed(lines[:i]) if has_label(r)), None
    )
    return f"{prefix}row {i + 1}" + (f" (below {above})" if above else " (first row)")


def _unlabelled_amounts(doc: dict) -> Iterable[Finding]:
    """Every printed amount on a row without a label: it would load as a fact about
    nothing (an item `""` on both sides of t01), so it is an ERROR until it is placed."""
    rule, expected = "every amount has a label", "a labelled row"
    named = list(tables_of(doc).items())
    named += [
        (f"extra table {t.get('title') or i}", t)
        for i, t in enumerate(doc.get("extra_tables") or [])
    ]
    for key, table in named:
        for side in SUMMARY_SIDES:
            items = table.get(side) or []
            for i, item in enumerate(items):
                if item.get("amount") and not has_label(item):
                    where = _where(items, i, f"{side}: ")
                    yield structural(key, where, "amount", rule, expected, item["amount"])
        rows = table.get("rows") or []
        columns = table.get("columns") or []
        for i, row in enumerate(rows):
            if has_label(row):
                continue
            for j, value in enumerate(row.get("values") or []):
                if value:
                    column = columns[j] if j < len(columns) else f"column {j + 1}"
                    yield structural(key, _where(rows, i), column, rule, expected, value)


def check_completeness(doc: dict) -> CheckOutcome:
    """All published tables present with rows, every row full width, every amount labelled."""
    findings: list[Finding] = []
    for key in ("department", "fiscal_year", "unit"):
        if not doc.get(key):
            findings.append(structural("document", key, "", "field present", "a value", "none"))
    tables = tables_of(doc)
    for key in PUBLISHED_TABLES[doc.get("layout", DEFAULT_LAYOUT)]:
        table = tables.get(key)
        if table is None:
            findings.append(structural(key, "", "", "table present", "present", "missing"))
            continue
        if key in TWO_SIDED:
            for side in ("income", "expenditure"):
                if not table.get(side):
                    findings.append(
                        structural(key, side, "", "side has items", "≥ 1 item", "0 items")
                    )
            continue
        rows = table.get("rows") or []
        printed = any(v is not None for row in rows for v in row.get("values") or [])
        if not printed and not table.get("note"):  # an empty table must say it is empty
            finding = structural(
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
                    structural(
                        key,
                        row_label(row),
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
