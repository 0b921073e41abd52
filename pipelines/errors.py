"""One exception type for input we refuse, so every entry point can print one line."""

import unicodedata
from pathlib import Path


class BudgetInputError(Exception):
    """A file that cannot be read as a budget; `reason` is meant for the user as is."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):
        """Pickled as (path, reason): `budget extract` gets it back from its worker."""
        return type(self), (self.path, self.reason)


class NarrativeOnlyError(BudgetInputError):
    """A budget's narrative published apart from its tables (Jiangsu): nothing to load
    from this file, and nothing wrong with it; the tables PDF makes the document."""


class LimitExceededError(BudgetInputError):
    """A file over one of the parse limits (pipelines.limits); `reason` names the limit."""


class SettingError(ValueError):
    """A setting (an environment variable or a flag) that cannot be used as given; the
    message is one line naming the setting, the value and what it must be."""


class WarehouseError(Exception):
    """The warehouse itself cannot be written (damaged, read-only, disk full): a problem
    of the batch, not of one PDF, said once."""


def printable(line: str) -> str:
    """`line` with control characters and line separators escaped (`\\n`, `\\x1b`), so a
    file name can never start a new status line or forge one."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp")
        else ch
        for ch in line
    )
