"""Ruled tables of a page: crossing lines make the grid, we place glyphs by their centres.

The page's ruling lines are clustered into tables and their crossings without rendering
the page (ruling.py: camelot 2's vector engine, ported). camelot's own text assignment
uses font boxes, which for CJK fonts in spreadsheet exports are taller than the row and
push text one row down; pdfium's tight glyph boxes have centres that sit inside the right
cell, so we assign glyphs ourselves. Merged cells are rebuilt from which borders are drawn.
"""

from bisect import bisect_right
from dataclasses import dataclass, field

from pipelines.cleaning import looks_like_amount
from pipelines.extraction.pdf_pages import Glyph, PageContent, PageFrame
from pipelines.extraction.ruling import find_tables

_SNAP = 2.0  # points: crossings closer than this are the same grid line
_EDGE_TOL = 1.5  # points: how far a drawn border may sit from a grid line
_SAME_BASELINE = 1.5  # points: glyph origins this close in y are on one text line
_MIN_BAND = 4.0  # points: column rules running this far past a table's last row rule
COLUMN_TOL = 3.0  # points: column borders of one table's pages this close are the same
_WRAP_ROOM = 1.5  # glyph widths: less room than this after a cell's last line, it is full

# Where a cell is printed: [page (1-based), x0, top, x1, bottom], points on the page as shown.
Box = list[float]


@dataclass
class Cell:
    """A (possibly merged) cell: grid position, span and its text lines."""

    row: int
    col: int
    row_span: int
    col_span: int
    lines: list[str] = field(default_factory=list)
    full: bool = False  # its last line reaches the right border: the text may wrap on
    clipped: str = ""  # an amount line whose digits run on past a border: not read whole

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Grid:
    """One ruled table on one page, as rows of merged cells (top row first)."""

    page: int
    bbox: tuple[float, float, float, float]  # x0, y0 (bottom), x1, y1 (top)
    xs: list[float]  # column borders, left to right
    ys: list[float]  # row borders, top to bottom
    cells: list[Cell]
    frame: PageFrame = field(default_factory=PageFrame)  # these coordinates -> page as shown

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def rows(self) -> list[list[Cell]]:
        """Cells by the row they start in, left to right."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def cell_at(self, row: int, col: int) -> Cell:
        """The (possibly merged) cell covering grid position (row, col)."""
        return next(
            c
            for c in self.cells
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span
        )

    def lines_up_with(self, ref: "Grid") -> bool:
        """Every column border sits on one of `ref`'s: a page of the same table (a last
        page holding only 合计 across the label columns lacks the inner borders)."""
        return all(any(abs(x - r) <= COLUMN_TOL for r in ref.xs) for x in self.xs)

    def matrix(self) -> list[list[str | None]]:
        """Text by grid position; a merged cell's text sits at its top-left slot, the
        rest of its span is None, an empty cell is ''."""
        out: list[list[str | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row][cell.col] = cell.text
        return out

    def box(self, cell: Cell) -> Box:
        """The cell's borders on the page as shown (a merged cell's whole span)."""
        x0, top, x1, bottom = self.frame.box(
            self.xs[cell.col],
            self.ys[cell.row + cell.row_span],
            self.xs[cell.col + cell.col_span],
            self.ys[cell.row],
        )
        return [self.page, round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)]


def find_grids(page: PageContent) -> list[Grid]:
    """Every ruled table on the page, top to bottom."""
    if len(page.h_lines) < 2 or len(page.v_lines) < 2:
        return []
    clusters = find_tables(page.h_lines, page.v_lines)
    grids = []
    for bbox, joints in clusters.items():
        xs = _snap(sorted(x for x, _ in joints))
        ys = _snap(sorted((y for _, y in joints), reverse=True))
        if len(xs) < 2 or len(ys) < 2:
            continue
        grids.append(_build(page, bbox, xs, _with_edge_rows(page, bbox, xs, ys)))
    grids.sort(key=lambda g: -g.bbox[3])
    return grids


def _with_edge_rows(page: PageContent, bbox, xs: list[float], ys: list[float]) -> list[float]:
    """Row borders plus the table's outer edges where its top or bottom rule is missing.

    A page break can leave a table's first (or last) row without its outer rule while
    its column rules are drawn: they run on past the last crossing, and the band they
    enclose is a row when text is printed in it.
    """
    x0, bottom, x1, top = bbox
    if top - ys[0] >= _MIN_BAND and _has_text(page, x0, x1, ys[0], top):
        ys = [top, *ys]
    if ys[-1] - bottom >= _MIN_BAND and _has_text(page, x0, x1, bottom, ys[-1]):
        ys = [*ys, bottom]
    return ys


def _has_text(page: PageContent, x0: float, x1: float, y0: float, y1: float) -> bool:
    return any(x0 <= g.cx <= x1 and y0 <= g.cy <= y1 for g in page.glyphs)


def with_row_above(page: PageContent, grid: Grid, top: float) -> Grid:
    """The grid with one more row on top reaching up to `top`: a first row printed with
    neither its top rule nor its column rules, whose cells are the grid's columns."""
    x0, y0, x1, y1 = grid.bbox
    return _build(page, (x0, y0, x1, max(y1, top)), grid.xs, [top, *grid.ys], unruled_row=0)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in values:
        if not out or abs(v - out[-1]) > _SNAP:
            out.append(v)
    return out


