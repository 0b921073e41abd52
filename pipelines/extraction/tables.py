"""Merge one table's pages into a budget-doc/1 table.

Every page of a long table repeats title, unit line and header rows: the header is
read once, from the first page, and dropped wherever it is repeated. A row that prints
no amount continues the row above it (a name or goal text wrapped over a line or a
page break). Leaf header texts name the value columns.

Every amount keeps the box of the cell it was read from (`cell_boxes`, docs/extraction.md):
builders put it beside the amount (`boxes` of a row, `box` of a summary line) and
`build_table` / `build_generic` hand it back apart, so the table stays budget-doc/1.
"""

import re
from dataclasses import dataclass

from pipelines.budget_doc import (
    CODED,
    EMPTY_TABLE_NOTE,
    ITEMISED,
    PROJECTS,
    SUMMARY_SIDES,
    TWO_SIDED,
)
from pipelines.cleaning import (
    AmountError,
    format_amount,
    looks_like_amount,
    normalise_long_text,
    normalise_name,
    parse_amount,
    printed_decimals,
)
from pipelines.extraction.grid import COLUMN_TOL, Box, Cell, Grid
from pipelines.extraction.pieces import TablePiece

THREE_PUBLIC = "t07_three_public"
TRANSPOSED_COLUMN = "预算数"  # the one value column of a 三公 table printed as a single row
_LABEL_HEADER = re.compile(r"科目|编码|代码|名称|项目|类别|^[类款项]$|单位$")
_TEXT_HEADER = re.compile(r"绩效目标|备注|说明")
_BRACKET_CODE = re.compile(r"^\[(\d{3,})\](.*)$")
_LEADING_CODE = re.compile(r"^(\d{3,})(\D.*)?$")
_SUBTOTAL_PREFIX = re.compile(r"^其中[:：]")
_ITEM_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+[.、]|[(（][一二三四五六七八九十\d]+[)）])"
)
_CODE_HEADER = re.compile(r"编码|代码|^[类款项]$")


class TableShapeError(ValueError):
    """A grid whose header does not fit the table its title names."""


@dataclass
class Layout:
    """Where labels, amounts and texts sit in the grid (column indexes)."""

    label_cols: list[int]
    value_cols: list[int]
    value_names: list[str]
    text_col: int | None


def build_table(key: str, pieces: list[TablePiece]) -> tuple[dict, list | dict]:
    """The budget-doc/1 dict of one table from its pieces in page order, and the boxes of
    its amounts (`_split_boxes`)."""
    note = _empty_note(pieces)
    if key in CODED and not any(_has_amount(r) for p in pieces for r in _slots(p.grid)):
        return _split_boxes(_empty_coded(pieces, note))
    if key in TWO_SIDED:
        table = _two_sided(pieces)
    elif key == THREE_PUBLIC and _is_transposed(pieces[0].grid):
        table = _transposed(pieces)
    else:
        rows, boxes = _body_rows(pieces)
        if key in CODED and _is_total_row_only(pieces[0].grid, rows):
            return _split_boxes(
                _with_precision(_total_row_only(pieces[0].grid, rows, boxes), pieces)
            )
        layout = _layout(pieces[0].grid)
        if key == PROJECTS:
            table = _projects(rows, boxes, layout)
        elif key in ITEMISED:
            table = _itemised(rows, boxes, layout)
        elif key in CODED:
            table = _coded(rows, boxes, layout)
        else:
            raise TableShapeError(f"unknown table key {key}")
    if note:
        table["note"] = note
    return _split_boxes(_with_precision(table, pieces))


def _split_boxes(table: dict) -> tuple[dict, list | dict]:
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


def _with_precision(table: dict, pieces: list[TablePiece]) -> dict:
    """Record `printed_decimals` when a table prints an amount with fewer decimals than
    the format's two (`22,118,861` beside `86,959,408.34`, or whole 元 throughout): the
    rounding check allows ½ unit of that digit, which two-decimal strings cannot show."""
    decimals = [
        d for p in pieces for cell in p.grid.cells if (d := printed_decimals(cell.text)) is not None
    ]
    if decimals and min(decimals) < 2:
        table["printed_decimals"] = min(decimals)
    return table


