"""Data-quality checks over one budget-doc/1 document: pure functions, Decimal arithmetic.

Each `check_*` takes the document (a `doc_reader.BudgetDoc`, or the dict it reads) and
returns a `CheckOutcome`: every comparison it made and the `Finding`s that did not hold
(`outcome.py`: the result model and the rounding rule). One module per rule:
`completeness`, `balance`, `hierarchy`, `row_identity`, `cross_table` (its identities are
data), `narrative` (stated figures against the tables), and the writer's checks over the
warehouse, run inside the load transaction: `referential_integrity`, `year_over_year` and
`final_vs_budget`.
`amounts` reads the amounts for all of them; what a total row or a project is, `budget_doc`
decides. No Dagster import here: the asset checks in `assets/checks.py` and the tests call
these functions directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pipelines.doc_reader import BudgetDoc
from pipelines.extraction.identity import file_year_disagreement
from pipelines.quality.amounts import printed_steps
from pipelines.quality.balance import check_balance
from pipelines.quality.completeness import check_completeness
from pipelines.quality.cross_table import check_cross_table
from pipelines.quality.final_vs_budget import check_final_vs_budget, final_of_budget
from pipelines.quality.hierarchy import check_hierarchy
from pipelines.quality.narrative import check_narrative_consistency
from pipelines.quality.outcome import (
    ERROR,
    WARN,
    CheckOutcome,
    Comparison,
    Finding,
    rounding_tolerance,
)
from pipelines.quality.pages import located
from pipelines.quality.referential_integrity import check_referential_integrity
from pipelines.quality.row_identity import check_row_identity, column_identities
from pipelines.quality.year_over_year import check_year_over_year, following_year

__all__ = [
    "ERROR",
    "WARN",
    "CheckOutcome",
    "Comparison",
    "Finding",
    "DOCUMENT_CHECKS",
    "check_balance",
    "check_completeness",
    "check_cross_table",
    "check_final_vs_budget",
    "check_hierarchy",
    "check_narrative_consistency",
    "check_referential_integrity",
    "check_row_identity",
    "check_year_over_year",
    "column_identities",
    "final_of_budget",
    "following_year",
    "printed_steps",
    "rounding_tolerance",
    "run_document_checks",
]


DOCUMENT_CHECKS: dict[str, Callable[[BudgetDoc | dict], CheckOutcome]] = {
    "completeness": check_completeness,
    "balance": check_balance,
    "hierarchy": check_hierarchy,
    "row_identity": check_row_identity,
    "cross_table": check_cross_table,
    "narrative_consistency": check_narrative_consistency,
}


def run_document_checks(doc: BudgetDoc | dict, source_name: str = "") -> dict[str, CheckOutcome]:
    """Every document-level check, by name, each finding with the page printing its row;
    with the file's name, completeness also says when that name states another year than
    the document."""
    doc = BudgetDoc.of(doc)
    outcomes = {name: located(doc, check(doc)) for name, check in DOCUMENT_CHECKS.items()}
    if disagreement := file_year_disagreement(source_name, doc.fiscal_year):
        finding = Finding(
            "document", "fiscal_year", "", "the year in the file name is the fiscal year",
            disagreement.name_year, str(doc.fiscal_year), None, WARN,
        )  # fmt: skip
        done = outcomes["completeness"]
        outcomes["completeness"] = replace(done, findings=(*done.findings, finding))
    return outcomes
