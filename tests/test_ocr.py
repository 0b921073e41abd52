"""Scanned budgets read through OCR (#25): the samples' pages scanned at test time
(tests/scans.py) read back cell for cell as their truth, load with no ERROR check, say
where their text came from, and a scan that cannot be read is refused, never guessed."""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipelines import batch, handoff, quality
from pipelines.budget_doc import OCR_EXTENSION
from pipelines.cli import main
from pipelines.errors import BudgetInputError
from pipelines.extraction import extract_document, pdf_pages
from pipelines.extraction.document import Extraction
from pipelines.limits import ParseLimits
from pipelines.warehouse.connection import connect
from tests.inputs import HRSS_PDF, extracted
from tests.scans import Scan, make_scan

pytest.importorskip("rapidocr_onnxruntime")

# A few pages of three samples, each scanned its own way (resolution, tilt, JPEG
# quality), with the standard tables those pages print.
SCANS = {
    "200dpi": (
        Scan("gz_hrss_data_center_2023", (1, 4, 5, 13)),
        {"t01_summary", "t07_three_public"},
    ),
    "150dpi-tilted-left-q60": (
        Scan("gz_water_works_2025", (1, 6, 7, 10), dpi=150, tilt=-0.9, quality=60),
        {"t02_income", "t03_expenditure", "t05_gpb_function"},
    ),
    "300dpi-tilted-1deg-q80": (
        Scan("gz_edu_bureau_2024", (1, 8, 9, 17), dpi=300, tilt=1.0, quality=80),
        {"t04_fiscal_summary", "t11_basic_by_unit"},
    ),
}


THREE_PUBLIC_TOTAL = """
select document_id, source_page, box_x0, box_top, box_x1, box_bottom, item, printed_amount
from fact_three_public where item = '“三公”经费' and column_index = 0
"""


@pytest.fixture(scope="session")
def scan_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("scans")


@cache
def _scanned(scan: Scan, folder: Path) -> tuple[Path, Extraction]:
    path = make_scan(scan, folder)
    return path, extract_document(path)


