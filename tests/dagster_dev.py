"""`dagster dev` for the UI tests, shared by every UI test module (one server per session):
a temporary DAGSTER_HOME, inbox and warehouse, the inbox filled before the daemon starts, and
what the rules say about each document dropped in it.

The inbox holds a good budget, a broken one (hierarchy ERROR), the seed (rounding WARNs) and
a file that is no PDF at all; every file dated an hour back, settled, so the sensor's first
tick hands them all to one run.
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
from pathlib import Path

import dagster as dg
import pytest

from pipelines import quality, settings
from pipelines.budget_doc import PUBLISHED_TABLES
from pipelines.extraction.document import DocumentIdentity, extract_document
from pipelines.extraction.narrative import NARRATIVE_FIGURES, TABLE_PAGES
from pipelines.inbox import partition_key
from tests.headless_chromium import HeadlessChromium, stop_process_group
from tests.inputs import REPO
from tests.webserver_helpers import WORKSPACE_STATE, free_port, graphql, locations_loaded

DOCS = REPO / "docs"
GOOD_PDF = REPO / "data" / "samples" / "gz_water_works_2025.pdf"  # every check passes
BROKEN_PDF = REPO / "tests" / "fixtures" / "broken_hierarchy.pdf"  # t03 类 201 printed +10.00
SEED_PDF = REPO / "data" / "samples" / "gz_hrss_data_center_2023.pdf"  # rounding WARNs only
NOT_A_PDF = "meeting_notes.pdf"  # text, no %PDF header: rejected, the run stays green
STAGED = dg.AssetKey("stg_budget_tables")
CHROMIUM = shutil.which("chromium")
RUNS_TIMEOUT = 240  # one sensor run of one budget takes ~60 s; the two run side by side
DESKTOP = (1600, 1000)
LINEAGE = (1600, 4000)  # tall enough for the expanded groups: every table reads staging

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
SEED = Document(SEED_PDF)
DOCUMENTS = [GOOD, BROKEN, SEED]


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
        self.inbox, self.rejected = inbox, tmp / "rejected"
        for pdf in pdfs:  # in the inbox before the daemon starts: its first tick sees them
            self.inbox_files[pdf] = inbox / pdf.name
            shutil.copy(pdf, inbox / pdf.name)
        (inbox / NOT_A_PDF).write_text("minutes of the budget meeting", encoding="utf-8")
        an_hour_ago = time.time() - 3600  # settled: handed over at the first tick
        for path in inbox.iterdir():
            os.utime(path, (an_hour_ago, an_hour_ago))
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


def start_ui(tmp_path_factory):
    """dagster dev with every document loaded by its inbox sensor (the `ui` fixture)."""
    if CHROMIUM is None:
        pytest.fail("CI must run the UI test: chromium is missing (see .ci/run)")
    server = DagsterDev(tmp_path_factory.mktemp("ui"), [d.pdf for d in DOCUMENTS])
    try:
        keys = [d.key for d in DOCUMENTS]
        status = server.wait_for_runs(keys, RUNS_TIMEOUT)
        # The checks are not blocking: a budget that does not add up still loads, and a
        # file that is no budget is rejected without failing the run.
        assert status == dict.fromkeys(keys, "SUCCESS"), server.log_tail()
        assert server.warehouse.is_file()  # the runs wrote the test's warehouse, not data/
        yield server
    finally:
        server.stop()


def start_browser(tmp_path_factory):
    """Headless Chromium at the desktop size, Dagster's first-visit dialog dismissed."""
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
