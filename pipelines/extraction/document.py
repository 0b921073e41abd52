"""Assemble one budget-doc/1 document from a PDF.

Tables are found by title wherever they start; cover, contents and narrative pages
only lend the department name and fiscal year. Whatever cannot be read is an error
naming the file, never a silently short document.
"""

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.budget_doc import FORMAT, TABLE_KEYS
from pipelines.cleaning import normalise_name
from pipelines.errors import BudgetInputError
from pipelines.extraction.pdf_pages import PageContent, open_pdf, read_pages
from pipelines.extraction.pieces import TablePiece, page_pieces
from pipelines.extraction.readability import judge_page
from pipelines.extraction.tables import TableShapeError, build_table

_YEAR = re.compile(r"(20\d{2})年")
_COVER_DEPARTMENT = re.compile(r"^(.{2,40}?)(?:20\d{2}年)?部门预算")


@dataclass(frozen=True)
class DocumentIdentity:
    """Who published the budget and for which year: the document's natural key."""

    department: str
    fiscal_year: int


@dataclass
class Extraction:
    """A parsed PDF: the budget-doc/1 dict plus where each table came from."""

    doc: dict
    path: Path
    sha256: str
    page_count: int
    table_pages: dict[str, list[int]] = field(default_factory=dict)  # 1-based page numbers
    warnings: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def extract_document(path: Path | str, password: str | None = None) -> Extraction:
    """Parse every standard table of a budget PDF; raises BudgetInputError on bad input."""
    path = Path(path)
    pdf = open_pdf(path, password)
    try:
        pages = list(read_pages(pdf))
    finally:
        pdf.close()
    _require_text(path, pages)
    narrative: list[str] = []
    by_key: dict[str, list[TablePiece]] = {}
    unreadable: dict[str, str] = {}  # table key -> why a page of it could not be read
    current: str | None = None
    garbled = []
    for page in pages:
        verdict = judge_page(page)
        if not verdict.readable:
            garbled.append(verdict.reason)
            if current is not None:  # the table may go on here: it would be incomplete
                unreadable[current] = verdict.reason
            current = None
            continue
        pieces, lines = page_pieces(page)
        narrative.extend(lines)
        for piece in pieces:
            if piece.key is None and current is not None:
                piece.key = current  # untitled grid: the previous table goes on
            if piece.key is None:
                continue
            by_key.setdefault(piece.key, []).append(piece)
            current = piece.key
        if not pieces:
            current = None
    if not by_key:
        raise BudgetInputError(path, "not a budget: no standard budget table found")
    extraction = Extraction(doc={}, path=path, sha256=file_sha256(path), page_count=len(pages))
    extraction.doc = _assemble(path, by_key, narrative, extraction)
    return extraction


def _require_text(path: Path, pages: list[PageContent]) -> None:
    if not pages:
        raise BudgetInputError(path, "the PDF has no pages")
    if not any(page.glyphs for page in pages):
        if any(page.image_count for page in pages):
            raise BudgetInputError(path, "no text layer: scanned images only (needs OCR)")
        raise BudgetInputError(path, "no text in the PDF")


def _assemble(path: Path, by_key: dict, narrative: list[str], extraction: Extraction) -> dict:
    all_pieces = [p for pieces in by_key.values() for p in pieces]
    units = Counter(p.unit for p in all_pieces if p.unit)
    unit = units.most_common(1)[0][0] if units else "万元"
    tables: dict[str, dict] = {}
    for key in TABLE_KEYS:
        pieces = by_key.get(key)
        if not pieces:
            extraction.warnings.append(f"table {key} not found")
            continue
        try:
            table = build_table(key, pieces)
        except TableShapeError as exc:
            extraction.warnings.append(f"table {key} unreadable: {exc}")
            continue
        table_unit = next((p.unit for p in pieces if p.unit), unit)
        if table_unit != unit:
            table = {"unit": table_unit, **table}
        tables[key] = table
        extraction.table_pages[key] = sorted({p.grid.page for p in pieces})
    identity = _identity(path, all_pieces, narrative)
    return {
        "format": FORMAT,
        "department": identity.department,
        "fiscal_year": identity.fiscal_year,
        "unit": unit,
        "tables": tables,
    }


def _identity(path: Path, pieces: list[TablePiece], narrative: list[str]) -> DocumentIdentity:
    departments = Counter(p.department for p in pieces if p.department)
    department = departments.most_common(1)[0][0] if departments else None
    texts = [normalise_name(line) for line in narrative]
    texts += [normalise_name(line) for p in pieces for line in p.above]
    if department is None:
        department = next((m.group(1) for t in texts if (m := _COVER_DEPARTMENT.match(t))), None)
    # A year printed next to 预算 (cover, titles) beats years quoted in the narrative.
    years = [int(m.group(1)) for t in texts if "预算" in t for m in _YEAR.finditer(t)]
    years = years or [int(m.group(1)) for t in texts for m in _YEAR.finditer(t)]
    if department is None:
        raise BudgetInputError(path, "cannot find the department name")
    if not years:
        raise BudgetInputError(path, "cannot find the fiscal year")
    return DocumentIdentity(department, Counter(years).most_common(1)[0][0])


def identify_document(path: Path | str, password: str | None = None) -> DocumentIdentity:
    """Department and fiscal year (for partition keys): the full parse's own answer."""
    extraction = extract_document(path, password)
    return DocumentIdentity(extraction.doc["department"], extraction.doc["fiscal_year"])