def _truth(scan: Scan) -> dict:
    return json.loads(scan.source.with_suffix(".json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.parametrize("case", list(SCANS))
def test_a_scan_reads_every_cell_as_its_truth(case, scan_folder):
    scan, tables = SCANS[case]
    _, extraction = _scanned(scan, scan_folder)
    doc, truth = extraction.doc, _truth(scan)
    assert set(doc["tables"]) == tables
    for key in tables:
        assert doc["tables"][key] == truth["tables"][key], key
    assert (doc["department"], doc["fiscal_year"], doc["unit"]) == (
        truth["department"],
        truth["fiscal_year"],
        truth["unit"],
    )
    assert doc[OCR_EXTENSION]["text_source"] == "ocr"
    checks = quality.run_document_checks(doc, scan.source.name)
    assert [name for name, outcome in checks.items() if outcome.severity == "ERROR"] == []


@pytest.mark.slow
def test_a_scanned_cell_box_is_where_the_tilted_scan_prints_it(scan_folder):
    """Cells are read on the straightened page; their boxes are given on the page as scanned:
    the text PDF's box of the same cell, turned by the scan's tilt about the page centre."""
    scan, _ = SCANS["200dpi"]
    _, extraction = _scanned(scan, scan_folder)
    page, *box = extraction.doc["cell_boxes"]["tables"]["t07_three_public"][1][0]
    text_page, *text_box = extracted(HRSS_PDF).doc["cell_boxes"]["tables"]["t07_three_public"][1][0]
    assert (page, text_page) == (4, 13)  # the scan holds pages 1, 4, 5 and 13
    width, height = 842, 595
    x, y = (text_box[0] + text_box[2]) / 2 - width / 2, (text_box[1] + text_box[3]) / 2 - height / 2
    turn = math.radians(scan.tilt)  # counter-clockwise as shown (y down)
    expected = (
        x * math.cos(turn) + y * math.sin(turn) + width / 2,
        -x * math.sin(turn) + y * math.cos(turn) + height / 2,
    )
    centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
    assert math.dist(centre, expected) < 1.0, (centre, expected)


@pytest.mark.slow
def test_a_scan_loads_with_no_error_check_and_traces_to_its_ocr_text(scan_folder, tmp_path, capsys):
    scan, _ = SCANS["200dpi"]
    path, _ = _scanned(scan, scan_folder)
    warehouse = tmp_path / "w.duckdb"
    con = connect(warehouse)
    try:
        (result,) = batch.load_batch([path], con, workers=1)
        assert result.status == "loaded", result.error
        assert con.execute("select text_source from dim_document").fetchall() == [("ocr",)]
        errors = con.execute("select check_name from fact_dq_check where severity = 'ERROR'")
        assert errors.fetchall() == []
    finally:
        con.close()
    # budget trace reads the figure back from the scan: its page, box and OCR text
    code = main(["trace", THREE_PUBLIC_TOTAL, "--warehouse", str(warehouse)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{path}  page 4  box x " in out  # the scan's fourth page prints the 三公 table
    assert "   printed: 32.80\n" in out


@pytest.mark.slow
def test_a_scan_handed_off_publishes_as_read_by_ocr(scan_folder, tmp_path):
    scan, _ = SCANS["300dpi-tilted-1deg-q80"]
    path, _ = _scanned(scan, scan_folder)
    shared = tmp_path / "shared"
    (handed,) = handoff.handoff_batch([path], shared, workers=1)
    assert handed.path is not None, handed.line
    con = connect(tmp_path / "w.duckdb")
    try:
        (published,) = handoff.publish_folder(con, shared)
        assert published.line.startswith("published: "), published.line
        assert con.execute("select text_source from dim_document").fetchall() == [("ocr",)]
    finally:
        con.close()


@pytest.mark.slow
def test_a_low_scored_figure_makes_its_check_a_warning_naming_it(scan_folder):
    """A sum that does not hold over a figure OCR was unsure of could not be verified: WARN,
    naming the page, box and score, never an ERROR."""
    scan, _ = SCANS["200dpi"]
    _, extraction = _scanned(scan, scan_folder)
    doc = json.loads(json.dumps(extraction.doc))
    row = next(r for r in doc["tables"]["t07_three_public"]["rows"] if r["item"] == "“三公”经费")
    row["values"][0] = "38.20"  # read wrong: the sum of its parts is 32.80
    page, x0, top, x1, bottom = doc["cell_boxes"]["tables"]["t07_three_public"][1][0]
    doc[OCR_EXTENSION]["low_confidence"] = [
        [page, x0 + 1, top + 1, x1 - 1, bottom - 1, "38.20", 0.61]
    ]
    outcomes = quality.run_document_checks(doc)
    findings = [f for outcome in outcomes.values() for f in outcome.findings]
    assert not [f for f in findings if f.severity == "ERROR"]
    doubted = [f for f in findings if "(OCR)" in f.rule]
    assert doubted and all(f.severity == "WARN" and f.kind == "unverified" for f in doubted)
    assert (
        f"(OCR) page {page}, box [" in doubted[0].rule and "'38.20', score 0.61" in doubted[0].rule
    )
    del doc[OCR_EXTENSION]  # the same figures read from a text layer: an ERROR
    assert quality.run_document_checks(doc)["row_identity"].severity == "ERROR"


@pytest.mark.parametrize(
    ("scan", "reason"),
    [
        (Scan("gz_hrss_data_center_2023", (13,), dpi=60), r"the scan is 60 dpi, too coarse"),
        (
            Scan("gz_hrss_data_center_2023", (13,), dpi=150, blur=2.5),
            r"the scan is too blurred to read \(its strokes are 6.2 pt thick",
        ),
        (  # strokes thin enough, yet no table title read, or a figure read as a guess
            Scan("gz_hrss_data_center_2023", (13,), dpi=150, blur=1.5),
            r"no standard budget table title found \(read by OCR from a scan: \d+ texts, "
            r"median score 0\.\d\d\)|OCR cannot read the figure in box",
        ),
    ],
    ids=["tiny", "blurred", "smeared"],
)
def test_an_unreadable_scan_is_refused_with_its_reason(scan, reason, scan_folder):
    with pytest.raises(BudgetInputError, match=reason):
        extract_document(make_scan(scan, scan_folder))


def test_without_the_ocr_extra_a_scan_is_refused_saying_how_to_install_it(scan_folder, monkeypatch):
    monkeypatch.setattr(pdf_pages, "_ocr_installed", lambda: False)
    path = make_scan(Scan("gz_hrss_data_center_2023", (13,), dpi=150), scan_folder)
    with pytest.raises(
        BudgetInputError, match=r'scanned images only; .*pip install -e "\.\[ocr\]"'
    ):
        extract_document(path)


def test_a_text_pdf_never_goes_through_ocr(monkeypatch):
    from pipelines.extraction import ocr

    def never(*args):
        raise AssertionError("OCR of a page with a text layer")

    monkeypatch.setattr(ocr, "read_scan", never)
    doc = extract_document(HRSS_PDF).doc
    assert OCR_EXTENSION not in doc


@pytest.mark.slow
def test_a_mark_wrapped_onto_a_line_of_its_own_is_read_where_it_closes(scan_folder):
    """A performance goal's closing 。 wrapped alone onto the cell's last line is read at the
    end of the line before it (alone, the recogniser guessed ， or a letter): every project
    the pages print whole reads as its truth, and no mark is read on its own."""
    scan = Scan("gz_urban_renewal_2022", (1, 18, 19, 20))
    path, extraction = _scanned(scan, scan_folder)
    truth = {r["name"]: r for r in _truth(scan)["tables"]["t12_projects"]["rows"]}
    rows = extraction.doc["tables"]["t12_projects"]["rows"]
    whole = [r for r in rows[:-1] if r["name"] in truth and r["performance_goal"]]
    assert len(whole) >= 2
    assert [r["performance_goal"] for r in whole] == [
        truth[r["name"]]["performance_goal"] for r in whole
    ]
    page = pdf_pages.read_page(pdfium.PdfDocument(str(path)), 4, path, ParseLimits.from_env())
    assert not [box for box in page.ocr if len(box.text) == 1 and box.text in "。，,、；;"]
