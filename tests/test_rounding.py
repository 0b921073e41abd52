"""The `rounding` rule: a sum may miss its printed total by ½ × the last printed digit ×
the number of addends (WARN); anything larger is an ERROR.

On the seed (万元, two decimals), on a real Shanghai budget printed in whole 元, on a 元
document whose 三公 table is printed in 万元, and as a property over random sums.
"""

import copy
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines import quality
from pipelines.cleaning import printed_decimals
from pipelines.quality.markdown import findings_markdown
from pipelines.warehouse.findings import finding_rows
from tests.inputs import HRSS_PDF, REAL, extracted
from tests.warehouse_helpers import read_doc


@pytest.fixture(scope="module")
def seed() -> dict:
    return read_doc()


@pytest.fixture(scope="module")
def wanli() -> dict:
    """A real Shanghai street-office budget: every table in whole 元, 三公 in 万元."""
    return extracted(REAL / "sh_putuo_wanli_2024.pdf").doc


def _findings(outcome: quality.CheckOutcome) -> set[tuple]:
    return {
        (f.severity, f.table, f.row, f.column, f.difference, f.tolerance) for f in outcome.findings
    }


def _set(doc: dict, table: str, code: str, column: str, amount: str) -> None:
    t = doc["tables"][table]
    row = next(r for r in t["rows"] if r.get("code") == code)
    row["values"][t["columns"].index(column)] = amount


def _shift(doc: dict, table: str, code: str, column: str, delta: int) -> None:
    t = doc["tables"][table]
    row = next(r for r in t["rows"] if r.get("code") == code)
    j = t["columns"].index(column)
    row["values"][j] = str(Decimal(row["values"][j]) + delta)


@pytest.mark.parametrize(
    ("step", "addends", "tolerance"),
    [("0.01", 1, "0.005"), ("0.01", 3, "0.015"), ("1", 2, "1"), ("1", 7, "3.5"), ("1", 0, "0.5")],
)
def test_tolerance_is_half_the_last_digit_per_addend(step, addends, tolerance):
    assert quality.rounding_tolerance(Decimal(step), addends) == Decimal(tolerance)


@pytest.mark.real
def test_last_printed_digit_is_read_off_the_amounts(seed, wanli):
    assert quality.printed_steps(seed) == {"万元": Decimal("0.01")}
    # Shanghai prints 元 without cents; its 三公 table (47.91 万元) has two decimals.
    assert quality.printed_steps(wanli) == {"元": Decimal("1"), "万元": Decimal("0.01")}
    # One amount with cents is enough: that unit was printed to the cent.
    doc = copy.deepcopy(wanli)
    _set(doc, "t05_gpb_function", "2010507", "项目支出", "257700.55")
    assert quality.printed_steps(doc)["元"] == Decimal("0.01")
    _set(doc, "t05_gpb_function", "2010507", "项目支出", "257700.50")  # printed 257700.5
    assert quality.printed_steps(doc)["元"] == Decimal("0.1")


def test_seed_tails_state_their_tolerance(seed):
    """3387.21 against 3387.22 over the four 类 of t06: ½ × 0.01 × 4."""
    hierarchy = quality.check_hierarchy(seed)
    t06 = [f for f in hierarchy.findings if f.table == "t06_gpb_basic_economic"]
    assert [(f.severity, f.kind, f.expected, f.actual, f.tolerance) for f in t06] == [
        ("WARN", "rounding", "3387.22", "3387.21", "½ × 0.01 × 4 = 0.02")
    ]
    assert (
        "| WARN | t06_gpb_basic_economic | 合计 | 预算 | 合计 = Σ 类 | 3387.22 | 3387.21 | -0.01 "
        "| rounding | ½ × 0.01 × 4 = 0.02 |"
    ) in findings_markdown(finding_rows(hierarchy))


def test_the_rendered_seed_pdf_keeps_exactly_the_seed_tails(seed):
    """The same findings from the PDF as from the truth: nothing but rounding WARNs."""
    doc = extracted(HRSS_PDF).doc
    from_pdf = {n: _findings(o) for n, o in quality.run_document_checks(doc).items()}
    from_truth = {n: _findings(o) for n, o in quality.run_document_checks(seed).items()}
    assert from_pdf == from_truth
    assert {f[0] for fs in from_pdf.values() for f in fs} == {"WARN"}
    assert len(from_pdf["balance"]) == 2 and len(from_pdf["hierarchy"]) == 10


