"""Column comments: one description per column, kept in the DuckDB catalog.

`data/reference/column_descriptions.csv` (a seed, read from the install like the table
vocabulary) holds each column name's description once; `sql/comments/column_comments.sql`
reads it as `中文名 — English description`, and `apply_column_comments` writes that with
COMMENT ON onto every table and view that has the column, so the Dagster TableSchema, the
headers of `budget export` and any DuckDB client (`select * from duckdb_columns()`) read
the same text from the warehouse. DuckDB drops a view's comments when the view is
re-created, so they are applied wherever views are created.
"""

from collections.abc import Iterable

import duckdb

from pipelines.package_data import REFERENCE_ROOT
from pipelines.warehouse.sql_files import read_sql

DESCRIPTIONS_FILE = REFERENCE_ROOT / "column_descriptions.csv"
# Between the Chinese name and the English description of a comment.
SEPARATOR = " — "


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def column_descriptions(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, str]:
    """Column name -> `中文名 — English description`, read from the seed (on `con`, or on a
    connection of its own for relations outside the warehouse, such as stg_budget_cells)."""
    if con is None:
        with duckdb.connect() as own:
            return column_descriptions(own)
    query = read_sql("comments/column_comments")
    return dict(con.execute(query, {"descriptions": str(DESCRIPTIONS_FILE)}).fetchall())


def apply_column_comments(
    con: duckdb.DuckDBPyConnection, relations: Iterable[str] | None = None
) -> int:
    """Comment every described column of the warehouse (or of `relations`); the count.

    COMMENT ON takes no parameters, so names and text are quoted here; both come from
    the install's seed and the catalog, never from a document.
    """
    descriptions = column_descriptions(con)
    only = None if relations is None else set(relations)
    done = 0
    for table, column in con.execute(read_sql("comments/select_warehouse_columns")).fetchall():
        text = descriptions.get(column)
        if text is None or (only is not None and table not in only):
            continue
        con.execute(
            f"comment on column {_identifier(table)}.{_identifier(column)} is {_literal(text)}"
        )
        done += 1
    return done


def relation_columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str, str]]:
    """(name, DuckDB type, comment or '') of each column of a table or view, in order."""
    rows = con.execute(read_sql("comments/select_columns"), {"relation": relation}).fetchall()
    return [(name, dtype, comment or "") for name, dtype, comment in rows]


def chinese_name(comment: str) -> str:
    """The Chinese name a comment starts with ('' when it has none)."""
    head, found, _ = comment.partition(SEPARATOR)
    return head.strip() if found else ""
