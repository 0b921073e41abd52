"""A body's department budget (部门预算) and its unit budget (单位预算) of one year are two
documents: two partitions, two dim_document rows, two sets of facts and check results;
reloading either replaces only itself.

Shanghai publishes both for 上海市普陀区司法局 2026; ../shared/real holds the unit budget.
Its department twin is made by rule, not by editing a PDF: the same extraction without
`document_kind`, i.e. what the same tables say when published as a department budget.
Figures marked "read off the page" were read from the printed PDF by hand.
"""

import dataclasses
import hashlib
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines import quality
from pipelines.batch import WRITER_CHECKS, check_rows
from pipelines.budget_doc import DEPARTMENT_BUDGET, UNIT_BUDGET
from pipelines.commands.load import load_paths
from pipelines.extraction.document import DocumentIdentity, Extraction
from pipelines.inbox import partition_key
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.load import load_document
from tests.inputs import REAL, extracted
from tests.warehouse_helpers import (
    document_keys,
    expected_fact_rows,
    facts_by,
    read_file_as,
    warehouse,
)

CHECKS_PER_DOCUMENT = len(quality.DOCUMENT_CHECKS) + len(WRITER_CHECKS)
UNIT_PDF = REAL / "sh_putuo_justice_2026_unit.pdf"
JUSTICE = "上海市普陀区司法局"
UNIT_KEY = "2026|上海市普陀区司法局|单位预算"
DEPARTMENT_KEY = "2026|上海市普陀区司法局"
INCOME_TOTAL = Decimal("86959408.34")  # p8 收入总计, 元, read off the page
THREE_PUBLIC = Decimal("10.71")  # p20 “三公”经费预算数 合计, 万元, read off the page
# (document_kind, rows of the table facts), to compare both documents' facts.
FACTS_BY_KIND = facts_by("document_kind")


def department_twin(unit: Extraction, path: Path | None = None) -> Extraction:
    """The same budget published as a department budget: no `document_kind`, another file."""
    doc = json.loads(json.dumps(unit.doc))
    doc.pop("document_kind")
    sha256 = hashlib.sha256(f"department twin of {unit.sha256}".encode()).hexdigest()
    path = path or unit.path.with_name("sh_putuo_justice_2026_department.pdf")
    return dataclasses.replace(unit, doc=doc, sha256=sha256, path=path, warnings=[])


@pytest.fixture(scope="module")
def unit() -> Extraction:
    extraction = extracted(UNIT_PDF)
    assert extraction.doc["document_kind"] == UNIT_BUDGET
    return extraction


def _documents(con) -> list[tuple]:
    return document_keys(con, "document_id", "sha256")


def _record_checks(con, extraction: Extraction, kind: str) -> None:
    outcomes = quality.run_document_checks(extraction.doc)
    record_check_results(
        con, JUSTICE, 2026, check_rows(outcomes), document_kind=kind, sha256=extraction.sha256
    )


@pytest.mark.real
def test_identity_and_partition_key_carry_the_kind(unit):
    twin = department_twin(unit)
    assert DocumentIdentity.of(unit.doc) == DocumentIdentity(JUSTICE, 2026, UNIT_BUDGET)
    assert DocumentIdentity.of(twin.doc) == DocumentIdentity(JUSTICE, 2026, DEPARTMENT_BUDGET)
    assert partition_key(DocumentIdentity.of(unit.doc)) == UNIT_KEY
    assert partition_key(DocumentIdentity.of(twin.doc)) == DEPARTMENT_KEY


@pytest.mark.real
def test_a_unit_and_a_department_budget_of_one_year_are_two_documents(tmp_path, unit):
    twin = department_twin(unit)
    con = warehouse(tmp_path)
    first = load_document(con, unit)
    second = load_document(con, twin)
    assert (first.action, second.action) == ("inserted", "inserted")
    assert first.message.startswith(f"{JUSTICE} 2026 单位预算: loaded ")
    assert second.message.startswith(f"{JUSTICE} 2026: loaded ")
    assert _documents(con) == [
        (JUSTICE, 2026, "department", second.document_id, twin.sha256),
        (JUSTICE, 2026, "unit", first.document_id, unit.sha256),
    ]
    facts = expected_fact_rows(unit.doc)
    assert con.execute(FACTS_BY_KIND).fetchall() == [("department", facts), ("unit", facts)]
    for kind in (UNIT_BUDGET, DEPARTMENT_BUDGET):
        _record_checks(con, unit if kind == UNIT_BUDGET else twin, kind)
    checks = con.execute(
        "select document_kind, check_name, passed from dq_check_result order by all"
    ).fetchall()
    names = sorted(quality.run_document_checks(unit.doc))
    assert [(k, n) for k, n, _ in checks] == [
        (kind, name) for kind in ("department", "unit") for name in names
    ]
    # the same tables check the same way whichever kind publishes them
    assert [c[1:] for c in checks if c[0] == "unit"] == [
        c[1:] for c in checks if c[0] == "department"
    ]
    # every public view answers per kind, so keeping one kind never double counts
    for view, where, column, expected in (
        (
            "v_budget_summary",
            "table_key = 't01_summary' and item = '收入总计'",
            "amount_yuan",
            INCOME_TOTAL,
        ),
        ("v_expenditure_by_function", "level = 1", "amount_yuan", INCOME_TOTAL),
        ("v_three_public", "category = 'three_public_total'", "amount_wan", THREE_PUBLIC),
    ):
        assert con.execute(
            f"select document_kind, sum({column}) from {view} where {where} group by all order by 1"
        ).fetchall() == [("department", expected), ("unit", expected)], view
    (basic,) = con.execute(
        "select sum(amount_yuan) from v_economic_expenditure where document_kind = 'unit'"
    ).fetchone()
    assert basic > 0
    assert con.execute(
        "select document_kind, sum(amount_yuan) from v_economic_expenditure group by all order by 1"
    ).fetchall() == [("department", basic), ("unit", basic)]


