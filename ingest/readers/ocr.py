"""OCR of a scanned PDF page into visual lines (rapidocr-onnxruntime 1.4.4: the PP-OCRv4 Chinese detection and
recognition models ship inside its wheel; nothing is downloaded, ever).

The PDF reader calls `ocr_page` for a page that has no text layer but has an image, then runs the same layout code
on the returned lines as on text-layer lines (joining wrapped lines, dropping headers, footers and page numbers).

Text is returned as recognized. PP-OCR's own conventions (measured by bench/ocr.py): it sometimes emits ASCII
`,` `:` `;` `(` `)` where the page prints full-width ones, reads a leading `——` as `一`, `-` or nothing, and `〇` as
`○` or `O`. None of that is fixed here: a later shared step restores full-width punctuation between Chinese characters.

Choices, all measured with bench/ocr.py on 2 shared cores (see its docstring for the numbers):
- render at 150 dpi: the recognizer resizes every line to 48 px high, so 200 or 300 dpi bought no accuracy (same CER
  on 150- and 300-dpi scans, 7.5 to 16 pt text) and cost render and crop time;
- detect at about 110 dpi (the page's long side ~1280 px for A4): as accurate as full resolution and 2-4x faster;
- no angle classifier (pages are upright), one intra-op thread (faster than 2 on busy shared cores), one line per
  recognizer call (half the time of rapidocr's batches of 6, identical text);
- drop boxes whose recognition score is below MIN_SCORE: scribbles and hatching read as Latin junk score 0.2-0.63
  (handwriting-like loops up to 0.76), real lines ≥ 0.92 unless badly damaged (0.75-0.9, mostly still right);
  barcodes, QR codes, photo texture, seal rings and table rules gave no boxes at all.
"""
from __future__ import annotations

import importlib.util
import threading

from .base import VisualLine

DEFAULT_DPI = 150            # render resolution of a page
DET_DPI = 110                # the detector sees the page at about this resolution
MAX_SIDE_PX = 6000           # never render a page's longer side larger than this (a poster-size page)
MIN_SCORE = 0.6              # a box whose mean character confidence is below this is dropped

ENGINE_PARAMS = {
    "use_cls": False,                  # pages are upright: the 180° classifier only costs time
    "text_score": 0.0,                 # keep every box here; ocr_image filters by MIN_SCORE
    "max_side_len": MAX_SIDE_PX,       # never shrink the page image as a whole (rapidocr's default is 2000 px)
    "intra_op_num_threads": 1,         # faster than 2 (or ORT's default) on 2 busy shared cores
    "rec_batch_num": 1,                # one line per recognizer call: 2x faster than the default 6, same text
}

_engine = None
_engine_lock = threading.Lock()         # creation and every call: RapidOCR keeps per-call state on itself


class OcrError(Exception):
    """A page that cannot be read: rendering failed, or the OCR engine failed on it."""


def available() -> bool:
    """Whether the OCR engine is installed (checked without importing it: the import is slow)."""
    try:
        return importlib.util.find_spec("rapidocr_onnxruntime") is not None
    except (ImportError, ValueError):
        return False


def _get_engine():
    global _engine
    if _engine is None:
        from rapidocr_onnxruntime import RapidOCR
        engine = RapidOCR(**ENGINE_PARAMS)
        _detect_at_own_size(engine)
        _engine = engine
    return _engine


def _detect_at_own_size(engine) -> None:
    """Let the detector's input size be set per call (text_det.limit_side_len, longest side in pixels).

    rapidocr 1.4.4 ignores limit_side_len when limit_type is "max" (it picks 960/1500/2000 from the image size) and
    never shrinks with "min"; so the detector would run at full resolution. If its internals differ (another
    version), this does nothing and detection stays at full resolution: slower, as accurate."""
    det = getattr(engine, "text_det", None)
    try:
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
    except ImportError:
        return
    if det is None or not all(hasattr(det, a) for a in ("get_preprocess", "limit_side_len", "mean", "std")):
        return
    det.get_preprocess = lambda max_wh: DetPreProcess(det.limit_side_len, "max", det.mean, det.std)
    det.own_size = True


def ocr_image(image, scale: float = 1.0, min_score: float = MIN_SCORE) -> list[VisualLine]:
    """OCR a numpy image (gray, or BGR as OpenCV orders it); box coordinates are divided by `scale` (pixels per
    unit: dpi/72 gives points)."""
    return merge_lines(ocr_boxes(image, scale, min_score))


def ocr_boxes(image, scale: float = 1.0, min_score: float = MIN_SCORE) -> list[tuple[float, float, float, float, str]]:
    """The recognised text boxes (x0, y0, x1, y1, text) in units of 1/scale, before they are grouped into lines."""
    h, w = image.shape[:2]
    with _engine_lock:
        engine = _get_engine()
        det = engine.text_det
        if getattr(det, "own_size", False):
            det.limit_side_len = max(32, round(max(h, w) * min(1.0, DET_DPI / (72 * scale))))
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
    """Group boxes (x0, y0, x1, y1, text) into visual lines in reading order: top to bottom, then left to right.

    Boxes on one line (overlapping vertically by more than half the smaller height) become one line, left to right;
    a gap wider than half the line's height between two of them becomes one space (table cells, a spaced heading),
    a narrower one nothing (the detector split a run of Chinese text)."""
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


def render(page, dpi: int = DEFAULT_DPI):
    """The page as a grayscale numpy image and its scale (pixels per point); OcrError if it cannot be rendered."""
    try:
        w, h = page.get_size()
        scale = min(dpi / 72.0, MAX_SIDE_PX / max(w, h, 1.0))
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_numpy().copy()
    except Exception as e:  # pypdfium2 raises PdfiumError; a broken page may raise anything
        raise OcrError(f"cannot render the page ({type(e).__name__}: {e})") from None
    if image.ndim == 3:
        image = image[:, :, 0]
    if image.size == 0:
        raise OcrError("cannot render the page (empty image)")
    return image, scale


def ocr_page(page, dpi: int = DEFAULT_DPI) -> list[VisualLine]:
    """OCR one `pypdfium2.PdfPage` rendered at `dpi`: its lines in PDF points (origin top-left), in reading order.

    [] when no text is found; OcrError when the page cannot be rendered or the engine fails on it."""
    return ocr_page_tables(page, dpi)[0]


def ocr_page_tables(page, dpi: int = DEFAULT_DPI):
    """OCR one page and read its ruled tables: (lines outside the tables, [(top, bottom, rows)] in points), each
    table's rows with merged cells repeated in every row and column they span (scan_table.py)."""
    from .scan_table import fill_grid, find_grids
    image, scale = render(page, dpi)
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
