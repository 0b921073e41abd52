"""Warehouse layer: one document's dimensions and facts, written in ONE DuckDB transaction.

Every table of the star schema is its own asset in the UI (with each partition's rows,
schema and preview); the batch service writes them all for a document in one transaction
(`pipelines.batch.write_document`), checks referential integrity over the loaded keys in
that transaction and records every check outcome in `dq_check_result`. Row counts come
from the load report; the column schemas are read once per batch.
"""

import re
from collections.abc import Mapping

import dagster as dg

from assets.checks import CheckTarget, partitioned_check_spec
from assets.staging import pages_text
from pipelines import quality
from pipelines.batch import DocumentResult
from pipelines.partitions import document_asset_spec
from pipelines.warehouse.sql_files import SQL_ROOT, read_sql, sql_names

STAGING_TABLES = dg.AssetKey("stg_budget_tables")
STAGING_CELLS = dg.AssetKey("stg_budget_cells")

# Upstream of each warehouse table (lineage as a reader expects it: cells -> dims -> facts).
TABLE_DEPS: dict[str, list[str]] = {
    "dim_department": ["stg_budget_cells"],
    "dim_document": ["dim_department", "stg_budget_cells"],
    "dim_source_table": ["dim_document"],
    "dim_function_subject": ["stg_budget_cells"],
    "dim_economic_subject": ["stg_budget_cells"],
    "dim_fund_source": ["stg_budget_cells"],
    "dim_expenditure_type": ["stg_budget_cells"],
    "dim_project": ["dim_document"],
    "fact_summary_line": ["dim_document", "dim_source_table"],
    "fact_income_by_function": ["dim_document", "dim_function_subject", "dim_fund_source"],
    "fact_expenditure_by_function": [
        "dim_document",
        "dim_function_subject",
        "dim_expenditure_type",
    ],
    "fact_economic_expenditure": ["dim_document", "dim_economic_subject"],
    "fact_three_public": ["dim_document", "dim_fund_source"],
    "fact_basic_by_unit": ["dim_document", "dim_fund_source"],
    "fact_project_fund": ["dim_project", "dim_fund_source"],
    "fact_generic_cell": ["dim_document"],
    "fact_dq_check": ["stg_budget_tables", "dim_document"],
}

# The budget-doc/1 tables each warehouse table is read from (for the source pages).
SOURCE_TABLES: dict[str, tuple[str, ...]] = {
    "fact_summary_line": ("t01_summary", "t04_fiscal_summary"),
    "fact_income_by_function": ("t02_income",),
    "fact_expenditure_by_function": (
        "t03_expenditure",
        "t05_gpb_function",
        "t08_gov_fund",
        "t09_state_capital",
    ),
    "fact_economic_expenditure": ("t06_gpb_basic_economic", "t10_gpb_project_economic"),
    "fact_three_public": ("t07_three_public",),
    "fact_basic_by_unit": ("t11_basic_by_unit",),
    "fact_project_fund": ("t12_projects",),
    "dim_project": ("t12_projects",),
    "dim_function_subject": ("t02_income", "t03_expenditure", "t05_gpb_function"),
    "dim_economic_subject": ("t06_gpb_basic_economic", "t10_gpb_project_economic"),
}

# This document's slice of each table (values bound as $parameters, never formatted in).
_BY_DOCUMENT = "where document_id = $document_id"
SLICES: dict[str, str] = {
    "dim_department": "where department_id = $department_id",
    "dim_document": _BY_DOCUMENT,
    "dim_function_subject": (
        "where fiscal_year = $fiscal_year and code in ("
        "select code from fact_income_by_function where document_id = $document_id "
        "union select code from fact_expenditure_by_function where document_id = $document_id)"
    ),
    "dim_economic_subject": (
        "where fiscal_year = $fiscal_year and code in ("
        "select code from fact_economic_expenditure where document_id = $document_id)"
    ),
    "dim_fund_source": (
        "where fund_source in (select fund_source from fact_income_by_function "
        "where document_id = $document_id union select fund_source from fact_project_fund "
        "where document_id = $document_id union select fund_source from fact_three_public "
        "where document_id = $document_id union select fund_source from fact_basic_by_unit "
        "where document_id = $document_id)"
    ),
    "dim_expenditure_type": (
        "where expenditure_type in (select expenditure_type from fact_expenditure_by_function "
        "where document_id = $document_id)"
    ),
    "fact_dq_check": (
        "where department = $department and fiscal_year = $fiscal_year "
        "and document_kind = $document_kind"
    ),
}

