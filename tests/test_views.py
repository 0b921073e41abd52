"""The public views give back the published numbers exactly, without totals."""

import copy
from collections import defaultdict
from decimal import Decimal

import pytest

from pipelines.budget_doc import TOTAL_COLUMNS, is_total_label, subject_level
from pipelines.doc_reader import BudgetDoc
from pipelines.warehouse.findings import FINDING_FIELDS
from pipelines.warehouse.sql_files import read_sql
from tests.warehouse_helpers import (
    leaf_columns,
    loaded,
    read_doc,
    truth_ids,
    truth_paths,
    yuan,
)

# The public interface: every v_ view leads with the document's department and year, gives
# money in 元 and 万元, and ends with the document's kind and stage and the page a figure is on.
_DOCUMENT = ("department", "fiscal_year")
_MONEY = ("amount_yuan", "amount_wan")
_WHERE = ("document_kind", "stage", "source_page")
_SUBJECT = ("code", "name", "level", "expenditure_type")
VIEW_COLUMNS = {
    "v_expenditure_by_function": [*_DOCUMENT, *_SUBJECT, *_MONEY, "source_table", *_WHERE],
    "v_economic_expenditure": [*_DOCUMENT, *_SUBJECT, *_MONEY, *_WHERE],
    "v_project_budget": [
        *_DOCUMENT,
        "project_name",
        "performance_goal",
        "fund_source",
        *_MONEY,
        *_WHERE,
    ],
    "v_three_public": [*_DOCUMENT, "item", "fund_source", *_MONEY, "category", *_WHERE],
    "v_budget_summary": [*_DOCUMENT, "table_key", "side", "item", "is_total", *_MONEY, *_WHERE],
    "v_table_total": [
        *_DOCUMENT,
        "table_key",
        "table_title",
        "fund",
        "column_name",
        "is_total_column",
        *_MONEY,
        *_WHERE,
    ],
    "v_other_table": [
        *_DOCUMENT,
        "table_index",
        "table_title",
        "row_index",
        "row_label",
        "column_index",
        "column_name",
        "is_total_row",
        "is_total_column",
        "printed_value",
        *_MONEY,
        *_WHERE,
    ],
    "v_year_over_year": [
        *_DOCUMENT,
        "category_level",
        "category",
        "this_year_wan",
        "last_year_wan",
        "change_wan",
        "change_pct",
        "document_kind",
        "stage",
    ],
    "dq_check_result": [
        *_DOCUMENT,
        "check_name",
        "severity",
        "passed",
        "detail",
        "document_kind",
        "stage",
        "sha256",
        "loaded_at",
    ],
    "dq_finding": [
        *_DOCUMENT,
        "document_kind",
        "stage",
        "check_name",
        *FINDING_FIELDS,  # finding_index, severity, …, the figures, unit, page, their texts
        "sha256",
        "loaded_at",
    ],
}

T03, T07, T12 = "t03_expenditure", "t07_three_public", "t12_projects"


@pytest.fixture(params=truth_paths(), ids=truth_ids())
def truth(request, tmp_path):
    """Each truth document and a warehouse holding it alone."""
    doc = read_doc(request.param)
    return doc, loaded(tmp_path, doc)


def _printed_cells(doc: dict, key: str):
    """(row, leaf column, amount in 元) of every printed leaf cell of a table (none when the
    document lacks it), its total rows (no code, a total label) left out as the views do."""
    table = doc["tables"].get(key) or {"rows": []}
    for row in table["rows"]:
        if row.get("code") is None and is_total_label(row.get("name")):
            continue
        for i, column in leaf_columns(table["columns"]):
            if row["values"][i] is not None:
                yield row, column, yuan(doc, key, row["values"][i])


def _row_total(doc: dict, key: str, row: dict) -> Decimal | None:
    """A row's grand total (总计 before 合计 before 小计) in 元; None where it is blank."""
    columns = doc["tables"][key]["columns"]
    total = next((columns.index(n) for n in ("总计", "合计", "小计") if n in columns), None)
    assert total is not None, f"no total column in {columns}"
    text = row["values"][total]
    return None if text is None else yuan(doc, key, text)


