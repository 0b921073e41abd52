"""The Ministry of Finance's nine-table template (部门收支总表 … 国有资本经营预算支出表), which
中央部门 and the provinces that follow it print: every title read as its standard table, and
a budget rendered under those titles extracted cell for cell (tests/test_extraction.py), with
its layout named and every check passing."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.batch import load_batch
from pipelines.budget_doc import PUBLISHED_TABLES
from pipelines.extraction.titles import department_in_title, layout_of_title, table_key_for_title
from pipelines.quality import check_completeness
from pipelines.warehouse.connection import connect
from tests.fixtures.render.xlsx_layout import NATIONAL_TITLES
from tests.inputs import extracted

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "national_template_2024.pdf"
TABLE_NUMBER = {key: n for n, key in enumerate(NATIONAL_TITLES, start=1)}


@pytest.mark.parametrize("key", NATIONAL_TITLES)
def test_each_template_title_names_its_table(key):
    title = NATIONAL_TITLES[key]
    for printed in (title, f"2024年{title}", f"表{TABLE_NUMBER[key]} {title}", f"三、{title}"):
        assert (table_key_for_title(printed), layout_of_title(printed)) == (key, "national")
    assert department_in_title(f"示范市自然资源局{title}") == "示范市自然资源局"


def test_unit_budgets_and_quote_styles_of_the_template():
    assert table_key_for_title("单位收支总表") == "t01_summary"
    assert table_key_for_title("预算单位支出总表") == "t03_expenditure"
    for quoted in ('一般公共预算"三公"经费支出表', "一般公共预算三公经费支出表"):
        assert table_key_for_title(quoted) == "t07_three_public"
    for named, key in (
        ("一般公共预算财政拨款支出表", "t05_gpb_function"),
        ("一般公共预算财政拨款基本支出表", "t06_gpb_basic_economic"),
        ("一般公共预算财政拨款“三公”经费支出表", "t07_three_public"),
        ("政府性基金预算财政拨款支出表", "t08_gov_fund"),
        ("国有资本经营预算财政拨款支出表", "t09_state_capital"),
    ):  # the appropriation (财政拨款) named in the title
        assert (table_key_for_title(named), layout_of_title(named)) == (key, "national")
    for named in (
        "一般公共预算“三公”经费支出预算表",
        "财政拨款“三公”经费预算表",
        "“三公”经费预算表",
    ):
        assert table_key_for_title(named) == "t07_three_public"  # 三公 tables of other years
    assert layout_of_title("财政拨款安排的行政经费及“三公”经费预算表") == "guangzhou"
    # the longer titles of other layouts still win over the template's shorter ones
    assert table_key_for_title("财政拨款收支总表") == "t04_fiscal_summary"
    assert layout_of_title("收支预算总表") == "jiangsu"


def test_a_template_budget_loads_with_every_check_passing(tmp_path):
    extraction = extracted(FIXTURE)
    assert extraction.doc["layout"] == "national"
    assert set(extraction.table_pages) == set(NATIONAL_TITLES)  # all nine printed
    assert set(PUBLISHED_TABLES["national"]) == set(NATIONAL_TITLES) - {"t09_state_capital"}
    assert extraction.warnings == []
    con = connect(tmp_path / "w.duckdb")
    (result,) = load_batch([FIXTURE], con, workers=1)
    assert result.status == "loaded" and result.failed_checks == {}
    truth = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))
    (income_total,) = [
        line["amount"]
        for line in truth["tables"]["t01_summary"]["income"]
        if line["item"] == "收入总计"
    ]
    assert truth["unit"] == "万元"
    stored = con.execute(
        "select amount_wan from v_budget_summary where table_key = 't01_summary' "
        "and item = '收入总计'"
    ).fetchone()[0]
    assert stored == Decimal(income_total)


def test_a_template_budget_without_its_state_capital_table_is_complete():
    """Earlier editions of the template print no 国有资本经营预算支出表: not a missing table."""
    truth = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))
    del truth["tables"]["t09_state_capital"]
    assert check_completeness(truth).passed
    del truth["tables"]["t08_gov_fund"]
    (finding,) = check_completeness(truth).findings
    assert (finding.table, finding.actual) == ("t08_gov_fund", "missing")