def _slots(grid: Grid, ref: Grid | None = None) -> list[list[str]]:
    """Grid text by position, the parts of a merged cell left empty.

    With `ref` (the table's first page), columns are matched by position on the page:
    a last page holding only 合计 across the label columns has fewer grid columns.
    """
    return _by_position(grid, ref, lambda cell: cell.text, "")


def _slot_boxes(grid: Grid, ref: Grid | None = None) -> list[list[Box | None]]:
    """Where each slot of `_slots` is printed: its cell's box, None where `_slots` leaves
    the part of a merged cell empty."""
    return _by_position(grid, ref, grid.box, None)


def _by_position(grid: Grid, ref: Grid | None, value, blank) -> list[list]:
    """`value(cell)` at each cell's top-left slot, `blank` elsewhere (see `_slots`)."""
    if ref is None or grid is ref or _same_columns(grid, ref):
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


def _same_columns(grid: Grid, ref: Grid) -> bool:
    return len(grid.xs) == len(ref.xs) and all(
        abs(a - b) <= COLUMN_TOL for a, b in zip(grid.xs, ref.xs, strict=True)
    )


def _has_amount(row: list[str], cols: list[int] | None = None) -> bool:
    cells = row if cols is None else [row[c] for c in cols if c < len(row)]
    return any(looks_like_amount(cell) for cell in cells)


def _header_count(rows: list[list[str]]) -> int:
    """Rows above the first amount; in an empty table, above the first blank row."""
    for i, row in enumerate(rows):
        if _has_amount(row) or (i and not any(cell.strip() for cell in row)):
            return i
    return len(rows)


def _header_texts(rows: list[list[str]]) -> set[str]:
    return {normalise_name(t) for row in rows[: _header_count(rows)] for t in row if t.strip()}


def continues_table(piece: TablePiece, first: TablePiece) -> bool:
    """An untitled grid goes on with the table whose first page is `first` when its
    columns line up with that page's or its top row repeats that page's header; a
    ruled table of the narrative after the last table does neither."""
    if piece.grid.lines_up_with(first.grid):
        return True
    top = _slots(piece.grid)[0]
    return any(t.strip() for t in top) and _is_repeated_header(
        top, _header_texts(_slots(first.grid))
    )


def _body_row_refs(pieces: list[TablePiece]) -> list[tuple[Grid, int]]:
    """(grid, row index) of every data row on every page, repeated headers dropped."""
    first = _slots(pieces[0].grid)
    n_header = _header_count(first)
    header_texts = _header_texts(first)
    refs = [(pieces[0].grid, i) for i in range(n_header, len(first))]
    for piece in pieces[1:]:
        rows = _slots(piece.grid, pieces[0].grid)
        skip = 0
        while skip < len(rows) and _is_repeated_header(rows[skip], header_texts):
            skip += 1
        refs.extend((piece.grid, i) for i in range(skip, len(rows)))
    return [
        (grid, i)
        for grid, i in refs
        if any(cell.text.strip() for cell in grid.cells if cell.row == i)
    ]


def _body_rows(pieces: list[TablePiece]) -> tuple[list[list[str]], list[list[Box | None]]]:
    """Data rows of every page as text by grid position, repeated headers dropped, and
    where each slot is printed (`_slot_boxes`), row for row."""
    ref = pieces[0].grid
    slots = {id(p.grid): (_slots(p.grid, ref), _slot_boxes(p.grid, ref)) for p in pieces}
    refs = _body_row_refs(pieces)
    return [slots[id(g)][0][i] for g, i in refs], [slots[id(g)][1][i] for g, i in refs]


def _is_repeated_header(row: list[str], header_texts: set[str]) -> bool:
    texts = [normalise_name(t) for t in row if t.strip()]
    if _has_amount(row):
        return False
    return all(t in header_texts for t in texts)


def _layout(grid: Grid, n_header: int | None = None) -> Layout:
    slots = _slots(grid)
    n_header = _header_count(slots) if n_header is None else n_header
    leaf = _leaf_names(grid, n_header)
    label_cols, value_cols, names, text_col = [], [], [], None
    for col, name in enumerate(leaf):
        if not value_cols and text_col is None and (not name or _LABEL_HEADER.search(name)):
            label_cols.append(col)
        elif _TEXT_HEADER.search(name):
            text_col = col
        else:
            value_cols.append(col)
            names.append(_SUBTOTAL_PREFIX.sub("", name))
    if not label_cols or not value_cols:
        raise TableShapeError(f"cannot tell labels from amounts in header {leaf}")
    return Layout(label_cols, value_cols, names, text_col)


