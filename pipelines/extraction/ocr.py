"""A scanned page read from its image: the same PageContent a text PDF gives.

Many county and township budgets are published as scans. A page with no text layer but
an image is rendered, straightened and its ruling lines found (raster_ruling.py); the
grid they make is built by grid.py exactly as for a text PDF, each cell's text lines are
recognised on their own crop (rapidocr's recogniser, its ONNX models inside the wheel:
nothing is downloaded), and so are the lines outside the grid (title, unit, department).
Each recognised text becomes glyphs spread over its box, so identity, table typing, the
warehouse and every check work unchanged. Each box keeps its recognition score
(`PageContent.ocr`): a check whose figures include a low one says it could not verify.

OpenCV and onnxruntime are imported only by this module and raster_ruling.py, and they
only for a scan (pdf_pages.read_page imports them lazily).
"""

from __future__ import annotations

import re
import statistics
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.budget_doc import OCR
from pipelines.errors import BudgetInputError
from pipelines.extraction.grid import find_grids
from pipelines.extraction.ocr_confidence import OcrBox
from pipelines.extraction.pdf_pages import Glyph, PageContent, PageFrame
from pipelines.extraction.raster_ruling import (
    Raster,
    ruling_lines,
    straighten,
    stroke_width,
    text_runs,
)

RENDER_DPI = 200  # a 9-point character is 25 pixels tall: enough for the recogniser
MIN_SCAN_DPI = 100  # a scan coarser than this prints digits a few pixels tall
MAX_STROKE = 5.0  # points: strokes this thick are characters blurred into each other
_MIN_MEDIAN_SCORE = 0.8  # a page whose typical text scores below this is unreadable
_BATCH = 6  # crops recognised together (more makes each slower on 2 cores)
UNREADABLE = 0.5  # a figure scored below this is a guess: the document is refused
_INSET = 0.8  # points: a cell is read inside its borders, clear of the ruling ink
_PAD = 4  # pixels of paper around a crop: the recogniser reads a line better with margins
_WIDE = 0x2E80  # from here on (CJK, full-width forms) a character is a square em wide

Box = tuple[int, int, int, int]  # pixels: x0, y0, x1, y1 on the straightened page


def read_scan(page: pdfium.PdfPage, content: PageContent, path: Path) -> PageContent:
    """The page's glyphs and ruling lines read from its image; BudgetInputError for a
    scan too coarse or too blurred to read whole."""
    dpi = round(_scan_dpi(page))
    if dpi < MIN_SCAN_DPI:
        raise BudgetInputError(
            path,
            f"page {content.number}: the scan is {dpi} dpi, too coarse to read its figures "
            f"(at least {MIN_SCAN_DPI} dpi); nothing loaded",
        )
    scale = RENDER_DPI / 72
    gray = render_gray(page, scale)
    raster = straighten(gray, scale)
    if (stroke := stroke_width(raster)) > MAX_STROKE:
        raise BudgetInputError(
            path,
            f"page {content.number}: the scan is too blurred to read (its strokes are "
            f"{stroke:.1f} pt thick, printed text's under 2); nothing loaded",
        )
    h_lines, v_lines = ruling_lines(raster)
    height, width = gray.shape[0] / scale, gray.shape[1] / scale
    read = PageContent(
        number=content.number,
        width=width,
        height=height,
        frame=PageFrame(*raster.shown_frame()),
        h_lines=h_lines,
        v_lines=v_lines,
        image_count=content.image_count,
        text_source=OCR,
    )
    regions = _regions(read, raster)
    heights = [b[3] - b[1] for runs in regions for b in runs]
    em = int(statistics.median(heights)) if heights else 0
    pieces = [piece for runs in regions for piece in _pieces(runs, em)]
    texts = recognise([_crop(raster.gray, piece, em) for piece in pieces])
    for (box, *_), (text, score) in zip(pieces, texts, strict=True):
        text = settle(text)
        if not text:
            continue
        x0, y1 = raster.to_points(box[0], box[1])
        x1, y0 = raster.to_points(box[2], box[3])
        read.ocr.append(OcrBox(x0, y0, x1, y1, text, round(float(score), 4)))
        read.glyphs.extend(spread(text, x0, y0, x1, y1))
    _refuse_blurred(read, path)
    return read


