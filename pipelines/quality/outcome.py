"""What a check found: the comparisons it made, the findings that broke, one outcome per check.

Rounding (`rounding_tolerance`): each printed addend is off by at most half a unit of the
last printed digit, so a sum may miss its printed total by ½ × that digit × the number of
addends (the seed's 3387.21 vs 3387.22 over three addends; 1 元 over two addends in a table
printed in whole 元): a WARN. Anything larger, and any structural problem (a missing table,
an item that is not there, an amount without a label), is an ERROR — unless it rests on the
parser's doubt (`doubt`: a table typed by one source alone compared with another table, a
table whose title and content disagree): then it is a WARN that says `could not verify`.
A false ERROR teaches analysts to ignore the checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

ERROR = "ERROR"
WARN = "WARN"
ZERO = Decimal("0")
CENT = Decimal("0.01")
_HALF = Decimal("0.5")


@dataclass(frozen=True)
class Comparison:
    """One identity the document must satisfy: `actual` (printed) against `expected`."""

    table: str
    row: str
    column: str
    rule: str
    expected: Decimal
    actual: Decimal
    unit: str
    step: Decimal = CENT  # the last printed digit of the tables compared, in `unit`
    addends: int = 1  # amounts printed (non-zero) on the expected side
    doubt: str = ""  # why the parser is unsure of the tables compared ("" when sure)

    @property
    def difference(self) -> Decimal:
        return self.actual - self.expected

    @property
    def tolerance(self) -> Decimal:
        return rounding_tolerance(self.step, self.addends)

    @property
    def severity(self) -> str | None:
        """None when the identity holds exactly, WARN for a rounding tail or when the
        parser is unsure of the tables, else ERROR."""
        diff = abs(self.difference)
        if diff == 0:
            return None
        return WARN if diff <= self.tolerance or self.doubt else ERROR

    def tolerance_text(self) -> str:
        """The rounding allowance with both of its numbers, e.g. `½ × 0.01 × 3 = 0.015`."""
        return f"½ × {plain(self.step)} × {max(self.addends, 1)} = {plain(self.tolerance)}"


def rounding_tolerance(step: Decimal, addends: int) -> Decimal:
    """The `rounding` rule: ½ unit of the last printed digit per addend (at least one)."""
    return _HALF * step * max(addends, 1)


@dataclass(frozen=True)
class Finding:
    """A row that breaks a rule: the evidence stored in dq_finding and shown in the UI.

    `expected` / `actual` are the figures as the finding states them (words for a structural
    finding: `missing`); a finding that compared figures also keeps them exact
    (`expected_value`, `actual_value`, `tolerance_value`, with `difference` = actual −
    expected), so a reader can ask "by how much" in SQL. `page`: the page of the document's
    PDF that prints the row (None when unknown; `pipelines.quality.pages`)."""

    table: str
    row: str
    column: str
    rule: str
    expected: str
    actual: str
    difference: Decimal | None
    severity: str
    unit: str = ""
    tolerance: str = ""  # the rounding allowance the difference was held to
    expected_value: Decimal | None = None
    actual_value: Decimal | None = None
    tolerance_value: Decimal | None = None
    page: int | None = None

    @property
    def kind(self) -> str:
        """`rounding`, `unverified`, `structure` or `mismatch`: `finding_kind`."""
        return finding_kind(self.severity, self.rule, self.difference)


UNVERIFIED = "could not verify"
FINDING_KINDS = ("mismatch", "rounding", "unverified", "structure")


def finding_kind(severity: str, rule: str, difference: Decimal | None) -> str:
    """What a finding is: `rounding` for a tail within the allowance, `unverified` where the
    parser is unsure; else what broke (`structure`: nothing to subtract, `mismatch`)."""
    if rule.startswith(UNVERIFIED):
        return "unverified"
    if severity == WARN and difference is not None:
        return "rounding"
    return "structure" if difference is None else "mismatch"


def unverified(rule: str, doubt: str) -> str:
    """A rule as a finding states it when the parser's doubt keeps it from being an ERROR."""
    return f"{UNVERIFIED}: {doubt} — {rule}" if doubt else rule


def finding_of(c: Comparison) -> Finding:
    return Finding(
        table=c.table,
        row=c.row,
        column=c.column,
        rule=unverified(c.rule, c.doubt if abs(c.difference) > c.tolerance else ""),
        expected=_fmt(c.expected),
        actual=_fmt(c.actual),
        difference=c.difference,
        severity=c.severity or WARN,
        unit=c.unit,
        tolerance=c.tolerance_text(),
        expected_value=c.expected,
        actual_value=c.actual,
        tolerance_value=c.tolerance,
    )


def structural(
    table: str,
    row: str,
    column: str,
    rule: str,
    expected: str,
    actual: str,
    doubt: str = "",
    page: int | None = None,
):
    """A structural finding (a missing table or item): ERROR, or WARN on the parser's doubt."""
    severity = WARN if doubt else ERROR
    rule = unverified(rule, doubt)
    return Finding(table, row, column, rule, expected, actual, None, severity, page=page)


@dataclass(frozen=True)
class CheckOutcome:
    """The result of one named check over one document."""

    name: str
    description: str
    comparisons: tuple[Comparison, ...] = ()
    findings: tuple[Finding, ...] = ()
    headline: tuple[Comparison, ...] = field(default=())  # grand totals shown as evidence

    @property
    def severity(self) -> str | None:
        """ERROR if any finding is an ERROR, WARN if only rounding tails, None if clean."""
        severities = {f.severity for f in self.findings}
        if ERROR in severities:
            return ERROR
        return WARN if severities else None

    @property
    def passed(self) -> bool:
        return not self.findings

    @property
    def max_abs_difference(self) -> Decimal:
        diffs = [abs(f.difference) for f in self.findings if f.difference is not None]
        return max(diffs, default=ZERO)

    def summary(self) -> str:
        """One line: what was compared and what broke."""
        if self.passed:
            if not self.comparisons:
                return f"{self.name}: nothing to compare"
            return f"{self.name}: {len(self.comparisons)} comparisons hold"
        errors = sum(f.severity == ERROR for f in self.findings)
        rounding = sum(f.kind == "rounding" for f in self.findings)
        unsure = sum(f.kind == "unverified" for f in self.findings)
        other = len(self.findings) - errors - rounding - unsure
        others = f", {other} other warning(s)" if other else ""
        unsure_text = f", {unsure} could not be verified" if unsure else ""
        return (
            f"{self.name}: {errors} error(s), {rounding} rounding warning(s){unsure_text}{others} "
            f"in {len(self.comparisons) or len(self.findings)} comparisons"
        )


def _fmt(value: Decimal) -> str:
    return str(value.quantize(CENT)) if value == value.quantize(CENT) else str(value)


def plain(value: Decimal) -> str:
    """A Decimal without trailing zeros or exponent: 0.015, 1, 100."""
    return format(value.normalize(), "f")


@dataclass
class Evidence:
    """What a sum check gathers while it walks a document: every comparison it made, the
    grand totals among them shown as evidence (`headline`), and the structural findings
    (a missing item, a repeated code) that no comparison could express."""

    comparisons: list[Comparison] = field(default_factory=list)
    headline: list[Comparison] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def outcome(self, name: str, description: str) -> CheckOutcome:
        """The check's outcome: the structural findings, then each comparison that broke."""
        findings = (*self.findings, *(finding_of(c) for c in self.comparisons if c.severity))
        return CheckOutcome(
            name, description, tuple(self.comparisons), findings, tuple(self.headline)
        )
