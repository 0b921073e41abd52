"""The ruling lines and text lines of a scanned page, found in its pixels.

A scan has no vector paths: its grid is drawn in the image. The page is straightened
(a scanner tilts it by a degree or so), its ink separated from the paper, and long thin
runs of ink kept as ruling lines, the same segments pdf_pages.py reads from a text PDF,
so grid.py builds the same cells from either. Imported only for a scan (OpenCV is heavy).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

MAX_TILT = 1.5  # degrees: the largest tilt searched for (scanners tilt by about ±1°)
_TILT_STEP = 0.05  # degrees
_MIN_RULE = 30.0  # points: a horizontal rule is at least this long, a character's stroke less
_MIN_STROKE = 9.0  # points: the opening that keeps lines and drops most of the text
_TOUCH = 2.0  # points: a vertical rule ends this close to a horizontal one
_RULE_EDGE = 0.75  # points: the fuzzy edge of a rule, taken with it (not read as text)
_MAX_THICKNESS = 3.0  # points: a rule is no thicker (a blurred scan's rules are about 2)
_LONG = 12  # line heights: a longer word group is read in pieces
_CUT_GAP = 0.5  # line heights of paper where a long group may be cut
_GAP = 16.0  # points of blank paper that end a word group on a text line (a 、 and a “ leave 11)


@dataclass
class Raster:
    """A straightened page: grey pixels, its ink, and the ink of its ruling lines."""

    gray: np.ndarray  # uint8, 0 = black
    ink: np.ndarray  # uint8, 255 where ink
    rules: np.ndarray  # uint8, 255 where a ruling line runs (set by `ruling_lines`)
    scale: float  # pixels per point
    unturn: np.ndarray  # 2×3 affine map: a straightened pixel -> the same pixel as scanned

    def shown_frame(self) -> tuple[float, ...]:
        """PageFrame's (a, b, c, d, e, f) from the straightened page (points, y up) to the
        page as scanned and shown (points, y down): a box read straight is found where the
        tilted scan prints it (`budget trace`, provenance)."""
        (m00, m01, m02), (m10, m11, m12) = self.unturn.tolist()
        height, s = self.gray.shape[0] / self.scale, self.scale
        return m00, m10, -m01, -m11, m01 * height + m02 / s, m11 * height + m12 / s

    def to_points(self, x: float, y: float) -> tuple[float, float]:
        """A pixel position as PDF points, y up."""
        return x / self.scale, (self.gray.shape[0] - y) / self.scale


def straighten(gray: np.ndarray, scale: float) -> Raster:
    """The page turned back by its tilt, with its ink (Otsu: paper and ink whatever the
    scanner's exposure)."""
    h, w = gray.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), _tilt(gray), 1.0)
    gray = cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return Raster(gray, ink, np.zeros_like(ink), scale, cv2.invertAffineTransform(turn))


def stroke_width(raster: Raster) -> float:
    """How thick the page's strokes are, in points (90th percentile over its ink): printed
    text and rules are under 2 pt; a blurred scan's characters run into blobs."""
    if not raster.ink.any():
        return 0.0
    inside = cv2.distanceTransform(raster.ink, cv2.DIST_L2, 3)
    return 2 * float(np.percentile(inside[raster.ink > 0], 90)) / raster.scale


def _tilt(gray: np.ndarray) -> float:
    """The turn that makes the ink's rows sharpest: ruling lines and text lines
    lie flat when the page is straight (searched on a quarter-size page)."""
    small = cv2.resize(
        (gray < 128).astype(np.uint8) * 255, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA
    )
    h, w = small.shape
    steps = round(MAX_TILT / _TILT_STEP)
    best, best_score = 0.0, -1.0
    for angle in sorted((k * _TILT_STEP for k in range(-steps, steps + 1)), key=abs):
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(small, turn, (w, h)).sum(axis=1, dtype=np.float64)
        score = float(np.dot(rows, rows))
        if score > best_score:  # on a tie (a blank page) the smaller turn
            best, best_score = angle, score
    return round(best, 2)


