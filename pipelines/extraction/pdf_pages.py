"""Glyphs and ruling lines of each PDF page, read through pdfium.

pdfium (pypdfium2, which camelot 2 itself depends on) is C++: it reads a page's
glyphs with tight boxes and its vector paths about five times faster than the pure
Python PDF interpreters, opens owner-password-restricted files that camelot 2.0
refuses, and tells us when a font has no usable ToUnicode map. Coordinates are PDF
points with y growing upwards, the convention of camelot's line functions (ruling.py).
"""

import ctypes
import importlib.util
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.budget_doc import TEXT_LAYER
from pipelines.errors import BudgetInputError
from pipelines.limits import (
    ParseLimits,
    check_cells,
    check_decoded_bytes,
    check_page_count,
    check_segments,
)

# A filled rectangle thinner than this is a ruling line drawn as a rectangle (WPS, Excel).
_THIN = 2.0
# Segments shorter than this are text decorations, not cell borders.
_MIN_LINE_LENGTH = 3.0
_PASSWORD_ERROR = 4  # FPDF_ERR_PASSWORD
_LINE_END_HYPHEN = 0x02  # pdfium's code for a hyphen that ends a wrapped line
OCR_INSTALL = 'pip install -e ".[ocr]"'  # the extra that reads scans (extraction/ocr.py)


@dataclass(frozen=True, slots=True)
class Glyph:
    """One printed character and its tight box (x0 < x1, y0 < y1)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    baseline: float  # the glyph origin's y: shared by every glyph of a text line
    baseline_x: float = 0.0  # the origin's x, needed to turn a rotated page upright

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class PageFrame:
    """Where a point of the reading frame (PDF points, y up, a turned page turned upright)
    is on the page as a viewer shows it: points from its top-left corner, y down, the
    /Rotate applied, as pdfplumber measures. Provenance boxes are given in this frame so
    anyone can find them; the affine map is x' = a·x + c·y + e, y' = b·x + d·y + f."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0
    d: float = 1.0
    e: float = 0.0
    f: float = 0.0

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.a * x + self.c * y + self.e, self.b * x + self.d * y + self.f

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
        """(x0, top, x1, bottom) on the shown page of a reading-frame rectangle."""
        (ax, ay), (bx, by) = self.point(x0, y0), self.point(x1, y1)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)

    def after(self, inner: "PageFrame") -> "PageFrame":
        """This map applied to the result of `inner`."""
        return PageFrame(
            self.a * inner.a + self.c * inner.b,
            self.b * inner.a + self.d * inner.b,
            self.a * inner.c + self.c * inner.d,
            self.b * inner.c + self.d * inner.d,
            self.a * inner.e + self.c * inner.f + self.e,
            self.b * inner.e + self.d * inner.f + self.f,
        )


@dataclass
class PageContent:
    """What the table finder needs of one page."""

    number: int  # 1-based
    width: float
    height: float
    frame: PageFrame = field(default_factory=PageFrame)  # reading frame -> page as shown
    glyphs: list[Glyph] = field(default_factory=list)
    h_lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    v_lines: list[tuple[float, float, float, float]] = field(default_factory=list)
    unmapped_glyphs: int = 0  # glyphs whose font had no usable ToUnicode entry
    control_glyphs: int = 0  # printed characters decoded as control codes: a damaged file
    image_count: int = 0
    text_source: str = TEXT_LAYER  # or OCR: read from a scan's image (ocr.py)
    ocr: list = field(default_factory=list)  # ocr.OcrBox: each recognised text and its score


