"""Which standard table a printed table is, from evidence weighed together.

A title alone is not enough: templates the parser has never met print the same tables
under other words (部门收支总表, 收入预算表, 表1 …), and a short title inside a longer one
names another table (支出预算表 in 政府采购支出预算表). So a table's type comes from:

1. its **title**: a known spelling (`titles.table_key_for_title`, strong) or the words it
   uses (`titles.keys_by_words`, weak: 三公, 财政拨款 + 收支, …);
2. its **content**: the header's column meanings and the row codes
   (`data/reference/table_header_words.csv`): two 收入 | 支出 sides, function codes (2xx,
   类/款/项) or economic codes (3xx/5xx), income-source columns (事业收入, 上年结转 …) or
   uses (基本支出, 人员经费 …), the fund a spending header names (一般公共预算支出 …), 三公
   items, 绩效目标;
3. what its **totals tie to**: the identities the cross-table check holds the document to
   (t05 合计 = t04's 一般公共预算 income, t06 = t05's 基本支出 …), tried for each candidate
   in `settle` once every table has been read.

Confidence says how sure: `certain` when title and content agree (or content and a totals
tie), `probable` when one of them alone decides and nothing contradicts it, `doubtful`
when they disagree. A check holds the publisher to figures only from tables it is sure of
(`pipelines.quality.outcome`: the rest is WARN `could not verify`). A table whose content
looks standard but cannot be typed stays a generic table (`untyped`: never dropped, and
completeness says so); one that is known to stand beside the standard tables (机关运行经费,
政府采购, 绩效目标) or holds nothing standard is `generic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from pipelines.budget_doc import CERTAIN, DOUBTFUL, GENERIC, PROBABLE, UNTYPED
from pipelines.cleaning import looks_like_amount, normalise_name, parse_amount
from pipelines.extraction.header_words import found, keys_of
from pipelines.extraction.pieces import TablePiece
from pipelines.extraction.table_rows import (
    TableShapeError,
    body_rows,
    grid_slots,
    has_amount,
    header_count,
    leaf_names,
    read_layout,
)
from pipelines.extraction.tables import split_code
from pipelines.extraction.titles import (
    EXTRA,
    keys_by_words,
    layouts_of_title,
    table_key_for_title,
    title_body,
)

RANK = {CERTAIN: 3, PROBABLE: 2, DOUBTFUL: 1, UNTYPED: 0, GENERIC: 0}

T01, T02, T03, T04 = "t01_summary", "t02_income", "t03_expenditure", "t04_fiscal_summary"
T06, T07, T10 = "t06_gpb_basic_economic", "t07_three_public", "t10_gpb_project_economic"
T11, T12 = "t11_basic_by_unit", "t12_projects"
# The tables of spending by function subject, one per fund (t03: every fund).
FUNCTION_SPENDING = frozenset(
    {T03, "t05_gpb_function", "t08_gov_fund", "t09_state_capital", "t13_fiscal_function"}
)
FUNCTION_TABLES = FUNCTION_SPENDING | {T02}
ECONOMIC_TABLES = frozenset({T06, T10})
# Subject codes: function subjects (功能分类) are 2xx, 类/款/项 of 3/5/7 digits; economic
# subjects (经济分类) are 3xx (部门) or 5xx (政府), 类/款 of 3/5 digits.
_FUNCTION_CODE = re.compile(r"^2\d{2}(?:\d{2}){0,2}$")
_ECONOMIC_CODE = re.compile(r"^[35]\d{2}(?:\d{2})?$")
_FEW_ROWS = 3  # body rows on a first page too few to tell: the next page is read too
_THREE_PUBLIC_ITEMS = 2  # rows naming 三公 items (因公出国, 公务接待 …) that make a 三公 table
_SIDE_HEADER = {
    "income": re.compile(r"^收入(?:项目)?$"),
    "expenditure": re.compile(r"^支出(?:项目)?$"),
}
_SIDE_TOTAL = {
    "income": re.compile(r"收入(?:总计|合计)$"),
    "expenditure": re.compile(r"支出(?:总计|合计)$"),
}


def _quoted(texts: Iterable[str], limit: int = 3) -> str:
    texts = list(dict.fromkeys(texts))
    more = f" … ({len(texts)})" if len(texts) > limit else ""
    return "、".join(texts[:limit]) + more


@dataclass(frozen=True)
class Content:
    """What a table's grid holds: the standard tables it can be (None: it prints nothing
    that tells, e.g. an empty table; empty: nothing standard), and why."""

    keys: frozenset[str] | None
    evidence: tuple[str, ...] = ()


def read_content(pieces: list[TablePiece]) -> Content:
    """The content evidence of one table: its first page's header and rows say what it
    holds (the pages after it repeat the header over more of the same rows; the second is
    read too when the first holds fewer than three)."""
    grid = pieces[0].grid
    slots = grid_slots(grid)
    n_header = header_count(slots)
    header = [normalise_name(c.text) for c in grid.cells if c.row < n_header and c.text.strip()]
    leaf = [name for name in leaf_names(grid, n_header) if name]
    rows = [row for row in slots[n_header:] if any(cell.strip() for cell in row)]
    if len(rows) < _FEW_ROWS and len(pieces) > 1:  # a first page holding only its 合计 row
        rows = body_rows(pieces[:2])[0]
    amount_rows = [row for row in rows if has_amount(row)]
    if not any(_nonzero(cell.text) for p in pieces for cell in p.grid.cells):
        return Content(None, ("prints no amount but zeros",))
    if sides := _sides(header, rows):
        return _summary(sides, rows)
    codes = _codes(grid, rows)
    function = [c for c in codes if _FUNCTION_CODE.match(c)]
    economic = [c for c in codes if _ECONOMIC_CODE.match(c) and not _FUNCTION_CODE.match(c)]
    if codes and len(function) + len(economic) >= len(amount_rows) / 3:
        if len(economic) > len(function):
            return _economic(header, economic)
        return _function(header, leaf, function)
    return _uncoded(header, leaf, rows, amount_rows)


def _nonzero(text: str) -> bool:
    """An amount other than zero (a subject code counts too: a coded table has rows)."""
    return looks_like_amount(text) and parse_amount(text) != 0


def _sides(header: list[str], rows: list[list[str]]) -> str | None:
    """Why the table is two-sided (收入 | 支出), or None."""
    if all(any(p.match(h) for h in header) for p in _SIDE_HEADER.values()):
        return "header: 收入 | 支出 sides"
    totals = {
        side: {
            col for row in rows for col, cell in enumerate(row) if p.search(normalise_name(cell))
        }
        for side, p in _SIDE_TOTAL.items()
    }
    if totals["income"] and totals["expenditure"] and totals["income"] != totals["expenditure"]:
        return "rows: 收入 and 支出 totals side by side"
    return None


def _summary(sides: str, rows: list[list[str]]) -> Content:
    """t01 (every income source) or t04 (appropriations only), by its income side's items."""
    items = [normalise_name(row[0]) for row in rows if row and row[0].strip()]
    if other := found("non_appropriation_income", items):
        return Content(frozenset({T01}), (sides, f"income beyond appropriations: {_quoted(other)}"))
    if found("appropriation_income", items):
        return Content(frozenset({T04}), (sides, "income: appropriations (拨款) only"))
    return Content(frozenset({T01, T04}), (sides,))


