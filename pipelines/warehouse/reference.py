"""User-editable reference data (data/reference/*.csv) and its copy in the warehouse.

Two of its CSV files analysts edit by hand, so that no document has to be parsed again
(the other two, `budget_tables.csv` and `column_descriptions.csv`, are the release's own
seeds, read from the install):

- `department_aliases.csv` (`alias,department`): a printed department name → the name
  the warehouse files it under. The same body is printed `中国共产党江苏省委员会办公厅` in
  2017 and `中共江苏省委办公厅` in 2018–19; its years must line up under one name.
- `three_public_categories.csv` (`pattern,category`): a 三公 item label containing
  `pattern` gets `category`; the first matching line wins, so a longer pattern
  (公务用车购置及运行) goes above a shorter one it contains (公务用车购置).

`sync_reference` copies both into `ref_department_alias` / `ref_three_public_category`
whenever the files differ from the warehouse, and re-points every loaded document to the
department its printed name now maps to. This module does not import DuckDB, so
`pipelines.inbox.partition_key` reads the aliases without opening a warehouse.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pipelines import settings
from pipelines.budget_doc import document_name
from pipelines.package_data import REFERENCE_ROOT
from pipelines.three_public import CATEGORIES
from pipelines.warehouse.relations import create_relation, drop_relation
from pipelines.warehouse.sql_files import read_sql

if TYPE_CHECKING:
    import duckdb

ALIASES_FILE = "department_aliases.csv"
CATEGORIES_FILE = "three_public_categories.csv"
# The tables whose rows are filed by department name, as their document is: check rows and
# their findings (sql/reference/update_checked_departments.sql).
CHECKED_TABLES = ("fact_dq_check", "fact_dq_finding")


class ReferenceDataError(ValueError):
    """A reference CSV that cannot be used as it stands; the message names file and line."""


def reference_folder(explicit: str | os.PathLike | None = None) -> Path:
    """`explicit` if given, else `$BUDGET_REFERENCE`, else the repository's data/reference."""
    return settings.REFERENCE.path(explicit) or REFERENCE_ROOT


def _rows(path: Path, columns: tuple[str, str]) -> list[tuple[int, str, str]]:
    """(line number, first, second) of every non-blank line of a two-column CSV."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceDataError(f"{path}: cannot read: {exc}") from None
    header = [cell.strip() for cell in lines[0]] if lines else []
    if header != list(columns):
        raise ReferenceDataError(f"{path}:1: header must be {','.join(columns)}, not {header}")
    rows = []
    for number, cells in enumerate(lines[1:], start=2):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if len(cells) != 2 or not all(cells):
            raise ReferenceDataError(f"{path}:{number}: expected two non-empty cells: {cells}")
        rows.append((number, cells[0], cells[1]))
    return rows


def read_department_aliases(folder: str | os.PathLike | None = None) -> dict[str, str]:
    """Printed name → canonical name. Refuses a name mapped twice or a chain (A→B, B→C)."""
    path = reference_folder(folder) / ALIASES_FILE
    aliases: dict[str, str] = {}
    for number, alias, department in _rows(path, ("alias", "department")):
        if alias == department:
            raise ReferenceDataError(f"{path}:{number}: {alias} is mapped to itself")
        if alias in aliases and aliases[alias] != department:
            raise ReferenceDataError(
                f"{path}:{number}: {alias} is mapped to {aliases[alias]} and to {department}"
            )
        aliases[alias] = department
    for alias, department in aliases.items():
        if department in aliases:
            raise ReferenceDataError(
                f"{path}: {alias} → {department} → {aliases[department]}: map every printed "
                "name straight to the canonical one"
            )
    return aliases


def canonical_department(name: str, folder: str | os.PathLike | None = None) -> str:
    """The name a department is filed under: its alias target, else the name itself."""
    return read_department_aliases(folder).get(name, name)


def read_three_public_categories(
    folder: str | os.PathLike | None = None,
) -> list[tuple[int, str, str]]:
    """(position, pattern, category) in file order; categories from three_public.CATEGORIES."""
    path = reference_folder(folder) / CATEGORIES_FILE
    out = []
    for number, pattern, category in _rows(path, ("pattern", "category")):
        if category not in CATEGORIES:
            raise ReferenceDataError(
                f"{path}:{number}: category {category!r} is not one of {', '.join(CATEGORIES)}"
            )
        out.append((len(out), pattern, category))
    return out


# The ref_* tables' columns, as the rows are handed to DuckDB.
_ALIAS_COLUMNS = {"alias": "varchar", "department": "varchar"}
_CATEGORY_COLUMNS = {"position": "integer", "pattern": "varchar", "category": "varchar"}


def _replace(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str], rows: list[tuple]
) -> None:
    """Empty a ref_* table and insert `rows` through sql/reference/insert_<table>.sql."""
    con.execute(read_sql(f"reference/delete_{table}"))
    if not rows:
        return
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    create_relation(con, "frame", columns, records)
    con.execute(read_sql(f"reference/insert_{table}"))
    drop_relation(con, "frame")  # on an error sync_reference's rollback drops it


def sync_reference(con: duckdb.DuckDBPyConnection, folder: str | os.PathLike | None = None) -> bool:
    """Copy the reference CSVs into the warehouse when they changed; True if anything did.

    In one transaction: the ref_* tables are replaced, departments named by a new alias
    target are added, every document is pointed at the department of its printed name's
    canonical name (its check rows and findings follow), and departments left without a
    document whose name is now an alias are dropped (the name stays in ref_department_alias and in
    dim_document.printed_department). Raises ReferenceDataError, changing nothing, when the
    mapping would file two loaded documents under one department, year, kind and stage.
    """
    aliases = sorted(read_department_aliases(folder).items())
    categories = read_three_public_categories(folder)
    stored_aliases = con.execute(read_sql("reference/select_ref_department_alias")).fetchall()
    stored_categories = con.execute(
        read_sql("reference/select_ref_three_public_category")
    ).fetchall()
    if stored_aliases == aliases and stored_categories == categories:
        return False
    con.begin()
    try:
        _replace(con, "ref_department_alias", _ALIAS_COLUMNS, aliases)
        _replace(con, "ref_three_public_category", _CATEGORY_COLUMNS, categories)
        merged = con.execute(read_sql("reference/select_merged_documents")).fetchall()
        if merged:
            department, year, kind, stage, printed, files = merged[0]
            raise ReferenceDataError(
                f"{reference_folder(folder) / ALIASES_FILE}: {' and '.join(printed)} would both "
                f"be {document_name(department, year, kind, stage)} ({', '.join(files)}); one "
                "department × year × kind × stage is one document: drop the alias line or keep "
                "one of the files"
            )
        con.execute(read_sql("reference/insert_canonical_departments"))
        con.execute(read_sql("reference/update_document_departments"))
        for table in CHECKED_TABLES:  # a fixed list: the template's only identifiers
            con.execute(read_sql("reference/update_checked_departments").format(table=table))
        con.execute(read_sql("reference/delete_alias_departments"))
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return True
