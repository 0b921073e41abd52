"""Empty tables say so, in whatever words a budget uses, and completeness accepts them.

Real pages: Jiangsu 2017 prints its empty 政府性基金 table as a blank 合计 row and nothing
else (party office p7, procuratorate p13), the NPC office writes `(无政府性基金支出）` under
it (p15); later years and Shanghai use 此表为空, 本部门无相关收支项目, 故本表为空表. Unit
tests put each wording under a hand-built grid.
"""

import pytest

from pipelines import quality
from pipelines.extraction.empty_tables import BLANK_TOTAL_NOTE
from pipelines.extraction.grid import Cell, Grid
from pipelines.extraction.pieces import TablePiece
from pipelines.extraction.tables import build_table
from tests.inputs import REAL, extracted

GOV_FUND = "t08_gov_fund"


def _completeness_on(doc: dict, key: str) -> list[tuple]:
    return [
        (f.severity, f.rule) for f in quality.check_completeness(doc).findings if f.table == key
    ]


@pytest.mark.real
@pytest.mark.parametrize(
    ("stem", "note"),
    [
        ("js_party_office_2017_tables", BLANK_TOTAL_NOTE),  # p7: header, blank 合计, blank rows
        ("js_procuratorate_2017", BLANK_TOTAL_NOTE),  # p13: the same
        ("js_npc_2017", "(无政府性基金支出)"),  # p15: `(无政府性基金支出）` under the grid
        ("js_procuratorate_2018", "说明:本部门无相关收支项目。"),
        ("js_procuratorate_2019", "此表为空"),
        (
            "sh_putuo_commerce_2025",
            "本部门2025年无政府性基金预算财政拨款安排的预算,故本表为空表。",
        ),
    ],
)
def test_real_empty_gov_fund_tables_say_they_are_empty(stem, note):
    doc = extracted(REAL / f"{stem}.pdf").doc
    table = doc["tables"][GOV_FUND]
    assert table["note"] == note
    assert [(r["name"], r["values"]) for r in table["rows"]] == [
        ("合计", [None] * len(table["columns"]))
    ]
    assert _completeness_on(doc, GOV_FUND) == []


@pytest.mark.real
def test_a_table_that_says_it_is_empty_but_prints_figures_keeps_them():
    """Wanli 2024 p31 prints 47.91 万元 of 三公 under a copied 故本表为空表 note."""
    t07 = extracted(REAL / "sh_putuo_wanli_2024.pdf").doc["tables"]["t07_three_public"]
    assert t07["note"].endswith("故本表为空表。")
    assert t07["rows"][0]["values"] == ["47.91"]


# -- the wordings, under a hand-built grid ---------------------------------------------------

_HEADER = ["功能科目代码", "功能科目名称", "金额"]


def _grid(rows: list[list[str]]) -> Grid:
    """A fully ruled grid, one cell per slot, 20 points a row and 100 a column."""
    cells = [
        Cell(row=i, col=j, row_span=1, col_span=1, lines=[text] if text else [])
        for i, row in enumerate(rows)
        for j, text in enumerate(row)
    ]
    ys = [800.0 - 20 * i for i in range(len(rows) + 1)]
    xs = [50.0 + 100 * j for j in range(len(rows[0]) + 1)]
    return Grid(page=1, bbox=(xs[0], ys[-1], xs[-1], ys[0]), xs=xs, ys=ys, cells=cells)


def _table(body: list[list[str]], below: list[str] = (), key: str = GOV_FUND) -> dict:
    piece = TablePiece(key=key, grid=_grid([_HEADER, *body]), below=list(below))
    return build_table(key, [piece])[0]


_BLANK_TOTAL = [["", "合计", ""], ["", "", ""], ["", "", ""]]


@pytest.mark.parametrize(
    ("below", "note"),
    [
        (["无"], "无"),
        (["无。"], "无。"),
        (["注：无"], "无"),
        (["（无政府性基金支出）"], "(无政府性基金支出)"),
        (["(无政府性基金支出）"], "(无政府性基金支出)"),
        (
            ["注：本单位2024年无政府性基金预算拨款，故本表为空表。"],
            "本单位2024年无政府性基金预算拨款,故本表为空表。",
        ),
        (["此表为空"], "此表为空"),
        (["说明：本部门无相关收支项目。"], "说明:本部门无相关收支项目。"),
        (["注：本表本年无发生额。"], "本表本年无发生额。"),
        ([], BLANK_TOTAL_NOTE),  # nothing printed but the blank 合计
        (["注：“科目编码”和“科目名称”为必填项。"], BLANK_TOTAL_NOTE),  # a note, not a wording
    ],
)
def test_each_wording_makes_an_empty_table_with_its_note(below, note):
    table = _table(_BLANK_TOTAL, below)
    assert table == {
        "columns": ["金额"],
        "rows": [{"code": None, "name": "合计", "values": [None]}],
        "note": note,
    }
    doc = {"department": "某部门", "fiscal_year": 2024, "unit": "万元", "layout": "jiangsu"}
    doc["tables"] = {GOV_FUND: table}
    assert _completeness_on(doc, GOV_FUND) == []


def test_a_wording_inside_the_grid_counts_too():
    table = _table([["", "合计", ""], ["", "（无政府性基金支出）", ""], ["", "", ""]])
    assert table["note"] == "(无政府性基金支出)"
    assert table["rows"] == [{"code": None, "name": "合计", "values": [None]}]


@pytest.mark.parametrize(
    "below",
    [
        ["无锡市专项资金"],  # a name that starts with 无 says nothing about the table
        ["无政府性基金支出安排的说明见第三部分"],
    ],
)
def test_text_that_only_starts_with_wu_is_no_note(below):
    assert "note" not in _table([["", "", ""], ["", "", ""]], below)


def test_a_header_only_grid_has_no_note_and_is_worth_a_look():
    table = _table([["", "", ""], ["", "", ""]])
    assert table == {"columns": ["金额"], "rows": []}
    doc = {"department": "某部门", "fiscal_year": 2024, "unit": "万元", "layout": "jiangsu"}
    doc["tables"] = {GOV_FUND: table}
    assert _completeness_on(doc, GOV_FUND) == [("WARN", "table prints amounts or says it is empty")]
    summary = quality.check_completeness(doc).summary()
    assert "0 rounding warning(s), 1 other warning(s)" in summary


def test_a_bare_wu_beside_printed_figures_is_no_note():
    """`无` under a table with amounts (a remark, a goal) does not make it empty."""
    body = [["", "合计", "12.00"], ["201", "一般公共服务支出", "12.00"]]
    table = _table(body, ["无"], key="t05_gpb_function")
    assert "note" not in table
    assert [r["values"] for r in table["rows"]] == [["12.00"], ["12.00"]]