def _build(
    page: PageContent, bbox, xs: list[float], ys: list[float], unruled_row: int | None = None
) -> Grid:
    """Cells from which borders are drawn; in `unruled_row` every column border counts."""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    # right_open[r][c]: no border between (r, c) and (r, c+1); down_open likewise.
    right_open = [
        [
            r != unruled_row and not _has_v(page.v_lines, xs[c + 1], ys[r], ys[r + 1])
            for c in range(n_cols - 1)
        ]
        for r in range(n_rows)
    ]
    down_open = [
        [not _has_h(page.h_lines, ys[r + 1], xs[c], xs[c + 1]) for c in range(n_cols)]
        for r in range(n_rows - 1)
    ]
    owner = [[-1] * n_cols for _ in range(n_rows)]
    cells: list[Cell] = []
    for r in range(n_rows):
        for c in range(n_cols):
            if owner[r][c] >= 0:
                continue
            col_span = 1
            while c + col_span < n_cols and right_open[r][c + col_span - 1]:
                col_span += 1
            row_span = 1
            while r + row_span < n_rows and all(
                down_open[r + row_span - 1][c + k] for k in range(col_span)
            ):
                row_span += 1
            for rr in range(r, r + row_span):
                for cc in range(c, c + col_span):
                    owner[rr][cc] = len(cells)
            cells.append(Cell(r, c, row_span, col_span))
    _place_glyphs(page.glyphs, xs, ys, owner, cells)
    return Grid(page.number, tuple(bbox), xs, ys, cells, page.frame)


def _has_v(lines, x: float, y_top: float, y_bottom: float) -> bool:
    mid = (y_top + y_bottom) / 2
    return any(
        abs(lx - x) <= _EDGE_TOL and ly0 - _EDGE_TOL <= mid <= ly1 + _EDGE_TOL
        for lx, ly0, _, ly1 in lines
    )


def _has_h(lines, y: float, x_left: float, x_right: float) -> bool:
    mid = (x_left + x_right) / 2
    return any(
        abs(ly - y) <= _EDGE_TOL and lx0 - _EDGE_TOL <= mid <= lx1 + _EDGE_TOL
        for lx0, ly, lx1, _ in lines
    )


def _place_glyphs(glyphs: list[Glyph], xs, ys, owner, cells: list[Cell]) -> None:
    """Put each glyph in the cell holding its centre, then read each cell line by line."""
    neg_ys = [-y for y in ys]

    def row_of(y: float) -> int:
        return min(max(bisect_right(neg_ys, -y) - 1, 0), len(ys) - 2)

    per_cell: dict[int, list[Glyph]] = {}
    for g in glyphs:
        cx, cy = g.cx, g.cy
        if not (xs[0] <= cx <= xs[-1] and ys[-1] <= cy <= ys[0]):
            continue
        c = min(bisect_right(xs, cx) - 1, len(xs) - 2)
        per_cell.setdefault(owner[row_of(cy)][c], []).append(g)
    line_rows: dict[int, list[tuple[int, str]]] = {}
    by_baseline = _by_baseline(glyphs)
    for index, cell_glyphs in per_cell.items():
        groups = line_groups(cell_glyphs)
        cell = cells[index]
        cell.lines = [read_line(group) for group in groups]
        left, right = xs[cell.col], xs[cell.col + cell.col_span]
        for group in groups:
            if looks_like_amount(read_line(group)) and _runs_past(group, left, right, by_baseline):
                cell.clipped = read_line(group)
        last = groups[-1]
        room = xs[cell.col + cell.col_span] - last[-1].x1
        cell.full = room < _WRAP_ROOM * max(g.x1 - g.x0 for g in last)
        if cell.row_span > 1:
            line_rows[index] = [(row_of(_centre_y(group)), read_line(group)) for group in groups]
    _split_unruled_rows(cells, line_rows)


