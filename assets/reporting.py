"""Reporting layer: one asset per view in sql/views, its lineage read from the view's SQL
(pipelines.warehouse.lineage: the rule the tables follow too).

A view spans every document, so its asset is not partitioned: a batch recreates each view
once, after its last document, and records it once (the whole view's rows).
"""

import dagster as dg

from assets.warehouse import batch_asset_spec, sql_description, table_schema_of
from pipelines.warehouse.comments import apply_column_comments
from pipelines.warehouse.lineage import VIEW_FILES, reads
from pipelines.warehouse.sql_files import read_sql


def _view_spec(view: str, sql_name: str) -> tuple[str, str, dg.AssetSpec]:
    sql = read_sql(sql_name)
    spec = batch_asset_spec(
        view,
        deps=reads(sql),
        description=sql_description(sql),
        group_name="reporting",
        kinds={"duckdb"},
        tags={"layer": "view"},
    )
    return view, sql, spec


VIEWS = [_view_spec(view, name) for view, name in VIEW_FILES.items()]
VIEW_SPECS = [spec for _, _, spec in VIEWS]


def view_metadata(con, warehouse_path) -> dict[str, dict]:
    """Every view recreated (once per batch), with its rows, described schema and SQL."""
    metadata = {}
    for view, sql, _ in VIEWS:
        con.execute(sql)
        apply_column_comments(con, [view])  # re-creating a view drops its comments
        (rows,) = con.execute(f"select count(*) from {view}").fetchone()  # a fixed name
        metadata[view] = {
            "dagster/row_count": int(rows),
            "dagster/column_schema": table_schema_of(con, view),
            "sql": dg.MetadataValue.md(f"```sql\n{sql.strip()}\n```"),
            "warehouse": dg.MetadataValue.path(str(warehouse_path)),
        }
    return metadata
