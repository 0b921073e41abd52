"""Second copies inside one PDF: a table printed twice, or two budgets in one file.

Either would load doubled or mixed amounts under one identity, so the file is refused
with where each copy is. A copy is seen two ways: a standard title that starts again
after another standard table began (A … B … A; a title repeated on its own continuation
pages, as Guangzhou prints it, is no restart), and a table page whose whole text is that
of an earlier page (pages inserted twice, one after the other).
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.errors import BudgetInputError
from pipelines.extraction.identity import find_department, find_year, gather_evidence
from pipelines.extraction.pdf_pages import PageContent
from pipelines.extraction.pieces import TablePiece


@dataclass(frozen=True)
class _Again:
    """A table seen a second time: on `page`, after its first copy on `first_page`."""

    table: str
    first_page: int
    page: int
    index: int = 0  # where a restarted copy begins among the document's pieces


@dataclass
class SecondCopies:
    """Watches a document's table pieces in page order (`see_page`, then `see_piece` for
    each piece with the group it joined) and refuses the file if a table came twice."""

    printed: list[TablePiece] = field(default_factory=list)  # every piece, in page order
    restarts: list[_Again] = field(default_factory=list)  # standard titles started again
    repeats: list[_Again] = field(default_factory=list)  # table pages printed twice
    started: dict[str, int] = field(default_factory=dict)  # standard table -> first page
    last_key: str | None = None  # the standard table started last
    page_texts: dict[str, int] = field(default_factory=dict)  # text digest -> table page
    repeated_page: int | None = None  # the earlier page the current page repeats

    def see_page(self, page: PageContent) -> None:
        """A page with table pieces: remembered by its text, to spot it printed again."""
        text = "".join(glyph.text for glyph in page.glyphs)
        if not text.strip():  # bare rules say nothing about which table they hold
            self.repeated_page = None
            return
        digest = hashlib.sha256(text.encode()).hexdigest()
        self.repeated_page = self.page_texts.setdefault(digest, page.number)
        if self.repeated_page == page.number:
            self.repeated_page = None

    def see_piece(self, piece: TablePiece, group: str | None, page: int) -> None:
        if piece.key in self.started and piece.key != self.last_key:
            first = self.started[piece.key]
            self.restarts.append(_Again(piece.key, first, page, len(self.printed)))
        if piece.key:
            self.started.setdefault(piece.key, page)
            self.last_key = piece.key
        if self.repeated_page is not None and group is not None:
            self.repeats.append(_Again(group, self.repeated_page, page))
            self.repeated_page = None
        self.printed.append(piece)

    def refuse(self, path: Path, table_name) -> None:
        """Raise BudgetInputError if the file holds two budgets or a table twice;
        `table_name(group)` says what a group is called in the reason."""
        if self.restarts:
            _refuse_two_budgets(path, self.printed, self.restarts)
        if again := (self.restarts or self.repeats or [None])[0]:
            raise BudgetInputError(
                path,
                f"{table_name(again.table)} printed twice (pages {again.first_page} and "
                f"{again.page}): a second copy would double its amounts; nothing loaded",
            )


def _refuse_two_budgets(path: Path, printed: list[TablePiece], restarts: list[_Again]):
    """Two budgets when the copies' own table pages (部门：/单位名称： lines, titles)
    name another department or year."""
    bounds = [0, *(r.index for r in restarts), len(printed)]
    copies: list[tuple[tuple, list[int]]] = []  # (department, year) -> its table pages
    for start, end in zip(bounds, bounds[1:], strict=False):
        pieces = printed[start:end]
        evidence = gather_evidence(
            [line for p in pieces for line in p.above], titles=[p.title for p in pieces]
        )
        identity = (find_department(evidence), find_year(evidence))
        pages = [p.grid.page for p in pieces]
        if copies and _same_budget(copies[-1][0], identity):
            copies[-1][1].extend(pages)
        else:
            copies.append((identity, pages))
    if len(copies) > 1:
        budgets = " and ".join(
            " ".join(str(part) for part in identity if part)
            + f" (tables on pages {min(pages)}–{max(pages)})"
            for identity, pages in copies
        )
        raise BudgetInputError(
            path, f"two budgets in one file: {budgets}; load each from its own PDF"
        )


def _same_budget(one: tuple, other: tuple) -> bool:
    """Same department and year wherever both copies name them (an unnamed one agrees)."""
    return all(a is None or b is None or a == b for a, b in zip(one, other, strict=True))