def render_gray(page: pdfium.PdfPage, scale: float) -> np.ndarray:
    """The page as shown, in grey levels (rows top first)."""
    pixels = page.render(scale=scale, grayscale=True).to_numpy()
    return np.ascontiguousarray(pixels[..., 0] if pixels.ndim == 3 else pixels)


def _scan_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the page's largest image: its pixels over its printed size."""
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
        x0, y0, x1, y1 = obj.get_bounds()
        width, height = obj.get_px_size()
        if x1 - x0 > 0 and y1 - y0 > 0:
            best = max(best, min(width / (x1 - x0), height / (y1 - y0)) * 72)
    return best


def _regions(read: PageContent, raster: Raster) -> list[list[Box]]:
    """Pixel boxes of every text line to recognise, a list for each cell of each grid and
    one for the paper outside the grids."""
    ink = raster.ink & ~raster.rules
    s, top = raster.scale, read.height
    inset = max(1, round(_INSET * s))
    regions: list[list[Box]] = []
    outside = ink.copy()
    for grid in find_grids(read):
        gx0, gy0, gx1, gy1 = grid.bbox
        outside[
            round((top - gy1) * s) : round((top - gy0) * s) + 1, round(gx0 * s) : round(gx1 * s) + 1
        ] = 0
        for cell in grid.cells:
            x0 = round(grid.xs[cell.col] * s) + inset
            x1 = round(grid.xs[cell.col + cell.col_span] * s) - inset
            y0 = round((top - grid.ys[cell.row]) * s) + inset
            y1 = round((top - grid.ys[cell.row + cell.row_span]) * s) - inset
            regions.append(text_runs(ink, x0, y0, x1, y1, s))
    h, w = ink.shape
    regions.append(text_runs(outside, 0, 0, w, h, s))
    min_height = max(3, round(1.5 * s))  # points: specks of noise, not text (。 is 2)
    return [
        [b for b in runs if b[3] - b[1] >= min_height or b[2] - b[0] >= min_height]
        for runs in regions
    ]


def _pieces(runs: list[Box], em: int) -> list[tuple[Box, ...]]:
    """A cell's lines to recognise, each alone or followed by a mark wrapped onto the next
    line on its own (a closing 。 or ，): read alone, a mark is a guess between 。, ， and a
    letter (scored 0.3); at the end of the line it closes, it is read as printed."""
    pieces: list[tuple[Box, ...]] = []
    for box in runs:
        last = pieces[-1] if pieces else ()
        if (
            len(last) == 1
            and _is_mark(box, em)
            and last[0][3] <= box[1] < box[3] < last[0][3] + 2 * em
        ):
            pieces[-1] = (last[0], box)
        else:
            pieces.append((box,))
    return pieces


def _is_mark(box: Box, em: int) -> bool:
    """Lower than most of a line and narrower than a character: a mark of punctuation."""
    return box[3] - box[1] < 0.6 * em and box[2] - box[0] < em


