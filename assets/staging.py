"""Staging layer: the PDF's twelve tables as budget-doc/1, then as one tidy row per amount.

Both come from the batch service's one parse; the cells are the warehouse loader's own
staging pass (pipelines.warehouse.staging), the relation its marts select from. These are
their specs and the metadata each partition's materialisation carries.
"""

import functools

import dagster as dg
import duckdb
import pandas as pd
import pyarrow as pa

from pipelines.budget_doc import (
    DEFAULT_LAYOUT,
    PUBLISHED_TABLES,
    TABLE_KEYS,
    TABLE_TYPING,
    TWO_SIDED,
)
from pipelines.extraction.document import Extraction
from pipelines.extraction.titles import TABLE_TITLES
from pipelines.partitions import document_asset_spec
from pipelines.warehouse.comments import column_descriptions
from pipelines.warehouse.load import LoadReport
from pipelines.warehouse.relations import create_relation
from pipelines.warehouse.staging import CELLS, RELATIONS


@functools.cache
def _descriptions() -> dict[str, str]:
    return column_descriptions()  # read once per process, not once per document


def table_schema(frame: pd.DataFrame) -> dg.TableSchema:
    """A TableSchema of a DataFrame's columns, each described by the seed that comments the
    warehouse's columns (data/reference/column_descriptions.csv): one text per column name."""
    descriptions = _descriptions()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(frame[name].dtype), description=descriptions.get(name, ""))
            for name in frame.columns
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
    """One row per standard table the document prints or its template usually prints:
    title, source pages, rows read (none: not found), unit, note, and how it was typed."""
    doc = extraction.doc
    tables = doc.get("tables") or {}
    typings = (doc.get(TABLE_TYPING) or {}).get("tables") or {}
    usual = PUBLISHED_TABLES.get(doc.get("layout", DEFAULT_LAYOUT), ())
    rows = []
    for key in (k for k in TABLE_KEYS if k in tables or k in usual):
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
                "title": (typings.get(key) or {}).get("title") or TABLE_TITLES.get(key, ""),
                "pages": pages_text(extraction.table_pages.get(key)),
                "rows": count,
                "unit": (table or {}).get("unit") or doc.get("unit"),
                "note": (table or {}).get("note") or "",
                "confidence": (typings.get(key) or {}).get("confidence") or "",
                "typed_by": (typings.get(key) or {}).get("basis") or "",
            }
        )
    return pd.DataFrame(rows)


def typing_markdown(extraction: Extraction) -> str:
    """Every printed table, standard or not: how sure the parser is of its type, what
    decided, and the evidence it saw (budget-doc/1 `table_typing`)."""
    doc = extraction.doc
    typing = doc.get(TABLE_TYPING) or {}
    named = [(key, t) for key, t in (typing.get("tables") or {}).items()]
    extras = doc.get("extra_tables") or []
    named += [
        (f"extra_{i:02d} {extras[i].get('title') or ''}".rstrip(), t)
        for i, t in enumerate(typing.get("extra_tables") or [])
        if i < len(extras)
    ]
    lines = ["| table | confidence | typed by | evidence |", "|---|---|---|---|"]
    lines += [
        f"| {name} | {t.get('confidence')} | {t.get('basis')} | "
        f"{'; '.join(t.get('evidence') or ())} |"
        for name, t in named
    ]
    return "\n".join(lines)


def document_cells(relations: dict[str, list[dict]]) -> pd.DataFrame:
    """stg_budget_cells of one document, from the staging relations the writer loaded
    (pipelines.warehouse.staging: one row per printed amount, amounts exact Decimals),
    typed as the writer types them (pipelines.warehouse.relations)."""
    with duckdb.connect() as con:
        create_relation(con, CELLS, RELATIONS[CELLS], relations.get(CELLS) or [])
        return pa.table(con.table(CELLS).arrow()).to_pandas()  # a reader or a table


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
    """stg_budget_tables of one document: tables found, their pages, rows, unit, how each
    was typed, warnings.

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
        "rows": int(found["rows"].sum()),
        "dagster/column_schema": table_schema(frame),
        "preview": dg.MetadataValue.md(frame.to_markdown(index=False)),
        "source_pdf": dg.MetadataValue.path(str(extraction.path.resolve())),
        "source_pages": pages,
        "table_pages": dg.MetadataValue.json(table_pages),
        "page_count": extraction.page_count,
        "sha256": extraction.sha256,
        "tables_found": f"{len(found)} of {len(frame)}",
        "table_typing": dg.MetadataValue.md(typing_markdown(extraction)),
        "unit": doc.get("unit") or "",
        "extraction_warnings": dg.MetadataValue.md(
            "\n".join(f"- {w}" for w in extraction.warnings) or "none"
        ),
    }


def cells_metadata(extraction: Extraction, cells: pd.DataFrame) -> dict:
    """stg_budget_cells of one document: amount cells, per table. (No sum over tables: the
    tables restate one budget several ways, so their cells add up to no figure.)"""
    per_table = cells.groupby("table_key").size().to_dict() if len(cells) else {}
    return {
        "rows": len(cells),
        "dagster/column_schema": table_schema(cells),
        "preview": dg.MetadataValue.md(cells.head(10).to_markdown(index=False)),
        "cells_per_table": dg.MetadataValue.json({k: int(v) for k, v in per_table.items()}),
        "source_pdf": dg.MetadataValue.path(str(extraction.path.resolve())),
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
