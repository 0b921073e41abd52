"""Seconds per page of `budget extract` against camelot's default lattice and pdfplumber.

Run by hand (not in CI): `python bench/extract_speed.py [PDF ...]`. Every contender
reads the same file in this one process, best of `--repeat` runs, so the ratios hold
even when the machine's speed drifts.

`--against REF` compares this tree's extractor with the one of a git revision instead
(`python bench/extract_speed.py --against HEAD~3 PDF ...`): both run in child processes of
the same harness, taking turns `--rounds` times, best time per file of each, so a change's
cost is measured against its baseline in the same run.

Our accuracy is checked cell by cell against the truth JSON beside the PDF; the
baselines only find grids and read cell text (they do not produce budget-doc/1), so
their time is a lower bound of what they would need.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.budget_doc import printed_content  # noqa: E402
from pipelines.extraction import extract_document  # noqa: E402
from tests.doc_diff import doc_diff  # noqa: E402


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _ours(pdf: Path) -> None:
    extract_document(pdf)


def _camelot_lattice(pdf: Path) -> None:
    import camelot

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # camelot warns on every text-only page
        camelot.read_pdf(str(pdf), pages="all")


def _pdfplumber(pdf: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(pdf)) as doc:
        for page in doc.pages:
            page.extract_tables()


def _cells_matching(pdf: Path) -> str:
    truth_path = pdf.with_suffix(".json")
    if not truth_path.exists():
        return "no truth"
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    truth.pop("known_issues", None)
    differences = doc_diff(printed_content(extract_document(pdf).doc), truth, limit=1)
    return "100% cells equal" if not differences else f"MISMATCH {differences[0]}"


# One turn of `--against`: the best seconds of `extract_document` per file, as JSON.
_TURN = """
import json, sys, time
from pathlib import Path
from pipelines.extraction import extract_document
best = {}
for _ in range(int(sys.argv[1])):
    for pdf in sys.argv[2:]:
        start = time.perf_counter()
        extract_document(Path(pdf))
        best[pdf] = min(best.get(pdf, float("inf")), time.perf_counter() - start)
print(json.dumps(best))
"""


def _against(ref: str, pdfs: list[Path], rounds: int, repeat: int) -> None:
    """This tree's extractor against `ref`'s, turn by turn in child processes."""
    best: dict[str, dict[str, float]] = {"baseline": {}, "this tree": {}}
    with tempfile.TemporaryDirectory(prefix="extract-baseline-") as tmp:
        tree = Path(tmp) / "tree"
        git = ["git", "-C", str(REPO), "worktree"]
        subprocess.run([*git, "add", "--detach", str(tree), ref], check=True, capture_output=True)
        try:
            for _ in range(rounds):
                for name, root in (("baseline", tree), ("this tree", REPO)):
                    out = subprocess.run(
                        [sys.executable, "-c", _TURN, str(repeat), *map(str, pdfs)],
                        env={**os.environ, "PYTHONPATH": str(root)},
                        cwd=root,
                        capture_output=True,
                        text=True,
                        check=True,
                    ).stdout
                    for pdf, seconds in json.loads(out).items():
                        best[name][pdf] = min(best[name].get(pdf, float("inf")), seconds)
        finally:
            subprocess.run([*git, "remove", "--force", str(tree)], capture_output=True)
    print(f"| file | pages | {ref} s | this tree s | this tree / {ref} |")
    print("|---|---|---|---|---|")
    for pdf in map(str, pdfs):
        base, ours = best["baseline"][pdf], best["this tree"][pdf]
        name, pages = Path(pdf).name, _pages(Path(pdf))
        print(f"| {name} | {pages} | {base:.3f} | {ours:.3f} | {ours / base:.2f} |")
    base, ours = sum(best["baseline"].values()), sum(best["this tree"].values())
    print(f"| all | {sum(_pages(p) for p in pdfs)} | {base:.3f} | {ours:.3f} | {ours / base:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--against", metavar="REF", help="compare with this git revision")
    parser.add_argument("--rounds", type=int, default=5, help="turns each with --against")
    args = parser.parse_args()
    pdfs = args.pdfs or [max((REPO / "data" / "samples").glob("*.pdf"), key=_pages)]
    if args.against:
        _against(args.against, [p.resolve() for p in pdfs], args.rounds, args.repeat)
        return 0
    print("| file | pages | contender | s/document | s/page | pages/s | vs ours | accuracy |")
    print("|---|---|---|---|---|---|---|---|")
    for pdf in pdfs:
        pages = _pages(pdf)
        ours = _best(lambda p=pdf: _ours(p), args.repeat)
        rows = [("budget extract", ours, _cells_matching(pdf))]
        rows.append(
            ("pdfplumber extract_tables", _best(lambda p=pdf: _pdfplumber(p), args.repeat), "-")
        )
        rows.append(
            ("camelot read_pdf lattice (default)", _best(lambda p=pdf: _camelot_lattice(p), 1), "-")
        )
        for name, seconds, accuracy in rows:
            print(
                f"| {pdf.name} | {pages} | {name} | {seconds:.3f} | {seconds / pages:.4f} "
                f"| {pages / seconds:.1f} | {seconds / ours:.1f}x | {accuracy} |"
            )
    return 0


def _pages(pdf: Path) -> int:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


if __name__ == "__main__":
    sys.exit(main())
