"""Lineage read from the SQL: the assets each warehouse table and view is built from.

One rule for tables and views alike: an asset's upstream assets are the relations the SQL
building it reads (its `from` / `join` targets, comments left out, and those of the macros
it calls: sql/marts/macros, sql/relations), each mapped to the asset holding it. A table is
built by its mart (sql/marts/<table>.sql), else by the loader's insert
(sql/load/insert_<table>.sql); a view by its file of sql/views. Parameters, CTEs, the
vocabulary seed and the reference tables (ref_*: copies of data/reference, not assets) are
no assets, so they give no edge. A hand-written lineage drifted from what the SQL reads
(every fact mart reads the staged cells, not the dimensions), so none is kept.
"""

import re

from pipelines.package_data import SQL_ROOT
from pipelines.warehouse.sql_files import read_sql, sql_names
from pipelines.warehouse.staging import CELLS, RELATIONS

REFERENCE_PREFIX = "ref_"
# The parsed budget-doc/1 document's asset (assets/staging.py); the staged cells' asset is
# named after their relation, CELLS.
PARSED_DOCUMENT = "stg_budget_tables"
# What a relation of printed cells has: each value's place in its table and its amount.
_CELL_COLUMNS = {"row_index", "column_index", "amount_yuan"}

_CREATE_TABLE = re.compile(r"create table if not exists (\w+)", re.IGNORECASE)
_CREATE_VIEW = re.compile(r"create\s+or\s+replace\s+view\s+(\w+)", re.IGNORECASE)
_CREATE_MACRO = re.compile(r"create\s+or\s+replace\s+(?:temp\s+)?macro\s+(\w+)", re.IGNORECASE)
_READ = re.compile(r"\b(?:from|join)\s+(\w+)", re.IGNORECASE)
_COMMENT = re.compile(r"--[^\n]*")


def _tables() -> dict[str, str]:
    """Table -> its file of sql/schema, in file order (the order the schema creates them),
    the reference tables left out."""
    tables = {}
    for name in sql_names("schema"):
        created = _CREATE_TABLE.search(read_sql(name))
        if created and not created.group(1).startswith(REFERENCE_PREFIX):
            tables[created.group(1)] = name
    return tables


def _views() -> dict[str, str]:
    """View -> its file of sql/views (named after the file where it creates none)."""
    views = {}
    for name in sql_names("views"):
        created = _CREATE_VIEW.search(read_sql(name))
        views[created.group(1) if created else name.split("/")[-1]] = name
    return views


def _macros() -> dict[str, str]:
    """Macro name -> the SQL defining it: the marts' and the views' shared ones."""
    texts = [read_sql(name) for name in sql_names("marts/macros") + sql_names("relations")]
    return {_CREATE_MACRO.search(sql).group(1): sql for sql in texts}


TABLE_FILES = _tables()
VIEW_FILES = _views()
_MACRO_SQL = _macros()


def _staging_asset(relation: str) -> str:
    """The staging asset a staging relation (pipelines.warehouse.staging.RELATIONS) is part
    of, by what it holds: printed cells (a row, a column and an amount: stg_budget_cells,
    stg_extra_cells) are the staged cells; what the document says of its tables, its t12
    rows and its narrative figures is the parsed document itself."""
    return CELLS if _CELL_COLUMNS <= RELATIONS[relation].keys() else PARSED_DOCUMENT


def reads(sql: str) -> list[str]:
    """The assets a statement reads, in order: warehouse tables and views as themselves,
    staging relations as their staging asset, macros as what they read."""
    seen: list[str] = []
    for name in _READ.findall(_COMMENT.sub("", sql)):
        if name in _MACRO_SQL:
            assets = reads(_MACRO_SQL[name])
        elif name in TABLE_FILES or name in VIEW_FILES:
            assets = [name]
        elif name in RELATIONS:
            assets = [_staging_asset(name)]
        else:  # a CTE, the loader's `frame`, the seed, a reference table
            assets = []
        seen += [asset for asset in assets if asset not in seen]
    return seen


def table_lineage(table: str) -> list[str]:
    """A warehouse table's upstream assets, read from the statement building it: its mart,
    else the loader's insert.

    A table whose statement reads no asset (dim_department, dim_document: the document's
    own fields as parameters; fact_dq_check, fact_dq_finding: the loader's `frame` of the
    document's check results, the checks of stg_budget_tables) is built from the parsed
    document, stg_budget_tables."""
    mart = f"marts/{table}"
    built_by = mart if (SQL_ROOT / f"{mart}.sql").is_file() else f"load/insert_{table}"
    return reads(read_sql(built_by)) or [PARSED_DOCUMENT]
