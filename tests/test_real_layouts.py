"""Real Jiangsu and Shanghai PDFs: tables found and headline totals, pinned.

The expected figures are in tests/real_expectations.json, read off the printed pages
by hand (docs/real_layouts.md), not produced by the extractor.
"""

import json
from decimal import Decimal

import pytest

from pipelines.budget_doc import PUBLISHED_TABLES, TABLE_KEYS, YUAN_PER_UNIT
from pipelines.errors import NarrativeOnlyError
from pipelines.extraction import extract_document
from tests.inputs import REAL, REPO, extracted

EXPECTED = json.loads((REPO / "tests" / "real_expectations.json").read_text(encoding="utf-8"))

# The real files with ruled tables and the layout each is printed in. What each province
# does NOT print as a standard table, read off the PDFs (docs/real_layouts.md): neither
# prints t10-t12; Jiangsu prints no 国有资本经营 table, and its 收入预算总表 lists fund
# sources (kept generic). Every other standard table is there.
TABLE_FILES = {
    "js_procuratorate_2017": "jiangsu",
    "js_procuratorate_2018": "jiangsu",
    "js_procuratorate_2019": "jiangsu",
    "js_party_office_2019_tables": "jiangsu",
    "sh_putuo_commerce_2025": "shanghai",
    "sh_putuo_wanli_2024": "shanghai",
}
_NOT_PRINTED = {"t10_gpb_project_economic", "t11_basic_by_unit", "t12_projects"}
NOT_PRINTED = {
    "jiangsu": {*_NOT_PRINTED, "t02_income", "t09_state_capital"},
    "shanghai": {*_NOT_PRINTED, "t13_fiscal_function"},
}


def _standard_tables(stem: str) -> set[str]:
    """The standard tables the extractor maps a real file's printed titles to."""
    return set(TABLE_KEYS) - NOT_PRINTED[TABLE_FILES[stem]]


def _income_total(doc: dict) -> tuple[str, str]:
    income = doc["tables"]["t01_summary"]["income"]
    for label in ("收入总计", "收入合计"):
        for line in income:
            if line["item"] == label:
                return label, line["amount"]
    raise AssertionError("no income total in t01")


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(TABLE_FILES))
def test_real_pdf_identity_tables_and_income_total(stem):
    extraction = extracted(REAL / f"{stem}.pdf")
    doc, want = extraction.doc, EXPECTED[stem]
    assert (doc["department"], doc["fiscal_year"], doc["unit"]) == (
        want["department"],
        want["fiscal_year"],
        want["unit"],
    )
    assert doc["layout"] == TABLE_FILES[stem]
    assert set(doc["tables"]) == _standard_tables(stem) == set(PUBLISHED_TABLES[doc["layout"]])
    label, amount = _income_total(doc)
    assert amount == want["summary"][label]
    # Tables with no standard twin are kept, not dropped.
    assert doc["extra_tables"], "non-standard tables must be kept as generic tables"


@pytest.mark.real
def test_jiangsu_readme_totals():
    totals = {
        year: _income_total(extracted(REAL / f"js_procuratorate_{year}.pdf").doc)[1]
        for year in (2017, 2018, 2019)
    }
    assert totals == {2017: "17996.68", 2018: "21955.35", 2019: "24169.74"}


@pytest.mark.real
def test_shanghai_split_codes_are_joined_and_padded():
    doc = extracted(REAL / "sh_putuo_wanli_2024.pdf").doc
    codes = [row["code"] for row in doc["tables"]["t06_gpb_basic_economic"]["rows"]]
    assert "30102" in codes and "30107" in codes  # printed `301 | 2` and `301 | 7`
    assert all(code is None or len(code) in (3, 5) for code in codes)


@pytest.mark.real
def test_narrative_only_pdf_is_recognised_as_a_companion():
    with pytest.raises(NarrativeOnlyError, match="narrative only: 江苏省委办公厅 2019"):
        extract_document(REAL / "js_party_office_2019_text.pdf")


def _three_public_expected(stem: str) -> dict:
    return next(
        table
        for title, table in EXPECTED[stem]["tables"].items()
        if table.get("kind") == "t07_three_public"
    )


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(TABLE_FILES))
def test_transposed_three_public_lands_as_items(stem):
    """三公 printed as one row under a header of items becomes t07 item rows, in order."""
    table = extracted(REAL / f"{stem}.pdf").doc["tables"]["t07_three_public"]
    want = _three_public_expected(stem)["total_row"]["values"]
    assert table["columns"] == ["预算数"]
    assert [row["values"][0] for row in table["rows"]] == want
    items = [row["item"] for row in table["rows"]]
    assert any("三公" in item for item in items)
    assert any(item.startswith("公务用车购置") and "运行" not in item for item in items)


