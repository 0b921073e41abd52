"""Reporting layer: one asset per view in sql/views, its lineage read from the view's SQL.

A view spans every document, so its asset is not partitioned: a batch recreates each view
once, after its last document, and records it once (the whole view's rows).
"""

import re

import dagster as dg

from assets.warehouse import WAREHOUSE_TABLES, batch_asset_spec, table_schema_of
from pipelines.warehouse.comments import apply_column_comments
from pipelines.warehouse.sql_files import read_sql, sql_names

_REFERENCE = re.compile(r"\b(?:from|join)\s+(\w+)", re.IGNORECASE)
_VIEW = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)


# The table macros the views share (sql/relations), by name: a view reads their tables too.
_SHARED = {name.split("/")[-1]: read_sql(name) for name in sql_names("relations")}


def view_lineage(sql: str) -> list[str]:
    """The warehouse tables a view reads (its `from` / `join` targets, and those of the
    shared table macros it calls), in order."""
    seen: list[str] = []
    for name in _REFERENCE.findall(sql):
        for table in view_lineage(_SHARED[name]) if name in _SHARED else [name]:
            if table in WAREHOUSE_TABLES and table not in seen:
                seen.append(table)
    return seen


def _description(sql: str) -> str:
    first = sql.strip().splitlines()[0] if sql.strip() else ""
    return first.removeprefix("--").strip().capitalize()


def _view_spec(sql_name: str) -> tuple[str, str, dg.AssetSpec]:
    sql = read_sql(sql_name)
    match = _VIEW.search(sql)
    view = match.group(1) if match else sql_name.split("/")[-1]
    spec = batch_asset_spec(
        view,
        deps=view_lineage(sql),
        description=_description(sql),
        group_name="reporting",
        kinds={"duckdb"},
        tags={"layer": "view"},
    )
    return view, sql, spec


VIEWS = [_view_spec(name) for name in sql_names("views")]
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
