"""Where the tests' inputs are, and one extraction per PDF per session.

The repo's own samples and fixtures are always here. `../shared` (the real PDFs and the
seed's ground truth) sits beside a checkout on the team's machines and in CI, but not in
every clone: a test that reads it is marked `real`, and conftest.py skips it, saying
which folder is absent, before any of its fixtures run.
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

from pipelines.extraction.document import Extraction, extract_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data" / "samples"
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"
REAL = SHARED / "real"
SEED = SHARED / "seed"
SEED_TRUTH = SEED / "gz_hrss_data_center_2023.json"
SAMPLE_PDFS = sorted(SAMPLES.glob("*.pdf"))
HRSS_PDF = SAMPLES / "gz_hrss_data_center_2023.pdf"  # the seed budget, rendered


def shared_absent() -> str:
    """Why tests marked `real` cannot run here ("" when ../shared is complete)."""
    for folder in (REAL, SEED):
        if not folder.is_dir():
            return f"{folder.relative_to(REPO.parent)} absent (it sits beside the repo: ../shared)"
    return ""


def extracted(pdf: Path | str) -> Extraction:
    """`extract_document(pdf)` read once per session; each caller gets its own copy, so a
    test that edits its document leaves the next test's intact."""
    return copy.deepcopy(_extracted(Path(pdf).resolve()))


@cache
def _extracted(pdf: Path) -> Extraction:
    return extract_document(pdf)
