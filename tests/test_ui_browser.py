"""The Dagster UI as a person sees it: `dagster dev` with a good and a broken budget dropped in
its inbox, read in headless Chromium. Asserts on the page text, never on pixels.

The same test writes the screenshots README.md and docs/pipeline.md show (docs/lineage.png,
docs/checks.png, docs/partition.png), so the pictures are always of the current product.
Chromium comes from Debian (`.ci/run` installs it); without it the test is skipped, except
under CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import dagster as dg
import pytest

from pipelines import quality, settings
from pipelines.budget_doc import PUBLISHED_TABLES
from pipelines.definitions import defs
from pipelines.extraction.document import DocumentIdentity, extract_document
from pipelines.extraction.narrative import NARRATIVE_FIGURES, TABLE_PAGES
from pipelines.inbox import file_sha256, partition_key
from pipelines.quality.markdown import figure_text
from tests.headless_chromium import HeadlessChromium, stop_process_group
from tests.inputs import REPO
from tests.webserver_helpers import WORKSPACE_STATE, free_port, graphql, locations_loaded

pytestmark = pytest.mark.ui

DOCS = REPO / "docs"
GOOD_PDF = REPO / "data" / "samples" / "gz_water_works_2025.pdf"  # every check passes
BROKEN_PDF = REPO / "tests" / "fixtures" / "broken_hierarchy.pdf"  # t03 类 201 printed +10.00
STAGED = dg.AssetKey("stg_budget_tables")
CHROMIUM = shutil.which("chromium")
RUNS_TIMEOUT = 240  # one sensor run of one budget takes ~60 s; the two run side by side
DESKTOP = (1600, 1000)
LINEAGE = (1600, 1700)  # tall enough for the expanded warehouse group to fit the width

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"),
    reason="Debian's chromium is not installed (apt-get install chromium)",
)

RUNS_STATE = (
    "{"
    + WORKSPACE_STATE
    + """
  runsOrError {
    __typename
    ... on Runs { results { runId status } }
    ... on PythonError { message }
  }
  assetOrError(assetKey: {path: ["stg_budget_tables"]}) {
    ... on Asset { assetMaterializations { partition runId } }
  }
}
"""
)

DONE = {"SUCCESS", "FAILURE", "CANCELED"}


class Document:
    """One PDF dropped in the inbox, with what the rules say about its printed truth."""

    def __init__(self, pdf: Path):
        self.pdf = pdf
        truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
        self.key = partition_key(DocumentIdentity(truth["department"], truth["fiscal_year"]))
        printed = extract_document(pdf).doc  # the narrative is not in the truth JSON
        truth |= {k: printed[k] for k in (NARRATIVE_FIGURES, TABLE_PAGES) if k in printed}
        self.outcomes = quality.run_document_checks(truth)
        published = PUBLISHED_TABLES["guangzhou"]
        found = sum(key in truth["tables"] for key in published)
        self.tables_found = f"{found} of {len(published)}"


GOOD = Document(GOOD_PDF)
BROKEN = Document(BROKEN_PDF)


def _default_sigint() -> None:
    """In the child: SIGINT back to default. A shell that starts pytest in the background
    ignores SIGINT, and `dagster dev` maps SIGTERM onto its SIGINT handler, so it would
    ignore SIGTERM too and never stop its webserver and daemon."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class DagsterDev:
    """`dagster dev -w workspace.yaml` on a free loopback port, all state under `tmp`."""

    def __init__(self, tmp: Path, pdfs: list[Path]):
        home, inbox = tmp / "dagster_home", tmp / "inbox"
        home.mkdir()
        inbox.mkdir()
        shutil.copy(REPO / "dagster.yaml", home / "dagster.yaml")  # the writer pool
        self.inbox_files = {}
        for pdf in pdfs:  # in the inbox before the daemon starts: its first tick sees them
            self.inbox_files[pdf] = inbox / pdf.name
            shutil.copy(pdf, inbox / pdf.name)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.warehouse = tmp / "warehouse" / "budget.duckdb"
        self.log_path = tmp / "dagster_dev.log"
        self._log = self.log_path.open("w")
        env = {
            **os.environ,
            "DAGSTER_HOME": str(home),
            settings.INBOX.env: str(inbox),
            settings.WAREHOUSE.env: str(self.warehouse),
            settings.EXPORT.env: str(tmp / "export"),  # parquet_export runs after the loads
        }
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("dagster")),
                *("dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(self.port)),
            ],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: webserver, daemon, code servers, runs
            preexec_fn=_default_sigint,
        )

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def wait_for_runs(self, keys: list[str], timeout: float) -> dict[str, str]:
        """The status of the sensor's run that loaded each partition, once every run has
        finished (one batch run may load several documents)."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"dagster dev exited {self.process.returncode}:\n{self.log_tail()}")
            try:
                state = graphql(self.port, RUNS_STATE)
            except (urllib.error.URLError, ConnectionError, TimeoutError, KeyError):
                state = None
            if state and locations_loaded(state):
                runs = {r["runId"]: r["status"] for r in state["runsOrError"].get("results") or []}
                asset = state.get("assetOrError") or {}
                loaded_by = {
                    m["partition"]: m["runId"] for m in asset.get("assetMaterializations") or []
                }
                if runs and all(s in DONE for s in runs.values()) and set(keys) <= set(loaded_by):
                    return {key: runs.get(loaded_by[key], "UNKNOWN") for key in keys}
            if time.monotonic() > deadline:
                pytest.fail(f"the sensor's runs did not finish in {timeout} s:\n{self.log_tail()}")
            time.sleep(2)

    def stop(self) -> None:
        stop_process_group(self.process, grace_seconds=30)
        self._log.close()


@pytest.fixture(scope="module")
def ui(tmp_path_factory):
    """dagster dev with both documents loaded by its inbox sensor."""
    if CHROMIUM is None:
        pytest.fail("CI must run the UI test: chromium is missing (see .ci/run)")
    server = DagsterDev(tmp_path_factory.mktemp("ui"), [GOOD.pdf, BROKEN.pdf])
    try:
        status = server.wait_for_runs([GOOD.key, BROKEN.key], RUNS_TIMEOUT)
        # The checks are not blocking: a budget that does not add up still loads.
        assert status == {GOOD.key: "SUCCESS", BROKEN.key: "SUCCESS"}, server.log_tail()
        assert server.warehouse.is_file()  # the runs wrote the test's warehouse, not data/
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def browser(ui, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("chromium")
    chromium = HeadlessChromium(CHROMIUM, tmp / "profile", *DESKTOP, tmp / "chromium.log")
    try:
        # First visit: Dagster's "Join the Dagster community" dialog (CommunityNux) stays
        # closed once the profile says it was dismissed; the navigation is kept narrow.
        chromium.set_local_storage_before_load(
            {"communityNux": json.dumps("1"), "dagster-nav-collapsed": "true"}
        )
        yield chromium
    finally:
        chromium.close()


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
    documents = [GOOD, BROKEN]
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
