"""Final against budget: the 年初预算 a final account's 说明 states (`年初预算为 X 万元`, for
一般公共预算财政拨款支出 and for each 项) against what the budget of the same department, year
and kind prints for it (its 一般公共预算支出表, t05), both read from the warehouse.

A writer check, like year over year: it runs inside the load transaction, and loading the
budget after its final accounts judges the final accounts again. Same 0.5 万元 allowance as
narrative_consistency. A disagreement is a WARN that says `could not verify`: two
publications disagree, and a 决算 may count as its 年初预算 money or units the published
budget did not (a budget adjusted before the year began, a unit merged in), so which one is
right is not for the parser to say.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pipelines.budget_doc import BUDGET_STAGE, FINAL_STAGE
from pipelines.doc_reader import StatedFigure
from pipelines.quality.narrative import wan_text
from pipelines.quality.outcome import WARN, CheckOutcome, plain, unverified
from pipelines.quality.stated import TOLERANCE_TEXT, stated_against_table
from pipelines.quality.year_over_year import StoredDocument, document_of_year
from pipelines.warehouse.sql_files import read_sql

NAME = "final_vs_budget"
_T05 = "t05_gpb_function"
_DOUBT = "two publications disagree (a 决算's 年初预算 may count money or units its budget did not)"


def budget_of_final(con, document) -> StoredDocument | None:
    """The loaded budget a final account is set against: same department, year and kind."""
    return document_of_year(con, document, document.fiscal_year, BUDGET_STAGE)


def final_of_budget(con, document) -> StoredDocument | None:
    """The loaded final accounts of a budget's department, year and kind, if any."""
    if document.stage != BUDGET_STAGE:
        return None
    return document_of_year(con, document, document.fiscal_year, FINAL_STAGE)


def check_final_vs_budget(con, report) -> CheckOutcome:
    """A final account's stated 年初预算 = its budget's printed figure, within 0.5 万元.
    `report`: a LoadReport or a StoredDocument."""
    description = (
        f"the 年初预算 a final account states equals its loaded budget's (t05), within "
        f"{TOLERANCE_TEXT}"
    )
    if report.stage != FINAL_STAGE:
        return CheckOutcome(NAME, f"{description}; a budget: its final accounts are set against it")
    budget = budget_of_final(con, report)
    if budget is None:
        return CheckOutcome(NAME, f"{description}; no budget of that year in the warehouse")
    rows = con.execute(
        read_sql("checks/select_stated_budget_against_budget"),
        {"final_id": report.document_id, "budget_id": budget.document_id},
    ).fetchall()
    comparisons, findings = [], []
    for (
        topic,
        figure,
        unit,
        page,
        sentence,
        subject,
        code,
        budget_yuan,
        budget_page,
        in_t05,
    ) in rows:
        if not in_t05 or (topic == "item_budget" and code is None):
            continue  # nothing to set it against: no t05 in the budget, a 项 not found
        stated = StatedFigure(topic, plain(figure), unit, page, sentence, subject)
        row = "合计" if topic == "gp_appropriation_budget" else f"{code} {subject or ''}".strip()
        planned = budget_yuan if budget_yuan is not None else Decimal(0)  # no row: nothing planned
        year = report.fiscal_year
        printed = f"{wan_text(planned)} 万元" if budget_yuan is not None else "no such row"
        rule = f"年初预算 stated by the {year} 决算 = the {year} 预算's t05 {row} ({printed})"
        pages = (budget_page,) if budget_page else ()
        comparison, finding = stated_against_table(stated, _T05, row, planned, pages, rule)
        comparisons.append(comparison)
        if finding:
            findings.append(replace(finding, severity=WARN, rule=unverified(finding.rule, _DOUBT)))
    return CheckOutcome(NAME, description, tuple(comparisons), tuple(findings))
