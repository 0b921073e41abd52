"""Real Jiangsu and Shanghai PDFs: tables found and headline totals, pinned.

The expected figures are in tests/real_expectations.json, read off the printed pages
by hand (docs/real_layouts.md), not produced by the extractor.
"""

import json
from pathlib import Path

import pytest

from pipelines.budget_doc import PUBLISHED_TABLES
from pipelines.errors import NarrativeOnlyError
from pipelines.extraction import extract_document

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "real"
EXPECTED = json.loads((REPO / "tests" / "real_expectations.json").read_text(encoding="utf-8"))

# Standard tables the extractor maps each file's printed titles to.
# Read off the PDFs (docs/real_layouts.md): Jiangsu's 收入预算总表 lists fund sources
# (kept generic), no 国有资本经营 table; neither province prints t10-t12.
_JIANGSU = {
    "t01_summary",
    "t03_expenditure",
    "t04_fiscal_summary",
    "t05_gpb_function",
    "t06_gpb_basic_economic",
    "t07_three_public",
    "t08_gov_fund",
}
_SHANGHAI = {
    "t01_summary",
    "t02_income",
    "t03_expenditure",
    "t04_fiscal_summary",
    "t05_gpb_function",
    "t06_gpb_basic_economic",
    "t07_three_public",
    "t08_gov_fund",
    "t09_state_capital",
}
STANDARD_TABLES = {
    "js_procuratorate_2017": _JIANGSU,
    "js_procuratorate_2018": _JIANGSU,
    "js_procuratorate_2019": _JIANGSU,
    "js_party_office_2019_tables": _JIANGSU,
    "sh_putuo_commerce_2025": _SHANGHAI,
    "sh_putuo_wanli_2024": _SHANGHAI,
}


def _income_total(doc: dict) -> tuple[str, str]:
    income = doc["tables"]["t01_summary"]["income"]
    for label in ("收入总计", "收入合计"):
        for line in income:
            if line["item"] == label:
                return label, line["amount"]
    raise AssertionError("no income total in t01")


@pytest.mark.parametrize("stem", sorted(STANDARD_TABLES))
def test_real_pdf_identity_tables_and_income_total(stem):
    extraction = extract_document(REAL / f"{stem}.pdf")
    doc, want = extraction.doc, EXPECTED[stem]
    assert (doc["department"], doc["fiscal_year"], doc["unit"]) == (
        want["department"],
        want["fiscal_year"],
        want["unit"],
    )
    assert set(doc["tables"]) == STANDARD_TABLES[stem] == set(PUBLISHED_TABLES[doc["layout"]])
    assert doc["layout"] == stem.split("_")[0].replace("js", "jiangsu").replace("sh", "shanghai")
    label, amount = _income_total(doc)
    assert amount == want["summary"][label]
    # Tables with no standard twin are kept, not dropped.
    assert doc["extra_tables"], "non-standard tables must be kept as generic tables"


def test_jiangsu_readme_totals():
    totals = {
        year: _income_total(extract_document(REAL / f"js_procuratorate_{year}.pdf").doc)[1]
        for year in (2017, 2018, 2019)
    }
    assert totals == {2017: "17996.68", 2018: "21955.35", 2019: "24169.74"}


def test_shanghai_split_codes_are_joined_and_padded():
    doc = extract_document(REAL / "sh_putuo_wanli_2024.pdf").doc
    codes = [row["code"] for row in doc["tables"]["t06_gpb_basic_economic"]["rows"]]
    assert "30102" in codes and "30107" in codes  # printed `301 | 2` and `301 | 7`
    assert all(code is None or len(code) in (3, 5) for code in codes)


def test_narrative_only_pdf_is_recognised_as_a_companion():
    with pytest.raises(NarrativeOnlyError, match="narrative only: 江苏省委办公厅 2019"):
        extract_document(REAL / "js_party_office_2019_text.pdf")


