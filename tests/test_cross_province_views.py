"""Cross-province analysis: every document in v_expenditure_by_function, 三公 categories,
the other tables (aliases and document kinds: test_department_aliases.py).

Figures marked "read off the page" were read from the printed PDFs by hand
(../shared/real/README.md, tests/real_expectations.json, or the page named beside them),
never from the extractor.
"""

import copy
from collections import defaultdict
from decimal import Decimal

import pytest

from pipelines.budget_doc import TOTAL_COLUMNS, YUAN_PER_UNIT
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from pipelines.warehouse.reference import (
    read_department_aliases,
)
from pipelines.warehouse.sql_files import read_sql
from pipelines.warehouse.staging import is_total_label
from tests.inputs import REAL, REPO, extracted
from tests.warehouse_helpers import (
    loaded,
    read_doc,
    truth_ids,
    truth_paths,
)

REFERENCE = REPO / "data" / "reference"
PARTY_PRINTED = "中国共产党江苏省委员会办公厅"
PARTY = "中共江苏省委办公厅"

# The real budgets that load today, with the 合计 of the function table the view must use,
# read off the page (unit as printed).
FUNCTION_TOTALS = {
    "js_npc_2017": ("t05_gpb_function", "13649.07"),  # p16
    "js_npc_2018": ("t05_gpb_function", "15897.44"),  # p13
    "js_party_office_2017_tables": ("t05_gpb_function", "20702.25"),  # p8
    "js_party_office_2018_tables": ("t05_gpb_function", "24458.43"),  # p9
    "js_party_office_2019_tables": ("t05_gpb_function", "27664.22"),
    "js_procuratorate_2017": ("t05_gpb_function", "17981.68"),
    "js_procuratorate_2018": ("t05_gpb_function", "21940.96"),
    "js_procuratorate_2019": ("t05_gpb_function", "24169.74"),
    "sh_putuo_commerce_2025": ("t03_expenditure", "371514655.00"),
    "sh_putuo_justice_2026_unit": ("t03_expenditure", "86959408.34"),  # p12
    "sh_putuo_wanli_2023": ("t03_expenditure", "164978640.00"),  # p18
    "sh_putuo_wanli_2024": ("t03_expenditure", "156211123.00"),
}
# 三公 total in 万元, read off the page.
THREE_PUBLIC_TOTALS = {
    "js_npc_2017": "833.60",
    "js_npc_2018": "833.60",
    "js_party_office_2017_tables": "509.20",
    "js_party_office_2018_tables": "508.20",  # p11
    "js_party_office_2019_tables": "508.20",
    "js_procuratorate_2017": "584.35",
    "js_procuratorate_2018": "484.30",
    "js_procuratorate_2019": "418.26",
    "sh_putuo_commerce_2025": "1.00",
    "sh_putuo_justice_2026_unit": "10.71",  # p20
    "sh_putuo_wanli_2023": "22.91",
    "sh_putuo_wanli_2024": "47.91",
}
REAL_STEMS = sorted(FUNCTION_TOTALS)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """(connection, stem -> budget-doc) with every real budget above loaded."""
    con = connect(tmp_path_factory.mktemp("real") / "real.duckdb")
    docs = {}
    for stem in REAL_STEMS:
        extraction = extracted(REAL / f"{stem}.pdf")
        load_document(con, extraction)
        docs[stem] = extraction.doc
    yield con, docs
    con.close()


def _filed(doc: dict) -> tuple[str, int]:
    aliases = read_department_aliases(REFERENCE)
    return aliases.get(doc["department"], doc["department"]), int(doc["fiscal_year"])


def _function_table(doc: dict, source_table: str) -> dict:
    if source_table.startswith("extra_"):
        return doc["extra_tables"][int(source_table.removeprefix("extra_"))]
    return doc["tables"][source_table]


def _printed_totals(doc: dict, source_table: str) -> dict[str, tuple[Decimal, int]]:
    """Leaf column -> (its printed 合计 in 元, number of 类 rows adding up to it)."""
    table = _function_table(doc, source_table)
    factor = YUAN_PER_UNIT[table.get("unit") or doc["unit"]]
    if source_table.startswith("extra_"):  # an extra table labels its rows `code/name`
        rows = []
        for row in table["rows"]:
            code, slash, name = row["label"].partition("/")
            rows.append(row | ({"code": code, "name": name} if slash else {"name": code}))
    else:
        rows = table["rows"]
    total = next(r for r in rows if not r.get("code") and is_total_label(r["name"]))
    classes = sum(1 for r in rows if len(r.get("code") or "") == 3)
    return {
        column: (Decimal(value) * factor, classes)
        for column, value in zip(table["columns"], total["values"], strict=False)
        if column not in TOTAL_COLUMNS and value is not None
    }