COLUMN_DESCRIPTIONS = {
    "amount_yuan": "the amount in 元 (printed_amount × unit factor), exact decimal",
    "check_name": "data-quality check name (balance, hierarchy, …)",
    "checked_at": "when the check ran (UTC)",
    "code": "subject code as printed: 3/5/7 digits = 类/款/项 (function), 3/5 (economic)",
    "column_index": "0-based position of the column in the printed table",
    "column_name": "leaf column header as printed",
    "department": "publishing department (部门 or 单位) under its canonical name (aliases)",
    "department_id": "surrogate key of dim_department",
    "detail": "what the check compared and the offending rows",
    "document_id": "surrogate key of dim_document (one loaded department × year × kind edition)",
    "document_kind": "department (部门预算) or unit (单位预算) budget",
    "expenditure_type": "expenditure-type column (基本支出, 项目支出, …) as printed",
    "fiscal_year": "budget year",
    "format": "source format (budget-doc/1)",
    "fund": "which budget a function table covers (全部资金, 一般公共预算, …)",
    "fund_source": "fund-source column (一般公共预算, 政府性基金预算, …) as printed",
    "is_total": "the item or column is a total of others",
    "is_total_column": "the column sums other columns (合计, 总计, 小计)",
    "is_total_row": "the row sums other rows (合计, 总计, …)",
    "item": "row label as printed",
    "level": "1 = 类, 2 = 款, 3 = 项",
    "line_index": "0-based position of the line on its side of the table",
    "loaded_at": "when this edition was loaded (UTC)",
    "name": "subject or column name as printed",
    "note": "the table's 注 line (本表本年无发生额。)",
    "page_count": "pages of the source PDF",
    "pages": "1-based pages of the source PDF holding the table",
    "parent_code": "code one level up (2080104 -> 20801)",
    "passed": "the check held exactly",
    "performance_goal": "项目绩效目标 text of a project",
    "printed_amount": "the amount exactly as printed, in `unit`",
    "printed_department": "the department name as the document prints it",
    "printed_value": "the cell text as printed",
    "project_id": "surrogate key of dim_project",
    "project_name": "project (or unit / 合计) name as printed",
    "row_count": "rows read from the table",
    "row_index": "0-based position of the row in the printed table",
    "row_kind": "project / unit / total (t12); total / unit / category (t11)",
    "row_label": "row label of an extra table",
    "severity": "ERROR or WARN (rounding tail: ≤ ½ × last printed digit × addends)",
    "sha256": "sha256 of the source PDF (the edition)",
    "side": "income or expenditure",
    "source_file": "the PDF the document was read from",
    "subject_name": "subject name as printed in this table",
    "table_index": "position of an extra table",
    "table_key": "budget-doc/1 table key (t01_summary … t12_projects)",
    "table_title": "the table's printed title",
    "unit": "unit the amount was printed in (元 or 万元)",
}

_COMMENT = re.compile(r"^--\s*(.+)$")
_CREATE = re.compile(r"create table if not exists (\w+)")


def _schema_descriptions() -> dict[str, str]:
    """Table -> its one-line comment in sql/schema (the UI description of the asset)."""
    out: dict[str, str] = {}
    for name in sql_names("schema"):
        text = read_sql(name)
        created = _CREATE.search(text)
        if not created:
            continue
        comments = [m.group(1) for line in text.splitlines() if (m := _COMMENT.match(line))]
        out[created.group(1)] = " ".join(comments)
    return out


WAREHOUSE_TABLES = tuple(TABLE_DEPS)
_DESCRIPTIONS = _schema_descriptions()
RI_CHECKED = tuple(t for t in WAREHOUSE_TABLES if t.startswith("fact_") and t != "fact_dq_check")

WAREHOUSE_SPECS = [
    document_asset_spec(
        table,
        deps=TABLE_DEPS[table],
        description=_DESCRIPTIONS.get(table, table).capitalize(),
        group_name="warehouse",
        kinds={"duckdb"},
        tags={"layer": "dimension" if table.startswith("dim_") else "fact"},
    )
    for table in WAREHOUSE_TABLES
]
RI_CHECK_SPECS = [
    partitioned_check_spec(
        "referential_integrity",
        table,
        f"every key of {table} rows resolves to a dimension row (SQL)",
    )
    for table in RI_CHECKED
]
_INTEGRITY_SQL = dg.MetadataValue.md(
    f"```sql\n{read_sql('checks/referential_integrity').strip()}\n```"
)


