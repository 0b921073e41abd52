"""The writer checks across stages: year over year compares final accounts with last year's
final accounts, and a final account's stated 年初预算 is set against its loaded budget."""

from decimal import Decimal

from pipelines.batch import check_rows, write_rows
from pipelines.budget_doc import (
    BUDGET_STAGE,
    FINAL_STAGE,
)
from pipelines.quality.year_over_year import judged_again_text
from pipelines.warehouse.load import document_rows, load_document
from pipelines.warehouse.sql_files import read_sql
from tests.stage_documents import (
    THREE_PUBLIC_EXTRA,
    budget,
    final_accounts,
)
from tests.warehouse_helpers import (
    facts_by,
    make_extraction,
    warehouse,
)

FACTS_BY_STAGE = facts_by("stage")
INCOME_TOTAL = (
    "select stage, amount_wan from v_budget_summary "
    "where table_key = 't01_summary' and item = '收入总计' order by all"
)


# --- year over year ---------------------------------------------------------------


def _stating(doc: dict, income_change: str) -> dict:
    """`doc` whose narrative states its income total changed by `income_change` 万元."""
    doc["narrative_figures"] = [
        {
            "topic": "income_total_change",
            "figure": income_change,
            "unit": "万元",
            "page": 3,
            "sentence": f"收入总计比上年增加{income_change}万元。",
        }
    ]
    return doc


def test_year_over_year_compares_final_accounts_with_last_years_final_accounts(tmp_path):
    """2022: budget 13004.92 万元, final accounts 13105.17; 2023: budget 13004.92 (stated
    change 0: against the 2022 budget), final accounts 13404.92 (stated change 299.75:
    against the 2022 final accounts; against the 2022 budget it would be 400)."""
    con = warehouse(tmp_path)

    def write(doc: dict, name: str):
        report, checks, rechecked = write_rows(con, document_rows(make_extraction(doc, name)), [])
        return report, checks["year_over_year"], rechecked

    _, first, _ = write(_stating(final_accounts(2023), "299.75"), "final_2023.pdf")
    assert first.passed and first.description.endswith("no previous year in the warehouse")
    _, plan, _ = write(_stating(budget(2023), "0"), "budget_2023.pdf")
    assert plan.description.endswith("no previous year in the warehouse")

    # the 2022 budget judges the 2023 budget again, never the 2023 final accounts
    report, _, rechecked = write(budget(2022), "budget_2022.pdf")
    ((later, outcome),) = rechecked
    assert (later.fiscal_year, later.stage) == (2023, BUDGET_STAGE)
    assert outcome.passed
    assert [(c.column, c.expected) for c in outcome.comparisons] == [
        ("income_total_change", Decimal("0"))
    ]

    # the 2022 final accounts judge the 2023 final accounts: 13404.92 − 13105.17
    report, _, rechecked = write(final_accounts(2022, Decimal("100.25")), "final_2022.pdf")
    ((later, final_outcome),) = rechecked
    assert (later.fiscal_year, later.stage) == (2023, FINAL_STAGE)
    assert final_outcome.passed
    assert [(c.column, c.expected) for c in final_outcome.comparisons] == [
        ("income_total_change", Decimal("299.75"))
    ]
    # each stored result is the one judged again, kept apart by stage
    assert con.execute(
        "select stage, passed, detail from dq_check_result "
        "where fiscal_year = 2023 and check_name = 'year_over_year' order by all"
    ).fetchall() == [
        ("budget", True, check_rows({"year_over_year": outcome})[0]["detail"]),
        ("final", True, check_rows({"year_over_year": final_outcome})[0]["detail"]),
    ]

    # loaded again, the final accounts are judged against the 2022 final accounts only
    _, again, _ = write(_stating(final_accounts(2023), "299.75"), "final_2023.pdf")
    assert again.passed and [c.expected for c in again.comparisons] == [Decimal("299.75")]
    _, wrong, _ = write(_stating(final_accounts(2023), "399.75"), "final_2023_v2.pdf")
    assert [(f.column, f.expected, f.actual) for f in wrong.findings] == [
        ("income_total_change", "299.75", "399.75")
    ]


# --- a final account's stated 年初预算 against its budget ------------------------------

ITEM = "社会保障和就业支出/人力资源和社会保障管理事务/{}"


