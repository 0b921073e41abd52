"""Check evidence as markdown tables, shown as asset-check metadata in the UI
(assets/checks.py, assets/warehouse.py): the offending rows, rendered from the rows
dq_finding holds (`pipelines.warehouse.findings.stored_findings`), and the totals a check
compared. Presentation, apart from the result model (outcome.py); imports no Dagster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from pipelines.quality.outcome import CheckOutcome, finding_of, plain


def findings_markdown(rows: Sequence[Mapping], where: str = "", limit: int = 50) -> str:
    """Findings as dq_finding rows, as a markdown table: the first `limit`, then how many
    more there are and the query that lists them all (`where`: the condition selecting
    exactly these rows of dq_finding)."""
    if not rows:
        return "No offending rows."
    head = (
        "| severity | table | row | column | rule | expected | actual | difference "
        "| kind | rounding tolerance | page |\n"
    )
    head += "|---|---|---|---|---|---:|---:|---:|---|---|---:|\n"
    lines = [
        f"| {r['severity']} | {_cell(r['table_key'])} | {_cell(r['row_label'])} "
        f"| {_cell(r['column_name'])} | {_cell(r['rule'])} | {_cell(r['expected_text'])} "
        f"| {_cell(r['actual_text'])} | {figure_text(r['difference'])} | {r['finding_kind']} "
        f"| {_cell(r['tolerance_text'] or '')} | {r['page'] or ''} |"
        for r in rows[:limit]
    ]
    more = len(rows) - limit
    query = f" (select * from dq_finding where {where})" if where else ""
    tail = f"\n\n… and {more} more{query}" if more > 0 else ""
    return head + "\n".join(lines) + tail


def figure_text(value: Decimal | None) -> str:
    """A finding's figure exactly, with at least two decimals, however it is stored
    (DECIMAL(38,10): -0.0100000000 -> -0.01); '' for none."""
    if value is None:
        return ""
    whole, _, decimals = plain(value).partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


def headline_markdown(outcome: CheckOutcome) -> str:
    """Expected against actual for the grand totals the check compared (amounts printed as
    a finding prints them)."""
    rows = outcome.headline or outcome.comparisons[:10]
    if not rows:
        return "Nothing to compare."
    head = "| table | row | column | rule | expected | actual | unit |\n"
    head += "|---|---|---|---|---:|---:|---|\n"
    return head + "\n".join(
        f"| {c.table} | {_cell(c.row)} | {_cell(c.column)} | {_cell(c.rule)} "
        f"| {shown.expected} | {shown.actual} | {c.unit} |"
        for c, shown in ((c, finding_of(c)) for c in rows)
    )


def _cell(text: str) -> str:
    """Text inside a markdown table cell: a `|` would end the cell."""
    return str(text).replace("|", "\\|")
