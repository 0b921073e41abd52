"""The inbox sensor: a new file is picked up once, a changed file again, a bad file rejected;
one tick is one batch run however many files arrived; the schedule is one run per year."""

import json
import os
import shutil
from pathlib import Path

import dagster as dg
import pytest

from pipelines.extraction.document import DocumentIdentity
from pipelines.inbox import parse_partition_key, partition_key, scan_inbox
from pipelines.resources import BudgetInbox
from pipelines.sensors import budget_inbox_sensor
from tests.inputs import SAMPLES

SEED_PDF = SAMPLES / "gz_hrss_data_center_2023.pdf"
OTHER_PDF = SAMPLES / "gz_edu_bureau_2024.pdf"
SEED_KEY = "2023|广州市人力资源和社会保障数据服务中心"


@pytest.fixture(autouse=True)
def settled_at_once(monkeypatch):
    """These tests drop files and tick at once: no settling time (tested on its own below)."""
    monkeypatch.setenv("BUDGET_SETTLE_SECONDS", "0")


def _config(request) -> dict:
    return request.run_config["ops"]["load_budget_documents"]["config"]


def _tick(instance, inbox: Path, cursor: str | None):
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"inbox": BudgetInbox(folder=str(inbox))}
    )
    result = budget_inbox_sensor(context)
    # what the daemon does with the result: register the new partitions
    for request in result.dynamic_partitions_requests or []:
        instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
    return result


def test_partition_keys_round_trip():
    key = partition_key(DocumentIdentity("广州市[试点],单位|甲", 2024))
    assert key == "2024|广州市【试点】，单位｜甲"
    assert parse_partition_key(SEED_KEY) == (
        2023,
        "广州市人力资源和社会保障数据服务中心",
        "department",
        "budget",
    )
    # a unit budget (单位预算) of the same body and year is another partition
    unit = partition_key(DocumentIdentity("上海市普陀区司法局", 2026, "unit"))
    assert unit == "2026|上海市普陀区司法局|单位预算"
    assert partition_key(DocumentIdentity("上海市普陀区司法局", 2026)) == "2026|上海市普陀区司法局"
    assert parse_partition_key(unit) == (2026, "上海市普陀区司法局", "unit", "budget")
    # a name holding the separator stays one name, whatever the kind
    odd = partition_key(DocumentIdentity("甲|乙", 2026, "unit"))
    assert parse_partition_key(odd) == (2026, "甲｜乙", "unit", "budget")
    for bad in ("广州市", "2026|", "2026|上海市普陀区司法局|部门预算", "2026|甲|单位预算|x"):
        with pytest.raises(ValueError, match="not a budget document partition key"):
            parse_partition_key(bad)


def test_new_file_once_changed_file_again_never_parsed(tmp_path, monkeypatch):
    import pipelines.extraction.document as document

    def no_parse(*args, **kwargs):
        raise AssertionError("the sensor parsed a file")

    monkeypatch.setattr(document, "extract_document", no_parse)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    target = inbox / "budget.pdf"
    shutil.copy(SEED_PDF, target)
    (inbox / "notes.txt").write_text("not a pdf", encoding="utf-8")
    broken = inbox / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a PDF")
    os.utime(broken, ns=(1, 1))  # older: first in the run

    with dg.instance_for_test() as instance:
        first = _tick(instance, inbox, None)
        (request,) = first.run_requests
        # the bad file too: the run parses, under its limits, and rejects it
        assert _config(request) == {"paths": [str(broken), str(target)], "partitions": []}
        assert request.tags["budget/files"] == "2"
        assert not first.dynamic_partitions_requests  # the run adds what it loads
        cursor = json.loads(first.cursor)
        assert set(cursor) == {str(broken), str(target)}
        assert cursor[str(broken)]["size"] == broken.stat().st_size

        # the same bytes again, even touched: nothing to do
        os.utime(target, ns=(1, 1))
        second = _tick(instance, inbox, first.cursor)
        assert not second.run_requests
        assert second.skip_reason

        # new bytes under the same name: a run for whatever the file is now
        shutil.copy(OTHER_PDF, target)
        third = _tick(instance, inbox, second.cursor)
        (changed,) = third.run_requests
        assert _config(changed)["paths"] == [str(target)]
        assert changed.run_key != request.run_key

        # back to the first edition: a new run again (its bytes changed since the last tick)
        shutil.copy(SEED_PDF, target)
        fourth = _tick(instance, inbox, third.cursor)
        assert [_config(r)["paths"] for r in fourth.run_requests] == [[str(target)]]


