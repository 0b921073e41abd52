"""Final accounts (部门决算) read as the second stage of a department-year: their tables
typed like a budget's, their own lines balanced, and their 说明 held to their figures —
with each class of printed mistake built from the real file and caught by rule.

Figures read off the pages of ../shared/real/sh_putuo_finance_2024_final.pdf (p6–p7, p12,
p15, p18, p21–p23) and swu_2023_final.pdf (p8–p9, p13), as ../shared/real/README.md
lists them; not produced by the extractor.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import duckdb
import pypdf
import pytest

from pipelines.budget_doc import CERTAIN, FINAL_STAGE, TABLE_TYPING
from pipelines.extraction import extract_document
from pipelines.extraction.identity import disagreeing_headings
from pipelines.quality import ERROR, WARN, run_document_checks
from tests.inputs import REAL, extracted

PUTUO = REAL / "sh_putuo_finance_2024_final.pdf"
SWU = REAL / "swu_2023_final.pdf"
pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def putuo() -> dict:
    return extracted(PUTUO).doc


@pytest.fixture(scope="module")
def swu() -> dict:
    return extracted(SWU).doc


def _line(table: dict, side: str, item: str) -> str:
    return next(line["amount"] for line in table[side] if line["item"] == item)


def _total(table: dict) -> list:
    return next(row["values"] for row in table["rows"] if row["name"] == "合计")


def _errors(doc: dict) -> list[tuple]:
    outcomes = run_document_checks(doc)
    return [
        (name, f.table, f.row, f.expected, f.actual)
        for name, outcome in outcomes.items()
        for f in outcome.findings
        if f.severity == ERROR
    ]


def test_a_final_account_is_the_final_stage_with_the_templates_nine_tables(putuo):
    assert (putuo["department"], putuo["fiscal_year"]) == ("上海市普陀区财政局", 2024)
    assert putuo["stage"] == FINAL_STAGE and putuo["layout"] == "national_final"
    typing = putuo[TABLE_TYPING]["tables"]
    assert set(typing) == {f"t0{n}_{k}" for n, k in (
        (1, "summary"), (2, "income"), (3, "expenditure"), (4, "fiscal_summary"),
        (5, "gpb_function"), (6, "gpb_basic_economic"), (7, "three_public"),
        (8, "gov_fund"), (9, "state_capital"))}  # fmt: skip
    assert {t["confidence"] for t in typing.values()} == {CERTAIN}


def test_the_final_accounts_totals_as_printed(putuo):
    t01, tables = putuo["tables"]["t01_summary"], putuo["tables"]
    assert _line(t01, "income", "总计") == _line(t01, "expenditure", "总计") == "2995.39"
    assert _line(t01, "income", "本年收入合计") == "2946.25"
    assert _line(t01, "expenditure", "本年支出合计") == "2940.05"
    carried = (_line(t01, "income", "年初结转和结余"), _line(t01, "expenditure", "年末结转和结余"))
    assert carried == ("49.14", "55.34")
    # p15: 一般公共预算财政拨款支出 2940.05 = 基本 2336.91 + 项目 603.14
    assert _total(tables["t05_gpb_function"]) == ["2940.05", "2336.91", "603.14"]
    # p16–17: two lists side by side, each closed by its own total
    t06 = tables["t06_gpb_basic_economic"]
    assert t06["columns"] == ["决算数"]
    totals = [(r["name"], r["values"]) for r in t06["rows"] if r["code"] is None]
    assert totals == [("人员经费合计", ["2152.26"]), ("公用经费合计", ["184.65"])]
    # p18: 预算数 | 决算数 under each 三公 item
    t07 = tables["t07_three_public"]
    assert t07["columns"] == ["预算数", "决算数"]
    assert t07["rows"][0] == {"item": "财政拨款“三公”经费", "values": ["0.95", None]}


def test_the_final_accounts_only_errors_are_its_own(putuo):
    """p21 states 财政拨款收入支出总计 0.3 万元 where table 四 prints 2961.68; and 一般公共服务
    支出 2106.66 as 71.73% of 2940.05, which is 71.65%. Everything else holds."""
    assert sorted(_errors(putuo)) == [
        ("narrative_consistency", "narrative", "一般公共服务支出", "71.65", "71.73"),
        ("narrative_consistency", "t04_fiscal_summary", "总计", "2961.68", "0.3"),
    ]
    outcomes = run_document_checks(putuo)
    balance = {(c.row, c.expected) for c in outcomes["balance"].comparisons}
    # 总计 = 本年收入合计 + 使用非财政拨款结余 + 年初结转和结余
    #      = 本年支出合计 + 结余分配 + 年末结转和结余
    assert ("income: 总计", Decimal("2995.39")) in balance
    assert ("expenditure: 总计", Decimal("2995.39")) in balance
    hierarchy = {(c.row, c.rule, c.expected) for c in outcomes["hierarchy"].comparisons}
    assert ("人员经费合计", "合计 = Σ 类", Decimal("2152.26")) in hierarchy  # 301 + 303
    assert ("公用经费合计", "合计 = Σ 类", Decimal("184.65")) in hierarchy  # 302 + 310
    stated = {c.column: c for c in outcomes["narrative_consistency"].comparisons}
    assert stated["gp_appropriation_actual"].actual == Decimal("2940.05")
    completion = [
        c for c in outcomes["narrative_consistency"].comparisons if c.row == "gp_appropriation"
    ]
    assert [(c.expected, c.actual) for c in completion] == [(Decimal("98.20"), Decimal("98.20"))]


def test_the_universitys_final_accounts(swu):
    assert (swu["department"], swu["fiscal_year"], swu["stage"]) == ("西南大学", 2023, FINAL_STAGE)
    t01, tables = swu["tables"]["t01_summary"], swu["tables"]
    assert _line(t01, "income", "本年收入合计") == "430725.03"
    assert _line(t01, "expenditure", "本年支出合计") == "457676.75"
    assert _line(t01, "income", "合计") == _line(t01, "expenditure", "合计") == "569496.54"
    assert _line(t01, "income", "一、财政拨款收入") == "243015.38"
    assert "栏次" not in [line["item"] for line in t01["income"]]  # a row of column numbers
    assert _total(tables["t03_expenditure"])[:3] == ["457676.75", "359781.59", "97895.15"]
    assert swu["column_parts"] == {
        "t02_income": {"教育收费": "事业收入"},
        "t13_fiscal_function": {"基本建设资金支出": "项目支出"},
    }
    assert _errors(swu) == []  # 0.56% for 0.55% of 科学技术支出 is a rounding WARN


# -- each class of printed mistake, built from the real file, caught by rule -------------


def _restated(doc: dict, topic: str, figure: str, subject: str | None = None) -> dict:
    doc = copy.deepcopy(doc)
    for stated in doc["narrative_figures"]:
        if stated["topic"] == topic and stated.get("subject") == subject:
            stated["figure"] = figure
    return doc


def test_a_stated_total_that_contradicts_its_table(putuo):
    (error,) = [e for e in _errors(_restated(putuo, "gp_appropriation_actual", "2904.05"))
                if e[1] == "t05_gpb_function"]  # fmt: skip
    assert error == ("narrative_consistency", "t05_gpb_function", "合计", "2940.05", "2904.05")
    findings = run_document_checks(_restated(putuo, "gp_appropriation_actual", "2904.05"))
    (finding,) = [
        f for f in findings["narrative_consistency"].findings if f.table == "t05_gpb_function"
    ]
    assert "narrative p.21 states 2904.05万元" in finding.rule and "table p.15" in finding.rule


@pytest.mark.parametrize(
    ("topic", "table", "row", "printed"),
    [
        ("income_total", "t01_summary", "总计", "2995.39"),  # 收入支出总计2995.39万元
        ("expenditure_year_total", "t01_summary", "本年支出合计", "2940.05"),
    ],
)
def test_a_stated_grand_total_that_contradicts_the_summary(putuo, topic, table, row, printed):
    """说明 一 and 三 (p21) state 收入支出总计 and 本年支出合计 as table 一 prints them."""
    holds = run_document_checks(putuo)["narrative_consistency"]
    (comparison,) = [c for c in holds.comparisons if c.column == topic]
    assert (comparison.table, comparison.row, comparison.expected) == (table, row, Decimal(printed))
    assert comparison.actual == Decimal(printed)
    errors = _errors(_restated(putuo, topic, "2959.39"))
    assert ("narrative_consistency", table, row, printed, "2959.39") in errors


def test_greater_where_the_figures_say_smaller(putuo):
    subject = "一般公共服务支出/财政事务/行政运行"  # 年初预算 1560.05, 支出决算 1511.89
    errors = _errors(_restated(putuo, "item_direction", "1", subject))
    assert (
        "narrative_consistency",
        "narrative",
        subject,
        "小于 (1511.89 vs 1560.05)",
        "大于",
    ) in errors


def test_a_completion_rate_over_a_budget_of_nothing(putuo):
    doc = _restated(putuo, "gp_appropriation_budget", "0")
    assert ("narrative_consistency", "narrative", "gp_appropriation", "no rate (年初预算 0)",
            "98.20%") in _errors(doc)  # fmt: skip


def test_a_stated_basic_spending_that_is_not_the_tables(putuo):
    doc = copy.deepcopy(putuo)
    for stated in doc["narrative_figures"]:
        if stated["topic"] == "share_part" and stated.get("subject") == "基本支出":
            stated["figure"] = "2363.91"
    errors = _errors(doc)
    assert ("narrative_consistency", "t03_expenditure", "合计", "2336.91", "2363.91") in errors


@pytest.mark.parametrize(
    ("topic", "row", "printed"),
    [
        ("gp_basic", "人员经费合计 + 公用经费合计", "2336.91"),
        ("gp_basic_personnel", "人员经费合计", "2152.26"),
        ("gp_basic_public", "公用经费合计", "184.65"),
    ],
)
def test_the_basic_spending_section_against_the_basic_spending_table(putuo, topic, row, printed):
    """说明 六 (p23): 一般公共预算财政拨款基本支出2336.91万元。其中：人员经费2152.26万元…；公用
    经费184.65万元 — held to table 六 (p16–17, its two lists side by side): stated as printed
    it holds, stated otherwise it is an ERROR with both figures and both pages."""
    holds = run_document_checks(putuo)["narrative_consistency"]
    (comparison,) = [c for c in holds.comparisons if c.column == topic]
    assert (comparison.table, comparison.row, comparison.expected, comparison.actual) == (
        "t06_gpb_basic_economic", row, Decimal(printed), Decimal(printed),
    )  # fmt: skip
    wrong = run_document_checks(_restated(putuo, topic, "1000.00"))["narrative_consistency"]
    (finding,) = [f for f in wrong.findings if f.column == topic]
    assert (finding.severity, finding.row, finding.expected, finding.actual) == (
        ERROR, row, printed, "1000",
    )  # fmt: skip
    assert "narrative p.23 states 1000.00万元" in finding.rule
    assert "table p.16" in finding.rule


def test_a_table_the_contents_lists_and_the_body_lacks(tmp_path, putuo):
    """The real file without its 三公 table's page (p18): the 目录 still lists it."""
    reader, writer = pypdf.PdfReader(str(PUTUO)), pypdf.PdfWriter()
    for number, page in enumerate(reader.pages, start=1):
        if number != 18:
            writer.add_page(page)
    writer.write(tmp_path / "short.pdf")
    doc = extract_document(tmp_path / "short.pdf").doc
    assert "t07_three_public" not in doc["tables"]
    completeness = run_document_checks(doc)["completeness"]
    (finding,) = [f for f in completeness.findings if f.table == "t07_three_public"]
    assert (finding.severity, finding.actual) == (ERROR, "missing")
    assert finding.rule == "a table listed in 目录 p.2 is printed"
    assert finding.row == "财政拨款“三公”经费支出决算表"


