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
    CELL_BOXES,
    DEFAULT_LAYOUT,
    DEPARTMENT_BUDGET,
    DOCUMENT_KIND_WORDS,
    FORMAT,
    NARRATIVE_FIGURES,
    PUBLISHED_TABLES,
    TABLE_KEYS,
    TABLE_PAGES,
    TWO_SIDED,
)
from pipelines.errors import BudgetInputError, NarrativeOnlyError
from pipelines.extraction.copies import SecondCopies
from pipelines.extraction.grid import text_lines
from pipelines.extraction.identity import (
    Evidence,
    document_kind,
    file_year_disagreement,
    final_accounts_title,
    find_department,
    find_year,
    gather_evidence,
    talks_like_budget,
)
from pipelines.extraction.narrative import narrative_extension
from pipelines.extraction.pdf_pages import PageContent, document_title, open_pdf, read_pages
from pipelines.extraction.pieces import TablePiece, foot_title, page_pieces
from pipelines.extraction.readability import BUDGET_TERMS, judge_page
from pipelines.extraction.table_rows import TableShapeError, continues_table
from pipelines.extraction.tables import build_generic, build_table
from pipelines.extraction.titles import generic_title, layout_of_title
from pipelines.extraction.two_sided import has_breakdown
from pipelines.file_hash import file_sha256
from pipelines.limits import ParseLimits

_GENERIC = "generic:"  # group-name prefix of tables with no standard twin


