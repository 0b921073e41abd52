"""Finding budget PDFs and naming their partitions (no Dagster import).

A document's partition key is `"<fiscal_year>|<department>"` for a department budget
(`2023|广州市人力资源和社会保障数据服务中心`) and `"<fiscal_year>|<department>|<words>"` for any
other document: a unit budget (`2026|上海市普陀区司法局|单位预算`), final accounts
(`2023|西南大学|部门决算`, `…|单位决算`). One key per document, the year first so keys sort
and filter by year. A body that publishes several kinds or stages for one year has a
partition for each, so loading one never replaces another; department budget keys stay as
they were before unit budgets and final accounts loaded, so existing partitions and their
runs keep working. `scan_inbox` is the
sensor's logic as a pure function: which files are new or changed since the cursor (it
looks, never parses); `documents_in` identifies a folder's files (a run looking for a
partition's PDF).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pipelines import settings
from pipelines.budget_doc import BUDGET_STAGE, DEPARTMENT_BUDGET, DOCUMENT_WORDS
from pipelines.errors import BudgetInputError, NarrativeOnlyError
from pipelines.extraction.document import DocumentIdentity
from pipelines.file_hash import file_sha256
from pipelines.warehouse.reference import canonical_department

KEY_SEPARATOR = "|"
# Characters Dagster's partition selection syntax reserves ("a,b", "[a...b]").
_RESERVED = str.maketrans({",": "，", "[": "【", "]": "】", KEY_SEPARATOR: "｜"})
# A department budget's key has no third part.
_UNNAMED = (DEPARTMENT_BUDGET, BUDGET_STAGE)
# The third part of any other key: 单位预算 -> (unit, budget), 部门决算 -> (department, final).
_DOCUMENT_OF_SUFFIX = {words: key for key, words in DOCUMENT_WORDS.items() if key != _UNNAMED}


def inbox_folder(explicit: str | os.PathLike | None = None) -> Path:
    """`explicit` if given, else `$BUDGET_INBOX`, else data/inbox."""
    return settings.INBOX.path(explicit)


def partition_key(identity: DocumentIdentity) -> str:
    """`2023|部门名称` (a department budget), `2026|单位名称|单位预算` (a unit budget),
    `2023|部门名称|部门决算` (final accounts): the partition of one document.

    The department is the name the printed one is filed under
    (data/reference/department_aliases.csv), as in the warehouse, so one body printed
    under two names has one partition per year, kind and stage, and a reprint replaces,
    not duplicates.
    """
    department = canonical_department(identity.department.strip()).translate(_RESERVED)
    key = f"{int(identity.fiscal_year)}{KEY_SEPARATOR}{department}"
    document = (identity.kind, identity.stage)
    if document == _UNNAMED:
        return key
    return f"{key}{KEY_SEPARATOR}{DOCUMENT_WORDS[document]}"


def parse_partition_key(key: str) -> tuple[int, str, str, str]:
    """(fiscal_year, department, kind, stage) of a partition key; ValueError for anything
    else."""
    year, sep, rest = key.partition(KEY_SEPARATOR)
    department, words_sep, suffix = rest.partition(KEY_SEPARATOR)
    document = _DOCUMENT_OF_SUFFIX.get(suffix) if words_sep else _UNNAMED
    if not sep or not year.isdigit() or not department or document is None:
        raise ValueError(f"not a budget document partition key: {key!r}")
    return int(year), department, *document


def search_pdfs(
    paths: Iterable[str | os.PathLike],
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(every PDF named by `paths`, once each; the paths and folders that could not be
    read, with why). Files are taken as given, folders searched recursively; a symlink
    loop or an unreadable subfolder is a problem to report, never silently skipped."""
    found: list[Path] = []
    problems: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def unreadable(error: OSError) -> None:
        problems.append((Path(error.filename), f"cannot read this folder ({error.strerror})"))

    for raw in paths:
        path = Path(raw)
        try:
            folder_given = path.is_dir()
        except OSError as exc:  # ENAMETOOLONG: a 300-byte name
            problems.append((path, f"cannot open: {exc.strerror.lower()}"))
            continue
        if path.is_symlink() and not path.exists():
            problems.append((path, "broken symlink or symlink loop"))
            continue
        if folder_given:
            candidates = []
            for folder, subfolders, names in os.walk(path, onerror=unreadable):
                subfolders.sort()
                candidates += [Path(folder, n) for n in names if n.lower().endswith(".pdf")]
            problems += [(c, "broken symlink or symlink loop") for c in candidates
                         if c.is_symlink() and not c.exists()]  # fmt: skip
            candidates = sorted(c for c in candidates if c.is_file())
        else:
            candidates = [path]
        for candidate in candidates:
            key = os.path.realpath(candidate)  # a symlink loop stays as given, never raises
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found, problems