def test_a_share_one_unit_off_is_a_rounding_warning_not_an_error(swu):
    outcome = run_document_checks(swu)["narrative_consistency"]
    (finding,) = outcome.findings
    assert (finding.row, finding.expected, finding.actual, finding.severity) == (
        "科学技术支出", "0.55", "0.56", WARN)  # fmt: skip


def test_a_heading_naming_another_year_or_body_is_a_warning():
    """A 说明 heading copied from last year's document, a title naming another body."""
    pages = [(21, ["第三部分上海市普陀区财政局2023年度部门决算情况说明", "与2023年度相比，…"])]
    titles = [(6, "上海市普陀区商务委员会收入支出决算总表"), (8, "收入决算表")]
    found = disagreeing_headings(pages, titles, "上海市普陀区财政局", 2024)
    assert found == [
        {"page": 21, "text": "第三部分上海市普陀区财政局2023年度部门决算情况说明", "year": 2023},
        {"page": 6, "text": "上海市普陀区商务委员会收入支出决算总表",
         "department": "上海市普陀区商务委员会"},
    ]  # fmt: skip
    doc = {"department": "上海市普陀区财政局", "fiscal_year": 2024, "unit": "万元",
           "layout": "unknown", "tables": {}, "disagreeing_headings": found}  # fmt: skip
    findings = run_document_checks(doc)["completeness"].findings
    assert [(f.row, f.column, f.expected, f.actual, f.severity) for f in findings] == [
        ("第三部分上海市普陀区财政局2023年度部门决算情况说明", "p.21", "2024", "2023", WARN),
        ("上海市普陀区商务委员会收入支出决算总表", "p.6", "上海市普陀区财政局",
         "上海市普陀区商务委员会", WARN),
    ]  # fmt: skip


