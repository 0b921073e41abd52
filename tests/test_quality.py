"""Pure data-quality checks against the seed's ground truth and perturbed copies of it.

Over 400 lines: one section per rule, each perturbing the same seed truth.
"""

import copy
import json
from decimal import Decimal

import pytest

from pipelines import quality
from pipelines.budget_doc import PUBLISHED_TABLES
from pipelines.doc_reader import BudgetDoc
from pipelines.quality.markdown import findings_markdown
from pipelines.warehouse.findings import finding_rows
from tests.inputs import FIXTURES, SAMPLES
from tests.warehouse_helpers import read_doc


@pytest.fixture(scope="module")
def seed_doc() -> dict:
    return read_doc()


@pytest.fixture
def doc(seed_doc) -> dict:
    return copy.deepcopy(seed_doc)


def _offending(outcome: quality.CheckOutcome) -> set[tuple]:
    return {(f.severity, f.table, f.row, f.column) for f in outcome.findings}


def _set_value(doc, table, label, column, amount):
    t = doc["tables"][table]
    j = t["columns"].index(column)
    for row in t["rows"]:
        if label in (row.get("code"), row.get("name"), row.get("item")):
            row["values"][j] = amount
            return
    raise KeyError(label)


def _relabel(doc, table, label, **fields):
    row = next(
        r
        for r in doc["tables"][table]["rows"]
        if label in (r.get("code"), r.get("name"), r.get("item"))
    )
    row.update(fields)


def _set_item(doc, table, side, item, amount):
    for row in doc["tables"][table][side]:
        if row["item"] == item:
            row["amount"] = amount
            return
    raise KeyError(item)


# -- the seed: everything holds except the published 0.01 tails ---------------------------

SEED_TAILS = {
    ("WARN", "t01_summary", "expenditure: 本年支出合计", "amount"),
    ("WARN", "t04_fiscal_summary", "expenditure: 本年支出合计", "amount"),
    ("WARN", "t02_income", "合计", "合计"),
    ("WARN", "t02_income", "合计", "一般公共预算"),
    ("WARN", "t03_expenditure", "合计", "合计"),
    ("WARN", "t03_expenditure", "合计", "基本支出"),
    ("WARN", "t05_gpb_function", "合计", "小计"),
    ("WARN", "t05_gpb_function", "合计", "基本支出"),
    ("WARN", "t06_gpb_basic_economic", "合计", "预算"),
    ("WARN", "t11_basic_by_unit", "广州市人力资源和社会保障数据服务中心", "总计"),
    ("WARN", "t11_basic_by_unit", "广州市人力资源和社会保障数据服务中心", "合计"),
    ("WARN", "t11_basic_by_unit", "广州市人力资源和社会保障数据服务中心", "一般公共预算"),
}


def test_seed_passes_but_for_the_known_rounding_tails(seed_doc):
    outcomes = quality.run_document_checks(seed_doc)
    assert set(outcomes) == {
        "completeness",
        "balance",
        "hierarchy",
        "row_identity",
        "cross_table",
        "narrative_consistency",
    }
    assert outcomes["completeness"].passed
    assert outcomes["row_identity"].passed
    assert outcomes["cross_table"].passed
    assert outcomes["balance"].severity == quality.WARN
    assert outcomes["hierarchy"].severity == quality.WARN
    found = set().union(*(_offending(o) for o in outcomes.values()))
    assert found == SEED_TAILS
    for outcome in outcomes.values():
        for f in outcome.findings:
            assert abs(f.difference) == Decimal("0.01")


def test_seed_compares_the_documented_totals(seed_doc):
    cross = quality.check_cross_table(seed_doc)
    rules = {c.rule for c in cross.comparisons}
    assert {
        "t03 合计 = t01 支出合计",
        "t05 合计 = t04 收入 一般公共预算",
        "t06 合计 = t05 合计 基本支出",
        "t10 合计 = t05 合计 项目支出",
        "Σ t12 projects (一般公共预算) = t10 合计",
        "三公 = 出国 + 公务用车 + 接待",
        "公务用车 = 购置 + 运行",
    } <= rules
    assert len(BudgetDoc.of(seed_doc).project_rows()) == 22
    balance = quality.check_balance(seed_doc)
    assert [(c.table, c.expected, c.actual) for c in balance.headline] == [
        ("t01_summary", Decimal("13004.92"), Decimal("13004.92")),
        ("t04_fiscal_summary", Decimal("13004.92"), Decimal("13004.92")),
    ]


