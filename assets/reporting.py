"""Reporting layer: one asset per view in sql/views, its lineage read from the view's SQL.

One step recreates the views and reports each one's rows for the partition's document.
"""

import re

import dagster as dg

from assets.warehouse import COLUMN_DESCRIPTIONS, WAREHOUSE_TABLES
from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import partition_key
from pipelines.partitions import budget_document_partitions
from pipelines.resources import WAREHOUSE_POOL, DuckDBWarehouse
from pipelines.warehouse.sql_files import read_sql, sql_names

VIEW_COLUMN_DESCRIPTIONS = COLUMN_DESCRIPTIONS | {
    "amount_wan": "the amount in 万元 (amount_yuan / 10000)",
    "name": "subject name as printed",
    "source_table": "the function table the rows come from (t03, else t05 or an extra table)",
    "category": "三公 category of the item (data/reference/three_public_categories.csv)",
}
_REFERENCE = re.compile(r"\b(?:from|join)\s+(\w+)", re.IGNORECASE)
_VIEW = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)
_DOCUMENTS_SQL = (
    "select dim_department.department, dim_document.fiscal_year, dim_document.document_kind "
    "from dim_document "
    "inner join dim_department on dim_department.department_id = dim_document.department_id"
)


def view_lineage(sql: str) -> list[str]:
    """The warehouse tables a view reads (its `from` / `join` targets), in order."""
    seen: list[str] = []
    for name in _REFERENCE.findall(sql):
        if name in WAREHOUSE_TABLES and name not in seen:
            seen.append(name)
    return seen


def _description(sql: str) -> str:
    first = sql.strip().splitlines()[0] if sql.strip() else ""
    return first.removeprefix("--").strip().capitalize()


def _view_spec(sql_name: str) -> tuple[str, str, dg.AssetSpec]:
    sql = read_sql(sql_name)
    match = _VIEW.search(sql)
    view = match.group(1) if match else sql_name.split("/")[-1]
    spec = dg.AssetSpec(
        view,
        deps=view_lineage(sql),
        description=_description(sql),
        group_name="reporting",
        kinds={"duckdb"},
        partitions_def=budget_document_partitions,
        owners=["team:budget-etl"],
        tags={"layer": "view"},
    )
    return view, sql, spec


VIEWS = [_view_spec(name) for name in sql_names("views")]
_SQL = {view: sql for view, sql, _ in VIEWS}


def _document_identity(con, key: str) -> DocumentIdentity:
    for row in con.execute(_DOCUMENTS_SQL).fetchall():
        if partition_key(identity := DocumentIdentity(*row)) == key:
            return identity
    raise dg.Failure(f"partition {key!r} is not loaded")


def view_metadata(con, view: str, sql: str, identity: DocumentIdentity, path) -> dict:
    """Recreate one view; its rows for this document: count, described schema, preview, SQL."""
    con.execute(sql)
    columns = con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_name = $view order by ordinal_position",
        {"view": view},
    ).fetchall()
    names = {c for c, _ in columns}
    params = {
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "document_kind": identity.kind,
    }
    if params.keys() <= names:
        where = "where " + " and ".join(f"{column} = ${column}" for column in params)
    else:
        where, params = "", {}
    query = f"select * from {view} {where}"  # view: a fixed identifier from sql/views
    (n,) = con.execute(f"select count(*) from ({query})", params).fetchone()
    preview = con.execute(f"{query} limit 10", params).df()
    return {
        "dagster/row_count": int(n),
        "dagster/column_schema": dg.TableSchema(
            columns=[
                dg.TableColumn(c, t, description=VIEW_COLUMN_DESCRIPTIONS.get(c, ""))
                for c, t in columns
            ]
        ),
        "preview": dg.MetadataValue.md(preview.to_markdown(index=False) if len(preview) else "—"),
        "sql": dg.MetadataValue.md(f"```sql\n{sql.strip()}\n```"),
        "slice": where or "(whole view)",
        "warehouse": dg.MetadataValue.path(str(path)),
    }


@dg.multi_asset(
    name="refresh_reporting_views",
    specs=[spec for _, _, spec in VIEWS],
    partitions_def=budget_document_partitions,
    pool=WAREHOUSE_POOL,
    can_subset=True,
    description="Recreate the reporting views and report one document's rows of each.",
)
def refresh_reporting_views(context: dg.AssetExecutionContext, warehouse: DuckDBWarehouse):
    # one step (one slot of the writer pool) for every view, not one process per view
    with warehouse.get_connection() as con:
        identity = _document_identity(con, context.partition_key)
        for key in sorted(context.selected_asset_keys, key=lambda k: k.to_user_string()):
            view = key.path[-1]
            metadata = view_metadata(con, view, _SQL[view], identity, warehouse.resolved_path())
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)