def _leaf_names(grid: Grid, n_header: int) -> list[str]:
    """For each grid column, the lowest header cell over it (a merged parent loses)."""
    leaf = [""] * grid.n_cols
    depth = [-1] * grid.n_cols
    for cell in grid.cells:
        if cell.row >= n_header or not cell.text.strip():
            continue
        bottom = cell.row + cell.row_span - 1
        for col in range(cell.col, cell.col + cell.col_span):
            if bottom > depth[col]:
                depth[col], leaf[col] = bottom, normalise_name(cell.text)
    return leaf


def _amount(text: str | None) -> str | None:
    """A cell of an amount column as budget-doc/1 spells it; text there means the
    columns were misread, which must not pass silently."""
    try:
        value = parse_amount(text)
    except AmountError as exc:
        raise TableShapeError(f"{exc} in an amount column") from None
    return None if value is None else format_amount(value)


def _valued(row: list[str], boxes: list[Box | None], cols: list[int]) -> dict:
    """`values` of a row's amount columns and their `boxes` (null beside a null value)."""
    values = [_amount(row[col]) if col < len(row) else None for col in cols]
    where = [
        boxes[col] if value is not None and col < len(boxes) else None
        for col, value in zip(cols, values, strict=True)
    ]
    return {"values": values, "boxes": where}


def _split_code(label_cells: list[str]) -> tuple[str | None, str]:
    """`[2080104]名称`, `2080104 名称`, or separate code / 类 款 项 columns."""
    cells = [normalise_name(c) for c in label_cells]
    if len(cells) == 1:
        text = cells[0]
        for pattern in (_BRACKET_CODE, _LEADING_CODE):
            match = pattern.match(text)
            if match:
                return match.group(1), (match.group(2) or "")
        return None, text
    *code_parts, name = cells
    # 类 | 款 | 项 columns: 款 and 项 are two digits (some tables print `2` for `02`).
    code = "".join(
        part if i == 0 or not part.isdigit() else part.zfill(2) for i, part in enumerate(code_parts)
    )
    if not code.isdigit():  # a label (合计) printed across the code and name columns
        return None, name or code
    return code, name


