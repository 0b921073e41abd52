"""Cut pages into table pieces: one ruled grid plus the free text printed around it.

A long table spans pages; each page repeats the title (Guangzhou) or not (some
provinces). A grid whose title names a standard table starts or continues that
table; an untitled grid right after a table's page continues it.
"""

import re
from dataclasses import dataclass, field

from pipelines.cleaning import normalise_name
from pipelines.extraction.grid import Grid, find_grids, text_lines
from pipelines.extraction.pdf_pages import PageContent
from pipelines.extraction.titles import generic_title, table_key_for_title

_UNIT = re.compile(r"(?:金额)?单位[:：]?\s*(万元|元)")


@dataclass
class TablePiece:
    """One table's grid on one page, with what the page printed above and below it."""

    key: str | None  # a budget-doc table key; None: generic or untitled grid
    grid: Grid
    title: str | None = None  # the printed title (standard or generic), None when untitled
    above: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)
    unit: str | None = None


def page_pieces(page: PageContent) -> tuple[list[TablePiece], list[str]]:
    """The page's table pieces and, when it has no grid, its text lines (narrative)."""
    grids = find_grids(page)
    if not grids:
        return [], text_lines(page.glyphs)
    pieces = []
    upper = page.height + 1
    for i, grid in enumerate(grids):
        lower = grids[i + 1].bbox[3] if i + 1 < len(grids) else -1.0
        above = _lines_between(page, grid.bbox[3], upper)
        below = _lines_between(page, lower, grid.bbox[1])
        pieces.append(_piece(grid, above, below))
        upper = grid.bbox[1]
    return pieces, []


def _lines_between(page: PageContent, y_low: float, y_high: float) -> list[str]:
    return text_lines([g for g in page.glyphs if y_low < g.cy < y_high])


def _piece(grid: Grid, above: list[str], below: list[str]) -> TablePiece:
    key = title = None
    # A long title may wrap onto a second line: try each line, then adjacent pairs.
    candidates = above + [a + b for a, b in zip(above, above[1:], strict=False)]
    for line in candidates:
        key = table_key_for_title(line)
        if key:
            title = normalise_name(line)
            break
    if key is None:  # the title line nearest the grid names a non-standard table
        title = next((t for t in map(generic_title, reversed(candidates)) if t), None)
    piece = TablePiece(key=key, grid=grid, title=title, above=above, below=below)
    for line in above:
        compact = normalise_name(line)
        unit = _UNIT.search(compact)
        if unit and piece.unit is None:
            piece.unit = unit.group(1)
    return piece
