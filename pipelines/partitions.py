"""Partitions: one partition per budget document (department × fiscal year × kind)."""

import dagster as dg

# Keys are "<fiscal_year>|<department>", plus "|单位预算" for a unit budget
# (pipelines.inbox.partition_key); the inbox sensor, the yearly schedule and `budget load`
# add them as documents arrive. See docs/pipeline.md for why this is one dynamic dimension
# rather than a year × department grid.
budget_document_partitions = dg.DynamicPartitionsDefinition(name="budget_document")
