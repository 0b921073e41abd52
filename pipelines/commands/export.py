"""`budget export`: the public views as files for spreadsheets and other engines.

One Parquet or CSV file per view in `sql/views`, or one xlsx workbook with a sheet per
view. CSV and xlsx headers are the Chinese names of the column comments
(`pipelines.warehouse.comments`); Parquet keeps the column names and carries each
comment as key-value metadata. Amounts stay exact: DECIMAL in Parquet, the decimal's own
digits in CSV (`1773.84`, never `1773.840000`), numbers from Decimal with a two-decimal
format in xlsx. The warehouse is opened read-only.
"""

from __future__ import annotations

import csv
import difflib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.commands import fail
from pipelines.warehouse.comments import chinese_name, relation_columns
from pipelines.warehouse.connection import WarehouseDamagedError, connect, warehouse_path
from pipelines.warehouse.migrations import SchemaVersionError, stored_version, views_sha256
from pipelines.warehouse.sql_files import read_sql, sql_names

FORMATS = ("parquet", "csv", "xlsx")
WORKBOOK = "budget_views.xlsx"
# The filters a view takes when it has the column.
FILTER_COLUMNS = ("fiscal_year", "department")
_SCALE = re.compile(r"^DECIMAL\(\d+,\s*(\d+)\)$")


class ExportError(RuntimeError):
    """An export that cannot run as asked; the message is one line."""


@dataclass(frozen=True)
class ExportedView:
    view: str
    path: Path
    rows: int


def export_folder(explicit: str | os.PathLike | None = None) -> Path:
    """`explicit` if given, else `$BUDGET_EXPORT`, else data/export."""
    return settings.EXPORT.path(explicit)


def public_views() -> list[str]:
    """The public views: one per file of sql/views, named as the file."""
    return [name.split("/")[-1] for name in sql_names("views")]


def amount_text(value: Decimal) -> str:
    """A decimal exactly, with at least two decimals: 1773.840000 -> '1773.84',
    17.738400 -> '17.7384', 5 -> '5.00'."""
    whole, _, decimals = format(value.normalize(), "f").partition(".")
    return f"{whole}.{decimals.ljust(2, '0')}"


# A text cell a spreadsheet would run as a formula (=, +, -, @) or whose leading tab or CR it
# would swallow: a PDF can print a name that way, and a file we write must not carry a live
# formula or link (`=HYPERLINK(…)`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return amount_text(value)
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text  # the usual CSV guard: a spreadsheet shows the text as printed
    return text


def headers(columns: list[tuple[str, str, str]]) -> list[str]:
    """The Chinese name of each column's comment, else its name."""
    return [chinese_name(comment) or name for name, _, comment in columns]


def _number_format(dtype: str) -> str | None:
    """'#,##0.00' for a two-decimal amount; more optional places for a finer scale."""
    scale = _SCALE.match(dtype)
    if not scale:
        return None
    return "#,##0.00" + "#" * max(int(scale.group(1)) - 2, 0)


def _check_current_views(con, warehouse: Path) -> None:
    _, fingerprint = stored_version(con)
    if fingerprint != views_sha256():
        raise ExportError(
            f"{warehouse}: the views and column comments predate this release; open it once "
            "for writing (e.g. `budget load`) to re-create them"
        )


def resolve_filters(con, year: int | None, department: str | None) -> dict:
    """The filter values (department as filed: an alias gives its department), or an
    ExportError naming the near matches / the years loaded."""
    filed = None
    if department is not None:
        names = dict(con.execute(read_sql("export/select_department_names")).fetchall())
        filed = names.get(department)
        if filed is None:
            near = [n for n in names if department in n or n in department]
            near += difflib.get_close_matches(department, list(names), n=5, cutoff=0.4)
            hint = "; near: " + ", ".join(dict.fromkeys(near)) if near else ""
            raise ExportError(f"no department {department!r} in the warehouse{hint}")
    if year is not None:
        years = [
            y
            for (y,) in con.execute(
                read_sql("export/select_fiscal_years"), {"department": filed}
            ).fetchall()
        ]
        if year not in years:
            whose = f" of {filed}" if filed else ""
            raise ExportError(
                f"no document{whose} for fiscal year {year}; years loaded: "
                + (", ".join(map(str, years)) or "none")
            )
    return {k: v for k, v in (("fiscal_year", year), ("department", filed)) if v is not None}