def _coded(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    if len(rows) > 1 and not any(
        _split_code([row[c] for c in layout.label_cols])[0] for row in rows
    ):  # Jiangsu's 收入预算总表 lists fund sources, not subjects
        raise TableShapeError("no subject codes in a subject table")
    out: list[dict] = []
    for row, where in zip(rows, boxes, strict=True):
        labels = [row[c] for c in layout.label_cols]
        if not _has_amount(row, layout.value_cols):
            if out:  # a name wrapped onto the next line or page
                out[-1]["name"] += normalise_name("".join(labels))
            continue
        code, name = _split_code(labels)
        out.append({"code": code, "name": name} | _valued(row, where, layout.value_cols))
    return {"columns": layout.value_names, "rows": out}


def _itemised(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    out: list[dict] = []
    for row, where in zip(rows, boxes, strict=True):
        item = normalise_name("".join(row[c] for c in layout.label_cols))
        if not _has_amount(row, layout.value_cols):
            if out:
                out[-1]["item"] += item
            continue
        out.append({"item": item} | _valued(row, where, layout.value_cols))
    return {"columns": layout.value_names, "rows": out}


def _projects(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    out: list[dict] = []
    goals: list[list[str]] = []
    for row, where in zip(rows, boxes, strict=True):
        name = "".join(row[c] for c in layout.label_cols)
        goal = row[layout.text_col] if layout.text_col is not None else ""
        if not _has_amount(row, layout.value_cols) and out:
            out[-1]["name"] += normalise_name(name)
            goals[-1].append(goal)
            continue
        out.append({"name": normalise_name(name)} | _valued(row, where, layout.value_cols))
        goals.append([goal])
    for project, parts in zip(out, goals, strict=True):
        text = normalise_long_text("\n".join(p for p in parts if p.strip()))
        project["performance_goal"] = text or None
    return {"columns": layout.value_names, "rows": out}


def _two_sided(pieces: list[TablePiece]) -> dict:
    """收入 | 支出 side by side: item, amount pairs; blank sides skipped.

    Even grid columns hold items, odd ones amounts. A total's item cell may be merged
    across a side (Jiangsu's 支出合计): the next amount cell is its amount. Some
    provinces print a third pair (支出用途: 基本支出, 项目支出 …) beside the functional
    one; it becomes `expenditure_by_use` rather than being mixed in.
    """
    width = pieces[0].grid.n_cols
    if width % 2:
        return _two_sided_by_header(pieces)
    if width < 4 or width > 6:
        raise TableShapeError(f"two-sided table with {width} columns")
    sides: list[list[dict]] = [[] for _ in range(width // 2)]
    labels: dict[int, Cell] = {}  # side -> the cell its last item was read from
    page: Grid | None = None
    for grid, index in _body_row_refs(pieces):
        row = sorted((c for c in grid.cells if c.row == index), key=lambda c: c.col)
        if grid is not page and page is not None and _is_split_row_end(row, labels, page):
            for cell in row:
                if cell.text.strip():
                    sides[cell.col // 2][-1]["item"] += normalise_name(cell.text)
            page = grid
            continue
        page = grid
        pending: tuple[int, Cell] | None = None  # (side, item cell) waiting for its amount
        for cell in row:
            if cell.col % 2 == 0:
                if pending and pending[1].text.strip():
                    _add_item(sides, labels, *pending, amount=None)
                pending = (cell.col // 2, cell)
                continue
            side, label = pending if pending else (cell.col // 2, None)
            amount = _amount(cell.text)
            box = grid.box(cell) if amount is not None else None
            if label is not None and label.text.strip():
                _add_item(sides, labels, side, label, amount, box)
            elif amount is not None:
                _place_unlabelled(sides[side], grid.cell_at(index, side * 2), index, amount, box)
            pending = None
        if pending and pending[1].text.strip():
            _add_item(sides, labels, *pending, amount=None)
    return dict(zip(SUMMARY_SIDES, sides, strict=False))


def _add_item(
    sides: list[list[dict]], labels: dict, side: int, label: Cell, amount, box: Box | None = None
) -> None:
    sides[side].append({"item": normalise_name(label.text), "amount": amount, "box": box})
    labels[side] = label


def _is_split_row_end(row: list[Cell], labels: dict[int, Cell], before: Grid) -> bool:
    """A page's first row that ends a row the page break split (`八、社会保障和就` |
    `业支出`): it prints no amount, and each of its texts sits under an item on the
    last row of the page `before` whose text filled its cell, and is no new item
    (一、, 1., （一）)."""
    texts = [c for c in row if c.text.strip()]
    return bool(texts) and all(
        c.col % 2 == 0
        and (label := labels.get(c.col // 2)) is not None
        and label.full
        and label.row + label.row_span == before.n_rows
        and not _ITEM_LABEL.match(normalise_name(c.text))
        for c in texts
    )


def _is_total_row_only(grid: Grid, rows: list[list[str]]) -> bool:
    """Jiangsu's 支出预算总表: a header of expenditure types over one row of amounts, no
    subject column."""
    return len(rows) == 1 and all(not c.strip() or looks_like_amount(c) for c in rows[0])


def _total_row_only(grid: Grid, rows: list[list[str]], boxes: list[list[Box | None]]) -> dict:
    leaf = _leaf_names(grid, _header_count(_slots(grid)))
    names = [_SUBTOTAL_PREFIX.sub("", name) for name in leaf]
    total = _valued(rows[0], boxes[0], list(range(len(leaf))))
    return {"columns": names, "rows": [{"code": None, "name": "合计"} | total]}


def _is_transposed(grid: Grid) -> bool:
    """三公 printed as one row of amounts under a header of items (Jiangsu, Shanghai)."""
    slots = _slots(grid)
    n_header = _header_count(slots)
    return 0 < n_header < len(slots) and all(
        not cell.strip() or looks_like_amount(cell) for row in slots[n_header:] for cell in row
    )


def _transposed(pieces: list[TablePiece]) -> dict:
    """Header items become rows, the single amount row their one value column.

    An item is named by its leaf header; a 小计/合计 leaf by its group; a sub-item at the
    third level that omits its group's subject (购置费 under 公务用车购置及运行费) gets
    the group's first four characters (公务用车购置费) so it reads on its own.
    """
    grid = pieces[0].grid
    n_header = _header_count(_slots(grid))
    rows, boxes = _body_rows(pieces)
    if len(rows) != 1:
        raise TableShapeError(f"a transposed 三公 table with {len(rows)} amount rows")
    out = []
    for col in range(grid.n_cols):
        path = [
            normalise_name(c.text)
            for c in sorted(grid.cells, key=lambda c: c.row)
            if c.row < n_header and c.col <= col < c.col + c.col_span and c.text.strip()
        ]
        if not path:
            continue
        item = path[-1]
        if item in ("小计", "合计") and len(path) > 1:
            item = path[-2]
        elif len(path) > 2 and not item.startswith(path[-2][:4]):
            item = path[-2][:4] + item
        out.append({"item": item} | _valued(rows[0], boxes[0], [col]))
    return {"columns": [TRANSPOSED_COLUMN], "rows": out}


def has_breakdown(pieces: list[TablePiece]) -> bool:
    """A two-sided table whose side prints several amount columns (Shanghai's 财政拨款
    支出: 合计, 一般公共预算 …): only 合计 fits budget-doc, so the whole table is also
    kept as a generic table."""
    return pieces[0].grid.n_cols % 2 == 1


def _two_sided_by_header(pieces: list[TablePiece]) -> dict:
    """Sides found from the header: an item column (项目…) and the amounts after it.

    An amount column whose name has 项目 in it (项目支出, a unit budget's expenditure
    breakdown) is no item column: its cells are amounts.
    """
    grid = pieces[0].grid
    leaf = _leaf_names(grid, _header_count(_slots(grid)))
    rows, boxes = _body_rows(pieces)
    item_cols = [
        c
        for c, name in enumerate(leaf)
        if _LABEL_HEADER.search(name)
        and not all(c >= len(r) or not r[c].strip() or looks_like_amount(r[c]) for r in rows)
    ]
    if len(item_cols) not in (2, 3) or item_cols[0] != 0:
        raise TableShapeError(f"two-sided table header {leaf}")
    bounds = [*item_cols, len(leaf)]
    sides: list[list[dict]] = [[] for _ in item_cols]
    for (page_grid, index), row, where in zip(_body_row_refs(pieces), rows, boxes, strict=True):
        for side, (item_col, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            if end - item_col < 2:
                raise TableShapeError(f"two-sided table side without amounts: {leaf}")
            item, amount = normalise_name(row[item_col]), _amount(row[item_col + 1])
            box = where[item_col + 1] if amount is not None else None
            if item:
                sides[side].append({"item": item, "amount": amount, "box": box})
            elif amount is not None:
                aligned = _same_columns(page_grid, grid)
                label = page_grid.cell_at(index, item_col) if aligned else None
                _place_unlabelled(sides[side], label, index, amount, box)
    return dict(zip(SUMMARY_SIDES, sides, strict=False))


def _place_unlabelled(
    lines: list[dict], label: Cell | None, row: int, amount: str, box: Box | None
) -> None:
    """An amount on a row where its side prints no label belongs to the label whose
    merged cell reaches down into that row from above (a total's label spanning two
    rows, its amount on the lower one) while that label has no amount yet. Otherwise
    it stays unlabelled (item ""), never dropped, for the checks to report."""
    last = lines[-1] if lines else None
    if (
        label is not None
        and label.row < row
        and last is not None
        and last["amount"] is None
        and last["item"] == normalise_name(label.text) != ""
    ):
        last["amount"], last["box"] = amount, box
    else:
        lines.append({"item": "", "amount": amount, "box": box})


def build_generic(title: str, pieces: list[TablePiece]) -> tuple[dict, list]:
    """A table with no standard twin, kept cell for cell: text columns make the row
    label, columns of amounts (not subject codes) are values; and their boxes."""
    first = _slots(pieces[0].grid)
    leaf = _leaf_names(pieces[0].grid, _header_count(first))
    rows, boxes = _body_rows(pieces)
    value_cols = [
        col
        for col, name in enumerate(leaf)
        if not _CODE_HEADER.search(name)
        and any(col < len(r) and r[col].strip() for r in rows)
        and all(col >= len(r) or not r[col].strip() or looks_like_amount(r[col]) for r in rows)
    ]
    label_cols = [col for col in range(len(leaf)) if col not in value_cols]
    out = []
    for row, where in zip(rows, boxes, strict=True):
        label = "/".join(normalise_name(row[c]) for c in label_cols if c < len(row) and row[c])
        out.append({"label": label} | _valued(row, where, value_cols))
    columns = [_SUBTOTAL_PREFIX.sub("", leaf[c]) for c in value_cols]
    return _split_boxes(_with_precision({"title": title, "columns": columns, "rows": out}, pieces))


_EMPTY_MARKERS = ("本表本年无发生额", "此表为空", "本表为空", "为空表", "无相关收支")
# A line that says only "none": `无`, `无。`, or 无… in brackets (（无政府性基金支出）). Weaker
# than the wordings above (a goal cell may read 无), so it counts only in a table that
# prints no amount other than zero.
_NONE_LINE = re.compile(r"^(?:注|说明)?:?(?:无|\(无[^()]*\))。?$")
# What an empty table that prints only a blank 合计 row (Jiangsu 2017) says by that row.
BLANK_TOTAL_NOTE = "(空表:仅印空白合计行)"


def _empty_note(pieces: list[TablePiece]) -> str | None:
    """The printed line saying the table is empty: the Guangzhou wording as FORMAT.md
    spells it, other provinces' wording as printed (NFKC, no whitespace)."""
    texts = [normalise_name(line) for piece in pieces for line in piece.below]
    texts += [normalise_name(c.text) for piece in pieces for c in piece.grid.cells]
    for text in texts:
        if EMPTY_TABLE_NOTE.rstrip("。") in text:
            return EMPTY_TABLE_NOTE
    for text in texts:
        if any(marker in text for marker in _EMPTY_MARKERS):
            return text.removeprefix("注:")
    says_none = next((t for t in texts if _NONE_LINE.match(t)), None)
    if says_none and not _prints_nonzero(pieces):
        return says_none.removeprefix("注:")
    return None


def _prints_nonzero(pieces: list[TablePiece]) -> bool:
    """Any amount but zero on the table's grids (codes count too: a coded table with rows
    is not empty, whatever a remark under it says)."""
    return any(
        looks_like_amount(c.text) and parse_amount(c.text) != 0
        for piece in pieces
        for c in piece.grid.cells
    )


def _says_empty(text: str) -> bool:
    """A grid row whose label is the empty-table wording ends the header like a 合计 row."""
    return any(marker in text for marker in _EMPTY_MARKERS) or bool(_NONE_LINE.match(text))


def _empty_coded(pieces: list[TablePiece], note: str | None) -> dict:
    """A subject table that prints no amount at all (Shanghai and Jiangsu empty tables):
    its columns, its printed 合计 row with blank (null) cells, and the line that says so;
    when the blank 合计 is all it prints, that row is what says so (BLANK_TOTAL_NOTE)."""
    slots = _slots(pieces[0].grid)
    n_header = next(
        (
            i
            for i, row in enumerate(slots)
            if i and (not any(c.strip() for c in row) or _is_total_or_empty_label(row))
        ),
        len(slots),
    )
    layout = _layout(pieces[0].grid, n_header)
    labels = [normalise_name(next((c for c in row if c.strip()), "")) for row in slots[n_header:]]
    printed_totals = [
        {"code": None, "name": "合计", "values": [None] * len(layout.value_cols)}
        for label in labels
        if label == "合计"
    ]
    if note is None and printed_totals and len(printed_totals) == sum(map(bool, labels)):
        note = BLANK_TOTAL_NOTE
    table: dict = {"columns": layout.value_names, "rows": printed_totals}
    if note:
        table["note"] = note
    return table


def _is_total_or_empty_label(row: list[str]) -> bool:
    label = normalise_name(next((c for c in row if c.strip()), ""))
    return label.startswith("合计") or _says_empty(label)
