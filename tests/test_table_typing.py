"""Tables known by what they hold (docs/extraction.md, *How a table is typed*): what a title
spells and what its words point to, content and totals weighed into a confidence, the
document held to the tables it lists, the parser's doubt a WARN (`budget inspect`:
tests/test_inspect.py).

The real university budget's figures were read off its pages (../shared/real/README.md;
p7, p8, p10), not produced by the extractor.
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from assets.staging import tables_metadata
from pipelines.budget_doc import (
    ABSENT,
    CERTAIN,
    DECLARED_TABLES,
    KEPT_GENERIC,
    PROBABLE,
    TABLE_TYPING,
    TITLE_ONLY,
    UNTYPED,
)
from pipelines.extraction.pieces import title_candidates
from pipelines.extraction.table_types import TableTyping, settle
from pipelines.extraction.tables import split_code
from pipelines.extraction.titles import (
    EXTRA,
    department_in_title,
    keys_by_words,
    table_key_for_title,
)
from pipelines.quality import ERROR, WARN, run_document_checks
from pipelines.quality.completeness import check_completeness
from pipelines.quality.cross_table import check_cross_table
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.inputs import REAL, REPO, extracted

SWU = REAL / "swu_2023_budget.pdf"
BROKEN_BALANCE = REPO / "tests" / "fixtures" / "broken_balance.json"


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("表1 部门收支总表", "t01_summary"),
        ("部门收支总表 表1", "t01_summary"),  # the number printed after the title
        ("附表3：部门支出总表", "t03_expenditure"),
        ("表1-2 收入总表", "t02_income"),
        ("表一一般公共预算支出表", "t05_gpb_function"),  # 表一 + 一般…, not 表一一 + 般…
        ("表十二部门收支总表", "t01_summary"),
        ("公开05表财政拨款支出预算表（功能科目）", "t13_fiscal_function"),
        ("2024年度示范市自然资源局收支预算总表", "t01_summary"),
        ("西南大学财政拨款支出预算表", "t13_fiscal_function"),
        ("项目支出表", "t12_projects"),
        ("一般公共预算“三公”经费支出预算表", "t07_three_public"),  # a fund before 三公
        # a short spelling inside a longer title names another table
        ("政府采购支出预算表", None),
        ("一般公共预算机关运行经费支出预算表", None),
        ("财政拨款基本支出预算表（经济科目）", None),
    ],
)
def test_a_title_spells_a_table_once_label_year_and_department_are_set_aside(title, key):
    assert table_key_for_title(title) == key


def test_the_department_before_a_spelling_ends_as_a_body_name():
    assert department_in_title("西南大学收支预算总表") == "西南大学"
    assert department_in_title("上海市普陀区财政局部门收支总表") == "上海市普陀区财政局"
    assert department_in_title("政府采购支出预算表") is None


@pytest.mark.parametrize(
    ("title", "keys"),
    [
        ("本年度支出安排表", {"t03_expenditure"}),
        ("部门预算收支总览表", {"t01_summary"}),
        ("一般公共预算拨款支出明细表", {"t05_gpb_function"}),
        ("“三公”经费安排情况表", {"t07_three_public"}),
        ("政府采购支出预算表", {EXTRA}),
        ("236中央高校管理改革等绩效拨款绩效目标表", {EXTRA}),
        ("附表5 科目明细表", set()),
    ],
)
def test_a_title_no_list_knows_points_by_its_words(title, keys):
    assert table_key_for_title(title) is None
    assert keys_by_words(title) == keys


@pytest.mark.parametrize(
    ("lines", "titles"),
    [
        (["表1", "部门收支总表", "单位：万元"], ["表1部门收支总表", "单位：万元"]),
        (["西南大学", "收支预算总表"], ["西南大学收支预算总表"]),
        (
            [
                "十一、一般公共预算“三公”经费、会议费、培训费支出预",
                "算表",
                "部门：江苏省人民检察院",
            ],
            ["十一、一般公共预算“三公”经费、会议费、培训费支出预算表", "部门：江苏省人民检察院"],
        ),
        (  # a heading above a title is no half of it
            ["（二）236中央高校管理改革等绩效拨款", "236中央高校管理改革等绩效拨款绩效目标表"],
            ["（二）236中央高校管理改革等绩效拨款", "236中央高校管理改革等绩效拨款绩效目标表"],
        ),
    ],
)
def test_a_title_wrapped_over_two_lines_is_one_candidate(lines, titles):
    assert title_candidates(lines) == titles


@pytest.mark.parametrize(
    ("cells", "code_name"),
    [
        (["204", "公共安全支出", ""], ("204", "公共安全支出")),  # 代码 merged over two columns
        (
            ["208", "05", "05", "机关事业单位基本养老保险缴费支出"],
            ("2080505", "机关事业单位基本养老保险缴费支出"),
        ),
        (["301", "2", "津贴补贴"], ("30102", "津贴补贴")),
        (
            ["[2080505]机关事业单位基本养老保险缴费支出"],
            ("2080505", "机关事业单位基本养老保险缴费支出"),
        ),
        (["合计", "", ""], (None, "合计")),
    ],
)
def test_code_and_name_from_whatever_label_columns_hold_them(cells, code_name):
    assert split_code(cells) == code_name


def test_a_tie_decides_between_candidates_and_a_claimed_key_goes_to_the_surer_table():
    typings = {
        "a": TableTyping("t05_gpb_function", CERTAIN, "title and content agree"),
        "b": TableTyping("t05_gpb_function", PROBABLE, "content alone"),
        "c": TableTyping(
            None,
            UNTYPED,
            "several tables fit",
            candidates=frozenset({"t08_gov_fund", "t09_state_capital"}),
        ),  # fmt: skip
        "d": TableTyping(
            None,
            UNTYPED,
            "several tables fit",
            candidates=frozenset({"t08_gov_fund", "t13_fiscal_function"}),
        ),  # fmt: skip
    }

    def tie(group: str, key: str) -> str | None:
        return (
            "totals tie: t09 合计 = t04 收入 国有资本经营预算"
            if key == "t09_state_capital"
            else None
        )

    settled = settle(typings, tie)
    assert (settled["a"].key, settled["a"].confidence) == ("t05_gpb_function", CERTAIN)
    assert (settled["b"].key, settled["b"].confidence) == (None, UNTYPED)
    assert "taken by a surer or earlier table" in settled["b"].basis
    assert (settled["c"].key, settled["c"].confidence) == ("t09_state_capital", CERTAIN)
    assert settled["c"].basis.startswith("totals tie: ")
    assert (settled["d"].key, settled["d"].confidence) == (None, UNTYPED)
    assert settled["d"].basis == "could be t08_gov_fund, t13_fiscal_function; no totals tie"


# -- the parser's doubt is never the publisher's error -------------------------------------


def _broken_balance(**typing: dict) -> dict:
    """The broken-balance truth (t01 收入总计 100.00 over 支出总计, so t02's 合计 differs
    from it too) with `typing` as its tables' `table_typing`."""
    doc = json.loads(BROKEN_BALANCE.read_text(encoding="utf-8"))
    doc.pop("known_issues", None)
    doc[TABLE_TYPING] = {"tables": typing}
    return doc