def _codes(grid, rows: list[list[str]]) -> list[str]:
    try:
        label_cols = read_layout(grid).label_cols
    except TableShapeError:
        label_cols = [0]
    codes = []
    for row in rows:
        code, _ = split_code([row[c] for c in label_cols if c < len(row)])
        if code:
            codes.append(code)
    return codes


def _economic(header: list[str], codes: list[str]) -> Content:
    evidence = [f"rows: {len(codes)} economic subject codes ({_quoted(codes)})"]
    if basic := found("basic_use", header):
        evidence.append(f"header: {_quoted(basic)} (basic spending)")
        return Content(frozenset({T06}), tuple(evidence))
    return Content(ECONOMIC_TABLES, tuple(evidence))


def _function(header: list[str], leaf: list[str], codes: list[str]) -> Content:
    evidence = [f"rows: {len(codes)} function subject codes ({_quoted(codes)})"]
    uses = found("expenditure_use", leaf)
    sources = found("income_source", leaf)
    if not uses:
        if sources:
            evidence.append(f"header: income sources {_quoted(sources)}")
            return Content(frozenset({T02}), tuple(evidence))
        return Content(FUNCTION_TABLES, tuple(evidence))
    evidence.append(f"header: uses {_quoted(uses)}")
    if all_funds := found("all_funds_use", leaf):
        evidence.append(f"header: {_quoted(all_funds)} (spending of every fund)")
        return Content(frozenset({T03}), tuple(evidence))
    spending = [h for h in header if "支出" in h]
    funds = keys_of("fund_spending", spending)
    if len(funds) == 1:
        ((key, texts),) = funds.items()
        evidence.append(f"header: {_quoted(texts)}")
        return Content(frozenset({key}), tuple(evidence))
    return Content(FUNCTION_SPENDING, tuple(evidence))


