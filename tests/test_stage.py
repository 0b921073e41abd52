"""A department's budget (预算) and its final accounts (决算) of one fiscal year are two
documents: two partitions, two dim_document rows, two sets of facts and check results, every
view row saying which stage it is; reloading either replaces only itself, and year over year
compares final accounts with last year's final accounts, never with a budget.

The final accounts are made by rule from a truth JSON, not by editing a PDF: the same tables
with `"stage": "final"` and a few amounts changed, so the two documents differ.
"""

import copy
import dataclasses
import io
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines import quality
from pipelines.batch import check_rows, write_rows
from pipelines.budget_doc import (
    BUDGET_STAGE,
    DEPARTMENT_BUDGET,
    FINAL_STAGE,
    UNIT_BUDGET,
    document_name,
)
from pipelines.commands.load import load_paths
from pipelines.doc_reader import BudgetDoc
from pipelines.errors import BudgetInputError
from pipelines.extraction.document import DocumentIdentity, Extraction
from pipelines.handoff import read_handoff, write_handoff
from pipelines.handoff_verify import document_outline
from pipelines.inbox import parse_partition_key, partition_key
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.load import document_rows, load_document
from pipelines.warehouse.sql_files import sql_names
from tests.stage_documents import (
    FINAL_EXTRA,
    FINAL_KEY,
    GZ,
    THREE_PUBLIC_EXTRA,
    _moved,
    budget,
    final_accounts,
)
from tests.warehouse_helpers import (
    SAMPLES,
    document_keys,
    expected_fact_rows,
    facts_by,
    make_extraction,
    read_file_as,
    warehouse,
)

# (stage, rows of the table facts), to compare both documents' facts.
FACTS_BY_STAGE = facts_by("stage")
INCOME_TOTAL = (
    "select stage, amount_wan from v_budget_summary "
    "where table_key = 't01_summary' and item = '收入总计' order by all"
)


def _documents(con) -> list[tuple]:
    return document_keys(con, "stage", "document_id", "sha256")


# --- naming and partition keys ------------------------------------------------------


def test_a_document_says_its_stage_in_its_name_a_department_budget_as_before():
    assert document_name("西南大学", 2023) == "西南大学 2023"
    assert document_name("西南大学", 2023, DEPARTMENT_BUDGET, BUDGET_STAGE) == "西南大学 2023"
    assert (
        document_name("西南大学", 2023, DEPARTMENT_BUDGET, FINAL_STAGE) == "西南大学 2023 部门决算"
    )
    assert document_name("甲", 2026, UNIT_BUDGET) == "甲 2026 单位预算"
    assert document_name("甲", 2026, UNIT_BUDGET, FINAL_STAGE) == "甲 2026 单位决算"


def test_the_identity_reads_the_stage_absent_is_a_budget():
    final, plan = final_accounts(), budget()
    assert DocumentIdentity.of(final) == DocumentIdentity(GZ, 2023, DEPARTMENT_BUDGET, FINAL_STAGE)
    assert DocumentIdentity.of(plan) == DocumentIdentity(GZ, 2023)
    assert (BudgetDoc.of(final).stage, BudgetDoc.of(plan).stage) == (FINAL_STAGE, BUDGET_STAGE)


@pytest.mark.parametrize(
    ("kind", "stage", "suffix"),
    [
        (DEPARTMENT_BUDGET, BUDGET_STAGE, ""),
        (UNIT_BUDGET, BUDGET_STAGE, "|单位预算"),
        (DEPARTMENT_BUDGET, FINAL_STAGE, "|部门决算"),
        (UNIT_BUDGET, FINAL_STAGE, "|单位决算"),
    ],
)
def test_partition_keys_round_trip_every_kind_and_stage(kind, stage, suffix):
    key = partition_key(DocumentIdentity("西南大学", 2023, kind, stage))
    assert key == f"2023|西南大学{suffix}"
    assert parse_partition_key(key) == (2023, "西南大学", kind, stage)
    odd = partition_key(DocumentIdentity("甲|乙", 2023, kind, stage))
    assert parse_partition_key(odd) == (2023, "甲｜乙", kind, stage)


@pytest.mark.parametrize(
    "bad", ["2023|西南大学|决算", "2023|西南大学|部门预算", "2023|甲|部门决算|x"]
)
def test_a_key_with_an_unknown_third_part_is_refused(bad):
    with pytest.raises(ValueError, match="not a budget document partition key"):
        parse_partition_key(bad)


# --- the warehouse ------------------------------------------------------------------