@dataclass(frozen=True)
class DocumentIdentity:
    """Who published the budget, for which year, and of which kind: the document's natural
    key. A body may publish both a department budget (部门预算, itself and its units) and
    a unit budget (单位预算, itself alone) for one year; neither replaces the other."""

    department: str
    fiscal_year: int
    kind: str = DEPARTMENT_BUDGET

    @classmethod
    def of(cls, doc: dict) -> "DocumentIdentity":
        """The identity a budget-doc/1 dict states (no `document_kind`: a department's)."""
        return cls(
            doc["department"], int(doc["fiscal_year"]), doc.get("document_kind", DEPARTMENT_BUDGET)
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


def extract_document(
    path: Path | str, password: str | None = None, limits: ParseLimits | None = None
) -> Extraction:
    """Parse every standard table of a budget PDF; raises BudgetInputError on bad input
    (LimitExceededError over `limits`, default ParseLimits.from_env())."""
    path = Path(path)
    limits = limits or ParseLimits.from_env()
    pdf = open_pdf(path, password, limits)
    try:
        pages = list(read_pages(pdf, path, limits))
        title = document_title(pdf)
    finally:
        pdf.close()
    _require_text(path, pages)
    narrative: list[str] = []
    page_text: list[tuple[int, list[str]]] = []  # every page's free text, for stated figures
    groups: dict[str, list[TablePiece]] = {}  # table key or generic title -> pieces
    unreadable: dict[str, str] = {}  # group -> why a page of it could not be read
    current: str | None = None
    carried: list[str] = []  # a title printed under the previous page's last grid
    unplaced: list[str] = []  # untitled grids that continue no table
    copies = SecondCopies()
    garbled = []
    for page in pages:
        verdict = judge_page(page)
        if not verdict.readable:
            garbled.append(verdict.reason)
            if current is not None:  # the table may go on here: it would be incomplete
                unreadable[current] = verdict.reason
            current, carried = None, []
            continue
        pieces, lines = page_pieces(page, carried)
        carried = foot_title(pieces[-1]) if pieces else []
        narrative.extend(lines)
        page_text.append((page.number, lines + [t for p in pieces for t in p.above + p.below]))
        if pieces:
            copies.see_page(page)
        for piece in pieces:
            group = piece.key or (f"{_GENERIC}{piece.title}" if piece.title else None)
            if group is None and current is not None:
                if continues_table(piece, groups[current][0]):
                    group = current
                else:
                    unplaced.append(
                        f"page {page.number}: an untitled grid whose columns "
                        f"differ from {current} is not part of it; not loaded"
                    )
            current = group
            copies.see_piece(piece, group, page.number)
            if group is not None:
                groups.setdefault(group, []).append(piece)
        if not pieces:
            current = None
    copies.refuse(path, lambda group: group.removeprefix(_GENERIC))
    by_key = {k: v for k, v in groups.items() if not k.startswith(_GENERIC)}
    if not by_key:
        _refuse_without_tables(path, pages, garbled, title)
    extraction = Extraction(doc={}, path=path, sha256=file_sha256(path), page_count=len(pages))
    extraction.warnings.extend(f"unreadable text on {reason}" for reason in garbled)
    extraction.warnings.extend(unplaced)
    for group, reason in unreadable.items():
        extraction.warnings.append(f"table {group} dropped: unreadable text on {reason}")
        groups.pop(group, None)
    extraction.doc = _assemble(path, groups, narrative, title, extraction)
    if figures := narrative_extension(page_text):
        extraction.doc[NARRATIVE_FIGURES] = figures
        extraction.doc[TABLE_PAGES] = extraction.table_pages
    if disagreement := file_year_disagreement(path.name, extraction.doc["fiscal_year"]):
        extraction.warnings.append(str(disagreement))
    return extraction


def _refuse_without_tables(path: Path, pages, garbled: list[str], metadata_title: str):
    """No budget table in the file: final accounts, a narrative-only companion of a
    budget, or an error with its reason."""
    if not garbled:
        lines = [line for page in pages for line in text_lines(page.glyphs)]
        evidence = gather_evidence(lines, metadata_title=metadata_title)
        _refuse_final_accounts(path, evidence)
        department, year = find_department(evidence), find_year(evidence)
        if department and year and talks_like_budget(evidence):
            kind = DOCUMENT_KIND_WORDS[document_kind(evidence)]
            raise NarrativeOnlyError(
                path,
                f"narrative only: {department} {year} {kind} prints no budget table in this "
                "file (its tables are published as a separate PDF); nothing to load",
            )
    raise BudgetInputError(path, _no_table_reason(pages, garbled))


def _refuse_final_accounts(path: Path, evidence: Evidence) -> None:
    if title := final_accounts_title(evidence):
        raise BudgetInputError(
            path, f"final accounts (决算), not a budget: {title} reports actual figures"
        )


def _no_table_reason(pages: list[PageContent], garbled: list[str]) -> str:
    """Why no table was found: a broken text layer, or simply not a budget."""
    if garbled:
        return f"text layer unreadable (broken font ToUnicode map?): {garbled[0]}"
    text = "".join(g.text for page in pages for g in page.glyphs)
    if not any(term in text for term in BUDGET_TERMS):
        return "not a budget, or its text is unreadable: no budget term (合计, 预算…) in it"
    return "not a budget: no standard budget table title found"


def _require_text(path: Path, pages: list[PageContent]) -> None:
    if not pages:
        raise BudgetInputError(path, "the PDF has no pages")
    if not any(page.glyphs for page in pages):
        if any(page.image_count for page in pages):
            raise BudgetInputError(path, "no text layer: scanned images only (needs OCR)")
        raise BudgetInputError(path, "no text in the PDF")


def _assemble(
    path: Path, groups: dict, narrative: list[str], metadata_title: str, extraction: Extraction
) -> dict:
    all_pieces = [p for pieces in groups.values() for p in pieces]
    units = Counter(p.unit for p in all_pieces if p.unit)
    unit = units.most_common(1)[0][0] if units else "万元"
    tables: dict[str, dict] = {}
    boxes: dict[str, list | dict] = {}
    extra_tables: list[tuple[dict, list]] = []  # (table, its amounts' boxes)
    for group, pieces in groups.items():
        table_unit = next((p.unit for p in pieces if p.unit), unit)
        pages = sorted({p.grid.page for p in pieces})
        if group.startswith(_GENERIC):
            table, where = build_generic(group.removeprefix(_GENERIC), pieces)
            extra_tables.append((_with_unit(table, table_unit, unit) | {"pages": pages}, where))
            continue
        try:
            table, boxes[group] = build_table(group, pieces)
        except TableShapeError as exc:
            # A standard title over an unexpected layout: kept generic, never dropped.
            extraction.warnings.append(f"table {group} kept as a generic table: {exc}")
            title = pieces[0].title or group
            generic, where = build_generic(generic_title(title) or title, pieces)
            extra_tables.append(
                (_with_unit(generic, table_unit, unit) | {"kind": group, "pages": pages}, where)
            )
            continue
        tables[group] = _with_unit(table, table_unit, unit)
        if group in TWO_SIDED and has_breakdown(pieces):
            title = pieces[0].title or group
            generic, where = build_generic(generic_title(title) or title, pieces)
            extra_tables.append(
                (_with_unit(generic, table_unit, unit) | {"kind": group, "pages": pages}, where)
            )
        extraction.table_pages[group] = pages
    evidence = gather_evidence(
        narrative + [line for p in all_pieces for line in p.above],
        titles=[p.title for p in all_pieces if p.title],
        metadata_title=metadata_title,
    )
    _refuse_final_accounts(path, evidence)
    identity = _identity(path, evidence)
    doc = {
        "format": FORMAT,
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "unit": unit,
        "tables": {key: tables[key] for key in TABLE_KEYS if key in tables},
    }
    if extra_tables:
        doc["extra_tables"] = [table for table, _ in extra_tables]
    layouts = Counter(layout_of_title(p.title) for p in all_pieces if p.title)
    layouts.pop(None, None)
    layout = layouts.most_common(1)[0][0] if layouts else DEFAULT_LAYOUT
    if layout != DEFAULT_LAYOUT:
        doc["layout"] = layout  # absent for Guangzhou, whose output FORMAT.md fixes
    if identity.kind != DEPARTMENT_BUDGET:
        doc["document_kind"] = identity.kind  # absent for a department's, as in FORMAT.md
    doc[CELL_BOXES] = {"tables": {key: boxes[key] for key in doc["tables"]}}
    if extra_tables:
        doc[CELL_BOXES]["extra_tables"] = [where for _, where in extra_tables]
    for key in PUBLISHED_TABLES[layout]:
        if key not in doc["tables"]:
            extraction.warnings.append(f"table {key} not found (the {layout} layout prints it)")
    return doc


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
    return DocumentIdentity(department, year, document_kind(evidence))


def identify_document(path: Path | str, password: str | None = None) -> DocumentIdentity:
    """Department, fiscal year and kind (for partition keys): the full parse's own answer."""
    return DocumentIdentity.of(extract_document(path, password).doc)
