"""Template variants (tests/fixtures/templates): synthetic budgets printed under the templates
real budgets use — Ministry of Finance, Jiangsu, Shanghai and unknown title wordings, numbered
titles, department and year in the title, two-line titles, other header wordings, 人员经费 /
公用经费, 类/款/项 columns, 元 with and without separators, fonts, 13 pt wrapping, orientation,
order, a foot-of-page title, a three-row 三公 header and a university's four tables.

Each PDF is parsed once and compared cell for cell with its truth, and the document checks
must find nothing wrong but the tables a variant truthfully omits. The PDFs are rendered by
`python -m tests.fixtures.render.templates` (LibreOffice) and committed; the first test only
compares the committed manifest with the generator's specs, so it needs no LibreOffice.
"""

import json
from functools import cache

import pytest

from pipelines.extraction import extract_document
from pipelines.quality import ERROR, run_document_checks
from tests.doc_diff import doc_diff
from tests.fixtures.render.templates import (
    CLASSES,
    FOLDER,
    TRUTH_KEYS,
    VARIANTS,
    build,
    manifest_entry,
    read_manifest,
)

RENDER = "python -m tests.fixtures.render.templates"
BY_NAME = {v.name: v for v in VARIANTS}


def _truth(name: str) -> dict:
    truth = json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))
    truth.pop("known_issues", None)
    return truth


@cache
def _extraction(name: str):
    """Each PDF parsed once per session: the Extraction, or the error it raised."""
    try:
        return extract_document(FOLDER / f"{name}.pdf")
    except Exception as exc:  # reported by every test of the variant
        return exc


def _extracted(name: str):
    extraction = _extraction(name)
    if isinstance(extraction, Exception):
        pytest.fail(f"{name}.pdf: {type(extraction).__name__}: {extraction}")
    return extraction


def test_committed_variants_are_the_generators():
    """Manifest, truth files and PDFs are what the generator makes now: a changed generator
    fails here until its variants are rendered again."""
    manifest = read_manifest()
    stale = []
    for variant in VARIANTS:
        built = build(variant)
        name = variant.name
        if manifest.get(name) != manifest_entry(built):
            stale.append(f"{name}: spec changed")
        elif not (FOLDER / f"{name}.pdf").exists():
            stale.append(f"{name}: no PDF")
        elif _truth(name) != built.truth:
            stale.append(f"{name}: truth JSON differs")
    stale += [f"{name}: no longer a variant" for name in sorted(set(manifest) - set(BY_NAME))]
    assert stale == [], f"run `{RENDER}` (needs LibreOffice) and commit: " + "; ".join(stale)


def test_every_class_is_covered_most_twice():
    used = [c for v in VARIANTS for c in v.classes]
    assert set(used) == set(CLASSES)
    once = sorted(c for c in CLASSES if used.count(c) == 1)
    assert len(once) <= len(CLASSES) // 4, once


@pytest.mark.parametrize("name", list(BY_NAME))
def test_extract_matches_truth_cell_for_cell(name):
    doc = _extracted(name).doc
    got = {key: doc.get(key) for key in TRUTH_KEYS}  # extensions are not part of the truth
    differences = doc_diff(got, _truth(name))
    assert differences == [], "\n".join(differences)


@pytest.mark.parametrize("name", list(BY_NAME))
def test_checks_find_only_the_tables_left_out(name):
    """No ERROR but completeness's `missing` for each table the variant truthfully omits."""
    expected = set(BY_NAME[name].expect_missing)
    outcomes = run_document_checks(_extracted(name).doc, f"{name}.pdf")
    missing, errors = set(), []
    for check, outcome in outcomes.items():
        for f in outcome.findings:
            if f.severity != ERROR:
                continue
            if check == "completeness" and f.table in expected and f.actual == "missing":
                missing.add(f.table)
            else:
                errors.append(f"{check}: {f.table} {f.row} {f.column} {f.rule}: "
                              f"expected {f.expected}, actual {f.actual}")  # fmt: skip
    if missing != expected:
        errors.append(f"not reported missing: {sorted(expected - missing)}")
    assert errors == [], "\n".join(errors[:10])
