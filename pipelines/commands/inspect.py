"""`budget inspect FILE [--page N] [--out DIR]`: what the parser saw, drawn on the pages.

Adding the next template starts here: for every page with a ruled table, a PNG with the
ruling lines (grey), the cells the grid was rebuilt into (blue) and each table's type,
confidence and evidence (a label at its top left: green when certain, orange when
probable, red when doubtful or untyped, grey for a table beside the standard ones); and a
text summary of every table (type, what decided, the evidence seen), of what stayed
generic and why, and of the tables the document lists. Labels on the picture are ASCII
(no CJK font needed); the summary holds the Chinese titles and evidence.

A second opinion sits beside ours: the cells camelot's own lattice finds (magenta), from
the rendered page (OpenCV) and the vector lines together, and its tables' shapes in the
summary. Where the two grids part, one of them misread the page. camelot is imported
here only (--no-camelot skips it): the extraction path must not import OpenCV.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.budget_doc import CERTAIN, DECLARED_TABLES, GENERIC, PROBABLE
from pipelines.commands import fail
from pipelines.errors import BudgetInputError, printable
from pipelines.extraction.document import DocumentReading, TableReading, read_document
from pipelines.extraction.pdf_pages import PageContent, open_pdf

SCALE = 1.5  # pixels per point: 108 dpi, legible without large files
_LABEL_SIZE = 14  # pixels
_COLOURS = {CERTAIN: (0, 140, 60), PROBABLE: (230, 120, 0), GENERIC: (110, 110, 110)}
_DOUBT = (210, 30, 30)
_RULING, _CELL, _CAMELOT = (170, 170, 170), (40, 90, 220), (200, 0, 160)


def run_inspect(args) -> int:
    path = Path(args.pdf)
    try:
        reading = read_document(path, password=args.password)
    except BudgetInputError as exc:
        return fail("inspect", f"{printable(str(exc.path))}: {exc.reason}")
    out = Path(args.out) if args.out else Path(f"{path.stem}_inspect")
    out.mkdir(parents=True, exist_ok=True)
    pages = _pages_to_draw(reading, args.page)
    if args.page is not None and not pages:
        return fail("inspect", f"{printable(str(path))}: no page {args.page} with a ruled table")
    second = None if args.no_camelot else camelot_opinion(path, reading, pages, args.password)
    written = draw_pages(reading, path, pages, out, args.password, second)
    text = summary(reading, args.page) + (second.summary(reading) if second else "")
    (out / "summary.txt").write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    print(f"wrote {len(written)} page image(s) and summary.txt to {out}")
    return 0


def _pages_to_draw(reading: DocumentReading, only: int | None) -> list[int]:
    pages = sorted({p.grid.page for table in reading.tables for p in table.pieces})
    return [p for p in pages if only is None or p == only]


@dataclass
class SecondOpinion:
    """The tables camelot's lattice finds on the pages drawn (its coordinates: PDF points)."""

    tables: dict[int, list] = field(default_factory=dict)  # page -> camelot Tables
    turned: set[int] = field(default_factory=set)  # pages camelot measures in its own frame
    error: str = ""  # why camelot read nothing

    def summary(self, reading: DocumentReading) -> str:
        """Per page, camelot's table shapes (rows×columns) beside ours."""
        lines = ["", "camelot lattice, a second opinion (magenta on the pictures):"]
        if self.error:
            return "\n".join([*lines, f"    camelot could not read the file: {self.error}"]) + "\n"
        for number, tables in self.tables.items():
            ours = [
                f"{p.grid.n_rows}×{p.grid.n_cols}"
                for table in reading.tables
                for p in table.pieces
                if p.grid.page == number
            ]
            theirs = [f"{rows}×{cols}" for rows, cols in (t.shape for t in tables)]
            line = f"    p.{number}: {', '.join(theirs) or 'no table'} (ours: {', '.join(ours)})"
            if number in self.turned:
                line += "; not drawn: a turned page, measured in camelot's own frame"
            lines.append(line)
        return "\n".join(lines) + "\n"


def camelot_opinion(
    path: Path, reading: DocumentReading, numbers: list[int], password: str | None
) -> SecondOpinion:
    """camelot's lattice (its default engine) run on the pages drawn."""
    import camelot  # OpenCV and pandas: imported here only, extraction never needs them

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="No tables found", category=UserWarning)
            found = camelot.read_pdf(
                str(path), pages=",".join(map(str, numbers)), password=password
            )
    except Exception as exc:  # noqa: BLE001 - a second opinion must not stop the first
        return SecondOpinion(error=printable(f"{type(exc).__name__}: {exc}"))
    opinion = SecondOpinion(tables={number: [] for number in numbers})
    for table in found:
        opinion.tables[table.page].append(table)
    opinion.turned = _turned_pages(path, password, reading, numbers)
    return opinion


