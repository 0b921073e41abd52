"""Parse budget PDFs in worker processes, each under its limits; results in input order.

What a parsing worker runs (`parse_in_worker`) and imports: extraction and the document
checks, never the warehouse writer (DuckDB, Arrow, pandas) nor Dagster, so a worker starts
in a fraction of the writer's time. The pool (`parsed_in_order`) caps each worker's
memory and wall time, recycles workers, and when a worker dies parses the files it held
one at a time so the file that killed it is named. `pipelines.batch` writes what it yields.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipelines import quality, settings, worker_guard
from pipelines.errors import BudgetInputError, LimitExceededError, NarrativeOnlyError, SettingError
from pipelines.extraction.document import DocumentIdentity, Extraction, extract_document
from pipelines.inbox import partition_key
from pipelines.limits import ParseLimits

# Worker processes are recycled after this many documents, so a leak in a PDF library
# cannot grow a long batch's memory.
DOCUMENTS_PER_WORKER = 200
# A worker stuck in C code past its wall-time limit (the alarm cannot interrupt it) kills
# itself this many seconds later; the batch then parses the files it held one by one.
KILL_GRACE_SECONDS = 5.0
# Why this worker cannot parse at all (a memory limit below what it maps at start), or "".
_start_problem = ""


@dataclass
class ParsedDocument:
    """One PDF after the worker's parse: its extraction and checks, or why there is none."""

    path: Path
    status: str  # parsed / skipped / rejected / failed
    reason: str = ""
    reason_path: Path | None = None  # the file a rejection names (may differ from `path`)
    extraction: Extraction | None = None
    key: str | None = None  # the partition key, from the parse
    checks: dict[str, quality.CheckOutcome] = field(default_factory=dict)

    @property
    def identity(self) -> DocumentIdentity:
        return DocumentIdentity.of(self.extraction.doc)


def _not_a_file(path: Path) -> str:
    """Why `path` cannot be read as a file ("" when it can): no such file, a symlink loop,
    a name too long for the file system, a folder…"""
    try:
        if path.is_file():
            return ""
        path.stat()
    except FileNotFoundError:
        return "no such file"
    except OSError as exc:  # ELOOP: a symlink loop; ENAMETOOLONG; EACCES…
        return f"cannot open: {exc.strerror.lower()}"
    return "not a regular file"


def parse_document(
    path: Path, password: str | None = None, limits: ParseLimits | None = None
) -> ParsedDocument:
    """Extract one PDF and run the document checks on it (runs in a worker process)."""
    path = Path(path)
    limits = limits or ParseLimits.from_env()
    if unreadable := _not_a_file(path):
        return ParsedDocument(path, "rejected", unreadable, path)
    try:
        extraction = extract_document(path, password=password, limits=limits)
    except MemoryError:
        return ParsedDocument(path, "rejected", _over_memory(limits), path)
    except NarrativeOnlyError as exc:  # the tables PDF of the same budget makes the document
        return ParsedDocument(path, "skipped", exc.reason, exc.path)
    except BudgetInputError as exc:
        return ParsedDocument(path, "rejected", exc.reason, exc.path)
    except Exception as exc:  # noqa: BLE001 - one file must not stop the others
        return ParsedDocument(path, "failed", f"{type(exc).__name__}: {exc}", path)
    try:
        key = partition_key(DocumentIdentity.of(extraction.doc))
    except (KeyError, TypeError, ValueError):
        reason = "the parsed document has no department or year"
        return ParsedDocument(path, "rejected", reason, path)
    return ParsedDocument(
        path,
        "parsed",
        extraction=extraction,
        key=key,
        checks=quality.run_document_checks(extraction.doc, path.name),
    )


def _over_memory(limits: ParseLimits) -> str:
    return f"over the memory limit ({limits.max_memory_bytes:,} bytes, BUDGET_MAX_MEMORY_BYTES)"


def _start_worker(limits: ParseLimits, parent_pid: int) -> None:
    """Pool initializer: die with the batch's process, and cap the worker's address space,
    so a bomb fails in the worker (MemoryError, or the worker dies) and never takes the
    batch's process with it. A cap below what the worker maps already is said, once, by
    the first parse (a SettingError) rather than failing every file."""
    global _start_problem
    worker_guard.watch(parent_pid)
    if not limits.max_memory_bytes:
        return
    mapped = worker_guard.address_space()
    if mapped and mapped + 64 * 2**20 > limits.max_memory_bytes:
        _start_problem = (
            f"{settings.PARSE_LIMITS['max_memory_bytes'].env}={limits.max_memory_bytes}: "
            "too small to start a parsing "
            f"worker, which maps {mapped:,} bytes before it parses anything; give at least "
            f"{mapped + 64 * 2**20:,} bytes, or 0 for no limit"
        )
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory_bytes, hard))


