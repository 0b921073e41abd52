"""A table's pages as rows of text: the grid read by position, the header read once from
the first page and dropped wherever a page repeats it, amount cells read as budget-doc/1
amounts with the box each was printed in. What every kind of table (`tables`,
`two_sided`, `empty_tables`) builds its rows from.
"""

import re
from dataclasses import dataclass

from pipelines.budget_doc import SUMMARY_SIDES
from pipelines.cleaning import (
    AmountError,
    format_amount,
    looks_like_amount,
    normalise_name,
    parse_amount,
    printed_decimals,
)
from pipelines.extraction.grid import COLUMN_TOL, Box, Grid
from pipelines.extraction.pieces import TablePiece

LABEL_HEADER = re.compile(r"科目|编码|代码|名称|项目|类别|^[类款项]$|单位$")
_TEXT_HEADER = re.compile(r"绩效目标|备注|说明")
SUBTOTAL_PREFIX = re.compile(r"^其中[:：]")


class TableShapeError(ValueError):
    """A grid whose header does not fit the table its title names."""


@dataclass
class Layout:
    """Where labels, amounts and texts sit in the grid (column indexes)."""

    label_cols: list[int]
    value_cols: list[int]
    value_names: list[str]
    text_col: int | None


def split_boxes(table: dict) -> tuple[dict, list | dict]:
    """The table without its amounts' boxes, and the boxes shaped like it: per row a list
    parallel to `values` (null beside a null value), per side of a two-sided table one
    box per line."""
    if "rows" in table:
        return table, [
            row.pop("boxes", None) or [None] * len(row["values"]) for row in table["rows"]
        ]
    return table, {
        side: [line.pop("box") for line in table[side]] for side in SUMMARY_SIDES if side in table
    }


def with_precision(table: dict, pieces: list[TablePiece]) -> dict:
    """Record `printed_decimals` when a table prints an amount with fewer decimals than
    the format's two (`22,118,861` beside `86,959,408.34`, or whole 元 throughout): the
    rounding check allows ½ unit of that digit, which two-decimal strings cannot show."""
    decimals = [
        d for p in pieces for cell in p.grid.cells if (d := printed_decimals(cell.text)) is not None
    ]
    if decimals and min(decimals) < 2:
        table["printed_decimals"] = min(decimals)
    return table


def grid_slots(grid: Grid, ref: Grid | None = None) -> list[list[str]]:
    """Grid text by position, the parts of a merged cell left empty.

    With `ref` (the table's first page), columns are matched by position on the page:
    a last page holding only 合计 across the label columns has fewer grid columns.
    """
    return _by_position(grid, ref, lambda cell: cell.text, "")


def slot_boxes(grid: Grid, ref: Grid | None = None) -> list[list[Box | None]]:
    """Where each slot of `grid_slots` is printed: its cell's box, None where `grid_slots` leaves
    the part of a merged cell empty."""
    return _by_position(grid, ref, grid.box, None)


def _by_position(grid: Grid, ref: Grid | None, value, blank) -> list[list]:
    """`value(cell)` at each cell's top-left slot, `blank` elsewhere (see `grid_slots`)."""
    if ref is None or grid is ref or same_columns(grid, ref):
        out = [[blank] * grid.n_cols for _ in range(grid.n_rows)]
        for cell in grid.cells:
            out[cell.row][cell.col] = value(cell)
        return out
    out = [[blank] * ref.n_cols for _ in range(grid.n_rows)]
    for cell in grid.cells:
        left = grid.xs[cell.col] + COLUMN_TOL
        target = max((i for i, x in enumerate(ref.xs[:-1]) if x <= left), default=0)
        out[cell.row][target] = value(cell)
    return out


def same_columns(grid: Grid, ref: Grid) -> bool:
    return len(grid.xs) == len(ref.xs) and all(
        abs(a - b) <= COLUMN_TOL for a, b in zip(grid.xs, ref.xs, strict=True)
    )


def has_amount(row: list[str], cols: list[int] | None = None) -> bool:
    cells = row if cols is None else [row[c] for c in cols if c < len(row)]
    return any(looks_like_amount(cell) for cell in cells)


