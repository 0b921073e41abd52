"""Grids of real Jiangsu budgets that the parser misread, pinned with values read off
the rendered pages (js_npc_2017.pdf, js_npc_2018.pdf in ../shared/real).

Each test names the class of document that needs the rule, not the file: another
province's Word or Excel export draws its rulings the same way.
"""

from pathlib import Path

import pytest

from pipelines.extraction import extract_document
from pipelines.extraction.pdf_pages import _merge_collinear

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
