"""Python rows handed to DuckDB as typed temp tables, without Arrow.

The writer's staging relations, the table vocabulary, the reference CSVs and the check
rows reach DuckDB this way: each column travels as one list parameter, `unnest` zips the
lists into rows and each column is cast to its declared DuckDB type (a DECIMAL from its
exact text). Registering Arrow tables would do the same, but every Arrow conversion of
Python values imports pandas: 0.2 s of each `budget load`, for a few thousand values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pipelines.warehouse.sql_files import read_sql

if TYPE_CHECKING:
    import duckdb

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_TYPE = re.compile(r"varchar|integer|bigint|boolean|timestamp|decimal\(\d+,\d+\)")


def create_relation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    columns: Mapping[str, str],
    records: Sequence[Mapping[str, object]],
) -> None:
    """`records` (dicts; a missing key is NULL) as the temp table `name`, one column per
    `columns` entry (name -> DuckDB type), in that order. Names and types must be plain:
    they come from the writer's declarations, the values from parameters only."""
    for column, kind in {name: "varchar", **columns}.items():
        if not (_IDENTIFIER.fullmatch(column) and _TYPE.fullmatch(kind)):
            raise ValueError(f"not a plain relation declaration: {column} {kind}")
    # Written here, not in sql/: its column list is the declaration (as COMMENT ON is
    # written in comments.py); every value is a parameter.
    select = ", ".join(
        f'cast(unnest($c{i}) as {kind}) as "{column}"'
        for i, (column, kind) in enumerate(columns.items())
    )
    values = {f"c{i}": [r.get(column) for r in records] for i, column in enumerate(columns)}
    con.execute(f'create or replace temp table "{name}" as select {select}', values)


def drop_relation(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop a relation of `create_relation` (inside a failed transaction, let the rollback
    drop it instead: the transaction refuses any statement)."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"not a plain relation name: {name}")
    con.execute(read_sql("load/drop_relation").replace("{relation}", name))
