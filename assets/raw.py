"""Raw layer: the published budget PDF of one partition (department × fiscal year × kind)."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.errors import BudgetInputError
from pipelines.extraction.document import identify_document
from pipelines.inbox import file_sha256, locate, partition_key
from pipelines.partitions import budget_document_partitions
from pipelines.resources import BudgetInbox

RAW_PDF_KEY = dg.AssetKey("raw_budget_pdf")


class RawBudgetPdfConfig(dg.Config):
    """Which file holds this partition's PDF (the sensor and `budget load` always set it)."""

    path: str | None = Field(
        default=None,
        description="the PDF; when empty, the file of the last run of this partition, "
        "else the inbox PDF identified as this partition",
    )


def reject(path: Path | str, reason: str) -> dg.Failure:
    """A step failure that names the file and the reason, and is not retried."""
    return dg.Failure(
        description=f"{path}: {reason}",
        metadata={"path": dg.MetadataValue.path(str(path)), "reason": reason},
        allow_retries=False,
    )


def _previous_path(context: dg.AssetExecutionContext) -> Path | None:
    records = context.instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=RAW_PDF_KEY, asset_partitions=[context.partition_key]),
        limit=1,
    ).records
    if not records:
        return None
    materialization = records[0].asset_materialization
    entry = materialization.metadata.get("path") if materialization else None
    path = Path(str(entry.value)) if entry is not None else None
    return path if path is not None and path.is_file() else None


def _resolve_path(
    context: dg.AssetExecutionContext, config: RawBudgetPdfConfig, inbox: BudgetInbox
) -> Path:
    if config.path:
        return Path(config.path)
    found = _previous_path(context) or locate(
        inbox.resolved_folder(),
        context.partition_key,
        lambda p: identify_document(p, password=inbox.resolved_password()),
    )
    if found is None:
        raise reject(inbox.resolved_folder(), f"no PDF for partition {context.partition_key!r}")
    return found


@dg.asset(
    partitions_def=budget_document_partitions,
    group_name="raw",
    kinds={"pdf"},
    owners=["team:budget-etl"],
)
def raw_budget_pdf(
    context: dg.AssetExecutionContext, config: RawBudgetPdfConfig, inbox: BudgetInbox
) -> dict:
    """One published budget PDF (部门预算公开) per department, fiscal year and kind
    (部门预算 or 单位预算), as received."""
    path = _resolve_path(context, config, inbox)
    if not path.is_file():
        raise reject(path, "no such file")
    try:
        identity = identify_document(path, password=inbox.resolved_password())
    except BudgetInputError as exc:
        raise reject(exc.path, exc.reason) from None
    key = partition_key(identity)
    if key != context.partition_key:
        raise reject(path, f"is the budget of {key!r}, not of partition {context.partition_key!r}")
    stat = path.stat()
    record = {
        "path": str(path.resolve()),
        "sha256": file_sha256(path),
        "size_bytes": stat.st_size,
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "document_kind": identity.kind,
    }
    context.add_output_metadata(record | {"path": dg.MetadataValue.path(record["path"])})
    return record
