"""Empty tables: the printed line that says a table is empty (本表本年无发生额, 此表为空,
a bare 无 …), and a subject table that prints no amount at all, kept with its columns and
its blank 合计 row.
"""

import re

from pipelines.budget_doc import EMPTY_TABLE_NOTE, is_total_label
from pipelines.cleaning import looks_like_amount, normalise_name, parse_amount
from pipelines.extraction.pieces import TablePiece
from pipelines.extraction.table_rows import grid_slots, read_layout

_EMPTY_MARKERS = ("本表本年无发生额", "此表为空", "本表为空", "为空表", "无相关收支")
# A line that says only "none": `无`, `无。`, or 无… in brackets (（无政府性基金支出）). Weaker
# than the wordings above (a goal cell may read 无), so it counts only in a table that
# prints no amount other than zero.
_NONE_LINE = re.compile(r"^(?:注|说明)?:?(?:无|\(无[^()]*\))。?$")
# What an empty table that prints only a blank 合计 row (Jiangsu 2017) says by that row.
BLANK_TOTAL_NOTE = "(空表:仅印空白合计行)"


def empty_note(pieces: list[TablePiece]) -> str | None:
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


def empty_coded(pieces: list[TablePiece], note: str | None) -> dict:
    """A subject table that prints no amount at all (Shanghai and Jiangsu empty tables):
    its columns, its printed 合计 row with blank (null) cells, and the line that says so;
    when the blank 合计 is all it prints, that row is what says so (BLANK_TOTAL_NOTE)."""
    slots = grid_slots(pieces[0].grid)
    n_header = next(
        (
            i
            for i, row in enumerate(slots)
            if i and (not any(c.strip() for c in row) or _is_total_or_empty_label(row))
        ),
        len(slots),
    )
    layout = read_layout(pieces[0].grid, n_header)
    labels = [normalise_name(next((c for c in row if c.strip()), "")) for row in slots[n_header:]]
    printed_totals = [
        {"code": None, "name": label, "values": [None] * len(layout.value_cols)}
        for label in labels
        if is_total_label(label)
    ]
    if note is None and printed_totals and len(printed_totals) == sum(map(bool, labels)):
        note = BLANK_TOTAL_NOTE
    table: dict = {"columns": layout.value_names, "rows": printed_totals}
    if note:
        table["note"] = note
    return table


def _is_total_or_empty_label(row: list[str]) -> bool:
    label = normalise_name(next((c for c in row if c.strip()), ""))
    return is_total_label(label) or _says_empty(label)
