"""The one reader of a budget-doc/1 document: typed, read-only views over its dict.

The extractor writes the document as plain dicts (so `budget extract` prints exactly the
format); every other stage (loader, checks, staging) reads it through `BudgetDoc`, which says
once what an absent key means and where a total row, a project row and an amount are.
The format's names themselves live in pipelines/budget_doc.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pipelines.budget_doc import (
    BUDGET_STAGE,
    CELL_BOXES,
    CERTAIN,
    COLUMN_PARTS,
    DECLARED_TABLES,
    DEFAULT_LAYOUT,
    DEFAULT_UNIT,
    DEPARTMENT_BUDGET,
    DISAGREEING_HEADINGS,
    NARRATIVE_FIGURES,
    OCR_EXTENSION,
    PROBABLE,
    PROJECTS,
    SPENDING_TABLES,
    SUMMARY_SIDES,
    TABLE_PAGES,
    TABLE_TYPING,
    BudgetDocError,
    is_total_label,
)

CellBox = tuple[int, float, float, float, float]  # page (1-based), x0, top, x1, bottom


@dataclass(frozen=True)
class StatedFigure:
    """One figure the narrative states (`narrative_figures`): `figure` as printed (a decimal
    string, signed for a decrease), in `unit` (元, 万元, % or `sign`: -1, 0, 1), on `page`
    (None for text without pages); `subject` names what a statement about one of several
    things is about (a 项's 类/款/项 names, a share's part), else None."""

    topic: str
    figure: str
    unit: str
    page: int | None
    sentence: str
    subject: str | None = None


@dataclass(frozen=True)
class Line:
    """One item of a side of a two-sided table (t01, t04): `{item, amount}`."""

    item: str | None
    amount: str | None

    @property
    def title(self) -> str:
        return self.item or ""

    @property
    def has_label(self) -> bool:
        return bool(self.title.strip())


@dataclass(frozen=True)
class Row:
    """One row: coded (code, name), itemised (item), project (name, performance_goal) or
    generic (label); `values` are the amounts as printed, column by column (None: blank)."""

    values: tuple[str | None, ...] = ()
    code: str | None = None
    name: str | None = None
    item: str | None = None
    label: str | None = None
    performance_goal: str | None = None

    @classmethod
    def of(cls, raw: Mapping) -> Row:
        return cls(
            tuple(raw.get("values") or ()),
            raw.get("code"),
            raw.get("name"),
            raw.get("item"),
            raw.get("label"),
            raw.get("performance_goal"),
        )

    @property
    def title(self) -> str:
        """What a reader calls the row: its item, `code name`, or a generic row's label."""
        if self.item is not None:
            return self.item
        return f"{self.code} {self.name or ''}" if self.code else self.name or self.label or ""

    @property
    def is_total(self) -> bool:
        """The row sums the others: no subject code and a total label (合计, 总计 …)."""
        label = next((t for t in (self.name, self.item, self.label) if t is not None), None)
        return not self.code and is_total_label(label)

    @property
    def has_label(self) -> bool:
        """The row names what its amounts are (an amount about nothing cannot load)."""
        return any((t or "").strip() for t in (self.item, self.code, self.name, self.label))

    def value(self, j: int) -> str | None:
        return self.values[j] if j < len(self.values) else None


@dataclass(frozen=True)
class Table:
    """A standard table (`tables[key]`) or an extra one (`extra_tables[i]`: title, kind,
    pages). Two-sided tables have `sides`; the others `columns` and `rows`."""

    columns: tuple[str, ...] = ()
    rows: tuple[Row, ...] = ()
    sides: Mapping[str, tuple[Line, ...]] = field(default_factory=dict)
    has_rows: bool = False  # prints a grid of rows (possibly none), not two sides
    unit: str | None = None  # its own unit, when not the document's
    note: str | None = None
    printed_decimals: int | None = None
    title: str | None = None
    kind: str | None = None
    pages: tuple[int, ...] = ()

    @classmethod
    def of(cls, raw: Mapping) -> Table:
        return cls(
            columns=tuple(raw.get("columns") or ()),
            rows=tuple(Row.of(r) for r in raw.get("rows") or ()),
            sides={
                side: tuple(Line(i.get("item"), i.get("amount")) for i in raw[side] or ())
                for side in SUMMARY_SIDES
                if side in raw
            },
            has_rows="rows" in raw,
            unit=raw.get("unit"),
            note=raw.get("note"),
            printed_decimals=raw.get("printed_decimals"),
            title=raw.get("title"),
            kind=raw.get("kind"),
            pages=tuple(raw.get("pages") or ()),
        )

    def side(self, name: str) -> tuple[Line, ...]:
        return self.sides.get(name, ())

    def row_of_subject(self, subject: str) -> Row | None:
        """The 项 a statement names: by its code (`2050202`), or by the names of its 类,
        款 and 项 (`一般公共服务支出/财政事务/行政运行`)."""
        if subject.isdigit():
            return next((r for r in self.rows if r.code == subject), None)
        names = subject.split("/")
        by_code = {r.code: r for r in self.rows if r.code}
        for row in self.rows:
            if row.code and len(row.code) == 7 and row.name == names[-1]:
                chain = [by_code.get(row.code[:3]), by_code.get(row.code[:5]), row]
                if [r.name if r else None for r in chain] == names:
                    return row
        return None

    def prints_amounts(self) -> bool:
        return any(v is not None for row in self.rows for v in row.values)


