"""The `budget` command. Sub-commands import their stack lazily so `extract` stays Dagster-free."""

import argparse
import sys
from pathlib import Path

from pipelines.errors import printable


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="budget", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    extract = sub.add_parser("extract", help="print one PDF as budget-doc/1 JSON")
    extract.add_argument("pdf")
    extract.add_argument("-o", "--output", help="write the JSON here instead of stdout")
    extract.add_argument("--password", help="user password of an encrypted PDF")
    _add_limit_arguments(extract)

    inspect = sub.add_parser(
        "inspect",
        help="draw what the parser saw: a PNG per table page (ruling lines, cells, each "
        "table's type and evidence) and a text summary",
    )
    inspect.add_argument("pdf")
    inspect.add_argument("--page", type=int, help="only this page (1-based)")
    inspect.add_argument("--out", metavar="DIR", help="folder to write (default: <name>_inspect)")
    inspect.add_argument("--password", help="user password of an encrypted PDF")
    inspect.add_argument(
        "--no-camelot",
        action="store_true",
        help="skip the second opinion: the grid camelot's lattice finds (about 0.5 s a page)",
    )

    load = sub.add_parser("load", help="load PDFs (files or folders) into the warehouse")
    load.add_argument("paths", nargs="+")
    load.add_argument(
        "--warehouse",
        help="DuckDB file (default: $BUDGET_WAREHOUSE or data/warehouse/budget.duckdb)",
    )
    load.add_argument("--password", help="user password for encrypted PDFs")
    load.add_argument(
        "--workers", type=int, help="processes parsing PDFs (default: the number of CPUs)"
    )
    _add_limit_arguments(load)

    handoff = sub.add_parser(
        "handoff",
        help="parse and check PDFs (files or folders) on any host and write one Parquet "
        "hand-off file per document into DIR, for `budget publish` (docs/scaling.md)",
    )
    handoff.add_argument("paths", nargs="+")
    handoff.add_argument(
        "--out", metavar="DIR", required=True, help="the shared hand-off folder to write into"
    )
    handoff.add_argument("--password", help="user password for encrypted PDFs")
    handoff.add_argument(
        "--workers", type=int, help="processes parsing PDFs (default: the number of CPUs)"
    )

    publish = sub.add_parser(
        "publish",
        help="verify each pending hand-off file of DIR and write it into the warehouse "
        "(one transaction each; then moved to DIR/published/, or DIR/rejected/ with why)",
    )
    publish.add_argument("folder", metavar="DIR")
    publish.add_argument("--warehouse")

    query = sub.add_parser(
        "query",
        help="run SQL against the warehouse",
        epilog="every column of the views and tables is described in the warehouse: budget "
        'query "select table_name, column_name, comment from duckdb_columns() where '
        "table_name = 'v_three_public'\"",
    )
    _add_sql_arguments(query)
    query.add_argument("--format", choices=["table", "csv", "json"], default="table")

    trace = sub.add_parser(
        "trace", help="run SQL and show where each result row's amount is printed in its PDF"
    )
    _add_sql_arguments(trace)
    trace.add_argument("--format", choices=["text", "json"], default="text")
    trace.add_argument("--password", help="user password for encrypted PDFs")

    export = sub.add_parser(
        "export", help="write the public views as Parquet, CSV or one xlsx workbook"
    )
    export.add_argument("--format", choices=["parquet", "csv", "xlsx"], required=True)
    export.add_argument("--out", metavar="DIR", required=True, help="folder to write into")
    export.add_argument("--year", type=int, help="only this fiscal year")
    export.add_argument("--department", help="only this department (its name or an alias)")
    export.add_argument("--warehouse")

    backup = sub.add_parser("backup", help="copy the warehouse (checkpointed) to DIR/<time>/")
    backup.add_argument("folder", metavar="DIR")
    backup.add_argument("--warehouse")

    migrate = sub.add_parser(
        "migrate",
        help="bring the warehouse's tables, views and reference data up to date, in a file "
        "every DuckDB client since 1.0 reads",
    )
    migrate.add_argument("--warehouse")

    restore = sub.add_parser("restore", help="put a backup in place of the warehouse")
    restore.add_argument("backup", metavar="BACKUP", help="DIR of backups (latest), or one")
    restore.add_argument("--warehouse")
    return parser


