"""Row identity: in every row, a total column equals the sum of the leaf columns it spans
(a column printed as a 其中 part of the one before it, `column_parts`, is in that one
already)."""

from __future__ import annotations

from collections.abc import Sequence

from pipelines.budget_doc import CODED, ITEMISED, PROJECTS, TOTAL_COLUMNS
from pipelines.doc_reader import BudgetDoc
from pipelines.quality.amounts import DocAmounts, addends_of
from pipelines.quality.outcome import ZERO, CheckOutcome, Evidence

# The 财政拨款 columns a 合计 sub-total spans when a table also has a 总计 (t11, t12).
FISCAL_COLUMNS = ("一般公共预算", "政府性基金预算", "国有资本经营预算")


def column_identities(columns: Sequence[str]) -> list[tuple[int, list[int]]]:
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


def check_row_identity(doc: BudgetDoc | dict) -> CheckOutcome:
    """In every row, a total column (合计/总计/小计) equals the sum of its leaf columns."""
    d = DocAmounts(doc)
    found = Evidence()
    for key, table in d.tables((*CODED, *ITEMISED, PROJECTS)):
        columns = table.columns
        parts = d.doc.column_parts.get(key) or {}
        for total, leaves in column_identities(columns):
            leaves = [k for k in leaves if columns[k] not in parts]  # in its whole already
            rule = f"{columns[total]} = " + " + ".join(columns[k] for k in leaves)
            for i, row in enumerate(table.rows):
                c = d.compare(
                    [key],
                    key,
                    row.title,
                    columns[total],
                    rule,
                    sum((d.value(key, row.value(k)) for k in leaves), ZERO),
                    d.value(key, row.value(total)),
                    addends_of(row.value(k) for k in leaves),
                )
                found.comparisons.append(c)
                if i == 0:
                    found.headline.append(c)
    return found.outcome(
        "row_identity",
        "per row, each total column equals the sum of its leaf columns "
        "(合计 = 基本支出 + 项目支出 + …)",
    )
