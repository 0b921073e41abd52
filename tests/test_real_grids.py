"""Grids of real Jiangsu budgets that the parser misread, pinned with values read off
the rendered pages (js_npc_2017.pdf, js_npc_2018.pdf in ../shared/real).

Each test names the class of document that needs the rule, not the file: another
province's Word or Excel export draws its rulings the same way.
"""

from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from pipelines.extraction import extract_document
from pipelines.extraction.grid import find_grids
from pipelines.extraction.pdf_pages import _char_text, _merge_collinear, open_pdf, read_pages

REPO = Path(__file__).resolve().parents[1]
REAL = REPO.parent / "shared" / "real"


@pytest.fixture(scope="module")
def npc_2017() -> dict:
    return extract_document(REAL / "js_npc_2017.pdf").doc


@pytest.fixture(scope="module")
def npc_2018() -> dict:
    return extract_document(REAL / "js_npc_2018.pdf").doc


def _side(table: dict, side: str) -> list[tuple[str, str | None]]:
    return [(line["item"], line["amount"]) for line in table[side]]


def test_border_drawn_in_two_segments_a_fraction_apart_is_one_line():
    """Word draws a column's header rule at x=355.0 and its body rule at x=355.1: the
    short header segment must not swallow the long body one."""
    header, body = (355.0, 548.9, 355.0, 581.4), (355.1, 88.5, 355.1, 549.9)
    merged = _merge_collinear([header, body], horizontal=False)
    assert [(round(y0, 1), round(y1, 1)) for _, y0, _, y1 in merged] == [(88.5, 581.4)]


def test_column_rule_split_at_the_header_keeps_its_body_cells_apart(npc_2017):
    """js_npc_2017 p7 (收支预算总表): the rule between the function 金额 and the use
    项目名称 columns was lost below the header, which read `10,528.33一、基本支出` as one
    cell and dropped t01."""
    t01 = npc_2017["tables"]["t01_summary"]
    assert _side(t01, "expenditure")[0] == ("一、一般公共服务支出", "10528.33")
    assert _side(t01, "expenditure_by_use") == [
        ("一、基本支出", "7666.68"),
        ("二、项目支出", "5853.96"),
        ("三、单位预留机动经费", "128.43"),
    ]


def test_right_border_split_between_two_tables_keeps_the_last_column(npc_2018):
    """js_npc_2018 p10: the page's two tables share their right border's x; the upper
    table's segment hid the lower one's, and 财政拨款收支预算总表 lost its 金额 column."""
    t04 = npc_2018["tables"]["t04_fiscal_summary"]
    assert _side(t04, "income") == [
        ("一、一般公共预算", "15897.44"),
        ("二、政府性基金预算", None),
        ("收入合计", "15897.44"),
    ]
    assert _side(t04, "expenditure") == [
        ("一、基本支出", "7877.76"),
        ("二、项目支出", "6333.96"),
        ("三、单位预留机动经费", "1685.72"),
        ("支出合计", "15897.44"),
    ]


# -- pages drawn at test time ---------------------------------------------------------


def _cjk_font() -> DictionaryObject:
    """STSong-Light, not embedded: the CJK font every PDF reader knows."""
    descendant = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light"),
            NameObject("/CIDSystemInfo"): DictionaryObject(
                {
                    NameObject("/Registry"): TextStringObject("Adobe"),
                    NameObject("/Ordering"): TextStringObject("GB1"),
                    NameObject("/Supplement"): NumberObject(4),
                }
            ),
        }
    )
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light"),
            NameObject("/Encoding"): NameObject("/UniGB-UCS2-H"),
            NameObject("/DescendantFonts"): ArrayObject([descendant]),
        }
    )


def _draw_page(
    writer: PdfWriter,
    texts: list[tuple[float, float, str]],
    xs: list[float],
    ys: list[float],
) -> None:
    """A page as a word processor prints a ruled table: a stroked rule on every column
    and row border (xs, ys), and each text line placed at its (x, baseline)."""
    ops = ["0.5 w"]
    ops += [f"{xs[0]} {y} m {xs[-1]} {y} l S" for y in ys]
    ops += [f"{x} {min(ys)} m {x} {max(ys)} l S" for x in xs]
    for x, y, text in texts:
        ops.append(f"BT /F1 10 Tf {x} {y} Td <{text.encode('utf-16-be').hex()}> Tj ET")
    page = writer.add_blank_page(595, 842)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): _cjk_font()})}
    )
    contents = DecodedStreamObject()
    contents.set_data("\n".join(ops).encode("ascii"))
    page.replace_contents(contents)


def test_hyphen_ending_a_wrapped_line_in_a_cell_is_a_hyphen(tmp_path):
    """pdfium returns U+0002 for a `-` that ends a wrapped line inside a cell
    (`2023年-` over `2024年运维项目`); it must read as the hyphen it prints."""
    writer = PdfWriter()
    texts = [(105, 680, "2023年-"), (105, 665, "2024年运维项目"), (255, 670, "12.00")]
    _draw_page(writer, texts, xs=[100, 250, 400], ys=[700, 650, 600])
    writer.write(tmp_path / "hyphen.pdf")
    pdf = open_pdf(tmp_path / "hyphen.pdf")
    try:
        [page] = list(read_pages(pdf))
    finally:
        pdf.close()
    [grid] = find_grids(page)
    assert grid.matrix() == [["2023年-\n2024年运维项目", "12.00"], ["", ""]]


@pytest.mark.parametrize(
    ("code", "hyphen", "text"),
    [
        (0x02, True, "-"),  # pdfium's line-end hyphen
        (0x02, False, None),
        (0x03, False, None),
        (0x1F, False, None),
        (0x7F, False, None),
        (0x85, False, None),  # C1 next-line
        (0xFFFE, False, None),
        (ord("年"), False, "年"),
        (ord("-"), False, "-"),
    ],
)
def test_no_control_character_is_read_as_text(code, hyphen, text):
    assert _char_text(code, hyphen) == text
