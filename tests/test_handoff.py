"""The Parquet hand-off and its publisher (pipelines.handoff): exact decimals in the file,
the four samples published into the warehouse `budget load` writes (every table, every
view), publishing twice changes nothing, a newer edition replaces, a damaged file is one
line while the others publish, and a publish stopped mid-way leaves whole documents."""

import copy
import dataclasses
import io
import os
import shutil
from decimal import Decimal
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets import publish
from pipelines import batch, handoff, quality
from pipelines.commands.load import load_paths
from pipelines.definitions import cluster_defs, defs
from pipelines.errors import BudgetInputError
from pipelines.resources import WAREHOUSE_POOL, BudgetInbox, DuckDBWarehouse
from pipelines.warehouse.connection import connect
from pipelines.warehouse.findings import check_rows
from pipelines.warehouse.load import document_rows
from tests.inputs import REAL, SAMPLE_PDFS, SAMPLES
from tests.narrative_edits import procuratorate_2019_with_wrong_change
from tests.test_concurrent_loads import snapshot
from tests.warehouse_helpers import expected_fact_rows, make_extraction, read_doc


def everything(con) -> dict[str, list[tuple]]:
    """Every table's and view's rows, without surrogate ids and timestamps."""
    return snapshot(con, with_views=True)


@pytest.fixture(scope="module")
def handed_off(tmp_path_factory) -> Path:
    """The four samples parsed once and handed off (the folder is kept pristine: copy it)."""
    folder = tmp_path_factory.mktemp("handoff") / "shared"
    results = list(handoff.handoff_batch(SAMPLE_PDFS, folder, workers=2))
    assert [r.path.name for r in results] == [
        f"{r.parsed.extraction.sha256}.parquet" for r in results
    ]
    return folder


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict:
    """What `budget load data/samples` writes."""
    path = tmp_path_factory.mktemp("load") / "w.duckdb"
    outcomes = load_paths([str(SAMPLES)], warehouse=str(path), out=io.StringIO())
    assert [o.status for o in outcomes] == ["loaded"] * len(SAMPLE_PDFS)
    con = connect(path)
    try:
        return everything(con)
    finally:
        con.close()


def _copy(folder: Path, tmp_path: Path) -> Path:
    target = tmp_path / "shared"
    shutil.copytree(folder, target)
    return target


def test_the_hand_off_file_holds_every_amount_as_an_exact_decimal(tmp_path):
    doc = read_doc()
    document = document_rows(make_extraction(doc))
    path = handoff.write_handoff(document, [], tmp_path)
    assert path.name == f"{document.sha256}.parquet"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    con = duckdb.connect()
    kinds = dict(
        con.execute(
            "select distinct 'printed', typeof(printed_amount) from read_parquet(?) "
            "union all select distinct 'yuan', typeof(amount_yuan) from read_parquet(?)",
            [str(path), str(path)],
        ).fetchall()
    )
    assert kinds == {"printed": "DECIMAL(18,2)", "yuan": "DECIMAL(22,2)"}
    stored = con.execute(
        "select handoff_table, table_key, side, row_index, column_index, printed_amount, "
        "amount_yuan from read_parquet(?) where handoff_table = 'stg_budget_cells'",
        [str(path)],
    ).fetchall()
    staged = document.relations["stg_budget_cells"]
    assert len(stored) == len(staged) == expected_fact_rows(doc)
    expected = {
        (r["table_key"], r.get("side"), r["row_index"], r.get("column_index")): (
            Decimal(r["printed_amount"]),
            Decimal(r["amount_yuan"]),
        )
        for r in staged
    }
    assert {(k, s, i, c): (p, y) for _, k, s, i, c, p, y in stored} == expected
    # one amount read off the seed's t01 as printed: every digit kept
    line = doc["tables"]["t01_summary"]["income"][0]
    factor = Decimal(staged[0]["amount_yuan"]) / Decimal(staged[0]["printed_amount"])
    assert expected[("t01_summary", "income", 0, None)] == (
        Decimal(line["amount"]),
        Decimal(line["amount"]) * factor,
    )


