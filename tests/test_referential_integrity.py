"""Referential integrity: the orphan keys of one document, found by one SQL template filled
from the fixed list of references (pipelines/quality/referential_integrity.py)."""

import pytest

from pipelines.quality.referential_integrity import (
    REFERENCES,
    Reference,
    check_referential_integrity,
    orphans_sql,
)
from tests.warehouse_helpers import loaded, read_doc


@pytest.fixture
def con(tmp_path):
    con = loaded(tmp_path, read_doc())
    yield con
    con.close()


def _document_id(con) -> int:
    return con.execute("select document_id from dim_document").fetchone()[0]


def _found(con, document_id: int) -> list[tuple[str, str, str, str]]:
    outcome = check_referential_integrity(con, document_id)
    assert {f.severity for f in outcome.findings} <= {"ERROR"}
    return [(f.table, f.column, f.row, f.actual) for f in outcome.findings]


def test_a_loaded_document_has_no_orphan_key(con):
    outcome = check_referential_integrity(con, _document_id(con))
    assert outcome.passed and outcome.findings == ()


def test_every_kind_of_missing_dimension_row_is_one_finding_per_key_value(con):
    for statement in (
        "delete from dim_fund_source where fund_source = '一般公共预算'",
        "delete from dim_function_subject where code = '208'",
        "delete from dim_economic_subject where code = '301'",
        "delete from dim_expenditure_type where expenditure_type = '上缴上级支出'",
        "update fact_project_fund set project_id = project_id + 100000 "
        "where project_id = (select min(project_id) from fact_project_fund)",
        "update fact_summary_line set table_key = 'tx_none' where line_index = 0",
        "update dim_document set department_id = 99999",
    ):
        con.execute(statement)
    project = con.execute("select max(project_id) from fact_project_fund").fetchone()[0]
    assert project > 100000
    assert _found(con, _document_id(con)) == [
        ("dim_document", "department_id", "99999", "1 orphan row(s)"),
        ("fact_basic_by_unit", "fund_source", "一般公共预算", "6 orphan row(s)"),
        ("fact_economic_expenditure", "code", "301", "2 orphan row(s)"),
        ("fact_expenditure_by_function", "code", "208", "10 orphan row(s)"),
        ("fact_expenditure_by_function", "expenditure_type", "上缴上级支出", "15 orphan row(s)"),
        ("fact_income_by_function", "code", "208", "12 orphan row(s)"),
        ("fact_income_by_function", "fund_source", "一般公共预算", "15 orphan row(s)"),
        ("fact_project_fund", "fund_source", "一般公共预算", "24 orphan row(s)"),
        ("fact_project_fund", "project_id", str(project), "7 orphan row(s)"),
        ("fact_summary_line", "table_key", "tx_none", "4 orphan row(s)"),
        ("fact_three_public", "fund_source", "一般公共预算", "7 orphan row(s)"),
    ]


def test_subject_codes_resolve_only_within_the_documents_year(con):
    con.execute("update dim_function_subject set fiscal_year = fiscal_year + 1 where code = '208'")
    assert _found(con, _document_id(con)) == [
        ("fact_expenditure_by_function", "code", "208", "10 orphan row(s)"),
        ("fact_income_by_function", "code", "208", "12 orphan row(s)"),
    ]


def test_rows_of_a_document_id_without_its_document_row(con):
    con.execute(
        "insert into fact_three_public select * replace (999999 as document_id) "
        "from fact_three_public where fund_source = '一般公共预算' limit 2"
    )
    assert _found(con, 999999) == [
        ("fact_three_public", "document_id", "999999", "2 orphan row(s)"),
        ("fact_three_public", "table_key", "t07_three_public", "2 orphan row(s)"),
    ]


def test_the_template_takes_plain_identifiers_from_the_list_only():
    assert len(REFERENCES) == len(set(REFERENCES)) == 27  # incl. fact_narrative_figure
    sql = orphans_sql(REFERENCES[0])
    assert 'from "fact_summary_line" as fact' in sql and "{" not in sql
    with pytest.raises(ValueError, match="not a plain identifier"):
        orphans_sql(Reference('fact_x"; drop table dim_document; --', "code", "dim_x", "code"))
