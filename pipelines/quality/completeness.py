"""Completeness: every table the document lists is printed, every row is full width, and
every printed amount has a label (an amount about nothing would load as a fact about
nothing, so it is an ERROR until it is placed).

What a document must print is what it says it prints (`declared_tables`: its 目录 or its
table numbers): a table it lists and does not print is an ERROR; one its template never
prints is not asked for. Where it lists nothing, the layout its titles spell says what is
usual, and a table missing from it is a WARN (the parser cannot tell an omission from a
title it failed to read); an unknown template asks for nothing. A table the parser saw but
could not type, or whose listed title it found without a table under it, is a WARN `could
not verify`, never silently dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipelines.budget_doc import (
    ABSENT,
    DEFAULT_LAYOUT,
    DOUBTFUL,
    PRINTED,
    PUBLISHED_TABLES,
    SUMMARY_SIDES,
    TITLE_ONLY,
    TWO_SIDED,
    UNTYPED,
)
from pipelines.doc_reader import BudgetDoc, Line, Row
from pipelines.quality.outcome import WARN, CheckOutcome, Finding, structural


def _where(lines: Sequence[Line | Row], i: int, prefix: str = "") -> str:
    """`row 7 (below 三、其他资金)`: a position a reader finds on the page."""
    above = next((r.title for r in reversed(lines[:i]) if r.has_label), None)
    return f"{prefix}row {i + 1}" + (f" (below {above})" if above else " (first row)")


def _unlabelled_amounts(doc: BudgetDoc) -> Iterable[Finding]:
    """Every printed amount on a row without a label: it would load as a fact about
    nothing (an item `""` on both sides of t01), so it is an ERROR until it is placed."""
    rule, expected = "every amount has a label", "a labelled row"
    named = [(key, table, ("tables", key)) for key, table in doc.tables.items()]
    named += [
        (f"extra table {t.title or i}", t, ("extra_tables", i))
        for i, t in enumerate(doc.extra_tables)
    ]
    for key, table, at in named:
        for side in SUMMARY_SIDES:
            items = table.side(side)
            for i, item in enumerate(items):
                if item.amount and not item.has_label:
                    where = _where(items, i, f"{side}: ")
                    page = _page(doc.cell_box(*at, side, i))
                    yield structural(key, where, "amount", rule, expected, item.amount, page=page)
        rows = table.rows
        columns = table.columns
        for i, row in enumerate(rows):
            if row.has_label:
                continue
            for j, value in enumerate(row.values):
                if value:
                    column = columns[j] if j < len(columns) else f"column {j + 1}"
                    page = _page(doc.cell_box(*at, i, j))
                    yield structural(key, _where(rows, i), column, rule, expected, value, page=page)


def _page(box) -> int | None:
    return box[0] if box else None


def _listed_tables(doc: BudgetDoc) -> Iterable[Finding]:
    """The document's own list against what it prints (`declared_tables`)."""
    declared = doc.declared_tables
    where = f"listed in {declared.get('source', 'the document')}"
    for entry in declared.get("tables", ()):
        key, title, printed = entry.get("key"), entry.get("title", ""), entry.get("printed")
        if printed == PRINTED or (key and key in doc.tables):
            continue
        rule = f"a table {where} is printed"
        if printed == ABSENT and key:
            yield structural(key, title, "", rule, "printed", "missing")
        elif printed == ABSENT:
            yield structural(title, "", "", rule, "printed", "missing", "its title is unknown")
        elif printed == TITLE_ONLY:
            doubt = "its title is printed, but no table under it was read"
            yield structural(key, title, "", rule, "printed", "title only", doubt)
        elif key in PUBLISHED_TABLES.get(doc.layout, (key,)):
            doubt = "its grid does not read as that table"
            yield structural(key, title, "", rule, key, "kept as a generic table", doubt)


