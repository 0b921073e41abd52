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


def keep_sorted(instance: dg.DagsterInstance) -> None:
    """Keep the document partitions in key order (year, then department), once per batch.

    The UI lists a dynamic partitions definition in the order its keys were added (its own
    default sort, kept for no one), so a department-year arriving late hid among the rest;
    keys out of place are removed and added again behind the last one in place. A key is
    only a name: its materialisations and check results are kept by it, nothing is lost."""
    name = budget_document_partitions.name
    keys = list(instance.get_dynamic_partitions(name))
    ordered = sorted(keys)
    first = next(
        (i for i, (have, want) in enumerate(zip(keys, ordered, strict=True)) if have != want), None
    )
    if first is None:
        return
    for key in keys[first:]:
        instance.delete_dynamic_partition(name, key)
    instance.add_dynamic_partitions(name, ordered[first:])
