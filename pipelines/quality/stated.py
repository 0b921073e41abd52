"""One figure the narrative states against the amount a table (or the warehouse) prints.

0.5 万元 allowed: the narrative rounds (32.8 for 32.80; 16497.86 万元 for 164,978,640 元),
as finance bureaus' own review tools allow. Shared by `narrative` (totals, 三公 …),
`execution` (a 决算's 支出决算 statements) and `year_over_year` (the stated change).
"""

from __future__ import annotations

from decimal import Decimal

from pipelines.budget_doc import YUAN_PER_UNIT
from pipelines.doc_reader import StatedFigure
from pipelines.quality.outcome import ERROR, Comparison, Finding, plain

TOLERANCE_WAN = Decimal("0.5")
TOLERANCE_TEXT = f"{TOLERANCE_WAN} 万元"
_WAN = YUAN_PER_UNIT["万元"]


def _pages(pages: tuple[int, ...]) -> str:
    return ",".join(str(p) for p in pages) or "?"


def stated_against_table(
    figure: StatedFigure,
    table: str,
    row: str,
    table_yuan: Decimal,
    table_pages: tuple[int, ...],
    rule: str,
) -> tuple[Comparison, Finding | None]:
    """One stated figure against the amount a table (or the warehouse) gives, in 万元."""
    stated = Decimal(figure.figure) * YUAN_PER_UNIT[figure.unit] / _WAN
    expected = table_yuan / _WAN
    comparison = Comparison(table, row, figure.topic, rule, expected, stated, "万元", Decimal(1), 1)
    if abs(stated - expected) <= TOLERANCE_WAN:
        return comparison, None
    finding = Finding(
        table=table,
        row=row,
        column=figure.topic,
        rule=f"{rule}: narrative p.{figure.page or '?'} states "
        f"{figure.figure}{figure.unit} (「{figure.sentence}」); "
        f"table p.{_pages(table_pages)}",
        expected=plain(expected),
        actual=plain(stated),  # 9400, not 9.4E+3
        difference=stated - expected,
        severity=ERROR,
        unit="万元",
        tolerance=TOLERANCE_TEXT,
        expected_value=expected,
        actual_value=stated,
        tolerance_value=TOLERANCE_WAN,
    )
    return comparison, finding
