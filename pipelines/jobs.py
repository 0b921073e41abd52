"""Jobs: one job loads a batch of documents (PDF -> tables -> warehouse -> views) in one run."""

import dagster as dg

budget_document_job = dg.define_asset_job(
    "budget_document_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.groups("cluster")  # assets/publish.py: cluster_defs only
    - dg.AssetSelection.assets("parquet_export"),  # its own run, after each load
    description="Parse, check and load a batch of budget documents (many partitions) in one "
    "run: the files in run config, else the run's partitions.",
    tags={"budget/pipeline": "batch"},
)
