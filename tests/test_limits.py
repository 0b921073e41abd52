"""Parse limits (issue #12 item 1): a hostile PDF costs a bounded amount and ends as one
`rejected:` line naming the limit; the rest of the batch loads, even when a worker dies.

Every hostile file is made here at test time: a page ruled 1100×1100 (cell by cell, as
spreadsheets draw), a decompression bomb (a content stream of spaces that inflates past
the decoded-bytes limit), and a copy of a sample whose worker is killed mid-parse.
"""

import io
import os
import signal
import time
import zlib
from pathlib import Path

import pytest

from pipelines import batch, parsing
from pipelines.cli import main
from pipelines.commands.load import load_paths
from pipelines.limits import ParseLimits
from pipelines.warehouse.connection import connect
from tests.inputs import SAMPLES
from tests.pdf_objects import pdf_from_objects
from tests.warehouse_helpers import documents_held

GOOD = SAMPLES / "gz_hrss_data_center_2023.pdf"
OTHER = SAMPLES / "gz_edu_bureau_2024.pdf"
KILLED_NAME = "killed_mid_parse.pdf"
REAL_PARSE = parsing.parse_in_worker


def pdf_with(contents: list[bytes], streams: list[bytes] | None = None) -> bytes:
    """A PDF of one page per content stream; `streams` are Flate data used as given."""
    streams = streams or [zlib.compress(c, 6) for c in contents]
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for data in streams:
        page = len(objects) + 1
        kids.append(b"%d 0 R" % page)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 600] /Contents %d 0 R >>" % (page + 1)
        )
        objects.append(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
        )
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return pdf_from_objects(objects)


def ruled_grid(cells: int) -> bytes:
    """A page ruled cells × cells, every cell its own rectangle (5 segments each)."""
    step = 500 / cells
    rects = (
        b"%.2f %.2f %.2f %.2f re\n" % (10 + i * step, 10 + j * step, step, step)
        for i in range(cells)
        for j in range(cells)
    )
    return b"0.1 w\n" + b"".join(rects) + b"S\n"


