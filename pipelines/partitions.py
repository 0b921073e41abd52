"""Partitions: one partition per budget document (department × fiscal year × kind × stage)."""

import dagster as dg

# Keys are "<fiscal_year>|<department>", plus "|单位预算" for a unit budget and "|部门决算" /
# "|单位决算" for final accounts (pipelines.inbox.partition_key); the inbox sensor, the
# yearly schedule and `budget load` add them as documents arrive. See docs/pipeline.md for
# why this is one dynamic dimension rather than a year × department grid.
budget_document_partitions = dg.DynamicPartitionsDefinition(name="budget_document")


def document_asset_spec(key, **spec) -> dg.AssetSpec:
    """An asset of the graph: partitioned by document, owned by the team, and `skippable`,
    because the batch step materialises it only for the partitions it loaded."""
    return dg.AssetSpec(
        key,
        partitions_def=budget_document_partitions,
        owners=["team:budget-etl"],
        skippable=True,
        **spec,
    )