@dataclass(frozen=True)
class BudgetDoc:
    """One budget-doc/1 document, read-only: fields, tables, extra tables, extensions."""

    department: str | None = None
    fiscal_year: int | None = None
    unit: str | None = None  # as stated; `main_unit` is what amounts are in
    layout: str = DEFAULT_LAYOUT
    document_kind: str = DEPARTMENT_BUDGET
    stage: str = BUDGET_STAGE
    tables: Mapping[str, Table] = field(default_factory=dict)
    extra_tables: tuple[Table, ...] = ()
    narrative_figures: tuple[StatedFigure, ...] = ()
    table_pages: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    cell_boxes: Mapping = field(default_factory=dict)  # shaped like tables / extra_tables
    table_typing: Mapping = field(default_factory=dict)  # shaped like tables / extra_tables
    declared_tables: Mapping = field(default_factory=dict)  # what its 目录 / numbers list
    column_parts: Mapping = field(default_factory=dict)  # table key -> {part: whole column}
    disagreeing_headings: tuple[Mapping, ...] = ()  # headings naming another year or body
    ocr_doubts: Mapping[str, str] = field(default_factory=dict)  # table key -> its OCR doubt

    @classmethod
    def of(cls, doc: BudgetDoc | Mapping) -> BudgetDoc:
        if isinstance(doc, BudgetDoc):
            return doc
        return cls(
            department=doc.get("department"),
            fiscal_year=doc.get("fiscal_year"),
            unit=doc.get("unit"),
            layout=doc.get("layout", DEFAULT_LAYOUT),
            document_kind=doc.get("document_kind", DEPARTMENT_BUDGET),
            stage=doc.get("stage", BUDGET_STAGE),
            tables={key: Table.of(t) for key, t in (doc.get("tables") or {}).items()},
            extra_tables=tuple(Table.of(t) for t in doc.get("extra_tables") or ()),
            narrative_figures=tuple(StatedFigure(**f) for f in doc.get(NARRATIVE_FIGURES) or ()),
            table_pages={k: tuple(p or ()) for k, p in (doc.get(TABLE_PAGES) or {}).items()},
            cell_boxes=doc.get(CELL_BOXES) or {},
            table_typing=doc.get(TABLE_TYPING) or {},
            declared_tables=doc.get(DECLARED_TABLES) or {},
            column_parts=doc.get(COLUMN_PARTS) or {},
            disagreeing_headings=tuple(doc.get(DISAGREEING_HEADINGS) or ()),
            ocr_doubts=_ocr_doubts(doc.get(CELL_BOXES) or {}, doc.get(OCR_EXTENSION) or {}),
        )

    def typing_of(self, key: str) -> Mapping | None:
        """How standard table `key` was typed (`table_typing`), None where the document
        does not say (a truth file, a document written before typing: taken as sure)."""
        return (self.table_typing.get("tables") or {}).get(key)

    def doubt(self, keys: Iterable[str]) -> str:
        """Why the parser is unsure of figures read from `keys` ("" when sure): a table whose
        title and content disagree, or, when several tables are compared, one that a
        single source typed (title alone, content alone), or a table printing a figure that
        OCR read with a low score (`ocr`: its page, box and score)."""
        keys = list(dict.fromkeys(keys))
        reasons = [self.ocr_doubts[key] for key in keys if key in self.ocr_doubts]
        for key in keys:
            typing = self.typing_of(key)
            if typing is None or typing.get("confidence") == CERTAIN:
                continue
            if typing.get("confidence") == PROBABLE and len(keys) == 1:
                continue
            reasons.append(f"{key} typed by {typing.get('basis') or typing.get('confidence')}")
        return "; ".join(reasons)

    def cell_box(self, *position: str | int) -> CellBox | None:
        """Where the value at `position` is printed (the keys and indexes that reach it:
        "tables", key, row, column / "tables", key, side, line / "extra_tables", i, row,
        column); None where the document gives no box (one written before provenance, a
        truth file)."""
        box = self.cell_boxes
        for step in position:
            if isinstance(box, Mapping):
                box = box.get(step)
            elif isinstance(box, list) and isinstance(step, int) and step < len(box):
                box = box[step]
            else:
                box = None
        if box is None:
            return None
        if not (
            isinstance(box, list)
            and len(box) == 5
            and type(box[0]) is int
            and box[0] >= 1
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in box[1:])
        ):
            raise BudgetDocError(f"cell box {box!r} is not [page, x0, top, x1, bottom]")
        return tuple(box)

    @property
    def main_unit(self) -> str:
        return self.unit or DEFAULT_UNIT

    def table(self, key: str) -> Table | None:
        return self.tables.get(key)

    def rows(self, key: str) -> tuple[Row, ...]:
        table = self.tables.get(key)
        return table.rows if table is not None else ()

    def spending_key(self) -> str | None:
        """The appropriation spending by function the document prints: 一般公共预算 (t05),
        else a university's 财政拨款 (t13); what a 决算's statements about a 项 refer to."""
        return next((k for k in SPENDING_TABLES if k in self.tables), None)

    def item_code(self, topic: str, subject: str | None) -> str | None:
        """The function code of the 项 a stated figure is about (`item_…` topics), else None."""
        if not subject or not topic.startswith("item_"):
            return None
        key = self.spending_key()
        row = self.tables[key].row_of_subject(subject) if key else None
        return row.code if row is not None else (subject if subject.isdigit() else None)

    def unit_of(self, table: Table | None) -> str:
        """The unit a table's amounts are printed in."""
        return (table.unit if table is not None else None) or self.main_unit

    def unit_names(self) -> set[str]:
        """The budget units (单位) that group rows in t11 and t12: the department, and each
        t11 item that t12 also names."""
        t11 = {r.item for r in self.rows("t11_basic_by_unit")}
        t12 = {r.name for r in self.rows(PROJECTS)}
        names = (t11 & t12) | {self.department}
        return {n for n in names if n and not is_total_label(n)}

    def project_rows(self) -> list[Row]:
        """The t12 rows that are projects: neither a total row nor a budget unit's row
        (the one rule; a project whose performance goal is blank is still a project)."""
        units = self.unit_names()
        return [r for r in self.rows(PROJECTS) if not r.is_total and r.name not in units]

    def t12_row_kind(self, row: Row) -> str:
        """'total', 'unit' (a budget unit's sub-total) or 'project', by `project_rows`' rule."""
        if row.is_total:
            return "total"
        return "unit" if row.name in self.unit_names() else "project"


