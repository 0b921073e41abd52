"""The one Dagster entry point (workspace.yaml loads `pipelines.definitions:defs`).

raw_budget_pdf -> stg_budget_tables -> stg_budget_cells -> dim_* / fact_* -> v_* views,
partitioned by document, all materialised by one batch step (assets.documents);
docs/pipeline.md describes the graph. Past one machine, assets.publish: parsing batches on
any host hand off Parquet files, one publisher merges them (docs/scaling.md).
"""

import dagster as dg

from assets import documents, publish
from pipelines.jobs import budget_document_job
from pipelines.resources import BudgetInbox, DuckDBWarehouse
from pipelines.schedules import budget_yearly_schedule
from pipelines.sensors import budget_inbox_sensor

all_assets = [documents.load_budget_documents]


def default_resources() -> dict:
    """Warehouse from $BUDGET_WAREHOUSE, inbox from $BUDGET_INBOX, the shared hand-off folder
    from $BUDGET_HANDOFF (all resolved at run time)."""
    return {
        "warehouse": DuckDBWarehouse(),
        "inbox": BudgetInbox(),
        "handoff": publish.HandoffFolder(),
    }


defs = dg.Definitions(
    assets=[*all_assets, *publish.cluster_assets],
    jobs=[budget_document_job, publish.budget_handoff_job, publish.budget_publish_job],
    schedules=[budget_yearly_schedule],
    sensors=[budget_inbox_sensor],
    resources=default_resources(),
)