def _add_limit_arguments(parser: argparse.ArgumentParser) -> None:
    """The parse limits `load` and `extract` share: a hostile PDF costs either the same."""
    limits = parser.add_argument_group(
        "parse limits", "a file over one is rejected naming it; 0 disables (docs/reliability.md)"
    )
    limits.add_argument("--max-pages", type=int, help="pages per PDF ($BUDGET_MAX_PAGES, 2000)")
    limits.add_argument(
        "--max-segments",
        type=int,
        dest="max_segments_per_page",
        help="drawing segments per page ($BUDGET_MAX_SEGMENTS, 200000)",
    )
    limits.add_argument(
        "--max-cells",
        type=int,
        dest="max_cells_per_page",
        help="crossings of a page's ruling lines ($BUDGET_MAX_CELLS, 100000)",
    )
    limits.add_argument(
        "--max-decoded-bytes",
        type=int,
        help="bytes all streams of a PDF inflate to ($BUDGET_MAX_DECODED_BYTES, 256 MiB)",
    )
    limits.add_argument(
        "--max-seconds", type=float, help="wall time per parse ($BUDGET_MAX_SECONDS, 120)"
    )
    limits.add_argument(
        "--max-memory-bytes",
        type=int,
        help="address space of a parsing process ($BUDGET_MAX_MEMORY_BYTES, 2 GiB)",
    )


def _add_sql_arguments(parser: argparse.ArgumentParser) -> None:
    """The SQL and lock-down options `query` and `trace` share."""
    parser.add_argument("sql", nargs="?", help="SQL text (or use --file)")
    parser.add_argument("--file", help="a .sql file to run, e.g. sql/analyses/top_projects.sql")
    parser.add_argument("--warehouse")
    parser.add_argument("--allow-files", metavar="DIR", help="the one folder SQL may read/write")
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="stop the query after SECONDS (default 60)"
    )
    parser.add_argument(
        "--memory",
        default="500MB",
        help="memory the query may take, and as much again spilled to disk (default 500MB)",
    )


def _dash_hint(argv: list[str]) -> str | None:
    """The advice for a file name that argparse took for an option (`-x.pdf`)."""
    dashed = [
        a
        for a in argv
        if a.startswith("-") and a != "--" and (a.lower().endswith(".pdf") or Path(a).exists())
    ]
    if not dashed or "--" in argv:
        return None
    return (
        f"budget: {dashed[0]!r} starts with '-': put -- before file names, "
        f"e.g. budget load -- {dashed[0]}"
    )


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _build_parser().parse_args(argv)
    except SystemExit as exc:
        hint = _dash_hint(argv) if exc.code == 2 else None
        if hint:
            print(printable(hint), file=sys.stderr)
        raise
    if args.command in ("extract", "load", "handoff"):
        from pipelines.errors import SettingError
        from pipelines.limits import ParseLimits

        try:
            ParseLimits.from_env()  # a malformed BUDGET_MAX_* is said once, before any work
        except SettingError as exc:
            print(f"budget {args.command}: {printable(str(exc))}", file=sys.stderr)
            return 2
    if args.command == "extract":
        from pipelines.commands.extract import run_extract

        return run_extract(args)
    if args.command == "inspect":
        from pipelines.commands.inspect import run_inspect

        return run_inspect(args)
    if args.command == "load":
        if args.workers != 1:
            from pipelines.forkserver import start_forkserver

            start_forkserver()  # the workers' start-up overlaps the imports below
        from pipelines.commands.load import run_load
        from pipelines.warehouse.connection import WarehouseDamagedError

        try:
            return run_load(args)
        except WarehouseDamagedError as exc:
            print(f"budget load: {exc}", file=sys.stderr)
            return 1
    if args.command in ("handoff", "publish"):
        from pipelines.commands import handoff
        from pipelines.warehouse.connection import WarehouseDamagedError

        try:
            if args.command == "handoff":
                return handoff.run_handoff(args)
            return handoff.run_publish(args)
        except WarehouseDamagedError as exc:
            print(f"budget publish: {exc}", file=sys.stderr)
            return 1
    if args.command == "export":
        from pipelines.commands.export import run_export

        return run_export(args)
    if args.command in ("backup", "restore"):
        from pipelines.commands import backup

        return backup.run_backup(args) if args.command == "backup" else backup.run_restore(args)
    if args.command == "migrate":
        from pipelines.commands.migrate import run_migrate

        return run_migrate(args)
    if args.command == "trace":
        from pipelines.commands.trace import run_trace

        return run_trace(args)
    from pipelines.commands.query import run_query

    return run_query(args)


if __name__ == "__main__":
    sys.exit(main())
