"""The Dagster UI as a person sees it: `dagster dev` with a good, a broken and a rounding-WARN
budget and a file that is none dropped in its inbox (tests/dagster_dev.py), read in headless
Chromium. Asserts on the page text, never on pixels.

The same test writes the screenshots README.md and docs/pipeline.md show (docs/lineage.png,
docs/checks.png, docs/partition.png), so the pictures are always of the current product.
Chromium comes from Debian (`.ci/run` installs it); without it the test is skipped, except
under CI, where it fails.
"""

from __future__ import annotations

import time
import urllib.parse
from collections import Counter

import pytest

from pipelines import quality
from pipelines.definitions import defs
from pipelines.inbox import file_sha256
from pipelines.quality.markdown import figure_text
from tests.dagster_dev import (
    BROKEN,
    DESKTOP,
    DOCS,
    DOCUMENTS,
    GOOD,
    LINEAGE,
    STAGED,
    needs_chromium,
)

pytestmark = pytest.mark.ui


def _groups() -> Counter:
    graph = defs.resolve_asset_graph()
    return Counter(graph.get(key).group_name for key in graph.get_all_asset_keys())


def _box_counts(text: str) -> Counter:
    """Each collapsed group box's asset count: the numbers printed under its name, summed."""
    lines = text.splitlines()
    counts: Counter = Counter()
    for i, line in enumerate(lines):
        if line.isdigit():
            continue
        numbers = []
        for below in lines[i + 1 :]:
            if not below.isdigit():
                break
            numbers.append(int(below))
        if numbers:
            counts[line] = sum(numbers)
    return counts


def _shown(name: str, labels: set[str]) -> bool:
    """The graph prints a long asset name shortened in the middle: `fact_…_by_function`."""
    if name in labels:
        return True
    for label in labels:
        head, sep, tail = label.partition("…")
        if sep and name.startswith(head) and name.endswith(tail) and len(head + tail) < len(name):
            return True
    return False


def _offending_row(finding: quality.Finding) -> str:
    """A finding as the UI renders its row of the offending_rows markdown table (from its
    dq_finding row), up to its page (the truth file has no cell boxes to tell it)."""
    difference = figure_text(finding.difference)
    cells = [finding.severity, finding.table, finding.row, finding.column, finding.rule]
    cells += [finding.expected, finding.actual, difference, finding.kind, finding.tolerance]
    return "\t".join(cells)


@needs_chromium
def test_global_lineage_shows_every_asset_group(ui, browser):
    groups = _groups()
    browser.open(f"{ui.url}/asset-groups")
    # Collapsed, each group is a box with its asset count, split by status when its assets
    # differ (staging: the tables, whose checks failed on the broken document, and the cells).
    text = browser.wait_for_text("Global asset lineage", *groups)
    deadline = time.monotonic() + 60
    while _box_counts(text) != groups:
        assert time.monotonic() < deadline, f"group boxes {_box_counts(text)} != {groups}"
        time.sleep(0.5)
        text = browser.text()
    assert "Join the Dagster community" not in text
    assert set(groups) == {"raw", "staging", "warehouse", "reporting"}

    # Expanded groups go in the URL by Dagster's group id, `global@global:<group>`.
    expanded = ",".join(f"global@global:{group}" for group in groups)
    browser.viewport(*LINEAGE)
    try:
        browser.open(f"{ui.url}/asset-groups?expanded={urllib.parse.quote(expanded)}")
        names = [key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()]
        deadline = time.monotonic() + 60
        while missing := [n for n in names if not _shown(n, set(browser.text().splitlines()))]:
            if time.monotonic() > deadline:
                browser.screenshot(DOCS.parent / "lineage_debug.png")
            assert time.monotonic() < deadline, f"assets not in the lineage: {missing}"
            time.sleep(0.5)
        browser.screenshot(DOCS / "lineage.png")
    finally:
        browser.viewport(*DESKTOP)


@needs_chromium
@pytest.mark.parametrize("check", sorted(GOOD.outcomes))
def test_check_partitions_show_each_documents_outcome(ui, browser, check):
    """The check's Partitions tab: the good document passed, the broken one's failure with
    every offending row the rules find in its printed tables."""
    checks = sorted(
        k.name for k in defs.resolve_asset_graph().asset_check_keys if k.asset_key == STAGED
    )
    assert checks == sorted([*GOOD.outcomes, "year_over_year", "final_vs_budget"])  # the writer's
    browser.open(f"{ui.url}/assets/stg_budget_tables?view=checks&checkDetail={check}")
    browser.wait_for_text(f"Checks ({len(checks)})", *checks, "About")
    browser.click_text("Partitions", nth=-1)  # the check's tab, not the asset's
    documents = DOCUMENTS
    failed = sum(not d.outcomes[check].passed for d in documents)
    browser.wait_for_text(f"\nFailed ({failed})\n", f"\nPassed ({len(documents) - failed})\n")
    for document in documents:
        outcome = document.outcomes[check]
        browser.click_text(document.key, nth=-1)
        heading = f"{document.key}\n{'Passed' if outcome.passed else 'Failed'}\nLatest execution"
        description = f"Description\n{outcome.summary()}\n"
        text = browser.wait_for_text(heading, description)
        assert description in text.split(heading, 1)[1]  # this partition's, not the last one's
        if outcome.passed:
            continue
        browser.click_text("[Show Markdown]", nth=-1)  # offending_rows: the last metadata row
        browser.wait_for_text(
            "offending_rows\nseverity\ttable\trow\tcolumn\trule\texpected\tactual\tdifference",
            *(_offending_row(f) for f in outcome.findings),
        )
        browser.screenshot(DOCS / "checks.png")
        browser.click_text("Close")


def test_broken_fixture_fails_hierarchy_on_the_row_it_breaks():
    """What the UI must show, read off the fixture's page: 201 一般公共服务支出 is printed
    10.00 above the sum of its 款 in t03, in both amount columns."""
    assert [name for name, o in BROKEN.outcomes.items() if not o.passed] == ["hierarchy"]
    assert all(o.passed for o in GOOD.outcomes.values())
    rows = {_offending_row(f) for f in BROKEN.outcomes["hierarchy"].findings}
    assert (
        "ERROR\tt03_expenditure\t201 一般公共服务支出\t合计\t类 = Σ 款\t4263.74\t4273.74\t10.00"
        "\tmismatch\t½ × 0.01 × 1 = 0.005"
    ) in rows


@needs_chromium
def test_a_partition_shows_its_document(ui, browser):
    """A partition of stg_budget_tables is one published PDF: the inbox file it came from."""
    key = urllib.parse.quote(GOOD.key)
    browser.open(f"{ui.url}/assets/stg_budget_tables?view=partitions&partition={key}")
    text = browser.wait_for_text(f"{GOOD.key}\nMaterialized\nLatest materialization")
    words = " ".join(text.split())
    inbox_file = ui.inbox_files[GOOD.pdf]
    assert f"source_pdf {inbox_file} " in words
    assert f"sha256 {file_sha256(inbox_file)} " in words
    assert f"tables_found {GOOD.tables_found} " in words
    browser.screenshot(DOCS / "partition.png")
