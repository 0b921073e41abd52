"""Recording files we refuse to load, so nothing is lost and nothing is retried blindly.

`reject_file(path, reason, rejected_dir)`:

* `rejected_dir=None` (explicit `budget load FILE` paths): nothing is moved or written;
  the caller prints the one-line reason and the file stays where the user put it.
* `rejected_dir` given (inbox files a run refused): the PDF is moved into that folder
  and `<name>.reason.txt` is written beside it (path, sha256, reason, time). The inbox
  then holds only files still to be loaded; a fixed file dropped into the inbox again is
  picked up as new. A name already taken in the folder gets the sha256 prefix added, so
  an earlier rejection is never overwritten.

The PDF is moved before the reason is written: a crash in between leaves the PDF in the
rejected folder without its note, never a lost file. Nothing here ever deletes a PDF.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pipelines import settings
from pipelines.file_hash import file_sha256

REASON_SUFFIX = ".reason.txt"


def rejected_folder(inbox: str | os.PathLike, explicit: str | os.PathLike | None = None) -> Path:
    """`explicit` if given, else `$BUDGET_REJECTED`, else `rejected/` beside the inbox
    (data/inbox -> data/rejected)."""
    return settings.REJECTED.path(explicit) or Path(inbox).resolve().parent / "rejected"


@dataclass(frozen=True)
class Rejection:
    """One refused file: where it was, where it is now, and why."""

    source: Path  # where the file was found
    path: Path  # where the file is now (== source when nothing was moved)
    sha256: str | None
    reason: str
    rejected_at: datetime
    reason_file: Path | None = None  # the note written beside a moved file

    @property
    def line(self) -> str:
        """The one line printed or logged for this file."""
        moved = f" (moved to {self.path})" if self.path != self.source else ""
        return f"rejected: {self.source}: {self.reason}{moved}"


def _sha256(path: Path) -> str | None:
    """The file's sha256, None when it cannot be read (the rejection is still recorded)."""
    try:
        return file_sha256(path)
    except OSError:
        return None


def _free_name(folder: Path, name: str, sha256: str | None) -> Path:
    """`name` in folder, or `<stem>.<sha12><suffix>` (then a counter) if that is taken."""
    target = folder / name
    if not target.exists():
        return target
    stem, suffix = Path(name).stem, Path(name).suffix
    tag = (sha256 or "nohash")[:12]
    target = folder / f"{stem}.{tag}{suffix}"
    counter = 1
    while target.exists():
        target = folder / f"{stem}.{tag}.{counter}{suffix}"
        counter += 1
    return target


def reject_file(
    path: str | os.PathLike,
    reason: str,
    rejected_dir: str | os.PathLike | None = None,
    *,
    sha256: str | None = None,
    now: datetime | None = None,
) -> Rejection:
    """Record that `path` was refused for `reason`; move it only when `rejected_dir` is given."""
    source = Path(path)
    reason = " ".join(str(reason).split()) or "rejected"  # always one line
    rejected_at = now or datetime.now(UTC).replace(microsecond=0)
    sha256 = sha256 or _sha256(source)
    if rejected_dir is None or not source.is_file():
        return Rejection(source, source, sha256, reason, rejected_at)
    folder = Path(rejected_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = _free_name(folder, source.name, sha256)
    shutil.move(str(source), str(target))
    note = target.with_name(target.name + REASON_SUFFIX)
    note.write_text(
        f"file: {source}\n"
        f"sha256: {sha256 or 'unknown'}\n"
        f"reason: {reason}\n"
        f"rejected_at: {rejected_at.isoformat()}\n",
        encoding="utf-8",
    )
    return Rejection(source, target, sha256, reason, rejected_at, note)


def reject_settled(
    path: str | os.PathLike,
    reason: str,
    rejected_dir: str | os.PathLike,
    *,
    min_age_seconds: float | None = None,
    now: float | None = None,
) -> Rejection:
    """reject_file into `rejected_dir`, but only a file that has not changed for
    `min_age_seconds` (default settings.SETTLE_SECONDS, as long as the sensor waits before
    handing a file to a run, so a sensor's file is always settled): a PDF still being copied
    into the inbox reads as truncated and must not be carried off half-written. Such a file
    stays; when its copy ends its bytes change and the sensor hands it to a run again."""
    source = Path(path)
    now = time.time() if now is None else now
    if min_age_seconds is None:
        min_age_seconds = settings.settle_seconds()
    try:
        settled = now - source.stat().st_mtime >= min_age_seconds
    except OSError:  # already gone
        settled = False
    return reject_file(source, reason, rejected_dir if settled else None)
