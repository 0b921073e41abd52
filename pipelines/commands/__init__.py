"""One module per `budget` sub-command; each returns the process exit status."""

import sys


def fail(command: str, message: str) -> int:
    """Say why `budget <command>` failed, in one line on stderr; the exit status 1."""
    print(f"budget {command}: {message}", file=sys.stderr)
    return 1
