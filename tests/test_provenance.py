"""Every fact row knows where it is printed: its page and cell box, checked against the PDF.

pdfplumber, an independent PDF reader, crops each sampled fact's box on its page: the text
printed there must read as the fact's amount. The samples and real PDFs of two other
provinces cover landscape pages, pages with /Rotate 90, 元 tables and split code columns.
"""

import random
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from assets.staging import tables_metadata
from pipelines.budget_doc import CELL_BOXES
from pipelines.cleaning import parse_amount
from pipelines.errors import BudgetInputError
from pipelines.extraction import extract_document
from pipelines.warehouse.connection import connect
from pipelines.warehouse.load import DOCUMENT_TABLES, load_document
from pipelines.warehouse.staging import PROVENANCE_COLUMNS
from tests.inputs import REAL, SAMPLE_PDFS, extracted
from tests.warehouse_helpers import expected_fact_rows, make_extraction, read_doc

REAL_PDFS = [
    REAL / name
    for name in (
        "js_party_office_2019_tables.pdf",  # pages with /Rotate 90
        "js_npc_2017.pdf",  # a title at the foot of a page, cells running into neighbours
        "sh_putuo_wanli_2024.pdf",  # 元, 类 | 款 | 项 columns, three-row headers
        "sh_putuo_justice_2026_unit.pdf",  # a unit budget
    )
]
PDFS = SAMPLE_PDFS + REAL_PDFS
# The printed cells of the tables (a narrative figure's provenance is its page and sentence).
FACT_TABLES = [t for t in DOCUMENT_TABLES if t.startswith("fact_") and t != "fact_narrative_figure"]
PROVENANCE = ", ".join(PROVENANCE_COLUMNS)
SAMPLED_PER_DOCUMENT = 60
# Every fact of the warehouse with the text it was read from and where it was printed.
FACTS_SQL = " union all ".join(
    f"select '{table}' as fact_table, {value} as printed, document_id, {PROVENANCE} from {table}"
    for table, value in (
        (t, "printed_value" if t == "fact_generic_cell" else "cast(printed_amount as varchar)")
        for t in FACT_TABLES
    )
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The samples and the real PDFs, extracted and loaded; (connection, extractions)."""
    assert len(SAMPLE_PDFS) == 4 and all(p.is_file() for p in REAL_PDFS)
    con = connect(tmp_path_factory.mktemp("provenance") / "budget.duckdb")
    extractions = {}
    for pdf in PDFS:
        extraction = extract_document(pdf)
        report = load_document(con, extraction)
        extractions[report.document_id] = extraction
    yield con, extractions
    con.close()


def _facts(con) -> list[tuple]:
    return con.execute(f"{FACTS_SQL} order by all").fetchall()


def _printed_at(page, box: tuple[Decimal, ...]) -> str:
    """What pdfplumber reads inside the box: the characters whose centre lies in it."""
    x0, top, x1, bottom = (float(v) for v in box)
    inside = page.filter(
        lambda obj: (
            obj.get("object_type") != "char"
            or (
                x0 <= (obj["x0"] + obj["x1"]) / 2 <= x1
                and top <= (obj["top"] + obj["bottom"]) / 2 <= bottom
            )
        )
    )
    return inside.extract_text()


@pytest.mark.real
def test_every_fact_row_has_a_page_and_a_box_inside_that_page(warehouse):
    con, extractions = warehouse
    facts = _facts(con)
    assert len(facts) == sum(expected_fact_rows(e.doc) for e in extractions.values())
    for fact_table, printed, document_id, page, x0, top, x1, bottom in facts:
        where = f"{fact_table} {printed} in {extractions[document_id].path.name}"
        assert None not in (page, x0, top, x1, bottom), where
        assert 1 <= page <= extractions[document_id].page_count, where
        assert all(isinstance(v, Decimal) for v in (x0, top, x1, bottom)), where
        assert 0 <= x0 < x1 and 0 <= top < bottom, where


@pytest.mark.real
@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_random_facts_are_printed_at_their_box(warehouse, pdf):
    """A fixed-seed sample of the document's facts, each cropped out of its page by
    pdfplumber: the text there reads as exactly the fact's amount."""
    con, extractions = warehouse
    [document_id] = [i for i, e in extractions.items() if e.path == pdf]
    facts = [f for f in _facts(con) if f[2] == document_id]
    sample = random.Random(f"provenance {pdf.stem}").sample(
        facts, min(SAMPLED_PER_DOCUMENT, len(facts))
    )
    assert len(sample) >= 40
    with pdfplumber.open(pdf) as document:
        for fact_table, printed, _, page, *box in sample:
            text = _printed_at(document.pages[page - 1], box)
            assert parse_amount(text) == Decimal(printed), (
                f"{fact_table} {printed}: page {page} box {box} reads {text!r}"
            )


@pytest.mark.real
def test_views_give_the_page_of_their_fact(warehouse):
    """Each 三公 view row is a fact printed on that page; every view row has its page."""
    con, _ = warehouse
    facts = (
        "select department, fiscal_year, document_kind, item, fund_source, amount_yuan, "
        "source_page from fact_three_public join dim_document using (document_id) "
        "join dim_department using (department_id)"
    )
    view = (
        "select department, fiscal_year, document_kind, item, fund_source, amount_yuan, "
        "source_page from v_three_public"
    )
    assert con.execute(f"{view} except all {facts}").fetchall() == []
    for name in (
        "v_budget_summary",
        "v_expenditure_by_function",
        "v_economic_expenditure",
        "v_project_budget",
        "v_three_public",
    ):
        total, with_page = con.execute(
            f"select count(*), count(source_page) from {name}"
        ).fetchone()
        assert total > 0 and with_page == total, name


def test_a_document_without_boxes_loads_with_null_provenance(tmp_path):
    """A budget-doc/1 file written before provenance (a truth file) still loads: its
    facts say nothing about where they are printed rather than something made up."""
    con = connect(tmp_path / "budget.duckdb")
    doc = read_doc()
    assert CELL_BOXES not in doc
    load_document(con, make_extraction(doc))
    facts = _facts(con)
    assert len(facts) == expected_fact_rows(doc)
    assert all(f[3:] == (None,) * len(PROVENANCE_COLUMNS) for f in facts)


def test_a_malformed_box_is_refused_naming_file_and_cell(tmp_path):
    extraction = extracted(SAMPLE_PDFS[0])
    line = extraction.doc[CELL_BOXES]["tables"]["t01_summary"]["income"]
    line[0] = [0, 1.0, 2.0, 3.0, 4.0]  # no page 0
    con = connect(tmp_path / "budget.duckdb")
    with pytest.raises(BudgetInputError) as raised:
        load_document(con, extraction)
    assert raised.value.path == Path(SAMPLE_PDFS[0])
    assert raised.value.reason == (
        "t01_summary income line 0: cell box [0, 1.0, 2.0, 3.0, 4.0] is not "
        "[page, x0, top, x1, bottom]"
    )
    assert con.execute("select count(*) from dim_document").fetchone() == (0,)


@pytest.mark.real
def test_materialisation_metadata_gives_every_tables_pages():
    """stg_budget_tables' metadata: each table's pages, the extra tables' too."""
    sample = tables_metadata(extracted(SAMPLE_PDFS[1]))
    assert SAMPLE_PDFS[1].name == "gz_hrss_data_center_2023.pdf"
    assert sample["table_pages"].data == {
        "t01_summary": [4, 5],
        "t02_income": [6],
        "t03_expenditure": [7],
        "t04_fiscal_summary": [8, 9],
        "t05_gpb_function": [10],
        "t06_gpb_basic_economic": [11, 12],
        "t07_three_public": [13],
        "t08_gov_fund": [14],
        "t09_state_capital": [15],
        "t10_gpb_project_economic": [16],
        "t11_basic_by_unit": [17],
        "t12_projects": [18, 19, 20, 21, 22, 23, 24, 25],
    }
    extraction = extracted(REAL / "sh_putuo_wanli_2024.pdf")
    real = tables_metadata(extraction)
    extras = {k: v for k, v in real["table_pages"].data.items() if k.startswith("extra_")}
    assert extras == {"extra_00 部门财政拨款收支预算总表": [21]}
    assert real["source_pages"].endswith(
        "t09_state_capital p.28; extra_00 部门财政拨款收支预算总表 p.21"
    )