# -- plan against spending, through the views ---------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from pipelines.cli import main

    path = tmp_path_factory.mktemp("final") / "w.duckdb"
    pdfs = [PUTUO, SWU, REAL / "swu_2023_budget.pdf"]
    assert main(["load", *map(str, pdfs), "--warehouse", str(path)]) == 0
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def test_the_final_accounts_totals_come_back_through_the_views(warehouse):
    summary = warehouse.execute(
        "select side, item, amount_wan from v_budget_summary where stage = 'final' "
        "and department = '上海市普陀区财政局' and is_total order by all"
    ).fetchall()
    assert {(side, item): wan for side, item, wan in summary} == {
        ("expenditure", "本年支出合计"): Decimal("2940.05"),
        ("expenditure", "总计"): Decimal("2995.39"),
        ("income", "本年收入合计"): Decimal("2946.25"),
        ("income", "总计"): Decimal("2995.39"),
    }
    spending = warehouse.execute(
        "select column_name, amount_wan from v_table_total where stage = 'final' "
        "and department = '上海市普陀区财政局' and table_key = 't05_gpb_function' order by all"
    ).fetchall()
    assert dict(spending) == {
        "合计": Decimal("2940.05"), "基本支出": Decimal("2336.91"), "项目支出": Decimal("603.14")
    }  # fmt: skip