def _crop(gray: np.ndarray, piece: tuple[Box, ...], em: int) -> np.ndarray:
    """The line's pixels with paper around: a third of its height at each end, where the
    recogniser otherwise drops a closing 。 or an opening 一. A line lower than the page's
    typical line (`em`: a lone 。 or 、 wrapped onto a line of its own, a dash) is set in a
    line-high box as it is printed, a mark on the baseline, a dash at mid-height: scaled up
    to the recogniser's height alone, it reads as a letter. A mark wrapped from the line
    (`_pieces`) follows it on its baseline, a quarter em after it."""
    x0, y0, x1, y1 = piece[0]
    line = gray[y0:y1, x0:x1]
    if y1 - y0 < 0.6 * em:
        line = _on_line(line, em, bottom=x1 - x0 < em)
    for mx0, my0, mx1, my1 in piece[1:]:
        gap = np.full((line.shape[0], max(1, em // 4)), 255, dtype=gray.dtype)
        mark = _on_line(gray[my0:my1, mx0:mx1], line.shape[0], bottom=True)
        line = np.hstack([line, gap, mark])
    side = max(_PAD, line.shape[0] // 3)
    return np.pad(line, ((_PAD, _PAD), (side, side)), constant_values=255)


def _on_line(pixels: np.ndarray, height: int, bottom: bool) -> np.ndarray:
    """Low ink set in a box `height` high, on its bottom (a mark) or at mid-height (a dash)."""
    low = min(pixels.shape[0], height)
    box = np.full((height, pixels.shape[1]), 255, dtype=pixels.dtype)
    top = height - low if bottom else (height - low) // 2
    box[top : top + low] = pixels[pixels.shape[0] - low :]
    return box


# The recogniser's two confusions in budget text: 一 read as a dash before a character
# (`—般公共服务`), 十 read as a plus beside a numeral (`二+一、`). No budget prints either.
_DASH_FOR_ONE = re.compile(r"(?<!—)—(?=[\u4e00-\u9fff])")
_PLUS_FOR_TEN = re.compile(r"(?<=[一二三四五六七八九])\+|\+(?=[一二三四五六七八九、])")


def settle(text: str) -> str:
    """A recognised text with the recogniser's known confusions of Chinese numerals undone."""
    return _PLUS_FOR_TEN.sub("十", _DASH_FOR_ONE.sub("一", text.strip()))


def spread(text: str, x0: float, y0: float, x1: float, y1: float) -> list[Glyph]:
    """Glyphs for a recognised text over its box: a CJK character one em wide, others
    half of one, on one baseline (the box's bottom); spaces take room but print nothing."""
    weights = [1.0 if ord(ch) >= _WIDE else 0.5 for ch in text]
    unit = (x1 - x0) / sum(weights)
    glyphs, x = [], x0
    for ch, weight in zip(text, weights, strict=True):
        if not ch.isspace():
            glyphs.append(Glyph(ch, x, y0, x + weight * unit, y1, y0, x))
        x += weight * unit
    return glyphs


def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Text and score of each grey crop (one text line each), in batches of similar width.

    The recogniser fills a batch's narrower crops out to its widest with mid-grey, which
    turns a lone 。 into a letter: each crop is widened with paper instead, to its batch's
    widest (at the recogniser's height)."""
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for start in range(0, len(order), _BATCH):
        batch = order[start : start + _BATCH]
        widest = max(crops[i].shape[1] / crops[i].shape[0] for i in batch)
        lines = [cv2.cvtColor(_widened(crops[i], widest), cv2.COLOR_GRAY2BGR) for i in batch]
        texts, _ = _engine().text_rec(lines)
        for i, (text, score) in zip(batch, texts, strict=True):
            results[i] = (text, score)
    return results


def _widened(crop: np.ndarray, ratio: float) -> np.ndarray:
    """The crop with paper on its right, out to `ratio` times its height."""
    extra = max(0, int(ratio * crop.shape[0]) - crop.shape[1])
    return np.pad(crop, ((0, 0), (0, extra)), constant_values=255)


@cache
def _engine():
    """The recogniser alone (no page-level detector: our regions are its lines)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(rec_img_shape=[3, 48, 48], rec_batch_num=_BATCH)  # no 320-pixel minimum


def _refuse_blurred(read: PageContent, path: Path) -> None:
    """A page whose texts mostly score low, or that prints a figure OCR could hardly read,
    is not read: a guessed figure would load as if printed."""
    scores = [box.score for box in read.ocr]
    if scores and statistics.median(scores) < _MIN_MEDIAN_SCORE:
        raise BudgetInputError(
            path,
            f"page {read.number}: the scan is too blurred or noisy to read (median OCR "
            f"score {statistics.median(scores):.2f} of {len(scores)} texts, below "
            f"{_MIN_MEDIAN_SCORE}); nothing loaded",
        )
    for box in read.ocr:
        if box.score < UNREADABLE and any(ch.isdigit() for ch in box.text):
            x0, top, x1, bottom = read.frame.box(box.x0, box.y0, box.x1, box.y1)
            where = [round(v, 2) for v in (x0, top, x1, bottom)]
            raise BudgetInputError(
                path,
                f"page {read.number}: OCR cannot read the figure in box {where} ({box.text!r}, "
                f"score {box.score:.2f}, below {UNREADABLE}); nothing loaded",
            )
