"""What a run records of assets it has no document to load for, read from the warehouse.

Materialising a table or a view alone (Catalog -> Materialize) re-derives it: the views are
recreated and each selected table or view records its rows and schema as the warehouse
holds them, and referential integrity is judged again over every loaded document. A
partition whose PDF is gone cannot be judged again: its checks re-state what the warehouse
holds of its last judgement, saying so, so a failed run marks nothing it did not judge.
"""

from dataclasses import dataclass

import dagster as dg

from assets.checks import SEVERITY
from assets.reporting import view_metadata
from assets.warehouse import WarehouseMetadata, integrity_evaluations
from pipelines import quality
from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import parse_partition_key, partition_key
from pipelines.quality.markdown import findings_markdown
from pipelines.quality.year_over_year import StoredDocument
from pipelines.warehouse.findings import (
    document_key,
    finding_filter,
    finding_rows,
    stored_findings,
)
from pipelines.warehouse.sql_files import read_sql


@dataclass(frozen=True)
class JudgedIntegrity:
    """One document's referential-integrity findings, as integrity_evaluations reads them."""

    partition: str
    integrity: tuple[dict, ...]
    where: str


def rederived_records(con, warehouse_path) -> tuple[dict[str, dict], list]:
    """Every table's and view's metadata as the warehouse holds it now (views recreated),
    and each fact table's referential integrity judged again over every loaded document."""
    metadata = WarehouseMetadata(con).of(None) | view_metadata(con, warehouse_path)
    judged = []
    cursor = con.execute(read_sql("checks/select_loaded_documents"))
    for document in (StoredDocument(*row) for row in cursor.fetchall()):
        key = document_key(document)
        outcome = quality.check_referential_integrity(con, document.document_id)
        judged.append(
            JudgedIntegrity(
                partition_key(DocumentIdentity.of(key)),
                tuple(finding_rows(outcome)),
                finding_filter(key, check_name="referential_integrity"),
            )
        )
    return metadata, integrity_evaluations(judged)


def restated_evaluations(con, partition: str, gone: str) -> list[dg.AssetCheckEvaluation]:
    """The partition's stored check results, each re-stated with why it was not judged
    again (`gone`); none when the warehouse holds no document of that partition."""
    fiscal_year, department, kind, stage = parse_partition_key(partition)
    key = {"department": department, "fiscal_year": fiscal_year, "document_kind": kind}
    key["stage"] = stage
    found = stored_findings(con, key)
    evaluations = []
    for name, severity, passed, detail, sha256, checked_at in con.execute(
        read_sql("checks/select_document_checks"), key
    ).fetchall():
        where = finding_filter(key, check_name=name)
        evaluations.append(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey("stg_budget_tables"),
                check_name=name,
                passed=bool(passed),
                severity=SEVERITY.get(severity, dg.AssetCheckSeverity.ERROR),
                description=f"{detail} (not judged again: {gone}; the result of edition "
                f"{(sha256 or '')[:12]} checked {checked_at:%Y-%m-%d %H:%M} stands)",
                metadata={
                    "offending_rows": dg.MetadataValue.md(
                        findings_markdown(found.get(name, []), where)
                    ),
                    "judged": "no: the stored result",
                },
                partition=partition,
                blocking=False,
            )
        )
    return evaluations
