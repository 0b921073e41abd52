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


def keep_sorted(instance: dg.DagsterInstance, added: list[str]) -> None:
    """List the partitions a batch `added` in key order (year, then department).

    The UI lists a dynamic partitions definition in the order its keys were added, with no
    default sort of its own, so a batch's documents came in the order their files arrived.
    A batch's new keys are the last ones: they are removed and added again sorted (one
    storage delete each, ~12 ms; a key is only a name, its materialisations and check
    results stay). Keys of earlier batches are left where they are: moving one would take a
    delete per key after it and leave them missing from the list meanwhile."""
    name = budget_document_partitions.name
    if added == sorted(added):
        return
    keys = list(instance.get_dynamic_partitions(name))
    if keys[-len(added) :] != added:  # another writer added keys since: leave the order
        return
    for key in added:
        instance.delete_dynamic_partition(name, key)
    instance.add_dynamic_partitions(name, sorted(added))