def _usual_tables(doc: BudgetDoc) -> Iterable[Finding]:
    """Without a list: the tables the layout usually prints. A document read by this
    release (it says how its tables were typed) gets a WARN, an older or hand-made one
    (a truth file) the ERROR it always got."""
    read = bool(doc.table_typing)
    doubt = f"the {doc.layout} template prints it; the document lists no contents to confirm"
    for key in PUBLISHED_TABLES.get(doc.layout, ()):
        if doc.table(key) is None:
            yield structural(
                key, "", "", "table present", "present", "missing", doubt if read else ""
            )


def _untyped_tables(doc: BudgetDoc) -> Iterable[Finding]:
    """Tables whose content looks standard but that could not be typed: kept generic."""
    typings = doc.table_typing.get("extra_tables") or ()
    for table, typing in zip(doc.extra_tables, typings, strict=False):
        if typing.get("confidence") == UNTYPED:
            pages = ",".join(map(str, table.pages))
            yield structural(
                f"extra table {table.title}", f"p.{pages}", "", "a standard-looking table is typed",
                "a standard table", "kept as a generic table", typing.get("basis") or "untyped",
                page=table.pages[0] if len(set(table.pages)) == 1 else None,
            )  # fmt: skip


def _disagreeing_headings(doc: BudgetDoc) -> Iterable[Finding]:
    """A heading or title naming another year or department than the document's: WARN (a
    heading copied from another document, or a misread name: worth a look, not a failure)."""
    for heading in doc.disagreeing_headings:
        what = "year" if "year" in heading else "department"
        own = doc.fiscal_year if what == "year" else doc.department
        yield Finding(
            "document", heading.get("text", ""), f"p.{heading.get('page', '?')}",
            f"a heading or title names the document's own {what}", str(own),
            str(heading.get(what)), None, WARN, page=heading.get("page"),
        )  # fmt: skip


def _template(doc: BudgetDoc) -> str:
    """`template: national — 9 of 9 printed tables typed`: information, never a finding."""
    typings = doc.table_typing.get("extra_tables") or ()
    untyped = sum(t.get("confidence") in (UNTYPED, DOUBTFUL) for t in typings)
    typed = len(doc.tables)
    return f"template: {doc.layout} — {typed} of {typed + untyped} printed tables typed"


def check_completeness(doc: BudgetDoc | dict) -> CheckOutcome:
    """All listed tables present with rows, every row full width, every amount labelled."""
    doc = BudgetDoc.of(doc)
    findings: list[Finding] = []
    for key in ("department", "fiscal_year", "unit"):
        if not getattr(doc, key):
            findings.append(structural("document", key, "", "field present", "a value", "none"))
    if doc.declared_tables:
        findings.extend(_listed_tables(doc))
    else:
        findings.extend(_usual_tables(doc))
    for key, table in doc.tables.items():
        if key in TWO_SIDED:
            for side in ("income", "expenditure"):
                if not table.side(side):
                    findings.append(
                        structural(key, side, "", "side has items", "≥ 1 item", "0 items")
                    )
            continue
        rows = table.rows
        if not table.prints_amounts() and not table.note:  # an empty table must say it is empty
            finding = structural(
                key, "", "", "table prints amounts or says it is empty",
                "amounts or a note", "a blank table",
            )  # fmt: skip
            if doc.layout != DEFAULT_LAYOUT:
                # A grid of headers only, with neither wording (无, 此表为空…) nor a blank
                # 合计 row: worth a look, not a failed load (Guangzhou always prints its
                # zero 合计 row and 本表本年无发生额).
                finding = replace(finding, severity=WARN)
            findings.append(finding)
        width = len(table.columns)
        for row in rows:
            n = len(row.values)
            if n != width:
                findings.append(
                    structural(
                        key, row.title, "", "one value per column", f"{width} values", f"{n} values"
                    )
                )
    findings.extend(_untyped_tables(doc))
    findings.extend(_disagreeing_headings(doc))
    findings.extend(_unlabelled_amounts(doc))
    return CheckOutcome(
        "completeness",
        "every table the document lists (its 目录 or table numbers; else the tables its "
        "template usually prints) is present, every row has one value per column and every "
        f"amount a label; {_template(doc)}",
        findings=tuple(findings),
    )
