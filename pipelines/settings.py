"""Every setting the CLI and the Dagster assets read, in one place.

A setting is an explicit value (a `budget` flag, a resource's config field), else its
environment variable, else its default. Reading them here rather than in each module keeps
one list (`SETTINGS`, the table in docs/pipeline.md) of what can be set, and one rule for how
an empty variable counts (as unset).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One setting: its environment variable, its default ("" for none) and what it sets."""

    env: str
    default: str
    about: str

    def value(self, explicit: object = None) -> str:
        """`explicit` if given, else the variable if set and not empty, else the default."""
        if explicit not in (None, ""):
            return str(explicit)
        return os.environ.get(self.env) or self.default

    def path(self, explicit: str | os.PathLike | None = None) -> Path | None:
        """The value as a path (None when neither given, set nor defaulted)."""
        value = self.value(explicit)
        return Path(value) if value else None


WAREHOUSE = Setting("BUDGET_WAREHOUSE", "data/warehouse/budget.duckdb", "the warehouse file")
INBOX = Setting("BUDGET_INBOX", "data/inbox", "the folder the sensor watches for PDFs")
PDF_PASSWORD = Setting("BUDGET_PDF_PASSWORD", "", "the user password of encrypted PDFs")
REJECTED = Setting(
    "BUDGET_REJECTED", "", "where refused files are moved (default: rejected/ beside the inbox)"
)
HANDOFF = Setting("BUDGET_HANDOFF", "data/handoff", "the hand-off folder parsing hosts write")
EXPORT = Setting("BUDGET_EXPORT", "data/export", "where the export asset writes the views")
SETTLE_SECONDS = Setting(
    "BUDGET_SETTLE_SECONDS",
    "60",
    "seconds an inbox PDF stays unchanged before the sensor hands it to a run (a file still "
    "being copied is never parsed; a refused file is always moved to rejected/)",
)
REFERENCE = Setting(
    "BUDGET_REFERENCE", "", "your own copy of data/reference (default: the installed one)"
)
# The parse limits (pipelines/limits.py), by ParseLimits field: a number ≥ 0, 0 disables it.
PARSE_LIMITS = {
    "max_pages": Setting("BUDGET_MAX_PAGES", "", "pages one PDF may have"),
    "max_segments_per_page": Setting("BUDGET_MAX_SEGMENTS", "", "drawing segments a page may have"),
    "max_cells_per_page": Setting(
        "BUDGET_MAX_CELLS", "", "crossings of a page's ruling lines (horizontal × vertical)"
    ),
    "max_decoded_bytes": Setting(
        "BUDGET_MAX_DECODED_BYTES", "", "bytes a PDF's streams inflate to"
    ),
    "max_seconds": Setting("BUDGET_MAX_SECONDS", "", "seconds one parse may take"),
    "max_memory_bytes": Setting("BUDGET_MAX_MEMORY_BYTES", "", "memory one parse may take"),
}

SETTINGS = (WAREHOUSE, INBOX, SETTLE_SECONDS, PDF_PASSWORD, REJECTED, HANDOFF, EXPORT, REFERENCE)
SETTINGS += tuple(PARSE_LIMITS.values())


def settle_seconds(explicit: float | None = None) -> float:
    """SETTLE_SECONDS as a number of seconds (≥ 0)."""
    value = SETTLE_SECONDS.value(explicit)
    try:
        seconds = float(value)
    except ValueError:
        raise ValueError(f"{SETTLE_SECONDS.env}={value!r}: not a number of seconds") from None
    if seconds < 0:
        raise ValueError(f"{SETTLE_SECONDS.env}={value!r}: a number of seconds is ≥ 0")
    return seconds