def test_a_budget_and_its_final_accounts_are_two_documents(tmp_path):
    con = warehouse(tmp_path)
    plan = load_document(con, make_extraction(budget(), "budget.pdf"))
    final = load_document(con, make_extraction(final_accounts(), "final.pdf"))
    assert (plan.action, final.action) == ("inserted", "inserted")
    assert (plan.stage, final.stage) == (BUDGET_STAGE, FINAL_STAGE)
    assert plan.message.startswith(f"{GZ} 2023: loaded ")
    assert final.message.startswith(f"{GZ} 2023 部门决算: loaded ")
    assert [d[:5] for d in _documents(con)] == [
        (GZ, 2023, "department", "budget", plan.document_id),
        (GZ, 2023, "department", "final", final.document_id),
    ]
    facts = expected_fact_rows(budget())
    assert con.execute(FACTS_BY_STAGE).fetchall() == [("budget", facts), ("final", facts)]
    assert con.execute(INCOME_TOTAL).fetchall() == [
        ("budget", Decimal("13004.92")),
        ("final", Decimal("13004.92") + FINAL_EXTRA),
    ]


def test_loading_the_final_accounts_first_leaves_room_for_the_budget(tmp_path):
    con = warehouse(tmp_path)
    load_document(con, make_extraction(final_accounts(), "final.pdf"))
    plan = load_document(con, make_extraction(budget(), "budget.pdf"))
    assert plan.action == "inserted"
    assert [d[3] for d in _documents(con)] == ["budget", "final"]


def test_reloading_the_final_accounts_replaces_only_them(tmp_path):
    con = warehouse(tmp_path)
    plan = make_extraction(budget(), "budget.pdf")
    final = make_extraction(final_accounts(), "final.pdf")
    load_document(con, plan)
    load_document(con, final)
    for extraction in (plan, final):
        doc = extraction.doc
        record_check_results(
            con,
            GZ,
            2023,
            [{"check_name": "balance", "severity": "ERROR", "passed": True, "detail": ""}],
            stage=doc.get("stage", BUDGET_STAGE),
            sha256=extraction.sha256,
        )
    budget_before = [d for d in _documents(con) if d[3] == "budget"]

    # a new edition of the final accounts replaces the final accounts and nothing else
    edition = make_extraction(final_accounts(extra=Decimal("500.00")), "final_v2.pdf")
    report = load_document(con, edition)
    assert (report.action, report.replaced_sha256) == ("replaced", final.sha256)
    assert report.message.startswith(f"{GZ} 2023 部门决算: replaced edition ")
    documents = _documents(con)
    assert [d for d in documents if d[3] == "budget"] == budget_before
    assert [d[3:] for d in documents if d[3] == "final"] == [
        ("final", report.document_id, edition.sha256)
    ]
    facts = expected_fact_rows(budget())
    assert con.execute(FACTS_BY_STAGE).fetchall() == [("budget", facts), ("final", facts)]
    assert con.execute(INCOME_TOTAL).fetchall() == [
        ("budget", Decimal("13004.92")),
        ("final", Decimal("13504.92")),
    ]
    # each document keeps its own check rows; clearing the final accounts' leaves the budget's
    assert con.execute("select stage, sha256 from dq_check_result order by all").fetchall() == [
        ("budget", plan.sha256),
        ("final", final.sha256),
    ]
    record_check_results(con, GZ, 2023, [], stage=FINAL_STAGE)
    assert con.execute("select stage from dq_check_result").fetchall() == [("budget",)]

    # the budget again: the same edition, reloaded; the final accounts untouched
    final_now = [d for d in _documents(con) if d[3] == "final"]
    assert load_document(con, plan).action == "reloaded"
    assert [d for d in _documents(con) if d[3] == "final"] == final_now


def test_an_unknown_stage_is_refused(tmp_path):
    con = warehouse(tmp_path)
    with pytest.raises(BudgetInputError, match="stage 'draft' is not one of budget, final"):
        load_document(con, make_extraction({**budget(), "stage": "draft"}))
    with pytest.raises(ValueError, match="stage 'draft' is not one of budget, final"):
        record_check_results(con, GZ, 2023, [], stage="draft")
    assert _documents(con) == []


@pytest.fixture
def both_stages(tmp_path):
    """A warehouse holding the 2023 budget and final accounts, each written by the batch
    service's writer with its document and writer checks, their rows and findings."""
    con = warehouse(tmp_path)
    reports = {}
    for doc, name in ((budget(), "budget.pdf"), (final_accounts(), "final.pdf")):
        checks = check_rows(quality.run_document_checks(doc))
        reports[doc.get("stage", BUDGET_STAGE)], _, _ = write_rows(
            con, document_rows(make_extraction(doc, name)), checks
        )
    return con, reports


@pytest.mark.parametrize("view", [name.removeprefix("views/") for name in sql_names("views")])
def test_every_view_row_carries_its_documents_stage(both_stages, view):
    con, _ = both_stages
    columns = [d[0] for d in con.execute(f"select * from {view} limit 0").description]
    assert columns.index("stage") == columns.index("document_kind") + 1
    rows = dict(
        con.execute(f"select stage, count(*) from {view} group by all order by all").fetchall()
    )
    if view == "v_budget_vs_actual":  # each row pairs a final account with its budget
        assert set(rows) == {"final"} and rows["final"] > 0, rows
        return
    if view == "dq_finding":  # the final accounts are judged as final accounts: their own
        assert set(rows) == {"budget", "final"} and min(rows.values()) > 0, rows
        return
    # the final accounts print every table the budget prints: as many rows of each
    assert set(rows) == {"budget", "final"} and rows["budget"] == rows["final"] > 0, rows


