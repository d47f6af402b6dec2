"""PDF files: the text layer through pypdfium2 (fast, faithful), ruled tables through pdfplumber, pages
without a text layer through OCR; then the shared layout step (furniture off, paragraphs joined)."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import time
from pathlib import Path

from .. import glyphs
from ..errors import BadDocument
from .base import RawDocument, VisualLine, sha256_bytes
from . import ocr_fix
from .layout import PageLines, to_pages

MIN_TEXT = 10          # characters below which a page counts as having no text layer
_TABLE_HEAD = re.compile(r"^序\s*号|指\s*标\s*名\s*称")   # pages worth a (slow) ruled-table search


def _visual_lines(textpage, height: float) -> list[VisualLine]:
    """The page's lines with their boxes, split where pdfium breaks a line and wherever the characters move
    down a line or jump back left (pdfium sometimes runs two lines together when the font changes)."""
    text = textpage.get_text_range()
    out: list[VisualLine] = []
    cur: list[str] = []
    box = None                                 # [x0, bottom, x1, top] of the line so far, PDF coordinates

    def flush():
        nonlocal box
        body = "".join(cur).strip()
        if body and box is not None:
            out.append(VisualLine(body, box[0], height - box[3], box[2], height - box[1]))
        cur.clear()
        box = None

    for i, ch in enumerate(text):
        if ch in "\r\n":
            if ch == "\n" or not text.startswith("\n", i + 1):
                flush()
            continue
        if ch.isspace():
            cur.append(ch)
            continue
        l, b, r, t = textpage.get_charbox(i, loose=True)
        if box is not None:
            h = box[3] - box[1]
            if t < box[1] + 0.3 * h or b > box[3] - 0.3 * h or l < box[2] - 3 * h:
                flush()                        # the next line (or a jump back to the left margin)
        cur.append(ch)
        box = [l, b, r, t] if box is None else [min(box[0], l), min(box[1], b), max(box[2], r), max(box[3], t)]
    flush()
    return _merge_side_by_side(out)


def _merge_side_by_side(lines: list[VisualLine]) -> list[VisualLine]:
    """Rejoin pieces of one line that a glyph from another font (other ascent and descent) split off."""
    out: list[VisualLine] = []
    for l in lines:
        p = out[-1] if out else None
        if p is not None:
            h = min(p.y1 - p.y0, l.y1 - l.y0)
            same_row = abs((p.y0 + p.y1) - (l.y0 + l.y1)) / 2 < 0.5 * h
            if same_row and -2 <= l.x0 - p.x1 <= h:
                out[-1] = VisualLine(p.text + l.text, p.x0, min(p.y0, l.y0), l.x1, max(p.y1, l.y1))
                continue
        out.append(l)
    return out


def _ruled_tables(path: Path, index: int) -> list[tuple[float, float, list[tuple[str, ...]]]]:
    """Tables with ruling lines on one page (pdfplumber), merged cells repeated in every row they span."""
    try:
        import pdfplumber
    except ImportError:                        # pragma: no cover - optional
        return []
    # pdfminer logs a warning per Type 3 font of a browser-printed PDF ("Could not get FontBBox"): not ours to show
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    out = []
    with pdfplumber.open(str(path), pages=[index + 1]) as pdf:
        page = pdf.pages[0]
        for t in page.find_tables():
            rows = t.extract()
            if len(rows) < 2 or max(len(r) for r in rows) < 3:
                continue                       # a frame around a box, not a table
            filled, above = [], [None] * max(len(r) for r in rows)
            for r in rows:
                cells = []
                for c, v in enumerate(r):
                    if v is None:              # covered by a merged cell: the cell above or to the left
                        v = above[c] if above[c] is not None else (cells[-1] if cells else "")
                    v = " ".join(v.split("\n")) if "\n" in v else v
                    cells.append(v)
                    above[c] = v
                filled.append(tuple(cells))
            out.append((float(t.bbox[1]), float(t.bbox[3]), filled))
    return out


def ocr_cache_dir() -> Path:
    """Where OCR results are kept ($KB_CACHE/ocr, default ~/.cache/guihua-kb/ocr): a re-ingest never re-reads a page."""
    return Path(os.environ.get("KB_CACHE", Path.home() / ".cache" / "guihua-kb")) / "ocr"




def _ocr_cached(ocr, page, digest: str, index: int) -> tuple[list[VisualLine], list]:
    """OCR one page (lines and ruled tables), or read it back from the cache (keyed by the file, the page and
    the OCR settings)."""
    settings = json.dumps([ocr.DEFAULT_DPI, ocr.MIN_SCORE, ocr.ENGINE_PARAMS, 3], sort_keys=True)
    key = hashlib.sha256(f"{digest}:{index}:{settings}".encode()).hexdigest()[:32]
    path = ocr_cache_dir() / f"{key}.json"
    try:
        got = json.loads(path.read_text(encoding="utf-8"))
        return ([VisualLine(*v) for v in got["lines"]],
                [(t, b, [tuple(r) for r in rows]) for t, b, rows in got["tables"]])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    found, tables = ocr.ocr_page_tables(page)
    lines = [VisualLine(ocr_fix.fix(l.text), l.x0, l.y0, l.x1, l.y1) for l in found]
    tables = [(t, b, [tuple(ocr_fix.fix(c) for c in r) for r in rows]) for t, b, rows in tables]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"lines": [[l.text, l.x0, l.y0, l.x1, l.y1] for l in lines],
                       "tables": [[t, b, [list(r) for r in rows]] for t, b, rows in tables]}, f, ensure_ascii=False)
        os.replace(tmp, path)
    except OSError:                            # a read-only cache only costs the next ingest its OCR time
        pass
    return lines, tables


def _has_paths(page) -> bool:
    import pypdfium2.raw as raw
    return any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1))


def read_pdf(path: Path, data: bytes, progress=None) -> RawDocument:
    try:
        import pypdfium2 as pdfium
    except ImportError:                        # pragma: no cover
        raise BadDocument(f"{path}: install pypdfium2 to read PDF files") from None
    t0 = time.perf_counter()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = str(e).lower()
        if "password" in msg:
            raise BadDocument(f"{path}: the PDF is encrypted; save an unencrypted copy and ingest that") from None
        raise BadDocument(f"{path}: not a readable PDF ({e})") from None
    if len(pdf) == 0:
        raise BadDocument(f"{path}: the PDF has no pages")
    pages: list[PageLines] = []
    need_ocr: list[int] = []
    problems: list[str] = []
    seconds = {"extract": 0.0, "tables": 0.0, "ocr": 0.0}
    repaired = 0
    for i in range(len(pdf)):
        try:
            page = pdf[i]
        except pdfium.PdfiumError as e:        # a damaged page (a page tree that loops): empty, the others kept
            problems.append(f"page {i + 1}: cannot be read ({e})")
            if len(problems) == len(pdf):
                raise BadDocument(f"{path}: not a readable PDF (no page can be read: {e})") from None
            pages.append(PageLines([], *((pages[-1].width, pages[-1].height) if pages else (595.0, 842.0))))
            continue
        w, h = page.get_size()
        tp = page.get_textpage()
        lines = []
        for vl in _visual_lines(tp, h):
            bad = len(glyphs.SUSPECT.findall(vl.text))
            if bad:
                repaired += bad
                vl = VisualLine(glyphs.repair(vl.text), vl.x0, vl.y0, vl.x1, vl.y1)
            lines.append(vl)
        tables = None
        if sum(len(l.text) for l in lines) < MIN_TEXT:
            need_ocr.append(i)
        elif (any(_TABLE_HEAD.search(l.text) for l in lines) or (pages and pages[-1].tables)) and _has_paths(page):
            t1 = time.perf_counter()
            tables = _ruled_tables(path, i)
            seconds["tables"] += time.perf_counter() - t1
        pages.append(PageLines(lines, w, h, False, tables))
    seconds["extract"] = time.perf_counter() - t0 - seconds["tables"]
    if need_ocr:
        from . import ocr
        if not ocr.available():
            if len(need_ocr) == len(pdf):
                raise BadDocument(f"{path}: the PDF has no text layer (scanned images?); "
                                  "install rapidocr-onnxruntime==1.4.4 to read it with OCR")
            problems += [f"page {i + 1}: no text layer and OCR is not installed" for i in need_ocr]
        else:
            t1 = time.perf_counter()
            digest = sha256_bytes(data)
            for k, i in enumerate(need_ocr, 1):
                p0 = time.perf_counter()
                try:
                    lines, tables = _ocr_cached(ocr, pdf[i], digest, i)
                except ocr.OcrError as e:
                    problems.append(f"page {i + 1}: OCR failed ({e})")
                    lines, tables = [], []
                if not lines and not tables:
                    problems.append(f"page {i + 1}: OCR found no text")
                w, h = pdf[i].get_size()
                pages[i] = PageLines(lines, w, h, True, tables or None)
                if progress:
                    progress(k, len(need_ocr), f"OCR page {i + 1}: {time.perf_counter() - p0:.1f} s")
            seconds["ocr"] = time.perf_counter() - t1
    raw_pages = tuple(to_pages(pages))
    if sum(len(l.text) for p in raw_pages for l in p.lines) < 20:
        raise BadDocument(f"{path}: the PDF has no text layer and OCR found no text in it (blank or unreadable scan?)")
    seconds["layout"] = time.perf_counter() - t0 - sum(seconds.values())
    return RawDocument(path, raw_pages, True, sha256_bytes(data), "pdf", layout=True,
                       problems=tuple(problems), seconds=seconds, meta={"glyphs_repaired": repaired})
