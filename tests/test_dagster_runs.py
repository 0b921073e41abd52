"""In-process runs of the whole asset graph on the fixture PDFs, checked against their truth."""

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.checks import latest_materialization
from assets.warehouse import RI_CHECKED, WAREHOUSE_TABLES
from pipelines import quality
from pipelines.definitions import all_assets, defs
from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import partition_key
from pipelines.quality.markdown import findings_markdown
from pipelines.resources import BudgetInbox, DuckDBWarehouse
from pipelines.warehouse.findings import finding_filter, stored_findings
from tests.inputs import FIXTURES, REAL, REPO, SAMPLES
from tests.narrative_edits import procuratorate_2019_with_wrong_change

SEED = SAMPLES / "gz_hrss_data_center_2023.pdf"
DOCUMENT_CHECKS = set(quality.DOCUMENT_CHECKS)
# judged by the writer against another loaded document, recorded on the document's partition
WRITER_DOCUMENT_CHECKS = {"year_over_year", "final_vs_budget"}
DOCUMENT_KEY = ("department", "fiscal_year", "document_kind", "stage")

PDFS = sorted(SAMPLES.glob("*.pdf")) + [
    FIXTURES / "broken_balance.pdf",
    FIXTURES / "broken_hierarchy.pdf",
]
pytestmark = pytest.mark.slow

RESOURCES_OF = lambda warehouse, inbox: {  # noqa: E731
    "warehouse": DuckDBWarehouse(path=str(warehouse)),
    "inbox": BudgetInbox(folder=str(inbox)),
}


def materialize(pdfs: list[Path], instance, warehouse: Path, inbox: Path, **kwargs):
    """One batch run loading `pdfs` (files in run config, as the sensor launches it)."""
    config = {"paths": [str(p) for p in pdfs]}
    return dg.materialize(
        all_assets,
        instance=instance,
        resources=RESOURCES_OF(warehouse, inbox),
        run_config={"ops": {"load_budget_documents": {"config": config}}},
        raise_on_error=False,
        **kwargs,
    )


def key_of(pdf: Path) -> str:
    return partition_key(DocumentIdentity.of(json.loads(pdf.with_suffix(".json").read_text())))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Every fixture PDF loaded into one warehouse, in one instance: one batch run for all
    but the second edition of the archive's budget, which a second run replaces."""
    tmp = tmp_path_factory.mktemp("runs")
    warehouse = tmp / "warehouse.duckdb"
    (tmp / "dagster").mkdir()
    instance = dg.DagsterInstance.ephemeral(tempdir=str(tmp / "dagster"))
    first = materialize(PDFS[:-1], instance, warehouse, tmp)
    second = materialize(PDFS[-1:], instance, warehouse, tmp)
    results = {pdf.stem: (key_of(pdf), first) for pdf in PDFS[:-1]}
    results[PDFS[-1].stem] = (key_of(PDFS[-1]), second)
    yield {"results": results, "warehouse": warehouse, "instance": instance, "tmp": tmp}
    instance.dispose()


def _evaluations(result, key: str):
    return {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
        if e.partition == key
    }


def _materialized(result, key: str | None) -> dict:
    """Asset -> metadata of the run's materialisations of partition `key` (None: the
    warehouse tables and views, recorded once per batch)."""
    return {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
        if e.partition == key
    }


DOCUMENT_ASSETS = {"raw_budget_pdf", "stg_budget_tables", "stg_budget_cells"}


def _batch_assets() -> set[str]:
    """What the batch step records once per batch: every asset but the document assets and
    parquet_export (materialised by its own run after each load)."""
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    return keys - DOCUMENT_ASSETS - {"parquet_export"}


@pytest.mark.parametrize("pdf", PDFS, ids=lambda p: p.stem)
def test_run_succeeds_and_checks_agree_with_the_truth(runs, pdf):
    key, result = runs["results"][pdf.stem]
    assert result.success
    truth = json.loads(pdf.with_suffix(".json").read_text(encoding="utf-8"))
    expected = quality.run_document_checks(truth)
    evaluations = _evaluations(result, key)
    for name in DOCUMENT_CHECKS:
        evaluation = evaluations[("stg_budget_tables", name)]
        assert evaluation.passed == expected[name].passed, name
        if not evaluation.passed:
            assert evaluation.severity.value == expected[name].severity, name
            offending = evaluation.metadata["offending_rows"].value
            for finding in expected[name].findings:
                assert f"| {finding.severity} | {finding.table} |" in offending
    assert set(evaluations) == {
        ("stg_budget_tables", name) for name in DOCUMENT_CHECKS | WRITER_DOCUMENT_CHECKS
    }
    integrity = [e for (_, name), e in _evaluations(result, None).items()]
    assert {e.check_name for e in integrity} == {"referential_integrity"}
    assert len(integrity) == len(RI_CHECKED) and all(e.passed for e in integrity)
    assert set(_materialized(result, key)) == DOCUMENT_ASSETS
    batch = set(_materialized(result, None))
    assert {"dim_document", "fact_project_fund", "fact_dq_check"} <= batch


