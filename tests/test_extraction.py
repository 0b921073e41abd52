"""The extractor reproduces every fixture's truth JSON cell for cell."""

import json
from pathlib import Path

import pytest

from pipelines.budget_doc import printed_content
from pipelines.extraction import extract_document
from tests.doc_diff import doc_diff
from tests.inputs import REPO

FIXTURES = sorted(
    pdf
    for folder in (REPO / "data" / "samples", REPO / "tests" / "fixtures")
    for pdf in folder.glob("*.pdf")
    if pdf.with_suffix(".json").exists()
)


def _truth(pdf: Path) -> dict:
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    truth.pop("known_issues", None)
    return truth


def test_fixtures_are_present():
    assert len(FIXTURES) >= 6, FIXTURES


@pytest.mark.parametrize("pdf", FIXTURES, ids=lambda p: p.stem)
def test_extract_matches_truth_cell_for_cell(pdf):
    extraction = extract_document(pdf)
    # the extensions are not part of the truth JSON (test_provenance / test_narrative pin them)
    differences = doc_diff(printed_content(extraction.doc), _truth(pdf))
    assert differences == [], "\n".join(differences)


@pytest.mark.parametrize("pdf", FIXTURES, ids=lambda p: p.stem)
def test_every_table_found_with_its_pages(pdf):
    extraction = extract_document(pdf)
    assert set(extraction.table_pages) == set(_truth(pdf)["tables"])
    assert all(pages for pages in extraction.table_pages.values())
    assert extraction.page_count >= max(max(p) for p in extraction.table_pages.values())