def _uncoded(
    header: list[str], leaf: list[str], rows: list[list[str]], amount_rows: list[list[str]]
) -> Content:
    if goals := found("performance_goal", header):
        return Content(frozenset({T12}), (f"header: {_quoted(goals)} of each project",))
    labels = [normalise_name(row[0]) for row in rows if row and row[0].strip()]
    items = found("three_public", labels)
    if found("three_public", header) or len(set(items)) >= _THREE_PUBLIC_ITEMS:
        seen = found("three_public", header) + items
        return Content(frozenset({T07}), (f"三公 items: {_quoted(seen)}",))
    if classes := found("economic_class", labels):
        return Content(frozenset({T11}), (f"rows: budget units and {_quoted(classes)}",))
    named, funds = found("project_label", leaf), found("income_source", leaf)
    if named and funds and len(amount_rows) > 1:
        return Content(frozenset({T12}), (f"header: {_quoted(named)} by {_quoted(funds)}",))
    if len(amount_rows) == 1 and all(not c.strip() or looks_like_amount(c) for c in amount_rows[0]):
        if uses := found("expenditure_use", header):
            return Content(frozenset({T03}), (f"one row of totals by use: {_quoted(uses)}",))
    return Content(frozenset(), ("no subject codes, sides or items of a standard table",))


@dataclass(frozen=True)
class TableTyping:
    """How one printed table was typed: its key (None: kept generic), how sure, why, and
    the candidates left open for the document-wide pass (`settle`)."""

    key: str | None
    confidence: str
    basis: str = ""  # what decided, in a few words: title and content agree, content alone …
    evidence: tuple[str, ...] = ()  # what was seen: the title's words, the header, the codes
    title: str | None = None
    candidates: frozenset[str] = field(default_factory=frozenset)

    def as_dict(self) -> dict:
        """The `table_typing` extension entry of budget-doc/1 (docs/extraction.md)."""
        printed = {"title": title_body(self.title)} if self.title else {}
        return printed | {
            "confidence": self.confidence,
            "basis": self.basis,
            "evidence": list(self.evidence),
        }


def type_table(title: str | None, pieces: list[TablePiece]) -> TableTyping:
    """Title and content weighed for one table; a tie between candidates is left open."""
    content = read_content(pieces)
    key = table_key_for_title(title) if title else None
    evidence: list[str] = []
    if key:
        layouts = "/".join(layouts_of_title(title))
        evidence.append(f"title spells {key} ({layouts})")
    words = keys_by_words(title) - {EXTRA} if title and not key else frozenset()
    if words:
        evidence.append(f"title words point to {', '.join(sorted(words))}")
    evidence.extend(f"content: {e}" for e in content.evidence)
    known_extra = bool(title) and not key and not words and EXTRA in keys_by_words(title)
    typing = _weigh(key, words, content, known_extra)
    return replace(typing, evidence=tuple(evidence), title=title)