# -- each check fails on a perturbed copy, naming exactly the offending rows ----------------


def test_balance_fails_when_income_and_expenditure_totals_differ(doc):
    _set_item(doc, "t01_summary", "income", "收入总计", "13104.92")
    outcome = quality.check_balance(doc)
    assert outcome.severity == quality.ERROR
    errors = {
        (f.table, f.row, f.expected, f.actual)
        for f in outcome.findings
        if f.severity == quality.ERROR
    }
    assert errors == {
        ("t01_summary", "收入总计 | 支出总计", "13104.92", "13004.92"),
        ("t01_summary", "income: 收入总计", "13004.92", "13104.92"),
    }
    assert "13104.92" in findings_markdown(finding_rows(outcome))


def test_balance_reports_a_missing_total(doc):
    doc["tables"]["t04_fiscal_summary"]["expenditure"] = [
        i for i in doc["tables"]["t04_fiscal_summary"]["expenditure"] if i["item"] != "支出总计"
    ]
    outcome = quality.check_balance(doc)
    assert ("ERROR", "t04_fiscal_summary", "expenditure: 支出总计", "amount") in _offending(outcome)


def test_hierarchy_fails_when_a_xiang_does_not_add_up_to_its_kuan(doc):
    # +10 on 2080104 in both 小计 and 基本支出: the row itself stays consistent
    _set_value(doc, "t05_gpb_function", "2080104", "小计", "9475.18")
    _set_value(doc, "t05_gpb_function", "2080104", "基本支出", "2249.36")
    outcome = quality.check_hierarchy(doc)
    errors = {
        (f.table, f.row, f.column, f.rule, f.expected, f.actual)
        for f in outcome.findings
        if f.severity == quality.ERROR
    }
    assert errors == {
        (
            "t05_gpb_function",
            "20801 人力资源和社会保障管理事务",
            "小计",
            "款 = Σ 项",
            "11867.07",
            "11857.07",
        ),
        (
            "t05_gpb_function",
            "20801 人力资源和社会保障管理事务",
            "基本支出",
            "款 = Σ 项",
            "2249.36",
            "2239.36",
        ),
    }
    assert quality.check_row_identity(doc).passed


def test_hierarchy_fails_on_an_economic_class(doc):
    _set_value(doc, "t10_gpb_project_economic", "31007", "预算", "2303.56")
    outcome = quality.check_hierarchy(doc)
    errors = {(f.table, f.row) for f in outcome.findings if f.severity == quality.ERROR}
    assert errors == {("t10_gpb_project_economic", "310 资本性支出")}


def test_hierarchy_names_a_table_glued_onto_another_instead_of_summing_both(doc):
    """A title at the foot of a page once glued the 机关运行经费 table (合计 48.00, 302 of
    36.00 + 12.00) under t06 (js_npc_2017 p18→19): each code repeated is one ERROR naming
    its rows, and neither copy is summed with the other's children."""
    doc["tables"]["t06_gpb_basic_economic"]["rows"] += [
        {"code": None, "name": "合计", "values": ["48.00"]},
        {"code": "302", "name": "商品和服务支出", "values": ["48.00"]},
        {"code": "30201", "name": "办公费", "values": ["36.00"]},
        {"code": "30202", "name": "印刷费", "values": ["12.00"]},
    ]
    outcome = quality.check_hierarchy(doc)
    t06 = {
        (f.severity, f.row, f.rule, f.actual)
        for f in outcome.findings
        if f.table == "t06_gpb_basic_economic"
    }
    rule = "each code and 合计 printed once"
    assert t06 == {
        ("ERROR", "合计", rule, "rows 1, 37"),
        ("ERROR", "302 商品和服务支出", rule, "rows 12, 38"),
        ("ERROR", "30201 办公费", rule, "rows 13, 39"),
        ("ERROR", "30202 印刷费", rule, "rows 14, 40"),
    }
    summed = {c.row for c in outcome.comparisons if c.table == "t06_gpb_basic_economic"}
    assert summed == {"301 工资福利支出", "303 对个人和家庭的补助", "310 资本性支出"}


