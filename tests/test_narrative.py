"""Narrative figures: extracted from the seed, the samples and real PDFs, checked against the
tables (narrative_consistency) and against the previous year (year_over_year), stored in
fact_narrative_figure and compared year on year in v_year_over_year."""

import json
from decimal import Decimal

import pytest

from pipelines.batch import load_batch
from pipelines.commands.load import file_outcome
from pipelines.extraction import extract_document
from pipelines.extraction.narrative import narrative_extension
from pipelines.quality import WARN, check_narrative_consistency
from pipelines.warehouse.connection import connect
from tests.inputs import REAL, REPO, SAMPLES, SEED, extracted
from tests.narrative_edits import procuratorate_2019_with_wrong_change, with_figure_changed


def _figures(figures: list[dict]) -> list[tuple]:
    return [(f["topic"], f["figure"], f["unit"]) for f in figures]


def _seed_doc() -> dict:
    """The seed's truth tables with the figures its narrative (第三部分, text of the PDF) states."""
    lines = next(SEED.glob("000_*.txt")).read_text(encoding="utf-8").splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("第三部分"))
    doc = json.loads((SEED / "gz_hrss_data_center_2023.json").read_text(encoding="utf-8"))
    doc["narrative_figures"] = narrative_extension([(None, lines[start:])])
    return doc


@pytest.mark.real
def test_seed_narrative_figures_all_extracted():
    assert _figures(_seed_doc()["narrative_figures"]) == [
        ("income_total", "13004.92", "万元"),
        ("income_total_change", "649.19", "万元"),
        ("income_total_change_pct", "5.3", "%"),
        ("expenditure_total", "13004.92", "万元"),
        ("expenditure_total_change", "649.19", "万元"),
        ("expenditure_total_change_pct", "5.3", "%"),
        ("three_public_total", "32.8", "万元"),
        ("three_public_total_change", "18.8", "万元"),
        ("three_public_total_change_pct", "134.3", "%"),
        ("outbound", "0", "万元"),
        ("outbound_change", "0", "万元"),
        ("vehicle_total", "31.8", "万元"),
        ("vehicle_purchase", "24", "万元"),
        ("vehicle_purchase_change", "24", "万元"),
        ("vehicle_operation", "7.8", "万元"),
        ("vehicle_operation_change", "-5.2", "万元"),
        ("reception", "1", "万元"),
        ("reception_change", "0", "万元"),
        ("reception_change_pct", "0", "%"),
        ("admin_operating", "0", "万元"),
        ("admin_operating_change", "0", "万元"),
        ("procurement_total", "9480.94", "万元"),
        ("procurement_goods", "1127.49", "万元"),
        ("procurement_works", "50.4", "万元"),
        ("procurement_services", "8303.05", "万元"),
        ("key_project", "937.70", "万元"),
        ("key_project", "1685.85", "万元"),
        ("key_project", "1663.35", "万元"),
        ("key_project", "1773.84", "万元"),
        ("key_project", "985.00", "万元"),
    ]
    names = [f["sentence"] for f in _seed_doc()["narrative_figures"][-5:]]
    assert names == [  # wrapped over two lines, split by spaces and <p> tags in the text
        "广州市人力资源和社会保障信息中心2021年运维项目",
        "广州市人力资源和社会保障数据服务中心2022年-2023年运维项目(2022)",
        "广州市人力资源和社会保障数据服务中心2022年-2023年运维项目(2023)",
        "市人社数据服务中心社保卡制发管理服务经费",
        "广州市人力资源和社会保障数据服务中心2021年就业创业专项内容信息化升级改造项目",
    ]


# Checked by eye against the seed's text: every stated figure with a table counterpart
# agrees with it (32.8 = t07 32.80, 机关运行经费 0 = t07 行政经费 0.00, 13,004.92 = t01 总计,
# each 重点项目 = its t12 总计);
# the published document disagrees with itself nowhere in its narrative.
SEED_DISAGREEMENTS: list[tuple[str, str, str]] = []


@pytest.mark.real
def test_seed_narrative_agrees_with_its_tables():
    outcome = check_narrative_consistency(_seed_doc())
    assert [(f.column, f.expected, f.actual) for f in outcome.findings] == SEED_DISAGREEMENTS
    assert len(outcome.comparisons) == 9 + 5  # + the 重点项目 against t12
    assert outcome.description.endswith(
        "within 0.5 万元; each share and completion rate its figures' own, to its decimals; "
        "stated with no table counterpart (not an error): income_total_change, "
        "expenditure_total_change, three_public_total_change, outbound_change, "
        "vehicle_purchase_change, vehicle_operation_change, "
        "reception_change, admin_operating_change, procurement_total, "
        "procurement_goods, procurement_works, procurement_services"
    )