def _three_public_expected(stem: str) -> dict:
    return next(
        table
        for title, table in EXPECTED[stem]["tables"].items()
        if table.get("kind") == "t07_three_public"
    )


@pytest.mark.parametrize("stem", sorted(STANDARD_TABLES))
def test_transposed_three_public_lands_as_items(stem):
    """三公 printed as one row under a header of items becomes t07 item rows, in order."""
    table = extract_document(REAL / f"{stem}.pdf").doc["tables"]["t07_three_public"]
    want = _three_public_expected(stem)["total_row"]["values"]
    assert table["columns"] == ["预算数"]
    assert [row["values"][0] for row in table["rows"]] == want
    items = [row["item"] for row in table["rows"]]
    assert any("三公" in item for item in items)
    assert any(item.startswith("公务用车购置") and "运行" not in item for item in items)


def test_real_pdfs_load_through_the_graph_and_pass_their_checks(tmp_path, capsys):
    """Every real file loads (the narrative-only one is skipped, not a failure); the
    Jiangsu README totals come back through the views; no check fails on them."""
    import duckdb

    from pipelines.cli import main

    warehouse = tmp_path / "real.duckdb"
    assert main(["load", str(REAL), "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("loaded: ") for line in lines) == 6
    assert [line for line in lines if line.startswith("skipped: ")] == [
        f"skipped: {REAL / 'js_party_office_2019_text.pdf'}: narrative only: 江苏省委办公厅 "
        "2019 部门预算 prints no budget table in this file (its tables are published as a "
        "separate PDF); nothing to load"
    ]
    con = duckdb.connect(str(warehouse), read_only=True)
    totals = con.execute(
        "select fiscal_year, cast(amount_wan as varchar) from v_budget_summary "
        "where department = '江苏省人民检察院' and table_key = 't01_summary' "
        "and item = '收入合计' order by fiscal_year"
    ).fetchall()
    assert totals == [(2017, "17996.680000"), (2018, "21955.350000"), (2019, "24169.740000")]
    failed = con.execute(
        "select department, fiscal_year, check_name, severity from dq_check_result "
        "where not passed order by all"
    ).fetchall()
    # The one real finding: Jiangsu 2017 prints its empty 政府性基金 table without saying so.
    assert failed == [("江苏省人民检察院", 2017, "completeness", "WARN")]
    documents = con.execute("select count(*) from dim_document").fetchone()
    assert documents == (6,)  # the narrative-only PDF adds no second 2019 document
    names = con.execute(
        "select fiscal_year, name from dim_function_subject where code = '20805' order by all"
    ).fetchall()
    assert names == [
        (2017, "行政事业单位离退休"),
        (2018, "行政事业单位离退休"),
        (2019, "行政事业单位离退休"),
        (2024, "行政事业单位养老支出"),
        (2025, "行政事业单位养老支出"),
    ]


def _subject_tables_expected() -> list[tuple[str, str, dict]]:
    """(file, table key, hand-read table) for every standard subject table."""
    return [
        (stem, table["kind"], table)
        for stem in sorted(STANDARD_TABLES)
        for table in EXPECTED[stem]["tables"].values()
        if table.get("kind") in STANDARD_TABLES[stem]
        and table["kind"] not in ("t01_summary", "t04_fiscal_summary", "t07_three_public")
    ]


@pytest.mark.parametrize(
    ("stem", "key", "want"),
    _subject_tables_expected(),
    ids=[f"{stem}-{key}" for stem, key, _ in _subject_tables_expected()],
)
def test_real_subject_table_columns_and_total_row(stem, key, want):
    """Leaf columns and the printed 合计 row, cell for cell as read off the page (an
    empty table's blank 合计 cells are null)."""
    table = extract_document(REAL / f"{stem}.pdf").doc["tables"][key]
    assert table["columns"] == want["columns"]
    totals = [row["values"] for row in table["rows"] if row["name"] == "合计"]
    assert totals == [want["total_row"]["values"]]
