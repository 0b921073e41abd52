"""Merge one table's pages into a budget-doc/1 table: coded, itemised, project, transposed
三公 and generic tables here; two-sided summaries in `two_sided`, empty tables in
`empty_tables`, the rows they are all read from in `table_rows`.

Every page of a long table repeats title, unit line and header rows: the header is
read once, from the first page, and dropped wherever it is repeated. A row that prints
no amount continues the row above it (a name or goal text wrapped over a line or a
page break). Leaf header texts name the value columns.

Every amount keeps the box of the cell it was read from (`cell_boxes`, docs/extraction.md):
builders put it beside the amount (`boxes` of a row, `box` of a summary line) and
`build_table` / `build_generic` hand it back apart, so the table stays budget-doc/1.
"""

import re
from itertools import takewhile

from pipelines.budget_doc import CODED, ITEMISED, LABEL_SEPARATOR, PROJECTS, TWO_SIDED
from pipelines.cleaning import looks_like_amount, normalise_long_text, normalise_name
from pipelines.extraction.empty_tables import empty_coded, empty_note
from pipelines.extraction.grid import Box, Grid
from pipelines.extraction.header_words import found
from pipelines.extraction.pieces import TablePiece
from pipelines.extraction.table_rows import (
    SUBTOTAL_PREFIX,
    Layout,
    TableShapeError,
    amount_text,
    body_rows,
    grid_slots,
    halves,
    has_amount,
    header_count,
    layout_of,
    leaf_names,
    read_layout,
    split_boxes,
    valued,
    with_precision,
)
from pipelines.extraction.two_sided import two_sided

THREE_PUBLIC = "t07_three_public"
TRANSPOSED_COLUMN = "预算数"  # the one value column of a 三公 table printed as a single row
_BRACKET_CODE = re.compile(r"^\[(\d{3,})\](.*)$")
_LEADING_CODE = re.compile(r"^(\d{3,})(\D.*)?$")
_CODE_HEADER = re.compile(r"编码|代码|^[类款项]$")
# The 类 | 款 | 项 header of code columns, printed in the 合计 row of some 决算 tables
# (类 款 项 合计): no part of a label.
_CODE_LEVEL_WORDS = {"类", "款", "项"}


def build_table(key: str, pieces: list[TablePiece]) -> tuple[dict, list | dict]:
    """The budget-doc/1 dict of one table from its pieces in page order, and the boxes of
    its amounts (`split_boxes`)."""
    note = empty_note(pieces)
    if key in CODED and not any(has_amount(r) for p in pieces for r in grid_slots(p.grid)):
        return split_boxes(empty_coded(pieces, note))
    if key in TWO_SIDED:
        table = two_sided(pieces)
    elif key == THREE_PUBLIC and _is_transposed(pieces[0].grid):
        table = _transposed(pieces)
    else:
        rows, boxes = body_rows(pieces)
        if key in CODED and _is_total_row_only(pieces[0].grid, rows):
            return split_boxes(with_precision(_total_row_only(pieces[0].grid, rows, boxes), pieces))
        if key in CODED and (half := halves(pieces[0].grid)):
            # two lists side by side: the left one, then the right one, each with its total
            rows = [row[:half] for row in rows] + [row[half:] for row in rows]
            boxes = [where[:half] for where in boxes] + [where[half:] for where in boxes]
            layout = layout_of(
                leaf_names(pieces[0].grid, header_count(grid_slots(pieces[0].grid)))[:half]
            )
        else:
            layout = read_layout(pieces[0].grid)
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
    return split_boxes(with_precision(table, pieces))


def split_code(label_cells: list[str]) -> tuple[str | None, str]:
    """`[2080104]名称`, `2080104 名称`, or separate code / 类 款 项 columns: the cells of
    digits first are the code (款 and 项 two digits: some tables print `2` for `02`), the
    other non-empty cells the name (a code header merged over two columns leaves one of
    them blank)."""
    parts = [t for t in map(normalise_name, label_cells) if t and t not in _CODE_LEVEL_WORDS]
    digits = list(takewhile(str.isdigit, parts))
    if not digits:
        text = "".join(parts)
        for pattern in (_BRACKET_CODE, _LEADING_CODE):
            match = pattern.match(text)
            if match:
                return match.group(1), (match.group(2) or "")
        return None, text
    code = digits[0] + "".join(part.zfill(2) for part in digits[1:])
    return code, "".join(parts[len(digits) :])


