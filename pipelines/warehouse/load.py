"""Write one budget document into the DuckDB star schema (docs/architecture.md, docs/warehouse.md).

`document_rows` stages the document (pipelines.warehouse.staging: one pass over budget-doc/1,
before any transaction, so a bad document fails before the warehouse is touched);
`load_rows` replaces the department × fiscal-year × kind × stage document in one transaction:
a reader sees the previous edition or the new one, never a mix. Inside it the staging
relations and the table vocabulary (pipelines.warehouse.vocabulary) become temp tables of
the transaction (pipelines.warehouse.relations) and every file of sql/marts/ — one per
dimension and fact table, named after it, run in file-name order (dimensions before
facts) — inserts its rows by selecting from them.

The kind keeps a body's department budget (部门预算) and its own unit budget (单位预算) of one
year apart, and the stage each budget (预算) and its final accounts (决算): all are published,
and none is an edition of another. The department is the name the printed one is filed under
(data/reference/department_aliases.csv, copied into ref_department_alias), so a body printed
under two names has one document per year, kind and stage.
Every printed non-null cell becomes one fact row (totals included, flagged `is_total_row` /
`is_total_column`); the public views leave the totals out. Amounts stay exact: Decimal text
in staging, DuckDB DECIMAL in the relations the marts read, never float.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypedDict, Unpack

import duckdb

from pipelines.budget_doc import (
    BUDGET_STAGE,
    DEPARTMENT_BUDGET,
    DOCUMENT_KIND_WORDS,
    FORMAT,
    OCR_EXTENSION,
    STAGES,
    TEXT_LAYER,
    document_name,
)
from pipelines.errors import BudgetInputError
from pipelines.warehouse.relations import create_relation, drop_relation
from pipelines.warehouse.sql_files import read_sql, sql_names
from pipelines.warehouse.staging import RELATIONS, stage_document, unit_name
from pipelines.warehouse.vocabulary import (
    DOCUMENT_TABLES,
    SEED_COLUMNS,
    SEED_RELATION,
    vocabulary,
)

if TYPE_CHECKING:  # the loader reads only .doc/.path/.sha256/.page_count/.table_pages
    from pipelines.extraction.document import Extraction

# One insert per dimension and fact table, named after it; file-name order puts dim_ first.
MARTS = tuple(sql_names("marts"))
# The temp macros the marts share, created once the staging relations they select from
# exist (DuckDB binds a macro's body when it is created), in file-name order.
MART_MACROS = tuple(sql_names("marts/macros"))

# dim_document.document_kind: budget-doc/1 `document_kind`, absent for a department budget.
DOCUMENT_KINDS = tuple(DOCUMENT_KIND_WORDS)


@dataclass
class LoadReport:
    """What `load_document` did; `message` is one line for a person."""

    document_id: int
    department: str  # the name the document is filed under (after department_aliases.csv)
    fiscal_year: int
    sha256: str
    source_file: str
    action: str  # 'inserted' (new), 'reloaded' (same sha256 again) or 'replaced' (new edition)
    replaced_sha256: str | None = None
    replaced_source_file: str | None = None
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows inserted
    warnings: list[str] = field(default_factory=list)
    printed_department: str = ""  # as the document prints it
    document_kind: str = DEPARTMENT_BUDGET
    stage: str = BUDGET_STAGE

    @property
    def fact_rows(self) -> int:
        """Printed table cells loaded (the narrative's stated figures are not cells)."""
        return sum(
            n
            for table, n in self.rows.items()
            if table.startswith("fact_") and table != "fact_narrative_figure"
        )

    @property
    def message(self) -> str:
        key = document_name(self.department, self.fiscal_year, self.document_kind, self.stage)
        if self.action == "replaced":
            return (
                f"{key}: replaced edition {self.replaced_sha256[:12]} "
                f"({self.replaced_source_file}) with {self.sha256[:12]} ({self.source_file}), "
                f"{self.fact_rows} fact rows"
            )
        verb = "reloaded" if self.action == "reloaded" else "loaded"
        return f"{key}: {verb} {self.sha256[:12]} ({self.source_file}), {self.fact_rows} fact rows"


def _validate(extraction: Extraction) -> tuple[str, int, str, str]:
    doc = extraction.doc
    if not isinstance(doc, dict):
        raise BudgetInputError(extraction.path, "document is not a JSON object")
    if doc.get("format") not in (None, FORMAT):
        raise BudgetInputError(extraction.path, f"format {doc.get('format')!r}, not {FORMAT}")
    department = doc.get("department")
    if not department or not isinstance(department, str):
        raise BudgetInputError(extraction.path, "document has no department")
    try:
        year = int(doc.get("fiscal_year"))
    except (TypeError, ValueError):
        raise BudgetInputError(extraction.path, "document has no fiscal_year") from None
    kind = doc.get("document_kind", DEPARTMENT_BUDGET)
    if kind not in DOCUMENT_KINDS:
        raise BudgetInputError(
            extraction.path, f"document_kind {kind!r} is not one of {', '.join(DOCUMENT_KINDS)}"
        )
    stage = doc.get("stage", BUDGET_STAGE)
    if stage not in STAGES:
        raise BudgetInputError(
            extraction.path, f"stage {stage!r} is not one of {', '.join(STAGES)}"
        )
    if not extraction.sha256:
        raise BudgetInputError(extraction.path, "extraction has no sha256")
    return department, year, kind, stage


@dataclass
class DocumentRows:
    """One document staged for the warehouse: its dim_document fields and its staging
    relations (pipelines.warehouse.staging). Built before any transaction, so a bad document
    fails before the warehouse is touched; pipelines.handoff stores it as Parquet for a
    publisher on another machine."""

    printed_department: str
    fiscal_year: int
    document_kind: str
    stage: str
    sha256: str
    source_file: str
    page_count: int | None
    unit: str
    format: str
    relations: dict[str, list[dict]]  # staging relation -> records
    warnings: list[str] = field(default_factory=list)
    unreadable_pages: int = 0  # pages whose text did not read (Extraction.unreadable_pages)
    text_source: str = TEXT_LAYER  # or OCR: the document is a scan (budget-doc `ocr`)


def document_rows(extraction: Extraction) -> DocumentRows:
    """Stage one extraction for `load_rows`.

    Raises BudgetInputError for a document that cannot be loaded (no department or year,
    unknown document_kind, stage or unit, an amount that is not a two-decimal number, more
    values than columns).
    """
    printed, year, kind, stage = _validate(extraction)
    doc = extraction.doc
    relations, warnings = stage_document(
        doc, extraction.path, getattr(extraction, "table_pages", None)
    )
    return DocumentRows(
        printed_department=printed,
        fiscal_year=year,
        document_kind=kind,
        stage=stage,
        sha256=extraction.sha256,
        source_file=str(extraction.path),
        page_count=extraction.page_count,
        unit=unit_name(doc.get("unit"), extraction.path, "document"),
        format=doc.get("format") or FORMAT,
        relations=relations,
        warnings=warnings,
        unreadable_pages=getattr(extraction, "unreadable_pages", 0),
        text_source=(doc.get(OCR_EXTENSION) or {}).get("text_source", TEXT_LAYER),
    )


class LoadOptions(TypedDict, total=False):
    """The keyword options of `load_rows` and `load_document`."""

    loaded_at: datetime | None  # dim_document.loaded_at; default now (UTC)
    before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None


def load_document(
    con: duckdb.DuckDBPyConnection, extraction: Extraction, **options: Unpack[LoadOptions]
) -> LoadReport:
    """Replace the document's department × fiscal-year × kind × stage rows with this
    extraction, atomically: `load_rows` of `document_rows(extraction)`, with the same options.

    Raises BudgetInputError for a document that cannot be loaded (see `document_rows`).
    """
    return load_rows(con, document_rows(extraction), **options)


def _delete_statement(table: str) -> str:
    """sql/load/delete_document_rows.sql for one of DOCUMENT_TABLES (a fixed name)."""
    if table not in DOCUMENT_TABLES:
        raise ValueError(f"{table!r} is not a table of one document's rows")
    return read_sql("load/delete_document_rows").replace("{table}", table)


def _insert_mart(con: duckdb.DuckDBPyConnection, mart: str, parameters: dict) -> int:
    """Run one sql/marts/ statement with the parameters it names; the rows it inserted."""
    sql = read_sql(mart)
    used = {name: value for name, value in parameters.items() if f"${name}" in sql}
    (count,) = con.execute(sql, used).fetchone()
    return count


def _insert_marts(con: duckdb.DuckDBPyConnection, document: DocumentRows, document_id: int):
    """Every dimension and fact row of the document, from its staging relations (temp
    tables of this transaction); rows inserted per table."""
    for name, columns in RELATIONS.items():
        create_relation(con, name, columns, document.relations.get(name) or [])
    create_relation(con, SEED_RELATION, SEED_COLUMNS, vocabulary())
    parameters = {"document_id": document_id, "fiscal_year": document.fiscal_year}
    for macro in MART_MACROS:
        con.execute(read_sql(macro))
    rows = {mart.split("/")[-1]: _insert_mart(con, mart, parameters) for mart in MARTS}
    for name in [*RELATIONS, SEED_RELATION]:  # on an error the rollback drops them
        drop_relation(con, name)
    return rows


def load_rows(
    con: duckdb.DuckDBPyConnection,
    document: DocumentRows,
    *,
    loaded_at: datetime | None = None,
    before_commit: Callable[[duckdb.DuckDBPyConnection, LoadReport], None] | None = None,
) -> LoadReport:
    """Replace the document's department × fiscal-year × kind × stage rows with these,
    atomically.

    The previous edition (same filed department, year, kind and stage, or the same file by
    sha256 under any name) is deleted from every fact table, dim_project, dim_source_table
    and dim_document, and the new rows inserted, in one transaction; any error rolls back and
    re-raises. Shared dimensions (subjects, fund sources, expenditure types) only grow.
    Data-quality results (fact_dq_check) are left alone: see `record_check_results`.
    `before_commit(con, report)` runs inside the transaction once the rows are in (the batch
    service checks integrity and writes the check rows there, so a document and its check
    results commit together).
    """
    printed, year = document.printed_department, document.fiscal_year
    kind, stage = document.document_kind, document.stage
    loaded_at = loaded_at or datetime.now(UTC).replace(tzinfo=None)
    con.begin()
    try:
        (department,) = con.execute(
            read_sql("load/select_filed_department"), {"department": printed}
        ).fetchone()
        con.execute(read_sql("load/insert_dim_department"), {"department": department})
        (department_id,) = con.execute(
            read_sql("load/select_department_id"), {"department": department}
        ).fetchone()
        replaced = con.execute(
            read_sql("load/select_replaced_documents"),
            {
                "department_id": department_id,
                "fiscal_year": year,
                "document_kind": kind,
                "stage": stage,
                "sha256": document.sha256,
            },
        ).fetchall()
        this = (department, year, kind, stage, document.sha256)
        other = [r for r in replaced if tuple(r[1:6]) != this]  # another edition or name
        kept = _kept_edition(con, document, other)
        for old_id, *_ in replaced:
            for table in DOCUMENT_TABLES:
                con.execute(_delete_statement(table), {"document_id": old_id})
        (document_id,) = con.execute(
            read_sql("load/insert_dim_document"),
            {
                "department_id": department_id,
                "fiscal_year": year,
                "source_file": document.source_file,
                "sha256": document.sha256,
                "page_count": document.page_count,
                "unit": document.unit,
                "format": document.format,
                "loaded_at": loaded_at,
                "document_kind": kind,
                "printed_department": printed,
                "stage": stage,
                "text_source": document.text_source,
            },
        ).fetchone()
        rows = {"dim_document": 1} | _insert_marts(con, document, document_id)
        if kept is not None and (rows.get("dim_source_table", 0) < kept[0] or kept[1]):
            raise BudgetInputError(document.source_file, _kept_reason(document, rows, kept))
        report = LoadReport(
            document_id=document_id,
            department=department,
            fiscal_year=year,
            sha256=document.sha256,
            source_file=document.source_file,
            action="inserted",
            rows=rows,
            warnings=list(document.warnings),
            printed_department=printed,
            document_kind=kind,
            stage=stage,
        )
        if other:
            report.action = "replaced"
            report.replaced_sha256 = other[0][5]
            report.replaced_source_file = other[0][6]
        elif replaced:
            report.action = "reloaded"
        if before_commit is not None:
            before_commit(con, report)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return report


def _kept_edition(con: duckdb.DuckDBPyConnection, document: DocumentRows, other: list[tuple]):
    """(tables read, whether the new file has unreadable pages, the loaded edition) when
    another edition is loaded: a damaged file must not replace a good one."""
    editions = [r for r in other if r[5] != document.sha256]  # not this file renamed
    if not editions:
        return None
    (tables,) = con.execute(
        read_sql("load/select_edition_tables"), {"document_id": editions[0][0]}
    ).fetchone()
    return tables, document.unreadable_pages > 0, editions[0]


def _kept_reason(document: DocumentRows, rows: dict[str, int], kept: tuple) -> str:
    """Why the loaded edition stays, as one line."""
    tables, unreadable, (_, department, year, kind, stage, sha256, source) = kept
    read = rows.get("dim_source_table", 0)
    worse = f"{read} tables read against its {tables}"
    if unreadable:
        pages = document.unreadable_pages
        worse += f", text unreadable on {pages} page{'s' if pages > 1 else ''}"
    return (
        f"kept the loaded edition {sha256[:12]} ({source}) of "
        f"{document_name(department, year, kind, stage)}: this file reads worse ({worse}); "
        "nothing replaced"
    )
