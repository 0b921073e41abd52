"""Jobs: one job loads a batch of documents (PDF -> tables -> warehouse -> views) in one run."""

import dagster as dg

budget_document_job = dg.define_asset_job(
    "budget_document_job",
    selection=dg.AssetSelection.all() - dg.AssetSelection.assets("parquet_export"),
    description="Parse, check and load a batch of budget documents (many partitions) in one "
    "run: the files in run config, else the run's partitions.",
    tags={"budget/pipeline": "batch"},
)
