"""Documents per second of `budget load` and of a Dagster batch run, from 10 to N documents.

Run by hand (not in CI): `python bench/load_scale.py [--count 1000]`. Generates N distinct
budgets from the rendered samples (bench/budget_variants.py; no LibreOffice), then, each
into a fresh warehouse and as its own process (its peak RSS: the process and its workers,
sampled every 0.1 s):

1. `budget load` of the first `--ratio-count` documents with one worker, then with the
   pool (os.cpu_count() workers): the serial-vs-pool ratio, in the same run;
2. `budget load` of 10 documents and of all N: time per document must stay flat;
3. one Dagster batch run of all N files (the run the inbox sensor launches; SQLite
   instance in a temporary $DAGSTER_HOME, so every event is written as under `dagster dev`),
   then a single-run backfill of all N partitions (each re-read from its last file).

`--dagster-only` runs step 3 alone. Prints one table row per measurement: documents,
pages, seconds, documents/s, pages/s, minutes per 1,000 documents, peak RSS; the Dagster
rows also the events the run wrote per document (its whole event log, divided by N).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from budget_variants import Sample, make_variants  # noqa: E402

SAMPLES = sorted((REPO / "data" / "samples").glob("*.pdf"))
BIN = Path(sys.executable).parent

_DAGSTER_RUN = """
import sys
import dagster as dg
from pipelines.definitions import all_assets, default_resources
from pipelines.resources import DuckDBWarehouse
paths = open(sys.argv[2], encoding="utf-8").read().split("\\n")
resources = default_resources() | {"warehouse": DuckDBWarehouse(path=sys.argv[1])}
with dg.DagsterInstance.get() as instance:
    if sys.argv[3] == "files":
        config = {"ops": {"load_budget_documents": {"config": {"paths": paths}}}}
        tags = {}
    else:
        keys = instance.get_dynamic_partitions("budget_document")
        config = {}
        tags = {"dagster/asset_partition_range_start": keys[0],
                "dagster/asset_partition_range_end": keys[-1]}
    result = dg.materialize(all_assets, instance=instance, resources=resources,
                            run_config=config, tags=tags, raise_on_error=False)
    loaded = {e.partition for e in result.get_asset_materialization_events()} - {None}
    events = len(instance.get_records_for_run(result.run_id, limit=10**7).records)
    print(events)
    print(len(loaded), result.success)
"""


def _tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(status.split("VmRSS:")[1].split()[0]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                stack.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, IndexError, ValueError):
            continue
    return total


def _measure(command: list[str], env: dict) -> tuple[float, int, str]:
    """(wall seconds, peak RSS of the process tree, stdout) of one command."""
    # stdout goes to a file: a pipe read only at the end fills (64 KiB, ~400 status lines)
    # and blocks the command on its own output
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as output:
        start = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=output, stderr=subprocess.DEVNULL, text=True
        )
        peak = 0
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        output.seek(0)
        return seconds, peak, output.read()


def _row(name: str, docs: int, pages: int, seconds: float, peak: int, events: str = "—") -> str:
    return (
        f"| {name} | {docs} | {pages} | {seconds:.1f} | {docs / seconds:.2f} | "
        f"{pages / seconds:.1f} | {seconds / docs * 1000 / 60:.1f} | {peak / 2**20:.0f} MiB "
        f"| {events} |"
    )


def _budget_load(files: list[Path], folder: Path, workers: int | None, env: dict):
    batch = folder / f"in_{len(files)}_{workers}"
    batch.mkdir()
    for f in files:
        (batch / f.name).symlink_to(f)
    command = [str(BIN / "budget"), "load", str(batch), "--warehouse", str(folder / "w.duckdb")]
    if workers:
        command += ["--workers", str(workers)]
    (folder / "w.duckdb").unlink(missing_ok=True)
    seconds, peak, out = _measure(command, env)
    loaded = sum(line.startswith("loaded: ") for line in out.splitlines())
    if loaded != len(files):
        raise SystemExit(f"budget load loaded {loaded} of {len(files)}:\n{out[-2000:]}")
    return seconds, peak


def _budget_load_rows(files: list[Path], ratio_count: int, folder: Path, env: dict, pages):
    """`budget load`: serial against the pool, then 10 documents against all of them."""
    cpus = os.cpu_count() or 1
    few = files[:ratio_count]
    serial = _budget_load(few, folder, 1, env)
    print(_row("budget load, 1 worker", len(few), pages(few), *serial), flush=True)
    pool = _budget_load(few, folder, None, env)
    print(_row(f"budget load, {cpus} workers", len(few), pages(few), *pool), flush=True)
    print(f"pool over serial: {serial[0] / pool[0]:.2f}x", flush=True)
    for chosen in (files[:10], files):
        result = _budget_load(chosen, folder, None, env)
        print(_row("budget load", len(chosen), pages(chosen), *result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--ratio-count", type=int, default=40)
    parser.add_argument("--pool", type=Path, default=Path(tempfile.gettempdir()) / "budget_pool")
    parser.add_argument(
        "--dagster-only", action="store_true", help="only the Dagster batch run and backfill"
    )
    args = parser.parse_args()

    started = time.perf_counter()
    made = make_variants(SAMPLES, args.count, args.pool)
    print(f"{args.count} distinct budgets in {args.pool} ({time.perf_counter() - started:.0f} s)")
    pages_of = {s.pdf.stem: s.pages for s in map(Sample, SAMPLES)}
    files = [path for path, _ in made]

    def pages(chosen):
        return sum(pages_of[f.stem.split("_", 1)[1]] for f in chosen)

    cpus = os.cpu_count() or 1
    print(f"cpus: {cpus}; load average before: {os.getloadavg()[0]:.2f}")
    print(
        "| run | documents | pages | s | documents/s | pages/s | min per 1,000 | peak RSS "
        "| events per document |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.dagster_only:
            _budget_load_rows(files, args.ratio_count, folder, env, pages)

        home = folder / "dagster_home"
        home.mkdir()
        listing = folder / "files.txt"
        listing.write_text("\n".join(str(f) for f in files), encoding="utf-8")
        dagster_env = env | {"DAGSTER_HOME": str(home)}
        (folder / "w.duckdb").unlink(missing_ok=True)
        for mode, name in (("files", "Dagster batch run (sensor)"), ("range", "Dagster backfill")):
            command = [sys.executable, "-c", _DAGSTER_RUN, str(folder / "w.duckdb"), str(listing)]
            seconds, peak, out = _measure([*command, mode], dagster_env)
            lines = out.strip().splitlines() or ["0", "nothing"]
            if lines[-1] != f"{len(files)} True":
                raise SystemExit(f"{name}: {lines[-1]}")
            events = f"{int(lines[-2]) / len(files):.1f}"
            print(_row(name, len(files), pages(files), seconds, peak, events), flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
