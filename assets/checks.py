"""Data-quality checks on the staged document: balance, hierarchy, row identity, cross-table,
completeness. Each is a named asset check on `stg_budget_tables` calling `pipelines.quality`;
a rounding tail (≤ ½ × the last printed digit × the number of addends) fails as WARN,
anything else as ERROR.

`referential_integrity` runs inside the warehouse load (assets/warehouse.py), which also
records all outcomes in `dq_check_result`.
"""

import warnings
from collections.abc import Callable

import dagster as dg

from pipelines import quality
from pipelines.extraction.document import Extraction
from pipelines.partitions import budget_document_partitions

STAGED = dg.AssetKey("stg_budget_tables")
SEVERITY = {quality.ERROR: dg.AssetCheckSeverity.ERROR, quality.WARN: dg.AssetCheckSeverity.WARN}


def check_result(outcome: quality.CheckOutcome) -> dg.AssetCheckResult:
    """A CheckOutcome as a Dagster check result with its evidence as metadata."""
    errors = sum(f.severity == quality.ERROR for f in outcome.findings)
    metadata = {
        "comparisons": len(outcome.comparisons),
        "errors": errors,
        "rounding_warnings": sum(f.kind == "rounding" for f in outcome.findings),
        "max_abs_difference": float(outcome.max_abs_difference),
        "offending_rows": dg.MetadataValue.md(outcome.findings_markdown()),
        "expected_vs_actual": dg.MetadataValue.md(outcome.headline_markdown()),
    }
    first = (outcome.headline or outcome.comparisons or (None,))[0]
    if first is not None:
        metadata["expected_total"] = str(first.expected)
        metadata["actual_total"] = str(first.actual)
    return dg.AssetCheckResult(
        passed=outcome.passed,
        severity=SEVERITY.get(outcome.severity, dg.AssetCheckSeverity.ERROR),
        description=outcome.summary(),
        metadata=metadata,
    )


def _document_check(
    name: str, check: Callable[[dict], quality.CheckOutcome]
) -> dg.AssetChecksDefinition:
    description = (check.__doc__ or name).strip().splitlines()[0]

    def _check(stg_budget_tables: Extraction) -> dg.AssetCheckResult:
        return check_result(check(stg_budget_tables.doc))

    # Partitioned checks (one outcome per document, reading only that partition's input)
    # are a preview feature of 1.13; without a partitions_def an unpartitioned check would
    # load every partition of stg_budget_tables. Only that one warning is silenced.
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="Specifying a partitions_def on an AssetCheckSpec",
            category=dg.PreviewWarning,
        )
        return dg.asset_check(
            asset=STAGED,
            name=name,
            description=description,
            blocking=False,
            partitions_def=budget_document_partitions,
        )(_check)


completeness = _document_check("completeness", quality.check_completeness)
balance = _document_check("balance", quality.check_balance)
hierarchy = _document_check("hierarchy", quality.check_hierarchy)
row_identity = _document_check("row_identity", quality.check_row_identity)
cross_table = _document_check("cross_table", quality.check_cross_table)
