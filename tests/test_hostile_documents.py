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
from pipelines.extraction.pdf_pages import Glyph, PageContent
from pipelines.extraction.readability import Readability, judge_page
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


# -- a damaged copy never loads, nor replaces a good edition (issue #22, item 3) ----------


def _edition(warehouse: Path) -> tuple[str, str, int]:
    """(sha256, source file, project fund rows) of the one document loaded."""
    with connect(warehouse, read_only=True) as con:
        sha256, source = con.execute("select sha256, source_file from dim_document").fetchone()
        (projects,) = con.execute("select count(*) from fact_project_fund").fetchone()
    return sha256, source, projects


def _damaged(out: Path, share: float, zeroed: bool, centre: float = 0.5) -> Path:
    """The EDU sample with `share` of its bytes around `centre` cut out (or zeroed)."""
    data = EDU.read_bytes()
    size = int(len(data) * share)
    start = int(len(data) * centre - size / 2)
    middle = bytes(size) if zeroed else b""
    out.write_bytes(data[:start] + middle + data[start + size :])
    return out


@pytest.mark.parametrize(
    ("share", "zeroed"), [(0.2, False), (0.05, True)], ids=["20% cut out", "5% zeroed"]
)
def test_a_damaged_copy_with_garbled_names_is_refused_and_the_good_edition_kept(
    tmp_path, share, zeroed
):
    """Its text decodes through the wrong code page (`加强队伍建pSNûü`, `2023年š务教育›N…`):
    refused, and the good edition loaded before keeps its rows."""
    warehouse = tmp_path / "w.duckdb"
    assert _load_one(EDU, warehouse)[0].startswith("loaded: 广州市示范区教育局 2024, 762 rows")
    pdf = _damaged(tmp_path / "gz_edu_bureau_2024_damaged.pdf", share, zeroed)
    line, documents = _load_one(pdf, warehouse)
    assert line == (
        f"rejected: {pdf}: garbled text on page 18: "
        "'加强队伍建pSNûü, Ü组织ûü不少于’•期,提高干„SN(力;º'; nothing loaded"
    )
    assert documents == 1
    _, source, projects = _edition(warehouse)
    assert source == str(EDU) and projects > 0


def test_a_damaged_copy_that_reads_short_is_refused(tmp_path):
    """Bytes cut where no glyph turns foreign: names only lose characters (`办公设备购`
    for `办公设备购置`). A Flate stream that does not decode says so."""
    pdf = _damaged(tmp_path / "short.pdf", 0.2, zeroed=False, centre=0.3)
    with pytest.raises(BudgetInputError) as raised:
        extract_document(pdf)
    assert raised.value.reason == (
        "damaged PDF: the compressed stream at byte 35,722 does not decode (bytes cut out "
        "or overwritten?); nothing loaded"
    )


def test_an_edition_reading_fewer_tables_keeps_the_loaded_one(tmp_path):
    """A copy missing t12's pages (18–20) reads 11 tables where the loaded edition read
    12: it does not replace it, and the line says why."""
    warehouse = tmp_path / "w.duckdb"
    _load_one(EDU, warehouse)
    loaded = _edition(warehouse)
    pdf = concatenate(tmp_path / "short.pdf", (EDU, [*range(17), 20, 21]))
    assert _load_one(pdf, warehouse) == (
        f"rejected: {pdf}: kept the loaded edition {loaded[0][:12]} ({EDU}) of 广州市示范区教育局 "
        "2024: this file reads worse (11 tables read against its 12); nothing replaced",
        1,
    )
    assert _edition(warehouse) == loaded


def _page(*lines: str) -> PageContent:
    """A page printing `lines`, one glyph per character, 12 points apart."""
    glyphs = [
        Glyph(ch, 10.0 * i, 700.0 - 12 * n, 10.0 * i + 9, 709.0 - 12 * n, 700.0 - 12 * n)
        for n, line in enumerate(lines)
        for i, ch in enumerate(line)
    ]
    return PageContent(number=3, width=595, height=842, glyphs=glyphs)


@pytest.mark.parametrize(
    ("line", "garbled"),
    [
        ("2023年š务教育›N学生资助专项经费", True),  # Latin Extended inside Chinese
        ("部门预算Œ支出", True),
        ("教育é支出", True),  # Latin-1
        ("教育\ufffd支出", True),
        ("智慧校园IT运维及配套设施运行维护项目", False),  # plain ASCII is printed
        ("ITIL运维服务（第二期）", False),
        ("３×４米宣传栏—展板·№１２", False),  # full-width, ×, —, ·, №
        ("“三公”经费……≥13459.0", False),
    ],
)
def test_foreign_letters_inside_chinese_make_a_page_garbled(line, garbled):
    filler = "一般公共预算财政拨款支出预算表科目编码"
    verdict = judge_page(_page(filler, line, filler))
    assert (verdict.readable, verdict.garbled) == (not garbled, garbled)
    if garbled:
        assert verdict.reason == f"page 3: {line!r}"


