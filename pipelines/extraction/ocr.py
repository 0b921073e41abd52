"""A scanned page read from its image: the same PageContent a text PDF gives.

Many county and township budgets are published as scans. A page with no text layer but
an image is rendered, straightened and its ruling lines found (raster_ruling.py); the
grid they make is built by grid.py exactly as for a text PDF, each cell's text lines are
recognised on their own crop (rapidocr's recogniser, its ONNX models inside the wheel:
nothing is downloaded), and so are the lines outside the grid (title, unit, department).
Each recognised text becomes glyphs spread over its box, so identity, table typing, the
warehouse and every check work unchanged. Each box keeps its recognition score
(`PageContent.ocr`): a check whose figures include a low one says it could not verify.

OpenCV and onnxruntime are imported only here, and this module only for a scan.
"""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from pipelines.budget_doc import OCR
from pipelines.errors import BudgetInputError
from pipelines.extraction.grid import find_grids
from pipelines.extraction.ocr_confidence import OcrBox
from pipelines.extraction.pdf_pages import Glyph, PageContent, PageFrame
from pipelines.extraction.raster_ruling import Raster, ruling_lines, straighten, text_runs

RENDER_DPI = 200  # a 9-point character is 25 pixels tall: enough for the recogniser
MIN_SCAN_DPI = 100  # a scan coarser than this prints digits a few pixels tall
_MIN_MEDIAN_SCORE = 0.8  # a page whose typical text scores below this is unreadable
UNREADABLE = 0.5  # a figure scored below this is a guess: the document is refused
_INSET = 0.8  # points: a cell is read inside its borders, clear of the ruling ink
_PAD = 4  # pixels of paper around a crop: the recogniser reads a line better with margins
_WIDE = 0x2E80  # from here on (CJK, full-width forms) a character is a square em wide


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
    h_lines, v_lines = ruling_lines(raster)
    height, width = gray.shape[0] / scale, gray.shape[1] / scale
    read = PageContent(
        number=content.number,
        width=width,
        height=height,
        frame=PageFrame(1.0, 0.0, 0.0, -1.0, 0.0, height),  # rendered as shown: y flips
        h_lines=h_lines,
        v_lines=v_lines,
        image_count=content.image_count,
        text_source=OCR,
    )
    boxes = _regions(read, raster)
    texts = recognise([_crop(raster.gray, box) for box in boxes])
    for box, (text, score) in zip(boxes, texts, strict=True):
        text = text.strip()
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


def _regions(read: PageContent, raster: Raster) -> list[tuple[int, int, int, int]]:
    """Pixel boxes of every text line to recognise: inside each cell of each grid, and
    on the paper outside the grids."""
    ink = raster.ink & ~raster.rules
    s, top = raster.scale, read.height
    inset = max(1, round(_INSET * s))
    boxes: list[tuple[int, int, int, int]] = []
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
            boxes.extend(text_runs(ink, x0, y0, x1, y1, s))
    h, w = ink.shape
    boxes.extend(text_runs(outside, 0, 0, w, h, s))
    min_height = max(3, round(3 * s))  # points: specks of noise, not text
    return [b for b in boxes if b[3] - b[1] >= min_height or b[2] - b[0] >= min_height]


def _crop(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    return np.pad(crop, _PAD, constant_values=255)


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
    """Text and score of each grey crop (one text line each), in batches."""
    if not crops:
        return []
    import cv2

    results, _ = _engine().text_rec([cv2.cvtColor(c, cv2.COLOR_GRAY2BGR) for c in crops])
    return [(text, score) for text, score in results]


@cache
def _engine():
    """The recogniser alone (no page-level detector: our regions are its lines)."""
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(rec_img_shape=[3, 48, 48])  # no crop padded to 320 pixels wide


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
