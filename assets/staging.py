"""Staging layer: the PDF's twelve tables as budget-doc/1, then as one tidy row per amount.

Both are produced by the batch service's one parse; these are their specs and the metadata
each partition's materialisation carries.
"""

from decimal import Decimal

import dagster as dg
import pandas as pd

from pipelines.budget_doc import TABLE_KEYS, TOTAL_COLUMNS, TWO_SIDED, YUAN_PER_UNIT
from pipelines.extraction.document import Extraction
from pipelines.partitions import document_asset_spec
from pipelines.warehouse.load import TABLE_TITLES, LoadReport, is_total_label

TABLES_COLUMNS = {
    "table_key": "budget-doc/1 table key (t01_summary … t12_projects)",
    "title": "the table's printed title",
    "pages": "1-based pages of the source PDF the table was read from",
    "rows": "rows (or summary lines) read",
    "unit": "unit the amounts are printed in (元 or 万元)",
    "note": "the table's 注 line, e.g. 本表本年无发生额。",
}
CELLS_COLUMNS = {
    "table_key": "budget-doc/1 table key",
    "side": "income / expenditure for the two-sided tables t01 and t04, else empty",
    "row_index": "0-based row (or line) position in the printed table",
    "code": "subject code as printed (3/5/7 digits), empty on rows without one",
    "label": "row label: subject name, item or project name",
    "column_name": "leaf column header (合计, 基本支出, 一般公共预算 …); 'amount' on t01/t04",
    "is_total_row": "the row sums other rows (合计, 总计, 本年收入合计 …)",
    "is_total_column": "the column sums other columns (合计, 总计, 小计)",
    "printed_amount": "the amount exactly as printed, two decimals",
    "unit": "unit of printed_amount",
    "amount_yuan": "printed_amount in 元",
    "pages": "pages of the source PDF holding the table",
}


