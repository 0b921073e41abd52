"""Referential integrity: every key of a document's fact rows resolves to a dimension row.
SQL over the warehouse, so it runs in the writer, inside the document's load transaction.

The references are data (REFERENCES): each (fact table, key column, dimension, dimension
key, shared scope) fills the one template `sql/checks/referential_integrity_orphans.sql`.
Those of the facts' subject codes, column dimensions and source tables are read from the
table vocabulary, so a new table type is checked by its vocabulary line. Identifiers come
from that fixed list only, quoted, never from input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import NamedTuple

from pipelines.budget_doc import PROJECTS
from pipelines.quality.outcome import ERROR, CheckOutcome, Finding
from pipelines.warehouse.sql_files import read_sql
from pipelines.warehouse.vocabulary import DOCUMENT_TABLES, vocabulary


class Reference(NamedTuple):
    """A key column of a fact (or dimension) table that must name a row of `dimension`.

    `scope`: a column the dimension row must share as well: `fiscal_year` with the document
    (subject codes are per year), `document_id` with the fact row (projects and source
    tables are the document's own); empty when the key alone identifies the row.
    """

    fact: str
    key: str
    dimension: str
    dimension_key: str
    scope: str = ""


# Every table holding rows of one document (the loader's list), by document_id.
_DOCUMENT_ROWS = tuple(table for table in DOCUMENT_TABLES if table != "dim_document")


def _vocabulary_references() -> Iterator[Reference]:
    """What the table vocabulary (data/reference/budget_tables.csv) says each fact's keys
    name: the subject codes of the document's year, its column dimension (a column
    dimension's key column is named after it: dim_fund_source.fund_source) and, for every
    fact but t12's (its rows name their project instead), the printed source table."""
    for line in vocabulary():
        fact = line["fact_table"]
        if subject := line["subject_dimension"]:
            yield Reference(fact, "code", subject, "code", "fiscal_year")
        if dimension := line["column_dimension"]:
            key = dimension.removeprefix("dim_")
            yield Reference(fact, key, dimension, key)
        if line["table_key"] != PROJECTS:
            yield Reference(fact, "table_key", "dim_source_table", "table_key", "document_id")


REFERENCES: tuple[Reference, ...] = (
    *(Reference(table, "document_id", "dim_document", "document_id") for table in _DOCUMENT_ROWS),
    Reference("dim_document", "department_id", "dim_department", "department_id"),
    Reference("fact_project_fund", "project_id", "dim_project", "project_id", "document_id"),
    *dict.fromkeys(_vocabulary_references()),  # tables sharing a fact give its keys once
)
_IDENTIFIER = re.compile(r"[a-z_]+")
# Whose column a scoped dimension row must match: the document's year, the fact's document.
_SCOPE_OWNER = {"fiscal_year": "document", "document_id": "fact"}


def orphans_sql(reference: Reference) -> str:
    """The template filled for one reference (an unscoped one matches its key twice)."""
    names = [n for n in reference if n]
    if not all(_IDENTIFIER.fullmatch(n) for n in names):
        raise ValueError(f"not a plain identifier in {reference}")
    return read_sql("checks/referential_integrity_orphans").format(
        fact=reference.fact,
        key=reference.key,
        dimension=reference.dimension,
        dimension_key=reference.dimension_key,
        scope=reference.scope or reference.dimension_key,
        scope_owner=_SCOPE_OWNER.get(reference.scope, "fact"),
    )


@cache
def integrity_sql() -> str:
    """One statement: the orphans of every reference (shown beside the check in the UI)."""
    return "\nunion all\n".join(orphans_sql(r) for r in REFERENCES)


def check_referential_integrity(con, document_id: int) -> CheckOutcome:
    """Every key of the document's fact rows resolves to a dimension row.

    Runs `integrity_sql()` on a warehouse connection (document, department, function/economic
    subject of the document's year, fund source, expenditure type, project, source table);
    each missing key is an ERROR naming the fact table.
    """
    rows = sorted(con.execute(integrity_sql(), {"document_id": document_id}).fetchall())
    findings = tuple(
        Finding(
            table=fact_table,
            row=str(key_value),
            column=key_column,
            rule=f"{fact_table}.{key_column} has a dimension row",
            expected="a dimension row",
            actual=f"{orphans} orphan row(s)",
            difference=None,
            severity=ERROR,
        )
        for fact_table, key_column, key_value, orphans in rows
    )
    return CheckOutcome(
        "referential_integrity",
        "every fact key of the document resolves to a dimension row (SQL over the warehouse)",
        findings=findings,
    )
