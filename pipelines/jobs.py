"""Jobs: one job runs a document's whole graph (PDF -> tables -> warehouse -> views)."""

import dagster as dg

budget_document_job = dg.define_asset_job(
    "budget_document_job",
    selection=dg.AssetSelection.all(),
    description="Parse, check and load one budget document (one partition) end to end.",
    tags={"budget/pipeline": "document"},
)