def table_schema(descriptions: dict[str, str], frame: pd.DataFrame) -> dg.TableSchema:
    """A TableSchema of a DataFrame's columns, described."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name,
                str(frame[name].dtype) if name in frame else "object",
                description=descriptions.get(name, ""),
            )
            for name in (frame.columns if len(frame.columns) else descriptions)
        ]
    )


def pages_text(pages: list[int] | None) -> str:
    """[4, 5, 6, 9] -> '4–6, 9'."""
    if not pages:
        return ""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def tables_frame(extraction: Extraction) -> pd.DataFrame:
    """One row per table of the document: title, source pages, rows read, unit, note."""
    tables = extraction.doc.get("tables") or {}
    rows = []
    for key in TABLE_KEYS:
        table = tables.get(key)
        if table is None:
            count = None
        elif key in TWO_SIDED:
            count = len(table.get("income") or []) + len(table.get("expenditure") or [])
        else:
            count = len(table.get("rows") or [])
        rows.append(
            {
                "table_key": key,
                "title": TABLE_TITLES.get(key, ""),
                "pages": pages_text(extraction.table_pages.get(key)),
                "rows": count,
                "unit": (table or {}).get("unit") or extraction.doc.get("unit"),
                "note": (table or {}).get("note") or "",
            }
        )
    return pd.DataFrame(rows)


def document_cells(extraction: Extraction) -> pd.DataFrame:
    """One row per printed amount of the document (null cells skipped), amounts exact."""
    doc = extraction.doc
    records = []
    for key in TABLE_KEYS:
        table = (doc.get("tables") or {}).get(key)
        if table is None:
            continue
        unit = table.get("unit") or doc.get("unit")
        factor = YUAN_PER_UNIT.get(unit, Decimal(1))
        pages = pages_text(extraction.table_pages.get(key))
        base = {"table_key": key, "unit": unit, "pages": pages}
        if key in TWO_SIDED:
            for side in ("income", "expenditure"):
                for i, line in enumerate(table.get(side) or []):
                    if line.get("amount") is None:
                        continue
                    amount = Decimal(line["amount"])
                    records.append(
                        base
                        | {
                            "side": side,
                            "row_index": i,
                            "code": "",
                            "label": line.get("item") or "",
                            "column_name": "amount",
                            "is_total_row": is_total_label(line.get("item")),
                            "is_total_column": False,
                            "printed_amount": amount,
                            "amount_yuan": amount * factor,
                        }
                    )
            continue
        columns = table.get("columns") or []
        for i, row in enumerate(table.get("rows") or []):
            label = row.get("name") if "name" in row else row.get("item")
            for j, text in enumerate(row.get("values") or []):
                if text is None or j >= len(columns):
                    continue
                amount = Decimal(text)
                records.append(
                    base
                    | {
                        "side": "",
                        "row_index": i,
                        "code": row.get("code") or "",
                        "label": label or "",
                        "column_name": columns[j],
                        "is_total_row": not row.get("code") and is_total_label(label),
                        "is_total_column": columns[j] in TOTAL_COLUMNS,
                        "printed_amount": amount,
                        "amount_yuan": amount * factor,
                    }
                )
    frame = pd.DataFrame.from_records(records, columns=list(CELLS_COLUMNS))
    return frame.astype({"row_index": "int64", "is_total_row": bool, "is_total_column": bool})


STAGING_SPECS = [
    document_asset_spec(
        "stg_budget_tables",
        deps=["raw_budget_pdf"],
        description="One budget-doc/1 document per PDF: its twelve standard tables, cell by "
        "cell, as printed.",
        group_name="staging",
        kinds={"camelot", "python"},
    ),
    document_asset_spec(
        "stg_budget_cells",
        deps=["stg_budget_tables"],
        description="One row per printed amount cell of a budget document, with its unit and "
        "元 value.",
        group_name="staging",
        kinds={"pandas"},
    ),
]


def tables_metadata(extraction: Extraction) -> dict:
    """stg_budget_tables of one document: tables found, their pages, rows, unit, warnings.

    `table_pages` gives every table's pages, the extra (non-standard) tables' too, under the
    key the warehouse files them by (`extra_00` …, dim_source_table), so any figure can be
    looked up on its page (the fact rows carry the exact page and cell box)."""
    doc = extraction.doc
    frame = tables_frame(extraction)
    found = frame[frame["rows"].notna()]
    table_pages = {key: extraction.table_pages.get(key, []) for key in found["table_key"]}
    for index, extra in enumerate(doc.get("extra_tables") or []):
        name = f"extra_{index:02d} {extra.get('title') or ''}".rstrip()
        table_pages[name] = extra.get("pages") or []
    pages = "; ".join(f"{name} p.{pages_text(p)}" for name, p in table_pages.items() if p)
    return {
        "dagster/row_count": int(found["rows"].sum()),
        "dagster/column_schema": table_schema(TABLES_COLUMNS, frame),
        "preview": dg.MetadataValue.md(frame.to_markdown(index=False)),
        "source_pdf": dg.MetadataValue.path(str(extraction.path)),
        "source_pages": pages,
        "table_pages": dg.MetadataValue.json(table_pages),
        "page_count": extraction.page_count,
        "sha256": extraction.sha256,
        "tables_found": f"{len(found)} of {len(TABLE_KEYS)}",
        "unit": doc.get("unit") or "",
        "extraction_warnings": dg.MetadataValue.md(
            "\n".join(f"- {w}" for w in extraction.warnings) or "none"
        ),
    }


def cells_metadata(extraction: Extraction, cells: pd.DataFrame) -> dict:
    """stg_budget_cells of one document: amount cells per table and their 元 total."""
    per_table = cells.groupby("table_key").size().to_dict() if len(cells) else {}
    leaves = cells.loc[~cells["is_total_row"] & ~cells["is_total_column"], "amount_yuan"]
    return {
        "dagster/row_count": len(cells),
        "dagster/column_schema": table_schema(CELLS_COLUMNS, cells),
        "preview": dg.MetadataValue.md(cells.head(10).to_markdown(index=False)),
        "cells_per_table": dg.MetadataValue.json({k: int(v) for k, v in per_table.items()}),
        "source_pdf": dg.MetadataValue.path(str(extraction.path)),
        "total_yuan": str(leaves.sum()) if len(cells) else "0",
    }


def load_metadata(report: LoadReport, cells: pd.DataFrame) -> dict:
    """What the warehouse made of the document's cells (on its stg_budget_cells partition):
    the load action and whether every normalised cell became a fact row."""
    # generic cells are staged as cells of extra tables; stated narrative figures are no cells
    loaded = report.fact_rows - report.rows.get("fact_generic_cell", 0)
    return {
        "load/action": report.action,
        "load/message": report.message,
        "load/fact_rows": report.fact_rows,
        "load/cells_reconcile": loaded == len(cells),
        "load/replaced_sha256": report.replaced_sha256 or "",
    }
