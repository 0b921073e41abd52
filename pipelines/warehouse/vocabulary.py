"""The table vocabulary: what each budget-doc/1 table key means to the warehouse.

`data/reference/budget_tables.csv` (a seed, as in jaffle_shop) holds one line per standard
table: the fact table its cells go to (the file of sql/marts/ named after
that table selects them by it), the fund a function-expenditure table covers, the
expenditure type of an economic table, and the dimensions its subject codes and column
headers feed. It decides how a document is loaded, not how loaded documents are filed, so
it is read from the install (not from $BUDGET_REFERENCE) and loaded beside the staging
relations as `seed_budget_tables`. The tables that hold one document's rows are named here
too (DOCUMENT_TABLES): the referential integrity check reads them in every parsing worker.
"""

from __future__ import annotations

import csv
from functools import cache

from pipelines.budget_doc import TABLE_KEYS
from pipelines.package_data import REFERENCE_ROOT

# Tables holding one document's rows, in the order the loader empties them on a reload: the
# only names sql/load/delete_document_rows.sql is ever run with (identifiers, never input);
# referential integrity checks each against dim_document.
DOCUMENT_TABLES = (
    "fact_summary_line",
    "fact_income_by_function",
    "fact_expenditure_by_function",
    "fact_economic_expenditure",
    "fact_three_public",
    "fact_basic_by_unit",
    "fact_project_fund",
    "fact_generic_cell",
    "fact_narrative_figure",
    "dim_project",
    "dim_source_table",
    "dim_document",
)

VOCABULARY_FILE = REFERENCE_ROOT / "budget_tables.csv"
SEED_RELATION = "seed_budget_tables"
COLUMNS = (
    "table_key",
    "fact_table",
    "fund",
    "expenditure_type",
    "subject_dimension",
    "column_dimension",
)
SEED_COLUMNS = dict.fromkeys(COLUMNS, "varchar")  # the relation's DuckDB types


@cache
def vocabulary() -> tuple[dict[str, str | None], ...]:
    """The seed's lines (an empty field is None), one per budget-doc/1 table key, in order."""
    with open(VOCABULARY_FILE, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise RuntimeError(f"{VOCABULARY_FILE}:1: header must be {','.join(COLUMNS)}")
        lines = tuple({name: value or None for name, value in line.items()} for line in reader)
    keys = tuple(line["table_key"] for line in lines)
    if keys != TABLE_KEYS:
        raise RuntimeError(f"{VOCABULARY_FILE}: table keys {keys} are not budget-doc/1's")
    return lines