def _stating_budgets(doc: dict, overall: str, business: str) -> dict:
    """`doc` whose 说明 states the 一般公共预算财政拨款 年初预算 `overall` 万元, 综合业务管理's
    `business`, 信息化建设's 2391.89 (as the seed's t05 prints) and a 项 its tables lack."""
    statements = [
        ("gp_appropriation_budget", overall, None),
        ("item_budget", business, ITEM.format("综合业务管理")),
        ("item_budget", "2391.89", ITEM.format("信息化建设")),
        ("item_budget", "5.00", ITEM.format("就业补助")),
    ]
    doc["narrative_figures"] = [
        {
            "topic": topic,
            "figure": figure,
            "unit": "万元",
            "page": 4,
            "sentence": f"年初预算为{figure}万元。",
            "subject": subject,
        }
        for topic, figure, subject in statements
    ]
    return doc


def test_a_final_accounts_stated_budget_is_set_against_the_loaded_budget(tmp_path):
    """The seed's t05 prints 合计 13004.92, 2080104 综合业务管理 9465.18, 2080108 信息化建设
    2391.89: a 决算 stating 9400.00 for 综合业务管理 disagrees with the budget (a WARN naming
    both figures and pages: two publications disagree, neither is the parser's to blame); the
    budget loaded after the 决算 judges it again; a 项 not in the 决算's tables is left out."""
    con = warehouse(tmp_path)

    def write(doc: dict, name: str):
        report, checks, rechecked = write_rows(con, document_rows(make_extraction(doc, name)), [])
        return checks["final_vs_budget"], rechecked

    alone, _ = write(_stating_budgets(final_accounts(), "13004.92", "9400.00"), "final.pdf")
    assert alone.passed and alone.description.endswith("no budget of that year in the warehouse")

    plan, rechecked = write(budget(), "budget.pdf")
    assert plan.passed and plan.description.endswith("its final accounts are set against it")
    ((final, outcome),) = rechecked
    assert (final.fiscal_year, final.stage) == (2023, FINAL_STAGE)
    assert [(c.row, c.expected, c.actual) for c in outcome.comparisons] == [
        ("合计", Decimal("13004.92"), Decimal("13004.92")),
        (f"2080104 {ITEM.format('综合业务管理')}", Decimal("9465.18"), Decimal("9400.00")),
        (f"2080108 {ITEM.format('信息化建设')}", Decimal("2391.89"), Decimal("2391.89")),
    ]
    (finding,) = outcome.findings
    assert (finding.severity, finding.kind, finding.expected, finding.actual) == (
        "WARN", "unverified", "9465.18", "9400",
    )  # fmt: skip
    assert "narrative p.4 states 9400万元" in finding.rule and "table p." in finding.rule
    assert judged_again_text(rechecked) == " — 2023 决算 final_vs_budget judged again: WARN"
    assert con.execute(
        "select severity, passed from dq_check_result "
        "where stage = 'final' and check_name = 'final_vs_budget'"
    ).fetchall() == [("WARN", False)]

    corrected, _ = write(_stating_budgets(final_accounts(), "13004.92", "9465.18"), "final_2.pdf")
    assert corrected.passed and len(corrected.comparisons) == 3


def test_v_year_over_year_pairs_a_stage_with_its_own_previous_year(tmp_path):
    con = warehouse(tmp_path)
    for doc, name in (
        (budget(2022), "b22.pdf"),
        (final_accounts(2022, Decimal("100.25")), "f22.pdf"),
        (budget(2023), "b23.pdf"),
        (final_accounts(2023), "f23.pdf"),
    ):
        load_document(con, make_extraction(doc, name))
    rows = con.execute(
        "select fiscal_year, stage, this_year_wan, last_year_wan, change_wan "
        "from v_year_over_year where category = 'three_public_total' order by all"
    ).fetchall()
    three_public = Decimal("32.80")
    final = three_public + THREE_PUBLIC_EXTRA
    assert rows == [
        (2022, "budget", three_public, None, None),
        (2022, "final", final, None, None),
        (2023, "budget", three_public, three_public, Decimal("0")),
        (2023, "final", final, final, Decimal("0")),
    ]
    # the analyses compare alike, and say which stage each row is
    trend = con.execute(read_sql("analyses/three_public_trend")).fetchall()
    assert [(r[1], r[-1], r[4]) for r in trend if r[2] == "three_public_total"] == [
        (2022, "budget", None),
        (2023, "budget", 2022),
        (2022, "final", None),
        (2023, "final", 2022),
    ]
