"""Where a finding's row is printed: the page of the document's PDF, read off the boxes of
the cells it was read from (budget-doc/1 `cell_boxes`, the boxes `budget trace` shows).

A check names a row by its label (`20406 司法`, `income: 本年收入合计`, `收入总计 | 支出总计`)
and a column, never by position, so the row is found again by that label: the page of its
cells in that column (every column when the finding's is not one the table prints). A label
matching rows on several pages, or none, leaves the page unknown unless the whole table is
printed on one page. Findings that know their page already (a statement of the 说明, a
heading) keep it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from pipelines.budget_doc import SUMMARY_SIDES, BudgetDocError
from pipelines.doc_reader import BudgetDoc, Table
from pipelines.quality.outcome import CheckOutcome, Finding

# How a finding joins the labels of the rows it is about: two totals compared
# (`收入总计 | 支出总计`), a total summed from several (`人员经费合计 + 公用经费合计`).
_JOINS = (" | ", " + ")


def located(doc: BudgetDoc, outcome: CheckOutcome) -> CheckOutcome:
    """The outcome with the page of each finding's row filled in where it can be found."""
    if all(f.page is not None for f in outcome.findings):
        return outcome
    findings = tuple(
        f if f.page is not None else replace(f, page=finding_page(doc, f)) for f in outcome.findings
    )
    return replace(outcome, findings=findings)


def finding_page(doc: BudgetDoc, finding: Finding) -> int | None:
    """The 1-based page printing the finding's row, None when it cannot be told."""
    found = _table(doc, finding.table)
    if found is None:
        return None
    table, at = found
    try:
        cells = list(_cells(doc, table, at))
    except BudgetDocError:  # a malformed box: the loader refuses the document, saying why
        return None
    labels = _labels(finding.row)
    column = table.columns.index(finding.column) if finding.column in table.columns else None
    pages = {
        box[0]
        for names, j, box in cells
        if names & labels and (column is None or j is None or j == column)
    }
    if not pages:  # the row is not found by its label: the table's page, if it has one
        pages = {box[0] for _, _, box in cells}
    return pages.pop() if len(pages) == 1 else None


def _table(doc: BudgetDoc, key: str) -> tuple[Table, tuple] | None:
    """A standard table by key, or an extra table by its title, with its cell_boxes path."""
    if key in doc.tables:
        return doc.tables[key], ("tables", key)
    for i, extra in enumerate(doc.extra_tables):
        if extra.title and key in (extra.title, f"extra table {extra.title}"):
            return extra, ("extra_tables", i)
    return None


def _labels(row: str) -> set[str]:
    """The labels a finding's row may stand for: itself and each label it joins."""
    labels = {row}
    for join in _JOINS:
        labels.update(part.strip() for part in row.split(join) if join in row)
    return labels


def _cells(doc: BudgetDoc, table: Table, at: tuple) -> Iterator[tuple[set[str], int | None, tuple]]:
    """(the labels a row answers to, column index or None, box) of each amount printed."""
    for side in SUMMARY_SIDES:
        for i, line in enumerate(table.side(side)):
            box = doc.cell_box(*at, side, i)
            if box is not None:
                yield {line.title, f"{side}: {line.title}"}, None, box
    for i, row in enumerate(table.rows):
        for j in range(len(row.values)):
            box = doc.cell_box(*at, i, j)
            if box is not None:
                yield {row.title}, j, box