def find_pdfs(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Every readable PDF named by `paths` (files as given, folders searched recursively)."""
    return search_pdfs(paths)[0]


# Files hashed per sensor tick: a tick only looks (stat, sha256) and stays short however
# many files arrive; the rest are seen by the next ticks.
MAX_FILES_PER_TICK = 50


@dataclass(frozen=True)
class InboxFile:
    """A new or changed PDF in the inbox, as the sensor sees it: never parsed."""

    path: Path
    sha256: str
    mtime_ns: int


@dataclass(frozen=True)
class InboxDocument:
    """An identified PDF of the inbox (the schedule's and a backfill's view)."""

    path: Path
    sha256: str
    partition_key: str
    department: str
    fiscal_year: int
    kind: str
    stage: str


@dataclass(frozen=True)
class RejectedFile:
    """A PDF that could not be identified as a budget document, with the reason."""

    path: Path
    sha256: str
    reason: str


Identify = Callable[[Path], DocumentIdentity]


@dataclass(frozen=True)
class InboxScan:
    """One look at the inbox: the new cursor, the settled new or changed files, and how
    many changed files are still settling (handed to a later tick)."""

    cursor: dict[str, dict]
    files: list[InboxFile]
    settling: int = 0


def scan_inbox(
    folder: Path,
    cursor: dict[str, dict],
    max_files: int = MAX_FILES_PER_TICK,
    *,
    settle_seconds: float | None = None,
    now: float | None = None,
) -> InboxScan:
    """Compare the inbox with the cursor: the new or changed files, settled.

    Only looks: name, size, mtime and sha256, never a parse (the run parses, under its
    limits, and rejects). The cursor maps each file path to `{"mtime_ns", "size", "sha256"}`.
    A file whose mtime and size are unchanged is not read again; a file whose bytes are
    unchanged (same sha256) is not loaded again, whatever its mtime. A file modified less
    than `settle_seconds` ago (default settings.SETTLE_SECONDS) may still be being copied:
    it keeps its old cursor entry (or none) and is looked at again next call, so a run only
    ever judges settled files and can move the ones it refuses. At most `max_files` files
    are hashed per call; the others wait the same way. Files that left the inbox leave the
    cursor. Files come oldest first, so when two name one document the one modified last is
    written last and wins.
    """
    settle = settings.settle_seconds(settle_seconds)
    now = time.time() if now is None else now
    new_cursor: dict[str, dict] = {}
    changed: list[InboxFile] = []
    hashed = settling = 0
    for path in find_pdfs([folder]) if folder.is_dir() else []:
        name = str(path)
        try:
            stat = path.stat()
        except OSError:  # removed while scanning
            continue
        before = cursor.get(name) or {}
        state = {"mtime_ns": stat.st_mtime_ns, "size": stat.st_size}
        if before and all(before.get(k) == v for k, v in state.items()):
            new_cursor[name] = before
            continue
        waits = now - stat.st_mtime < settle
        settling += waits
        if waits or hashed >= max_files:
            if before:
                new_cursor[name] = before
            continue
        hashed += 1
        try:
            sha256 = file_sha256(path)
        except OSError:  # unreadable or removed: looked at again next tick
            continue
        new_cursor[name] = state | {"sha256": sha256}
        if before.get("sha256") != sha256:  # else touched, not changed
            changed.append(InboxFile(path, sha256, stat.st_mtime_ns))
    files = sorted(changed, key=lambda f: (f.mtime_ns, str(f.path)))
    return InboxScan(new_cursor, files, settling)


def _identified(folder: Path, identify: Identify) -> tuple[list[InboxDocument], list[RejectedFile]]:
    """Every PDF of a folder identified: the newest file of each partition, and the rest
    that cannot be identified."""
    chosen: dict[str, tuple[int, InboxDocument]] = {}
    rejected: list[RejectedFile] = []
    for path in find_pdfs([folder]) if folder.is_dir() else []:
        try:
            stat = path.stat()
            sha256 = file_sha256(path)
        except OSError:  # removed while scanning
            continue
        try:
            identity = identify(path)
        except NarrativeOnlyError:  # loaded by its tables PDF
            continue
        except BudgetInputError as exc:
            rejected.append(RejectedFile(path, sha256, exc.reason))
            continue
        except Exception as exc:  # noqa: BLE001 - a broken file must not stop the others
            rejected.append(RejectedFile(path, sha256, f"{type(exc).__name__}: {exc}"))
            continue
        document = InboxDocument(
            path,
            sha256,
            partition_key(identity),
            identity.department,
            identity.fiscal_year,
            identity.kind,
            identity.stage,
        )
        previous = chosen.get(document.partition_key)
        if previous is None or stat.st_mtime_ns >= previous[0]:
            chosen[document.partition_key] = (stat.st_mtime_ns, document)
    documents = sorted((d for _, d in chosen.values()), key=lambda d: d.partition_key)
    return documents, rejected


def documents_in(
    folder: Path, identify: Identify
) -> tuple[list[InboxDocument], list[RejectedFile]]:
    """Every identifiable PDF of a folder, newest per key."""
    return _identified(folder, identify)


def locate(folder: Path, key: str, identify: Identify) -> Path | None:
    """The inbox PDF whose identity is partition `key`, or None."""
    documents, _ = documents_in(folder, identify)
    return next((d.path for d in documents if d.partition_key == key), None)
