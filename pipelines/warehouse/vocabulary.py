"""The table vocabulary: what each budget-doc/1 table key means to the warehouse.

`data/reference/budget_tables.csv` (a seed, as in jaffle_shop) holds one line per standard
table: the fact table its cells go to (the file of sql/marts/ named after
that table selects them by it), the fund a function-expenditure table covers, the
expenditure type of an economic table, and the dimensions its subject codes and column
headers feed. It decides how a document is loaded, not how loaded documents are filed, so
it is read from the install (not from $BUDGET_REFERENCE) and registered beside the staging
relations as `seed_budget_tables`.
"""

import csv
from functools import cache

import pyarrow as pa

from pipelines.budget_doc import TABLE_KEYS
from pipelines.package_data import REFERENCE_ROOT

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


@cache
def seed_table() -> pa.Table:
    """The vocabulary as the relation the marts join."""
    schema = pa.schema([(name, pa.string()) for name in COLUMNS])
    return pa.Table.from_pylist(list(vocabulary()), schema=schema)
