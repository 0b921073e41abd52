"""Jobs: one job loads a batch of documents (PDF -> tables -> warehouse -> views) in one run."""

import dagster as dg

from assets.checks import DOCUMENT_CHECK_SPECS, WRITER_DOCUMENT_CHECK_SPECS

# A document's checks are judged per partition and logged as each document is written; a
# run that planned them unpartitioned (a sensor's run names files, not partitions) would
# leave a blank "skipped" or "execution failed" row in every check's history.
DOCUMENT_CHECKS = dg.AssetSelection.checks(
    *(spec.key for spec in (*DOCUMENT_CHECK_SPECS, *WRITER_DOCUMENT_CHECK_SPECS))
)

budget_document_job = dg.define_asset_job(
    "budget_document_job",
    selection=dg.AssetSelection.all()
    - dg.AssetSelection.groups("cluster")  # assets/publish.py: cluster_defs only
    - dg.AssetSelection.assets("parquet_export")  # its own run, after each load
    - DOCUMENT_CHECKS,
    description="Parse, check and load a batch of budget documents (many partitions) in one "
    "run: the files in run config, else the run's partitions.",
    tags={"budget/pipeline": "batch"},
)
