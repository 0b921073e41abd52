"""`budget inspect`: what the parser saw drawn on the pages, each table's type and evidence
in a summary, and camelot's own lattice beside ours as a second opinion."""

import pytest

from pipelines.cli import main
from tests.inputs import HRSS_PDF, REAL

SWU = REAL / "swu_2023_budget.pdf"


@pytest.mark.real
def test_inspect_draws_a_real_page_and_names_every_tables_type_and_evidence(tmp_path, capsys):
    from PIL import Image

    assert main(["inspect", str(SWU), "--page", "10", "--out", str(tmp_path)]) == 0
    with Image.open(tmp_path / "page-010.png") as image:
        assert image.size == (893, 1263)  # A4 at 1.5 px per point
        colours = {colour for _, colour in image.getcolors(1 << 20)}
    assert (40, 90, 220) in colours  # the grid's cells drawn
    assert (200, 0, 160) in colours  # and camelot's, the second opinion
    summary = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    assert summary == capsys.readouterr().out.split("wrote ")[0]
    assert summary.splitlines()[2:] == [
        "p.10  t13_fiscal_function  [certain: title and content agree]",
        "    title: 西南大学财政拨款支出预算表",
        "    evidence: title spells t13_fiscal_function (jiangsu/university)",
        "    evidence: content: rows: 25 function subject codes (205、20502、2050202 … (25))",
        "    evidence: content: header: uses 财政拨款支出、基本支出、项目支出",
        "    evidence: content: header: 财政拨款支出",
        "",
        "camelot lattice, a second opinion (magenta on the pictures):",
        "    p.10: 27×5 (ours: 27×5)",
    ]
    assert main(["inspect", str(SWU), "--no-camelot", "--out", str(tmp_path / "all")]) == 0
    whole = (tmp_path / "all" / "summary.txt").read_text(encoding="utf-8")
    assert "camelot" not in whole
    blocks = whole.split("\np.")[1:]
    kinds = [block.split()[1] for block in blocks]
    assert kinds[:4] == ["t01_summary", "t02_income", "t03_expenditure", "t13_fiscal_function"]
    assert set(kinds[4:]) == {"generic"}  # the 绩效目标 tables after them
    for block in blocks:  # each: pages, type and how sure, its title, what was seen
        head, title, *evidence = block.splitlines()[:3]
        assert head.split()[1] in ("t01_summary", "t02_income", "t03_expenditure",
                                   "t13_fiscal_function", "generic") and "[" in head  # fmt: skip
        assert title.startswith("    title: ") and evidence[0].startswith("    evidence: ")


@pytest.mark.real
def test_inspect_lists_but_does_not_draw_camelot_on_a_turned_page(tmp_path, capsys):
    """js_party_office_2019_tables p.2 is /Rotate 90 with its text turned: camelot's
    coordinates there are its own, so its cells would be drawn 349 pt too low."""
    from PIL import Image

    turned = REAL / "js_party_office_2019_tables.pdf"
    assert main(["inspect", str(turned), "--page", "2", "--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.splitlines()[-2] == (
        "    p.2: 15×3 (ours: 15×3); not drawn: a turned page, measured in camelot's own frame"
    )
    with Image.open(tmp_path / "page-002.png") as image:
        assert (200, 0, 160) not in {colour for _, colour in image.getcolors(1 << 20)}


def test_inspect_says_why_camelot_gave_no_second_opinion(tmp_path, capsys):
    """camelot 2.0 refuses a file its owner restricted; ours reads it and draws it."""
    from tests.test_bad_input import make_encrypted

    restricted = make_encrypted(tmp_path / "restricted.pdf", user_password="")
    assert main(["inspect", str(restricted), "--page", "5", "--out", str(tmp_path / "o")]) == 0
    assert capsys.readouterr().out.splitlines()[-3:] == [
        "camelot lattice, a second opinion (magenta on the pictures):",
        "    camelot could not read the file: PDFTextExtractionNotAllowed: Text extraction is "
        f"not allowed: {restricted}",
        f"wrote 1 page image(s) and summary.txt to {tmp_path / 'o'}",
    ]


def test_inspect_refuses_a_page_without_a_table_in_one_line(tmp_path, capsys):
    sample = HRSS_PDF
    assert main(["inspect", str(sample), "--page", "1", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (f"budget inspect: {sample}: no page 1 with a ruled table\n")
