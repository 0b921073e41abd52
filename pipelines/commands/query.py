"""`budget query`: run SQL against the warehouse (read-only) and print table, CSV or JSON.

The table is DuckDB's own box renderer (display-width aligned for CJK, decimals exact, its
column types under the names), every row and every character of every cell shown.

The SQL is an analyst's, so the connection is locked down: no file or network access, no
extension installs or loads, no `SET` that would undo it (lock_configuration), and a time
limit, so a query can neither write or read files outside `--allow-files DIR` nor hold
the warehouse open for minutes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import redirect_stdout
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from pipelines.commands import fail


def cell_text(value: object) -> str:
    """A cell as text, exactly: Decimals keep their digits, NULL is empty."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def json_value(value: object) -> object:
    """JSON-safe cell: Decimals become strings (exact, as in budget-doc/1), dates ISO text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if value == value and abs(value) != float("inf") else None
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    return cell_text(value)


def render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    """The result in `csv` or `json` form (ends with a newline unless empty)."""
    if fmt == "json":
        records = [dict(zip(columns, (json_value(v) for v in row), strict=True)) for row in rows]
        return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([cell_text(v) for v in row] for row in rows)
    return out.getvalue()


def table_text(relation) -> str:
    """The relation as DuckDB draws it, nothing cut: no row, column or character elided."""
    text = io.StringIO()
    with redirect_stdout(text):
        relation.show(max_width=sys.maxsize, max_rows=sys.maxsize, max_col_width=sys.maxsize)
    return text.getvalue().rstrip("\n") + "\n"  # show() prints the box's own last newline too


def columns_and_rows(relation) -> tuple[list[str], list[tuple]]:
    """(column names, rows) of the relation."""
    return relation.columns, relation.fetchall()


def open_locked(warehouse: Path, allow_files: Path | None, memory: str, spill: Path):
    """A read-only connection that reaches no file but the warehouse (and `allow_files`),
    installs and loads no extension, takes at most `memory` (and as much again spilled to
    `spill`, a folder of its own: DuckDB lets SQL write into its temp folder, so never the
    warehouse's), and cannot be unlocked by the SQL it runs.

    DuckDB accepts allowed_directories only once the database is open, so the settings are
    SET in order (sql/query_lockdown), the lock last.
    """
    from pipelines.warehouse.connection import open_database
    from pipelines.warehouse.sql_files import read_sql, sql_names

    con = open_database(
        warehouse,
        read_only=True,
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": memory,
            "max_temp_directory_size": memory,
            "temp_directory": str(spill),
        },
    )
    folders = [str(allow_files.resolve()) + "/"] if allow_files is not None else []
    try:
        for name in sql_names("query_lockdown"):
            params = {"directories": folders} if name.endswith("allowed_directories") else None
            con.execute(read_sql(name), params)
    except BaseException:
        con.close()
        raise
    return con


# What DuckDB's memory_limit accepts: 500MB, 2GB, 1.5GiB …
_MEMORY = re.compile(r"\d+(\.\d+)?\s*(?:[KMGT]i?B|B)", re.IGNORECASE)


class QueryFailed(Exception):
    """SQL that could not be read or run; the message is one line for the user."""


def run_query(args) -> int:
    """Run `args.sql` or the file `args.file` on `args.warehouse`; print in `args.format`."""
    table = args.format == "table"
    try:
        result = run_locked(query_text(args), args, table_text if table else columns_and_rows)
    except QueryFailed as exc:
        return fail("query", str(exc))
    if result is not None:
        sys.stdout.write(result if table else render(*result, args.format))
    return 0


def query_text(args) -> str:
    """The SQL of `args.sql` or of the file `args.file`."""
    if args.file and args.sql:
        raise QueryFailed("give SQL text or --file, not both")
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise QueryFailed(f"no such SQL file: {path}")
        try:
            sql = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise QueryFailed(f"cannot read {path}: {exc}") from None
    elif args.sql:
        sql = args.sql
    else:
        raise QueryFailed("give SQL text or --file FILE")
    if not sql.strip():
        raise QueryFailed("empty SQL")
    return sql


def run_locked(sql: str, args, read: Callable = columns_and_rows):
    """`read(relation)` of `sql`'s result on `args.warehouse` through `open_locked` (default:
    columns and rows), stopped after `args.timeout` seconds; None for a statement without a
    result."""
    import duckdb

    from pipelines.warehouse.connection import WarehouseDamagedError, warehouse_path

    allow_files = Path(args.allow_files) if args.allow_files else None
    if allow_files is not None and not allow_files.is_dir():
        raise QueryFailed(f"--allow-files: no such folder: {allow_files}")
    timeout = args.timeout
    if not timeout > 0:
        raise QueryFailed(f"--timeout must be more than 0 seconds, not {timeout}")
    if not _MEMORY.fullmatch(args.memory.strip()):
        raise QueryFailed(f"--memory must be an amount like 500MB or 2GB, not {args.memory!r}")
    warehouse = warehouse_path(args.warehouse)
    if not warehouse.is_file():
        raise QueryFailed(
            f"no warehouse at {warehouse} (load documents first, or pass --warehouse)"
        )
    with tempfile.TemporaryDirectory(prefix="budget-query-", ignore_cleanup_errors=True) as spill:
        try:
            con = open_locked(warehouse, allow_files, args.memory, Path(spill))
        except WarehouseDamagedError as exc:
            raise QueryFailed(str(exc)) from None
        except duckdb.Error as exc:
            raise QueryFailed(f"cannot open {warehouse}: {_one_line(exc)}") from None
        return _run(con, sql, read, args, warehouse)


def _run(con, sql: str, read: Callable, args, warehouse: Path):
    """`read(relation)` of `sql` on the locked `con` (closed after), stopped at the timeout;
    each DuckDB failure as one QueryFailed line."""
    import duckdb

    from pipelines.warehouse.connection import WarehouseDamagedError, is_damaged

    timeout, allow_files = args.timeout, args.allow_files
    timer = threading.Timer(timeout, con.interrupt)
    timer.start()
    try:
        relation = con.sql(sql)
        return None if relation is None else read(relation)
    except duckdb.InterruptException:
        raise QueryFailed(f"query stopped after the --timeout of {timeout:g} s") from None
    except duckdb.OutOfMemoryException as exc:
        raise QueryFailed(
            f"query stopped at the --memory of {args.memory}: {_one_line(exc)}"
        ) from None
    except duckdb.PermissionException as exc:
        where = f"outside {allow_files}" if allow_files else "(pass --allow-files DIR)"
        raise QueryFailed(f"not allowed: {_one_line(exc)} — file access is off {where}") from None
    except duckdb.Error as exc:
        if is_damaged(exc):
            raise QueryFailed(str(WarehouseDamagedError(warehouse, exc))) from None
        raise QueryFailed(_one_line(exc)) from None
    finally:
        timer.cancel()
        con.close()


def _one_line(exc: Exception) -> str:
    text = str(exc).strip()
    return " ".join(text.split("\n")[0].split()) or type(exc).__name__
