"""Grids of real Jiangsu budgets that the parser misread, pinned with values read off
the rendered pages (js_npc_2017.pdf, js_npc_2018.pdf in ../shared/real).

Each test names the class of document that needs the rule, not the file: another
province's Word or Excel export draws its rulings the same way.
"""

import json

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
from pipelines.extraction.pieces import page_pieces
from pipelines.extraction.table_rows import continues_table
from tests.inputs import REAL, REPO, extracted

SAMPLE = REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf"


@pytest.fixture(scope="module")
def npc_2017() -> dict:
    return extracted(REAL / "js_npc_2017.pdf").doc


@pytest.fixture(scope="module")
def npc_2018() -> dict:
    return extracted(REAL / "js_npc_2018.pdf").doc


def _side(table: dict, side: str) -> list[tuple[str, str | None]]:
    return [(line["item"], line["amount"]) for line in table[side]]


def test_border_drawn_in_two_segments_a_fraction_apart_is_one_line():
    """Word draws a column's header rule at x=355.0 and its body rule at x=355.1: the
    short header segment must not swallow the long body one."""
    header, body = (355.0, 548.9, 355.0, 581.4), (355.1, 88.5, 355.1, 549.9)
    merged = _merge_collinear([header, body], horizontal=False)
    assert [(round(y0, 1), round(y1, 1)) for _, y0, _, y1 in merged] == [(88.5, 581.4)]


@pytest.mark.real
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


@pytest.mark.real
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


def _extra(doc: dict, title: str) -> dict:
    return next(t for t in doc["extra_tables"] if t["title"] == title)


@pytest.mark.real
def test_title_at_the_foot_of_a_page_names_the_grid_on_the_next(npc_2017):
    """js_npc_2017 p12 ends with the title 财政拨款基本支出预算表 (and its 部门/单位 line)
    under the 财政拨款收支预算总表 grid; the grid is on p13. It was glued onto t04,
    which was then lost."""
    t04 = npc_2017["tables"]["t04_fiscal_summary"]
    assert _side(t04, "expenditure")[-1] == ("支出合计", "13649.07")
    basic = _extra(npc_2017, "财政拨款基本支出预算表")
    assert basic["pages"] == [13, 14, 15]
    assert basic["rows"][0] == {"label": "合计", "values": ["7666.68"]}
    assert basic["rows"][-1] == {"label": "30312/提租补贴", "values": ["1018.01"]}


@pytest.mark.real
def test_foot_title_without_unit_line_starts_a_table_not_a_continuation(npc_2017):
    """js_npc_2017 p18: t06 ends, then the title 一般公共预算机关运行经费支出预算表 alone
    at the foot; p19 prints the 部门 line and the grid, whose column count equals t06's.
    Glued onto t06 it made a false hierarchy ERROR (302 = 1,585.96 vs 5,560.31)."""
    t06 = npc_2017["tables"]["t06_gpb_basic_economic"]
    assert t06["rows"][0]["values"] == ["7666.68"]
    assert t06["rows"][-1] == {"code": "30312", "name": "提租补贴", "values": ["1018.01"]}
    assert [r for r in t06["rows"] if r["code"] == "302"][0]["values"] == ["1585.96"]
    running = _extra(npc_2017, "一般公共预算机关运行经费支出预算表")
    assert running["pages"] == [19]
    assert running["rows"][:2] == [
        {"label": "合计", "values": ["5619.31"]},
        {"label": "302/商品和服务支出", "values": ["5560.31"]},
    ]
    assert running["rows"][-1] == {"label": "31002/办公设备购置", "values": ["59.00"]}


@pytest.mark.real
def test_summary_row_split_by_a_page_break_is_one_item(npc_2017):
    """A two-sided table whose row the page break split (label filling its cell at the
    foot of one page, the rest on the next page's first row, no amount there): one
    item. js_npc_2017 p7/p8 `八、社会保障和就` 1,608.51 | `业支出`; p8/p9 `当年收入`
    13,649.07 | `小计`."""
    t01 = npc_2017["tables"]["t01_summary"]
    assert ("八、社会保障和就业支出", "1608.51") in _side(t01, "expenditure")
    assert _side(t01, "income")[-3:] == [
        ("当年收入小计", "13649.07"),
        ("上年结转资金", None),
        ("收入合计", "13649.07"),
    ]
    assert not any(item in ("业支出", "小计") for item, _ in _side(t01, "expenditure"))


@pytest.mark.real
def test_summary_item_split_by_a_page_break_without_amounts_is_one_item():
    """js_procuratorate_2018 p13 ends `十七、国土海洋气象等支`, p14 starts `出`."""
    t01 = extracted(REAL / "js_procuratorate_2018.pdf").doc["tables"]["t01_summary"]
    items = [item for item, _ in _side(t01, "expenditure")]
    assert items[16:19] == [
        "十七、国土海洋气象等支出",
        "十八、住房保障支出",
        "十九、粮油物资储备支出",
    ]
    assert "出" not in items