@pytest.mark.parametrize(
    ("slug", "page", "income", "three_public", "unit"),
    [
        ("gz_edu_bureau_2024", 21, "116227645.43", "514700.00", "元"),
        ("gz_hrss_data_center_2023", 26, "13004.92", "32.80", "万元"),
        ("gz_urban_renewal_2022", 30, "19855.54", "8.08", "万元"),
        ("gz_water_works_2025", 21, "12771.48", "10.53", "万元"),
    ],
)
def test_sample_narratives(slug, page, income, three_public, unit):
    doc = extracted(SAMPLES / f"{slug}.pdf").doc
    assert [(f["topic"], f["figure"], f["unit"], f["page"]) for f in doc["narrative_figures"]] == [
        ("income_total", income, unit, page),
        ("expenditure_total", income, unit, page),
        ("three_public_total", three_public, unit, page),
    ]
    outcome = check_narrative_consistency(doc)
    assert outcome.passed and len(outcome.comparisons) == 3


# What each real PDF's narrative states, read off its text (a selection per wording).
REAL_STATED = {
    "sh_putuo_wanli_2024": [
        ("income_total", "15621.11", 6), ("fiscal_income_total_change", "-876.75", 6),
        ("three_public_total", "47.91", 32), ("three_public_total_change", "25", 32),
        ("vehicle_operation", "21.56", 32), ("admin_operating", "443.18", 32),
        ("procurement_total", "1662.44", 32), ("procurement_services", "752.59", 32),
    ],
    "sh_putuo_commerce_2025": [
        ("income_total", "37151.47", 7), ("fiscal_expenditure_total_change", "24491.71", 7),
        ("three_public_total", "1.00", 22), ("admin_operating", "171.01", 22),
        ("procurement_goods", "7.80", 22),
    ],
    "js_procuratorate_2018": [
        ("income_total", "21955.35", 23), ("income_total_change", "3958.67", 23),
        ("income_total_change_pct", "21.95", 23), ("fiscal_income_total", "21940.96", 23),
        ("outbound", "100", 28), ("admin_operating", "2722.57", 29),
        ("admin_operating_change", "-3309.98", 29), ("procurement_total", "3096.24", 30),
    ],
    "js_npc_2017": [
        ("income_total_change", "844.15", 23), ("admin_operating", "5619.31", 28),
        ("admin_operating_change_pct", "254.23", 28), ("reception", "427.5", 29),
        ("procurement_services", "2188.85", 29),
    ],
}  # fmt: skip


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(REAL_STATED))
def test_real_narratives_state_and_agree(stem):
    doc = extracted(REAL / f"{stem}.pdf").doc
    stated = [(f["topic"], f["figure"], f["page"]) for f in doc["narrative_figures"]]
    assert list(dict.fromkeys(s for s in stated if s in REAL_STATED[stem])) == REAL_STATED[stem]
    outcome = check_narrative_consistency(doc)
    # what is left is a share printed one unit of its last digit off (shares rounded so a
    # list adds up to 100%): a rounding WARN, never the publisher's ERROR
    assert {(f.severity, f.kind, f.column) for f in outcome.findings} <= {(WARN, "rounding", "%")}


def test_wrong_three_public_total_in_the_narrative_fails(tmp_path):
    """The rendered fixture with its narrative's 三公 total printed 7.31 instead of 9.31."""
    pdf = with_figure_changed(
        REPO / "tests" / "fixtures" / "broken_hierarchy.pdf", 20, "9.31", "7.31", tmp_path / "n.pdf"
    )
    outcome = check_narrative_consistency(extract_document(pdf).doc)
    assert not outcome.passed
    (finding,) = outcome.findings
    assert (finding.table, finding.row, finding.column) == (
        "t07_three_public", "“三公”经费", "three_public_total",
    )  # fmt: skip
    assert (finding.expected, finding.actual, finding.difference) == ("9.31", "7.31", Decimal("-2"))
    assert "narrative p.20 states 7.31万元" in finding.rule and "table p.13" in finding.rule
    assert "经费7.31万元。" in finding.rule and finding.tolerance == "0.5 万元"


def _load(tmp_path, *stems):
    con = connect(tmp_path / "w.duckdb")
    results = list(load_batch([REAL / f"{s}.pdf" for s in stems], con, workers=1))
    return con, results


@pytest.mark.real
def test_year_over_year_holds_on_real_consecutive_years(tmp_path):
    con, (first, second) = _load(tmp_path, "sh_putuo_wanli_2023", "sh_putuo_wanli_2024")
    assert first.checks["year_over_year"].passed
    assert first.checks["year_over_year"].description.endswith("no previous year in the warehouse")
    outcome = second.checks["year_over_year"]
    assert outcome.passed
    assert [(c.column, c.actual) for c in outcome.comparisons] == [
        ("fiscal_income_total_change", Decimal("-876.75")),
        ("fiscal_expenditure_total_change", Decimal("-876.75")),
        ("three_public_total_change", Decimal("25")),
        ("vehicle_total_change", Decimal("25")),
        ("vehicle_purchase_change", Decimal("25")),
    ]
    assert outcome.comparisons[0].expected == Decimal("-876.7517")  # 156,211,123 − 164,978,640 元
    rows = con.execute(
        "select topic, figure, f.unit, page from fact_narrative_figure f join dim_document d "
        "using (document_id) where d.fiscal_year = 2024 and topic like 'three_public_total%'"
    ).fetchall()
    assert rows == [("three_public_total", Decimal("47.91"), "万元", 32),
                    ("three_public_total_change", Decimal("25"), "万元", 32)]  # fmt: skip
    view = con.execute(
        "select this_year_wan, last_year_wan, change_wan from v_year_over_year "
        "where category_level = 'three_public' and category = 'three_public_total' "
        "order by fiscal_year"
    ).fetchall()
    assert view == [
        (Decimal("22.91"), None, None),  # 2023: no 2022 in the warehouse
        (Decimal("47.91"), Decimal("22.91"), Decimal("25")),
    ]