def test_events_per_document_and_per_batch(runs):
    """The event log's cost is per event: a batch run writes 3 materialisations and 8 check
    results per document (the document checks, year_over_year, final_vs_budget), and each warehouse
    table and view once, each fact table's referential integrity once."""
    _, result = runs["results"]["gz_hrss_data_center_2023"]
    documents = len(PDFS) - 1  # the first run's
    events = runs["instance"].get_records_for_run(result.run_id).records
    counts = Counter(r.event_log_entry.dagster_event_type for r in events)
    batch = len(_batch_assets())
    assert counts[dg.DagsterEventType.ASSET_MATERIALIZATION] == 3 * documents + batch
    per_document = len(DOCUMENT_CHECKS) + len(WRITER_DOCUMENT_CHECKS)
    assert counts[dg.DagsterEventType.ASSET_CHECK_EVALUATION] == per_document * documents + len(
        RI_CHECKED
    )


def test_seed_passes_all_checks_but_the_known_rounding_warnings(runs):
    key, result = runs["results"]["gz_hrss_data_center_2023"]
    failed = {
        (name, e.severity.value)
        for (asset, name), e in _evaluations(result, key).items()
        if not e.passed
    }
    assert failed == {("balance", "WARN"), ("hierarchy", "WARN")}
    hierarchy = _evaluations(result, key)[("stg_budget_tables", "hierarchy")]
    assert "3387.22" in hierarchy.metadata["offending_rows"].value  # t06 合计 vs Σ 类
    assert hierarchy.metadata["errors"].value == "0"


def test_the_offending_rows_shown_are_the_rows_dq_finding_holds(runs):
    """Each failed check's evidence in the UI is rendered from its document's dq_finding rows
    as the warehouse holds them after the run (the seed's rounding tails, broken_hierarchy's
    errors: its edition is the one loaded), every row shown, with the page printing it."""
    for stem in ("gz_hrss_data_center_2023", "broken_hierarchy"):
        key, result = runs["results"][stem]
        with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
            (document,) = con.execute(
                "select department, fiscal_year, document_kind, stage from dim_document "
                "join dim_department using (department_id) where source_file like ?",
                [f"%{stem}.pdf"],
            ).fetchall()
            stored = stored_findings(con, dict(zip(DOCUMENT_KEY, document, strict=True)))
        failed = {name: e for (_, name), e in _evaluations(result, key).items() if not e.passed}
        assert set(failed) == set(stored)
        for name, evaluation in failed.items():
            where = finding_filter(dict(zip(DOCUMENT_KEY, document, strict=True)), check_name=name)
            shown = evaluation.metadata["offending_rows"].value
            assert shown == findings_markdown(stored[name], where)
            assert shown.count("\n") == len(stored[name]) + 1  # header, rule, every row
            assert all(f"| {row['page']} |" in shown for row in stored[name])


@pytest.mark.parametrize(
    ("fixture", "check"), [("broken_balance", "balance"), ("broken_hierarchy", "hierarchy")]
)
def test_broken_fixture_fails_its_check_as_error(runs, fixture, check):
    key, result = runs["results"][fixture]
    evaluation = {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
        if e.partition == key and e.passed is False
    }[("stg_budget_tables", check)]
    assert not evaluation.passed
    assert evaluation.severity == dg.AssetCheckSeverity.ERROR
    assert "100.00" in evaluation.metadata["offending_rows"].value or check == "hierarchy"
    assert "10.00" in evaluation.metadata["offending_rows"].value or check == "balance"


def test_warehouse_holds_each_document_once_with_its_check_results(runs):
    keys = {key for key, _ in runs["results"].values()}
    assert len(keys) == len(PDFS) - 1  # the two broken fixtures are editions of one budget
    with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
        documents = con.execute("select count(*) from dim_document").fetchone()[0]
        checks = con.execute(
            "select department, fiscal_year, check_name, severity, passed from dq_check_result"
        ).fetchall()
    assert documents == len(keys)
    assert len(checks) == len(keys) * 9
    assert {c[2] for c in checks} == DOCUMENT_CHECKS | WRITER_DOCUMENT_CHECKS | {
        "referential_integrity"
    }
    assert ("广州市人力资源和社会保障数据服务中心", 2023, "balance", "WARN", False) in checks
    assert {severity for *_, severity, passed in checks if passed} == {None}
    # broken_hierarchy was loaded last: its edition replaced broken_balance's, checks too
    failing = {(c[0], c[2], c[3]) for c in checks if not c[4] and c[3] == "ERROR"}
    assert failing == {("广州市示范区档案馆", "hierarchy", "ERROR")}
    key, second = runs["results"]["broken_hierarchy"]
    assert _materialized(second, key)["stg_budget_cells"]["load/action"].value == "replaced"
    (loaded,) = _materialized(second, None)["dim_document"]["batch/loaded"].value.records
    assert (loaded.data["partition"], loaded.data["action"]) == (key, "replaced")


