"""One exception type for input we refuse, so every entry point can print one line."""

from pathlib import Path


class BudgetInputError(Exception):
    """A file that cannot be read as a budget; `reason` is meant for the user as is."""

    def __init__(self, path: Path | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class NarrativeOnlyError(BudgetInputError):
    """A budget's narrative published apart from its tables (Jiangsu): nothing to load
    from this file, and nothing wrong with it; the tables PDF makes the document."""


class LimitExceededError(BudgetInputError):
    """A file over one of the parse limits (pipelines.limits); `reason` names the limit."""