def test_control_codes_among_the_glyphs_make_a_page_garbled():
    page = _page("一般公共预算财政拨款支出预算表科目编码")
    page.control_glyphs = 2
    assert judge_page(page) == Readability(False, "page 3: 2 printed control codes", True)


# -- an amount wider than its cell (issue #22, item 7) -------------------------------------


def _wide_amount_pdf(out: Path, amount: str, clip: bool) -> Path:
    """A one-table budget (一般公共预算支出预算表) whose amount column is 80 points wide,
    each text clipped to its cell as spreadsheets print it when `clip`."""
    from tests.test_real_grids import _rules, draw_ops

    xs, ys = [60, 160, 400, 480], [700, 670, 640, 610, 580]
    rows = [
        ("科目编码", "科目名称", "金额"),
        ("", "合计", amount),
        ("201", "一般公共服务支出", amount),
        ("20101", "人大事务", amount),
    ]
    lines = [(60, 790, "上海市普陀区测试局2025年部门预算"), (60, 760, "一般公共预算支出预算表")]
    lines += [(60, 735, "部门：上海市普陀区测试局"), (400, 735, "单位：元")]
    ops = ["0.5 w"] + [f"{a} {b} m {c} {d} l S" for a, b, c, d in _rules(xs, ys)]
    ops += [f"BT /F1 10 Tf {x} {y} Td <{t.encode('utf-16-be').hex()}> Tj ET" for x, y, t in lines]
    for top, bottom, row in zip(ys, ys[1:], rows, strict=False):
        for left, right, text in zip(xs, xs[1:], row, strict=False):
            box = f"{left} {bottom} {right - left} {top - bottom} re W n " if clip else ""
            hexed = text.encode("utf-16-be").hex()
            ops.append(f"q {box}BT /F1 10 Tf {left + 3} {bottom + 12} Td <{hexed}> Tj ET Q")
    writer = pypdf.PdfWriter()
    draw_ops(writer, ops)
    writer.write(out)
    return out


@pytest.mark.parametrize("clip", [True, False], ids=["clipped at the cell", "spilling out"])
def test_an_amount_wider_than_its_cell_is_refused_not_read_short(tmp_path, clip):
    """`99999999999999999999.99` in an 80-point cell: 15 digits fit; the rest run on past
    the border. Read short it would load as 999999999999999.00."""
    pdf = _wide_amount_pdf(tmp_path / "wide.pdf", "99999999999999999999.99", clip)
    line, documents = _load_one(pdf, tmp_path / "w.duckdb")
    assert line == (
        f"rejected: {pdf}: page 1: the amount '999999999999999' is printed wider than its "
        "cell (its digits run on past the border), so it is not read whole; nothing loaded"
    )
    assert documents == 0


def test_an_amount_that_fits_its_cell_reads_whole(tmp_path):
    pdf = _wide_amount_pdf(tmp_path / "fits.pdf", "1,234,567.80", clip=True)
    table = extract_document(pdf).doc["tables"]["t05_gpb_function"]
    assert [row["values"] for row in table["rows"]] == [["1234567.80"]] * 3


def test_an_edition_with_unreadable_pages_keeps_the_loaded_one(tmp_path):
    """A copy whose page 13 lost its ToUnicode maps drops the tables on it with a warning:
    it reads worse than the loaded edition, which stays."""
    from tests.bad_pdfs import _fonts

    writer = pypdf.PdfWriter(clone_from=str(EDU))
    for font in _fonts(writer):
        if "/ToUnicode" in font:
            del font[pypdf.generic.NameObject("/ToUnicode")]
    broken = tmp_path / "broken.pdf"
    writer.write(broken)
    pdf = tmp_path / "t07_unreadable.pdf"
    concatenate(pdf, (EDU, list(range(12))), (broken, [12]), (EDU, list(range(13, 22))))
    warehouse = tmp_path / "w.duckdb"
    _load_one(EDU, warehouse)
    line, documents = _load_one(pdf, warehouse)
    assert line.startswith(f"rejected: {pdf}: kept the loaded edition ")
    assert line.endswith(
        "this file reads worse (10 tables read against its 12, text unreadable on 1 page); "
        "nothing replaced"
    )
    assert documents == 1
