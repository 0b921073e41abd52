"""Raw layer: the published budget PDF of one partition (department × fiscal year × kind ×
stage).

The file is hashed, never parsed here: its identity (the partition key) comes from the
batch service's one parse. A partition launched without a file (a backfill from the UI, the
yearly schedule) is re-read from the file of its last materialisation, else from the inbox
PDF identified as that partition.
"""

from pathlib import Path

import dagster as dg

from pipelines.batch import DocumentResult
from pipelines.extraction.document import identify_document
from pipelines.inbox import locate
from pipelines.partitions import document_asset_spec
from pipelines.resources import BudgetInbox

RAW_PDF_KEY = dg.AssetKey("raw_budget_pdf")

RAW_SPEC = document_asset_spec(
    RAW_PDF_KEY,
    description="One published budget PDF (部门预算公开) per department, fiscal year, kind "
    "(部门 or 单位) and stage (预算 or 决算), as received.",
    group_name="raw",
    kinds={"pdf"},
)


def raw_metadata(result: DocumentResult) -> dict:
    """Where the partition's PDF is, its bytes' sha256 and size, and whose budget it is."""
    path = result.parsed.path
    identity = result.parsed.identity
    return {
        "path": dg.MetadataValue.path(str(path.resolve())),
        "sha256": result.parsed.extraction.sha256,
        "size_bytes": path.stat().st_size,
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "document_kind": identity.kind,
        "stage": identity.stage,
    }


def _previous_path(instance: dg.DagsterInstance, key: str) -> Path | None:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=RAW_PDF_KEY, asset_partitions=[key]), limit=1
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    entry = materialization.metadata.get("path") if materialization else None
    path = Path(str(entry.value)) if entry is not None else None
    return path if path is not None and path.is_file() else None


def partition_files(
    instance: dg.DagsterInstance, keys: list[str], inbox: BudgetInbox
) -> tuple[dict[Path, str], list[str]]:
    """(file -> the partition it should hold, partitions with no file) for `keys`."""
    found: dict[Path, str] = {}
    missing: list[str] = []
    for key in keys:
        path = _previous_path(instance, key) or locate(
            inbox.resolved_folder(),
            key,
            lambda p: identify_document(p, password=inbox.resolved_password()),
        )
        if path is None:
            missing.append(key)
        else:
            found[path] = key
    return found, missing