def ruling_lines(raster: Raster) -> tuple[list, list]:
    """Horizontal and vertical ruling segments in PDF points (x0, y0, x1, y1), y up.

    A rule is a thin run of ink: a horizontal one at least _MIN_RULE long that meets two
    vertical ones, a vertical one that ends on horizontal ones at both ends. Character
    strokes inside a cell do neither, nor do the blobs that the characters of a blurred
    line of text smear into."""
    s = raster.scale
    stroke = max(3, round(_MIN_STROKE * s))
    thin = _MAX_THICKNESS * s
    h_mask = _open(raster.ink, (stroke, 1))
    v_mask = _open(raster.ink, (1, stroke))
    h_boxes = [b for b in _components(h_mask) if b[2] >= _MIN_RULE * s and b[3] <= thin]
    v_all = [b for b in _components(v_mask) if b[2] <= thin]
    touch = _TOUCH * s + 1
    v_boxes = _ending_on(v_all, h_boxes, touch)
    h_boxes = [h for h in h_boxes if sum(_crosses(h, v, touch) for v in v_boxes) >= 2]
    v_boxes = _ending_on(v_boxes, h_boxes, touch)
    rules = np.zeros_like(raster.ink)
    pad = max(1, round(_RULE_EDGE * s))
    for x, y, w, h in h_boxes + v_boxes:
        rules[max(y - pad, 0) : y + h + pad, max(x - pad, 0) : x + w + pad] = 255
    raster.rules = rules
    h_lines, v_lines = [], []
    for x, y, w, h in h_boxes:
        (x0, y0), (x1, _) = raster.to_points(x, y + h / 2), raster.to_points(x + w, y + h / 2)
        h_lines.append((x0, y0, x1, y0))
    for x, y, w, h in v_boxes:
        (x0, top), (_, bottom) = raster.to_points(x + w / 2, y), raster.to_points(x + w / 2, y + h)
        v_lines.append((x0, bottom, x0, top))
    return h_lines, v_lines


def _ending_on(v_boxes: list, h_boxes: list, touch: float) -> list:
    """The vertical runs whose both ends lie on a horizontal rule."""
    return [
        v
        for v in v_boxes
        if _ends_on(v[0] + v[2] / 2, v[1], h_boxes, touch)
        and _ends_on(v[0] + v[2] / 2, v[1] + v[3], h_boxes, touch)
    ]


def _crosses(h: tuple, v: tuple, touch: float) -> bool:
    """Does vertical run `v` meet horizontal run `h` (crossing it or ending on it)?"""
    vx = v[0] + v[2] / 2
    return h[0] - touch <= vx <= h[0] + h[2] + touch and v[1] - touch <= h[1] <= v[1] + v[3] + touch


def _open(ink: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)


def _components(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h) of the connected runs of a mask."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]


def _ends_on(x: float, y: float, h_boxes: list, touch: float) -> bool:
    return any(
        bx - touch <= x <= bx + bw + touch and by - touch <= y <= by + bh + touch
        for bx, by, bw, bh in h_boxes
    )


def text_runs(
    ink: np.ndarray, x0: int, y0: int, x1: int, y1: int, scale: float
) -> list[tuple[int, int, int, int]]:
    """The text of a region as pixel boxes (x0, y0, x1, y1), one per text line and word
    group, top to bottom and left to right: rows of ink split at blank rows, each row
    split where more than _GAP of paper lies between its inks, and a long group where a
    mark of punctuation leaves paper (`_cut_long`)."""
    region = ink[y0:y1, x0:x1]
    if region.size == 0:
        return []
    runs = []
    for top, bottom in _spans(region.any(axis=1)):
        cols = region[top:bottom].any(axis=0)
        groups = _spans(cols, join=round(_GAP * scale))
        for left, right in (p for g in groups for p in _cut_long(cols, *g, bottom - top)):
            rows = region[top:bottom, left:right].any(axis=1)
            inked = np.flatnonzero(rows)
            runs.append(
                (x0 + left, y0 + top + int(inked[0]), x0 + right, y0 + top + int(inked[-1]) + 1)
            )
    return runs


def _cut_long(cols: np.ndarray, left: int, right: int, em: int) -> list[tuple[int, int]]:
    """A word group longer than _LONG line heights in pieces: the recogniser's time grows
    faster than a line's length. It is cut only where half an em of paper lies between two
    inks: after a full-width ，。；、： (0.6 em or more), never inside a character (the gap
    inside 八 or 川 is under 0.4 em, between two characters 0.1 to 0.2)."""
    if right - left <= _LONG * em:
        return [(left, right)]
    pieces, start = [], left
    for a, b in _spans(~cols[left:right]):
        a, b = left + a, left + b
        if b - a >= _CUT_GAP * em and a - start >= _LONG * em / 2 and right - b >= em:
            pieces.append((start, a))
            start = b
    return [*pieces, (start, right)]


def _spans(filled: np.ndarray, join: int = 0) -> list[tuple[int, int]]:
    """Start and end of each run of True, runs less than `join` apart taken as one."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], filled.astype(np.int8), [0]))))
    spans: list[list[int]] = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if spans and start - spans[-1][1] <= join:
            spans[-1][1] = int(end)
        else:
            spans.append([int(start), int(end)])
    return [(a, b) for a, b in spans]
