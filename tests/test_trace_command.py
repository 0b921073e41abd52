"""`budget trace "SQL"`: each result row's file, page, box and the text printed there."""

import json
import re
import shutil
from decimal import Decimal

import pytest

from pipelines.cleaning import parse_amount
from pipelines.cli import main
from pipelines.extraction import extract_document
from pipelines.extraction.document import file_sha256
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import load_document
from tests.inputs import REAL, REPO, extracted
from tests.warehouse_helpers import make_extraction, read_doc

SAMPLE = REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf"
ROTATED = REAL / "js_party_office_2019_tables.pdf"
# The documented way to trace a 三公 figure (docs/warehouse.md, Tracing).
THREE_PUBLIC = """
select fact.document_id, fact.source_page, fact.box_x0, fact.box_top, fact.box_x1,
    fact.box_bottom, dim_department.department, fact.item, fact.fund_source,
    fact.printed_amount, fact.unit
from fact_three_public as fact
join dim_document using (document_id)
join dim_department using (department_id)
where {where}
order by dim_department.department, fact.row_index, fact.column_index
"""
HRSS = "dim_department.department = '广州市人力资源和社会保障数据服务中心'"
ONE_FIGURE = THREE_PUBLIC.format(
    where=f"{HRSS} and fact.item = '“三公”经费' and fact.column_index = 0"
)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    """Copies of a sample and of a real PDF with /Rotate 90 pages, to load and to spoil."""
    folder = tmp_path_factory.mktemp("pdfs")
    for pdf in (SAMPLE, ROTATED):
        shutil.copy(pdf, folder / pdf.name)
    return folder


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory, pdfs):
    path = tmp_path_factory.mktemp("trace") / "budget.duckdb"
    con = connect(path)
    for pdf in sorted(pdfs.glob("*.pdf")):
        load_document(con, extract_document(pdf))
    con.close()
    return path


def trace(capsys, warehouse, sql, *options):
    code = main(["trace", sql, "--warehouse", str(warehouse), *options])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.real
def test_prints_file_page_box_and_the_printed_text(capsys, warehouse_file, pdfs):
    code, out, err = trace(
        capsys,
        warehouse_file,
        ONE_FIGURE,
    )
    assert (code, err) == (0, "")
    # 32.80 万元 as page 13 of the sample prints it, in the 合计 column of the 三公 row
    assert out == (
        "1. department=广州市人力资源和社会保障数据服务中心  item=“三公”经费  fund_source=合计"
        "  printed_amount=32.80  unit=万元\n"
        f"   {pdfs / SAMPLE.name}  page 13  box x 351.58–464.98, y 136.97–153.17 (pt)\n"
        "   printed: 32.80\n"
        "(1 row)\n"
    )


@pytest.mark.real
def test_every_traced_fact_reads_as_its_amount_on_rotated_pages_too(capsys, warehouse_file):
    code, out, err = trace(
        capsys, warehouse_file, THREE_PUBLIC.format(where="true"), "--format", "json"
    )
    assert (code, err) == (0, "")
    records = json.loads(out)
    departments = {r["row"]["department"] for r in records}
    assert departments == {"广州市人力资源和社会保障数据服务中心", "中共江苏省委办公厅"}
    for record in records:
        assert record["problem"] is None, record
        assert parse_amount(record["printed_text"]) == Decimal(record["row"]["printed_amount"])
    # the party office's 三公 table is on page 9, which the PDF shows turned (/Rotate 90)
    party = [r for r in records if r["row"]["department"] == "中共江苏省委办公厅"]
    assert {r["page"] for r in party} == {9}
    [three_public] = [r for r in party if r["row"]["item"] == "“三公”经费"]
    assert three_public["printed_text"] == "508.20"
    assert three_public["box"] == ["275.25", "288.96", "368.37", "325.68"]


