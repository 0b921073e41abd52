"""How much one PDF may cost to parse: pages, drawing segments and table cells per page,
decoded bytes, wall time and memory.

A hostile or broken PDF (a page ruled 1100×1100, a 2 MB stream that inflates to gigabytes)
must cost a bounded amount and end as one `rejected:` line naming the limit, so the rest
of a batch loads. The defaults sit far above any published budget (the largest real one
has about 60 pages and a few thousand segments per page); each is overridable by
environment variable or by `budget load` flags.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from pipelines import settings
from pipelines.errors import LimitExceededError, SettingError
from pipelines.flate import inflate_streams

# A stream's data starts after the `stream` keyword and its end of line (not `endstream`).


@dataclass(frozen=True)
class ParseLimits:
    """The limits one parse runs under (0 disables one)."""

    max_pages: int = 2_000
    max_segments_per_page: int = 200_000
    max_cells_per_page: int = 100_000
    max_decoded_bytes: int = 256 * 2**20
    max_seconds: float = 120.0
    max_memory_bytes: int = 2 * 2**30

    @classmethod
    def from_env(cls, **overrides) -> ParseLimits:
        """The defaults, then $BUDGET_MAX_* variables, then `overrides` that are not None."""
        values = {}
        for f in fields(cls):
            setting = settings.PARSE_LIMITS[f.name]
            if raw := setting.value():
                values[f.name] = _setting(setting.env, raw, type(getattr(cls, f.name)))
            if overrides.get(f.name) is not None:
                values[f.name] = overrides[f.name]
        return cls(**values)


def _setting(name: str, raw: str, kind: type) -> int | float:
    """A limit from the environment: a number ≥ 0 (`1e6` allowed for counts)."""
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value >= 0 or value == float("inf"):
        raise SettingError(f"{name}={raw!r}: not a limit; give a number ≥ 0 (0 disables it)")
    return kind(value)


def check_page_count(path: Path, pages: int, limits: ParseLimits) -> None:
    if limits.max_pages and pages > limits.max_pages:
        raise LimitExceededError(
            path, f"{pages} pages, over the page limit ({limits.max_pages}, BUDGET_MAX_PAGES)"
        )


def check_segments(path: Path, page: int, segments: int, limits: ParseLimits) -> None:
    if limits.max_segments_per_page and segments > limits.max_segments_per_page:
        raise LimitExceededError(
            path,
            f"page {page}: over {limits.max_segments_per_page:,} drawing segments, the "
            "segment limit per page (BUDGET_MAX_SEGMENTS)",
        )


def check_cells(path: Path, page: int, h_lines: int, v_lines: int, limits: ParseLimits) -> None:
    """Refuse a page whose ruling lines could cross more than the cell limit allows, before
    the crossing search (extraction/ruling.py), which tests every pair: a 1100×1100 grid
    is 2,202 segments, far under the segment limit, and 1.2 M crossings."""
    if limits.max_cells_per_page and h_lines * v_lines > limits.max_cells_per_page:
        raise LimitExceededError(
            path,
            f"page {page}: {h_lines:,} × {v_lines:,} ruling lines, over "
            f"{limits.max_cells_per_page:,} cells, the cell limit per page (BUDGET_MAX_CELLS)",
        )


def check_decoded_bytes(path: Path, limits: ParseLimits) -> None:
    """Inflate every Flate stream of the file into nothing, counting bytes, and stop at the
    limit: a decompression bomb is refused before pdfium allocates its content."""
    if not limits.max_decoded_bytes:
        return
    left = limits.max_decoded_bytes

    def count(decoded: int) -> None:
        nonlocal left
        left -= decoded
        if left < 0:
            raise LimitExceededError(
                path,
                f"streams inflate to over {limits.max_decoded_bytes:,} bytes, the "
                "decoded-bytes limit (BUDGET_MAX_DECODED_BYTES): a decompression bomb?",
            )

    inflate_streams(path.read_bytes(), count)
