"""The committed truth JSONs are what the rendered PDFs print and obey the budget rules.

Synthetic samples must be fully consistent, the two broken fixtures must break exactly
their one rule (so data-quality checks can be tested against them), and the seed sample
must carry the seed's tables unchanged.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pipelines.budget_doc import CODED, FORMAT, PUBLISHED_TABLES, parent_code, subject_level
from pipelines.cleaning import normalise_long_text, normalise_name
from tests.inputs import FIXTURES, SAMPLES, SEED_TRUTH

SEED_SLUG = "gz_hrss_data_center_2023"
SYNTHETIC = ["gz_edu_bureau_2024", "gz_urban_renewal_2022", "gz_water_works_2025"]
BROKEN = ["broken_balance", "broken_hierarchy"]
AMOUNT = re.compile(r"^-?\d+\.\d\d$")
ZERO = Decimal("0.00")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def sample(slug: str) -> dict:
    return load((FIXTURES if slug in BROKEN else SAMPLES) / f"{slug}.json")


def dec(values: list[str | None]) -> list[Decimal]:
    return [Decimal(v) if v is not None else ZERO for v in values]


def hierarchy_violations(key: str, table: dict) -> set[tuple[str, str, str]]:
    """Parents (合计, 类, 款) that differ from the sum of their children, per table."""
    rows = table["rows"]
    width = len(table["columns"])
    children: dict[str, list[Decimal]] = {}
    for r in rows:
        if r["code"] is None:
            continue
        parent = parent_code(r["code"]) if subject_level(r["code"]) != 1 else "合计"
        acc = children.setdefault(parent, [ZERO] * width)
        children[parent] = [a + b for a, b in zip(acc, dec(r["values"]), strict=True)]
    out = set()
    for r in rows:
        label = r["code"] or r["name"]
        if label in children and dec(r["values"]) != children[label]:
            out.add(("hierarchy", key, label))
    return out


def row_sum_violations(doc: dict) -> set[tuple[str, str, str]]:
    """Total columns equal the sum of their parts on every row."""
    t, out = doc["tables"], set()

    def check(key: str, label: str, total: Decimal, parts: list[Decimal]) -> None:
        if total != sum(parts, ZERO):
            out.add(("row_sum", key, label))

    for key in ("t02_income", "t03_expenditure", "t05_gpb_function", "t08_gov_fund",
                "t09_state_capital"):  # fmt: skip
        for r in t[key]["rows"]:
            v = dec(r["values"])
            check(key, r["code"] or r["name"], v[0], v[1:])
    for r in t["t07_three_public"]["rows"]:
        v = dec(r["values"])
        check("t07_three_public", r["item"], v[0], v[1:])
    for key, field in (("t11_basic_by_unit", "item"), ("t12_projects", "name")):
        for r in t[key]["rows"]:
            v = dec(r["values"])
            check(key, r[field], v[0], [v[1], v[5], v[6]])
            check(key, r[field], v[1], v[2:5])
    return out


def balance_violations(doc: dict) -> set[tuple[str, str, str]]:
    """Two-sided tables: subtotals add their items, both sides balance."""
    out = set()
    for key in ("t01_summary", "t04_fiscal_summary"):
        t = doc["tables"][key]
        for side, subtotal, total in (("income", "本年收入合计", "收入总计"),
                                      ("expenditure", "本年支出合计", "支出总计")):  # fmt: skip
            items = t[side]
            names = [i["item"] for i in items]
            s = names.index(subtotal)
            amounts = dec([i["amount"] for i in items])
            if sum(amounts[:s], ZERO) != amounts[s]:
                out.add(("balance", key, subtotal))
            if amounts[s] + sum(amounts[s + 1 : -1], ZERO) != amounts[-1]:
                out.add(("balance", key, total))
        inc = {i["item"]: Decimal(i["amount"]) for i in t["income"]}
        exp = {i["item"]: Decimal(i["amount"]) for i in t["expenditure"]}
        if inc["收入总计"] != exp["支出总计"]:
            out.add(("balance", key, "收入总计=支出总计"))
        if inc["本年收入合计"] != exp["本年支出合计"]:
            out.add(("balance", key, "本年收入合计=本年支出合计"))
    return out


def cross_table_violations(doc: dict) -> set[tuple[str, str, str]]:
    """Totals that several tables print must agree."""
    t = doc["tables"]

    def total(key: str) -> list[Decimal]:
        return dec(t[key]["rows"][0]["values"])

    def item(key: str, side: str, name: str) -> Decimal:
        return next(Decimal(i["amount"]) for i in t[key][side] if i["item"] == name)

    t07 = {r["item"]: dec(r["values"])[0] for r in t["t07_three_public"]["rows"]}
    projects = [r for r in t["t12_projects"]["rows"][2:]]
    project_sum = [
        sum(col, ZERO) for col in zip(*(dec(r["values"]) for r in projects), strict=True)
    ]
    checks = {
        "t02 合计 = t01 本年收入合计": total("t02_income")[0]
        == item("t01_summary", "income", "本年收入合计"),
        "t03 合计 = t01 本年支出合计": total("t03_expenditure")[0]
        == item("t01_summary", "expenditure", "本年支出合计"),
        "t05 合计 = t04 一般公共预算": total("t05_gpb_function")[0]
        == item("t04_fiscal_summary", "income", "一、一般公共预算"),
        "t06 合计 = t05 基本支出": total("t06_gpb_basic_economic")[0]
        == total("t05_gpb_function")[1],
        "t10 合计 = t05 项目支出": total("t10_gpb_project_economic")[0]
        == total("t05_gpb_function")[2],
        "t11 总计 = t03 基本支出": total("t11_basic_by_unit")[0] == total("t03_expenditure")[1],
        "t12 总计 = t03 项目支出": total("t12_projects")[0] == total("t03_expenditure")[2],
        "t12 一般公共预算 = t10 合计": total("t12_projects")[2]
        == total("t10_gpb_project_economic")[0],
        "t12 projects sum to 合计": project_sum == total("t12_projects"),
        "t08 合计 = t04 政府性基金预算": total("t08_gov_fund")[0]
        == item("t04_fiscal_summary", "income", "二、政府性基金预算"),
        "t07 三公 = parts": t07["“三公”经费"]
        == t07["其中:(一)因公出国(境)支出"]
        + t07["(二)公务用车购置及运行维护支出"]
        + t07["(三)公务接待费支出"],
        "t07 车 = 购置 + 运行": t07["(二)公务用车购置及运行维护支出"]
        == t07["1.公务用车购置"] + t07["2.公务用车运行维护费"],
    }
    return {("cross_table", "doc", name) for name, ok in checks.items() if not ok}


def violations(doc: dict) -> set[tuple[str, str, str]]:
    out = set()
    for key in CODED:
        if key in doc["tables"]:
            out |= hierarchy_violations(key, doc["tables"][key])
    return out | row_sum_violations(doc) | balance_violations(doc) | cross_table_violations(doc)


@pytest.mark.parametrize("slug", [SEED_SLUG, *SYNTHETIC, *BROKEN])
def test_truth_is_well_formed_budget_doc(slug):
    doc = sample(slug)
    assert doc["format"] == FORMAT
    assert list(doc["tables"]) == list(PUBLISHED_TABLES["guangzhou"])
    for key, table in doc["tables"].items():
        if "income" in table:
            rows = table["income"] + table["expenditure"]
            assert all(AMOUNT.match(r["amount"]) for r in rows), key
            assert all(normalise_name(r["item"]) == r["item"] for r in rows), key
            continue
        for r in table["rows"]:
            assert len(r["values"]) == len(table["columns"]), (key, r)
            assert all(v is None or AMOUNT.match(v) for v in r["values"]), (key, r)
            name = r.get("name", r.get("item"))
            assert normalise_name(name) == name, (key, name)
            goal = r.get("performance_goal")
            assert goal is None or normalise_long_text(goal) == goal, (key, goal)


@pytest.mark.parametrize("slug", SYNTHETIC)
def test_synthetic_samples_are_consistent(slug):
    assert violations(sample(slug)) == set()


def test_synthetic_samples_cover_the_required_cases():
    edu, urban, water = (sample(s) for s in SYNTHETIC)
    assert edu["unit"] == "元"
    assert Decimal(edu["tables"]["t01_summary"]["income"][-1]["amount"]) > Decimal("10000000")
    assert len(urban["tables"]["t12_projects"]["rows"]) - 2 >= 40
    assert len(water["tables"]["t08_gov_fund"]["rows"]) > 1
    assert "note" not in water["tables"]["t08_gov_fund"]
    gov_fund = next(
        i
        for i in water["tables"]["t04_fiscal_summary"]["income"]
        if i["item"] == "二、政府性基金预算"
    )
    assert Decimal(gov_fund["amount"]) > ZERO
    for doc in (edu, urban):
        assert doc["tables"]["t08_gov_fund"]["note"] == "本表本年无发生额。"
        assert len(doc["tables"]["t08_gov_fund"]["rows"]) == 1


def test_broken_balance_breaks_only_the_balance():
    found = violations(sample("broken_balance"))
    assert ("balance", "t01_summary", "收入总计=支出总计") in found
    assert {v[0] for v in found} == {"balance"}
    assert {v[1] for v in found} == {"t01_summary"}


def test_broken_hierarchy_breaks_only_one_class_row_of_t03():
    doc = sample("broken_hierarchy")
    found = violations(doc)
    classes = [r["code"] for r in doc["tables"]["t03_expenditure"]["rows"] if r["code"]]
    bad = {v[2] for v in found if v[2] in classes}
    assert len(bad) == 1 and subject_level(bad.pop()) == 1
    assert {v[:2] for v in found} == {("hierarchy", "t03_expenditure")}
    # the only other violation is the 合计 row vs the sum of 类 rows, caused by the same row
    assert {v[2] for v in found if v[2] not in classes} <= {"合计"}


@pytest.mark.real
def test_seed_sample_tables_equal_the_seed_truth():
    assert SEED_TRUTH.exists(), f"seed truth missing: {SEED_TRUTH}"
    assert sample(SEED_SLUG)["tables"] == load(SEED_TRUTH)["tables"]


@pytest.mark.parametrize("slug", [SEED_SLUG, *SYNTHETIC, *BROKEN])
def test_rendered_pdf_is_committed(slug):
    pdf = (FIXTURES if slug in BROKEN else SAMPLES) / f"{slug}.pdf"
    assert pdf.exists()
    assert pdf.read_bytes()[:4] == b"%PDF"
