"""Cut pages into table pieces: one ruled grid plus the free text printed around it.

A long table spans pages; each page repeats the title (Guangzhou) or not (some
provinces). A grid whose title names a standard table starts or continues that
table; an untitled grid right after a table's page continues it when its columns
line up. A title printed at the foot of a page, under its last grid, names the first
grid of the next page (Word breaks the page between a title and its table).
"""

from dataclasses import dataclass, field

from pipelines.cleaning import looks_like_amount, normalise_name
from pipelines.extraction.grid import (
    Grid,
    find_grids,
    line_groups,
    read_line,
    text_lines,
    with_row_above,
)
from pipelines.extraction.identity import department_on_line
from pipelines.extraction.page_furniture import PAGE_NUMBER, PRINTED_UNIT
from pipelines.extraction.pdf_pages import Glyph, PageContent
from pipelines.extraction.titles import (
    TABLE_NUMBER,
    generic_title,
    table_key_for_title,
)

_ROW_PAD = 1.0  # points between a row's tallest glyph and its (missing) top rule


@dataclass
class TablePiece:
    """One table's grid on one page, with what the page printed above and below it."""

    key: str | None  # a budget-doc table key; None: generic or untitled grid
    grid: Grid
    title: str | None = None  # the printed title line (label and all), None when untitled
    above: list[str] = field(default_factory=list)
    below: list[str] = field(default_factory=list)
    unit: str | None = None


def page_pieces(page: PageContent, carried: list[str]) -> tuple[list[TablePiece], list[str]]:
    """The page's table pieces and, when it has no grid, its text lines (narrative).

    `carried`: the title lines printed at the foot of the previous page
    (`foot_title`); they name this page's first grid when it prints no title above it.
    """
    grids = find_grids(page)
    if not grids:
        return [], text_lines(page.glyphs)
    pieces = []
    upper = page.height + 1
    for i, grid in enumerate(grids):
        if (top := _unruled_top_row(page, grid, upper)) is not None:
            grid = with_row_above(page, grid, top)
        lower = grids[i + 1].bbox[3] if i + 1 < len(grids) else -1.0
        above = _lines_between(page, grid.bbox[3], upper)
        below = _lines_between(page, lower, grid.bbox[1])
        piece = _piece(grid, above, below)
        if i == 0 and carried and piece.title is None:
            piece = _piece(grid, carried + above, below)
        pieces.append(piece)
        upper = grid.bbox[1]
    return pieces, []


def foot_title(piece: TablePiece) -> list[str]:
    """The lines under a page's last grid from a table title on, when nothing but unit,
    department or page-number lines follows that title: its grid is on the next page."""
    below = piece.below
    for start in range(len(below)):
        for end in (start + 1, start + 2):  # a long title may wrap onto a second line
            if (
                end <= len(below)
                and generic_title("".join(below[start:end]))
                and all(_is_furniture(line) for line in below[end:])
            ):
                return below[start:]
    return []


def _is_furniture(line: str) -> bool:
    compact = normalise_name(line)
    return bool(
        PRINTED_UNIT.search(compact) or department_on_line(compact) or PAGE_NUMBER.match(compact)
    )


def _unruled_top_row(page: PageContent, grid: Grid, upper: float) -> float | None:
    """The top of a body row printed right above a grid with neither its top rule nor
    its column rules (a continuation page's first row): the text lines nearest the
    grid, within one row height, printed inside its columns (no run of text crosses a
    column border) and not a title, unit or department line, when they hold an amount."""
    tallest = max(a - b for a, b in zip(grid.ys, grid.ys[1:], strict=False))
    reach = min(upper, grid.ys[0] + tallest)
    band = [g for g in page.glyphs if grid.ys[0] < g.cy < reach]
    row: list[Glyph] = []
    for line in reversed(line_groups(band)):  # nearest the grid first
        text = read_line(line)
        if (
            _is_furniture(text)
            or generic_title(text)
            or table_key_for_title(text)
            or not _inside_columns(line, grid.xs)
        ):
            break
        row += line
    cells = [[g for g in row if a <= g.cx < b] for a, b in zip(grid.xs, grid.xs[1:], strict=False)]
    if not any(looks_like_amount("".join(text_lines(cell))) for cell in cells):
        return None
    return max(g.y1 for g in row) + _ROW_PAD


def _inside_columns(line: list[Glyph], xs: list[float]) -> bool:
    """Every glyph inside the grid and no run of text across a column border: a gap
    wider than half a glyph separates the runs of a printed row's cells."""
    if not all(xs[0] <= g.x0 and g.x1 <= xs[-1] for g in line):
        return False
    height = max(g.y1 - g.y0 for g in line)
    for left, right in zip(line, line[1:], strict=False):
        if right.x0 - left.x1 < height / 2 and any(left.cx < x < right.cx for x in xs[1:-1]):
            return False
    return True


def _lines_between(page: PageContent, y_low: float, y_high: float) -> list[str]:
    return text_lines([g for g in page.glyphs if y_low < g.cy < y_high])


def title_candidates(lines: list[str]) -> list[str]:
    """The lines printed above a grid as title candidates, top first. A title wrapped over
    two lines is one candidate, never its second half alone: after a bare table number
    (表1 / 部门收支总表), when the two spell a known title (西南大学 / 收支预算总表), or when
    the second is a short tail (十一、一般公共预算“三公”经费、…支出预 / 算表). A heading
    above a title (（二）236中央高校… / 236中央高校…绩效目标表) is no part of it."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and _wraps_into(lines[i], lines[i + 1]):
            out.append(lines[i] + lines[i + 1])
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return out


_TITLE_TAIL = 10  # characters: a title's second line no longer than this is its tail


def _wraps_into(first: str, second: str) -> bool:
    head, tail = normalise_name(first), normalise_name(second)
    if _is_furniture(head) or _is_furniture(tail) or generic_title(head):
        return False
    joined = head + tail
    if not generic_title(joined):
        return False
    if TABLE_NUMBER.match(head):
        return True
    return bool(table_key_for_title(joined)) or len(tail) <= _TITLE_TAIL


def _title_row(grid: Grid) -> str | None:
    """The grid's first row when it is one cell across every column that reads as a table
    title (财政项目支出绩效目标填报表 printed inside the ruled form)."""
    top = [cell for cell in grid.cells if cell.row == 0]
    if len(top) == 1 and top[0].col_span == grid.n_cols and grid.n_cols > 1:
        text = normalise_name(top[0].text)
        return text if generic_title(text) else None
    return None


def _piece(grid: Grid, above: list[str], below: list[str]) -> TablePiece:
    key = title = None
    candidates = title_candidates(above)
    for line in candidates:
        key = table_key_for_title(line)
        if key:
            title = normalise_name(line)
            break
    if key is None:  # the title line nearest the grid names a non-standard table
        title = next((normalise_name(t) for t in reversed(candidates) if generic_title(t)), None)
    if title is None:  # a title printed as the grid's first row, across every column
        title = _title_row(grid)
        key = table_key_for_title(title) if title else None
    piece = TablePiece(key=key, grid=grid, title=title, above=above, below=below)
    for line in above:
        compact = normalise_name(line)
        unit = PRINTED_UNIT.search(compact)
        if unit and piece.unit is None:
            piece.unit = unit.group(1)
    return piece
