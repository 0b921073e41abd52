"""load_document: nothing lost, exact decimals, idempotent, atomic replacement.

Over 400 lines: each of the loader's guarantees is tested on the same truth documents.
"""

import copy
import dataclasses
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.budget_doc import TABLE_KEYS, YUAN_PER_UNIT
from pipelines.errors import BudgetInputError
from pipelines.settings import WAREHOUSE
from pipelines.warehouse import load as load_module
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.connection import apply_schema, connect, warehouse_path
from pipelines.warehouse.load import load_document
from pipelines.warehouse.vocabulary import vocabulary
from tests.warehouse_helpers import (
    expected_fact_rows,
    make_extraction,
    read_doc,
    table_counts,
    truth_ids,
    truth_paths,
    warehouse,
    yuan,
)

# Every fact cell with the table it came from, so counts can be compared per table.
CELLS_BY_TABLE = """
select table_key, count(*) from (
    select table_key from fact_summary_line
    union all select table_key from fact_income_by_function
    union all select table_key from fact_expenditure_by_function
    union all select table_key from fact_economic_expenditure
    union all select table_key from fact_three_public
    union all select table_key from fact_basic_by_unit
    union all select 't12_projects' from fact_project_fund
)
group by table_key
"""


def published_cells(doc: dict) -> Counter:
    """(table_key, row, column, printed amount) for every non-null cell of the twelve tables."""
    cells = Counter()
    for key in TABLE_KEYS:
        table = doc["tables"].get(key)
        if table is None:
            continue
        if "rows" in table:
            for r, row in enumerate(table["rows"]):
                for c, v in enumerate(row["values"]):
                    if v is not None:
                        cells[(key, r, c, Decimal(v))] += 1
        else:
            for side in ("income", "expenditure"):
                for r, line in enumerate(table.get(side) or []):
                    if line["amount"] is not None:
                        cells[(key, f"{side}:{r}", None, Decimal(line["amount"]))] += 1
    return cells


def stored_cells(con) -> Counter:
    rows = con.execute(
        """
        select table_key, cast(row_index as varchar), column_index, printed_amount
        from fact_income_by_function
        union all select table_key, cast(row_index as varchar), column_index, printed_amount
        from fact_expenditure_by_function
        union all select table_key, cast(row_index as varchar), column_index, printed_amount
        from fact_economic_expenditure
        union all select table_key, cast(row_index as varchar), column_index, printed_amount
        from fact_three_public
        union all select table_key, cast(row_index as varchar), column_index, printed_amount
        from fact_basic_by_unit
        union all select 't12_projects', cast(p.row_index as varchar), f.column_index,
            f.printed_amount
        from fact_project_fund f join dim_project p using (project_id)
        union all select table_key, side || ':' || line_index, null, printed_amount
        from fact_summary_line
        """
    ).fetchall()
    return Counter((k, int(r) if r.isdigit() else r, c, a) for k, r, c, a in rows)


@pytest.mark.parametrize("path", truth_paths(), ids=truth_ids())
def test_every_published_cell_lands_in_one_fact_row(tmp_path, path):
    doc = read_doc(path)
    con = warehouse(tmp_path)
    report = load_document(con, make_extraction(doc))
    assert report.action == "inserted"
    assert report.fact_rows == expected_fact_rows(doc)
    assert stored_cells(con) == published_cells(doc)
    per_table = dict(con.execute(CELLS_BY_TABLE).fetchall())
    expected = Counter(key for key, *_ in published_cells(doc).elements())
    assert per_table == dict(expected)


@pytest.mark.parametrize("path", truth_paths(), ids=truth_ids())
def test_amount_yuan_is_printed_amount_times_unit(tmp_path, path):
    doc = read_doc(path)
    con = warehouse(tmp_path)
    load_document(con, make_extraction(doc))
    for table in (
        "fact_income_by_function",
        "fact_expenditure_by_function",
        "fact_economic_expenditure",
        "fact_three_public",
        "fact_basic_by_unit",
        "fact_summary_line",
    ):
        for key, printed, unit, amount in con.execute(
            f"select table_key, printed_amount, unit, amount_yuan from {table}"
        ).fetchall():
            assert isinstance(amount, Decimal)
            assert amount == printed * YUAN_PER_UNIT[unit]
            assert unit == (doc["tables"][key].get("unit") or doc["unit"])