def open_pdf(
    path: Path, password: str | None = None, limits: ParseLimits | None = None
) -> pdfium.PdfDocument:
    """Open a PDF or raise BudgetInputError with the reason a user can act on (a file whose
    streams inflate past `limits` is refused before pdfium reads it)."""
    if not path.exists():
        raise BudgetInputError(path, "file not found")
    if path.stat().st_size == 0:
        raise BudgetInputError(path, "empty file (0 bytes)")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise BudgetInputError(path, "not a PDF (no %PDF header)")
    check_decoded_bytes(path, limits or ParseLimits.from_env())
    try:
        return pdfium.PdfDocument(str(path), password=password)
    except pdfium.PdfiumError as exc:
        if pdfium_c.FPDF_GetLastError() == _PASSWORD_ERROR:
            if password:
                raise BudgetInputError(path, "encrypted PDF: the password is wrong") from None
            raise BudgetInputError(
                path, "encrypted PDF: it needs a user password (pass --password)"
            ) from None
        raise BudgetInputError(path, f"damaged or truncated PDF ({exc})") from None


def document_title(document: pdfium.PdfDocument) -> str:
    """The metadata title, decoded: Acrobat Distiller writes GBK bytes as a hex string,
    and some provinces print the fiscal year only there."""
    title = document.get_metadata_value("Title") or ""
    hex_digits = title[1:-1]
    if title.startswith("<") and title.endswith(">") and len(hex_digits) % 2 == 0:
        try:
            raw = bytes.fromhex(hex_digits)
        except ValueError:
            return title
        for encoding in (
            ("utf-16", "gb18030") if raw[:2] in (b"\xfe\xff", b"\xff\xfe") else ("gb18030",)
        ):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
    return title


def read_pages(
    document: pdfium.PdfDocument, path: Path | None = None, limits: ParseLimits | None = None
) -> Iterator[PageContent]:
    """Yield every page's glyphs and ruling lines, in page order; LimitExceededError (naming
    `path`) for a document over the page limit or a page over the drawing-segment limit."""
    path = path or Path("PDF")
    limits = limits or ParseLimits.from_env()
    check_page_count(path, len(document), limits)
    for index in range(len(document)):
        yield read_page(document, index + 1, path, limits)


def read_page(
    document: pdfium.PdfDocument, number: int, path: Path, limits: ParseLimits
) -> PageContent:
    """One page (1-based `number`) read as `read_pages` reads it."""
    page = document[number - 1]
    try:
        content = _read_page(page, number, path, limits)
        if not content.glyphs and content.image_count and _ocr_installed():
            from pipelines.extraction.ocr import read_scan  # OpenCV only for a scan

            content = read_scan(page, content, path)
        return content
    finally:
        page.close()


def _ocr_installed() -> bool:
    """Is the `ocr` extra's engine installed (without importing it)?"""
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _read_page(page: pdfium.PdfPage, number: int, path: Path, limits: ParseLimits) -> PageContent:
    width, height = page.get_size()
    shown = _shown_frame(page.get_mediabox(), page.get_rotation())
    content = PageContent(number=number, width=width, height=height, frame=shown)
    textpage = page.get_textpage()
    try:
        glyphs = _glyphs(textpage)
        content.glyphs, content.unmapped_glyphs, content.control_glyphs, turned = glyphs
    finally:
        textpage.close()
    h_raw: list[tuple[float, float, float, float]] = []
    v_raw: list[tuple[float, float, float, float]] = []
    segments = 0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            content.image_count += 1
            continue
        segments += max(pdfium_c.FPDFPath_CountSegments(obj.raw), 1)
        check_segments(path, number, segments, limits)
        _path_lines(obj, h_raw, v_raw)
    if turned:
        _turn_upright(content, turned, h_raw, v_raw)
    content.h_lines = _merge_collinear(h_raw, horizontal=True)
    content.v_lines = _merge_collinear(v_raw, horizontal=False)
    check_cells(path, number, len(content.h_lines), len(content.v_lines), limits)
    return content