def header_count(rows: list[list[str]]) -> int:
    """Rows above the first amount (a row left blank under merged header cells is header
    too); in an empty table, above the first blank row. A row of column numbers (栏次 | 1 |
    2 …, 决算 tables) is header, whatever its numbers look like."""
    first_amount = next(
        (i for i, row in enumerate(rows) if has_amount(row) and not is_column_numbers(row)),
        None,
    )
    if first_amount is not None:
        return first_amount
    blank = (i for i, row in enumerate(rows) if i and not any(cell.strip() for cell in row))
    return next(blank, len(rows))


_COLUMN_NUMBERS = {"栏次", "行次"}


def is_column_numbers(row: list[str]) -> bool:
    """The row numbering the columns (栏次 1 2 3): no data, wherever it is printed."""
    return any(normalise_name(cell) in _COLUMN_NUMBERS for cell in row)


def header_cell_texts(rows: list[list[str]]) -> set[str]:
    return {normalise_name(t) for row in rows[: header_count(rows)] for t in row if t.strip()}


def continues_table(piece: TablePiece, first: TablePiece) -> bool:
    """An untitled grid goes on with the table whose first page is `first` when its
    columns line up with that page's or its top row repeats that page's header; a
    ruled table of the narrative after the last table does neither."""
    if piece.grid.lines_up_with(first.grid):
        return True
    top = grid_slots(piece.grid)[0]
    return any(t.strip() for t in top) and _is_repeated_header(
        top, header_cell_texts(grid_slots(first.grid))
    )


def body_row_refs(pieces: list[TablePiece]) -> list[tuple[Grid, int]]:
    """(grid, row index) of every data row on every page, repeated headers dropped."""
    first = grid_slots(pieces[0].grid)
    n_header = header_count(first)
    header_texts = header_cell_texts(first)
    refs = [(pieces[0].grid, i) for i in range(n_header, len(first))]
    for piece in pieces[1:]:
        rows = grid_slots(piece.grid, pieces[0].grid)
        skip = 0
        while skip < len(rows) and (
            _is_repeated_header(rows[skip], header_texts) or is_column_numbers(rows[skip])
        ):
            skip += 1
        refs.extend((piece.grid, i) for i in range(skip, len(rows)))
    return [
        (grid, i)
        for grid, i in refs
        if any(cell.text.strip() for cell in grid.cells if cell.row == i)
    ]


def body_rows(pieces: list[TablePiece]) -> tuple[list[list[str]], list[list[Box | None]]]:
    """Data rows of every page as text by grid position, repeated headers dropped, and
    where each slot is printed (`slot_boxes`), row for row."""
    ref = pieces[0].grid
    slots = {id(p.grid): (grid_slots(p.grid, ref), slot_boxes(p.grid, ref)) for p in pieces}
    refs = body_row_refs(pieces)
    return [slots[id(g)][0][i] for g, i in refs], [slots[id(g)][1][i] for g, i in refs]


def _is_repeated_header(row: list[str], header_texts: set[str]) -> bool:
    texts = [normalise_name(t) for t in row if t.strip()]
    if has_amount(row):
        return False
    return all(t in header_texts for t in texts)


def read_layout(grid: Grid, n_header: int | None = None) -> Layout:
    slots = grid_slots(grid)
    n_header = header_count(slots) if n_header is None else n_header
    return layout_of(leaf_names(grid, n_header))


def layout_of(leaf: list[str]) -> Layout:
    """Label columns first (科目编码, 名称 …), then amounts, and a 绩效目标 text column."""
    label_cols, value_cols, names, text_col = [], [], [], None
    for col, name in enumerate(leaf):
        if not value_cols and text_col is None and (not name or LABEL_HEADER.search(name)):
            label_cols.append(col)
        elif _TEXT_HEADER.search(name):
            text_col = col
        else:
            value_cols.append(col)
            names.append(SUBTOTAL_PREFIX.sub("", name))
    if not label_cols or not value_cols:
        raise TableShapeError(f"cannot tell labels from amounts in header {leaf}")
    return Layout(label_cols, value_cols, names, text_col)