@pytest.mark.real
def test_the_documented_query_gives_the_same_places(capsys, warehouse_file):
    sql = THREE_PUBLIC.format(where="true")
    code, out, _ = trace(capsys, warehouse_file, sql, "--format", "json")
    traced = [(r["page"], r["box"]) for r in json.loads(out)]
    assert main(["query", sql, "--warehouse", str(warehouse_file), "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    columns = ("box_x0", "box_top", "box_x1", "box_bottom")
    assert traced == [(r["source_page"], [r[c] for c in columns]) for r in rows]


@pytest.mark.real
def test_a_figure_the_page_does_not_print_is_flagged(capsys, warehouse_file):
    sql = ONE_FIGURE.replace("fact.printed_amount,", "fact.printed_amount + 1 as printed_amount,")
    code, out, _ = trace(capsys, warehouse_file, sql)
    assert code == 1
    assert "   cannot trace: the page prints '32.80' there, not printed_amount 33.80\n" in out


@pytest.mark.real
def test_rows_without_the_provenance_columns_are_refused_in_one_line(capsys, warehouse_file):
    code, out, err = trace(capsys, warehouse_file, "select * from v_three_public")
    assert (code, out) == (1, "")
    assert err == (
        "budget trace: the result has no document_id, box_x0, box_top, box_x1, box_bottom: "
        "select a fact table's document_id, source_page, box_x0, box_top, box_x1, box_bottom "
        "(docs/warehouse.md, Tracing)\n"
    )


@pytest.mark.real
def test_the_sql_runs_locked_down_as_budget_query(capsys, warehouse_file, tmp_path):
    outside = tmp_path / "out.csv"
    code, out, err = trace(capsys, warehouse_file, f"copy dim_document to '{outside}'")
    assert (code, out) == (1, "")
    assert err.startswith("budget trace: not allowed: ") and err.count("\n") == 1
    assert not outside.exists()
    code, _, err = trace(capsys, warehouse_file, "select 1", "--timeout", "0")
    assert (code, err) == (1, "budget trace: --timeout must be more than 0 seconds, not 0.0\n")


def test_a_changed_or_missing_file_is_not_read(capsys, tmp_path):
    pdf = tmp_path / SAMPLE.name
    shutil.copy(SAMPLE, pdf)
    path = tmp_path / "budget.duckdb"
    con = connect(path)
    load_document(con, extract_document(pdf))
    con.close()
    with pdf.open("ab") as handle:
        handle.write(b"\n% appended\n")
    code, out, _ = trace(capsys, path, ONE_FIGURE)
    assert code == 1
    assert out.endswith(
        "   cannot trace: the file is not the edition loaded (sha256 "
        f"{file_sha256(SAMPLE)[:12]}); not read\n(1 row)\n"
    )
    pdf.unlink()
    code, out, _ = trace(capsys, path, ONE_FIGURE)
    assert code == 1
    assert f"   cannot trace: file not found: {pdf} (paths are as loaded;" in out


def test_facts_loaded_without_provenance_say_so(capsys, tmp_path):
    path = tmp_path / "budget.duckdb"
    con = connect(path)
    load_document(con, make_extraction(read_doc()))
    con.close()
    code, out, _ = trace(
        capsys,
        path,
        ONE_FIGURE,
    )
    assert code == 1
    assert out.endswith(
        "   cannot trace: no provenance: loaded before pages were recorded; load the PDF again\n"
        "(1 row)\n"
    )


def test_a_file_name_cannot_forge_an_output_line(capsys, tmp_path):
    """A PDF named with a newline and a fake status line: printed escaped, as `budget load`
    prints it, one trace line for the one row."""
    pdf = tmp_path / "budget\nloaded: forged.pdf"
    shutil.copy(SAMPLE, pdf)
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    load_document(con, extracted(pdf))
    con.close()
    code, out, err = trace(capsys, warehouse, ONE_FIGURE)
    assert (code, err) == (0, "")
    assert not any(line.startswith("loaded: forged") for line in out.splitlines())
    place = out.splitlines()[1]
    assert place.startswith(f"   {tmp_path}/budget\\nloaded: forged.pdf  page 13  box x ")


def test_a_text_column_named_like_the_provenance_is_one_problem_per_row(capsys, tmp_path):
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    load_document(con, extracted(SAMPLE))
    con.close()
    sql = (
        "select document_id, 'p.13' as source_page, box_x0, box_top, box_x1, box_bottom "
        "from fact_three_public order by row_index, column_index limit 2"
    )
    code, out, err = trace(capsys, warehouse, sql)
    assert (code, err) == (1, "")
    problems = [line for line in out.splitlines() if line.startswith("   cannot trace: ")]
    assert len(problems) == 2
    for line in problems:
        assert re.fullmatch(
            r"   cannot trace: source_page, box_x0, box_top, box_x1, box_bottom must be "
            r"numbers, not p\.13(, \d+\.\d+){4}",
            line,
        ), line
