"""Year over year: each change vs last year the narrative states (比上年增加/减少) equals this
year's printed total minus the previous year's, both read from the warehouse.

A writer check: it runs inside the document's load transaction (pipelines.batch.write_rows),
where this year's rows are already written, so a budget loaded from a PDF and one published
from a Parquet hand-off are judged alike. Same 0.5 万元 allowance as narrative_consistency.
"""

from __future__ import annotations

from pipelines.budget_doc import NARRATIVE_FIGURES, TABLE_PAGES, BudgetDoc
from pipelines.quality.narrative import TOLERANCE_TEXT, StatedTables, stated_against_table, wan_text
from pipelines.quality.outcome import CheckOutcome
from pipelines.warehouse.sql_files import read_sql


def warehouse_document(con, document_id: int) -> BudgetDoc:
    """A loaded document's summary and 三公 tables (in 元), table pages and stated figures,
    read back as budget-doc/1 for StatedTables."""
    tables: dict = {}
    rows = con.execute(
        read_sql("checks/select_document_totals"), {"document_id": document_id}
    ).fetchall()
    for key, side, item, amount in rows:
        table = tables.setdefault(key, {"unit": "元"})
        entry = {"item": item, "amount": str(amount), "values": [str(amount)]}
        table.setdefault(side, []).append(entry)
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
            TABLE_PAGES: {key: list(table_pages or []) for key, table_pages in pages},
            NARRATIVE_FIGURES: [
                {
                    "topic": topic,
                    "figure": format(figure.normalize(), "f"),  # as stated: 2214.39, not 2214.3900
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
    warehouse (same department and kind), within 0.5 万元."""
    name = "year_over_year"
    description = (
        f"the stated change vs last year (比上年增加/减少) equals this year's total minus last "
        f"year's, within {TOLERANCE_TEXT}"
    )
    previous = con.execute(
        read_sql("checks/select_previous_year_document"),
        {
            "department": report.department,
            "fiscal_year": report.fiscal_year,
            "document_kind": report.document_kind,
        },
    ).fetchone()
    if previous is None:
        return CheckOutcome(name, f"{description}; no previous year in the warehouse")
    doc = warehouse_document(con, report.document_id)
    this_year, last_year = StatedTables(doc), StatedTables(warehouse_document(con, previous[0]))
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
    return CheckOutcome(name, description, tuple(comparisons), tuple(findings))