# -- pages drawn at test time ---------------------------------------------------------


def _cjk_font() -> DictionaryObject:
    """STSong-Light, not embedded: the CJK font every PDF reader knows."""
    descendant = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/CIDFontType0"),
            NameObject("/BaseFont"): NameObject("/STSong-Light"),
            # CIDs 1-95 of Adobe-GB1 are the half-width ASCII glyphs
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(95), NumberObject(500)]),
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


def _rules(xs: list[float], ys: list[float]) -> list[tuple[float, float, float, float]]:
    """Every border of a fully ruled grid, one segment per cell side (x0, y0, x1, y1)."""
    across = [(a, y, b, y) for y in ys for a, b in zip(xs, xs[1:], strict=False)]
    down = [(x, a, x, b) for x in xs for a, b in zip(ys, ys[1:], strict=False)]
    return across + down


def _cells(
    xs: list[float], ys: list[float], rows: list[tuple[str, ...]]
) -> list[tuple[float, float, str]]:
    """Each row's texts placed in its cells, one line at the row's middle."""
    return [
        (x + 5, (top + bottom) / 2 - 3, text)
        for top, bottom, row in zip(ys, ys[1:], rows, strict=False)
        for x, text in zip(xs, row, strict=False)
        if text
    ]


def _draw_page(
    writer: PdfWriter,
    texts: list[tuple[float, float, str]],
    rules: list[tuple[float, float, float, float]],
) -> None:
    """A page as a word processor prints a ruled table: each rule a stroked segment,
    each text line placed at its (x, baseline)."""
    ops = ["0.5 w"] + [f"{x0} {y0} m {x1} {y1} l S" for x0, y0, x1, y1 in rules]
    for x, y, text in texts:
        ops.append(f"BT /F1 10 Tf {x} {y} Td <{text.encode('utf-16-be').hex()}> Tj ET")
    draw_ops(writer, ops)


def draw_ops(writer: PdfWriter, ops: list[str]) -> None:
    """A page drawn by content-stream operators, /F1 being STSong-Light."""
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
    _draw_page(writer, texts, _rules([100, 250, 400], [700, 650, 600]))
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


def test_ruled_table_of_the_narrative_after_the_last_table_is_not_its_continuation(tmp_path):
    """A ruled table in the narrative after the last standard table (重点项目绩效目标:
    项目 / 预算数 / 绩效目标), with no title of its own: its columns do not line up with
    the project table's, so it is no continuation of it; t12 stays as printed, and the
    grid is a table of its own (kept, not dropped)."""
    writer = PdfWriter()
    writer.append(SAMPLE, pages=(0, 25))  # the sample up to its last table page (t12)
    texts = [
        (60, 760, "三、重点项目绩效目标"),
        (60, 740, "本部门重点项目的绩效目标如下："),
        (65, 682, "项目"),
        (205, 682, "预算数"),
        (285, 682, "绩效目标"),
        (65, 646, "数据治理项目"),
        (205, 646, "92.12"),
        (285, 646, "数据共享率达到95%"),
        (65, 606, "运维项目"),
        (205, 606, "81.50"),
        (285, 606, "系统可用率不低于99%"),
    ]
    _draw_page(writer, texts, _rules([60, 200, 280, 540], [700, 670, 630, 590]))
    writer.write(tmp_path / "with_goals_table.pdf")
    extraction = extract_document(tmp_path / "with_goals_table.pdf")
    truth = json.loads(SAMPLE.with_suffix(".json").read_text(encoding="utf-8"))
    assert extraction.doc["tables"]["t12_projects"] == truth["tables"]["t12_projects"]
    assert extraction.table_pages["t12_projects"] == list(range(18, 26))
    assert (
        "page 26: an untitled grid whose columns differ from t12_projects is not part of it; "
        "kept as a table of its own"
    ) in extraction.warnings
    (kept,) = [t for t in extraction.doc["extra_tables"] if t["title"] == "(untitled, p.26)"]
    assert [row["values"] for row in kept["rows"]] == [["92.12"], ["81.50"]]  # never dropped


def test_untitled_page_repeating_the_header_continues_even_with_other_widths(tmp_path):
    """A continuation page that repeats the table's header goes on with it although a
    word processor laid its columns out wider; a grid that neither repeats the header
    nor lines up does not."""
    writer = PdfWriter()
    code_header, goal_header = ["科目编码", "科目名称", "金额"], ["项目", "预算数", "绩效目标"]
    for xs, header, lead in (
        ([60, 160, 360, 540], code_header, [(60, 760, "一般公共预算支出预算表")]),
        ([40, 170, 380, 555], code_header, []),  # the same header, columns laid out wider
        ([40, 170, 380, 555], goal_header, []),
    ):
        texts = lead + [(x + 5, 682, text) for x, text in zip(xs, header, strict=False)]
        _draw_page(writer, texts, _rules(xs, [700, 670, 640]))
    writer.write(tmp_path / "repeated_header.pdf")
    pdf = open_pdf(tmp_path / "repeated_header.pdf")
    try:
        [table], [repeated], [unrelated] = (page_pieces(p, [])[0] for p in read_pages(pdf))
    finally:
        pdf.close()
    assert table.key == "t05_gpb_function"
    assert not repeated.grid.lines_up_with(table.grid)
    assert continues_table(repeated, table)
    assert not continues_table(unrelated, table)


