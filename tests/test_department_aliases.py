"""Department aliases (one body printed under two names is filed under one name) and
document kinds in the warehouse: figures from the seed's truth or read off the real pages."""

import copy

import duckdb
import pytest

from pipelines import quality, settings
from pipelines.errors import BudgetInputError
from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import partition_key
from pipelines.warehouse.checks import record_check_results
from pipelines.warehouse.connection import connect
from pipelines.warehouse.findings import check_rows
from pipelines.warehouse.load import load_document
from pipelines.warehouse.reference import (
    ReferenceDataError,
    read_department_aliases,
    read_three_public_categories,
)
from tests.inputs import REAL, REPO
from tests.warehouse_helpers import (
    make_extraction,
    read_doc,
    warehouse,
)

REFERENCE = REPO / "data" / "reference"
PARTY_PRINTED = "中国共产党江苏省委员会办公厅"
PARTY = "中共江苏省委办公厅"


# --- department aliases -------------------------------------------------------------


def _printed_as(name: str, year: int) -> dict:
    return {**copy.deepcopy(read_doc()), "department": name, "fiscal_year": year}


def test_two_printed_names_of_one_body_are_one_department(tmp_path):
    con = warehouse(tmp_path)
    report = load_document(con, make_extraction(_printed_as(PARTY_PRINTED, 2017)))
    assert (report.department, report.printed_department) == (PARTY, PARTY_PRINTED)
    load_document(con, make_extraction(_printed_as(PARTY, 2018)))
    assert con.execute(
        "select department, printed_department, fiscal_year from dim_document "
        "join dim_department using (department_id) order by fiscal_year"
    ).fetchall() == [(PARTY, PARTY_PRINTED, 2017), (PARTY, PARTY, 2018)]
    assert con.execute("select distinct department from v_project_budget").fetchall() == [(PARTY,)]


def test_a_reprint_under_the_other_name_replaces(tmp_path):
    con = warehouse(tmp_path)
    load_document(con, make_extraction(_printed_as(PARTY, 2017), name="a.pdf"))
    reprint = _printed_as(PARTY_PRINTED, 2017)
    reprint["tables"]["t07_three_public"]["rows"][1]["values"][0] = "33.80"
    report = load_document(con, make_extraction(reprint, name="b.pdf"))
    assert report.action == "replaced" and report.replaced_source_file == "/inbox/a.pdf"
    assert con.execute("select printed_department, source_file from dim_document").fetchall() == [
        (PARTY_PRINTED, "/inbox/b.pdf")
    ]


@pytest.mark.real
def test_budget_load_files_both_names_under_one_partition_name(tmp_path, capsys):
    """Through the Dagster graph: partition, checks and reporting views all use the filed
    name, so the 2017 and 2018 budgets of the same office line up."""
    from pipelines.cli import main

    path = tmp_path / "w.duckdb"
    files = [REAL / f"js_party_office_{year}_tables.pdf" for year in (2017, 2018)]
    assert main(["load", *map(str, files), "--warehouse", str(path)]) == 0
    assert capsys.readouterr().out.count("loaded: ") == 2
    con = connect(path, read_only=True)
    assert con.execute(
        "select distinct department, fiscal_year from dq_check_result order by 2"
    ).fetchall() == [(PARTY, 2017), (PARTY, 2018)]
    assert con.execute(
        "select fiscal_year, printed_department from dim_document order by 1"
    ).fetchall() == [(2017, PARTY_PRINTED), (2018, PARTY)]
    con.close()


def test_partition_key_uses_the_filed_name():
    assert partition_key(DocumentIdentity(PARTY_PRINTED, 2017)) == f"2017|{PARTY}"
    assert partition_key(DocumentIdentity(PARTY, 2018)) == f"2018|{PARTY}"


@pytest.fixture
def reference(tmp_path, monkeypatch):
    """An editable copy of data/reference, used by every open and partition key."""
    folder = tmp_path / "reference"
    folder.mkdir()
    for csv_file in REFERENCE.glob("*.csv"):
        (folder / csv_file.name).write_bytes(csv_file.read_bytes())
    monkeypatch.setenv(settings.REFERENCE.env, str(folder))
    return folder / "department_aliases.csv"


def _departments(path) -> list[tuple]:
    con = connect(path)
    try:
        return con.execute(
            "select dim_department.department, fiscal_year, printed_department, "
            "(select distinct department from fact_dq_check c where c.sha256 = d.sha256) "
            "from dim_document d join dim_department using (department_id) order by 2"
        ).fetchall()
    finally:
        con.close()


