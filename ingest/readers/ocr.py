"""OCR of a scanned PDF page into visual lines (rapidocr-onnxruntime: PP-OCRv4 Chinese models bundled in its wheel).

The PDF reader calls `ocr_page` for a page that has no text layer but has an image, then runs the same layout code
on the returned lines as on text-layer lines. Nothing here downloads anything: the models ship inside the wheel.

OCR punctuation is returned as recognized: PP-OCR often emits ASCII `,` `(` `)` `:` `;` where the page prints
full-width ones; a later shared step restores full-width punctuation between Chinese characters.
"""
from __future__ import annotations

import importlib.util
import threading

from .base import VisualLine

DEFAULT_DPI = 200           # bench/ocr.py: see the module's measurements in the report that chose it
MIN_SCORE = 0.5             # a box whose mean recognition confidence is below this is dropped (bench/ocr.py)

# Engine parameters (bench/ocr.py measured each on 2 cores; none costs accuracy on upright printed pages):
ENGINE_PARAMS = {
    "use_cls": False,                  # pages are upright: the 180° classifier only costs time
    "text_score": 0.0,                 # keep every box; MIN_SCORE filters here, where it is measured
    "max_side_len": 4000,              # never shrink the page before detection (default 2000 shrinks A4 at 200 dpi)
    "det_limit_side_len": 1280,        # detector input: the page's longer side scaled to this many pixels
    "det_limit_type": "max",
}

_engine = None
_engine_lock = threading.Lock()         # creation and calls: RapidOCR mutates its own state per call


class OcrError(Exception):
    """A page that cannot be read (rendering failed, or the OCR engine failed on it)."""


def available() -> bool:
    """Whether the OCR engine can be imported (checked without importing it: the import is slow)."""
    try:
        return importlib.util.find_spec("rapidocr_onnxruntime") is not None
    except (ImportError, ValueError):
        return False


def _get_engine():
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR
        _engine = RapidOCR(**ENGINE_PARAMS)
    return _engine


def ocr_image(image, scale: float = 1.0, min_score: float = MIN_SCORE) -> list[VisualLine]:
    """OCR a BGR/gray numpy image (or PIL image); coordinates are divided by `scale` (pixels per point)."""
    return merge_lines(ocr_boxes(image, scale, min_score))


def ocr_boxes(image, scale: float = 1.0, min_score: float = MIN_SCORE) -> list[tuple[float, float, float, float, str]]:
    """The recognised text boxes (x0, y0, x1, y1, text), in points, before they are grouped into lines."""
    with _engine_lock:
        engine = _get_engine()
        result, _ = engine(image, use_cls=False)
    boxes = []
    for quad, text, score in result or ():
        text = text.strip()
        if not text or float(score) < min_score:
            continue
        xs = [p[0] for p in quad]
        ys = [p[1] for p in quad]
        boxes.append((min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale, text))
    return boxes


def merge_lines(boxes: list[tuple[float, float, float, float, str]]) -> list[VisualLine]:
    """Group boxes (x0, y0, x1, y1, text) into visual lines in reading order.

    Boxes on the same line (vertical overlap above half the smaller height) become one line, left to right; a gap
    wider than half the line's height between them becomes one space (table cells, spaced headings), a narrower
    one nothing (the detector split a run of Chinese text)."""
    lines: list[list[tuple[float, float, float, float, str]]] = []
    spans: list[list[float]] = []                     # [y0, y1] of each line: the union of its boxes
    for b in sorted(boxes, key=lambda b: ((b[1] + b[3]) / 2, b[0])):
        h = b[3] - b[1]
        best, best_overlap = -1, 0.0
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):   # only the last few lines can overlap
            y0, y1 = spans[i]
            overlap = min(y1, b[3]) - max(y0, b[1])
            if overlap > 0.5 * min(h, y1 - y0) and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best < 0:
            lines.append([b])
            spans.append([b[1], b[3]])
        else:
            lines[best].append(b)
            spans[best] = [min(spans[best][0], b[1]), max(spans[best][1], b[3])]
    out = []
    for group in lines:
        group.sort(key=lambda b: b[0])
        height = max(b[3] - b[1] for b in group)
        text = group[0][4]
        for prev, b in zip(group, group[1:]):
            text += (" " if b[0] - prev[2] > 0.5 * height else "") + b[4]
        out.append(VisualLine(text, min(b[0] for b in group), min(b[1] for b in group),
                              max(b[2] for b in group), max(b[3] for b in group)))
    out.sort(key=lambda v: (v.y0, v.x0))
    return out


def ocr_page(page, dpi: int = DEFAULT_DPI) -> list[VisualLine]:
    """OCR one `pypdfium2.PdfPage` rendered at `dpi`; lines in PDF points, origin top-left, in reading order.

    Returns [] when no text is found; raises OcrError when the page cannot be rendered or recognized."""
    return ocr_page_tables(page, dpi)[0]


def ocr_page_tables(page, dpi: int = DEFAULT_DPI):
    """OCR one page and read its ruled tables: (lines outside the tables, [(top, bottom, rows)] in points),
    each table's rows with merged cells repeated in every row and column they span (see scan_table.py)."""
    from .scan_table import find_grids, fill_grid
    scale = dpi / 72.0
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_numpy().copy()
    except Exception as e:  # pypdfium2 raises PdfiumError, or MemoryError on an absurd page size
        raise OcrError(f"cannot render the page ({type(e).__name__}: {e})") from None
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    try:
        boxes = ocr_boxes(image, scale)
    except Exception as e:
        raise OcrError(f"OCR failed ({type(e).__name__}: {e})") from None
    tables = []
    for grid in find_grids(image, scale):
        rows, inside = fill_grid(grid, boxes)
        if rows:
            tables.append((grid.top, grid.bottom, rows))
            boxes = [b for i, b in enumerate(boxes) if i not in inside]
    return merge_lines(boxes), tables