_DIGITS = frozenset("0123456789,.")


def _by_baseline(glyphs: list[Glyph]) -> dict[int, list[Glyph]]:
    """The page's digit glyphs by whole-point baseline, for `_runs_past`."""
    out: dict[int, list[Glyph]] = {}
    for g in glyphs:
        if g.text in _DIGITS:
            out.setdefault(round(g.baseline), []).append(g)
    return out


def _runs_past(line: list[Glyph], left: float, right: float, by_baseline) -> bool:
    """Does the number go on beyond the cell? A digit on its baseline past a border, as
    close to the line's end as its own digits are to each other, is more of the same
    number: printed wider than the cell (and clipped, or spilled into the next one)."""
    gaps = [b.x0 - a.x1 for a, b in zip(line, line[1:], strict=False)]
    step = max([*gaps, 0.0]) + 0.5  # points: digits of one number are no further apart
    near = [
        g
        for key in (round(line[0].baseline) + d for d in (-1, 0, 1))
        for g in by_baseline.get(key, ())
        if abs(g.baseline - line[0].baseline) <= _SAME_BASELINE
    ]
    first, last = line[0], line[-1]
    return any(
        (g.cx > right and abs(g.x0 - last.x1) <= step)
        or (g.cx < left and abs(first.x0 - g.x1) <= step)
        for g in near
    )


def _split_unruled_rows(cells: list[Cell], line_rows: dict[int, list[tuple[int, str]]]) -> None:
    """Word tables sometimes omit the rule between two data rows in the label columns,
    which would merge two subjects into one cell. A tall cell whose text lines sit in
    different rows that each print an amount elsewhere is split back into those rows."""
    amount_rows = {c.row for c in cells if c.row_span == 1 and looks_like_amount(c.text)}
    for index, placed in line_rows.items():
        cell = cells[index]
        rows = {row for row, _ in placed}
        if len(rows) < 2 or not rows <= amount_rows:
            continue
        cell.row_span, cell.lines = 1, [text for row, text in placed if row == cell.row]
        for row in sorted(rows - {cell.row}):
            lines = [text for r, text in placed if r == row]
            cells.append(Cell(row, cell.col, 1, cell.col_span, lines))


def line_groups(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into visual lines, top line first, each read left to right."""
    # Tight boxes of 一, 、 or “ sit high or low in the line; the glyph origins of one
    # line share a baseline, so lines are grouped by baseline.
    ordered = sorted(glyphs, key=lambda g: -g.baseline)
    lines: list[list[Glyph]] = []
    for g in ordered:
        if lines and abs(lines[-1][0].baseline - g.baseline) <= _SAME_BASELINE:
            lines[-1].append(g)
        else:
            lines.append([g])
    return [sorted(line, key=lambda g: g.x0) for line in lines]


def read_line(line: list[Glyph]) -> str:
    return "".join(g.text for g in line)


def _centre_y(line: list[Glyph]) -> float:
    return sum(g.cy for g in line) / len(line)


def text_lines(glyphs: list[Glyph]) -> list[str]:
    """Group glyphs into visual lines (top first) and read each left to right."""
    return [read_line(group) for group in line_groups(glyphs)]


def printed_text(page: PageContent, box: Box) -> str:
    """The text printed in a box of `Grid.box` (lines joined by newlines): the glyphs whose
    centre is inside it, as the grid placed them, so tracing reads what extraction read."""
    _, x0, top, x1, bottom = box
    inside = []
    for g in page.glyphs:
        left, high, right, low = page.frame.box(g.x0, g.y0, g.x1, g.y1)
        if x0 <= (left + right) / 2 <= x1 and top <= (high + low) / 2 <= bottom:
            inside.append(g)
    return "\n".join(text_lines(inside))