@pytest.fixture
def con(tmp_path):
    return loaded(tmp_path, read_doc())


@pytest.mark.parametrize("view", sorted(VIEW_COLUMNS))
def test_view_columns_are_exactly_the_public_interface(con, view):
    columns = [d[0] for d in con.execute(f"select * from {view} limit 0").description]
    assert columns == VIEW_COLUMNS[view]


def test_expenditure_by_function_matches_t03_cell_by_cell(truth):
    doc, con = truth
    expected = {
        (row["code"], row["name"], column): (subject_level(row["code"]), amount)
        for row, column, amount in _printed_cells(doc, T03)
    }
    rows = con.execute(
        "select code, name, expenditure_type, level, amount_yuan, amount_wan "
        "from v_expenditure_by_function where department = ? and fiscal_year = ?",
        [doc["department"], doc["fiscal_year"]],
    ).fetchall()
    got = {(c, n, t): (lvl, a) for c, n, t, lvl, a, _ in rows}
    assert len(rows) == len(got) == len(expected)
    assert got == expected
    for *_, amount_yuan, amount_wan in rows:
        assert isinstance(amount_wan, Decimal)
        assert amount_wan * 10000 == amount_yuan


def test_function_class_totals_per_expenditure_type(truth):
    doc, con = truth
    expected = defaultdict(Decimal)
    for row, column, amount in _printed_cells(doc, T03):
        if subject_level(row["code"]) == 1:
            expected[column] += amount
    got = dict(
        con.execute(
            "select expenditure_type, sum(amount_yuan) from v_expenditure_by_function "
            "where level = 1 group by expenditure_type"
        ).fetchall()
    )
    assert got == dict(expected)


def test_each_function_row_sums_to_its_published_total(truth):
    doc, con = truth
    got = dict(
        con.execute(
            "select code, sum(amount_yuan) from v_expenditure_by_function group by code"
        ).fetchall()
    )
    for row in doc["tables"][T03]["rows"]:
        total = _row_total(doc, T03, row)
        if row["code"] and total is not None:
            assert got[row["code"]] == total


def test_economic_expenditure_matches_t06_and_t10(truth):
    doc, con = truth
    expected = {
        (row["code"], kind): (row["name"], subject_level(row["code"]), amount)
        for key, kind in (
            ("t06_gpb_basic_economic", "基本支出"),
            ("t10_gpb_project_economic", "项目支出"),
        )
        for row, _, amount in _printed_cells(doc, key)
    }
    rows = con.execute(
        "select code, expenditure_type, name, level, amount_yuan from v_economic_expenditure"
    ).fetchall()
    assert {(c, t): (n, lvl, a) for c, t, n, lvl, a in rows} == expected
    assert len(rows) == len(expected)


def test_project_budget_sums_to_t12_total(truth):
    doc, con = truth
    total_row = next(r for r in doc["tables"][T12]["rows"] if is_total_label(r["name"]))
    (project_sum,) = con.execute("select sum(amount_yuan) from v_project_budget").fetchone()
    assert project_sum == _row_total(doc, T12, total_row)


def test_each_project_sums_over_fund_sources_to_its_published_total(truth):
    doc, con = truth
    view = BudgetDoc.of(doc)
    projects = [
        raw
        for raw, row in zip(doc["tables"][T12]["rows"], view.rows(T12), strict=True)
        if view.t12_row_kind(row) == "project"
    ]
    rows = con.execute(
        "select project_name, performance_goal, fund_source, amount_yuan from v_project_budget"
    ).fetchall()
    by_project = defaultdict(Decimal)
    for name, goal, fund_source, amount in rows:
        assert fund_source not in TOTAL_COLUMNS
        assert amount != 0
        by_project[(name, goal)] += amount
    expected = defaultdict(Decimal)
    for r in projects:
        expected[(r["name"], r["performance_goal"])] += _row_total(doc, T12, r)
    assert dict(by_project) == {k: v for k, v in expected.items() if v != 0}
    names = {name for name, *_ in rows}
    assert doc["department"] not in names and "合计" not in names