def _turned_pages(
    path: Path, password: str | None, reading: DocumentReading, numbers: list[int]
) -> set[int]:
    """The pages /Rotate'd or printed sideways: camelot measures them in a frame of its
    own (y off by the page's width less its height), not in PDF points."""
    frames = {page.number: page.frame for page in reading.pages}
    pdf = open_pdf(path, password)
    try:
        rotated = {n for n in numbers if pdf[n - 1].get_rotation() != 0}
    finally:
        pdf.close()
    return rotated | {n for n in numbers if (frames[n].a, frames[n].b, frames[n].c) != (1, 0, 0)}


def draw_pages(
    reading: DocumentReading,
    path: Path,
    numbers: list[int],
    out: Path,
    password: str | None,
    second: SecondOpinion | None = None,
) -> list[Path]:
    """One PNG per page number: the page, its ruling lines, cells and table labels, and
    camelot's cells when `second` holds them."""
    from PIL import ImageDraw, ImageFont  # Pillow: imported here, extraction never needs it

    font = ImageFont.load_default(size=_LABEL_SIZE)
    contents = {page.number: page for page in reading.pages}
    pdf = open_pdf(path, password)
    written = []
    try:
        for number in numbers:
            image = pdf[number - 1].render(scale=SCALE).to_pil().convert("RGB")
            draw = ImageDraw.Draw(image)
            _draw_rulings(draw, contents[number])
            if second is not None and number not in second.turned:
                for table in second.tables.get(number, []):
                    _draw_camelot(draw, contents[number], table)
            for table in reading.tables:
                for piece in table.pieces:
                    if piece.grid.page == number:
                        _draw_piece(draw, font, table, piece)
            target = out / f"page-{number:03d}.png"
            image.save(target)
            written.append(target)
    finally:
        pdf.close()
    return written


def _draw_rulings(draw, page: PageContent) -> None:
    for x0, y0, x1, y1 in page.h_lines + page.v_lines:
        left, top, right, bottom = page.frame.box(x0, y0, x1, y1)
        draw.rectangle(_scaled(left, top, right, bottom), outline=_RULING, width=1)


def _draw_camelot(draw, page: PageContent, table) -> None:
    """The cell borders camelot found drawn (a merged cell lacks the inner ones)."""
    for row in table.cells:
        for cell in row:
            x0, y0, x1, y1 = cell.x1, cell.y1, cell.x2, cell.y2
            edges = (
                (cell.left, (x0, y0, x0, y1)),
                (cell.right, (x1, y0, x1, y1)),
                (cell.top, (x0, y1, x1, y1)),
                (cell.bottom, (x0, y0, x1, y0)),
            )
            for drawn, edge in edges:
                if drawn:
                    draw.rectangle(_scaled(*page.frame.box(*edge)), outline=_CAMELOT, width=1)


def _draw_piece(draw, font, table: TableReading, piece) -> None:
    grid = piece.grid
    for cell in grid.cells:
        _, x0, top, x1, bottom = grid.box(cell)
        draw.rectangle(_scaled(x0 + 1, top + 1, x1 - 1, bottom - 1), outline=_CELL, width=1)
    _, x0, top, _, _ = grid.box(grid.cells[0])
    typing = table.typing
    colour = _COLOURS.get(typing.confidence, _DOUBT)
    label = f"{typing.key or 'generic'} | {typing.confidence}"
    left, y = x0 * SCALE, max(top * SCALE - _LABEL_SIZE - 4, 0)
    box = draw.textbbox((left, y), label, font=font)
    draw.rectangle((box[0] - 2, box[1] - 2, box[2] + 2, box[3] + 2), fill=(255, 255, 255))
    draw.text((left, y), label, fill=colour, font=font)


def _scaled(*points: float) -> tuple[float, ...]:
    left, top, right, bottom = (v * SCALE for v in points)
    return min(left, right), min(top, bottom), max(left, right), max(top, bottom)


def summary(reading: DocumentReading, only: int | None = None) -> str:
    """Every table: pages, type, confidence, what decided and the evidence; what stayed
    generic and why; the tables the document lists and whether each is printed."""
    doc = reading.extraction.doc
    lines = [
        f"{reading.extraction.path}: {doc.get('department')} {doc.get('fiscal_year')}, "
        f"template {doc.get('layout', 'guangzhou')}, {reading.extraction.page_count} pages",
        "",
    ]
    for table in reading.tables:
        pages = sorted({p.grid.page for p in table.pieces})
        if only is not None and only not in pages:
            continue
        typing = table.typing
        kind = typing.key or "generic (extra table)"
        lines.append(f"p.{_span(pages)}  {kind}  [{typing.confidence}: {typing.basis}]")
        lines.append(f"    title: {table.title or '(untitled)'}")
        lines.extend(f"    evidence: {e}" for e in typing.evidence)
    declared = doc.get(DECLARED_TABLES)
    if declared and only is None:
        lines += ["", f"listed in {declared['source']}:"]
        lines += [
            f"    {e['key'] or '-'}  {e['title']}: {e['printed']}" for e in declared["tables"]
        ]
    if reading.extraction.warnings and only is None:
        lines += ["", "warnings:"] + [f"    {w}" for w in reading.extraction.warnings]
    return "\n".join(lines) + "\n"


def _span(pages: list[int]) -> str:
    return str(pages[0]) if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"
