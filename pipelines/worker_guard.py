"""The one watcher thread of a parsing worker: it kills the worker when the process that
started the batch is gone, or when a parse runs past its deadline in C code the alarm
cannot interrupt.

Without it a `kill -9` of `budget load` left the forkserver's workers (about 170 MB each)
running, reparented to init. The thread is started before the worker's memory cap: under
a small cap a new thread's stack cannot even be mapped ("can't start new thread").
Standard library only; Linux (pidfd), with a /proc poll where pidfds are missing.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from pathlib import Path

_POLL_SECONDS = 0.5
_deadline: float | None = None  # time.monotonic() past which the worker kills itself


def watch(parent_pid: int) -> None:
    """Start the watcher thread (once per worker) for the batch process `parent_pid`."""
    try:
        pidfd: int | None = os.pidfd_open(parent_pid)
    except (AttributeError, OSError):
        pidfd = None
    threading.Thread(target=_run, args=(parent_pid, pidfd), daemon=True).start()


def arm(seconds: float) -> None:
    """Kill this worker if the parse under way is not over in `seconds`."""
    global _deadline
    _deadline = time.monotonic() + seconds


def disarm() -> None:
    global _deadline
    _deadline = None


def address_space() -> int:
    """This process's mapped address space in bytes (what RLIMIT_AS counts), 0 if unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def _run(parent_pid: int, pidfd: int | None) -> None:
    while True:
        if pidfd is not None:
            gone = bool(select.select([pidfd], [], [], _POLL_SECONDS)[0])
        else:
            time.sleep(_POLL_SECONDS)
            gone = not _alive(parent_pid)
        deadline = _deadline
        if gone or (deadline is not None and time.monotonic() > deadline):
            os.kill(os.getpid(), signal.SIGKILL)


def _alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, killed but not yet reaped, counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