def test_three_public_per_item_and_fund_source(truth):
    doc, con = truth
    expected = {(row["item"], column): amount for row, column, amount in _printed_cells(doc, T07)}
    rows = con.execute("select item, fund_source, amount_yuan from v_three_public").fetchall()
    assert {(i, f): a for i, f, a in rows} == expected
    assert len(rows) == len(expected)
    per_item = defaultdict(Decimal)
    for item, _, amount in rows:
        per_item[item] += amount
    for row in doc["tables"][T07]["rows"]:
        assert per_item[row["item"]] == _row_total(doc, T07, row)


def test_seed_three_public_per_fund_source(con):
    got = dict(
        con.execute(
            "select fund_source, sum(amount_yuan) from v_three_public "
            "where item = '“三公”经费' group by fund_source"
        ).fetchall()
    )
    assert got == {
        "一般公共预算": Decimal("328000.00"),
        "政府性基金预算": Decimal("0.00"),
        "国有资本经营预算": Decimal("0.00"),
    }


def test_seed_known_values(con):
    assert con.execute(
        "select amount_yuan, amount_wan from v_expenditure_by_function "
        "where code = '208' and expenditure_type = '项目支出'"
    ).fetchone() == (Decimal("96177100.00"), Decimal("9617.71"))
    assert con.execute("select count(*), sum(amount_wan) from v_project_budget").fetchone() == (
        22,
        Decimal("9617.71"),
    )
    assert con.execute(
        "select performance_goal from v_project_budget where project_name = ?",
        ["GZIT2021-QM-N-B-028044"],
    ).fetchone() == ("此项目GZIT2021-QM-N-B-028044为涉密项目。",)
    levels = dict(
        con.execute(
            "select level, count(distinct code) from v_expenditure_by_function group by level"
        ).fetchall()
    )
    assert levels == {1: 3, 2: 4, 3: 7}


def test_views_show_every_loaded_document(tmp_path):
    doc = read_doc()
    other = {**doc, "fiscal_year": 2024}
    con = loaded(tmp_path, doc, other)
    years = con.execute(
        "select fiscal_year, count(*) from v_project_budget group by fiscal_year order by 1"
    ).fetchall()
    assert years == [(2023, 22), (2024, 22)]
    yoy = con.execute(read_sql("analyses/yoy_function_class")).fetchall()
    by_key = {(r[2], r[1]): r for r in yoy}
    assert by_key[("208", 2024)][4:8] == (
        Decimal("12203.40"),
        2023,
        Decimal("12203.40"),
        Decimal("0"),
    )
    assert by_key[("208", 2023)][5] is None


def test_year_over_year_matches_a_class_by_code_and_only_the_year_before(tmp_path):
    """A class printed under another name next year is still compared (by its code); a
    year whose previous year is not loaded has no change, not one against an older year."""
    doc = read_doc()
    renamed = copy.deepcopy(doc) | {"fiscal_year": 2024}
    renamed["tables"]["t03_expenditure"]["rows"][1]["name"] = "社会保障和就业"
    after_a_gap = copy.deepcopy(doc) | {"fiscal_year": 2026}
    con = loaded(tmp_path, doc, renamed, after_a_gap)
    yoy = con.execute(read_sql("analyses/yoy_function_class")).fetchall()
    class_208 = [(r[1], r[3], r[5], r[6], r[7]) for r in yoy if r[2] == "208"]
    assert class_208 == [
        (2023, "社会保障和就业支出", None, None, None),
        (2024, "社会保障和就业", 2023, Decimal("12203.40"), Decimal("0")),
        (2026, "社会保障和就业支出", None, None, None),
    ]
