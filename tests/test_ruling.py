"""Our port of camelot's vector table finder (pipelines/extraction/ruling.py) returns exactly
what camelot 2.0.0's `find_joints_from_lines` returns: the same tables, in the same order,
with the same bboxes and the same crossings, on every page of every PDF we hold.

camelot is imported here (and by `budget inspect`) only: it imports OpenCV.
"""

from pathlib import Path

import pytest
from camelot.image_processing import find_joints_from_lines

from pipelines.extraction.pdf_pages import open_pdf, read_pages
from pipelines.extraction.ruling import find_tables
from tests.inputs import FIXTURES, REAL, REPO, SAMPLE_PDFS

OURS = SAMPLE_PDFS + sorted(FIXTURES.rglob("*.pdf"))
REAL_PDFS = [pytest.param(p, id=p.name) for p in sorted(REAL.glob("*.pdf"))] or [
    pytest.param(None, id="../shared/real")  # skipped by its `real` mark, saying so
]


def tables_found_alike(pdf: Path) -> int:
    """Assert ours equals camelot's on every page of `pdf`; the number of tables found."""
    document = open_pdf(pdf)
    found = 0
    try:
        for page in read_pages(document, pdf):
            ours = find_tables(page.h_lines, page.v_lines)
            theirs = find_joints_from_lines(page.h_lines, page.v_lines)
            assert list(ours.items()) == list(theirs.items()), f"{pdf.name} p{page.number}"
            found += len(ours)
    finally:
        document.close()
    return found


@pytest.mark.parametrize("pdf", OURS, ids=lambda p: str(p.relative_to(REPO)))
def test_same_tables_as_camelot_on_our_pdfs(pdf):
    assert tables_found_alike(pdf) > 0  # each one holds ruled tables: nothing vacuous


@pytest.mark.real
@pytest.mark.parametrize("pdf", REAL_PDFS)
def test_same_tables_as_camelot_on_the_real_pdfs(pdf):
    tables_found_alike(pdf)  # the text-only halves of a Jiangsu budget have none


def test_two_grids_apart_are_two_tables_and_a_lone_box_is_none():
    """Tables come in the order of their first crossing, each with its crossings row by
    row; four crossings (a lone box) are too few to be a table."""
    grid = [(0.0, y, 20.0, y) for y in (20.0, 10.0, 0.0)], [(x, 0.0, x, 20.0) for x in (0, 10, 20)]
    low = [(100.0, y, 120.0, y) for y in (-50.0, -40.0, -30.0)]
    box = (
        [(200.0, 0.0, 210.0, 0.0), (200.0, 5.0, 210.0, 5.0)],
        [
            (200.0, 0.0, 200.0, 5.0),
            (210.0, 0.0, 210.0, 5.0),
        ],
    )
    h = grid[0] + low + box[0]
    v = [(110.0, -50.0, 110.0, -30.0), (101.0, -51.0, 101.0, -31.0)] + grid[1] + box[1]
    assert find_tables(h, v) == {
        (0.0, 0.0, 20.0, 20.0): [(x, y) for y in (20.0, 10.0, 0.0) for x in (0, 10, 20)],
        (100.0, -51.0, 120.0, -30.0): [
            (x, y) for y in (-50.0, -40.0, -30.0) for x in (110.0, 101.0)
        ],
    }
    assert list(find_tables(h, v)) == list(find_joints_from_lines(h, v))