def test_a_tick_hashes_a_bounded_number_of_files(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number in range(5):
        (inbox / f"{number}.pdf").write_bytes(b"%%PDF-1.4 %d" % number)
    first = scan_inbox(inbox, {}, max_files=3)
    assert [f.path.name for f in first.files] == ["0.pdf", "1.pdf", "2.pdf"]
    assert sorted(first.cursor) == [str(inbox / f"{n}.pdf") for n in range(3)]
    second = scan_inbox(inbox, first.cursor, max_files=3)
    assert [f.path.name for f in second.files] == ["3.pdf", "4.pdf"]
    assert len(second.cursor) == 5


def test_a_file_is_handed_over_once_it_has_stopped_changing(tmp_path, monkeypatch):
    """A PDF still being copied is never parsed, so every file a run refuses is settled and
    moved to rejected/ (a refused file left in the inbox would never be handed back)."""
    monkeypatch.setenv("BUDGET_SETTLE_SECONDS", "60")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    arriving = inbox / "arriving.pdf"
    arriving.write_bytes(b"%PDF-1.4 half")
    written = arriving.stat().st_mtime
    early = scan_inbox(inbox, {}, now=written + 59)
    assert (early.files, early.cursor, early.settling) == ([], {}, 1)
    with dg.instance_for_test() as instance:
        skip = _tick(instance, inbox, None).skip_reason.skip_message
    assert skip.endswith("; 1 changed in the last 60 s, handed to a run once they stop changing")
    settled = scan_inbox(inbox, early.cursor, now=written + 60)
    assert [f.path for f in settled.files] == [arriving] and settled.settling == 0
    # changed again: waits again, and its old entry stays until it settles
    os.utime(arriving, (written + 100, written + 100))
    again = scan_inbox(inbox, settled.cursor, now=written + 130)
    assert (again.files, again.cursor, again.settling) == ([], settled.cursor, 1)


def test_one_tick_is_one_run_for_many_new_files(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    samples = sorted(SAMPLES.glob("*.pdf"))
    for pdf in samples:
        shutil.copy(pdf, inbox / pdf.name)
    with dg.instance_for_test() as instance:
        result = _tick(instance, inbox, None)
        (request,) = result.run_requests
        assert sorted(_config(request)["paths"]) == sorted(str(inbox / p.name) for p in samples)
        assert request.partition_key is None  # the run's partitions come from its parse


def test_missing_inbox_is_a_skip_not_a_crash(tmp_path):
    with dg.instance_for_test() as instance:
        result = _tick(instance, tmp_path / "nowhere", None)
        assert not result.run_requests
        assert "no new or changed PDF" in result.skip_reason.skip_message


def test_yearly_schedule_only_looks_and_its_run_loads_that_years_documents(tmp_path, monkeypatch):
    """The schedule lists the inbox and never parses (a hostile file cannot hang the
    daemon); a file named for another year is left out; the run parses, loads that year's
    documents, skips another year's with a line and rejects the hostile file."""
    from datetime import datetime

    import duckdb

    import pipelines.extraction.document as document
    from pipelines.definitions import all_assets, defs
    from pipelines.resources import DuckDBWarehouse

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    files = {
        "a.pdf": SEED_PDF,  # 2023
        "b.pdf": OTHER_PDF,  # 2024, the name does not say
        "budget_2024.pdf": OTHER_PDF,  # 2024, the name says so
    }
    for age, (name, pdf) in enumerate(files.items()):
        shutil.copy(pdf, inbox / name)
        os.utime(inbox / name, ns=(age + 1, age + 1))
    hostile = inbox / "hostile.pdf"
    hostile.write_bytes(b"%PDF-1.4 not a PDF at all")
    os.utime(hostile, ns=(9, 9))
    schedule = defs.resolve_schedule_def("budget_yearly_schedule")
    with dg.instance_for_test() as instance:
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2023, 3, 1, 6),
            resources={"inbox": BudgetInbox(folder=str(inbox))},
            repository_def=defs.get_repository_def(),
        )
        with monkeypatch.context() as patch:
            patch.setattr(document, "extract_document", _no_parse)
            (request,) = schedule.evaluate_tick(context).run_requests
        assert _config(request) == {
            "paths": [str(inbox / "a.pdf"), str(inbox / "b.pdf"), str(hostile)],
            "partitions": [],
            "fiscal_year": 2023,
        }
        assert request.tags["budget/fiscal_year"] == "2023"
        assert instance.get_dynamic_partitions("budget_document") == []  # the run adds them

        warehouse = tmp_path / "w.duckdb"
        result = dg.materialize(
            all_assets,
            instance=instance,
            resources={
                "warehouse": DuckDBWarehouse(path=str(warehouse)),
                "inbox": BudgetInbox(folder=str(inbox)),
            },
            run_config=request.run_config,
            raise_on_error=False,
        )
        assert result.success  # the hostile file is rejected, the run loaded the others
        lines = [e.user_message for e in instance.all_logs(result.run_id)]
        rejected = f"rejected: {hostile}: "
        assert [line for line in lines if line.startswith(rejected)] == [
            f"{rejected}damaged or truncated PDF (Failed to load document (PDFium: Data format "
            f"error).) (moved to {tmp_path / 'rejected' / 'hostile.pdf'})"
        ]
        run_tags = instance.get_run_by_id(result.run_id).tags
        assert {k: run_tags.get(f"budget/{k}") for k in ("loaded", "skipped", "rejected")} == {
            "loaded": "1",
            "skipped": "1",
            "rejected": "1",
        }
        assert f"skipped: {inbox / 'b.pdf'}: the budget of fiscal year 2024, not 2023" in lines
        assert instance.get_dynamic_partitions("budget_document") == [SEED_KEY]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(
            "select printed_department, fiscal_year from dim_document"
        ).fetchall() == [("广州市人力资源和社会保障数据服务中心", 2023)]


def _no_parse(*args, **kwargs):
    raise AssertionError("the schedule parsed a file")


def test_yearly_schedule_reruns_known_partitions_of_both_kinds(tmp_path):
    from datetime import datetime

    from pipelines.definitions import defs

    keys = [
        "2026|上海市普陀区司法局",
        "2026|上海市普陀区司法局|单位预算",
        "2025|上海市普陀区司法局",
    ]
    schedule = defs.resolve_schedule_def("budget_yearly_schedule")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("budget_document", keys)
        context = dg.build_schedule_context(
            instance=instance,
            scheduled_execution_time=datetime(2026, 3, 1, 6),
            resources={"inbox": BudgetInbox(folder=str(tmp_path / "empty"))},
            repository_def=defs.get_repository_def(),
        )
        (request,) = schedule.evaluate_tick(context).run_requests
        assert (
            _config(request)
            == {  # both kinds, 2026
                "paths": [],
                "partitions": keys[:2],
                "fiscal_year": 2026,
            }
        )
        assert (request.tags["budget/files"], request.tags["budget/partitions"]) == ("0", "2")