def test_budget_vs_actual(warehouse):
    rows = {
        (department, measure, code): (budget, actual, pct, source)
        for department, measure, code, budget, actual, pct, source in warehouse.execute(
            "select department, measure, code, budget_yuan, actual_yuan, execution_pct, "
            "budget_source from v_budget_vs_actual"
        ).fetchall()
    }
    wan = Decimal(10000)
    # stated in the 决算's 说明 (p21): 年初预算 2993.92, 支出决算 2940.05, 完成 98.20%
    assert rows["上海市普陀区财政局", "gp_appropriation_total", None] == (
        Decimal("2993.92") * wan, Decimal("2940.05") * wan, Decimal("98.20"),
        "final accounts statement")  # fmt: skip
    # each per-项 statement (p22): 行政运行 年初预算 1560.05, 支出决算 1511.89
    assert rows["上海市普陀区财政局", "function_item", "2010601"][:2] == (
        Decimal("1560.05") * wan, Decimal("1511.89") * wan)  # fmt: skip
    stated = [k for k, v in rows.items() if k[1] == "function_item" and v[3] and k[0] != "西南大学"]
    assert len(stated) == 11
    # its 三公 table (p18): 预算数 0.95, 决算数 blank
    assert rows["上海市普陀区财政局", "three_public_three_public_total", None] == (
        Decimal("0.95") * wan, Decimal("0"), Decimal("0"), "final accounts table")  # fmt: skip
    # the university's 预算 (p7) against its 决算 (p9): 468,779.07 against 457,676.75
    assert rows["西南大学", "expenditure_total", None][:2] == (
        Decimal("468779.07") * wan, Decimal("457676.75") * wan)  # fmt: skip
    assert rows["西南大学", "expenditure_total", None][3] == "budget document"