def _coded(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    if len(rows) > 1 and not any(
        split_code([row[c] for c in layout.label_cols])[0] for row in rows
    ):  # Jiangsu's 收入预算总表 lists fund sources, not subjects
        raise TableShapeError("no subject codes in a subject table")
    out: list[dict] = []
    for row, where in zip(rows, boxes, strict=True):
        labels = [row[c] for c in layout.label_cols]
        code, name = split_code(labels)
        if not has_amount(row, layout.value_cols) and code is None:
            if out:  # a name wrapped onto the next line or page
                out[-1]["name"] += normalise_name("".join(labels))
            continue
        out.append({"code": code, "name": name} | valued(row, where, layout.value_cols))
    return {"columns": layout.value_names, "rows": out}


def _itemised(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    out: list[dict] = []
    for row, where in zip(rows, boxes, strict=True):
        item = normalise_name("".join(row[c] for c in layout.label_cols))
        if not has_amount(row, layout.value_cols):
            if out:
                out[-1]["item"] += item
            continue
        out.append({"item": item} | valued(row, where, layout.value_cols))
    return {"columns": layout.value_names, "rows": out}


def _projects(rows: list[list[str]], boxes: list[list[Box | None]], layout: Layout) -> dict:
    out: list[dict] = []
    goals: list[list[str]] = []
    for row, where in zip(rows, boxes, strict=True):
        name = "".join(row[c] for c in layout.label_cols)
        goal = row[layout.text_col] if layout.text_col is not None else ""
        if not has_amount(row, layout.value_cols) and out:
            out[-1]["name"] += normalise_name(name)
            goals[-1].append(goal)
            continue
        out.append({"name": normalise_name(name)} | valued(row, where, layout.value_cols))
        goals.append([goal])
    for project, parts in zip(out, goals, strict=True):
        text = normalise_long_text("\n".join(p for p in parts if p.strip()))
        project["performance_goal"] = text or None
    return {"columns": layout.value_names, "rows": out}


def _is_total_row_only(grid: Grid, rows: list[list[str]]) -> bool:
    """Jiangsu's 支出预算总表: a header of expenditure types over one row of amounts, no
    subject column."""
    return len(rows) == 1 and all(not c.strip() or looks_like_amount(c) for c in rows[0])


def _total_row_only(grid: Grid, rows: list[list[str]], boxes: list[list[Box | None]]) -> dict:
    leaf = leaf_names(grid, header_count(grid_slots(grid)))
    names = [SUBTOTAL_PREFIX.sub("", name) for name in leaf]
    total = valued(rows[0], boxes[0], list(range(len(leaf))))
    return {"columns": names, "rows": [{"code": None, "name": "合计"} | total]}


def _is_transposed(grid: Grid) -> bool:
    """三公 printed as one row of amounts under a header of items (Jiangsu, Shanghai)."""
    slots = grid_slots(grid)
    n_header = header_count(slots)
    return 0 < n_header < len(slots) and all(
        not cell.strip() or looks_like_amount(cell) for row in slots[n_header:] for cell in row
    )


def _transposed(pieces: list[TablePiece]) -> dict:
    """Header items become rows, the single amount row their value columns.

    An item is named by its leaf header; a 小计/合计 leaf by its group; a sub-item at the
    third level that omits its group's subject (购置费 under 公务用车购置及运行费) gets
    the group's first four characters (公务用车购置费) so it reads on its own. Where every
    item prints several amounts under leaves saying what they are (a 决算: 预算数 | 决算数
    under each item), those leaves are the columns; else the one column is 预算数.
    """
    grid = pieces[0].grid
    n_header = header_count(grid_slots(grid))
    rows, boxes = body_rows(pieces)
    if len(rows) != 1:
        raise TableShapeError(f"a transposed 三公 table with {len(rows)} amount rows")
    paths = [_header_path(grid, n_header, col) for col in range(grid.n_cols)]
    leaves = [path[-1] for path in paths if path]
    amounts_of = bool(leaves) and len(found("amount_of", leaves)) == len(leaves)
    columns: list[str] = []
    items: dict[str, dict[str, int]] = {}  # item -> column name -> grid column
    for col, path in enumerate(paths):
        if not path:
            continue
        column = TRANSPOSED_COLUMN
        if amounts_of and len(path) > 1:
            column, path = path[-1], path[:-1]
        columns += [column] if column not in columns else []
        items.setdefault(_item_name(path), {})[column] = col
    out = []
    for item, at in items.items():
        cols = [at.get(column) for column in columns]
        values = [amount_text(rows[0][c]) if c is not None else None for c in cols]
        where = [
            boxes[0][c] if c is not None and v is not None else None
            for c, v in zip(cols, values, strict=True)
        ]
        out.append({"item": item, "values": values, "boxes": where})
    return {"columns": columns, "rows": out}


def _header_path(grid: Grid, n_header: int, col: int) -> list[str]:
    """The header texts over a grid column, top to bottom."""
    return [
        normalise_name(c.text)
        for c in sorted(grid.cells, key=lambda c: c.row)
        if c.row < n_header and c.col <= col < c.col + c.col_span and c.text.strip()
    ]


def _item_name(path: list[str]) -> str:
    item = path[-1]
    if item in ("小计", "合计") and len(path) > 1:
        return path[-2]
    if len(path) > 2 and not item.startswith(path[-2][:4]):
        return path[-2][:4] + item
    return item


def build_generic(title: str, pieces: list[TablePiece]) -> tuple[dict, list]:
    """A table with no standard twin, kept cell for cell: text columns make the row
    label, columns of amounts (not subject codes) are values; and their boxes."""
    first = grid_slots(pieces[0].grid)
    leaf = leaf_names(pieces[0].grid, header_count(first))
    rows, boxes = body_rows(pieces)
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
        cells = (normalise_name(row[c]) for c in label_cols if c < len(row) and row[c])
        label = LABEL_SEPARATOR.join(cells)
        out.append({"label": label} | valued(row, where, value_cols))
    columns = [SUBTOTAL_PREFIX.sub("", leaf[c]) for c in value_cols]
    return split_boxes(with_precision({"title": title, "columns": columns, "rows": out}, pieces))