def _assert_class_rows_add_up(con, doc: dict) -> str:
    """Level-1 rows of the view add up to the printed 合计 of the table they come from,
    per column, within the rounding rule (½ of the last printed digit per addend)."""
    department, year = _filed(doc)
    rows = con.execute(
        "select source_table, expenditure_type, sum(amount_yuan) from v_expenditure_by_function "
        "where department = ? and fiscal_year = ? and level = 1 group by all",
        [department, year],
    ).fetchall()
    sources = {source for source, _, _ in rows}
    assert len(sources) == 1, sources
    (source,) = sources
    printed = _printed_totals(doc, source)
    table = _function_table(doc, source)
    factor = YUAN_PER_UNIT[table.get("unit") or doc["unit"]]
    digit = Decimal(1).scaleb(-table.get("printed_decimals", 2))  # a whole-元 cell: 1
    got = {column: amount for _, column, amount in rows}
    assert set(got) == set(printed)
    for column, (total, classes) in printed.items():
        assert abs(got[column] - total) <= digit / 2 * factor * classes, column
    return source


@pytest.mark.real
@pytest.mark.parametrize("stem", REAL_STEMS)
def test_every_real_budget_is_in_the_function_view_from_its_fullest_table(real, stem):
    con, docs = real
    doc = docs[stem]
    source = _assert_class_rows_add_up(con, doc)
    want_source, want_total = FUNCTION_TOTALS[stem]
    assert source == want_source
    factor = YUAN_PER_UNIT[doc["tables"][source].get("unit") or doc["unit"]]
    assert con.execute(
        "select sum(amount_yuan) from v_expenditure_by_function "
        "where department = ? and fiscal_year = ? and level = 1",
        list(_filed(doc)),
    ).fetchone() == (Decimal(want_total) * factor,)


@pytest.mark.real
def test_the_function_view_covers_every_loaded_document(real):
    con, _ = real
    documents = con.execute(
        "select department, fiscal_year from dim_document join dim_department "
        "using (department_id) order by all"
    ).fetchall()
    in_view = con.execute(
        "select distinct department, fiscal_year from v_expenditure_by_function order by all"
    ).fetchall()
    assert in_view == documents and len(documents) == len(REAL_STEMS)


@pytest.mark.parametrize("path", truth_paths(), ids=truth_ids())
def test_samples_use_t03_and_their_class_rows_add_up(tmp_path, path):
    doc = read_doc(path)
    con = loaded(tmp_path, doc)
    assert _assert_class_rows_add_up(con, doc) == "t03_expenditure"


def _function_rule_doc(extra_rows: list[dict]) -> dict:
    """A Jiangsu-shaped budget: t03 prints only 合计, t05 and a 财政拨款 extra table."""
    doc = copy.deepcopy(read_doc())
    doc["tables"]["t03_expenditure"]["rows"] = [
        {"code": None, "name": "合计", "values": ["150.00", "150.00", None, None]}
    ]
    doc["tables"]["t05_gpb_function"] = {
        "columns": ["金额"],
        "rows": [
            {"code": None, "name": "合计", "values": ["100.00"]},
            {"code": "201", "name": "一般公共服务支出", "values": ["100.00"]},
            {"code": "20101", "name": "人大事务", "values": ["100.00"]},
        ],
    }
    doc["extra_tables"] = [
        {
            "title": "财政拨款基本支出预算表(经济科目)",
            "columns": ["金额"],
            "rows": [{"label": "301/工资福利支出", "values": ["900.00"]}],
        },
        {"title": "财政拨款支出预算表(功能科目)", "columns": ["金额"], "rows": extra_rows},
    ]
    return doc


def test_function_view_takes_the_table_covering_more_money(tmp_path):
    """A 财政拨款 table that adds 政府性基金 money to t05's is the fuller one; economic
    codes (3xx) never make a function table."""
    doc = _function_rule_doc(
        [
            {"label": "合计", "values": ["150.00"]},
            {"label": "201/一般公共服务支出", "values": ["100.00"]},
            {"label": "20101/人大事务", "values": ["100.00"]},
            {"label": "212/城乡社区支出", "values": ["50.00"]},
        ]
    )
    con = loaded(tmp_path, doc)
    assert con.execute(
        "select source_table, code, name, level, expenditure_type, amount_yuan "
        "from v_expenditure_by_function"
    ).fetchall() == [
        ("extra_01", "201", "一般公共服务支出", 1, "金额", Decimal("1000000.00")),
        ("extra_01", "20101", "人大事务", 2, "金额", Decimal("1000000.00")),
        ("extra_01", "212", "城乡社区支出", 1, "金额", Decimal("500000.00")),
    ]


def test_function_view_prefers_the_typed_table_on_a_tie(tmp_path):
    doc = _function_rule_doc(
        [
            {"label": "合计", "values": ["100.00"]},
            {"label": "201/一般公共服务支出", "values": ["100.00"]},
        ]
    )
    con = loaded(tmp_path, doc)
    assert con.execute(
        "select distinct source_table from v_expenditure_by_function"
    ).fetchall() == [("t05_gpb_function",)]


