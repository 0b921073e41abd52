"""`budget load` of a scanned budget against the same budget's text PDF, in one run.

Run by hand (not in CI): `python bench/ocr_speed.py [SAMPLE ...] [--dpi D] [--rounds N]`.
Each sample (data/samples/<name>.pdf, every page) is scanned as tests/scans.py scans
(rendered at --dpi, tilted 0.5°, Gaussian noise, JPEG quality 70, wrapped as an
image-only PDF); then `budget load` of the text PDF and of its scan take turns, each a
whole process into a new warehouse, timed from outside (start-up, parse in its worker,
checks and write included). It prints the median of each, the seconds per scanned page
(the scan's whole load over its pages) and what OCR adds per page (scan minus text, over
the pages); then the scan is read once more in this process, untimed, every table cell
compared with the sample's truth JSON and the document checks run (ERROR ones counted).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from subprocess import DEVNULL

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BUDGET = Path(sys.executable).with_name("budget")  # the console script of this install

import pypdfium2 as pdfium  # noqa: E402

from pipelines import quality  # noqa: E402
from pipelines.extraction import extract_document  # noqa: E402
from tests.scans import Scan, make_scan  # noqa: E402


def _seconds(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, cwd=REPO, check=True, stdout=DEVNULL, stderr=DEVNULL)
    return time.perf_counter() - start


def _cells(got, want) -> tuple[int, int]:
    """(cells equal, cells in the truth) of one table, walked as JSON."""
    if isinstance(want, dict):
        pairs = [(got.get(k) if isinstance(got, dict) else None, v) for k, v in want.items()]
    elif isinstance(want, list):
        got = got if isinstance(got, list) else []
        pairs = [(got[i] if i < len(got) else None, v) for i, v in enumerate(want)]
    else:
        return int(got == want), 1
    equal = total = 0
    for g, w in pairs:
        e, t = _cells(g, w)
        equal, total = equal + e, total + t
    return equal, total


def _row(name: str, dpi: int, rounds: int, folder: Path, env: dict) -> str:
    """One sample's table row: both loads timed in turn, then the scan's cells counted."""
    text = REPO / "data" / "samples" / f"{name}.pdf"
    truth = json.loads(text.with_suffix(".json").read_text(encoding="utf-8"))
    pages = len(pdfium.PdfDocument(str(text)))
    scan = make_scan(Scan(name, tuple(range(1, pages + 1)), dpi=dpi, tilt=0.5), folder)
    timed: dict[Path, list[float]] = {text: [], scan: []}
    for n in range(rounds):
        for pdf, times in timed.items():
            warehouse = folder / f"{pdf.stem}-{n}.duckdb"
            times.append(
                _seconds([str(BUDGET), "load", str(pdf), "--warehouse", str(warehouse)], env)
            )
    t, s = (statistics.median(times) for times in timed.values())
    doc = extract_document(scan).doc
    equal, total = _cells(doc.get("tables", {}), truth["tables"])
    errors = sum(o.severity == "ERROR" for o in quality.run_document_checks(doc).values())
    per_page, ocr = s / pages, (s - t) / pages
    return (
        f"| {name} | {pages} | {t:.2f} | {s:.2f} | {per_page:.2f} | {ocr:.2f} "
        f"| {equal}/{total} | {errors} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("samples", nargs="*")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    names = args.samples or [p.stem for p in sorted((REPO / "data" / "samples").glob("*.pdf"))]
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before, {args.dpi} dpi")
    print(
        "| sample | pages | load text s | load scan s | s / scanned page | OCR s / page | cells "
        "| ERROR checks |"
    )
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            print(_row(name, args.dpi, args.rounds, Path(folder), env), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} after, median of {args.rounds} round(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
