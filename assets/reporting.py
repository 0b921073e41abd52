"""Reporting layer: one asset per view in sql/views, its lineage read from the view's SQL.

A batch recreates each view once, after its last document, and reports each document's
rows of it from one grouped count per view.
"""

import re

import dagster as dg

from assets.charts import DocumentCharts
from assets.warehouse import WAREHOUSE_TABLES, table_schema_of
from pipelines.partitions import document_asset_spec
from pipelines.warehouse.comments import apply_column_comments
from pipelines.warehouse.load import LoadReport
from pipelines.warehouse.sql_files import read_sql, sql_names

_REFERENCE = re.compile(r"\b(?:from|join)\s+(\w+)", re.IGNORECASE)
_VIEW = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)
DOCUMENT_COLUMNS = ("department", "fiscal_year", "document_kind")


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
    spec = document_asset_spec(
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


class ViewMetadata:
    """Every view recreated once for a batch; each document's rows of it, counted once."""

    def __init__(self, con, warehouse_path) -> None:
        self.views: dict[str, dict] = {}
        self.counts: dict[str, dict[tuple, int]] = {}
        for view, sql, _ in VIEWS:
            con.execute(sql)
            apply_column_comments(con, [view])  # re-creating a view drops its comments
            schema = table_schema_of(con, view)
            names = {c.name for c in schema.columns}
            if set(DOCUMENT_COLUMNS) <= names:
                where = "where " + " and ".join(f"{c} = ${c}" for c in DOCUMENT_COLUMNS)
                grouped = f"select {', '.join(DOCUMENT_COLUMNS)}, count(*) from {view} group by all"
                self.counts[view] = {tuple(r[:-1]): r[-1] for r in con.execute(grouped).fetchall()}
            else:  # not per document: the whole view's rows
                where = "(whole view)"
                (n,) = con.execute(f"select count(*) from {view}").fetchone()
                self.counts[view] = {None: n}
            self.views[view] = {
                "dagster/column_schema": schema,
                "sql": dg.MetadataValue.md(f"```sql\n{sql.strip()}\n```"),
                "slice": where,
                "warehouse": dg.MetadataValue.path(str(warehouse_path)),
            }
        self.charts = DocumentCharts(con)

    def of(self, report: LoadReport) -> dict[str, dict]:
        """View -> this document's rows of it (count, described schema, SQL, chart)."""
        document = (report.department, report.fiscal_year, report.document_kind)
        charts = self.charts.metadata(*document)
        return {
            view: {
                "dagster/row_count": int(
                    self.counts[view].get(document, self.counts[view].get(None, 0))
                )
            }
            | metadata
            | charts.get(view, {})
            for view, metadata in self.views.items()
        }