def test_seed_document_dimension(tmp_path):
    doc = read_doc()
    con = warehouse(tmp_path)
    ext = make_extraction(doc, name="gz.pdf")
    ext.table_pages = {"t07_three_public": [9]}
    load_document(con, ext)
    row = con.execute(
        "select department, fiscal_year, source_file, sha256, page_count, unit "
        "from dim_document join dim_department using (department_id)"
    ).fetchall()
    assert row == [(doc["department"], 2023, "/inbox/gz.pdf", ext.sha256, 20, "万元")]
    assert con.execute(
        "select pages, note from dim_source_table where table_key = 't07_three_public'"
    ).fetchall() == [([9], None)]
    assert con.execute(
        "select note from dim_source_table where table_key = 't08_gov_fund'"
    ).fetchone() == ("本表本年无发生额。",)
    subjects = dict(
        con.execute(
            "select code, level from dim_function_subject where fiscal_year = 2023"
        ).fetchall()
    )
    assert subjects["208"] == 1 and subjects["20801"] == 2 and subjects["2080104"] == 3
    assert con.execute(
        "select name, level, parent_code from dim_economic_subject where code = '30101'"
    ).fetchone() == ("基本工资", 2, "301")
    kinds = Counter(r[0] for r in con.execute("select row_kind from dim_project").fetchall())
    assert kinds == {"total": 1, "unit": 1, "project": 22}


def test_loading_twice_changes_nothing(tmp_path):
    doc = read_doc()
    con = warehouse(tmp_path)
    first = load_document(con, make_extraction(doc, name="a.pdf"))
    before = table_counts(con)
    again = load_document(con, make_extraction(doc, name="renamed copy.pdf"))
    assert table_counts(con) == before
    assert again.action == "reloaded" and again.replaced_sha256 is None
    assert again.sha256 == first.sha256
    assert "reloaded" in again.message


def test_new_edition_replaces_and_reports(tmp_path):
    doc = read_doc()
    con = warehouse(tmp_path)
    old = load_document(con, make_extraction(doc, name="2023.pdf"))
    before = table_counts(con)
    edition = copy.deepcopy(doc)
    edition["tables"]["t07_three_public"]["rows"][1]["values"][0] = "99.99"
    new = load_document(con, make_extraction(edition, name="2023-revised.pdf"))
    assert new.action == "replaced"
    assert new.replaced_sha256 == old.sha256 != new.sha256
    assert new.replaced_source_file == "/inbox/2023.pdf"
    assert "replaced" in new.message and old.sha256[:12] in new.message
    assert table_counts(con) == before
    assert con.execute("select sha256 from dim_document").fetchall() == [(new.sha256,)]
    assert con.execute(
        "select printed_amount from fact_three_public where row_index = 1 and column_index = 0"
    ).fetchone() == (Decimal("99.99"),)


def test_other_year_is_a_separate_document(tmp_path):
    doc = read_doc()
    con = warehouse(tmp_path)
    load_document(con, make_extraction(doc))
    other = copy.deepcopy(doc)
    other["fiscal_year"] = 2024
    report = load_document(con, make_extraction(other))
    assert report.action == "inserted"
    assert con.execute("select count(*) from dim_document").fetchone() == (2,)
    assert con.execute("select count(*) from fact_three_public").fetchone() == (56,)


def test_failure_mid_load_keeps_previous_rows(tmp_path, monkeypatch):
    doc = read_doc()
    con = warehouse(tmp_path)
    old = load_document(con, make_extraction(doc))
    before = table_counts(con)
    real_insert = load_module._insert_mart

    def failing_insert(con, mart, parameters):
        if mart == "marts/fact_project_fund":
            raise RuntimeError("disk full")
        return real_insert(con, mart, parameters)

    monkeypatch.setattr(load_module, "_insert_mart", failing_insert)
    edition = copy.deepcopy(doc)
    edition["tables"]["t03_expenditure"]["rows"][0]["values"][0] = "1.00"
    with pytest.raises(RuntimeError, match="disk full"):
        load_document(con, make_extraction(edition, name="new.pdf"))
    assert table_counts(con) == before
    assert con.execute("select sha256 from dim_document").fetchall() == [(old.sha256,)]
    assert con.execute(
        "select printed_amount from fact_expenditure_by_function "
        "where table_key = 't03_expenditure' and row_index = 0 and column_index = 0"
    ).fetchone() == (Decimal("13004.92"),)
    # the connection is usable afterwards
    monkeypatch.undo()
    assert load_document(con, make_extraction(edition)).action == "replaced"