def test_a_file_of_warehouse_rows_is_refused_naming_its_table(tmp_path):
    """A file whose rows name a warehouse table instead of a staging relation (the layout of
    an earlier release) is refused in one line, never published without its cells."""
    path = handoff.write_handoff(document_rows(make_extraction(read_doc())), [], tmp_path)
    old = tmp_path / "old.parquet"
    con = duckdb.connect()
    renamed = "case {0} when 'stg_budget_cells' then 'fact_summary_line' else {0} end as {0}"
    con.execute(
        f"copy (select * replace ({renamed.format('handoff_table')}, "
        f"{renamed.format('table_name')}) from read_parquet('{path}')) to '{old}'"
    )
    with pytest.raises(BudgetInputError) as refused:
        handoff.read_handoff(con, old)
    assert refused.value.reason == "not a hand-off file: fact_summary_line is no staging relation"


BROKEN = Path(__file__).resolve().parent / "fixtures" / "broken_hierarchy.pdf"
FINDINGS = "select * exclude (loaded_at) from dq_finding order by all"


def test_the_findings_travel_in_the_file_exact_and_publish_as_budget_load_writes_them(tmp_path):
    """The broken fixture's four ERRORs (t03 201 一般公共服务支出 10.00 over its 款, p7): in
    the file as DECIMAL(38,10), read back as the check rows the parse made, and published
    into dq_finding exactly as `budget load` writes them."""
    (result,) = handoff.handoff_batch([BROKEN], tmp_path / "shared", workers=1)
    con = duckdb.connect()
    figures = con.execute(
        "select distinct typeof(expected), typeof(difference) from read_parquet(?) "
        "where handoff_table = 'fact_dq_finding'",
        [str(result.path)],
    ).fetchall()
    assert figures == [("DECIMAL(38,10)", "DECIMAL(38,10)")]
    _, checks = handoff.read_handoff(con, result.path)
    assert checks == check_rows(result.parsed.checks)
    hierarchy = next(c for c in checks if c["check_name"] == "hierarchy")
    general = "201 一般公共服务支出"
    assert [
        (f["row_label"], f["column_name"], f["expected"], f["actual"], f["difference"], f["page"])
        for f in hierarchy["findings"]
    ] == [
        ("合计", "合计", Decimal("4656.27"), Decimal("4646.27"), Decimal("-10.00"), 7),
        ("合计", "基本支出", Decimal("1617.77"), Decimal("1607.77"), Decimal("-10.00"), 7),
        (general, "合计", Decimal("4263.74"), Decimal("4273.74"), Decimal("10.00"), 7),
        (general, "基本支出", Decimal("1225.24"), Decimal("1235.24"), Decimal("10.00"), 7),
    ]  # fmt: skip
    published, loaded = connect(tmp_path / "published.duckdb"), tmp_path / "loaded.duckdb"
    try:
        assert [
            r.report.action for r in handoff.publish_folder(published, tmp_path / "shared")
        ] == ["inserted"]
        load_paths([str(BROKEN)], warehouse=str(loaded), out=io.StringIO())
        with connect(loaded, read_only=True) as direct:
            assert published.execute(FINDINGS).fetchall() == direct.execute(FINDINGS).fetchall()
        assert len(published.execute(FINDINGS).fetchall()) == 4
    finally:
        published.close()


def test_a_file_of_an_earlier_release_without_findings_is_refused(tmp_path):
    """A failed check whose findings are not in the file (the release before kept them as
    markdown in `detail`) is not published as a failure with no rows."""
    (result,) = handoff.handoff_batch([BROKEN], tmp_path, workers=1)
    old = tmp_path / "old.parquet"
    con = duckdb.connect()
    con.execute(
        f"copy (select * from read_parquet('{result.path}') "
        f"where handoff_table <> 'fact_dq_finding') to '{old}'"
    )
    with pytest.raises(BudgetInputError) as refused:
        handoff.read_handoff(con, old)
    assert refused.value.reason == (
        "a hand-off file of an earlier release: check hierarchy failed but its findings are "
        "not in the file; hand the PDF off again"
    )


def test_publishing_the_samples_writes_what_budget_load_writes(handed_off, loaded, tmp_path):
    folder = _copy(handed_off, tmp_path)
    con = connect(tmp_path / "w.duckdb")
    try:
        lines = [r.line for r in handoff.publish_folder(con, folder)]
        assert len(lines) == len(SAMPLE_PDFS)
        assert all(line.startswith("published: ") and " loaded " in line for line in lines)
        assert everything(con) == loaded
        checks = con.execute("select count(*), count(distinct check_name) from fact_dq_check")
        per_document = len(quality.DOCUMENT_CHECKS) + len(batch.WRITER_CHECKS)
        assert checks.fetchone() == (len(SAMPLE_PDFS) * per_document, per_document)
    finally:
        con.close()
    assert sorted(p.name for p in (folder / handoff.PUBLISHED).iterdir()) == sorted(
        p.name for p in handed_off.iterdir()
    )
    assert not handoff.pending_files(folder)


