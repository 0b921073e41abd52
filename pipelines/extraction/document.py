"""Assemble one budget-doc/1 document from a PDF.

Tables are found by title wherever they start; cover, contents and narrative pages
only lend the department name, fiscal year and document kind (identity.py). Whatever
cannot be read is an error naming the file, never a silently short document, and a table
printed twice or a second budget in the file is one too (copies.py), never merged.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.budget_doc import (
    ABSENT,
    BUDGET_STAGE,
    CELL_BOXES,
    COLUMN_PARTS,
    DECLARED_TABLES,
    DEFAULT_LAYOUT,
    DEPARTMENT_BUDGET,
    DISAGREEING_HEADINGS,
    FORMAT,
    KEPT_GENERIC,
    NARRATIVE_FIGURES,
    PRINTED,
    PUBLISHED_TABLES,
    TABLE_KEYS,
    TABLE_PAGES,
    TABLE_TYPING,
    TITLE_ONLY,
    TWO_SIDED,
    UNKNOWN_LAYOUT,
)
from pipelines.errors import BudgetInputError
from pipelines.extraction.contents import (
    Listed,
    contents_listing,
    declared_tables,
    numbered_listing,
)
from pipelines.extraction.copies import SecondCopies
from pipelines.extraction.damage import is_encrypted, refuse_damaged_streams
from pipelines.extraction.grid import text_lines
from pipelines.extraction.identity import (
    Evidence,
    disagreeing_headings,
    document_kind,
    document_stage,
    file_year_disagreement,
    find_department,
    find_year,
    gather_evidence,
)
from pipelines.extraction.narrative import narrative_extension
from pipelines.extraction.ocr_confidence import ocr_extension
from pipelines.extraction.pdf_pages import PageContent, document_title, open_pdf, read_pages
from pipelines.extraction.pieces import TablePiece, foot_title, page_pieces
from pipelines.extraction.readability import judge_page
from pipelines.extraction.refusals import (
    refuse_clipped_amounts,
    refuse_without_tables,
    require_text,
)
from pipelines.extraction.table_rows import (
    TableShapeError,
    column_parts,
    continues_table,
    has_amount,
)
from pipelines.extraction.table_types import (
    PROBABLE,
    RANK,
    TableTyping,
    settle,
    totals_tie,
    type_table,
)
from pipelines.extraction.tables import build_generic, build_table
from pipelines.extraction.titles import generic_title, layouts_of_title
from pipelines.extraction.two_sided import has_breakdown
from pipelines.file_hash import file_sha256
from pipelines.limits import ParseLimits

_GENERIC = "generic:"  # group-name prefix of tables with no standard twin


@dataclass(frozen=True)
class DocumentIdentity:
    """Who published the document, for which year, of which kind and stage: the document's
    natural key. A body may publish both a department budget (部门预算, itself and its
    units) and a unit budget (单位预算, itself alone) for one year, and the final accounts
    (决算) of each later; none replaces another."""

    department: str
    fiscal_year: int
    kind: str = DEPARTMENT_BUDGET
    stage: str = BUDGET_STAGE

    @classmethod
    def of(cls, doc: dict) -> "DocumentIdentity":
        """The identity a budget-doc/1 dict states (no `document_kind`: a department's; no
        `stage`: a budget)."""
        return cls(
            doc["department"],
            int(doc["fiscal_year"]),
            doc.get("document_kind", DEPARTMENT_BUDGET),
            doc.get("stage", BUDGET_STAGE),
        )


@dataclass
class Extraction:
    """A parsed PDF: the budget-doc/1 dict plus where each table came from."""

    doc: dict
    path: Path
    sha256: str
    page_count: int
    table_pages: dict[str, list[int]] = field(default_factory=dict)  # 1-based page numbers
    warnings: list[str] = field(default_factory=list)
    unreadable_pages: int = 0  # pages whose text did not read: a worse edition (load.py)


@dataclass(frozen=True)
class TableReading:
    """One printed table as the parser read it: its title line, its grid on each page and
    how it was typed (what `budget inspect` draws)."""

    title: str | None
    pieces: list[TablePiece]
    typing: TableTyping


@dataclass
class DocumentReading:
    """An extraction with what produced it: the pages and every table read from them."""

    extraction: Extraction
    pages: list[PageContent]
    tables: list[TableReading]


def extract_document(
    path: Path | str, password: str | None = None, limits: ParseLimits | None = None
) -> Extraction:
    """Parse every standard table of a budget PDF; raises BudgetInputError on bad input
    (LimitExceededError over `limits`, default ParseLimits.from_env())."""
    return read_document(path, password, limits).extraction


def read_document(
    path: Path | str, password: str | None = None, limits: ParseLimits | None = None
) -> DocumentReading:
    """`extract_document`, keeping the pages, grids and typings it read (kept apart from
    the Extraction, which a batch worker sends back to its parent)."""
    path = Path(path)
    limits = limits or ParseLimits.from_env()
    pdf = open_pdf(path, password, limits)
    try:
        pages = list(read_pages(pdf, path, limits))
        title = document_title(pdf)
        encrypted = is_encrypted(pdf)
    finally:
        pdf.close()
    require_text(path, pages)
    narrative: list[str] = []
    page_text: list[tuple[int, list[str]]] = []  # every page's free text, for stated figures
    groups: dict[str, list[TablePiece]] = {}  # table key or generic title -> pieces
    unreadable: dict[str, str] = {}  # group -> why a page of it could not be read
    current: str | None = None
    carried: list[str] = []  # a title printed under the previous page's last grid
    unplaced: list[str] = []  # untitled grids that continue no table: tables of their own
    copies = SecondCopies()
    garbled = []
    for page in pages:
        verdict = judge_page(page)
        if verdict.garbled:  # a damaged file: no page of it is to be trusted
            raise BudgetInputError(path, f"garbled text on {verdict.reason}; nothing loaded")
        if not verdict.readable:
            garbled.append(verdict.reason)
            if current is not None:  # the table may go on here: it would be incomplete
                unreadable[current] = verdict.reason
            current, carried = None, []
            continue
        pieces, lines = page_pieces(page, carried)
        refuse_clipped_amounts(path, pieces)
        carried = foot_title(pieces[-1]) if pieces else []
        narrative.extend(lines)
        page_text.append((page.number, lines + [t for p in pieces for t in p.above + p.below]))
        if pieces:
            copies.see_page(page)
        for piece in pieces:
            group = piece.key or (f"{_GENERIC}{piece.title}" if piece.title else None)
            if group is None and current is not None and continues_table(piece, groups[current][0]):
                group = current
            elif group is None and has_amount([c.text for c in piece.grid.cells]):
                # a table whose title is not printed as text, or a ruled table of the
                # narrative: its own table, typed by its content, never dropped
                group = f"{_GENERIC}{_untitled(page.number)}"
                after = (
                    f" whose columns differ from {current} is not part of it;" if current else ""
                )
                unplaced.append(
                    f"page {page.number}: an untitled grid{after} kept as a table of its own"
                )
            current = group
            copies.see_piece(piece, group, page.number)
            if group is not None:
                groups.setdefault(group, []).append(piece)
        if not pieces:
            current = None
    if not encrypted:  # after the pages: garbled text is the more telling reason
        refuse_damaged_streams(path)
    copies.refuse(path, lambda group: generic_title(group.removeprefix(_GENERIC)) or group)
    listed = _listing(pages, groups)
    unit = _main_unit(groups)
    typings, builds = _type_groups(groups, unit)
    if not any(typing.key for typing in typings.values()):
        refuse_without_tables(path, pages, garbled, title)
    extraction = Extraction(doc={}, path=path, sha256=file_sha256(path), page_count=len(pages))
    extraction.warnings.extend(f"unreadable text on {reason}" for reason in garbled)
    extraction.unreadable_pages = len(garbled)
    extraction.warnings.extend(unplaced)
    for group, reason in unreadable.items():
        extraction.warnings.append(f"table {group} dropped: unreadable text on {reason}")
        groups.pop(group, None)
    extraction.doc = _assemble(
        path, groups, typings, builds, unit, listed, narrative, title, extraction
    ) | ocr_extension(pages)
    if figures := narrative_extension(page_text):
        extraction.doc[NARRATIVE_FIGURES] = figures
        extraction.doc[TABLE_PAGES] = extraction.table_pages
    if disagreement := file_year_disagreement(path.name, extraction.doc["fiscal_year"]):
        extraction.warnings.append(str(disagreement))
    titles = [(pieces[0].grid.page, pieces[0].title) for pieces in groups.values()]
    department, year = extraction.doc["department"], extraction.doc["fiscal_year"]
    if headings := disagreeing_headings(page_text, [t for t in titles if t[1]], department, year):
        extraction.doc[DISAGREEING_HEADINGS] = headings
    tables = [
        TableReading(_group_title(group, pieces), pieces, typings[group])
        for group, pieces in groups.items()
    ]
    return DocumentReading(extraction, pages, tables)


def _untitled(page: int) -> str:
    """What a table printed without a title is called."""
    return f"(untitled, p.{page})"


def _main_unit(groups: dict[str, list[TablePiece]]) -> str:
    """The unit most tables are printed in (万元 when none says)."""
    units = Counter(p.unit for pieces in groups.values() for p in pieces if p.unit)
    return units.most_common(1)[0][0] if units else "万元"


def _group_title(group: str, pieces: list[TablePiece]) -> str:
    """The printed title line of a group (its number label and all)."""
    return pieces[0].title or group.removeprefix(_GENERIC)


class _Builds:
    """Each group built as a given table key once (None: its grid does not fit the key),
    for the totals ties of `table_types.settle` and the document itself."""

    def __init__(self, groups: dict[str, list[TablePiece]]) -> None:
        self.groups = groups
        self.built: dict[tuple[str, str], tuple[dict, list | dict] | TableShapeError] = {}

    def build(self, group: str, key: str) -> tuple[dict, list | dict]:
        """The table and its boxes; raises TableShapeError when the grid does not fit."""
        if (group, key) not in self.built:
            try:
                self.built[group, key] = build_table(key, self.groups[group])
            except TableShapeError as exc:
                self.built[group, key] = exc
        result = self.built[group, key]
        if isinstance(result, TableShapeError):
            raise result
        return result

    def table(self, group: str, key: str) -> dict | None:
        try:
            return self.build(group, key)[0]
        except TableShapeError:
            return None


def _type_groups(
    groups: dict[str, list[TablePiece]], unit: str
) -> tuple[dict[str, TableTyping], _Builds]:
    """Every group typed by title and content, then settled over the whole document; and
    the tables built on the way (each group as a key once)."""
    typings = {g: type_table(_group_title(g, pieces), pieces) for g, pieces in groups.items()}
    builds = _Builds(groups)

    def tie(group: str, key: str) -> str | None:
        others = {
            typing.key: table
            for g, typing in typings.items()
            if g != group and typing.key and RANK[typing.confidence] >= RANK[PROBABLE]
            if (table := builds.table(g, typing.key)) is not None
        }
        candidate = builds.table(group, key)
        return None if candidate is None else totals_tie(others, key, candidate, unit)

    return settle(typings, tie), builds


def _assemble(
    path: Path,
    groups: dict,
    typings: dict[str, TableTyping],
    builds: _Builds,
    unit: str,
    listed: list[Listed],
    narrative: list[str],
    metadata_title: str,
    extraction: Extraction,
) -> dict:
    all_pieces = [p for pieces in groups.values() for p in pieces]
    tables: dict[str, dict] = {}
    boxes: dict[str, list | dict] = {}
    typed: dict[str, dict] = {}
    groups_of: dict[str, list[TablePiece]] = {}  # table key -> its pieces
    extra_tables: list[tuple[dict, list, dict]] = []  # (table, its amounts' boxes, typing)
    for group, pieces in groups.items():
        typing = typings[group]
        table_unit = next((p.unit for p in pieces if p.unit), unit)
        pages = sorted({p.grid.page for p in pieces})
        title = _group_title(group, pieces)
        generic_name = generic_title(title) or title
        if typing.key is None:
            table, where = build_generic(generic_name, pieces)
            extra = _with_unit(table, table_unit, unit) | {"pages": pages}
            extra_tables.append((extra, where, typing.as_dict()))
            continue
        key = typing.key
        try:
            table, boxes[key] = builds.build(group, key)
        except TableShapeError as exc:
            # A standard table over an unexpected layout: kept generic, never dropped.
            extraction.warnings.append(f"table {key} kept as a generic table: {exc}")
            generic, where = build_generic(generic_name, pieces)
            extra = _with_unit(generic, table_unit, unit) | {"kind": key, "pages": pages}
            extra_tables.append((extra, where, typing.as_dict()))
            continue
        tables[key] = _with_unit(table, table_unit, unit)
        typed[key] = typing.as_dict()
        groups_of[key] = pieces
        if key in TWO_SIDED and has_breakdown(pieces):
            generic, where = build_generic(generic_name, pieces)
            extra = _with_unit(generic, table_unit, unit) | {"kind": key, "pages": pages}
            extra_tables.append((extra, where, typing.as_dict()))
        extraction.table_pages[key] = pages
    evidence = gather_evidence(
        narrative + [line for p in all_pieces for line in p.above],
        titles=[p.title for p in all_pieces if p.title],
        metadata_title=metadata_title,
    )
    identity = _identity(path, evidence)
    doc = {
        "format": FORMAT,
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "unit": unit,
        "tables": {key: tables[key] for key in TABLE_KEYS if key in tables},
    }
    if extra_tables:
        doc["extra_tables"] = [table for table, _, _ in extra_tables]
    layout = _layout(p.title for p in all_pieces if p.title)
    if layout != DEFAULT_LAYOUT:
        doc["layout"] = layout  # absent for Guangzhou, whose output FORMAT.md fixes
    if identity.kind != DEPARTMENT_BUDGET:
        doc["document_kind"] = identity.kind  # absent for a department's, as in FORMAT.md
    if identity.stage != BUDGET_STAGE:
        doc["stage"] = identity.stage  # final accounts (决算); absent for a budget
    doc[CELL_BOXES] = {"tables": {key: boxes[key] for key in doc["tables"]}}
    if extra_tables:
        doc[CELL_BOXES]["extra_tables"] = [where for _, where, _ in extra_tables]
    parts = {key: column_parts(groups_of[key][0].grid) for key in doc["tables"]}
    if parts := {key: p for key, p in parts.items() if p}:
        doc[COLUMN_PARTS] = parts
    doc[TABLE_TYPING] = {"tables": {key: typed[key] for key in doc["tables"]}}
    if extra_tables:
        doc[TABLE_TYPING]["extra_tables"] = [typing for _, _, typing in extra_tables]
    typed = {_group_title(g, groups[g]): typings[g].key or "" for g in groups}
    typed = {title: key if key in doc["tables"] else "" for title, key in typed.items()}
    lines = [(p.grid.page, line) for p in all_pieces for line in p.above + p.below]
    if declared := declared_tables(listed, typed, lines):
        doc[DECLARED_TABLES] = declared
        for entry in declared["tables"]:
            if entry["printed"] != PRINTED and entry["key"]:
                extraction.warnings.append(
                    f"table {entry['key']} ({entry['title']}) is listed in {declared['source']} "
                    f"but {_NOT_PRINTED[entry['printed']]}"
                )
    else:
        for key in PUBLISHED_TABLES[layout]:
            if key not in doc["tables"]:
                extraction.warnings.append(f"table {key} not found (the {layout} layout prints it)")
    return doc


_NOT_PRINTED = {  # what a listed table that is not read as itself is, in a warning
    ABSENT: "not printed",
    KEPT_GENERIC: "kept as a generic table (its grid does not read as that table)",
    TITLE_ONLY: "only its title is printed (no table read under it)",
}


def _listing(pages: list[PageContent], groups: dict[str, list[TablePiece]]) -> list[Listed]:
    """The tables the document lists: its 目录 (the page with a 目录 line and the next
    two, where it may run on), else the numbers its table titles skip."""
    start = next((i for i, p in enumerate(pages) if any(g.text == "录" for g in p.glyphs)), None)
    if start is not None:
        window = [(p.number, text_lines(p.glyphs)) for p in pages[start : start + 3]]
        if listed := contents_listing(window):
            return listed
    return numbered_listing([pieces[0].title for pieces in groups.values() if pieces[0].title])


def _layout(titles) -> str:
    """The layout whose spellings most titles use (a spelling several print counts for
    each); `unknown` when no title spells a known table."""
    layouts = Counter(layout for title in titles for layout in layouts_of_title(title))
    return layouts.most_common(1)[0][0] if layouts else UNKNOWN_LAYOUT


def _with_unit(table: dict, table_unit: str, doc_unit: str) -> dict:
    """A table printed in another unit than the document carries its own `unit`."""
    return table if table_unit == doc_unit else {"unit": table_unit, **table}


def _identity(path: Path, evidence: Evidence) -> DocumentIdentity:
    department, year = find_department(evidence), find_year(evidence)
    if department is None:
        raise BudgetInputError(
            path,
            "cannot find the department name (no 部门：/编制单位： line, cover, title or "
            "narrative names it)",
        )
    if year is None:
        raise BudgetInputError(path, "cannot find the fiscal year")
    return DocumentIdentity(department, year, document_kind(evidence), document_stage(evidence))


def identify_document(path: Path | str, password: str | None = None) -> DocumentIdentity:
    """Department, fiscal year and kind (for partition keys): the full parse's own answer."""
    return DocumentIdentity.of(extract_document(path, password).doc)
