"""Why a PDF is not a budget we read, as one line naming the file.

A file without a budget table may be the final accounts printed without tables, a
narrative-only companion of a budget (skipped, not an error), a broken text layer, a scan or
simply not a budget: each gets its own reason, so an analyst knows what to do with it.
"""

from __future__ import annotations

from pathlib import Path

from pipelines.budget_doc import DOCUMENT_KIND_WORDS, OCR
from pipelines.errors import BudgetInputError, NarrativeOnlyError
from pipelines.extraction import identity
from pipelines.extraction.grid import text_lines
from pipelines.extraction.pdf_pages import OCR_INSTALL, PageContent
from pipelines.extraction.readability import BUDGET_TERMS


def refuse_without_tables(path: Path, pages, garbled: list[str], metadata_title: str):
    """No budget table in the file: final accounts, a narrative-only companion of a
    budget, or an error with its reason (always raises)."""
    if not garbled:
        lines = [line for page in pages for line in text_lines(page.glyphs)]
        evidence = identity.gather_evidence(lines, metadata_title=metadata_title)
        _refuse_final_accounts(path, evidence)
        department, year = identity.find_department(evidence), identity.find_year(evidence)
        if department and year and identity.talks_like_budget(evidence):
            kind = DOCUMENT_KIND_WORDS[identity.document_kind(evidence)]
            raise NarrativeOnlyError(
                path,
                f"narrative only: {department} {year} {kind} prints no budget table in this "
                "file (its tables are published as a separate PDF); nothing to load",
            )
    raise BudgetInputError(path, _no_table_reason(pages, garbled) + _scanned(pages))


def _scanned(pages: list[PageContent]) -> str:
    """What to know when no table was found in text OCR read: how sure it was."""
    scores = sorted(box.score for page in pages for box in page.ocr)
    if not scores:
        return ""
    median = scores[len(scores) // 2]
    return f" (read by OCR from a scan: {len(scores)} texts, median score {median:.2f})"


def _refuse_final_accounts(path: Path, evidence: identity.Evidence) -> None:
    if title := identity.final_accounts_title(evidence):
        raise BudgetInputError(path, f"final accounts (决算) with no table read: {title}")


def _no_table_reason(pages: list[PageContent], garbled: list[str]) -> str:
    """Why no table was found: a broken text layer, or simply not a budget."""
    if garbled:
        return f"text layer unreadable (broken font ToUnicode map?): {garbled[0]}"
    text = "".join(g.text for page in pages for g in page.glyphs)
    if not any(term in text for term in BUDGET_TERMS):
        return "not a budget, or its text is unreadable: no budget term (合计, 预算…) in it"
    return "not a budget: no standard budget table title found"


def refuse_clipped_amounts(path: Path, pieces) -> None:
    """An amount printed wider than its cell is read short (`99999999999999999999.99`
    clipped to `999999999999999`): refused, never loaded as a clean figure."""
    for piece in pieces:
        for cell in piece.grid.cells:
            if cell.clipped:
                raise BudgetInputError(
                    path,
                    f"page {piece.grid.page}: the amount {cell.clipped!r} is printed wider than "
                    "its cell (its digits run on past the border), so it is not read whole; "
                    "nothing loaded",
                )


def require_text(path: Path, pages: list[PageContent]) -> None:
    """Refuse a file with no page or no text at all, saying which."""
    if not pages:
        raise BudgetInputError(path, "the PDF has no pages")
    if not any(page.glyphs for page in pages):
        if any(page.text_source == OCR for page in pages):
            raise BudgetInputError(path, "scanned images only, and OCR read no text on them")
        if any(page.image_count for page in pages):
            raise BudgetInputError(
                path,
                "no text layer: scanned images only; reading them needs the OCR extra: "
                f"{OCR_INSTALL}",
            )
        raise BudgetInputError(path, "no text in the PDF")
