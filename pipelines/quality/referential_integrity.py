"""Referential integrity: every key of a document's fact rows resolves to a dimension row.
SQL over the warehouse, so it runs in the writer, inside the document's load transaction.

The references are data (REFERENCES): each (fact table, key column, dimension, dimension
key, shared scope) fills the one template `sql/checks/referential_integrity_orphans.sql`.
Identifiers come from that fixed list only, quoted, never from input.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from pipelines.quality.outcome import ERROR, CheckOutcome, Finding
from pipelines.warehouse.load import DOCUMENT_TABLES
from pipelines.warehouse.sql_files import read_sql


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


# The facts that name the printed table they come from (dim_source_table.table_key).
_SOURCE_TABLE_FACTS = (
    "fact_summary_line",
    "fact_income_by_function",
    "fact_expenditure_by_function",
    "fact_economic_expenditure",
    "fact_three_public",
    "fact_basic_by_unit",
)
# Every table holding rows of one document (the loader's list), by document_id.
_DOCUMENT_ROWS = tuple(table for table in DOCUMENT_TABLES if table != "dim_document")
_FUND_SOURCE_FACTS = (
    "fact_income_by_function",
    "fact_three_public",
    "fact_basic_by_unit",
    "fact_project_fund",
)
REFERENCES: tuple[Reference, ...] = (
    *(Reference(table, "document_id", "dim_document", "document_id") for table in _DOCUMENT_ROWS),
    Reference("dim_document", "department_id", "dim_department", "department_id"),
    Reference("fact_income_by_function", "code", "dim_function_subject", "code", "fiscal_year"),
    Reference(
        "fact_expenditure_by_function", "code", "dim_function_subject", "code", "fiscal_year"
    ),
    Reference("fact_economic_expenditure", "code", "dim_economic_subject", "code", "fiscal_year"),
    *(
        Reference(table, "fund_source", "dim_fund_source", "fund_source")
        for table in _FUND_SOURCE_FACTS
    ),
    Reference(
        "fact_expenditure_by_function",
        "expenditure_type",
        "dim_expenditure_type",
        "expenditure_type",
    ),
    Reference("fact_project_fund", "project_id", "dim_project", "project_id", "document_id"),
    *(
        Reference(table, "table_key", "dim_source_table", "table_key", "document_id")
        for table in _SOURCE_TABLE_FACTS
    ),
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
