"""The one Dagster entry point (workspace.yaml loads `pipelines.definitions:defs`).

raw_budget_pdf -> stg_budget_tables -> stg_budget_cells -> dim_* / fact_* -> v_* views,
partitioned by document, all materialised by one batch step (assets.documents); then
parquet_export (assets.export) refreshes data/export after each load; docs/pipeline.md
describes the graph. `cluster_defs` adds, for a deployment past one machine,
assets.publish: parsing batches on any host hand off Parquet files, one publisher merges
them (docs/scaling.md; bench/cluster/workspace.yaml loads it). One machine keeps one
writer path, so `defs` leaves them out.
"""

import dagster as dg

from assets import documents, export, publish
from pipelines.jobs import budget_document_job
from pipelines.resources import BudgetInbox, DuckDBWarehouse
from pipelines.schedules import budget_yearly_schedule
from pipelines.sensors import budget_inbox_sensor, parquet_export_sensor

all_assets = [documents.load_budget_documents]


def default_resources() -> dict:
    """Warehouse from $BUDGET_WAREHOUSE, inbox from $BUDGET_INBOX (both resolved at run time)."""
    return {"warehouse": DuckDBWarehouse(), "inbox": BudgetInbox()}


defs = dg.Definitions(
    assets=[*all_assets, export.parquet_export],
    jobs=[budget_document_job],
    schedules=[budget_yearly_schedule],
    sensors=[budget_inbox_sensor, parquet_export_sensor],
    resources=default_resources(),
)


def cluster_defs() -> dg.Definitions:
    """`defs` and the cluster assets: a function, as a module holds one Definitions object."""
    return dg.Definitions.merge(
        defs,
        dg.Definitions(
            assets=publish.cluster_assets,
            jobs=[publish.budget_handoff_job, publish.budget_publish_job],
            resources={"handoff": publish.HandoffFolder()},
        ),
    )