@pytest.mark.real
def test_wrong_stated_change_fails_year_over_year(tmp_path):
    pdf = procuratorate_2019_with_wrong_change(REAL, tmp_path)
    con, _ = _load(tmp_path, "js_procuratorate_2018")
    (result,) = load_batch([pdf], con, workers=1)
    # the tables are as published (a share one unit of its last digit off is a rounding WARN)
    assert result.checks["narrative_consistency"].severity != "ERROR"
    outcome = result.checks["year_over_year"]
    assert [(f.column, f.expected, f.actual) for f in outcome.findings] == [
        ("income_total_change", "2214.39", "2314.39"),
        ("expenditure_total_change", "2214.39", "2314.39"),
    ]
    rule = outcome.findings[0].rule
    assert rule.startswith("stated change = 2019 24169.74 − 2018 21955.35 万元: narrative p.25")
    assert "states 2314.39万元" in rule and "与上年相比收、支预算总计各增加2314.39万元" in rule


@pytest.mark.real
def test_an_earlier_year_loaded_later_judges_the_later_year_again(tmp_path):
    """2019 loaded first has no previous year; loading 2018 afterwards judges 2019 again in
    the same transaction and replaces its stored result (the edition it judges is kept)."""
    con = connect(tmp_path / "w.duckdb")
    (first,) = load_batch([procuratorate_2019_with_wrong_change(REAL, tmp_path)], con, workers=1)
    assert first.checks["year_over_year"].passed
    stored = (
        "select passed, sha256, detail from fact_dq_check "
        "where fiscal_year = 2019 and check_name = 'year_over_year'"
    )
    assert con.execute(stored).fetchone()[:2] == (True, first.report.sha256)
    (second,) = load_batch([REAL / "js_procuratorate_2018.pdf"], con, workers=1)
    assert second.checks["year_over_year"].description.endswith("no previous year in the warehouse")
    ((later, outcome),) = second.rechecked
    assert (later.department, later.fiscal_year) == ("江苏省人民检察院", 2019)
    assert [(f.column, f.expected, f.actual) for f in outcome.findings] == [
        ("income_total_change", "2214.39", "2314.39"),
        ("expenditure_total_change", "2214.39", "2314.39"),
    ]
    passed, sha256, detail = con.execute(stored).fetchone()
    assert (passed, sha256) == (False, first.report.sha256)
    assert detail == outcome.summary()
    found = con.execute(
        "select sha256, rule from dq_finding where fiscal_year = 2019 "
        "and check_name = 'year_over_year'"
    ).fetchall()  # the findings judged again, of the edition the row judges
    assert len(found) == 2 and {row[0] for row in found} == {first.report.sha256}
    assert all("stated change = 2019 24169.74 − 2018 21955.35 万元" in rule for _, rule in found)
    assert file_outcome(second).line.endswith(" — 2019 year_over_year judged again: ERROR")
    (again,) = load_batch([REAL / "js_procuratorate_2018.pdf"], con, workers=1)
    assert again.report.action == "reloaded" and not again.rechecked[0][1].passed


# The 三公 topic names a warehouse of schema version 11 holds, and what they are now.
OLD_TOPIC_NAMES = {
    "three_public_abroad": "outbound",
    "three_public_vehicle": "vehicle_total",
    "three_public_vehicle_purchase": "vehicle_purchase",
    "three_public_vehicle_operation": "vehicle_operation",
    "three_public_reception": "reception",
    "admin_operation": "admin_operating",
}


@pytest.mark.real
def test_a_warehouse_with_the_old_three_public_topics_is_renamed_on_upgrade(tmp_path):
    """The 2017 人大 budget's 说明 states every 三公 line and its change; a version-11
    warehouse named them three_public_abroad …: the upgrade renames them, changes included."""
    path = tmp_path / "w.duckdb"
    con = connect(path)
    (loaded,) = load_batch([REAL / "js_npc_2017.pdf"], con, workers=1)
    assert loaded.report.action == "inserted"
    topics = "select topic, figure from fact_narrative_figure order by all"
    now = con.execute(topics).fetchall()
    for old, new in OLD_TOPIC_NAMES.items():
        con.execute(
            "update fact_narrative_figure set topic = ? || substr(topic, ?) "
            "where topic = ? or topic like ? || '\\_change%' escape '\\'",
            [old, len(new) + 1, new, new],
        )
    assert {t for t, _ in con.execute(topics).fetchall()} >= {
        "three_public_vehicle",
        "three_public_reception",
        "admin_operation",
    }
    con.execute("update schema_version set version = 11")
    con.close()
    con = connect(path)
    assert con.execute(topics).fetchall() == now
    con.close()