def _turn_upright(content: PageContent, turned: int, h_raw: list, v_raw: list) -> None:
    """A landscape table printed turned by 90° on a portrait page (Distiller output):
    map every coordinate so that text reads left to right again."""
    w, h = content.width, content.height
    if turned == 90:  # (x, y) -> (h - y, x)
        point = lambda x, y: (h - y, x)  # noqa: E731
        back = PageFrame(0.0, -1.0, 1.0, 0.0, 0.0, h)
    else:  # (x, y) -> (y, w - x)
        point = lambda x, y: (y, w - x)  # noqa: E731
        back = PageFrame(0.0, 1.0, -1.0, 0.0, w, 0.0)
    content.frame = content.frame.after(back)
    glyphs = []
    for g in content.glyphs:
        (ax, ay), (bx, by) = point(g.x0, g.y0), point(g.x1, g.y1)
        base = point(g.baseline_x, g.baseline)[1]
        glyphs.append(Glyph(g.text, min(ax, bx), min(ay, by), max(ax, bx), max(ay, by), base))
    content.glyphs = glyphs
    lines = []
    for x0, y0, x1, y1 in h_raw + v_raw:
        (ax, ay), (bx, by) = point(x0, y0), point(x1, y1)
        lines.append((min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    h_raw[:] = [ln for ln in lines if ln[3] - ln[1] < ln[2] - ln[0]]
    v_raw[:] = [ln for ln in lines if ln[3] - ln[1] >= ln[2] - ln[0]]
    content.width, content.height = h, w


def _shown_frame(mediabox: tuple[float, ...], rotation: int) -> PageFrame:
    """User space -> the page as shown (top-left origin, /Rotate applied), as pdfminer and
    pdfplumber compute it from the MediaBox."""
    x0, y0, x1, y1 = mediabox
    if rotation == 90:
        return PageFrame(0.0, 1.0, 1.0, 0.0, -y0, -x0)
    if rotation == 180:
        return PageFrame(-1.0, 0.0, 0.0, 1.0, x1, -y0)
    if rotation == 270:
        return PageFrame(0.0, -1.0, -1.0, 0.0, y1, x1)
    return PageFrame(1.0, 0.0, 0.0, -1.0, -x0, y1)


# The upright angle (0, 90 or 270 degrees) nearest to each whole degree a glyph may be
# turned by: looked up per glyph instead of computed, as every page reads thousands.
_NEAREST_ANGLE = {
    d: min((0, 90, 270), key=lambda a, d=d: min(abs(a - d), 360 - abs(a - d))) for d in range(360)
}


def _glyphs(textpage: pdfium.PdfTextPage) -> tuple[list[Glyph], int, int, int]:
    """Glyphs, the counts of unmapped ones and of control codes, and the page's text angle
    (0, 90 or 270)."""
    raw = textpage.raw
    left, right = ctypes.c_double(), ctypes.c_double()
    bottom, top = ctypes.c_double(), ctypes.c_double()
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
    glyphs: list[Glyph] = []
    unmapped = controls = 0
    angles = {0: 0, 90: 0, 270: 0}
    for i in range(pdfium_c.FPDFText_CountChars(raw)):
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        mapped = pdfium_c.FPDFText_HasUnicodeMapError(raw, i) != 1
        unmapped += not mapped
        text = _char_text(
            code, code == _LINE_END_HYPHEN and pdfium_c.FPDFText_IsHyphen(raw, i) == 1
        )
        if text is None:
            controls += mapped and _is_control(code)  # unmapped: a missing map, not damage
            continue
        pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom, top)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, origin_x, origin_y)
        degrees = round(math.degrees(pdfium_c.FPDFText_GetCharAngle(raw, i))) % 360
        angles[_NEAREST_ANGLE[degrees]] += 1
        glyphs.append(
            Glyph(
                text,
                left.value,
                bottom.value,
                right.value,
                top.value,
                origin_y.value,
                origin_x.value,
            )
        )
    return glyphs, unmapped, controls, max(angles, key=angles.get)