def test_reloading_a_document_materialises_only_its_partition(runs):
    tmp, instance = runs["tmp"], runs["instance"]
    result = materialize([SEED], instance, runs["warehouse"], tmp)
    assert result.success
    key = key_of(SEED)
    partitions = {e.partition for e in result.get_asset_materialization_events()}
    assert partitions == {key, None}  # None: the warehouse tables and views, once
    loaded = _materialized(result, key)
    assert loaded["stg_budget_cells"]["load/action"].value == "reloaded"
    assert loaded["stg_budget_cells"]["load/cells_reconcile"].value is True
    tables = _materialized(result, None)
    before = _materialized(runs["results"][PDFS[-1].stem][1], None)  # the last run before
    assert {
        t: m["dagster/row_count"].value for t, m in tables.items() if t in WAREHOUSE_TABLES
    } == {t: m["dagster/row_count"].value for t, m in before.items() if t in WAREHOUSE_TABLES}
    assert tables["dim_document"]["batch/documents"].value == 1
    with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == len(PDFS) - 1


@pytest.mark.real
def test_an_earlier_year_loaded_later_reports_the_later_year_again(tmp_path):
    """A run loading 2018 after 2019 records 2019's year_over_year again on 2019's
    partition, judging that partition's last staged materialisation."""
    pdf = procuratorate_2019_with_wrong_change(REAL, tmp_path)
    warehouse, instance = tmp_path / "w.duckdb", dg.DagsterInstance.ephemeral()
    first = materialize([pdf], instance, warehouse, tmp_path)
    second = materialize([REAL / "js_procuratorate_2018.pdf"], instance, warehouse, tmp_path)
    later = "2019|江苏省人民检察院"
    assert _evaluations(first, later)[("stg_budget_tables", "year_over_year")].passed
    evaluation = _evaluations(second, later)[("stg_budget_tables", "year_over_year")]
    assert not evaluation.passed
    staged = latest_materialization(instance, "stg_budget_tables", partition=later)
    assert evaluation.target_materialization_data.storage_id == staged.storage_id
    assert staged.run_id == first.run_id
    assert _evaluations(second, "2018|江苏省人民检察院")[
        ("stg_budget_tables", "year_over_year")
    ].passed  # fmt: skip


def test_single_run_backfill_of_many_partitions(runs):
    """A backfill of a range of partitions is ONE run: each partition re-read from the file
    of its last materialisation, and reported as its own partition with its checks."""
    tmp, instance = runs["tmp"], runs["instance"]
    keys = instance.get_dynamic_partitions("budget_document")
    assert len(keys) == len(PDFS) - 1
    # listed in key order (year, then department), not in the order the files arrived
    arrival = list(dict.fromkeys(key_of(pdf) for pdf in PDFS))
    assert keys == sorted(arrival) != arrival
    assert defs.resolve_asset_graph().get(dg.AssetKey("dim_document")).backfill_policy == (
        dg.BackfillPolicy.single_run()
    )
    result = dg.materialize(
        all_assets,
        instance=instance,
        resources=RESOURCES_OF(runs["warehouse"], tmp),
        tags={
            "dagster/asset_partition_range_start": keys[0],
            "dagster/asset_partition_range_end": keys[-1],
        },
        raise_on_error=False,
    )
    assert result.success
    for key in keys:
        loaded = _materialized(result, key)
        assert loaded["stg_budget_cells"]["load/action"].value == "reloaded", key
        assert set(loaded) == DOCUMENT_ASSETS
        assert len(_evaluations(result, key)) == len(DOCUMENT_CHECKS) + len(WRITER_DOCUMENT_CHECKS)
    assert set(_materialized(result, None)) == _batch_assets()
    assert len(_evaluations(result, None)) == len(RI_CHECKED)  # one per fact table
    # Planned events: one per partition of the document assets only, one per batch asset.
    planned = (
        runs["instance"]
        .get_records_for_run(
            result.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION_PLANNED
        )
        .records
    )
    assert len(planned) == len(DOCUMENT_ASSETS) * len(keys) + len(_batch_assets())
    with duckdb.connect(str(runs["warehouse"]), read_only=True) as con:
        assert con.execute("select count(*) from dim_document").fetchone()[0] == len(keys)


