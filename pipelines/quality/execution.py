"""A final account's 说明 against its own figures: what it says it spent (支出决算) against
the table that prints it, how much of the budget that is (完成年初预算的 Z%) against the
two figures it states, which way they differ (决算数小于预算数) against their sign, its
三公 预算数 / 决算数 against the 三公 table, and every share it states (占 Y%) against its
part and whole. Part of `narrative_consistency`; the statements are read by
`pipelines.extraction.statements`.

A share or a completion rate is checked as printed, to its decimals: the figures it is
computed from give it exactly (ROUND_HALF_UP); one unit of its last digit off is a WARN
(publishers round shares so that a list adds up to 100), more is an ERROR. A completion
rate stated over a 年初预算 of 0 is an ERROR: no rate of zero exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from pipelines.budget_doc import SPENDING_TABLES, YUAN_PER_UNIT
from pipelines.doc_reader import BudgetDoc, Row, StatedFigure, Table
from pipelines.quality.amounts import amount
from pipelines.quality.outcome import Comparison, Finding, finding_of, structural
from pipelines.quality.stated import TOLERANCE_WAN, stated_against_table

# The statements `statements.execution_figures` reads, by the prefix of their topics.
SUBJECTS = ("gp_appropriation", "three_public", "item", "execution")
PARTS = ("budget", "adjusted", "actual", "pct", "direction")
SHARE = "share"
TOPICS = frozenset(
    [f"{s}_{p}" for s in SUBJECTS for p in PARTS] + [SHARE, f"{SHARE}_part", f"{SHARE}_whole"]
)
_HUNDRED = Decimal(100)
_WAN = YUAN_PER_UNIT["万元"]
_THREE_PUBLIC = "t07_three_public"
# Tables whose total a share's whole may be: the spending (t03), the 一般公共预算 and the
# 财政拨款 spending by function (t05, t13).
_SHARED = ("t03_expenditure", *SPENDING_TABLES)


def execution_checks(doc: BudgetDoc) -> tuple[list[Comparison], list[Finding]]:
    """Every comparison the 决算 statements and shares of `doc` make, and what broke."""
    comparisons: list[Comparison] = []
    findings: list[Finding] = []
    for (subject_kind, subject, _), parts in _statements(doc.narrative_figures).items():
        if subject_kind == SHARE:
            _share(parts, comparisons, findings)
            _share_part(doc, parts, comparisons, findings)
        else:
            _statement(doc, subject_kind, subject, parts, comparisons, findings)
    return comparisons, findings


def _statements(figures: Iterable[StatedFigure]) -> dict:
    """Figures grouped by statement: (what kind, its subject, its sentence) → part → figure."""
    out: dict[tuple, dict[str, StatedFigure]] = {}
    for f in figures:
        if f.topic not in TOPICS:
            continue
        kind, _, part = f.topic.partition("_") if f.topic.startswith(SHARE) else _split(f.topic)
        key = (kind, f.subject, f.sentence)
        out.setdefault(key, {})[part or SHARE] = f
    return out


def _split(topic: str) -> tuple[str, str, str]:
    kind, _, part = topic.rpartition("_")
    return kind, "_", part


def _statement(doc, kind, subject, parts, comparisons, findings) -> None:
    budget, actual = parts.get("budget"), parts.get("actual")
    if actual is not None and (found := _printed(doc, kind, subject, "决算数")):
        table, row, yuan, pages = found
        rule = "支出决算 stated in the 说明 = printed in the table"
        comparison, finding = stated_against_table(actual, table, row, yuan, pages, rule)
        comparisons.append(comparison)
        findings += [finding] if finding else []
    if kind == "three_public" and budget is not None:
        if found := _printed(doc, kind, subject, "预算数"):
            table, row, yuan, pages = found
            rule = "年初预算 stated in the 说明 = the 三公 table's 预算数"
            comparison, finding = stated_against_table(budget, table, row, yuan, pages, rule)
            comparisons.append(comparison)
            findings += [finding] if finding else []
    if budget is None or actual is None:
        return
    x, y = Decimal(budget.figure), Decimal(actual.figure)
    where = f"说明 p.{actual.page or '?'} (「{actual.sentence}」)"
    if (pct := parts.get("pct")) is not None:
        if x == 0:
            findings.append(
                structural(
                    "narrative", subject or kind, "完成预算的 %",
                    f"a completion rate needs a 年初预算: {where}",
                    "no rate (年初预算 0)", f"{pct.figure}%", page=pct.page,
                )
            )  # fmt: skip
        else:
            rule = f"完成年初预算的 % = 支出决算 ÷ 年初预算: {where}"
            _percent(pct, y / x * _HUNDRED, subject or kind, rule, comparisons, findings)
    if (direction := parts.get("direction")) is not None:
        sign = (y > x) - (y < x)
        stated = int(direction.figure)
        if sign != stated:
            words = {-1: "小于", 0: "持平", 1: "大于"}
            findings.append(
                structural(
                    "narrative", subject or kind, "决算数 vs 预算数",
                    f"the stated direction agrees with the figures: {where}",
                    f"{words[sign]} ({y} vs {x})", words[stated], page=direction.page,
                )
            )  # fmt: skip


def _share(parts, comparisons, findings) -> None:
    share, part, whole = parts.get(SHARE), parts.get("part"), parts.get("whole")
    if share is None or part is None or whole is None or Decimal(whole.figure) == 0:
        return
    rule = f"占 % = part ÷ whole: 说明 p.{share.page or '?'} (「{share.sentence}」)"
    exact = Decimal(part.figure) / Decimal(whole.figure) * _HUNDRED
    _percent(share, exact, share.subject or SHARE, rule, comparisons, findings)


def _share_part(doc: BudgetDoc, parts, comparisons, findings) -> None:
    """A share's part against the table whose total is the share's whole: its column
    (基本支出 of a 本年支出合计 2940.05) or its 类 (一般公共服务支出 of the 一般公共预算财政
    拨款支出 2940.05)."""
    part, whole = parts.get("part"), parts.get("whole")
    if part is None or whole is None:
        return
    name = (part.subject or "").removeprefix("其中")
    for key in _SHARED:
        table = doc.table(key)
        total = next((r for r in table.rows if r.is_total), None) if table else None
        if total is None or not _same(doc, table, total.value(0), whole):
            continue
        if name in table.columns:
            row, j = total, table.columns.index(name)
        else:
            row = next((r for r in table.rows if len(r.code or "") == 3 and r.name == name), None)
            j = 0
        if found := _found(doc, key, table, row, j):
            table_key, label, yuan, pages = found
            rule = f"a share's part stated in the 说明 = printed in the table ({name})"
            comparison, finding = stated_against_table(part, table_key, label, yuan, pages, rule)
            comparisons.append(comparison)
            findings += [finding] if finding else []
        return


def _same(doc: BudgetDoc, table: Table, printed: str | None, whole: StatedFigure) -> bool:
    """A table total and a stated whole are one figure (the 说明 rounds: within 0.5 万元)."""
    yuan = amount(printed) * YUAN_PER_UNIT[doc.unit_of(table)]
    stated = Decimal(whole.figure) * YUAN_PER_UNIT[whole.unit]
    return abs(yuan - stated) <= TOLERANCE_WAN * _WAN


def _percent(stated: StatedFigure, exact: Decimal, row: str, rule, comparisons, findings):
    """A percentage as printed against the figures' own, rounded to its decimals."""
    decimals = len(stated.figure.partition(".")[2])
    step = Decimal(1).scaleb(-decimals)
    expected = exact.quantize(step, rounding=ROUND_HALF_UP)
    comparison = Comparison(
        "narrative", row, "%", rule, expected, Decimal(stated.figure), "%", step, 2
    )
    comparisons.append(comparison)
    if comparison.severity:
        findings.append(replace(finding_of(comparison), page=stated.page))  # the statement's