# What `budget load ../shared/real` must do with each file: its status (`final`: loaded as
# final accounts, 决算), and for a loaded document the department it is filed under, its
# year and its published income total
# (收入合计 / 收入总计 of the 收支预算总表, unit as printed), read off the pages
# (../shared/real/README.md; js_party_office_2018_tables p3; sh_putuo_justice_2026_unit p8).
WANLI = "上海市普陀区人民政府万里街道办事处"
REAL_OUTCOMES = {
    "js_npc_2017": ("loaded", "江苏省人大常委会办公厅", 2017, "收入合计", "13649.07"),
    "js_npc_2018": ("loaded", "江苏省人大常委会办公厅", 2018, "收入合计", "15897.44"),
    "js_party_office_2017_tables": ("loaded", "中共江苏省委办公厅", 2017, "收入合计", "20849.45"),
    "js_party_office_2017_text": ("skipped", "narrative only: 江苏省委办公厅 2017 部门预算"),
    "js_party_office_2018_tables": ("loaded", "中共江苏省委办公厅", 2018, "收入合计", "24458.43"),
    "js_party_office_2018_text": ("skipped", "narrative only: 江苏省委办公厅 2018 部门预算"),
    "js_party_office_2019_tables": ("loaded", "中共江苏省委办公厅", 2019, "收入合计", "27664.22"),
    "js_party_office_2019_text": ("skipped", "narrative only: 江苏省委办公厅 2019 部门预算"),
    "js_procuratorate_2017": ("loaded", "江苏省人民检察院", 2017, "收入合计", "17996.68"),
    "js_procuratorate_2018": ("loaded", "江苏省人民检察院", 2018, "收入合计", "21955.35"),
    "js_procuratorate_2019": ("loaded", "江苏省人民检察院", 2019, "收入合计", "24169.74"),
    "sh_putuo_commerce_2025": (
        "loaded",
        "上海市普陀区商务委员会",
        2025,
        "收入总计",
        "371514655.00",
    ),
    "sh_putuo_finance_2024_final": ("final", "上海市普陀区财政局", 2024, "总计", "2995.39"),
    "sh_putuo_justice_2026_unit": ("loaded", "上海市普陀区司法局", 2026, "收入总计", "86959408.34"),
    "sh_putuo_wanli_2023": ("loaded", WANLI, 2023, "收入总计", "164978640.00"),
    "sh_putuo_wanli_2024": ("loaded", WANLI, 2024, "收入总计", "156211123.00"),
    "swu_2023_budget": ("loaded", "西南大学", 2023, "收入总计", "557259.13"),
    "swu_2023_final": ("final", "西南大学", 2023, "合计", "569496.54"),
}
# The ERROR findings a correct load reports because the published PDF disagrees with
# itself: sh_putuo_justice_2026_unit prints 2040601 行政运行's 项目支出 as 64,840,547.00 (the
# whole 项目支出 total) on p11 (t03) and p14 (t05), checked on the rendered pages.
PUBLISHED_ERRORS = [
    ("上海市普陀区司法局", 2026, "hierarchy", "t03_expenditure", "20406 司法", "项目支出"),
    ("上海市普陀区司法局", 2026, "hierarchy", "t05_gpb_function", "20406 司法", "项目支出"),
    ("上海市普陀区司法局", 2026, "row_identity", "t03_expenditure", "2040601 行政运行", "合计"),
    ("上海市普陀区司法局", 2026, "row_identity", "t05_gpb_function", "2040601 行政运行", "合计"),
    # swu_2023_budget p8 (收入预算表): 2050202 小学教育 prints 收入合计 9,645.51 beside its
    # parts 14.33 + 8,201.15 + 0.50 + 1,430.03 = 9,646.01, so 20502 普通教育's 520,603.91
    # (which its own row and 205 agree with) is not the sum of its 项, 520,603.41.
    ("西南大学", 2023, "hierarchy", "t02_income", "20502 普通教育", "收入合计"),
    # sh_putuo_finance_2024_final p21 (说明 四): 财政拨款收入支出总计 stated 0.3 万元, table 四
    # (p12–14) prints 2961.68; (说明 五): 一般公共服务支出 2106.66 stated as 71.73% of 2940.05,
    # which is 71.65%
    ("上海市普陀区财政局", 2024, "narrative_consistency", "t04_fiscal_summary", "总计",
     "fiscal_income_total"),
    ("上海市普陀区财政局", 2024, "narrative_consistency", "narrative", "一般公共服务支出", "%"),
]  # fmt: skip