def test_a_comparison_with_a_table_typed_by_one_source_is_a_warn_that_says_why():
    sure = check_cross_table(_broken_balance())
    (finding,) = [f for f in sure.findings if f.rule == "t02 合计 = t01 收入合计"]
    assert finding.severity == ERROR
    content_alone = {"confidence": PROBABLE, "basis": "content alone", "evidence": []}
    unsure = check_cross_table(_broken_balance(t02_income=content_alone))
    (finding,) = [f for f in unsure.findings if f.table == "t02_income"]
    assert finding.severity == WARN
    assert finding.kind == "unverified"
    assert finding.rule == (
        "could not verify: t02_income typed by content alone — t02 合计 = t01 收入合计"
    )
    assert unsure.severity == WARN and "1 could not be verified" in unsure.summary()


def test_a_table_whose_title_and_content_disagree_is_never_the_ground_of_an_error():
    disagree = {"confidence": "doubtful", "basis": "title and content disagree"}
    outcomes = run_document_checks(_broken_balance(t01_summary=disagree))
    assert outcomes["balance"].severity == WARN
    assert all(f.rule.startswith("could not verify: t01_summary") for f in
               outcomes["balance"].findings)  # fmt: skip
    # a table typed by its title alone is sure of itself: its own sums still count
    alone = {"confidence": PROBABLE, "basis": "title alone (content silent)"}
    assert run_document_checks(_broken_balance(t01_summary=alone))["balance"].severity == ERROR


