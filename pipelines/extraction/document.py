"""Assemble one budget-doc/1 document from a PDF (contract; parser lands in issue 3)."""

from dataclasses import dataclass, field
from pathlib import Path


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


def extract_document(path: Path | str, password: str | None = None) -> Extraction:
    """Parse every standard table of a budget PDF; raises BudgetInputError on bad input."""
    raise NotImplementedError


def identify_document(path: Path | str, password: str | None = None) -> DocumentIdentity:
    """Department and fiscal year from the first pages, cheaply (for partition keys)."""
    raise NotImplementedError