_LOADED = {"loaded": "budget", "final": "final"}  # the status of a loaded file → its stage


@pytest.mark.real
def test_every_real_pdf_gets_its_outcome_totals_and_no_parser_error(tmp_path, capsys):
    """`budget load ../shared/real`: each file loaded, skipped or rejected as it should be;
    each loaded budget's published income total comes back through v_budget_summary; the
    only ERROR findings are where the published PDF disagrees with itself."""
    import duckdb

    from pipelines.cli import main

    warehouse = tmp_path / "real.duckdb"
    assert main(["load", str(REAL), "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sorted(p.stem for p in REAL.glob("*.pdf")) == sorted(REAL_OUTCOMES)
    lines_of = {
        stem: next(line for line in lines if f"{REAL / stem}.pdf" in line) for stem in REAL_OUTCOMES
    }
    for stem, (status, *want) in REAL_OUTCOMES.items():
        line = lines_of[stem]
        if status in _LOADED:  # the department it is filed under, its year and stage
            named = f"{want[0]} {want[1]}" + (" 部门决算" if status == "final" else "")
            assert line.startswith(f"loaded: {named}"), line
        else:
            assert line.startswith(f"{status}: ") and want[0] in line, line
    assert "2017 (printed 中国共产党江苏省委员会办公厅)" in lines_of["js_party_office_2017_tables"]
    assert "上海市普陀区司法局 2026 单位预算, " in lines_of["sh_putuo_justice_2026_unit"]
    con = duckdb.connect(str(warehouse), read_only=True)
    documents = con.execute(
        "select department, fiscal_year, stage from dim_document "
        "join dim_department using (department_id) order by all"
    ).fetchall()
    loaded = [
        (department, year, _LOADED[status])
        for status, department, year, *_ in (v for v in REAL_OUTCOMES.values() if len(v) > 2)
        if status in _LOADED
    ]
    assert documents == sorted(loaded)
    for stem, (status, department, *rest) in REAL_OUTCOMES.items():
        if status not in _LOADED:
            continue
        year, label, amount = rest
        unit = YUAN_PER_UNIT[
            "元" if stem.startswith("sh_putuo_") and status == "loaded" else "万元"
        ]
        printed = con.execute(
            "select amount_yuan from v_budget_summary where department = ? and fiscal_year = ? "
            "and stage = ? and table_key = 't01_summary' and side = 'income' and item = ?",
            [department, year, _LOADED[status], label],
        ).fetchall()
        assert printed == [(Decimal(amount) * unit,)], (stem, label)
    found = con.execute(
        "select department, fiscal_year, check_name, table_key, row_label, column_name "
        "from dq_finding where severity = 'ERROR' order by all"
    ).fetchall()
    assert sorted(found) == sorted(PUBLISHED_ERRORS)
    # each failing check is an ERROR exactly when one of its findings is
    assert con.execute(
        "select distinct department, fiscal_year, check_name from dq_check_result "
        "where severity = 'ERROR' order by all"
    ).fetchall() == sorted({row[:3] for row in PUBLISHED_ERRORS})


def _subject_tables_expected() -> list[tuple[str, str, dict]]:
    """(file, table key, hand-read table) for every standard subject table."""
    return [
        (stem, table["kind"], table)
        for stem in sorted(TABLE_FILES)
        for table in EXPECTED[stem]["tables"].values()
        if table.get("kind") in _standard_tables(stem)
        and table["kind"] not in ("t01_summary", "t04_fiscal_summary", "t07_three_public")
    ]


@pytest.mark.real
@pytest.mark.parametrize(
    ("stem", "key", "want"),
    _subject_tables_expected(),
    ids=[f"{stem}-{key}" for stem, key, _ in _subject_tables_expected()],
)
def test_real_subject_table_columns_and_total_row(stem, key, want):
    """Leaf columns and the printed 合计 row, cell for cell as read off the page (an
    empty table's blank 合计 cells are null)."""
    table = extracted(REAL / f"{stem}.pdf").doc["tables"][key]
    assert table["columns"] == want["columns"]
    totals = [row["values"] for row in table["rows"] if row["name"] == "合计"]
    assert totals == [want["total_row"]["values"]]
