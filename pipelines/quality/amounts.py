"""Reading amounts out of a budget-doc/1 document (`BudgetDoc`): Decimal in the document's
unit, and the precision each table printed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from pipelines.budget_doc import SUMMARY_SIDES, YUAN_PER_UNIT, doc_amount
from pipelines.doc_reader import BudgetDoc, Table
from pipelines.quality.outcome import CENT, ZERO, Comparison


def amount(text: str | None) -> Decimal:
    """A budget-doc/1 amount as Decimal; a truly empty cell (null) counts as zero."""
    if text is None or text == "":
        return ZERO
    return doc_amount(text)


def factor(unit: str) -> Decimal:
    return YUAN_PER_UNIT.get(unit, Decimal(1))


def printed_amounts(table: Table) -> Iterable[str]:
    """Every amount a table prints: row values and two-sided items alike."""
    for row in table.rows:
        yield from (v for v in row.values if v)
    for side in SUMMARY_SIDES:
        yield from (i.amount for i in table.side(side) if i.amount)


def printed_steps(doc: BudgetDoc | dict) -> dict[str, Decimal]:
    """The last printed digit per unit, from every amount the document prints in that unit.

    budget-doc/1 writes every amount with two decimals, so the printed precision is read
    off the amounts: a unit whose amounts all have zero cents was printed in whole units
    (Shanghai's whole-元 tables). A document prints its tables of one unit alike, and the
    whole document is evidence enough that a small table of round 万元 figures was still
    printed with cents. A unit nothing is printed in keeps the format's 0.01.
    """
    doc = BudgetDoc.of(doc)
    exponents: dict[str, int] = {}
    for table in [*doc.tables.values(), *doc.extra_tables]:
        unit = doc.unit_of(table)
        for text in printed_amounts(table):
            exponent = min(doc_amount(text).normalize().as_tuple().exponent, 0)
            exponents[unit] = min(exponents.get(unit, 0), exponent)
    return {unit: Decimal(1).scaleb(e) for unit, e in exponents.items()}


def addends_of(texts: Iterable) -> int:
    """How many of the summed cells print a non-zero amount: a blank or 0.00 cell is a
    zero the template prints, not a rounded figure."""
    return sum(amount(t) != 0 for t in texts)


class DocAmounts:
    """Amounts of one document, converted to its main unit, with a per-comparison tolerance."""

    def __init__(self, doc: BudgetDoc | dict):
        self.doc = BudgetDoc.of(doc)
        self.unit = self.doc.main_unit
        self.steps = printed_steps(self.doc)

    def tables(self, keys: Iterable[str]) -> Iterator[tuple[str, Table]]:
        """(key, table) of each of `keys` the document prints; completeness reports the rest."""
        for key in keys:
            table = self.doc.table(key)
            if table is not None:
                yield key, table

    def scale(self, table_key: str) -> Decimal:
        return factor(self.doc.unit_of(self.doc.table(table_key))) / factor(self.unit)

    def value(self, table_key: str, text: str | None) -> Decimal:
        return amount(text) * self.scale(table_key)

    def step(self, *table_keys: str) -> Decimal:
        """The coarsest last printed digit among the tables compared, in the document unit.

        A table that records `printed_decimals` (extraction saw an amount printed with
        fewer decimals than two, e.g. `22,118,861` beside `86,959,408.34`) uses that digit;
        otherwise the digit its unit prints across the document.
        """
        return max((self._table_step(k) * self.scale(k) for k in table_keys), default=CENT)

    def _table_step(self, table_key: str) -> Decimal:
        table = self.doc.table(table_key)
        if table is not None and table.printed_decimals is not None:
            return Decimal(1).scaleb(-int(table.printed_decimals))
        return self.steps.get(self.doc.unit_of(table), CENT)

    def compare(self, tables: Iterable[str], table, row, column, rule, expected, actual, addends=1):
        tables = list(tables)
        return Comparison(
            table=table,
            row=row,
            column=column,
            rule=rule,
            expected=expected,
            actual=actual,
            unit=self.unit,
            step=self.step(*tables),
            addends=addends,
            doubt=self.doc.doubt(tables),
        )