def _categories(con, department: str, year: int) -> dict[str, Decimal]:
    return dict(
        con.execute(
            "select category, sum(amount_wan) from v_three_public "
            "where department = ? and fiscal_year = ? group by category",
            [department, year],
        ).fetchall()
    )


@pytest.mark.real
@pytest.mark.parametrize("stem", REAL_STEMS)
def test_real_three_public_total_is_the_printed_one(real, stem):
    con, docs = real
    got = _categories(con, *_filed(docs[stem]))
    assert got["three_public_total"] == Decimal(THREE_PUBLIC_TOTALS[stem])
    assert None not in got  # every printed item has a category


@pytest.mark.parametrize("path", truth_paths(), ids=truth_ids())
def test_sample_three_public_categories(tmp_path, path):
    doc = read_doc(path)
    con = loaded(tmp_path, doc)
    table = doc["tables"]["t07_three_public"]
    factor = YUAN_PER_UNIT[table.get("unit") or doc["unit"]] * Decimal("0.0001")
    printed = {row["item"]: Decimal(row["values"][0]) * factor for row in table["rows"]}
    got = _categories(con, doc["department"], doc["fiscal_year"])
    assert got == {
        "admin_operating": printed["行政经费"],
        "three_public_total": printed["“三公”经费"],
        "outbound": printed["其中:(一)因公出国(境)支出"],
        "vehicle_total": printed["(二)公务用车购置及运行维护支出"],
        "vehicle_purchase": printed["1.公务用车购置"],
        "vehicle_operation": printed["2.公务用车运行维护费"],
        "reception": printed["(三)公务接待费支出"],
    }


@pytest.mark.real
def test_vehicle_total_is_purchase_plus_operation_where_printed(real, tmp_path):
    con, _ = real
    samples = loaded(tmp_path, *(read_doc(p) for p in truth_paths()))
    query = (
        "select department, fiscal_year, category, sum(amount_yuan) from v_three_public "
        "where category like 'vehicle_%' group by all"
    )
    by_document = defaultdict(dict)
    for connection in (con, samples):
        for department, year, category, amount in connection.execute(query).fetchall():
            by_document[(department, year)][category] = amount
    complete = {k: v for k, v in by_document.items() if len(v) == 3}
    assert sorted(complete) == [
        ("上海市普陀区人民政府万里街道办事处", 2023),
        ("上海市普陀区人民政府万里街道办事处", 2024),
        ("上海市普陀区司法局", 2026),
        ("广州市人力资源和社会保障数据服务中心", 2023),
        ("广州市城市更新研究中心", 2022),
        ("广州市水务工程建设中心", 2025),
        ("广州市示范区教育局", 2024),
        ("江苏省人大常委会办公厅", 2017),
        ("江苏省人民检察院", 2017),
    ]
    for amounts in complete.values():
        assert (
            amounts["vehicle_total"] == amounts["vehicle_purchase"] + amounts["vehicle_operation"]
        )


@pytest.mark.real
def test_three_public_trend_follows_one_body_across_its_names(real):
    con, _ = real
    rows = con.execute(read_sql("analyses/three_public_trend")).fetchall()
    party = [r for r in rows if r[0] == PARTY and r[2] == "three_public_total"]
    trend = [(year, amount, before, change) for _, year, _, amount, before, change, *_ in party]
    assert trend == [
        (2017, Decimal("509.20"), None, None),
        (2018, Decimal("508.20"), 2017, Decimal("-1.00")),
        (2019, Decimal("508.20"), 2018, Decimal("0.00")),
    ]


# Read off the narrative pages: 机关运行经费 and 政府采购 as the 说明 states them (万元), which
# the other tables' 合计 rows print too.
OTHER_TABLE_TOTALS = {
    "js_procuratorate_2019": {"机关运行经费": "2391.92", "政府采购": "2744.84"},  # p.31
}


@pytest.mark.real
@pytest.mark.parametrize("stem", sorted(OTHER_TABLE_TOTALS))
def test_other_tables_are_a_view_with_their_printed_totals(real, stem):
    """v_other_table: the tables beside the standard twelve, cell for cell, as printed."""
    con, docs = real
    department, year = _filed(docs[stem])
    for word, stated in OTHER_TABLE_TOTALS[stem].items():
        (table_title, amount_wan, page) = con.execute(
            "select table_title, amount_wan, source_page from v_other_table "
            "where department = ? and fiscal_year = ? and is_total_row "
            "and contains(table_title, ?) and amount_yuan is not null "
            "order by column_index limit 1",
            [department, year, word],
        ).fetchone()
        assert amount_wan == Decimal(stated), table_title
        assert page is not None
    printed = [
        (table["title"], row["label"], value)
        for table in docs[stem]["extra_tables"]
        for row in table["rows"]
        for value in row["values"]
        if value is not None
    ]
    stored = con.execute(
        "select table_title, row_label, printed_value from v_other_table "
        "where department = ? and fiscal_year = ?",
        [department, year],
    ).fetchall()
    assert sorted(stored) == sorted(printed)  # every printed cell, once
