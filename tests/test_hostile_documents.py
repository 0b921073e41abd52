"""Hostile documents (issue #12, items 2 and 7): a PDF whose pages say something the
loader must not take at face value.

A table printed twice, a budget concatenated with itself and two budgets in one file are
refused with where each copy is, never merged into doubled amounts under one name; a file
named for another year than the one its pages print loads as the pages say, with a WARN
on its line and in its check results. Every hostile PDF is made here with pypdf from the
samples in data/samples (page numbers below are read off those samples: tables on pages
4–20, t07 on page 13, 22 pages in gz_edu_bureau_2024 and gz_water_works_2025).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from pipelines.commands.load import load_paths
from pipelines.errors import BudgetInputError
from pipelines.extraction.document import extract_document
from pipelines.extraction.identity import file_year_disagreement
from pipelines.quality import WARN, run_document_checks
from pipelines.warehouse.connection import connect
from tests.inputs import SAMPLES, extracted

pypdf = pytest.importorskip("pypdf")

EDU = SAMPLES / "gz_edu_bureau_2024.pdf"  # 广州市示范区教育局 2024, 22 pages
WATER = SAMPLES / "gz_water_works_2025.pdf"  # 广州市水务工程建设中心 2025, 22 pages


def concatenate(out: Path, *parts: tuple[Path, list[int] | None]) -> Path:
    """The pages (0-based; None: all) of each part, in order, as one PDF."""
    writer = pypdf.PdfWriter()
    for pdf, pages in parts:
        reader = pypdf.PdfReader(pdf)
        for index in range(len(reader.pages)) if pages is None else pages:
            writer.add_page(reader.pages[index])
    writer.write(out)
    return out


def _load_one(pdf: Path, warehouse: Path) -> tuple[str, int]:
    """`budget load PDF`: its one line and how many documents the warehouse then holds."""
    out = io.StringIO()
    load_paths([str(pdf)], warehouse=str(warehouse), out=out, workers=1)
    with connect(warehouse, read_only=True) as con:
        (documents,) = con.execute("select count(*) from dim_document").fetchone()
    return out.getvalue().strip(), documents


def test_a_three_public_table_printed_twice_is_refused_not_doubled(tmp_path):
    # t07 (page 13) inserted again after t12 (pages 18–20): its 三公 would count twice.
    pdf = concatenate(tmp_path / "t07_twice.pdf", (EDU, [*range(20), 12, 20, 21]))
    line, documents = _load_one(pdf, tmp_path / "w.duckdb")
    assert line.startswith(
        f"rejected: {pdf}: t07_three_public printed twice (pages 13 and 21): a second copy "
        "would double its amounts; nothing loaded"
    )
    assert "\n" not in line and documents == 0


@pytest.mark.parametrize(
    ("parts", "pages"),
    [
        # t01's second page (5) again right after itself: same title, same columns, so
        # only its text, identical to page 5's, tells it from a continuation.
        ([(EDU, [*range(5), 4, *range(5, 22)])], "pages 5 and 6"),
        # The whole budget twice: t01 starts again after t12.
        ([(EDU, None), (EDU, None)], "pages 4 and 26"),
    ],
    ids=["a table page inserted twice in a row", "a budget concatenated with itself"],
)
def test_a_second_copy_of_the_same_budget_is_refused(tmp_path, parts, pages):
    pdf = concatenate(tmp_path / "twice.pdf", *parts)
    with pytest.raises(BudgetInputError) as raised:
        extract_document(pdf)
    assert raised.value.reason == (
        f"t01_summary printed twice ({pages}): a second copy would double its amounts; "
        "nothing loaded"
    )


def test_two_budgets_in_one_file_are_refused_naming_both(tmp_path):
    pdf = concatenate(tmp_path / "two.pdf", (EDU, None), (WATER, None))
    line, documents = _load_one(pdf, tmp_path / "w.duckdb")
    assert line.startswith(
        f"rejected: {pdf}: two budgets in one file: 广州市示范区教育局 (tables on pages "
        "4–20) and 广州市水务工程建设中心 (tables on pages 26–42); load each from its own PDF"
    )
    assert documents == 0


def test_a_table_continued_under_its_repeated_title_is_one_table():
    """Guangzhou repeats a table's title and header on each of its pages (t01 on pages 4
    and 5, t12 on 18–20): a continuation, not a second copy."""
    extraction = extracted(EDU)
    assert extraction.table_pages["t01_summary"] == [4, 5]
    assert extraction.table_pages["t12_projects"] == [18, 19, 20]


def test_a_file_named_for_another_year_loads_as_its_pages_say_with_a_warning(tmp_path):
    pdf = tmp_path / "gz_edu_bureau_2019.pdf"
    shutil.copy(EDU, pdf)
    warehouse = tmp_path / "w.duckdb"
    line, documents = _load_one(pdf, warehouse)
    assert line == (
        f"loaded: 广州市示范区教育局 2024, 762 rows from {pdf} — checks: completeness WARN"
        " — file name says 2019, the document says 2024"
    )
    assert documents == 1
    with connect(warehouse, read_only=True) as con:
        severity, passed = con.execute(
            "select severity, passed from fact_dq_check where check_name = 'completeness'"
        ).fetchone()
        findings = con.execute(
            "select severity, table_key, row_label, column_name, rule, expected_text, "
            "actual_text, difference from dq_finding where check_name = 'completeness'"
        ).fetchall()
    assert (severity, passed) == (WARN, False)
    assert findings == [
        (WARN, "document", "fiscal_year", "", "the year in the file name is the fiscal year",
         "2019", "2024", None)
    ]  # fmt: skip
    assert "file name says 2019, the document says 2024" in extract_document(pdf).warnings


def test_the_sample_under_its_own_name_has_no_year_finding():
    outcome = run_document_checks(extracted(EDU).doc, EDU.name)["completeness"]
    assert outcome.passed


@pytest.mark.parametrize(
    ("name", "year", "said"),
    [
        ("gz_edu_bureau_2019.pdf", 2024, "file name says 2019, the document says 2024"),
        ("budget_2019_2020.pdf", 2024, "file name says 2019/2020, the document says 2024"),
        ("budget_2023_2024.pdf", 2024, None),  # one of its years is the document's
        ("scan_20190312.pdf", 2024, None),  # a date, not a year
        ("doc_120190.pdf", 2024, None),  # part of a longer number
        ("budget.pdf", 2024, None),
    ],
)
def test_a_year_in_the_file_name_is_a_20xx_not_inside_a_longer_number(name, year, said):
    disagreement = file_year_disagreement(name, year)
    assert (None if disagreement is None else str(disagreement)) == said
