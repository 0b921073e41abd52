"""Year over year: each change vs last year the narrative states (比上年增加/减少) equals this
year's printed total minus the previous year's, both read from the warehouse: the previous
year's document of the same department, kind and stage (final accounts, 决算, against last
year's final accounts, never against a budget).

A writer check: it runs inside the document's load transaction (pipelines.batch.write_rows),
where this year's rows are already written, so a budget loaded from a PDF and one published
from a Parquet hand-off are judged alike. Same 0.5 万元 allowance as narrative_consistency.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.budget_doc import CELL_BOXES, FINAL_STAGE, NARRATIVE_FIGURES, TABLE_PAGES
from pipelines.doc_reader import BudgetDoc
from pipelines.quality.narrative import TOLERANCE_TEXT, StatedTables, stated_against_table, wan_text
from pipelines.quality.outcome import CheckOutcome, plain
from pipelines.quality.pages import located
from pipelines.warehouse.sql_files import read_sql


@dataclass(frozen=True)
class StoredDocument:
    """A document in the warehouse, as year over year finds it (a LoadReport has these too)."""

    document_id: int
    department: str
    fiscal_year: int
    document_kind: str
    stage: str


def document_of_year(
    con, document, fiscal_year: int, stage: str | None = None
) -> StoredDocument | None:
    """The same department's loaded document of the same kind for `fiscal_year`, of the
    document's own stage unless `stage` says another (final accounts against their budget)."""
    stage = stage or document.stage
    found = con.execute(
        read_sql("load/select_document_edition"),
        {
            "department": document.department,
            "fiscal_year": fiscal_year,
            "document_kind": document.document_kind,
            "stage": stage,
        },
    ).fetchone()
    if found is None:
        return None
    return StoredDocument(found[0], document.department, fiscal_year, document.document_kind, stage)


def following_year(con, document) -> StoredDocument | None:
    """The same department's loaded document of the same kind and stage one year later, if
    any."""
    return document_of_year(con, document, document.fiscal_year + 1)


def warehouse_document(con, document_id: int) -> BudgetDoc:
    """A loaded document's summary and 三公 tables (in 元) with where each amount is printed,
    table pages and stated figures, read back as budget-doc/1 for StatedTables."""
    tables: dict = {}
    boxes: dict = {}  # shaped like `tables`: where each amount is printed (cell_boxes)
    rows = con.execute(
        read_sql("checks/select_document_totals"), {"document_id": document_id}
    ).fetchall()
    for key, side, item, amount, page, *box in rows:
        table = tables.setdefault(key, {"unit": "元"})
        entry = {"item": item, "amount": str(amount), "values": [str(amount)]}
        table.setdefault(side, []).append(entry)
        where = [page, *map(float, box)] if page is not None and None not in box else None
        if side == "rows":
            boxes.setdefault(key, []).append([where])
        else:
            boxes.setdefault(key, {}).setdefault(side, []).append(where)
    pages = con.execute(
        read_sql("checks/select_document_table_pages"), {"document_id": document_id}
    ).fetchall()
    figures = con.execute(
        read_sql("checks/select_document_narrative_figures"), {"document_id": document_id}
    ).fetchall()
    return BudgetDoc.of(
        {
            "unit": "元",
            "tables": tables,
            CELL_BOXES: {"tables": boxes},
            TABLE_PAGES: {key: list(table_pages or []) for key, table_pages in pages},
            NARRATIVE_FIGURES: [
                {
                    "topic": topic,
                    "figure": plain(figure),  # as stated: 2214.39, not 2214.3900
                    "unit": unit,
                    "page": page,
                    "sentence": text,
                }
                for topic, figure, unit, page, text in figures
            ],
        }
    )


def check_year_over_year(con, report) -> CheckOutcome:
    """Each stated change vs last year = this year's total − the previous year's in the
    warehouse (same department, kind and stage), within 0.5 万元. `report`: a LoadReport or a
    StoredDocument (document_id, department, fiscal_year, document_kind, stage)."""
    name = "year_over_year"
    description = (
        f"the stated change vs last year (比上年增加/减少) equals this year's total minus last "
        f"year's, within {TOLERANCE_TEXT}"
    )
    previous = document_of_year(con, report, report.fiscal_year - 1)
    if previous is None:
        return CheckOutcome(name, f"{description}; no previous year in the warehouse")
    doc = warehouse_document(con, report.document_id)
    this_year = StatedTables(doc)
    last_year = StatedTables(warehouse_document(con, previous.document_id))
    comparisons, findings = [], []
    for figure in doc.narrative_figures:
        topic = figure.topic.removesuffix("_change")
        if figure.unit == "%" or topic == figure.topic:
            continue
        now, before = this_year.counterpart(topic), last_year.counterpart(topic)
        if now is None or before is None:
            continue
        table, row, amount, pages = now
        comparison, finding = stated_against_table(
            figure,
            table,
            row,
            amount - before[2],
            pages,
            f"stated change = {report.fiscal_year} {wan_text(amount)} − "
            f"{report.fiscal_year - 1} {wan_text(before[2])} 万元",
        )
        comparisons.append(comparison)
        if finding:
            findings.append(finding)
    return located(doc, CheckOutcome(name, description, tuple(comparisons), tuple(findings)))


def judged_again_text(rechecked: tuple[tuple[StoredDocument, CheckOutcome], ...]) -> str:
    """What a status line adds for each loaded document judged again (the following year;
    a budget's final accounts): ` — 2019 year_over_year judged again: ERROR`,
    ` — 2023 决算 final_vs_budget judged again: passed` ('' for none)."""
    return "".join(
        f" — {later.fiscal_year}{_stage_words(later)} {outcome.name} judged again: "
        + (outcome.severity or "passed")  # a severity only when something failed
        for later, outcome in rechecked
    )


def _stage_words(document: StoredDocument) -> str:
    return " 决算" if document.stage == FINAL_STAGE else ""
