"""Python rows handed to DuckDB as typed temp tables (pipelines.warehouse.relations): the
declared types, DECIMALs exact from their text, a missing value NULL, no row no problem."""

from decimal import Decimal

import duckdb
import pytest

from pipelines.warehouse.relations import create_relation, drop_relation

COLUMNS = {
    "label": "varchar",
    "row_index": "integer",
    "total": "boolean",
    "amount": "decimal(18,2)",
}


def test_rows_come_back_typed_and_exact():
    con = duckdb.connect()
    records = [
        {"label": "合计", "row_index": 0, "total": True, "amount": "12345678901234.56"},
        {"label": "一、支出", "row_index": 1, "total": False},  # no amount printed
    ]
    create_relation(con, "stg_x", COLUMNS, records)
    assert con.execute("select * from stg_x").fetchall() == [
        ("合计", 0, True, Decimal("12345678901234.56")),
        ("一、支出", 1, False, None),
    ]
    assert con.execute("select column_name, column_type from (describe stg_x)").fetchall() == [
        ("label", "VARCHAR"),
        ("row_index", "INTEGER"),
        ("total", "BOOLEAN"),
        ("amount", "DECIMAL(18,2)"),
    ]
    drop_relation(con, "stg_x")
    assert con.execute("select count(*) from duckdb_tables()").fetchone() == (0,)


def test_no_rows_is_an_empty_relation_of_the_declared_types():
    con = duckdb.connect()
    create_relation(con, "stg_x", COLUMNS, [])
    assert con.execute("select count(*), typeof(any_value(amount)) from stg_x").fetchone() == (
        0,
        "DECIMAL(18,2)",
    )


@pytest.mark.parametrize(
    "name, columns",
    [('x"; drop table t; --', COLUMNS), ("stg_x", {"a": "varchar); drop table t; --"})],
)
def test_a_name_or_type_that_is_not_plain_is_refused(name, columns):
    with pytest.raises(ValueError, match="not a plain relation declaration"):
        create_relation(duckdb.connect(), name, columns, [])