@contextmanager
def _time_limit(path: Path, limits: ParseLimits):
    """The wall-time limit around one parse: an alarm raises LimitExceededError; a parse
    the alarm cannot reach (inside pdfium) is killed with its worker a little later."""
    if _start_problem:
        raise SettingError(_start_problem)
    if not limits.max_seconds:
        yield
        return
    armed = True

    def over_time(signum, frame):
        if armed:  # an alarm landing after the parse (a tiny limit) is no one's business
            raise LimitExceededError(path, f"parse took over {limits.max_seconds:g} s, the "
                                           "wall-time limit (BUDGET_MAX_SECONDS)")  # fmt: skip

    signal.signal(signal.SIGALRM, over_time)
    worker_guard.arm(limits.max_seconds + KILL_GRACE_SECONDS)
    try:
        signal.setitimer(signal.ITIMER_REAL, limits.max_seconds)
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        worker_guard.disarm()


def parse_in_worker(path: Path, password: str | None, limits: ParseLimits) -> ParsedDocument:
    """parse_document under the wall-time limit (an alarm outside the extraction, in the
    checks, is a rejection too)."""
    try:
        with _time_limit(path, limits):
            return parse_document(path, password, limits)
    except LimitExceededError as exc:
        return ParsedDocument(path, "rejected", exc.reason, path)


def extract_in_worker(path: Path, password: str | None, limits: ParseLimits) -> Extraction:
    """`budget extract`'s parse, under the same limits as a worker of `budget load`."""
    if unreadable := _not_a_file(path):
        raise BudgetInputError(path, unreadable)
    try:
        with _time_limit(path, limits):
            return extract_document(path, password=password, limits=limits)
    except MemoryError:
        raise LimitExceededError(path, _over_memory(limits)) from None


def extract_alone(path: Path, password: str | None, limits: ParseLimits) -> Extraction:
    """One PDF extracted in a worker of its own, so a bomb costs `extract` no more than
    `load`; BudgetInputError (a LimitExceededError when the worker died), SettingError."""
    pool = _new_pool(1, limits)
    try:
        return pool.submit(extract_in_worker, path, password, limits).result()
    except BrokenProcessPool:
        raise LimitExceededError(path, _died(limits)) from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _died(limits: ParseLimits) -> str:
    return (
        "the parser process died (over the memory limit of "
        f"{limits.max_memory_bytes:,} bytes or the wall-time limit of "
        f"{limits.max_seconds:g} s, or a crash in the PDF library)"
    )


def _new_pool(workers: int, limits: ParseLimits) -> ProcessPoolExecutor:
    # forkserver: workers never inherit the parent's threads (Dagster's) or its connection
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("forkserver"),
        max_tasks_per_child=DOCUMENTS_PER_WORKER,
        initializer=_start_worker,
        initargs=(limits, os.getpid()),
    )


def _parse_alone(path: Path, password: str | None, limits: ParseLimits) -> ParsedDocument:
    """Parse one file in a worker of its own: if that worker dies, this file killed it."""
    pool = _new_pool(1, limits)
    try:
        return pool.submit(parse_in_worker, path, password, limits).result()
    except BrokenProcessPool:
        return ParsedDocument(path, "rejected", _died(limits), path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class Parsing:
    """`paths` parsed in input order by a pool of `workers` processes (in this process when
    `workers` <= 1), started as soon as this is made: whatever the caller does before
    reading the first result (opening the warehouse, the schema step) overlaps the workers'
    start-up and first parses. Iterate it once; close it (or leave its `with`) to stop.

    A bounded window of work in flight keeps memory flat. A worker that dies (killed, out
    of memory, stuck past its time) breaks the pool: the files then in flight are parsed
    again one at a time, each in a worker of its own, so the culprit is named and every
    other file still loads; then a new pool goes on."""

    def __init__(
        self, paths: list[Path], password: str | None, workers: int, limits: ParseLimits
    ) -> None:
        self.paths, self.password, self.limits = list(paths), password, limits
        self.size = min(workers, len(self.paths)) if workers > 1 else 0  # 0: no pool
        self._queue = iter(self.paths)
        self._pending: deque[tuple[Path, Future]] = deque()
        self._pool = _new_pool(self.size, limits) if self.size else None
        self._fill()

    def _fill(self) -> None:
        while self._pool is not None and len(self._pending) < 2 * self.size:
            following = next(self._queue, None)
            if following is None:
                return
            future = self._pool.submit(parse_in_worker, following, self.password, self.limits)
            self._pending.append((following, future))

    def __iter__(self) -> Iterator[ParsedDocument]:
        if self._pool is None:
            for path in self._queue:
                yield parse_document(path, self.password, self.limits)
            return
        while self._pending:
            try:
                parsed = self._pending[0][1].result()
            except BrokenProcessPool:
                held = list(self._pending)
                self._pending.clear()
                self._pool.shutdown(wait=True, cancel_futures=True)
                for path, future in held:
                    done = future.done() and not future.cancelled() and not future.exception()
                    yield (
                        future.result() if done else _parse_alone(path, self.password, self.limits)
                    )
                self._pool = _new_pool(self.size, self.limits)
                self._fill()
                continue
            self._pending.popleft()
            self._fill()
            yield parsed

    def close(self) -> None:
        """Stop the pool: work not started is dropped, a parse under way is let finish."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Parsing:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def parsed_in_order(
    paths: list[Path], password: str | None, workers: int, limits: ParseLimits
) -> Iterator[ParsedDocument]:
    """Each path parsed, in input order (a `Parsing`, stopped when the iteration ends)."""
    with Parsing(paths, password, workers, limits) as parsing:
        yield from parsing