def halves(grid: Grid) -> int | None:
    """Where the second of two side-by-side copies of one header starts (a 决算's basic
    spending: 人员经费 subjects | 公用经费 subjects, each 类 | 款 | 科目名称 | 决算数), else
    None."""
    leaf = leaf_names(grid, header_count(grid_slots(grid)))
    half = len(leaf) // 2
    if len(leaf) >= 4 and len(leaf) % 2 == 0 and leaf[:half] == leaf[half:] and any(leaf):
        return half
    return None


def leaf_names(grid: Grid, n_header: int) -> list[str]:
    """For each grid column, the lowest header cell over it (a merged parent loses). A
    leaf that only says 金额 or 小计 under a group of some of the amount columns is named
    by that group (事业收入 over 金额 | 其中:教育收费 → 事业收入); under a group of all of
    them it keeps its word (一般公共预算支出 over 小计 | 基本支出 | 项目支出 → 小计)."""
    leaf, group = _leaves_and_groups(grid, n_header)
    labels = next((i for i, name in enumerate(leaf) if name and not LABEL_HEADER.search(name)), 0)
    return [
        normalise_name(group[col].text)
        if name in _AMOUNT_LEAVES
        and group[col] is not None
        and group[col].col_span > 1
        and not _SIDE.match(normalise_name(group[col].text))
        and (group[col].col, group[col].col + group[col].col_span) != (labels, grid.n_cols)
        else name
        for col, name in enumerate(leaf)
    ]


def _leaves_and_groups(grid: Grid, n_header: int) -> tuple[list[str], list]:
    """Each column's lowest header text, and the merged header cell right above it."""
    leaf = [""] * grid.n_cols
    group: list = [None] * grid.n_cols
    below: list = [None] * grid.n_cols
    for cell in sorted(grid.cells, key=lambda c: c.row + c.row_span):
        if cell.row >= n_header or not cell.text.strip():
            continue
        for col in range(cell.col, cell.col + cell.col_span):
            group[col], below[col] = below[col], cell
            leaf[col] = normalise_name(cell.text)
    return leaf, group


def column_parts(grid: Grid) -> dict[str, str]:
    """The columns printed as a 其中 part of the column before them, by name → that
    column's name: a group of two leaves, its amount and 其中:… (事业收入 over 金额 |
    其中:教育收费; 项目支出 over 小计 | 其中:基本建设资金支出). Such a part is in its
    group's amount already, so no total adds it again. (一般公共预算支出 over 小计 |
    其中:基本支出 | 项目支出 prints no such part: its 其中 is one of two addends.)"""
    n_header = header_count(grid_slots(grid))
    leaf, group = _leaves_and_groups(grid, n_header)
    names = leaf_names(grid, n_header)
    parts = {}
    for col, name in enumerate(leaf):
        cell = group[col]
        if SUBTOTAL_PREFIX.match(name) and cell is not None and cell.col_span == 2 and col > 0:
            if col == cell.col + 1:
                parts[SUBTOTAL_PREFIX.sub("", name)] = names[col - 1]
    return parts


_AMOUNT_LEAVES = {"金额", "小计"}  # leaf words that say "the amount" and not of what
_SIDE = re.compile(r"^(?:收入|支出)")


def amount_text(text: str | None) -> str | None:
    """A cell of an amount column as budget-doc/1 spells it; text there means the
    columns were misread, which must not pass silently."""
    try:
        value = parse_amount(text)
    except AmountError as exc:
        raise TableShapeError(f"{exc} in an amount column") from None
    return None if value is None else format_amount(value)


def valued(row: list[str], boxes: list[Box | None], cols: list[int]) -> dict:
    """`values` of a row's amount columns and their `boxes` (null beside a null value)."""
    values = [amount_text(row[col]) if col < len(row) else None for col in cols]
    where = [
        boxes[col] if value is not None and col < len(boxes) else None
        for col, value in zip(cols, values, strict=True)
    ]
    return {"values": values, "boxes": where}
