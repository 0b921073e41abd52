"""What the product's entry points import, each in a fresh interpreter: start-up is paid by
every `budget` command and every parsing worker.

OpenCV (through camelot, 0.56 s and ~139 MB) stays off every path but `budget inspect`'s
second opinion.
"""

import os
import subprocess
import sys

import pytest

from tests.inputs import REPO


def imported_after(module: str, candidates: list[str]) -> list[str]:
    """Which of `candidates` are in sys.modules once `module` is imported."""
    code = f"import sys, {module}; print(' '.join(m for m in {candidates!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


@pytest.mark.parametrize(
    "module",
    [
        "pipelines.extraction.document",
        "pipelines.cli",
        "pipelines.batch",
        "pipelines.commands.load",
        "pipelines.definitions",
    ],
)
def test_no_opencv_on_the_product_paths(module):
    assert imported_after(module, ["cv2", "camelot"]) == []


@pytest.mark.parametrize(
    "module",
    ["pipelines.commands.extract", "pipelines.commands.load", "pipelines.commands.migrate"],
)
def test_no_dagster_on_budget_extract_load_and_migrate(module):
    """Dagster costs 0.7 s of start-up: `budget load` imports it only to record its runs in
    $DAGSTER_HOME's instance, or to wait out another process's lock."""
    assert imported_after(module, ["dagster", "dagster_duckdb"]) == []


def test_a_parsing_worker_imports_no_writer_and_no_dagster():
    """Every worker imports pipelines.parsing: extraction and the document checks only."""
    heavy = ["dagster", "duckdb", "pyarrow", "pandas", "numpy", "cv2"]
    assert imported_after("pipelines.parsing", heavy) == []


def test_budget_load_of_a_sample_imports_no_dagster_pandas_or_arrow(tmp_path):
    """The whole load (parse in this process, schema step, write, checks) as `budget load`
    runs it: the writer hands rows to DuckDB as parameters, since every Arrow conversion
    imports pandas (0.2 s)."""
    sample = REPO / "data" / "samples" / "gz_edu_bureau_2024.pdf"
    argv = ["load", str(sample), "--workers", "1", "--warehouse", str(tmp_path / "w.duckdb")]
    heavy = ["dagster", "pandas", "pyarrow", "cv2"]
    code = (
        "import sys; from pipelines.cli import main; "
        f"assert main({argv!r}) == 0; "
        f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"},
    )
    assert done.stdout.splitlines() == [
        f"loaded: 广州市示范区教育局 2024, 762 rows from {sample}",
        "",
    ]


def parsing_imported() -> bool:
    """Run in a worker: was the parsing module there before any task imported it?"""
    return "pipelines.parsing" in sys.modules


@pytest.mark.parametrize("started", [True, False])
def test_workers_forked_by_the_early_forkserver_start_with_parsing_imported(started):
    code = (
        "import multiprocessing, sys; from concurrent.futures import ProcessPoolExecutor; "
        "from pipelines.forkserver import start_forkserver; "
        "from tests.test_start_up import parsing_imported; "
        f"{'start_forkserver(); ' if started else ''}"
        "pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context('forkserver')); "
        "print(pool.submit(parsing_imported).result()); pool.shutdown()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert done.stdout == f"{started}\n"