def test_null_cells_are_not_facts(tmp_path):
    doc = copy.deepcopy(read_doc())
    doc["tables"]["t02_income"]["rows"][3]["values"][5] = None
    doc["tables"]["t12_projects"]["rows"][4]["values"][6] = None
    doc["tables"]["t01_summary"]["income"][0]["amount"] = None
    con = warehouse(tmp_path)
    report = load_document(con, make_extraction(doc))
    assert report.fact_rows == expected_fact_rows(read_doc()) - 3 == expected_fact_rows(doc)


def test_table_unit_overrides_document_unit(tmp_path):
    doc = copy.deepcopy(read_doc())
    doc["tables"]["t07_three_public"]["unit"] = "元"
    con = warehouse(tmp_path)
    load_document(con, make_extraction(doc))
    assert con.execute(
        "select amount_yuan, unit from fact_three_public where row_index = 1 and column_index = 0"
    ).fetchone() == (Decimal("32.80"), "元")
    assert con.execute(
        "select unit from dim_source_table where table_key = 't07_three_public'"
    ).fetchone() == ("元",)
    assert yuan(doc, "t07_three_public", "32.80") == Decimal("32.80")


def test_missing_table_does_not_crash(tmp_path):
    doc = copy.deepcopy(read_doc())
    del doc["tables"]["t09_state_capital"]
    con = warehouse(tmp_path)
    report = load_document(con, make_extraction(doc))
    assert report.fact_rows == expected_fact_rows(doc)


def test_extra_tables_land_in_generic_cells(tmp_path):
    doc = copy.deepcopy(read_doc())
    doc["extra_tables"] = [
        {
            "title": "政府采购预算表",
            "unit": "元",
            "pages": [17, 18],
            "columns": ["合计", "货物", "备注"],
            "rows": [
                {"label": "合计", "values": ["100.00", "100.00", None]},
                {"label": "办公设备", "values": ["100.00", "100.00", "集中采购"]},
            ],
        }
    ]
    con = warehouse(tmp_path)
    report = load_document(con, make_extraction(doc))
    assert report.rows["fact_generic_cell"] == 5
    assert report.fact_rows == expected_fact_rows(doc)
    rows = con.execute(
        "select row_label, column_name, is_total_row, is_total_column, printed_value, "
        "amount_yuan from fact_generic_cell order by row_index, column_index"
    ).fetchall()
    assert rows[0] == ("合计", "合计", True, True, "100.00", Decimal("100.00"))
    assert rows[-1] == ("办公设备", "备注", False, False, "集中采购", None)
    assert con.execute(
        "select table_title, kind, unit, pages, row_count from dim_source_table "
        "where table_key = 'extra_00'"
    ).fetchone() == ("政府采购预算表", None, "元", [17, 18], 2)


@pytest.mark.parametrize(
    ("where", "value", "reason"),
    [
        ("t03_expenditure", "12,3.4", "not an amount"),
        ("t03_expenditure", "1.005", "two-decimal"),
        ("unit", "千元", "unknown unit"),
        ("department", "", "no department"),
    ],
)
def test_bad_documents_are_refused_before_anything_changes(tmp_path, where, value, reason):
    con = warehouse(tmp_path)
    load_document(con, make_extraction(read_doc()))
    before = table_counts(con)
    doc = copy.deepcopy(read_doc())
    if where in ("unit", "department"):
        doc[where] = value
    else:
        doc["tables"][where]["rows"][1]["values"][1] = value
    with pytest.raises(BudgetInputError, match=reason):
        load_document(con, make_extraction(doc))
    assert table_counts(con) == before


def test_every_table_of_the_vocabulary_has_the_marts_it_names():
    """Adding a table type is a vocabulary line (plus a mart for a new fact): every fact
    table and dimension a line names is inserted by its own file of sql/marts/."""
    marts = {name.split("/")[-1] for name in load_module.MARTS}
    assert [line["table_key"] for line in vocabulary()] == list(TABLE_KEYS)
    for line in vocabulary():
        named = {line["fact_table"], line["subject_dimension"], line["column_dimension"]}
        assert named - {None} <= marts, line["table_key"]


def test_the_delete_statement_names_only_a_table_of_one_documents_rows():
    assert load_module._delete_statement("fact_three_public").splitlines()[1] == (
        'delete from "fact_three_public"'
    )
    with pytest.raises(ValueError, match="'dim_department' is not a table of one document"):
        load_module._delete_statement("dim_department")


@dataclasses.dataclass
class Result:
    check_name: str
    severity: str
    passed: bool
    detail: str


