"""Export layer: the public views as Parquet files, refreshed after each load."""

import dagster as dg
from pydantic import Field

from assets.reporting import VIEW_SPECS
from pipelines.commands.export import export_folder, export_views
from pipelines.resources import WAREHOUSE_POOL, DuckDBWarehouse

# After any document's views update (a batch run, a backfill, `budget load` recorded in the
# instance), once no run is still writing them; documents never loaded do not hold it back.
REFRESH_AFTER_LOADS = (
    dg.AutomationCondition.eager()
    .without(~dg.AutomationCondition.any_deps_missing())
    .with_label("after each load")
)


class ParquetExportConfig(dg.Config):
    folder: str | None = Field(
        default=None, description="where the files go; default $BUDGET_EXPORT, else data/export"
    )


@dg.asset(
    deps=[spec.key for spec in VIEW_SPECS],
    group_name="reporting",
    kinds={"duckdb", "parquet"},
    pool=WAREHOUSE_POOL,
    automation_condition=REFRESH_AFTER_LOADS,
)
def parquet_export(
    context: dg.AssetExecutionContext, config: ParquetExportConfig, warehouse: DuckDBWarehouse
) -> dg.MaterializeResult:
    """One Parquet file per public view, from the warehouse, amounts as DECIMAL."""
    folder = export_folder(config.folder)
    with warehouse.get_connection(read_only=True) as con:
        written = export_views(con, warehouse.resolved_path(), folder, "parquet")
    for item in written:
        context.log.info(f"exported: {item.view}: {item.rows} rows -> {item.path}")
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": sum(item.rows for item in written),
            "folder": dg.MetadataValue.path(str(folder.resolve())),
            "files": dg.MetadataValue.md(
                "| view | rows | file |\n|---|---:|---|\n"
                + "\n".join(f"| {i.view} | {i.rows} | `{i.path.name}` |" for i in written)
            ),
        }
    )