def _weigh(
    key: str | None, words: frozenset[str], content: Content, known_extra: bool
) -> TableTyping:
    if key:
        if content.keys is None:
            return TableTyping(key, PROBABLE, "title alone (content silent)")
        if key in content.keys:
            return TableTyping(key, CERTAIN, "title and content agree")
        return TableTyping(key, DOUBTFUL, "title and content disagree")
    if known_extra:
        return TableTyping(None, GENERIC, "a known table beside the standard ones")
    if content.keys is None:
        if len(words) == 1:
            return TableTyping(next(iter(words)), PROBABLE, "title words alone")
        return TableTyping(
            None, GENERIC if not words else UNTYPED, "title words alone, several tables"
        )
    open_keys = content.keys & words if words else content.keys
    if words and not open_keys:
        if len(content.keys) == 1:
            only = next(iter(content.keys))
            return TableTyping(only, DOUBTFUL, "title words and content disagree")
        open_keys = content.keys
    if len(open_keys) == 1:
        only = next(iter(open_keys))
        if words and len(content.keys) == 1:
            return TableTyping(only, CERTAIN, "title words and content agree")
        if words:  # the words chose among what the content allows
            return TableTyping(only, PROBABLE, "title words, within what the content allows")
        return TableTyping(only, PROBABLE, "content alone")
    if not open_keys:
        return TableTyping(None, GENERIC, "nothing standard in it")
    return TableTyping(None, UNTYPED, "several tables fit", candidates=frozenset(open_keys))


def totals_tie(tables: dict[str, dict], key: str, table: dict, unit: str) -> str | None:
    """Why `table` read as `key` ties with the document's other tables (every identity of
    the cross-table check involving `key` that can be read holds, at least one), else None."""
    # the checks' identities (imported here: the checks import extraction's vocabulary)
    from pipelines.quality.cross_table import ties
    from pipelines.quality.outcome import ERROR

    doc = {"unit": unit, "tables": {**tables, key: table}}
    held = ties(doc, key)
    if not held or any(c.severity == ERROR for c in held):
        return None
    return "totals tie: " + "; ".join(c.rule for c in held)


def settle(
    typings: dict[str, TableTyping], tie: Callable[[str, str], str | None]
) -> dict[str, TableTyping]:
    """The document-wide pass: a key claimed twice goes to the surer table (the other
    tries its remaining candidates), and a table left with several candidates (or typed by
    one source alone) takes the one whose totals tie with the other tables
    (`tie(group, key)`: the tie's evidence, or None)."""
    settled = dict(typings)
    claimed: set[str] = set()
    # surest first; within a rank, in page order (sorted is stable)
    for group in sorted(settled, key=lambda g: -RANK[settled[g].confidence]):
        typing = settled[group]
        if typing.key is None:
            continue
        if typing.key in claimed:
            settled[group] = replace(
                typing,
                key=None,
                confidence=UNTYPED,
                basis=f"{typing.key} is taken by a surer or earlier table",
            )
        claimed.add(typing.key)
    taken = set(claimed)
    for group, typing in settled.items():
        if typing.key is None and typing.candidates:
            tied = {
                key: why for key in sorted(typing.candidates - taken) if (why := tie(group, key))
            }
            if len(tied) == 1:
                ((key, why),) = tied.items()
                settled[group] = replace(typing, key=key, confidence=CERTAIN, basis=why)
                taken.add(key)
            else:
                why = ", ".join(sorted(typing.candidates))
                settled[group] = replace(typing, basis=f"could be {why}; no totals tie")
        elif typing.confidence == PROBABLE and typing.key and (why := tie(group, typing.key)):
            settled[group] = replace(typing, confidence=CERTAIN, evidence=(*typing.evidence, why))
    return settled
