"""The lineage UI as an analyst's cockpit (issue #23), in headless Chromium against the
`dagster dev` of tests/dagster_dev.py (a good, a broken and a rounding-WARN budget and a file
that is no PDF, loaded by the inbox sensor's one run). One test per point an analyst hit:

1. a view materialised alone from its page, and a backfill of a partition whose PDF is
   gone (the last two tests: they change the instance);
2. a run marks only what it judged (no blank rows in a check's history);
3. one document's health at a glance, and Dagster's severities are ours;
4. a rejected file leaves the run green and is moved;
5. whole descriptions; 6. partitions listed in key order; 7. metadata that says whose
   numbers they are; 8. lineage read from the SQL.
"""

from __future__ import annotations

import json
import time
import urllib.parse

import duckdb
import pytest

from assets.warehouse import sql_description
from pipelines.definitions import defs
from pipelines.quality.markdown import figure_text
from pipelines.warehouse.sql_files import read_sql
from tests.dagster_dev import BROKEN, DOCS, DOCUMENTS, GOOD, NOT_A_PDF, SEED, needs_chromium
from tests.webserver_helpers import graphql

pytestmark = [pytest.mark.ui, needs_chromium]

DOCUMENT_CHECKS = sorted([*GOOD.outcomes, "year_over_year", "final_vs_budget"])
# every document check, and referential integrity judged by the writer
CHECKS_PER_DOCUMENT = len(DOCUMENT_CHECKS) + 1


def _query(ui, query: str) -> dict:
    return graphql(ui.port, query)


def _runs(ui, tag: tuple[str, str] | None = None) -> list[dict]:
    where = f'(filter: {{tags: [{{key: "{tag[0]}", value: "{tag[1]}"}}]}})' if tag else ""
    data = _query(
        ui,
        f"{{ runsOrError{where} {{ ... on Runs {{ results {{ runId status jobName "
        "tags { key value } assetSelection { path } } } } }",
    )
    return data["runsOrError"]["results"]


