"""Data-quality checks on the staged document: balance, hierarchy, row identity, cross-table,
completeness. Each is a named, partitioned asset check on `stg_budget_tables`, evaluated by
`pipelines.quality` in the batch service's worker (once per document); a rounding tail
(≤ ½ × the last printed digit × the number of addends) fails as WARN, anything else as
ERROR. `year_over_year` and `final_vs_budget` are judged by the writer against another
loaded document; `referential_integrity` is checked inside each document's load transaction
and recorded per batch on each fact table (assets/warehouse.py).
"""

import warnings
from collections.abc import Mapping, Sequence

import dagster as dg

# A batch step logs one evaluation per document partition; naming the materialisation it
# judged is what makes the UI count it as that partition's current result. Dagster fills
# this in only for an AssetCheckResult of a single-partition step and exports no public
# name for the record, hence the one private import.
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData as CheckTarget,
)

from pipelines import quality
from pipelines.partitions import budget_document_partitions
from pipelines.quality.markdown import figure_text, findings_markdown, headline_markdown

STAGED = dg.AssetKey("stg_budget_tables")
SEVERITY = {quality.ERROR: dg.AssetCheckSeverity.ERROR, quality.WARN: dg.AssetCheckSeverity.WARN}


def partitioned_check_spec(name: str, asset: str | dg.AssetKey, description: str):
    """A check with one outcome per document partition.

    Partitioned checks are a preview feature of 1.13; only that one warning is silenced.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="Specifying a partitions_def on an AssetCheckSpec",
            category=dg.PreviewWarning,
        )
        return dg.AssetCheckSpec(
            name,
            asset=asset,
            description=description,
            blocking=False,
            partitions_def=budget_document_partitions,
        )


DOCUMENT_CHECK_SPECS = [
    partitioned_check_spec(name, STAGED, (check.__doc__ or name).strip().splitlines()[0])
    for name, check in quality.DOCUMENT_CHECKS.items()
]
# Checked in the writer, against another document in the warehouse (pipelines.batch): the
# previous year, and a final account's budget.
WRITER_DOCUMENT_CHECK_SPECS = [
    partitioned_check_spec(
        "year_over_year",
        STAGED,
        "the stated change vs last year equals this year's total minus last year's (±0.5 万元)",
    ),
    partitioned_check_spec(
        "final_vs_budget",
        STAGED,
        "the 年初预算 a final account (决算) states equals its loaded budget's (±0.5 万元)",
    ),
]


def latest_materialization(
    instance: dg.DagsterInstance, asset: str | dg.AssetKey, partition: str | None = None
) -> CheckTarget | None:
    """The latest materialisation of `asset` (of `partition`, if given), as a check's target."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(
            asset_key=dg.AssetKey.from_coercible(asset),
            asset_partitions=[partition] if partition is not None else None,
        ),
        limit=1,
    ).records
    if not records:
        return None
    latest = records[0]
    return CheckTarget(
        storage_id=latest.storage_id, run_id=latest.run_id, timestamp=latest.timestamp
    )


def check_evaluation(
    asset: str | dg.AssetKey,
    outcome: quality.CheckOutcome,
    partition: str,
    findings: Sequence[Mapping],
    where: str,
    target: CheckTarget | None = None,
) -> dg.AssetCheckEvaluation:
    """A CheckOutcome as one partition's check evaluation, with its evidence as metadata: its
    offending rows are `findings`, the rows dq_finding holds for it (read back after the
    write: what the UI shows is what the warehouse holds), `where` the condition that
    selects them there."""
    # Counts as text: Dagster plots a check's numbers as one series, and each evaluation of
    # a partitioned check is another document's.
    metadata = {
        "comparisons": str(len(outcome.comparisons)),
        "errors": str(sum(f["severity"] == quality.ERROR for f in findings)),
        "rounding_warnings": str(sum(f["finding_kind"] == "rounding" for f in findings)),
        "max_abs_difference": figure_text(outcome.max_abs_difference),
        "offending_rows": dg.MetadataValue.md(findings_markdown(findings, where)),
        "expected_vs_actual": dg.MetadataValue.md(headline_markdown(outcome)),
    }
    first = (outcome.headline or outcome.comparisons or (None,))[0]
    if first is not None:
        metadata["expected_total"] = str(first.expected)
        metadata["actual_total"] = str(first.actual)
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey.from_coercible(asset),
        check_name=outcome.name,
        passed=outcome.passed,
        severity=SEVERITY.get(outcome.severity, dg.AssetCheckSeverity.ERROR),
        description=outcome.summary(),
        metadata=metadata,
        partition=partition,
        blocking=False,
        target_materialization_data=target,
    )
