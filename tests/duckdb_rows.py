"""Every row of some tables and views of a DuckDB file, as canonical text, printed as JSON.

Run as a script by more than one DuckDB client (`python tests/duckdb_rows.py FILE NAME...`,
tests/test_old_duckdb_clients.py runs it with this release's duckdb and with duckdb 1.1.3 in
a venv of its own), so both sides format a cell with the same code: a DECIMAL as its exact
digits and scale (`1773.84`, `0.000100`), a boolean as true/false, a list as [a, b], NULL as
JSON null. It imports nothing but duckdb and the standard library.
"""

import json
import sys
from datetime import date, datetime, time
from decimal import Decimal

import duckdb


def cell(value):
    """One value as text both clients print alike; None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")  # every digit, never an exponent: 0.000000, not 0E-6
    if isinstance(value, int | str):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join("NULL" if v is None else cell(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {cell(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no canonical text for {type(value).__name__}: {value!r}")


def relation(con, name: str) -> dict:
    """A table's or view's columns (name, DuckDB type) and rows, sorted as text."""
    columns = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where database_name = current_database() and table_name = ? order by column_index",
        [name],
    ).fetchall()
    rows = [[cell(v) for v in row] for row in con.execute(f'select * from "{name}"').fetchall()]
    rows.sort(key=lambda row: [(v is not None, v or "") for v in row])
    return {"columns": [list(c) for c in columns], "rows": rows}


def main(path: str, names: list[str]) -> None:
    con = duckdb.connect(path, read_only=True)
    try:
        found = {name: relation(con, name) for name in names}
    finally:
        con.close()
    json.dump({"duckdb": duckdb.__version__, "relations": found}, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