def test_publishing_twice_changes_nothing(handed_off, loaded, tmp_path):
    folder = _copy(handed_off, tmp_path)
    con = connect(tmp_path / "w.duckdb")
    try:
        list(handoff.publish_folder(con, folder))
        once = everything(con)
        assert list(handoff.publish_folder(con, folder)) == []  # nothing pending
        assert everything(con) == once
        for published in (folder / handoff.PUBLISHED).iterdir():  # the same files again
            shutil.copy(published, folder / published.name)
        again = list(handoff.publish_folder(con, folder))
        assert [r.report.action for r in again] == ["reloaded"] * len(SAMPLE_PDFS)
        assert everything(con) == once == loaded
        (documents,) = con.execute("select count(*) from dim_document").fetchone()
        assert documents == len(SAMPLE_PDFS)
    finally:
        con.close()


def test_a_newer_edition_handed_off_later_replaces_the_older(tmp_path):
    doc = read_doc()
    edition = copy.deepcopy(doc)
    line = edition["tables"]["t01_summary"]["income"][0]
    line["amount"] = str(Decimal(line["amount"]) + Decimal("0.01"))
    old = document_rows(make_extraction(doc, name="2023.pdf"))
    new = document_rows(make_extraction(edition, name="2023-revised.pdf"))
    first = handoff.write_handoff(old, check_rows(quality.run_document_checks(doc)), tmp_path)
    second = handoff.write_handoff(new, check_rows(quality.run_document_checks(edition)), tmp_path)
    os.utime(first, ns=(1, 1))  # handed off well before the revision
    con = connect(tmp_path / "w.duckdb")
    try:
        results = list(handoff.publish_folder(con, tmp_path))
        assert [r.report.action for r in results] == ["inserted", "replaced"]
        assert con.execute("select sha256, source_file from dim_document").fetchall() == [
            (new.sha256, "/inbox/2023-revised.pdf")
        ]
        (amount,) = con.execute(
            "select printed_amount from fact_summary_line "
            "where table_key = 't01_summary' and side = 'income' and line_index = 0"
        ).fetchone()
        assert amount == Decimal(line["amount"])
    finally:
        con.close()
    assert second.name in {p.name for p in (tmp_path / handoff.PUBLISHED).iterdir()}


def test_a_truncated_hand_off_file_is_one_line_and_the_others_publish(handed_off, tmp_path):
    folder = _copy(handed_off, tmp_path)
    damaged = handoff.pending_files(folder)[1]
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) // 2])
    con = connect(tmp_path / "w.duckdb")
    try:
        results = list(handoff.publish_folder(con, folder))
        (documents,) = con.execute("select count(*) from dim_document").fetchone()
    finally:
        con.close()
    rejected = [r for r in results if r.report is None]
    assert len(rejected) == 1 and documents == len(SAMPLE_PDFS) - 1
    (line,) = [r.line for r in rejected]
    assert "\n" not in line
    assert line.startswith(f"rejected: {damaged}: not a readable Parquet file (")
    assert line.endswith(f"(moved to {folder / handoff.REJECTED / damaged.name})")
    assert (folder / handoff.REJECTED / damaged.name).read_bytes() == data[: len(data) // 2]
    assert (folder / handoff.REJECTED / f"{damaged.name}.reason.txt").is_file()
    assert len(list((folder / handoff.PUBLISHED).iterdir())) == len(SAMPLE_PDFS) - 1


def test_a_publish_stopped_mid_way_leaves_whole_documents_and_the_rest_pending(
    handed_off, loaded, tmp_path, monkeypatch
):
    folder = _copy(handed_off, tmp_path)
    real = quality.check_referential_integrity
    calls = []

    def dies_on_the_third(con, document_id):
        calls.append(document_id)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the publisher killed inside the third transaction
        return real(con, document_id)

    monkeypatch.setattr(quality, "check_referential_integrity", dies_on_the_third)
    con = connect(tmp_path / "w.duckdb")
    try:
        with pytest.raises(KeyboardInterrupt):
            list(handoff.publish_folder(con, folder))
        (documents,) = con.execute("select count(*) from dim_document").fetchone()
        (checked,) = con.execute("select count(distinct sha256) from fact_dq_check").fetchone()
        assert documents == checked == 2
        assert len(handoff.pending_files(folder)) == len(SAMPLE_PDFS) - 2
        monkeypatch.undo()
        list(handoff.publish_folder(con, folder))  # the next publish finishes the job
        assert everything(con) == loaded
    finally:
        con.close()


def test_a_batch_hands_off_a_bad_file_as_one_line_and_the_others(tmp_path):
    bad = tmp_path / "not_a_budget.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing here")
    doc = read_doc()
    results = list(handoff.handoff_batch([bad, SAMPLE_PDFS[1]], tmp_path / "shared", workers=1))
    assert results[0].path is None and results[0].line.startswith(f"rejected: {bad}: ")
    assert results[1].path is not None
    document, checks = handoff.read_handoff(duckdb.connect(), results[1].path)
    assert document.printed_department == doc["department"]
    assert document.fiscal_year == int(doc["fiscal_year"])
    assert [c["check_name"] for c in checks] == list(quality.DOCUMENT_CHECKS)
    assert checks == check_rows(results[1].parsed.checks)
    assert document == dataclasses.replace(
        document_rows(results[1].parsed.extraction), relations=document.relations
    )