@pytest.mark.parametrize(
    ("year_total", "severity"),
    [
        ("13004.93", None),
        ("13004.92", "WARN"),  # as published
        ("13004.94", "WARN"),
        ("13004.91", "ERROR"),
        ("13004.95", "ERROR"),
    ],
)
def test_a_year_total_may_miss_its_three_items_by_one_and_a_half_cents(seed, year_total, severity):
    """本年支出合计 = 12203.40 + 0.28 + 801.25 (the 0.00 lines add no rounding)."""
    doc = copy.deepcopy(seed)
    item = next(
        i for i in doc["tables"]["t01_summary"]["expenditure"] if i["item"] == "本年支出合计"
    )
    item["amount"] = year_total
    (c,) = [
        c
        for c in quality.check_balance(doc).comparisons
        if c.table == "t01_summary" and c.row == "expenditure: 本年支出合计"
    ]
    assert (c.addends, c.tolerance, c.severity) == (3, Decimal("0.015"), severity)


@pytest.mark.parametrize(("spend", "severity"), [("13004.92", None), ("13004.93", "ERROR")])
def test_two_printed_totals_of_one_figure_must_agree_exactly(seed, spend, severity):
    """收入总计 = 支出总计 compares one amount with one: ½ × 0.01 × 1 admits no 0.01."""
    doc = copy.deepcopy(seed)
    item = next(i for i in doc["tables"]["t01_summary"]["expenditure"] if i["item"] == "支出总计")
    item["amount"] = spend
    assert quality.check_balance(doc).headline[0].severity == severity


@pytest.mark.real
def test_one_yuan_in_a_whole_yuan_table_is_a_rounding_tail(wanli):
    """201 一般公共服务支出 is printed 1 元 above its six 款 (合计 and 项目支出 alike)."""
    assert quality.check_hierarchy(wanli).passed
    doc = copy.deepcopy(wanli)
    for column in ("合计", "项目支出"):
        _shift(doc, "t05_gpb_function", "201", column, 1)
    outcome = quality.check_hierarchy(doc)
    assert outcome.severity == quality.WARN
    findings = {(f.row, f.column, f.rule, f.difference, f.tolerance) for f in outcome.findings}
    classes = sum(
        1
        for r in doc["tables"]["t05_gpb_function"]["rows"]
        if r.get("code") and len(r["code"]) == 3
    )
    half = quality.rounding_tolerance(Decimal(1), classes)
    assert findings == {
        ("201 一般公共服务支出", "合计", "类 = Σ 款", Decimal(1), "½ × 1 × 6 = 3"),
        ("201 一般公共服务支出", "项目支出", "类 = Σ 款", Decimal(1), "½ × 1 × 6 = 3"),
        ("合计", "合计", "合计 = Σ 类", Decimal(-1), f"½ × 1 × {classes} = {half}"),
        ("合计", "项目支出", "合计 = Σ 类", Decimal(-1), f"½ × 1 × {classes} = {half}"),
    }
    assert quality.check_row_identity(doc).passed


@pytest.mark.real
def test_more_than_half_a_yuan_per_addend_is_an_error(wanli):
    doc = copy.deepcopy(wanli)
    for column in ("合计", "项目支出"):
        _shift(doc, "t05_gpb_function", "201", column, 4)  # six 款 allow 3 元
    errors = {
        (f.row, f.column, f.difference)
        for f in quality.check_hierarchy(doc).findings
        if f.severity == quality.ERROR
    }
    assert errors == {
        ("201 一般公共服务支出", "合计", Decimal(4)),
        ("201 一般公共服务支出", "项目支出", Decimal(4)),
    }
    # A 款 with a single 项 has nothing to round: 1 元 off is already an ERROR.
    doc = copy.deepcopy(wanli)
    for column in ("合计", "项目支出"):
        _shift(doc, "t05_gpb_function", "20105", column, 1)
    by_row = {
        (f.row, f.rule): (f.severity, f.tolerance) for f in quality.check_hierarchy(doc).findings
    }
    assert by_row[("20105 统计信息事务", "款 = Σ 项")] == ("ERROR", "½ × 1 × 1 = 0.5")