def _printed(doc: BudgetDoc, kind: str, subject: str | None, column: str):
    """Where a statement's figure is printed: (table, row, amount in 元, pages), else None.

    一般公共预算财政拨款支出: the 合计 of the spending table; 三公: its 三公 line, the column
    `column` (预算数 / 决算数); a 项: its row in the spending table, by code (`2050202`) or by
    its 类 / 款 / 项 names."""
    if kind == "three_public":
        table = doc.table(_THREE_PUBLIC)
        row = next((r for r in table.rows if "三公" in (r.item or "")), None) if table else None
        j = table.columns.index(column) if table and column in table.columns else 0
        return _found(doc, _THREE_PUBLIC, table, row, j)
    key = doc.spending_key()
    if key is None or kind not in ("gp_appropriation", "item"):
        return None
    table = doc.table(key)
    if kind == "gp_appropriation":
        return _found(doc, key, table, next((r for r in table.rows if r.is_total), None), 0)
    return _found(doc, key, table, table.row_of_subject(subject or ""), 0)


def _found(doc: BudgetDoc, key: str, table: Table | None, row: Row | None, j: int):
    if table is None or row is None:
        return None
    yuan = amount(row.value(j)) * YUAN_PER_UNIT[doc.unit_of(table)]
    return key, row.title, yuan, doc.table_pages.get(key, ())
