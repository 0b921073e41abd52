"""Warehouse layer: the star schema's dimensions and facts, each one asset, recorded once per batch.

The batch service writes each document's rows of every table in ONE DuckDB transaction
(`pipelines.batch.write_document`), checks referential integrity over the loaded keys in
that transaction and records every check outcome in `dq_check_result`. A table holds every
document, so its asset is not partitioned: a batch run records one materialisation per
table (the whole table's rows, schema and preview, the rows this batch wrote) and one
referential-integrity evaluation per fact table over the batch's documents, instead of one
of each per document (the SQLite event log's cost per event dominated a batch run). Each
document's own outcome is its partition of the staging assets and its rows of
`dq_check_result`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from assets.checks import CheckTarget
from pipelines.batch import DocumentResult
from pipelines.quality.markdown import findings_markdown
from pipelines.quality.referential_integrity import integrity_sql
from pipelines.warehouse.comments import relation_columns
from pipelines.warehouse.findings import document_key, finding_filter
from pipelines.warehouse.lineage import TABLE_FILES, table_lineage
from pipelines.warehouse.sql_files import SQL_ROOT, read_sql


def sql_description(sql: str) -> str:
    """A table's or view's UI description: its SQL file's whole leading comment, the lines
    joined (the first line alone stops mid-sentence), the first letter capitalised (the rest
    as written: ERROR, NULL)."""
    lines = []
    for line in sql.strip().splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    text = " ".join(lines)
    return text[:1].upper() + text[1:]


WAREHOUSE_TABLES = tuple(TABLE_FILES)
# The facts of a document's rows (the check results are keyed by department, not document_id).
RI_CHECKED = tuple(
    t
    for t in WAREHOUSE_TABLES
    if t.startswith("fact_") and t not in ("fact_dq_check", "fact_dq_finding")
)


def batch_asset_spec(key, **spec) -> dg.AssetSpec:
    """A warehouse table or view: one asset over every document (not partitioned), owned by
    the team, `skippable` because a batch that writes nothing records nothing."""
    return dg.AssetSpec(key, owners=["team:budget-etl"], skippable=True, **spec)


WAREHOUSE_SPECS = [
    batch_asset_spec(
        table,
        deps=table_lineage(table),
        description=sql_description(read_sql(TABLE_FILES[table])),
        group_name="warehouse",
        kinds={"duckdb"},
        tags={"layer": "dimension" if table.startswith("dim_") else "fact"},
    )
    for table in WAREHOUSE_TABLES
]
RI_CHECK_SPECS = [
    dg.AssetCheckSpec(
        "referential_integrity",
        asset=table,
        description=f"every key of {table} rows resolves to a dimension row (SQL), "
        "over each batch's documents",
        blocking=False,
    )
    for table in RI_CHECKED
]
_INTEGRITY_SQL = dg.MetadataValue.md(f"```sql\n{integrity_sql().strip()}\n```")


def table_schema_of(con, table: str) -> dg.TableSchema:
    """A warehouse table's or view's columns, described by their comments in the catalog."""
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, dtype, description=comment)
            for name, dtype, comment in relation_columns(con, table)
        ]
    )


@dataclass(frozen=True)
class LoadedDocument:
    """What a batch keeps of each written document for its one record of the warehouse."""

    partition: str
    action: str
    fact_rows: int
    rows: dict[str, int]
    sha256: str
    replaced_sha256: str
    integrity: tuple[dict, ...]  # its referential_integrity findings, as dq_finding holds them
    where: str  # the condition selecting them in dq_finding

    @classmethod
    def of(cls, result: DocumentResult, integrity: list[dict]) -> "LoadedDocument":
        report = result.report
        rows = report.rows | {
            "dim_department": 1,
            "fact_dq_check": len(result.checks),
            "fact_dq_finding": sum(len(o.findings) for o in result.checks.values()),
        }
        return cls(
            result.parsed.key,
            report.action,
            report.fact_rows,
            {table: int(rows.get(table, 0)) for table in WAREHOUSE_TABLES},
            report.sha256,
            report.replaced_sha256 or "",
            tuple(integrity),
            finding_filter(document_key(report), check_name="referential_integrity"),
        )


LOADED_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("partition", "string", description="the document's partition"),
        dg.TableColumn("action", "string", description="inserted / reloaded / replaced"),
        dg.TableColumn("fact_rows", "int", description="fact rows the document holds"),
        dg.TableColumn("sha256", "string", description="the edition loaded"),
        dg.TableColumn("replaced_sha256", "string", description="the edition it replaced"),
    ]
)


class WarehouseMetadata:
    """Each warehouse table's materialisation metadata for a batch: the whole table's rows,
    its described schema and a preview, and what this batch wrote into it.

    What does not change within a batch (schemas, insert statements) is read once.
    """

    def __init__(self, con) -> None:
        self.con = con
        self.schemas = {t: table_schema_of(con, t) for t in WAREHOUSE_TABLES}
        self.sql = {}
        for table in WAREHOUSE_TABLES:
            # its mart (sql/marts/), else the loader's own insert (dim_document, checks, …)
            inserts = [
                SQL_ROOT / "marts" / f"{table}.sql",
                SQL_ROOT / "load" / f"insert_{table}.sql",
            ]
            text = next((p.read_text(encoding="utf-8").strip() for p in inserts if p.exists()), "")
            self.sql[table] = dg.MetadataValue.md(f"```sql\n{text}\n```")

    def _preview(self, table: str) -> dg.MetadataValue:
        preview = self.con.execute(f"select * from {table} limit 10").df()  # a fixed name
        return dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "—")

    def of(self, loaded: list[LoadedDocument] | None) -> dict[str, dict]:
        """Table -> its metadata after the batch's documents `loaded` (None: re-derived from
        the warehouse, no batch)."""
        metadata = {}
        for table in WAREHOUSE_TABLES:
            (total,) = self.con.execute(f"select count(*) from {table}").fetchone()
            metadata[table] = {
                "dagster/row_count": int(total),
                "dagster/column_schema": self.schemas[table],
                "preview": self._preview(table),
                "sql": self.sql[table],
            }
            if loaded is not None:
                metadata[table]["batch/documents"] = len(loaded)
                metadata[table]["batch/rows_written"] = sum(d.rows[table] for d in loaded)
        if loaded is None:
            return metadata
        metadata["dim_document"]["batch/loaded"] = dg.MetadataValue.table(
            [
                dg.TableRecord(
                    {
                        "partition": d.partition,
                        "action": d.action,
                        "fact_rows": d.fact_rows,
                        "sha256": d.sha256,
                        "replaced_sha256": d.replaced_sha256,
                    }
                )
                for d in loaded
            ],
            schema=LOADED_SCHEMA,
        )
        return metadata


# The documents whose orphan keys an evaluation lists (a batch may hold a thousand).
LISTED_DOCUMENTS = 20


def integrity_evaluations(
    loaded: Sequence, targets: dict[str, CheckTarget | None] | None = None
) -> list[dg.AssetCheckEvaluation]:
    """Each fact table's referential integrity over the `loaded` documents (each with its
    partition, its integrity findings and the `where` listing them), as one evaluation
    (every document's own outcome is also its row of dq_check_result)."""
    evaluations = []
    for table in RI_CHECKED:
        failing = []
        for document in loaded:
            findings = [f for f in document.integrity if f["table_key"] == table]
            if findings:
                where = f"{document.where} and table_key = '{table}'"  # a fixed name
                failing.append((document.partition, findings, where))
        orphans = sum(len(findings) for _, findings, _ in failing)
        listed = "\n\n".join(
            f"**{key}**\n\n{findings_markdown(findings, where)}"
            for key, findings, where in failing[:LISTED_DOCUMENTS]
        )
        if len(failing) > LISTED_DOCUMENTS:
            listed += f"\n\n… and {len(failing) - LISTED_DOCUMENTS} more documents"
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey(table),
                check_name="referential_integrity",
                passed=not failing,
                severity=dg.AssetCheckSeverity.ERROR,
                description=f"{len(loaded) - len(failing)} of {len(loaded)} documents: "
                "every key resolves"
                + (f"; {orphans} orphan keys in {len(failing)}" if failing else ""),
                metadata={
                    "documents": len(loaded),
                    "documents_failing": len(failing),
                    "orphan_keys": orphans,
                    "offending_rows": dg.MetadataValue.md(listed or "No offending rows."),
                    "sql": _INTEGRITY_SQL,
                },
                blocking=False,
                target_materialization_data=(targets or {}).get(table),
            )
        )
    return evaluations