_PARAM = re.compile(r"\$(\w+)")


def _bound(sql: str, params: dict) -> dict:
    """The parameters a statement names (DuckDB refuses unused ones)."""
    names = set(_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in names}


def table_schema_of(con, table: str, descriptions: dict[str, str]) -> dg.TableSchema:
    """A warehouse table's or view's columns, described."""
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = $table order by ordinal_position",
        {"table": table},
    ).fetchall()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, dtype, description=descriptions.get(name, ""))
            for name, dtype in columns
        ]
    )


class WarehouseMetadata:
    """The materialisation metadata of every warehouse table, per loaded document.

    What does not change within a batch (schemas, insert statements) is read once.
    """

    def __init__(self, con) -> None:
        self.con = con
        self.schemas = {t: table_schema_of(con, t, COLUMN_DESCRIPTIONS) for t in WAREHOUSE_TABLES}
        self.sql = {}
        for table in WAREHOUSE_TABLES:
            insert = SQL_ROOT / "load" / f"insert_{table}.sql"
            text = insert.read_text(encoding="utf-8").strip() if insert.exists() else ""
            where = SLICES.get(table, _BY_DOCUMENT)
            self.sql[table] = dg.MetadataValue.md(f"```sql\n{text}\n```\n\nslice: `{where}`")

    def _preview(self, table: str, params: dict) -> dg.MetadataValue:
        query = f"select * from {table} {SLICES.get(table, _BY_DOCUMENT)} limit 10"
        preview = self.con.execute(query, _bound(query, params)).df()  # table: fixed name
        return dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "—")

    def of(self, result: DocumentResult, cells: int) -> dict[str, dict]:
        """Table -> this document's metadata (row count from the load report)."""
        report, extraction = result.report, result.parsed.extraction
        (department_id,) = self.con.execute(
            "select department_id from dim_document where document_id = $document_id",
            {"document_id": report.document_id},
        ).fetchone()
        params = {
            "document_id": report.document_id,
            "department_id": department_id,
            "department": report.department,
            "fiscal_year": report.fiscal_year,
            "document_kind": report.document_kind,
        }
        counts = report.rows | {"dim_department": 1, "fact_dq_check": len(result.checks)}
        metadata = {}
        for table in WAREHOUSE_TABLES:
            sources = SOURCE_TABLES.get(table, tuple(extraction.table_pages))
            pages = "; ".join(
                f"{key} p.{pages_text(extraction.table_pages.get(key))}"
                for key in sources
                if extraction.table_pages.get(key)
            )
            metadata[table] = {
                "dagster/row_count": int(counts.get(table, 0)),
                "dagster/column_schema": self.schemas[table],
                "preview": self._preview(table, params),
                "sql": self.sql[table],
                "source_pdf": dg.MetadataValue.path(str(extraction.path)),
                "source_pages": pages,
            }
        loaded_cells = sum(
            n
            for t, n in report.rows.items()
            if t.startswith("fact_") and t not in ("fact_generic_cell", "fact_narrative_figure")
        )
        metadata["dim_document"] |= {
            "load/action": report.action,
            "load/message": report.message,
            "load/fact_rows": report.fact_rows,
            "load/normalised_cells": cells,
            "load/cells_reconcile": loaded_cells == cells,
            "load/replaced_sha256": report.replaced_sha256 or "",
            "sha256": report.sha256,
        }
        return metadata


def integrity_evaluations(
    integrity: quality.CheckOutcome,
    partition: str,
    targets: Mapping[str, CheckTarget | None] | None = None,
) -> list[dg.AssetCheckEvaluation]:
    """The referential-integrity outcome split per fact table, as check evaluations."""
    evaluations = []
    for table in RI_CHECKED:
        findings = [f for f in integrity.findings if f.table == table]
        mine = quality.CheckOutcome(integrity.name, integrity.description, findings=tuple(findings))
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(table),
                check_name="referential_integrity",
                passed=mine.passed,
                severity=dg.AssetCheckSeverity.ERROR,
                description=mine.summary(),
                metadata={
                    "orphan_keys": len(findings),
                    "offending_rows": dg.MetadataValue.md(mine.findings_markdown()),
                    "sql": _INTEGRITY_SQL,
                },
                partition=partition,
                blocking=False,
                target_materialization_data=(targets or {}).get(table),
            )
        )
    return evaluations
