"""Ruled tables on a scanned page: the grid from its printed lines (OpenCV morphology), merged cells from the
lines that are missing, and the OCR boxes placed in their cells."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MIN_COLUMNS = 3
MIN_ROWS = 3


@dataclass
class Grid:
    ys: list[float]            # horizontal rule positions, pixels, top to bottom
    xs: list[float]            # vertical rule positions, pixels, left to right
    horiz: np.ndarray          # mask of horizontal rules (page pixels)
    vert: np.ndarray           # mask of vertical rules
    scale: float               # pixels per point

    @property
    def top(self) -> float:
        return self.ys[0] / self.scale

    @property
    def bottom(self) -> float:
        return self.ys[-1] / self.scale


def _positions(profile: np.ndarray, min_run: int) -> list[float]:
    """Centres of the runs of a projection profile above min_run (one rule drawn a few pixels thick → one)."""
    idx = np.flatnonzero(profile >= min_run)
    if idx.size == 0:
        return []
    out, start, prev = [], idx[0], idx[0]
    for i in idx[1:]:
        if i > prev + 2:
            out.append((start + prev) / 2)
            start = i
        prev = i
    out.append((start + prev) / 2)
    return out


def find_grids(image: np.ndarray, scale: float) -> list[Grid]:
    """The ruled tables of a page image (gray, dark ink on light paper); [] when there is none."""
    import cv2
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = cv2.adaptiveThreshold(255 - gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, 15, -2)
    h, w = ink.shape
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(20, w // 25), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, h // 60))))
    frame = cv2.dilate(horiz | vert, np.ones((3, 3), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(frame)
    grids = []
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        if bw < w * 0.3 or bh < 40:
            continue
        hz, vt = horiz[y:y + bh, x:x + bw], vert[y:y + bh, x:x + bw]
        ys = [y + v for v in _positions((hz > 0).sum(axis=1), int(bw * 0.15))]
        xs = [x + v for v in _positions((vt > 0).sum(axis=0), int(min(bh * 0.15, 40)))]
        if len(xs) >= MIN_COLUMNS + 1 and len(ys) >= MIN_ROWS + 1:
            grids.append(Grid(ys, xs, horiz, vert, scale))
    return sorted(grids, key=lambda g: g.ys[0])


def _ruled(mask: np.ndarray, fixed: float, lo: float, hi: float, horizontal: bool) -> bool:
    """Whether a rule is drawn at `fixed` between lo and hi (most of its length inked, ±3 px)."""
    f, a, b = int(round(fixed)), int(lo) + 3, int(hi) - 3
    if b <= a:
        return True
    band = mask[max(f - 3, 0):f + 4, a:b] if horizontal else mask[a:b, max(f - 3, 0):f + 4]
    covered = (band > 0).any(axis=0 if horizontal else 1)
    return covered.mean() > 0.6


def fill_grid(grid: Grid, boxes: list[tuple[float, float, float, float, str]]
              ) -> tuple[list[tuple[str, ...]], set[int]]:
    """Place the OCR boxes (points) in the grid's cells; merged cells (a rule missing between two cells) share
    one text, repeated in every row and column they span. Returns (rows, indexes of the boxes used)."""
    ys, xs, s = grid.ys, grid.xs, grid.scale
    nr, nc = len(ys) - 1, len(xs) - 1
    parent = list(range(nr * nc))

    def find(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not _ruled(grid.vert, xs[c + 1], ys[r], ys[r + 1], horizontal=False):
                parent[find(r * nc + c + 1)] = find(r * nc + c)
            if r + 1 < nr and not _ruled(grid.horiz, ys[r + 1], xs[c], xs[c + 1], horizontal=True):
                parent[find((r + 1) * nc + c)] = find(r * nc + c)
    texts: dict[int, list[tuple[float, float, str]]] = {}
    used: set[int] = set()
    for i, (x0, y0, x1, y1, text) in enumerate(boxes):
        cx, cy = (x0 + x1) / 2 * s, (y0 + y1) / 2 * s
        if not (xs[0] < cx < xs[-1] and ys[0] < cy < ys[-1]):
            continue
        r = max(k for k in range(nr) if ys[k] <= cy)
        c = max(k for k in range(nc) if xs[k] <= cx)
        texts.setdefault(find(r * nc + c), []).append((y0, x0, text))
        used.add(i)
    if not used:
        return [], set()
    joined = {k: "".join(t for _, _, t in sorted(v, key=lambda b: (round(b[0] / 4), b[1]))) for k, v in texts.items()}
    rows = [tuple(joined.get(find(r * nc + c), "") for c in range(nc)) for r in range(nr)]
    return [r for r in rows if any(r)], used
