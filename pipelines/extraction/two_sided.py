"""Two-sided summary tables (收入 | 支出, t01 and t04): item and amount pairs per side,
found by column parity or, when a side prints several amount columns, from the header.
"""

import re

from pipelines.budget_doc import SUMMARY_SIDES
from pipelines.cleaning import looks_like_amount, normalise_name
from pipelines.extraction.grid import Box, Cell, Grid
from pipelines.extraction.pieces import TablePiece
from pipelines.extraction.table_rows import (
    LABEL_HEADER,
    TableShapeError,
    amount_text,
    body_row_refs,
    body_rows,
    grid_slots,
    header_count,
    leaf_names,
    same_columns,
)

_ITEM_LABEL = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d+[.、]|[(（][一二三四五六七八九十\d]+[)）])"
)


def two_sided(pieces: list[TablePiece]) -> dict:
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
    for grid, index in body_row_refs(pieces):
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
            amount = amount_text(cell.text)
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
    leaf = leaf_names(grid, header_count(grid_slots(grid)))
    rows, boxes = body_rows(pieces)
    item_cols = [
        c
        for c, name in enumerate(leaf)
        if LABEL_HEADER.search(name)
        and not all(c >= len(r) or not r[c].strip() or looks_like_amount(r[c]) for r in rows)
    ]
    if len(item_cols) not in (2, 3) or item_cols[0] != 0:
        raise TableShapeError(f"two-sided table header {leaf}")
    bounds = [*item_cols, len(leaf)]
    sides: list[list[dict]] = [[] for _ in item_cols]
    for (page_grid, index), row, where in zip(body_row_refs(pieces), rows, boxes, strict=True):
        for side, (item_col, end) in enumerate(zip(bounds, bounds[1:], strict=False)):
            if end - item_col < 2:
                raise TableShapeError(f"two-sided table side without amounts: {leaf}")
            item, amount = normalise_name(row[item_col]), amount_text(row[item_col + 1])
            box = where[item_col + 1] if amount is not None else None
            if item:
                sides[side].append({"item": item, "amount": amount, "box": box})
            elif amount is not None:
                aligned = same_columns(page_grid, grid)
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