def bomb_stream(decoded_bytes: int) -> bytes:
    """Flate data of `decoded_bytes` spaces, compressed piecewise (never held inflated)."""
    packer = zlib.compressobj(9)
    block = b" " * (1 << 20)
    parts = [packer.compress(block) for _ in range(decoded_bytes // len(block) + 1)]
    return b"".join(parts) + packer.flush()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    grid = folder / "grid_1100.pdf"
    grid.write_bytes(pdf_with([ruled_grid(1100)]))
    bomb = folder / "bomb.pdf"
    bomb.write_bytes(pdf_with([], [bomb_stream(ParseLimits().max_decoded_bytes + 1)]))
    return {"grid": grid, "bomb": bomb}


def test_hostile_files_are_small_and_over_a_limit(hostile):
    assert hostile["grid"].stat().st_size < 4 * 2**20
    assert hostile["bomb"].stat().st_size < 2 * 2**20


def test_grid_and_bomb_are_rejected_quickly_naming_the_limit_and_the_rest_loads(
    tmp_path, hostile, monkeypatch
):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    out = io.StringIO()
    started = time.monotonic()
    files = [str(hostile["grid"]), str(GOOD), str(hostile["bomb"])]
    outcomes = load_paths(files, warehouse=str(tmp_path / "w.duckdb"), out=out, workers=2)
    assert time.monotonic() - started < 60  # unlimited, the grid alone takes minutes
    grid, good, bomb = out.getvalue().splitlines()
    assert grid == (
        f"rejected: {hostile['grid']}: page 1: over 200,000 drawing segments, the segment "
        "limit per page (BUDGET_MAX_SEGMENTS)"
    )
    assert bomb == (
        f"rejected: {hostile['bomb']}: streams inflate to over 268,435,456 bytes, the "
        "decoded-bytes limit (BUDGET_MAX_DECODED_BYTES): a decompression bomb?"
    )
    assert good.startswith("loaded: 广州市人力资源和社会保障数据服务中心 2023, 696 rows from ")
    assert [o.status for o in outcomes] == ["rejected", "loaded", "rejected"]
    assert documents_held(tmp_path / "w.duckdb") == [("广州市人力资源和社会保障数据服务中心", 2023)]


def test_limits_come_from_the_environment_then_from_arguments(monkeypatch):
    monkeypatch.setenv("BUDGET_MAX_PAGES", "3")
    monkeypatch.setenv("BUDGET_MAX_SECONDS", "7.5")
    limits = ParseLimits.from_env(max_seconds=None, max_memory_bytes=2**30)
    assert (limits.max_pages, limits.max_seconds, limits.max_memory_bytes) == (3, 7.5, 2**30)
    assert limits.max_segments_per_page == 200_000


@pytest.mark.parametrize("command", ["load", "extract"])
@pytest.mark.parametrize("value", ["abc", "-1", "nan", ""])
def test_a_malformed_limit_is_one_line_before_any_work(
    tmp_path, capsys, monkeypatch, command, value
):
    monkeypatch.setenv("BUDGET_MAX_SEGMENTS", value)
    warehouse = tmp_path / "w.duckdb"
    pdf = str(GOOD)
    argv = [command, pdf, "--warehouse", str(warehouse)] if command == "load" else [command, pdf]
    code = main(argv)
    err = capsys.readouterr().err.strip()
    if value == "":  # unset in effect: the default limit
        assert code == 0
        return
    assert code == 2
    assert err == (
        f"budget {command}: BUDGET_MAX_SEGMENTS={value!r}: not a limit; "
        "give a number ≥ 0 (0 disables it)"
    )
    assert not warehouse.exists()


def test_page_limit(tmp_path, monkeypatch):
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(pdf_with([b"0 0 m 10 10 l S\n"] * 4))
    monkeypatch.setenv("BUDGET_MAX_PAGES", "3")
    parsed = parsing.parse_document(pages)
    assert (parsed.status, parsed.reason) == (
        "rejected",
        "4 pages, over the page limit (3, BUDGET_MAX_PAGES)",
    )


def test_wall_time_limit_stops_a_parse_in_its_worker(tmp_path, hostile):
    limits = ParseLimits(max_segments_per_page=0, max_cells_per_page=0, max_seconds=2)
    started = time.monotonic()
    results = list(batch.load_batch([hostile["grid"], GOOD], connect(tmp_path / "w.duckdb"),
                                    workers=2, limits=limits))  # fmt: skip
    assert time.monotonic() - started < 60
    assert [r.status for r in results] == ["rejected", "loaded"]
    assert (
        results[0].parsed.reason == "parse took over 2 s, the wall-time limit (BUDGET_MAX_SECONDS)"
    )


def test_memory_error_is_a_rejection_naming_the_memory_limit(monkeypatch):
    def exhausted(path, password=None, limits=None):
        raise MemoryError

    monkeypatch.setattr(parsing, "extract_document", exhausted)
    parsed = parsing.parse_document(GOOD, limits=ParseLimits(max_memory_bytes=2**30))
    assert (parsed.status, parsed.reason) == (
        "rejected",
        "over the memory limit (1,073,741,824 bytes, BUDGET_MAX_MEMORY_BYTES)",
    )


def dying_parse(path, password, limits):
    """The worker's parse, except that the worker parsing KILLED_NAME is killed (SIGKILL)."""
    if Path(path).name == KILLED_NAME:
        os.kill(os.getpid(), signal.SIGKILL)
    return REAL_PARSE(path, password, limits)


def test_a_worker_killed_mid_parse_is_one_line_and_the_rest_loads(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    killed = tmp_path / KILLED_NAME
    killed.write_bytes(GOOD.read_bytes())
    # pickled by name: the worker imports this module and runs dying_parse
    monkeypatch.setattr(parsing, "parse_in_worker", dying_parse)
    out = io.StringIO()
    files = [str(GOOD), str(killed), str(OTHER)]
    outcomes = load_paths(files, warehouse=str(tmp_path / "w.duckdb"), out=out, workers=2)
    assert [o.status for o in outcomes] == ["loaded", "rejected", "loaded"]
    assert out.getvalue().splitlines()[1] == (
        f"rejected: {killed}: the parser process died (over the memory limit of "
        "2,147,483,648 bytes or the wall-time limit of 120 s, or a crash in the PDF library)"
    )
    assert [year for _, year in documents_held(tmp_path / "w.duckdb")] == [2023, 2024]


def test_budget_load_flags_override_the_limits(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(pdf_with([b"0 0 m 10 10 l S\n"] * 4))
    monkeypatch.setenv("BUDGET_MAX_PAGES", "100")
    warehouse = str(tmp_path / "w.duckdb")
    assert main(["load", "--max-pages", "3", "--warehouse", warehouse, str(pages)]) == 1
    assert capsys.readouterr().out == (
        f"rejected: {pages}: 4 pages, over the page limit (3, BUDGET_MAX_PAGES)\n"
    )


def test_the_sensor_keeps_loading_good_files_while_a_hostile_one_sits_in_the_inbox(
    tmp_path, hostile, monkeypatch
):
    import dagster as dg

    from pipelines.definitions import all_assets
    from pipelines.resources import BudgetInbox, DuckDBWarehouse
    from pipelines.sensors import budget_inbox_sensor

    monkeypatch.setenv("BUDGET_SETTLE_SECONDS", "0")  # both files have finished arriving
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    grid = inbox / "grid.pdf"
    grid.write_bytes(hostile["grid"].read_bytes())
    (inbox / "a.pdf").write_bytes(GOOD.read_bytes())
    resources = {
        "warehouse": DuckDBWarehouse(path=str(tmp_path / "w.duckdb")),
        "inbox": BudgetInbox(folder=str(inbox)),
    }

    def tick_and_run(instance, cursor):
        context = dg.build_sensor_context(
            instance=instance, cursor=cursor, resources={"inbox": resources["inbox"]}
        )
        started = time.monotonic()
        result = budget_inbox_sensor(context)
        assert time.monotonic() - started < 5  # looks, never parses
        (request,) = result.run_requests
        run = dg.materialize(all_assets, instance=instance, resources=resources,
                             run_config=request.run_config, raise_on_error=False)  # fmt: skip
        return result.cursor, request.run_config["ops"]["load_budget_documents"]["config"], run

    with dg.instance_for_test() as instance:
        cursor, config, run = tick_and_run(instance, None)
        assert sorted(config["paths"]) == [str(inbox / "a.pdf"), str(grid)]
        assert run.success  # the good file loaded; the hostile one is rejected and moved
        moved = tmp_path / "rejected" / "grid.pdf"
        lines = [e.user_message for e in instance.all_logs(run.run_id)]
        assert any(
            line.startswith(f"rejected: {grid}: page 1: over 200,000 drawing segments")
            and line.endswith(f"(moved to {moved})")
            for line in lines
        ), lines
        assert moved.is_file() and not grid.exists()
        (inbox / "b.pdf").write_bytes(OTHER.read_bytes())
        cursor, config, run = tick_and_run(instance, cursor)
        assert config["paths"] == [str(inbox / "b.pdf")] and run.success
        assert sorted(instance.get_dynamic_partitions("budget_document")) == [
            "2023|广州市人力资源和社会保障数据服务中心",
            "2024|广州市示范区教育局",
        ]
    assert [year for _, year in documents_held(tmp_path / "w.duckdb")] == [2023, 2024]