def _wait_for_run(ui, find, timeout: float = 180) -> dict:
    """The first run `find(runs)` returns once it has finished."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = find(_runs(ui))
        if run and run["status"] in ("SUCCESS", "FAILURE", "CANCELED"):
            return run
        time.sleep(2)
    pytest.fail(f"no finished run in {timeout} s:\n{ui.log_tail()}")


def _log_messages(ui, run_id: str) -> list[str]:
    """Every message of a run's log, a step failure's error too (what the run page lists)."""
    data = _query(
        ui,
        f'{{ logsForRun(runId: "{run_id}") {{ ... on EventConnection {{ events {{ '
        "... on MessageEvent { message } ... on ExecutionStepFailureEvent { error { message } } "
        "} } } }",
    )
    events = data["logsForRun"]["events"]
    return [e["message"] for e in events if "message" in e] + [
        e["error"]["message"] for e in events if e.get("error")
    ]


def _executions(ui, check: str) -> list[dict]:
    data = _query(
        ui,
        '{ assetCheckExecutions(assetKey: {path: ["stg_budget_tables"]}, checkName: '
        f'"{check}", limit: 100) {{ runId status partition '
        "evaluation { severity description success } } }",
    )
    return data["assetCheckExecutions"]


def _words(text: str) -> str:
    return " ".join(text.split())


def _wait_for_words(browser, *needles: str, timeout: float = 60) -> str:
    """The page's words once each needle's words are among them (a markdown cell renders
    after the rest of the page; a table's cells are tab-separated)."""
    deadline = time.monotonic() + timeout
    while True:
        text = _words(browser.text())
        missing = [n for n in needles if _words(n) not in text]
        if not missing:
            return text
        assert time.monotonic() < deadline, f"not on the page: {missing}\n{text}"
        time.sleep(0.5)


def _partition_page(ui, key: str) -> str:
    return f"{ui.url}/assets/stg_budget_tables?view=partitions&partition={urllib.parse.quote(key)}"


def test_a_rejected_file_leaves_the_run_green_and_is_moved(ui, browser):
    assert not (ui.inbox / NOT_A_PDF).exists()
    moved = ui.rejected / NOT_A_PDF
    assert moved.is_file()
    note = moved.with_name(moved.name + ".reason.txt").read_text(encoding="utf-8")
    assert "reason: not a PDF (no %PDF header)" in note
    (run,) = [r for r in _runs(ui) if r["jobName"] == "budget_document_job"]
    tags = {t["key"]: t["value"] for t in run["tags"]}
    assert run["status"] == "SUCCESS"
    assert (tags["budget/files"], tags["budget/loaded"], tags["budget/rejected"]) == ("4", "3", "1")
    line = f"rejected: {ui.inbox / NOT_A_PDF}: not a PDF (no %PDF header) (moved to {moved})"
    assert line in _log_messages(ui, run["runId"])
    browser.open(f"{ui.url}/runs/{run['runId']}")  # the log is virtualised: its status only
    _wait_for_words(browser, "Success", "budget_inbox_sensor")


def _worst_line(document) -> str:
    """The worst finding of a document's failed checks, as the rule ranks it: the first
    ERROR, structural before the largest difference, else the first WARN."""
    findings = [
        (name, index, f)
        for name, outcome in document.outcomes.items()
        for index, f in enumerate(outcome.findings)
    ]
    name, _, worst = min(
        findings,
        key=lambda item: (
            item[2].severity != "ERROR",
            item[2].difference is not None,
            -abs(item[2].difference or 0),
            item[1],
        ),
    )
    unit = f" {worst.unit}" if worst.unit else ""
    return (
        f"{name} {worst.severity} "
        f"{sum(f.severity == 'ERROR' for f in document.outcomes[name].findings)} error(s), "
        f"{sum(f.severity == 'WARN' for f in document.outcomes[name].findings)} warning(s) "
        f"{worst.table} {worst.row} {worst.column}: expected {worst.expected}, actual "
        f"{worst.actual}{unit} (difference {figure_text(worst.difference)})"
    )


def _health_line(document) -> str:
    results = {n: o.severity for n, o in document.outcomes.items() if not o.passed}
    said = [
        f"{level}: {', '.join(sorted(n for n, s in results.items() if s == level))}"
        for level in ("ERROR", "WARN")
        if level in results.values()
    ]
    headline = "ERROR" if "ERROR" in results.values() else "WARN" if results else "OK"
    passed = CHECKS_PER_DOCUMENT - len(results)
    return f"{headline} — " + "; ".join([*said, f"{passed} of {CHECKS_PER_DOCUMENT} checks passed"])


def test_each_documents_health_at_a_glance(ui, browser):
    """A document's partition leads with its health and each check's worst finding; the
    view v_document_health says the same in SQL."""
    for document in DOCUMENTS:
        browser.open(_partition_page(ui, document.key))
        browser.wait_for_text(f"{document.key}\nMaterialized", "health")
        worst = [_worst_line(document)] if document is not GOOD else []
        _wait_for_words(browser, f"health {_health_line(document)} checks", *worst)
        if document is BROKEN:
            browser.screenshot(DOCS / "health.png")
    with duckdb.connect(str(ui.warehouse), read_only=True) as con:
        health = dict(con.execute("select department, health from v_document_health").fetchall())
    assert [health[d.key.split("|")[1]] for d in DOCUMENTS] == ["OK", "ERROR", "WARN"]


def test_check_severities_and_history_are_ours(ui, browser):
    """Dagster's severity is the check's (a rounding tail WARN, a broken total ERROR), and
    each check's history holds one row per document judged: none without a partition, none
    'skipped' or 'execution failed'."""
    for check in DOCUMENT_CHECKS:
        executions = _executions(ui, check)
        assert sorted(e["partition"] for e in executions) == sorted(d.key for d in DOCUMENTS)
        assert {e["status"] for e in executions} <= {"SUCCEEDED", "FAILED"}, check
        for execution in executions:
            (document,) = [d for d in DOCUMENTS if d.key == execution["partition"]]
            outcome = document.outcomes.get(check)
            if outcome is not None and not outcome.passed:
                assert execution["evaluation"]["severity"] == outcome.severity
    browser.open(f"{ui.url}/assets/stg_budget_tables?view=checks&checkDetail=balance")
    browser.wait_for_text("Execution history")
    browser.click_text("Execution history", nth=-1)
    text = browser.wait_for_text(SEED.key)
    assert "Execution failed" not in text and "Skipped" not in text


def test_partitions_are_listed_in_key_order(ui, browser):
    """Year, then department, as one batch loaded them: not the order the files arrived
    (broken_hierarchy.pdf, 2023 示范区档案馆, was first)."""
    browser.open(f"{ui.url}/assets/stg_budget_tables?view=partitions")
    text = browser.wait_for_text(*(d.key for d in DOCUMENTS), "Materialized (3)")
    listed = list(
        dict.fromkeys(line for line in text.splitlines() if line in {d.key for d in DOCUMENTS})
    )
    assert listed == sorted(d.key for d in DOCUMENTS)


def test_descriptions_are_whole(ui, browser):
    """v_year_over_year keeps its warning that changes are null without the previous year."""
    description = sql_description(read_sql("views/v_year_over_year"))
    assert description.endswith("while the previous year is not loaded")
    browser.open(f"{ui.url}/assets/v_year_over_year")
    _wait_for_words(browser, description)


def test_lineage_is_read_from_the_sql(ui, browser):
    data = _query(ui, "{ assetNodes { assetKey { path } dependencyKeys { path } } }")
    shown = {
        "/".join(n["assetKey"]["path"]): sorted("/".join(d["path"]) for d in n["dependencyKeys"])
        for n in data["assetNodes"]
    }
    graph = defs.resolve_asset_graph()
    assert shown == {
        key.to_user_string(): sorted(p.to_user_string() for p in graph.get(key).parent_keys)
        for key in graph.get_all_asset_keys()
    }
    assert shown["fact_three_public"] == ["stg_budget_cells"]  # not the dimensions
    browser.open(f"{ui.url}/assets/fact_three_public?view=lineage")
    text = browser.wait_for_text("stg_budget_cells", "v_three_public")
    assert "dim_fund_source" not in text


def test_metadata_says_whose_numbers_they_are(ui, browser):
    browser.open(_partition_page(ui, SEED.key))
    browser.wait_for_text(f"{SEED.key}\nMaterialized", "source_pdf")
    text = _wait_for_words(browser, f"document {SEED.key} health")
    assert "dagster/row_count" not in text  # a document's own count is `rows`
    assert f"source_pdf {ui.inbox_files[SEED.pdf].resolve()} " in text
    (seed_balance,) = [e for e in _executions(ui, "balance") if e["partition"] == SEED.key]
    assert "rounding warning(s)" in seed_balance["evaluation"]["description"]
    year = [e for e in _executions(ui, "year_over_year") if e["partition"] == GOOD.key]
    assert year[0]["evaluation"]["description"] == "year_over_year: nothing to compare"


def test_a_view_materialised_alone_from_its_page(ui, browser):
    browser.open(f"{ui.url}/assets/v_budget_summary")
    browser.wait_for_text("Materialize", "Row count")
    browser.settle()
    browser.click_text("Materialize")
    run = _wait_for_run(
        ui,
        lambda runs: next(
            (r for r in runs if r["assetSelection"] == [{"path": ["v_budget_summary"]}]), None
        ),
    )
    assert run["status"] == "SUCCESS"
    with duckdb.connect(str(ui.warehouse), read_only=True) as con:
        (rows,) = con.execute("select count(*) from v_budget_summary").fetchone()
    browser.open(f"{ui.url}/assets/v_budget_summary")
    browser.wait_for_text(f"Row count\n{rows}")


def test_a_backfill_of_a_partition_whose_pdf_is_gone_fails_with_one_line(ui, browser):
    pdf = ui.inbox_files[SEED.pdf]
    pdf.rename(pdf.with_suffix(".moved"))
    data = _query(
        ui,
        "mutation { launchPartitionBackfill(backfillParams: {assetSelection: [{path: "
        f'["stg_budget_tables"]}}], partitionNames: [{json.dumps(SEED.key)}]}}) {{ __typename '
        "... on LaunchBackfillSuccess { backfillId } } }",
    )
    backfill = data["launchPartitionBackfill"]["backfillId"]
    run = _wait_for_run(
        ui,
        lambda runs: next(
            (r for r in runs if {"key": "dagster/backfill", "value": backfill} in r["tags"]), None
        ),
    )
    assert run["status"] == "FAILURE"
    line = (
        f"1 of 1 documents not loaded: {SEED.key}: the PDF is gone: it was {pdf}, and no PDF "
        f"in {ui.inbox} is this document"
    )
    assert f"dagster._core.definitions.events.Failure: {line}\n" in _log_messages(ui, run["runId"])
    browser.open(f"{ui.url}/runs/{run['runId']}")
    _wait_for_words(browser, "Failure", line)  # the last event: in view
    # not judged again, so not marked failed: each check re-states the stored result
    for check in DOCUMENT_CHECKS:
        latest = next(e for e in _executions(ui, check) if e["partition"] == SEED.key)
        assert latest["runId"] == run["runId"] and latest["status"] in ("SUCCEEDED", "FAILED")
        assert "(not judged again: the PDF is gone: it was " in latest["evaluation"]["description"]