def _is_control(code: int) -> bool:
    """A control code no producer prints: not whitespace, nor pdfium's own U+0002 (a wrap's
    hyphen, flagged or not) and U+FFFE."""
    return (code < 0x20 or 0x7F <= code <= 0x9F) and chr(code) not in "\t\n\r\x02"


def _char_text(code: int, line_end_hyphen: bool) -> str | None:
    """The printed character, or None for a code that prints nothing.

    pdfium reports a `-` that ends a wrapped line (`2023年-` / `2024年` in one cell) as
    U+0002 and flags it a hyphen; every other control character or non-character
    (U+FFFE) is layout, never text."""
    if line_end_hyphen:
        return "-"
    if code < 0x20 or 0x7F <= code <= 0x9F or code in (0xFFFE, 0xFFFF):
        return None
    return chr(code)


def _path_lines(obj, h_out: list, v_out: list) -> None:
    """Axis-aligned edges of one path: thin filled rectangles and stroked segments."""
    x0, y0, x1, y1 = obj.get_bounds()
    if (x1 - x0) < _THIN and (y1 - y0) >= _MIN_LINE_LENGTH:
        v_out.append(((x0 + x1) / 2, y0, (x0 + x1) / 2, y1))
        return
    if (y1 - y0) < _THIN and (x1 - x0) >= _MIN_LINE_LENGTH:
        h_out.append((x0, (y0 + y1) / 2, x1, (y0 + y1) / 2))
        return
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    if not stroke.value:
        return  # a filled box (cell shading) is not a ruling
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
    px, py = ctypes.c_float(), ctypes.c_float()
    start = previous = None
    for i in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, i)
        pdfium_c.FPDFPathSegment_GetPoint(segment, px, py)
        point = (
            matrix.a * px.value + matrix.c * py.value + matrix.e,
            matrix.b * px.value + matrix.d * py.value + matrix.f,
        )
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            start = previous = point
            continue
        if previous is not None:
            _add_segment(previous, point, h_out, v_out)
        previous = point
        if pdfium_c.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_segment(point, start, h_out, v_out)
            previous = start


def _add_segment(a, b, h_out: list, v_out: list) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) < 0.5 and abs(ax - bx) >= _MIN_LINE_LENGTH:
        h_out.append((min(ax, bx), ay, max(ax, bx), ay))
    elif abs(ax - bx) < 0.5 and abs(ay - by) >= _MIN_LINE_LENGTH:
        v_out.append((ax, min(ay, by), ax, max(ay, by)))


def _merge_collinear(lines: list, horizontal: bool, tol: float = 1.0) -> list:
    """Join touching segments on one line: spreadsheets draw every cell border apart,
    and the crossing search (ruling.py) is quadratic in the number of segments.

    Segments of one border may sit a fraction of a point apart (Word draws a column's
    header rule at x=355.0 and its body rule at 355.1): they are one line, and each
    segment keeps its own extent, so a short one never hides a long one beside it."""
    if horizontal:
        keyed = sorted(((y0, x0, x1) for x0, y0, x1, _ in lines))
    else:
        keyed = sorted(((x0, y0, y1) for x0, y0, _, y1 in lines))
    clusters: list[list[tuple[float, float, float]]] = []
    for segment in keyed:
        if clusters and segment[0] - clusters[-1][-1][0] <= tol:
            clusters[-1].append(segment)
        else:
            clusters.append([segment])
    merged: list[list[float]] = []
    for cluster in clusters:
        start = len(merged)
        for pos, lo, hi in sorted(cluster, key=lambda s: s[1]):
            last = merged[-1] if len(merged) > start else None
            if last and lo <= last[2] + tol:
                last[2] = max(last[2], hi)
            else:
                merged.append([pos, lo, hi])
    if horizontal:
        return [(lo, pos, hi, pos) for pos, lo, hi in merged]
    return [(pos, lo, pos, hi) for pos, lo, hi in merged]