def test_the_views_give_each_stage_its_own_figures(both_stages):
    con, _ = both_stages
    assert con.execute(INCOME_TOTAL).fetchall() == [
        ("budget", Decimal("13004.92")),
        ("final", Decimal("13004.92") + FINAL_EXTRA),
    ]
    assert con.execute(
        "select stage, sum(amount_wan) from v_three_public "
        "where category = 'three_public_total' group by all order by all"
    ).fetchall() == [("budget", Decimal("32.80")), ("final", Decimal("32.80") + THREE_PUBLIC_EXTRA)]
    assert con.execute(
        "select stage, printed_value from v_other_table order by all"
    ).fetchall() == [("budget", "1.00"), ("final", "2.00")]
    assert con.execute(
        "select stage, check_name from dq_check_result order by all"
    ).fetchall() == [
        (stage, check) for stage in ("budget", "final")
        for check in sorted(
            [*quality.DOCUMENT_CHECKS, "final_vs_budget", "referential_integrity", "year_over_year"]
        )
    ]  # fmt: skip


def test_a_final_accounts_hand_off_keeps_its_stage(tmp_path):
    doc = final_accounts()
    document = document_rows(make_extraction(doc, "final.pdf"))
    checks = check_rows(quality.run_document_checks(doc))
    path = write_handoff(document, checks, tmp_path / "handoff", document_outline(doc))
    back, _ = read_handoff(duckdb.connect(), path)
    assert (back.stage, back.document_kind) == (FINAL_STAGE, DEPARTMENT_BUDGET)
    assert back == dataclasses.replace(document, relations=back.relations)


# --- through the batch service ------------------------------------------------------


def _as_final_accounts(extraction: Extraction, path: Path) -> Extraction:
    """The sample's extraction published as its final accounts (the rule of final_accounts:
    `stage` final, t01's totals moved), read from another file."""
    doc = copy.deepcopy(extraction.doc)
    doc["stage"] = FINAL_STAGE
    for side, total in (("income", "收入总计"), ("expenditure", "支出总计")):
        lines = doc["tables"]["t01_summary"][side]
        for line in (lines[0], next(line for line in lines if line["item"] == total)):
            line["amount"] = _moved(line["amount"], FINAL_EXTRA)
    return dataclasses.replace(extraction, doc=doc, path=path, warnings=[])


def test_budget_load_gives_the_final_accounts_their_partition_and_line(tmp_path, monkeypatch):
    """Through `budget load` and the batch service (in this process, so the patch applies):
    two partitions, two lines, two documents, each with its check rows."""
    plan_pdf = tmp_path / "gz_hrss_data_center_2023.pdf"
    shutil.copy(SAMPLES / plan_pdf.name, plan_pdf)
    final_pdf = tmp_path / "gz_hrss_data_center_2023_final.pdf"
    final_pdf.write_bytes(plan_pdf.read_bytes() + b"\n% the final accounts' file\n")
    read_file_as(monkeypatch, final_pdf.name, _as_final_accounts)
    store = str(tmp_path / "warehouse.duckdb")
    out = io.StringIO()
    outcomes = load_paths([str(plan_pdf), str(final_pdf)], warehouse=store, out=out, workers=1)
    assert [(o.status, o.partition_key) for o in outcomes] == [
        ("loaded", f"2023|{GZ}"),
        ("loaded", FINAL_KEY),
    ]
    lines = out.getvalue().splitlines()
    assert lines[0].startswith(f"loaded: {GZ} 2023, ")
    assert lines[1].startswith(f"loaded: {GZ} 2023 部门决算, ")

    again = load_paths([str(final_pdf)], warehouse=store, out=io.StringIO(), workers=1)
    assert [(o.status, o.partition_key) for o in again] == [("reloaded", FINAL_KEY)]
    assert again[0].line.startswith(f"reloaded: {GZ} 2023 部门决算, ")

    con = duckdb.connect(store, read_only=True)
    try:
        assert [d[:4] for d in _documents(con)] == [
            (GZ, 2023, "department", "budget"),
            (GZ, 2023, "department", "final"),
        ]
        checks = con.execute(
            "select stage, count(*) from dq_check_result group by all order by 1"
        ).fetchall()
        assert checks[0][1] == checks[1][1] and [c[0] for c in checks] == ["budget", "final"]
        assert con.execute(INCOME_TOTAL).fetchall() == [
            ("budget", Decimal("13004.92")),
            ("final", Decimal("13004.92") + FINAL_EXTRA),
        ]
    finally:
        con.close()