@pytest.mark.parametrize(("purchase", "severity"), [("24.01", "WARN"), ("24.02", "ERROR")])
def test_tolerance_follows_the_coarsest_printed_unit(seed, purchase, severity):
    """A doc in 元 whose 三公 table is printed in 万元 to the cent: its last digit is
    100 元, so 公务用车 = 购置 + 运行 (two addends) allows 100 元."""
    doc = copy.deepcopy(seed)
    doc["unit"] = "元"
    doc["tables"]["t07_three_public"]["unit"] = "万元"
    t07 = doc["tables"]["t07_three_public"]
    row = next(r for r in t07["rows"] if r["item"] == "1.公务用车购置")
    row["values"][t07["columns"].index("合计")] = purchase
    (finding,) = quality.check_cross_table(doc).findings
    assert finding.severity == severity
    assert finding.tolerance == "½ × 100 × 2 = 100"
    assert finding.difference == (Decimal("-100") if severity == "WARN" else Decimal("-200"))


@given(
    parts=st.lists(st.decimals(min_value=0, max_value=10**6, places=2), min_size=1, max_size=8),
    delta_cents=st.integers(min_value=-1000, max_value=1000),
)
def test_hierarchy_severity_tracks_digit_and_addends(parts, delta_cents):
    """Amounts with cents allow ½ cent per non-zero addend; all-whole amounts ½ unit."""
    rows = [{"code": "301", "name": "类", "values": [None]}]
    rows += [
        {"code": f"301{i:02d}", "name": f"款{i}", "values": [str(p)]}
        for i, p in enumerate(parts, 1)
    ]
    total = sum(parts, Decimal(0)) + Decimal(delta_cents) / 100
    rows[0]["values"][0] = str(total)
    doc = {
        "unit": "万元",
        "tables": {"t06_gpb_basic_economic": {"columns": ["预算"], "rows": rows}},
    }
    outcome = quality.check_hierarchy(doc)
    whole = all(a == a.to_integral_value() for a in [*parts, total])
    step = Decimal(1) if whole else Decimal("0.01")
    addends = max(sum(p != 0 for p in parts), 1)
    if delta_cents == 0:
        assert outcome.passed
    else:
        within = abs(Decimal(delta_cents) / 100) <= step * addends / 2
        assert outcome.severity == ("WARN" if within else "ERROR")
        assert outcome.findings[0].row == "301 类"


@pytest.mark.parametrize(
    ("printed", "decimals"),
    [
        ("22,118,861", 0),
        ("86,959,408.34", 2),
        ("15897.44", 2),
        ("(1,234.5)", 1),
        ("204", None),  # a subject code as much as an amount: no evidence
        ("0", None),
        ("0.00", None),
        ("", None),
        ("一、基本支出", None),
    ],
)
def test_printed_decimals_reads_only_cells_that_show_their_precision(printed, decimals):
    assert printed_decimals(printed) == decimals


@pytest.fixture(scope="module")
def justice() -> dict:
    """A real Shanghai unit budget printed with cents, except a few whole-元 cells
    (p11 t03 合计 基本支出 `22,118,861` where its rows add up to 22,118,861.34)."""
    return extracted(REAL / "sh_putuo_justice_2026_unit.pdf").doc


@pytest.mark.real
def test_a_table_with_whole_yuan_cells_records_them_and_its_tails_are_warnings(justice):
    t03 = justice["tables"]["t03_expenditure"]
    assert t03["printed_decimals"] == 0
    total = next(r for r in t03["rows"] if r["name"] == "合计")
    assert total["values"] == ["86959408.34", "22118861.00", "64840547.00"]  # as printed, p12
    assert "printed_decimals" not in justice["tables"]["t04_fiscal_summary"]  # all cents
    found = _findings(quality.check_hierarchy(justice))
    tail = ("t03_expenditure", "合计", "基本支出", Decimal("-0.34"))
    assert ("WARN", *tail, "½ × 1 × 4 = 2") in found
    # The same tail in a table recorded as printed with cents is an ERROR.
    cents = copy.deepcopy(justice)
    del cents["tables"]["t03_expenditure"]["printed_decimals"]
    found = _findings(quality.check_hierarchy(cents))
    assert ("ERROR", *tail, "½ × 0.01 × 4 = 0.02") in found