def test_row_identity_fails_when_a_total_column_is_not_the_sum_of_its_leaves(doc):
    _set_value(doc, "t03_expenditure", "2080108", "基本支出", "1.00")
    outcome = quality.check_row_identity(doc)
    assert {
        (f.severity, f.table, f.row, f.column, f.expected, f.actual) for f in outcome.findings
    } == {
        ("ERROR", "t03_expenditure", "2080108 信息化建设", "合计", "2392.89", "2391.89"),
    }


def test_row_identity_checks_the_fiscal_subtotal_of_t12(doc):
    _set_value(doc, "t12_projects", "机构运行辅助经费", "合计", "40.75")
    outcome = quality.check_row_identity(doc)
    assert _offending(outcome) == {("ERROR", "t12_projects", "机构运行辅助经费", "合计")}


def test_cross_table_fails_when_t06_disagrees_with_basic_expenditure(doc):
    _set_value(doc, "t06_gpb_basic_economic", "合计", "预算", "3397.21")
    outcome = quality.check_cross_table(doc)
    assert {(f.table, f.rule, f.expected, f.actual) for f in outcome.findings} == {
        ("t06_gpb_basic_economic", "t06 合计 = t05 合计 基本支出", "3387.21", "3397.21"),
    }
    assert outcome.severity == quality.ERROR


def test_cross_table_fails_when_projects_do_not_add_up_to_t10(doc):
    _set_value(doc, "t12_projects", "机构运行辅助经费", "一般公共预算", "49.75")
    outcome = quality.check_cross_table(doc)
    assert {f.rule for f in outcome.findings} == {"Σ t12 projects (一般公共预算) = t10 合计"}


def test_cross_table_checks_the_three_public_expenses(doc):
    for column in ("合计", "一般公共预算"):
        _set_value(doc, "t07_three_public", "1.公务用车购置", column, "25.00")
    outcome = quality.check_cross_table(doc)
    assert {(f.table, f.row, f.column, f.rule) for f in outcome.findings} == {
        ("t07_three_public", "(二)公务用车购置及运行维护支出", "合计", "公务用车 = 购置 + 运行"),
        (
            "t07_three_public",
            "(二)公务用车购置及运行维护支出",
            "一般公共预算",
            "公务用车 = 购置 + 运行",
        ),
    }


def test_completeness_fails_on_a_missing_table_and_a_short_row(doc):
    del doc["tables"]["t09_state_capital"]
    doc["tables"]["t06_gpb_basic_economic"]["rows"][3]["values"] = []
    outcome = quality.check_completeness(doc)
    assert outcome.severity == quality.ERROR
    assert {(f.table, f.row, f.rule) for f in outcome.findings} == {
        ("t09_state_capital", "", "table present"),
        ("t06_gpb_basic_economic", "30102 津贴补贴", "one value per column"),
    }
    # the other checks skip what is missing instead of crashing
    for outcome in quality.run_document_checks(doc).values():
        assert outcome.name


# -- an amount without a label is never silently a fact -----------------------------------


def _unlabelled(outcome: quality.CheckOutcome) -> set[tuple]:
    return {
        (f.severity, f.table, f.row, f.column, f.actual)
        for f in outcome.findings
        if f.rule == "every amount has a label"
    }


def test_a_stray_amount_on_both_sides_of_the_summary_is_an_error():
    """The Shanghai case: `189,767,551.46` alone on a row of 财务收支预算总表 (元) came out
    as an item "" on both sides."""
    doc = json.loads((SAMPLES / "gz_edu_bureau_2024.json").read_text(encoding="utf-8"))
    t01 = doc["tables"]["t01_summary"]
    for side in ("income", "expenditure"):
        t01[side].insert(3, {"item": "", "amount": "189767551.46"})
    outcome = quality.check_completeness(doc)
    assert outcome.severity == quality.ERROR
    assert _unlabelled(outcome) == {
        ("ERROR", "t01_summary", "income: row 4 (below 三、其他资金)", "amount", "189767551.46"),
        (
            "ERROR",
            "t01_summary",
            "expenditure: row 4 (below 三、国防支出)",
            "amount",
            "189767551.46",
        ),
    }
    assert "189767551.46" in findings_markdown(finding_rows(outcome))


