"""Ruled tables of a page as clusters of crossing lines, found without rendering it.

A port of camelot 2.0.0's vector joint finder (`camelot.image_processing.
find_joints_from_lines` with `_cluster_lines`, `_line_crossings`, `_cluster_bbox` and its
union-find; camelot is MIT-licensed, © the camelot-dev authors). That function is
internal and undocumented, and importing it imports OpenCV and pandas: 0.56 s and about
139 MB in every parsing process, for some thirty lines of pure Python. This module returns
exactly what camelot's returns (tests/test_ruling.py holds the two to each other on every
page of the samples, the fixtures and the real PDFs).
"""

from __future__ import annotations

Line = tuple[float, float, float, float]  # x0, y0, x1, y1: PDF points, y up
Point = tuple[float, float]
Bbox = tuple[float, float, float, float]  # left, bottom, right, top

JOINT_TOL = 2.0  # points: lines that miss each other by this little still cross
MIN_JOINTS = 4  # a cluster of this many crossings or fewer is a stray corner, not a table


def find_tables(
    h_lines: list[Line], v_lines: list[Line], tol: float = JOINT_TOL
) -> dict[Bbox, list[Point]]:
    """Each table's bbox -> its crossings: one table per set of lines joined by crossings.

    The order is camelot's (tables by their first crossing, crossings by horizontal then
    vertical line index), and so is its one quirk: two tables with the same bbox keep
    the first one's place and the last one's crossings.
    """
    n_h = len(h_lines)
    parent = list(range(n_h + len(v_lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]  # path halving
            i = parent[i]
        return i

    crossings: list[tuple[int, Point]] = []  # (horizontal line index, where)
    for hi, (hx0, hy, hx1, _) in enumerate(h_lines):
        x_lo, x_hi = min(hx0, hx1) - tol, max(hx0, hx1) + tol
        for vi, (vx, vy0, _, vy1) in enumerate(v_lines):
            if x_lo <= vx <= x_hi and min(vy0, vy1) - tol <= hy <= max(vy0, vy1) + tol:
                a, b = root(hi), root(n_h + vi)
                if a != b:
                    parent[a] = b
                crossings.append((hi, (vx, hy)))

    joints: dict[int, list[Point]] = {}
    for hi, point in crossings:
        joints.setdefault(root(hi), []).append(point)
    hs: dict[int, list[Line]] = {}
    vs: dict[int, list[Line]] = {}
    for hi, line in enumerate(h_lines):
        hs.setdefault(root(hi), []).append(line)
    for vi, line in enumerate(v_lines):
        vs.setdefault(root(n_h + vi), []).append(line)
    return {_bbox(hs[r], vs[r]): points for r, points in joints.items() if len(points) > MIN_JOINTS}


def _bbox(hs: list[Line], vs: list[Line]) -> Bbox:
    """The box around a table's lines (values gathered in camelot's order, so that even
    a -0.0 beside a 0.0 comes out the same)."""
    xs = [x for x0, _, x1, _ in hs for x in (x0, x1)] + [x for x, _, _, _ in vs]
    ys = [y for _, y0, _, y1 in vs for y in (y0, y1)] + [y for _, y, _, _ in hs]
    return min(xs), min(ys), max(xs), max(ys)
