"""A check outcome's evidence as markdown tables: its offending rows and the totals it
compared. Apart from the result model (outcome.py) because it is presentation: shown as
asset-check metadata in the UI (assets/checks.py) and kept in fact_dq_check.detail by the
writer (pipelines.batch), so it lives here, below both, and imports no Dagster."""

from __future__ import annotations

from pipelines.quality.outcome import CheckOutcome, finding_of


def findings_markdown(outcome: CheckOutcome, limit: int = 50) -> str:
    """The offending rows as a markdown table (the first `limit`)."""
    if not outcome.findings:
        return "No offending rows."
    head = (
        "| severity | table | row | column | rule | expected | actual | difference "
        "| kind | rounding tolerance |\n"
    )
    head += "|---|---|---|---|---|---:|---:|---:|---|---|\n"
    lines = [
        f"| {f.severity} | {f.table} | {_cell(f.row)} | {_cell(f.column)} | {_cell(f.rule)} "
        f"| {f.expected} | {f.actual} | {'' if f.difference is None else f.difference} "
        f"| {f.kind} | {f.tolerance} |"
        for f in outcome.findings[:limit]
    ]
    more = len(outcome.findings) - limit
    tail = f"\n\n… and {more} more" if more > 0 else ""
    return head + "\n".join(lines) + tail


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
