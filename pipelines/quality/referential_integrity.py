"""Referential integrity: every key of a document's fact rows resolves to a dimension row.
SQL over the warehouse, so it runs in the writer, inside the document's load transaction."""

from __future__ import annotations

from pipelines.quality.outcome import ERROR, CheckOutcome, Finding
from pipelines.warehouse.sql_files import read_sql


def check_referential_integrity(con, document_id: int) -> CheckOutcome:
    """Every key of the document's fact rows resolves to a dimension row.

    Runs `sql/checks/referential_integrity.sql` on a warehouse connection (document,
    department, function/economic subject of the document's year, fund source, expenditure
    type, project, source table); each missing key is an ERROR naming the fact table.
    """
    sql = read_sql("checks/referential_integrity")
    rows = con.execute(sql, {"document_id": document_id}).fetchall()
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