def _ocr_doubts(cell_boxes: Mapping, ocr: Mapping) -> dict[str, str]:
    """Each standard table printing a text OCR scored low (budget-doc `ocr`), with the
    first such cell: `(OCR) page 13, box [x0, top, x1, bottom] '32.80', score 0.61`."""
    low = ocr.get("low_confidence") or ()
    if not low:  # a text PDF, or a scan read with confidence: no cell box to walk
        return {}
    doubts: dict[str, str] = {}
    for key, boxes in (cell_boxes.get("tables") or {}).items():
        cells = list(_boxes(boxes))
        for page, x0, top, x1, bottom, text, score in low:
            cx, cy = (x0 + x1) / 2, (top + bottom) / 2
            if any(b[0] == page and b[1] <= cx <= b[3] and b[2] <= cy <= b[4] for b in cells):
                box = [x0, top, x1, bottom]
                doubts[key] = f"(OCR) page {page}, box {box} {text!r}, score {score}"
                break
    return doubts


def _boxes(nested) -> Iterable[list]:
    """Every [page, x0, top, x1, bottom] inside a table's `cell_boxes` entry."""
    if isinstance(nested, Mapping):
        nested = list(nested.values())
    if isinstance(nested, list) and len(nested) == 5 and type(nested[0]) is int:
        yield nested
    elif isinstance(nested, list):
        for item in nested:
            yield from _boxes(item)
