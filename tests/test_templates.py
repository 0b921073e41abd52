"""Template variants (tests/fixtures/templates): synthetic budgets printed under the templates
real budgets use — Ministry of Finance, Jiangsu, Shanghai and unknown title wordings, numbered
titles, department and year in the title, two-line titles, other header wordings, 人员经费 /
公用经费, 类/款/项 columns, 元 with and without separators, fonts, 13 pt wrapping, orientation,
order, a foot-of-page title, a three-row 三公 header, a university's four tables, a table
no reader can type, two tables on a page, columns in another order, a two-page 目录 worded
otherwise than the titles, a page break after a table's first row and a negative amount.

Each PDF is parsed once and compared cell for cell with its truth, and the document checks
must find nothing wrong but the tables a variant truthfully omits; a table printed under a
title that tells nothing (`expect_untyped`) is kept generic, every amount of it, and
completeness says it could not verify it. Every table a 目录 names is in declared_tables,
and every table of a truth is typed certain or probable (known parser gaps: strict xfail).

The PDFs are rendered by `python -m tests.fixtures.render.templates` (LibreOffice) and
committed; the first test only compares the committed manifest with the generator's specs,
so it needs no LibreOffice.
"""

import json
from collections import Counter
from decimal import Decimal
from functools import cache

import pytest

from pipelines.cleaning import parse_amount
from pipelines.extraction import extract_document
from pipelines.extraction.titles import EXTRA, keys_by_words, table_key_for_title
from pipelines.quality import ERROR, WARN, run_document_checks
from tests.doc_diff import doc_diff
from tests.fixtures.render.template_options import CLASSES
from tests.fixtures.render.template_print import contents
from tests.fixtures.render.template_truth import TRUTH_KEYS
from tests.fixtures.render.template_variants import VARIANTS
from tests.fixtures.render.templates import FOLDER, build, manifest_entry, read_manifest

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


UNTYPED = {name: entry["expect_untyped"] for name, entry in read_manifest().items()
           if entry.get("expect_untyped")}  # fmt: skip


def test_some_variant_prints_an_untypable_table():
    assert UNTYPED, "no variant has expect_untyped"


def _amounts(values) -> Counter:
    return Counter(Decimal(v) for v in values if v is not None)


@pytest.mark.parametrize("name", list(UNTYPED))
def test_untypable_table_is_kept_and_reported(name):
    """A table no title word, header or totals tie types is kept in extra_tables with every
    amount it prints, completeness WARNs that it could not verify it, and nothing is an
    ERROR (test_checks_find_only_the_tables_left_out)."""
    extraction = _extracted(name)
    built = build(BY_NAME[name])
    findings = run_document_checks(extraction.doc, f"{name}.pdf")["completeness"].findings
    extra = extraction.doc.get("extra_tables", [])
    for title, key in zip(UNTYPED[name], BY_NAME[name].untyped, strict=True):
        warned = [
            f
            for f in findings
            if f.severity == WARN
            and f.table == f"extra table {title}"
            and f.rule.startswith("could not verify")
        ]
        assert warned, f"no WARN 'could not verify' on extra table {title}: {findings}"
        kept = [t for t in extra if t.get("title") == title]
        assert kept, f"no extra table {title}: {[t.get('title') for t in extra]}"
        printed = _amounts(v for r in built.printed["tables"][key]["rows"] for v in r["values"])
        read = _amounts(parse_amount(v) for r in kept[0]["rows"] for v in r["values"] if v)
        lost = printed - read
        assert not lost, f"amounts of {title} not kept: {sorted(lost.elements())[:10]}"


SURE = ("certain", "probable")


def _listed_key(line: str) -> str | None:
    """The standard table a 目录 line names, by the parser's own title rules."""
    if key := table_key_for_title(line):
        return key
    words = keys_by_words(line)
    return next(iter(words)) if len(words) == 1 and EXTRA not in words else None


@pytest.mark.parametrize("name", [v.name for v in VARIANTS if v.style.contents])
def test_contents_lists_every_table(name):
    """declared_tables holds every standard table the 目录 names, wherever the 目录 runs
    (completeness can only miss what it was told of)."""
    variant = BY_NAME[name]
    lines = [text for kind, text in contents(variant, build(variant).printed) if kind == "p"]
    listed = {key for line in lines if (key := _listed_key(line))}
    declared = _extracted(name).doc.get("declared_tables") or {}
    got = {entry["key"] for entry in declared.get("tables", ()) if entry["key"]}
    assert got == listed, f"declared {sorted(got)}, the 目录 lists {sorted(listed)}"


@pytest.mark.parametrize("name", list(BY_NAME))
def test_tables_are_typed_surely(name):
    """Every table of the truth is typed certain or probable: a doubtful table's findings
    are only WARN 'could not verify'."""
    typing = _extracted(name).doc["table_typing"]["tables"]
    unsure = {k: typing[k]["confidence"] for k in _truth(name)["tables"] if k in typing}
    unsure = {k: c for k, c in unsure.items() if c not in SURE}
    assert unsure == {}, "; ".join(f"{k}: {typing[k]['basis']}" for k in unsure)