# -- completeness against what the document lists -----------------------------------------


def _listing(*entries: tuple[str, str, str]) -> dict:
    return {
        "source": "目录 p.2",
        "tables": [{"title": t, "key": k, "printed": p} for t, k, p in entries],
    }


def test_completeness_holds_a_document_to_its_own_list():
    doc = _broken_balance()
    doc["layout"] = "national"
    for key in ("t05_gpb_function", "t08_gov_fund", "t09_state_capital"):
        del doc["tables"][key]
    doc[DECLARED_TABLES] = _listing(
        ("政府性基金预算支出表", "t08_gov_fund", ABSENT),
        ("国有资本经营预算支出表", "t09_state_capital", TITLE_ONLY),
        ("一般公共预算支出表", "t05_gpb_function", KEPT_GENERIC),
    )
    found = {(f.table, f.severity, f.actual) for f in check_completeness(doc).findings}
    assert found == {
        ("t08_gov_fund", ERROR, "missing"),  # listed, printed nowhere: the PDF's own gap
        ("t09_state_capital", WARN, "title only"),
        ("t05_gpb_function", WARN, "kept as a generic table"),
    }


def test_without_a_list_a_parsed_document_is_warned_and_an_unknown_template_asked_nothing():
    doc = _broken_balance(t01_summary={"confidence": CERTAIN, "basis": "title and content agree"})
    del doc["tables"]["t09_state_capital"]
    (finding,) = check_completeness(doc).findings
    assert (finding.table, finding.severity) == ("t09_state_capital", WARN)
    assert finding.rule.startswith("could not verify: the guangzhou template prints it")
    doc["layout"] = "unknown"
    outcome = check_completeness(doc)
    assert outcome.passed
    assert outcome.description.endswith("template: unknown — 11 of 11 printed tables typed")


def test_a_table_that_could_not_be_typed_is_a_warn_naming_it_and_is_kept():
    doc = _broken_balance()
    doc["extra_tables"] = [{"title": "科目明细表", "columns": ["金额"], "pages": [9],
                            "rows": [{"label": "合计", "values": ["10.00"]}]}]  # fmt: skip
    basis = "could be t05_gpb_function, t08_gov_fund; no totals tie"
    doc[TABLE_TYPING] = {"tables": {}, "extra_tables": [{"confidence": UNTYPED, "basis": basis}]}
    (finding,) = check_completeness(doc).findings
    assert (finding.table, finding.row, finding.severity) == ("extra table 科目明细表", "p.9", WARN)
    assert finding.rule == f"could not verify: {basis} — a standard-looking table is typed"


# -- a university under the Ministry of Education (a template no title list knew) ----------


@pytest.mark.real
def test_the_university_budget_is_typed_by_title_and_content_alike():
    doc = extracted(SWU).doc
    assert doc["layout"] == "university"
    typing = doc[TABLE_TYPING]["tables"]
    assert {key: t["confidence"] for key, t in typing.items()} == {
        "t01_summary": CERTAIN,
        "t02_income": CERTAIN,
        "t03_expenditure": CERTAIN,
        "t13_fiscal_function": CERTAIN,
    }
    assert typing["t13_fiscal_function"]["title"] == "西南大学财政拨款支出预算表"
    assert "content: header: 财政拨款支出" in typing["t13_fiscal_function"]["evidence"]
    # p8: 事业收入 over 金额 | 其中：教育收费
    assert doc["tables"]["t02_income"]["columns"] == [
        "收入合计", "上年结转", "财政拨款收入", "事业收入", "教育收费", "其他收入",
        "使用非财政拨款结余",
    ]  # fmt: skip