@pytest.mark.parametrize(
    ("key", "title", "xs", "header"),
    [
        (
            "t01_summary",
            "2025年部门财务收支预算总表",
            [60, 180, 300, 420, 540],
            ["项目", "预算数"] * 2,
        ),
        (
            "t04_fiscal_summary",
            "2025年部门财政拨款收支预算总表",
            [40, 150, 240, 390, 470, 550],
            ["项目", "预算数", "项目", "合计", "一般公共预算"],
        ),
    ],
    ids=["item-amount pairs", "sides found by header"],
)
def test_amount_under_a_total_label_merged_over_two_rows_is_that_totals(
    tmp_path, key, title, xs, header
):
    """收入总计 / 支出总计 printed in label cells merged over two rows, their amounts on
    the lower row (no rule between the rows in the label columns): each amount belongs
    to its total, not to an unlabelled line on both sides. An amount with no label
    reaching its row stays unlabelled (item ""), never dropped."""
    total = "189,767,551.46"
    rows = [
        header,
        ["一、财政拨款收入", total, "一、一般公共服务支出", total, total],
        ["收入总计", "", "支出总计", "", ""],
        ["", total, "", total, total],
        ["", "12.00", "", "", ""],
    ]
    texts = [(60, 760, title), (60, 730, "编制部门：上海市普陀区测试局"), (460, 730, "单位：元")]
    for baseline, row in zip([682, 652, 622, 592, 562], rows, strict=True):
        texts += [(x + 5, baseline, text) for x, text in zip(xs, row, strict=False) if text]
    ys = [700, 670, 640, 610, 580, 550]
    merged_labels = {(xs[0], 610), (xs[2], 610)}  # no rule under 收入总计 / 支出总计
    rules = [r for r in _rules(xs, ys) if not (r[1] == r[3] and (r[0], r[1]) in merged_labels)]
    writer = PdfWriter()
    _draw_page(writer, texts, rules)
    writer.write(tmp_path / "merged_total.pdf")
    table = extract_document(tmp_path / "merged_total.pdf").doc["tables"][key]
    assert _side(table, "income") == [
        ("一、财政拨款收入", "189767551.46"),
        ("收入总计", "189767551.46"),
        ("", "12.00"),
    ]
    assert _side(table, "expenditure") == [
        ("一、一般公共服务支出", "189767551.46"),
        ("支出总计", "189767551.46"),
    ]


@pytest.mark.parametrize("column_rules", [True, False], ids=["column rules drawn", "no rules"])
def test_continuation_row_without_a_rule_above_it_is_a_row(tmp_path, column_rules):
    """A continuation page whose first row has no rule above it (the page break left
    it on the previous page): `30206 电费 350.00` sits above the grid's first rule,
    inside its columns. It was dropped, and 302 no longer added up."""
    xs = [60, 160, 360, 540]
    header = [(60, 800, "江苏省测试厅2019年部门预算"), (60, 760, "一般公共预算基本支出预算表")]
    header += [(60, 735, "部门：江苏省测试厅"), (480, 735, "单位：万元")]
    first = [
        ("科目编码", "科目名称", "金额"),
        ("", "合计", "1,000.00"),
        ("302", "商品和服务支出", "1,000.00"),
        ("30201", "办公费", "370.00"),
        ("30205", "水费", "50.00"),
    ]
    second = [("30206", "电费", "350.00"), ("30207", "邮电费", "230.00")]
    writer = PdfWriter()
    ys = [700, 670, 640, 610, 580, 550]
    _draw_page(writer, header + _cells(xs, ys, first), _rules(xs, ys))
    ys = [730, 700, 670]  # the first row's top rule is missing
    top_rule = [r for r in _rules(xs, ys) if r[1] == r[3] == 730]
    top_row_columns = [r for r in _rules(xs, ys) if r[0] == r[2] and r[1] == 730]
    missing = top_rule if column_rules else top_rule + top_row_columns
    rules = [r for r in _rules(xs, ys) if r not in missing]
    _draw_page(writer, _cells(xs, ys, second), rules)
    writer.write(tmp_path / "unruled_row.pdf")
    doc = extract_document(tmp_path / "unruled_row.pdf").doc
    rows = doc["tables"]["t06_gpb_basic_economic"]["rows"]
    assert [(r["code"], r["name"], r["values"]) for r in rows] == [
        (None, "合计", ["1000.00"]),
        ("302", "商品和服务支出", ["1000.00"]),
        ("30201", "办公费", ["370.00"]),
        ("30205", "水费", ["50.00"]),
        ("30206", "电费", ["350.00"]),
        ("30207", "邮电费", ["230.00"]),
    ]
