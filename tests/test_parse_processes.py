"""The parsing processes of `budget load` and `budget extract` (issue #22 items 5, 6, 8):
a grid of long lines is refused by both within 15 s, a limit too small to start a worker
is one line naming it, and no worker outlives a `budget load` killed with SIGKILL.

Every input is made here at test time; processes are found in /proc (no psutil).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines.cli import main
from tests.inputs import REPO, SAMPLE_PDFS
from tests.test_limits import pdf_with, ruled_grid

CELL_LIMIT = (
    "page 1: 1,101 × 1,101 ruling lines, over 100,000 cells, the cell limit per page "
    "(BUDGET_MAX_CELLS)"
)


def long_line_grid(lines: int = 1100, step: float = 3.0) -> bytes:
    """A page ruled by `lines` + 1 long horizontal and as many vertical lines: 2,202 path
    segments, far under the segment limit, and 1.2 M crossings for the table search."""
    end = 10 + lines * step
    h = (
        b"10 %.1f m %.1f %.1f l S\n" % (10 + i * step, end, 10 + i * step) for i in range(lines + 1)
    )
    v = (
        b"%.1f 10 m %.1f %.1f l S\n" % (10 + i * step, 10 + i * step, end) for i in range(lines + 1)
    )
    side = b"%d" % (end + 10)
    page = pdf_with([b"0.1 w\n" + b"".join(h) + b"".join(v)])
    return page.replace(b"[0 0 600 600]", b"[0 0 " + side + b" " + side + b"]")


def budget(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """`budget ARGS` in a process of its own, as a user runs it."""
    env = {**os.environ, "DAGSTER_HOME": "", **(env or {})}
    command = [sys.executable, "-m", "pipelines.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=60)


@pytest.fixture(scope="module")
def grid(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("grid") / "grid_lines_1100.pdf"
    path.write_bytes(long_line_grid())
    return path


@pytest.mark.parametrize("command", ["extract", "load"])
def test_the_long_line_grid_is_refused_within_15_s_naming_the_cell_limit(grid, tmp_path, command):
    assert grid.stat().st_size < 300_000
    warehouse = ["--warehouse", str(tmp_path / "w.duckdb")] if command == "load" else []
    started = time.monotonic()
    done = budget(command, *warehouse, str(grid))
    assert time.monotonic() - started < 15  # unlimited: 92 s and 585 MB
    assert (done.returncode, "Traceback" in done.stderr) == (
        2 if command == "extract" else 1,
        False,
    )
    if command == "extract":
        assert done.stderr == f"budget extract: {grid}: {CELL_LIMIT}\n"
    else:
        assert done.stdout == f"rejected: {grid}: {CELL_LIMIT}\n"


def test_extract_has_the_wall_time_limit_of_load(tmp_path, capsys):
    cells = tmp_path / "cells_1100.pdf"  # minutes to read, with the segment limit off
    cells.write_bytes(pdf_with([ruled_grid(1100)]))
    assert main(["extract", "--max-segments", "0", "--max-seconds", "1", str(cells)]) == 2
    assert capsys.readouterr().err == (
        f"budget extract: {cells}: parse took over 1 s, the wall-time limit (BUDGET_MAX_SECONDS)\n"
    )


@pytest.mark.parametrize("command", ["extract", "load"])
def test_a_memory_limit_too_small_to_start_a_worker_is_one_line_naming_it(tmp_path, command):
    warehouse = ["--warehouse", str(tmp_path / "w.duckdb")] if command == "load" else []
    done = budget(
        command, *warehouse, str(SAMPLE_PDFS[0]), env={"BUDGET_MAX_MEMORY_BYTES": "20000000"}
    )
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith(
        f"budget {command}: BUDGET_MAX_MEMORY_BYTES=20000000: too small to start a parsing worker"
    )
    assert len(done.stderr.splitlines()) == 1


def test_a_tiny_wall_time_limit_is_one_rejection_per_file(tmp_path):
    done = budget("load", "--warehouse", str(tmp_path / "w.duckdb"), *map(str, SAMPLE_PDFS[:2]),
                  env={"BUDGET_MAX_SECONDS": "0.0001"})  # fmt: skip
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines() == [
        f"rejected: {p}: parse took over 0.0001 s, the wall-time limit (BUDGET_MAX_SECONDS)"
        for p in SAMPLE_PDFS[:2]
    ]


@pytest.mark.parametrize("command", ["extract", "load"])
def test_a_300_byte_file_name_is_one_line(tmp_path, command, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "a" * 300 + ".pdf"
    warehouse = ["--warehouse", str(tmp_path / "w.duckdb")] if command == "load" else []
    assert main([command, *warehouse, name]) in (1, 2)
    captured = capsys.readouterr()
    line = "failed: " if command == "load" else "budget extract: "
    assert (captured.out + captured.err) == f"{line}{name}: cannot open: file name too long\n"
    assert not (tmp_path / "w.duckdb").exists()


def _session(sid: int) -> list[int]:
    """The live processes of session `sid` (a killed one, not yet reaped, is gone)."""
    members = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def test_no_worker_outlives_a_load_killed_with_sigkill(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    for copy in range(3):
        for pdf in SAMPLE_PDFS:
            (folder / f"{copy}_{pdf.name}").write_bytes(pdf.read_bytes())
    command = [sys.executable, "-m", "pipelines.cli", "load", "--workers", "2",
               "--warehouse", str(tmp_path / "w.duckdb"), str(folder)]  # fmt: skip
    load = subprocess.Popen(command, cwd=REPO, env={**os.environ, "DAGSTER_HOME": ""},
                            start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 30
    # itself, the forkserver, the resource tracker and a worker
    while len(_session(load.pid)) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(_session(load.pid)) >= 4, "no worker started"
    load.send_signal(signal.SIGKILL)
    load.wait()
    deadline = time.monotonic() + 5
    while _session(load.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session(load.pid)
    for pid in left:  # never leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert left == []
