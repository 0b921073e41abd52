"""One document's health at a glance, on its partition of stg_budget_tables.

Dagster shows a check per check, across every document; an analyst asks "is this
department-year all right, and if not, what is worst?". Each document's materialisation
therefore carries its checks summarised: passed / WARN / ERROR with the count and the worst
finding of each, from the rows dq_finding holds (the view v_document_health says the same
in SQL).
"""

from collections.abc import Mapping, Sequence

import dagster as dg

from pipelines import quality
from pipelines.quality.markdown import figure_text

PASSED = "passed"


def worst_finding(findings: Sequence[Mapping]) -> Mapping | None:
    """The first error (a structural one, then the largest difference), else the first
    warning: the order v_document_health ranks them in."""

    def rank(finding: Mapping) -> tuple:
        difference = finding["difference"]
        return (
            finding["severity"] != quality.ERROR,
            difference is not None,
            -abs(difference) if difference is not None else 0,
            finding["finding_index"],
        )

    return min(findings, key=rank, default=None)


def finding_line(finding: Mapping) -> str:
    """A finding as one line: where, expected, actual and by how much."""
    unit = f" {finding['unit']}" if finding.get("unit") else ""
    line = (
        f"{finding['table_key']} {finding['row_label']} {finding['column_name']}: expected "
        f"{finding['expected_text']}, actual {finding['actual_text']}{unit}"
    )
    if finding["difference"] is not None:
        line += f" (difference {figure_text(finding['difference'])})"
    return line


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def health_metadata(
    outcomes: Mapping[str, quality.CheckOutcome], stored: Mapping[str, Sequence[Mapping]]
) -> dict:
    """`health` (one line: ERROR / WARN / OK and which checks) and `checks` (a table: each
    check's result, its findings counted and its worst finding) of one document."""
    results = {name: outcome.severity or PASSED for name, outcome in outcomes.items()}
    rows = ["| check | result | findings | worst finding |", "|---|---|---|---|"]
    for name in sorted(outcomes, key=lambda n: (results[n] == PASSED, results[n] != "ERROR", n)):
        findings = stored.get(name, [])
        errors = sum(f["severity"] == quality.ERROR for f in findings)
        counted = f"{errors} error(s), {len(findings) - errors} warning(s)" if findings else ""
        worst = worst_finding(findings)
        rows.append(
            f"| {name} | {results[name]} | {counted} | "
            f"{_cell(finding_line(worst)) if worst else ''} |"
        )
    by_result = {
        result: [n for n in sorted(results) if results[n] == result]
        for result in (quality.ERROR, quality.WARN)
    }
    said = [f"{result}: {', '.join(names)}" for result, names in by_result.items() if names]
    passed = sum(result == PASSED for result in results.values())
    headline = "ERROR" if by_result[quality.ERROR] else "WARN" if by_result[quality.WARN] else "OK"
    health = f"{headline} — " + "; ".join([*said, f"{passed} of {len(results)} checks passed"])
    return {"health": health, "checks": dg.MetadataValue.md("\n".join(rows))}