@pytest.mark.real
def test_reloading_either_kind_replaces_only_itself(tmp_path, unit):
    twin = department_twin(unit)
    con = warehouse(tmp_path)
    load_document(con, unit)
    load_document(con, twin)
    _record_checks(con, unit, UNIT_BUDGET)
    _record_checks(con, twin, DEPARTMENT_BUDGET)
    department_before = [d for d in _documents(con) if d[2] == "department"]

    # a new edition of the unit budget replaces the unit budget and nothing else
    edition = dataclasses.replace(unit, sha256="e" * 64, path=unit.path.with_name("v2.pdf"))
    report = load_document(con, edition)
    assert (report.action, report.replaced_sha256) == ("replaced", unit.sha256)
    assert report.message.startswith(f"{JUSTICE} 2026 单位预算: replaced edition ")
    documents = _documents(con)
    assert [d for d in documents if d[2] == "department"] == department_before
    assert [d[2:] for d in documents if d[2] == "unit"] == [("unit", report.document_id, "e" * 64)]
    facts = expected_fact_rows(unit.doc)
    assert con.execute(FACTS_BY_KIND).fetchall() == [("department", facts), ("unit", facts)]

    # checking the new unit edition leaves the department budget's check rows alone
    record_check_results(con, JUSTICE, 2026, [], document_kind=UNIT_BUDGET)
    assert con.execute(
        "select document_kind, count(*), any_value(sha256) from fact_dq_check group by all"
    ).fetchall() == [("department", len(quality.run_document_checks(twin.doc)), twin.sha256)]

    # the department budget again: the same edition, reloaded; the unit budget untouched
    unit_now = [d for d in _documents(con) if d[2] == "unit"]
    again = load_document(con, twin)
    assert again.action == "reloaded"
    assert [d for d in _documents(con) if d[2] == "unit"] == unit_now


def test_check_results_refuse_an_unknown_kind(tmp_path):
    con = warehouse(tmp_path)
    with pytest.raises(ValueError, match="document_kind 'branch' is not one of department, unit"):
        record_check_results(con, JUSTICE, 2026, [], document_kind="branch")


@pytest.mark.real
def test_budget_load_gives_each_kind_its_partition_and_line(tmp_path, monkeypatch):
    """Through the batch service (in this process, so the patch applies): two partitions,
    two lines, two documents."""
    unit_pdf = tmp_path / UNIT_PDF.name
    shutil.copy(UNIT_PDF, unit_pdf)
    twin_pdf = tmp_path / "sh_putuo_justice_2026_department.pdf"
    twin_pdf.write_bytes(UNIT_PDF.read_bytes() + b"\n% the department budget's file\n")
    # the twin's file reads as its department budget (the rule of department_twin)
    read_file_as(monkeypatch, twin_pdf.name, lambda e, path: department_twin(e, path=path))
    store = str(tmp_path / "warehouse.duckdb")
    out = io.StringIO()
    outcomes = load_paths([str(unit_pdf), str(twin_pdf)], warehouse=store, out=out, workers=1)
    assert [(o.status, o.partition_key) for o in outcomes] == [
        ("loaded", UNIT_KEY),
        ("loaded", DEPARTMENT_KEY),
    ]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"loaded: {JUSTICE} 2026 单位预算, ")
    assert lines[1].startswith(f"loaded: {JUSTICE} 2026, ")
    assert f"from {unit_pdf}" in lines[0] and f"from {twin_pdf}" in lines[1]

    again = load_paths([str(unit_pdf)], warehouse=store, out=io.StringIO())
    assert [(o.status, o.partition_key) for o in again] == [("reloaded", UNIT_KEY)]
    assert again[0].line.startswith(f"reloaded: {JUSTICE} 2026 单位预算, ")

    con = duckdb.connect(store, read_only=True)
    try:
        assert [d[:3] for d in _documents(con)] == [
            (JUSTICE, 2026, "department"),
            (JUSTICE, 2026, "unit"),
        ]
        assert con.execute(
            "select document_kind, count(*) from dq_check_result group by all order by 1"
        ).fetchall() == [("department", CHECKS_PER_DOCUMENT), ("unit", CHECKS_PER_DOCUMENT)]
        facts = expected_fact_rows(extracted(unit_pdf).doc)
        assert con.execute(FACTS_BY_KIND).fetchall() == [("department", facts), ("unit", facts)]
    finally:
        con.close()