def test_record_check_results_replaces_a_documents_rows(tmp_path):
    doc = read_doc()
    con = warehouse(tmp_path)
    ext = make_extraction(doc)
    loaded_at = datetime(2026, 3, 1, 9, 30)
    load_document(con, ext, loaded_at=loaded_at)
    key = (doc["department"], doc["fiscal_year"])
    n = record_check_results(
        con,
        *key,
        [
            {"check_name": "t03_total", "severity": "ERROR", "passed": True, "detail": ""},
            Result("t06_rounding", "WARN", False, "合计 3387.21 vs 3387.22"),
        ],
    )
    assert n == 2
    record_check_results(con, "其他部门", 2023, [Result("x", "WARN", True, "")])
    rows = con.execute(
        "select * from dq_check_result where department = ? order by check_name", [key[0]]
    ).fetchall()
    edition = ("department", "budget", ext.sha256, loaded_at)  # the edition checked, its load
    assert rows == [  # a passed check has no severity, whatever it said
        (*key, "t03_total", None, True, "", *edition),
        (*key, "t06_rounding", "WARN", False, "合计 3387.21 vs 3387.22", *edition),
    ]
    assert con.execute(
        "select distinct sha256 from fact_dq_check where department = ?", [key[0]]
    ).fetchall() == [(ext.sha256,)]
    record_check_results(con, *key, [Result("t03_total", "ERROR", False, "off by 0.01")])
    assert con.execute(
        "select check_name, passed from dq_check_result where department = ?", [key[0]]
    ).fetchall() == [("t03_total", False)]
    # loading the document again leaves the check results alone
    load_document(con, ext)
    assert con.execute("select count(*) from dq_check_result").fetchone() == (2,)


def test_record_check_results_refuses_bad_results_and_keeps_old_ones(tmp_path):
    con = warehouse(tmp_path)
    record_check_results(con, "部门", 2023, [Result("a", "WARN", True, "")])
    with pytest.raises(ValueError, match="severity"):
        record_check_results(con, "部门", 2023, [Result("b", "INFO", False, "")])
    with pytest.raises(ValueError, match="severity None not ERROR/WARN"):
        record_check_results(con, "部门", 2023, [{"check_name": "b", "passed": False}])
    with pytest.raises(ValueError, match="twice"):
        record_check_results(con, "部门", 2023, [Result("b", "WARN", True, "")] * 2)
    assert con.execute("select check_name from dq_check_result").fetchall() == [("a",)]
    assert record_check_results(con, "部门", 2023, []) == 0
    assert con.execute("select count(*) from dq_check_result").fetchone() == (0,)


def test_warehouse_path_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("BUDGET_WAREHOUSE", raising=False)
    assert warehouse_path(None) == Path(WAREHOUSE.default)
    monkeypatch.setenv("BUDGET_WAREHOUSE", str(tmp_path / "env.duckdb"))
    assert warehouse_path(None) == tmp_path / "env.duckdb"
    assert warehouse_path(str(tmp_path / "flag.duckdb")) == tmp_path / "flag.duckdb"


def test_connect_creates_folders_and_schema_idempotently(tmp_path):
    path = tmp_path / "a" / "b" / "w.duckdb"
    con = connect(path)
    load_document(con, make_extraction(read_doc()))
    con.close()
    con = connect(path)  # schema applied again over existing tables: nothing lost
    assert con.execute("select count(*) from fact_project_fund").fetchone() == (168,)
    con.close()
    ro = connect(path, read_only=True)
    with pytest.raises(duckdb.Error):
        ro.execute("create table x (a integer)")


@settings(max_examples=30, deadline=None)
@given(
    cents=st.lists(st.integers(min_value=-(10**14), max_value=10**14), min_size=4, max_size=4),
    unit=st.sampled_from(sorted(YUAN_PER_UNIT)),
)
def test_amounts_round_trip_exactly(cents, unit):
    doc = copy.deepcopy(read_doc())
    doc["tables"]["t07_three_public"]["unit"] = unit
    printed = [str(Decimal(c).scaleb(-2)) for c in cents]
    doc["tables"]["t07_three_public"]["rows"][0]["values"] = printed
    con = duckdb.connect()
    apply_schema(con)
    load_document(con, make_extraction(doc))
    rows = con.execute(
        "select printed_amount, amount_yuan from fact_three_public "
        "where row_index = 0 order by column_index"
    ).fetchall()
    assert rows == [(Decimal(p), Decimal(p) * YUAN_PER_UNIT[unit]) for p in printed]