def test_a_blanked_label_in_each_kind_of_table_is_an_error(doc):
    """A coded row with neither code nor name, a 三公 item, a project and a generic row
    with an empty label: each printed amount is named, blank cells are not."""
    _relabel(doc, "t05_gpb_function", "2080108", code=None, name="")
    _relabel(doc, "t07_three_public", "“三公”经费", item="")
    _relabel(doc, "t12_projects", "机构运行辅助经费", name="")
    doc["extra_tables"] = [
        {
            "title": "政府采购预算表",
            "columns": ["金额"],
            "rows": [{"label": "合计", "values": ["12.00"]}, {"label": "", "values": ["12.00"]}],
        }
    ]
    doc["tables"]["t06_gpb_basic_economic"]["rows"].append(
        {"code": None, "name": "", "values": [None]}  # an empty ruled line: nothing to place
    )
    found: dict[tuple, list] = {}
    for _, table, row, column, amount in sorted(_unlabelled(quality.check_completeness(doc))):
        found.setdefault((table, row), []).append((column, amount))
    assert found == {
        ("t05_gpb_function", "row 5 (below 2080104 综合业务管理)"): [
            ("基本支出", "0.00"),
            ("小计", "2391.89"),
            ("项目支出", "2391.89"),
        ],
        ("t07_three_public", "row 2 (below 行政经费)"): [
            ("一般公共预算", "32.80"),
            ("合计", "32.80"),
            ("国有资本经营预算", "0.00"),
            ("政府性基金预算", "0.00"),
        ],
        ("t12_projects", "row 15 (below 市人社数据服务中心房屋维护维修经费)"): [
            ("一般公共预算", "39.75"),
            ("其他资金", "0.00"),
            ("合计", "39.75"),
            ("国有资本经营预算", "0.00"),
            ("总计", "39.75"),
            ("政府性基金预算", "0.00"),
            ("财政专户拨款", "0.00"),
        ],
        ("extra table 政府采购预算表", "row 2 (below 合计)"): [("金额", "12.00")],
    }


def test_no_truth_has_an_unlabelled_amount():
    for truth in _sample_truths():
        doc = json.loads(truth.read_text(encoding="utf-8"))
        assert not _unlabelled(quality.check_completeness(doc)), truth.name


def test_checks_survive_an_empty_document():
    outcomes = quality.run_document_checks({"format": "budget-doc/1", "tables": {}})
    assert len(outcomes["completeness"].findings) == 3 + len(PUBLISHED_TABLES["guangzhou"])
    assert not _unlabelled(outcomes["completeness"])
    assert all(o.passed for n, o in outcomes.items() if n != "completeness")


# -- synthetic samples with truth next to them --------------------------------------------


def _sample_truths():
    return sorted(SAMPLES.glob("*.json")) if SAMPLES.is_dir() else []


@pytest.mark.parametrize("truth", _sample_truths(), ids=lambda p: p.stem)
def test_sample_truths_have_no_errors(truth):
    doc = json.loads(truth.read_text(encoding="utf-8"))
    for outcome in quality.run_document_checks(doc).values():
        assert outcome.severity != quality.ERROR, findings_markdown(finding_rows(outcome))


# -- the broken fixtures' truth: each fails exactly where it was broken --------------------


def test_broken_balance_truth_fails_balance_on_t01():
    doc = json.loads((FIXTURES / "broken_balance.json").read_text(encoding="utf-8"))
    outcomes = quality.run_document_checks(doc)
    assert outcomes["balance"].severity == quality.ERROR
    assert {(f.table, f.row, f.difference) for f in outcomes["balance"].findings} == {
        ("t01_summary", "收入总计 | 支出总计", Decimal("-100.00")),
        ("t01_summary", "income: 收入总计", Decimal("100.00")),
    }
    assert outcomes["hierarchy"].passed and outcomes["row_identity"].passed


def test_broken_hierarchy_truth_fails_hierarchy_on_t03_class_201():
    doc = json.loads((FIXTURES / "broken_hierarchy.json").read_text(encoding="utf-8"))
    outcomes = quality.run_document_checks(doc)
    assert outcomes["hierarchy"].severity == quality.ERROR
    assert {(f.table, f.row, f.column, f.rule) for f in outcomes["hierarchy"].findings} == {
        ("t03_expenditure", "合计", "合计", "合计 = Σ 类"),
        ("t03_expenditure", "合计", "基本支出", "合计 = Σ 类"),
        ("t03_expenditure", "201 一般公共服务支出", "合计", "类 = Σ 款"),
        ("t03_expenditure", "201 一般公共服务支出", "基本支出", "类 = Σ 款"),
    }
    assert outcomes["balance"].passed and outcomes["row_identity"].passed
    assert outcomes["cross_table"].passed