def test_materialisations_carry_lineage_metadata(runs):
    key, result = runs["results"]["gz_hrss_data_center_2023"]
    by_key = _materialized(result, key) | _materialized(result, None)
    assert set(by_key) == DOCUMENT_ASSETS | _batch_assets()
    for key, metadata in by_key.items():
        if key == "raw_budget_pdf":
            assert metadata["sha256"].value
            continue
        # a document's partition counts its own rows, never as the asset's (the overview
        # would show whichever document loaded last)
        counted = "rows" if key in DOCUMENT_ASSETS else "dagster/row_count"
        assert counted in metadata and "dagster/row_count" not in metadata.keys() - {counted}, key
        assert "dagster/column_schema" in metadata, key
        if not key.startswith(("v_", "dq_")):  # a view: its SQL, not a preview
            assert "preview" in metadata, key
    facts = by_key["fact_three_public"]
    # the first run filled an empty warehouse: the whole table is what it wrote
    assert facts["dagster/row_count"].value == facts["batch/rows_written"].value
    assert facts["batch/documents"].value == len(PDFS) - 1
    assert "insert into fact_three_public" in facts["sql"].value
    assert "t07_three_public p.13" in by_key["stg_budget_tables"]["source_pages"].value
    columns = {c.name: c.description for c in facts["dagster/column_schema"].value.columns}
    assert columns["amount_yuan"]
    # the staging relations are described by the same seed as the warehouse's columns
    for staged in ("stg_budget_tables", "stg_budget_cells"):
        schema = by_key[staged]["dagster/column_schema"].value.columns
        assert all(c.description for c in schema), staged
    cells = {
        c.name: c.description
        for c in by_key["stg_budget_cells"]["dagster/column_schema"].value.columns
    }
    assert cells["amount_yuan"] == columns["amount_yuan"]
    assert by_key["stg_budget_tables"]["rows"].value > 0
    assert by_key["stg_budget_tables"]["document"].value == key_of(SEED)
    assert by_key["v_project_budget"]["dagster/row_count"].value > 0


def test_one_step_writes_in_the_writer_pool():
    graph = defs.resolve_asset_graph()
    steps = {graph.get(key).assets_def.op for key in graph.get_all_asset_keys()}
    writers = {op.name for op in steps if op.name != "parquet_export"}  # it only reads
    assert writers == {"load_budget_documents"}
    assert {op.pool for op in steps} == {"duckdb_warehouse"}


def test_budget_load_prints_one_line_per_file_and_fails_on_a_bad_one(tmp_path):
    bad = tmp_path / "minutes.pdf"
    bad.write_text("not a PDF at all", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}  # ephemeral instance
    proc = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "load", str(SEED), str(bad),
         str(tmp_path / "missing.pdf"), "--warehouse", str(tmp_path / "w.duckdb")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env=env,
    )  # fmt: skip
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 1, proc.stderr
    assert len(lines) == 3, proc.stdout
    assert lines[0].startswith("loaded: 广州市人力资源和社会保障数据服务中心 2023, ")
    assert "balance WARN" in lines[0] and "hierarchy WARN" in lines[0]
    assert lines[1].startswith(f"rejected: {bad}: ")
    assert lines[2] == f"rejected: {tmp_path / 'missing.pdf'}: no such file"
    assert "Traceback" not in proc.stdout + proc.stderr
    again = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "load", str(SEED),
         "--warehouse", str(tmp_path / "w.duckdb")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
        env=env,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("reloaded: 广州市人力资源和社会保障数据服务中心 2023")


def test_each_document_partition_leads_with_its_health(runs):
    """The broken fixture: hierarchy ERROR, every other check passed; the seed: its rounding
    tails WARN (assets/health.py, the same as v_document_health)."""
    expected = {
        "broken_hierarchy": "ERROR — ERROR: hierarchy; 8 of 9 checks passed",
        "gz_hrss_data_center_2023": "WARN — WARN: balance, hierarchy; 7 of 9 checks passed",
        "gz_water_works_2025": "OK — 9 of 9 checks passed",
    }
    for stem, health in expected.items():
        key, result = runs["results"][stem]
        metadata = _materialized(result, key)["stg_budget_tables"]
        assert list(metadata)[:2] == ["document", "health"]
        assert (metadata["document"].value, metadata["health"].value) == (key, health)
    key, result = runs["results"]["broken_hierarchy"]
    checks = _materialized(result, key)["stg_budget_tables"]["checks"].value
    assert checks.splitlines()[2] == (
        "| hierarchy | ERROR | 4 error(s), 0 warning(s) | t03_expenditure 合计 合计: expected "
        "4656.27, actual 4646.27 万元 (difference -10.00) |"
    )
