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


def _recorded_path(instance: dg.DagsterInstance, key: str) -> Path | None:
    """The file the partition's last materialisation was read from, gone or not."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=RAW_PDF_KEY, asset_partitions=[key]), limit=1
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    entry = materialization.metadata.get("path") if materialization else None
    return Path(str(entry.value)) if entry is not None else None


def partition_files(
    instance: dg.DagsterInstance, keys: list[str], inbox: BudgetInbox
) -> tuple[dict[Path, str], dict[str, str]]:
    """(file -> the partition it should hold, partition with no file -> why) for `keys`:
    each partition's last file, else the inbox PDF identified as it."""
    found: dict[Path, str] = {}
    missing: dict[str, str] = {}
    folder = inbox.resolved_folder()
    for key in keys:
        recorded = _recorded_path(instance, key)
        path = recorded if recorded is not None and recorded.is_file() else None
        path = path or locate(
            folder, key, lambda p: identify_document(p, password=inbox.resolved_password())
        )
        if path is not None:
            found[path] = key
        elif recorded is not None:
            missing[key] = (
                f"the PDF is gone: it was {recorded}, and no PDF in {folder} is this document"
            )
        else:
            missing[key] = (
                f"no PDF: none was ever loaded for it and none in {folder} is this document"
            )
    return found, missing


REJECTED_SCHEMA = dg.TableSchema(
    columns=[
        dg.TableColumn("file", "string", description="the file as the run was given it"),
        dg.TableColumn("reason", "string", description="why it is not a loadable budget"),
        dg.TableColumn(
            "now_at",
            "string",
            description="where it is now (data/rejected/ once "
            "settled, with a .reason.txt beside it)",
        ),
    ]
)


def rejected_observation(results: list[DocumentResult]) -> dg.AssetObservation:
    """The files a run refused, as one observation of dim_document (the documents the
    warehouse holds; a refused file is no partition of the raw PDFs), so a run that loaded
    the others stays a success and still says so."""
    rows = []
    for result in results:
        rejection, parsed = result.rejection, result.parsed
        rows.append(
            dg.TableRecord(
                {
                    "file": str(rejection.source if rejection else parsed.path),
                    "reason": rejection.reason if rejection else parsed.reason,
                    "now_at": str(rejection.path if rejection else parsed.path),
                }
            )
        )
    return dg.AssetObservation(
        "dim_document",
        description=f"{len(rows)} file(s) rejected: not loaded, see `rejected`",
        metadata={"rejected": dg.MetadataValue.table(rows, schema=REJECTED_SCHEMA)},
    )