def _view_query(view: str, columns: list[tuple[str, str, str]], filters: dict):
    """The view's rows under the filters its columns allow: (sql, parameters)."""
    names = {name for name, _, _ in columns}
    mine = {k: filters[k] for k in FILTER_COLUMNS if k in filters and k in names}
    sql = read_sql("export/select_view").strip()
    if mine:  # fixed column names; the values are parameters
        sql += "\nwhere " + " and ".join(f"{k} = ${k}" for k in mine)
    return sql, {"view": view} | mine


@contextmanager
def _replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, moved onto it only when written completely, with
    the mode any new file gets (mkstemp's own 0600 would hide exports from the group)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(handle, 0o666 & ~umask)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _writable(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from exc


def export_views(
    con,
    warehouse: Path,
    out: Path,
    fmt: str,
    year: int | None = None,
    department: str | None = None,
) -> list[ExportedView]:
    """Write every public view of the open `warehouse` to `out` in `fmt`; what was written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    _check_current_views(con, warehouse)
    filters = resolve_filters(con, year, department)
    _writable(out)
    views = [(view, relation_columns(con, view)) for view in public_views()]
    if fmt == "xlsx":
        return _write_workbook(con, out / WORKBOOK, views, filters)
    written = []
    for view, columns in views:
        sql, params = _view_query(view, columns, filters)
        path = out / f"{view}.{fmt}"
        with _replacing(path) as temporary:
            if fmt == "parquet":
                rows = _write_parquet(con, temporary, sql, params, columns)
            else:
                rows = _write_csv(con, temporary, sql, params, columns)
        written.append(ExportedView(view, path, rows))
    return written


def _write_parquet(con, path: Path, sql: str, params: dict, columns) -> int:
    """COPY keeps DuckDB's types (DECIMAL stays DECIMAL); comments go in the file metadata."""
    comments = {name: comment for name, _, comment in columns if comment}
    options = "format parquet, kv_metadata $comments" if comments else "format parquet"
    copied = con.execute(
        f"copy ({sql}) to $path ({options})",
        params | {"path": str(path)} | ({"comments": comments} if comments else {}),
    ).fetchone()
    return int(copied[0])


def _write_csv(con, path: Path, sql: str, params: dict, columns) -> int:
    """UTF-8 with a byte-order mark, so spreadsheets read the Chinese headers."""
    cursor = con.execute(sql, params)
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(headers(columns))
        while batch := cursor.fetchmany(10_000):
            writer.writerows([_cell_text(v) for v in row] for row in batch)
            rows += len(batch)
    return rows


def _write_workbook(con, path: Path, views, filters: dict) -> list[ExportedView]:
    """One sheet per view; amounts as numbers from Decimal with a '#,##0.00' format."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    written = []
    for view, columns in views:
        sheet = book.create_sheet(title=view[:31])
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for text in headers(columns):
            cell = WriteOnlyCell(sheet, value=text)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        formats = [_number_format(dtype) for _, dtype, _ in columns]
        sql, params = _view_query(view, columns, filters)
        cursor = con.execute(sql, params)
        rows = 0
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                cells = []
                for value, number_format in zip(row, formats, strict=True):
                    cell = WriteOnlyCell(sheet, value=value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # text, never a formula (`=…` included)
                    if number_format and value is not None:
                        cell.number_format = number_format
                    cells.append(cell)
                sheet.append(cells)
            rows += len(batch)
        written.append(ExportedView(view, path, rows))
    with _replacing(path) as temporary:
        book.save(temporary)
    return written


def run_export(args) -> int:
    """`budget export`: write the views of `args.warehouse` to `args.out`; one line a file."""
    warehouse = warehouse_path(args.warehouse)
    if not warehouse.is_file():
        return fail(
            "export", f"no warehouse at {warehouse} (load documents first, or pass --warehouse)"
        )
    try:
        con = connect(warehouse, read_only=True)
    except (WarehouseDamagedError, SchemaVersionError) as exc:
        return fail("export", str(exc))
    except duckdb.Error as exc:
        return fail("export", f"cannot open {warehouse}: {' '.join(str(exc).split())}")
    try:
        written = export_views(
            con, warehouse, Path(args.out), args.format, args.year, args.department
        )
    except ExportError as exc:
        return fail("export", str(exc))
    finally:
        con.close()
    for item in written:
        print(f"exported: {item.view}: {item.rows} rows -> {item.path}")
    return 0