@pytest.mark.real
def test_the_university_budget_balances_by_meaning_and_its_narrative_agrees():
    outcomes = run_document_checks(extracted(SWU).doc, SWU.name)
    balance = {(c.row, c.expected, c.actual) for c in outcomes["balance"].comparisons}
    # p7: 收入总计 = 本年收入合计 + 使用非财政拨款结余 + 上年结转 (unnumbered lines)
    assert ("income: 收入总计", Decimal("557259.13"), Decimal("557259.13")) in balance
    assert ("expenditure: 支出总计", Decimal("557259.13"), Decimal("557259.13")) in balance
    assert outcomes["balance"].passed and outcomes["cross_table"].passed
    narrative = outcomes["narrative_consistency"]
    # p11 states 上年结转 as 16.84% of 557,259.13: 93,801.70 gives 16.83 (a rounding WARN)
    assert [(f.row, f.expected, f.actual, f.severity) for f in narrative.findings] == [
        ("上年结转", "16.83", "16.84", WARN)
    ]
    stated = {(c.row, c.column) for c in narrative.comparisons}
    assert {
        ("本年收入合计", "income_year_total"),
        ("本年支出合计", "expenditure_year_total"),
        ("收入总计", "income_total"),
        ("合计", "fiscal_expenditure_total"),
    } <= stated
    # the one ERROR is the PDF's own (p8, 2050202 小学教育: docs/real_layouts.md)
    errors = [
        (name, f.table, f.row, f.column)
        for name, outcome in outcomes.items()
        for f in outcome.findings
        if f.severity == ERROR
    ]
    assert errors == [("hierarchy", "t02_income", "20502 普通教育", "收入合计")]


@pytest.mark.real
def test_the_university_budgets_published_totals_come_back_through_the_views(tmp_path):
    extraction = extracted(SWU)
    con = connect(tmp_path / "w.duckdb")
    try:
        load_document(con, extraction)
        summary = dict(
            con.execute(
                "select item, amount_wan from v_budget_summary where is_total "
                "and table_key = 't01_summary'"
            ).fetchall()
        )
        totals = con.execute(
            "select table_key, fund, column_name, amount_wan from v_table_total "
            "where is_total_column or table_key = 't13_fiscal_function' order by all"
        ).fetchall()
        typed = con.execute(
            "select table_key, table_title, confidence, typed_by from dim_source_table "
            "where table_key like 't%' order by table_key"
        ).fetchall()
    finally:
        con.close()
    assert summary == {
        "收入总计": Decimal("557259.13"),
        "本年收入合计": Decimal("403484.64"),
        "本年支出合计": Decimal("468779.07"),
        "支出总计": Decimal("557259.13"),
    }
    assert ("t13_fiscal_function", "财政拨款", "财政拨款支出", Decimal("230876.38")) in totals
    assert ("t03_expenditure", "全部资金", "合计", Decimal("468779.07")) in totals
    assert [(key, title, confidence) for key, title, confidence, _ in typed] == [
        ("t01_summary", "西南大学收支预算总表", CERTAIN),
        ("t02_income", "西南大学收入预算表", CERTAIN),
        ("t03_expenditure", "西南大学支出预算表", CERTAIN),
        ("t13_fiscal_function", "西南大学财政拨款支出预算表", CERTAIN),
    ]
    assert {by for *_, by in typed} == {"title and content agree"}


@pytest.mark.real
def test_a_template_difference_listed_in_the_contents_is_not_a_missing_table():
    """Jiangsu's 目录 lists 收入预算总表; its grid lists fund sources, not subjects, so it is
    kept generic — the template's own shape (its layout prints no t02), not a finding."""
    extraction = extracted(REAL / "js_npc_2017.pdf")
    listed = extraction.doc[DECLARED_TABLES]
    assert listed["source"] == "目录 p.1"
    printed = {entry["key"]: entry["printed"] for entry in listed["tables"]}
    assert printed["t02_income"] == KEPT_GENERIC
    assert printed["t07_three_public"] == "printed"  # its 目录 entry wraps onto p.2
    assert check_completeness(extraction.doc).passed


@pytest.mark.real
def test_the_staging_assets_metadata_says_how_each_table_was_typed():
    metadata = tables_metadata(extracted(SWU))
    typing = metadata["table_typing"].value
    assert "| t13_fiscal_function | certain | title and content agree |" in typing
    assert "| extra_00 236中央高校教育教学改革专项绩效目标表 | generic |" in typing
    assert metadata["tables_found"] == "4 of 4"


def test_the_sample_tables_are_all_certain():
    doc = extracted(REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf").doc
    confidences = {t["confidence"] for t in doc[TABLE_TYPING]["tables"].values()}
    assert confidences == {CERTAIN}
    assert copy.deepcopy(doc[DECLARED_TABLES])["source"] == "目录 p.2"
