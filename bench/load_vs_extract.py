"""`budget load FILE` into a new warehouse against `budget extract FILE`, in one run.

Run by hand (not in CI): `python bench/load_vs_extract.py [PDF ...] [--rounds N]`. The
two commands take turns (extract, load, extract, load …) `--rounds` times on each file,
each a whole process timed from outside, start-up included, and each load into a new
warehouse in a temporary folder ($DAGSTER_HOME unset: nothing recorded). It prints the
median of each, the ratio of the medians and the spread of the ratios pair by pair;
taking turns keeps the ratio true when the machine's speed drifts.

Beyond the parse, a load pays the writer's imports (DuckDB), the schema step of a new
warehouse, the write with its checks and a checkpoint; its parse runs in a worker
process (the memory and wall-time limits), started first so that its start-up overlaps
the writer's. Issue #24 holds a load to at most twice the extract of the same file.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from subprocess import DEVNULL

REPO = Path(__file__).resolve().parents[1]
BUDGET = Path(sys.executable).with_name("budget")  # the console script of this install


def _seconds(argv: list[str], env: dict) -> float:
    """Wall seconds until the command exits, as a shell sees it. Its output goes to
    /dev/null, not to a pipe: a pipe's reader would also wait a few hundredths for the
    forkserver of a load to notice the load ended and exit."""
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=REPO, check=True, stdout=DEVNULL, stderr=DEVNULL)
    return time.perf_counter() - start


def _turns(pdf: Path, rounds: int, env: dict) -> tuple[list[float], list[float]]:
    """(extract seconds, load seconds), one of each per round, taken in turn."""
    extracts, loads = [], []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(rounds + 1):  # the first pair warms the file cache, not counted
            extract = [str(BUDGET), "extract", str(pdf), "-o", f"{folder}/out.json"]
            warehouse = f"{folder}/{n}/budget.duckdb"
            load = [str(BUDGET), "load", str(pdf), "--warehouse", warehouse]
            pair = _seconds(extract, env), _seconds(load, env)
            if n:
                extracts.append(pair[0])
                loads.append(pair[1])
    return extracts, loads


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    pdfs = args.pdfs or sorted((REPO / "data" / "samples").glob("*.pdf"))
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before")
    print("| file | extract s | load s | load / extract | pair by pair |")
    print("|---|---|---|---|---|")
    for pdf in pdfs:
        extracts, loads = _turns(pdf.resolve(), args.rounds, env)
        extract, load = statistics.median(extracts), statistics.median(loads)
        pairs = sorted(b / a for a, b in zip(extracts, loads, strict=True))
        print(
            f"| {pdf.name} | {extract:.3f} | {load:.3f} | {load / extract:.2f} "
            f"| {pairs[0]:.2f}–{pairs[-1]:.2f} |"
        )
    print(f"load average {os.getloadavg()[0]:.2f} after, median of {args.rounds} turns each")
    return 0


if __name__ == "__main__":
    sys.exit(main())