def test_editing_the_alias_csv_repoints_loaded_documents_on_the_next_open(tmp_path, reference):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    for name, year in (("江苏省人大办公厅", 2017), ("江苏省人大常委会办公厅", 2018)):
        doc = _printed_as(name, year)
        report = load_document(con, make_extraction(doc))
        checks = check_rows(quality.run_document_checks(doc))  # the seed's rounding tails
        record_check_results(con, report.department, year, checks, sha256=report.sha256)
    con.close()
    assert partition_key(DocumentIdentity("江苏省人大办公厅", 2017)) == "2017|江苏省人大办公厅"

    with open(reference, "a", encoding="utf-8") as csv_file:
        csv_file.write("江苏省人大办公厅,江苏省人大常委会办公厅\n")
    assert _departments(path) == [
        ("江苏省人大常委会办公厅", 2017, "江苏省人大办公厅", "江苏省人大常委会办公厅"),
        ("江苏省人大常委会办公厅", 2018, "江苏省人大常委会办公厅", "江苏省人大常委会办公厅"),
    ]
    assert (
        partition_key(DocumentIdentity("江苏省人大办公厅", 2017)) == "2017|江苏省人大常委会办公厅"
    )
    con = connect(path)
    assert con.execute("select department from dim_department").fetchall() == [
        ("江苏省人大常委会办公厅",)
    ]
    # the check rows and their findings follow the document
    for relation in ("dq_check_result", "dq_finding"):
        assert con.execute(
            f"select distinct fiscal_year, department from {relation} order by all"
        ).fetchall() == [(2017, "江苏省人大常委会办公厅"), (2018, "江苏省人大常委会办公厅")]
    assert con.execute("select count(*) from dq_finding").fetchone() == (2 * 12,)
    con.close()

    reference.write_text("alias,department\n", encoding="utf-8")  # alias removed again
    assert _departments(path) == [
        ("江苏省人大办公厅", 2017, "江苏省人大办公厅", "江苏省人大办公厅"),
        ("江苏省人大常委会办公厅", 2018, "江苏省人大常委会办公厅", "江苏省人大常委会办公厅"),
    ]


def test_an_alias_that_would_merge_two_loaded_documents_is_refused(tmp_path, reference):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    load_document(con, make_extraction(_printed_as("甲办公厅", 2017), name="a.pdf"))
    load_document(con, make_extraction(_printed_as("乙办公厅", 2017), name="b.pdf"))
    con.close()
    with open(reference, "a", encoding="utf-8") as csv_file:
        csv_file.write("甲办公厅,乙办公厅\n")
    with pytest.raises(ReferenceDataError) as raised:
        connect(path)
    assert str(raised.value) == (
        f"{reference}: 乙办公厅 and 甲办公厅 would both be 乙办公厅 2017 (/inbox/b.pdf, "
        "/inbox/a.pdf); one department × year × kind × stage is one document: drop the alias "
        "line or keep one of the files"
    )
    ro = duckdb.connect(str(path), read_only=True)
    assert ro.execute("select count(*) from ref_department_alias").fetchone() == (1,)
    ro.close()


def test_an_alias_may_file_a_unit_and_a_department_budget_together(tmp_path, reference):
    path = tmp_path / "w.duckdb"
    con = connect(path)
    unit = {**_printed_as("甲办公厅", 2017), "document_kind": "unit"}
    load_document(con, make_extraction(unit, name="a.pdf"))
    load_document(con, make_extraction(_printed_as("乙办公厅", 2017), name="b.pdf"))
    con.close()
    with open(reference, "a", encoding="utf-8") as csv_file:
        csv_file.write("甲办公厅,乙办公厅\n")
    con = connect(path)  # the alias applies: two documents of one department and year
    assert con.execute(
        "select department, fiscal_year, printed_department, document_kind from dim_document "
        "join dim_department using (department_id) order by document_kind"
    ).fetchall() == [
        ("乙办公厅", 2017, "乙办公厅", "department"),
        ("乙办公厅", 2017, "甲办公厅", "unit"),
    ]
    con.close()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("name,department\n甲,乙\n", r"aliases.csv:1: header must be alias,department"),
        ("alias,department\n甲,\n", r"aliases.csv:2: expected two non-empty cells"),
        ("alias,department\n甲,乙\n甲,丙\n", r"aliases.csv:3: 甲 is mapped to 乙 and to 丙"),
        ("alias,department\n甲,乙\n乙,丙\n", r"甲 → 乙 → 丙: map every printed name straight"),
        ("alias,department\n甲,甲\n", r"aliases.csv:2: 甲 is mapped to itself"),
    ],
)
def test_malformed_alias_files_are_refused_with_file_and_line(tmp_path, text, reason):
    (tmp_path / "department_aliases.csv").write_text(text, encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=reason):
        read_department_aliases(tmp_path)


def test_unknown_three_public_category_is_refused(tmp_path):
    (tmp_path / "three_public_categories.csv").write_text(
        "pattern,category\n三公,three_public_total\n差旅费,travel\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match=r"categories.csv:3: category 'travel' is not"):
        read_three_public_categories(tmp_path)


# --- document kinds -----------------------------------------------------------------


def test_document_kind_is_stored(tmp_path):
    con = warehouse(tmp_path)
    load_document(con, make_extraction(read_doc()))
    unit = {**_printed_as("上海市普陀区司法局", 2026), "document_kind": "unit"}
    report = load_document(con, make_extraction(unit))
    assert report.document_kind == "unit"
    assert con.execute(
        "select fiscal_year, document_kind from dim_document order by 1"
    ).fetchall() == [(2023, "department"), (2026, "unit")]
    with pytest.raises(BudgetInputError, match="document_kind 'branch' is not one of"):
        load_document(con, make_extraction({**unit, "document_kind": "branch"}))