def test_the_cluster_assets_hand_off_on_any_host_and_publish_in_the_warehouse_pool(tmp_path):
    graph = cluster_defs().resolve_asset_graph()
    publisher = graph.get(dg.AssetKey("published_budget_documents"))
    assert publisher.pools == {WAREHOUSE_POOL}
    assert graph.get(dg.AssetKey("budget_handoff")).pools in (set(), None)
    assert "budget_handoff" not in {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    job = cluster_defs().resolve_job_def("budget_document_job")
    assert "budget_handoff" not in {
        k.to_user_string() for k in job.asset_layer.executable_asset_keys
    }
    resources = {
        "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
        "inbox": BudgetInbox(folder=str(tmp_path / "inbox")),
        "handoff": publish.HandoffFolder(folder=str(tmp_path / "shared")),
    }
    with dg.instance_for_test() as instance:
        handed = dg.materialize(
            [publish.budget_handoff],
            instance=instance,
            resources=resources,
            run_config={"ops": {"budget_handoff": {"config": {"paths": [str(SAMPLE_PDFS[1])]}}}},
        )
        assert handed.success
        published = dg.materialize(
            [publish.published_budget_documents], instance=instance, resources=resources
        )
        assert published.success
        (event,) = published.get_asset_materialization_events()
        assert event.materialization.metadata["published"].value == 1
    con = connect(tmp_path / "w.duckdb")
    try:
        (sha256,) = con.execute("select sha256 from dim_document").fetchone()
    finally:
        con.close()
    assert (tmp_path / "shared" / handoff.PUBLISHED / f"{sha256}.parquet").is_file()


@pytest.mark.real
def test_publishing_an_earlier_year_after_a_later_one_judges_the_later_again(tmp_path):
    """As `budget load`: the 2019 published first has no previous year; publishing 2018
    then judges 2019 again (its stated change printed 2314.39 instead of 2214.39)."""
    later = procuratorate_2019_with_wrong_change(REAL, tmp_path)
    folder = tmp_path / "shared"
    con = connect(tmp_path / "w.duckdb")
    lines, findings = [], []
    judged = (
        "select fiscal_year, row_label, column_name, expected, actual, difference, page "
        "from dq_finding where check_name = 'year_over_year' order by all"
    )
    for pdf in (later, REAL / "js_procuratorate_2018.pdf"):
        list(handoff.handoff_batch([pdf], folder, workers=1))
        lines += [published.line for published in handoff.publish_folder(con, folder)]
        findings.append(con.execute(judged).fetchall())
    assert "judged again" not in lines[0]
    assert lines[1].endswith(" — 2019 year_over_year judged again: ERROR")
    assert con.execute(
        "select passed from fact_dq_check where fiscal_year = 2019 "
        "and check_name = 'year_over_year'"
    ).fetchall() == [(False,)]
    # judged again, the 2019 check gets its findings: the stated change 2314.39 against
    # 24169.74 − 21955.35 = 2214.39 万元, 收入合计 and 支出合计 printed on p14 of 2019's PDF
    assert findings == [
        [],
        [
            (2019, total, f"{side}_total_change", Decimal("2214.39"), Decimal("2314.39"),
             Decimal("100.00"), 14)
            for total, side in (("支出合计", "expenditure"), ("收入合计", "income"))
        ],
    ]  # fmt: skip
