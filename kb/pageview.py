"""The original PDF page of a passage as an image, the passage highlighted where it stands (在原文中查看).

The passage is found on the page by its characters, compared after the same repairs the ingest made (look-alike
glyphs, full-width punctuation, whitespace), so a writer sees the quotation in the source as printed.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from ingest.glyphs import comparable

HEAD = 12          # characters of the passage's start (and end) looked for on the page


@dataclass(frozen=True)
class PageText:
    """One physical page: its normalised characters and, for each, the index of the PDF character it came from."""
    chars: str
    source: tuple[int, ...]


def source_pdf(kb, doc_id: str) -> Path | None:
    """The document's source file if it is a PDF still present and unchanged since it was indexed."""
    docs = (getattr(kb, "manifest", None) or {}).get("documents") or []
    entry = next((d for d in docs if isinstance(d, dict) and d.get("doc_id") == doc_id), None)
    if not entry or not str(entry.get("source", "")).lower().endswith(".pdf"):
        return None
    raw = Path(entry["source"])
    index_dir = Path(getattr(kb, "index_dir", "."))
    for p in (raw, Path.cwd() / raw, index_dir.parent / raw, index_dir.parent / raw.name):
        if p.is_file():
            want = entry.get("sha256")
            if want and hashlib.sha256(p.read_bytes()).hexdigest() != want:
                return None                       # changed since indexing: the page may not match
            return p
    return None


def page_texts(path: Path) -> list[PageText]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    out = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for i in range(len(pdf)):
            tp = pdf[i].get_textpage()
            chars, source = [], []
            for k in range(tp.count_chars()):
                n = comparable(chr(raw.FPDFText_GetUnicode(tp.raw, k) or 32))
                chars.append(n)
                source += [k] * len(n)
            out.append(PageText("".join(chars), tuple(source)))
    finally:
        pdf.close()
    return out


def locate_row(pages: list[PageText], cells, near: int | None = None) -> tuple[int, int, int] | None:
    """A table row: its indicator name on the page, extended over the cells printed after it on its line."""
    cells = [(c, comparable(v)) for c, v in cells if comparable(v)]
    name = next((v for c, v in cells if "名称" in c), None) or max((v for _, v in cells), key=len, default="")
    found = locate(pages, name, near)
    if found is None:
        return None
    i, first, last = found
    chars, source = pages[i].chars, pages[i].source
    pos = source.index(last) + 1
    after = [v for c, v in cells[[v for _, v in cells].index(name) + 1:]] if name in [v for _, v in cells] else []
    for v in after:                       # 2020年基数, 2025年目标, …, 指标属性: each a few characters further on
        at = chars.find(v, pos, pos + 30)
        if at >= 0:
            pos = at + len(v)
    return i, first, source[pos - 1]


def locate(pages: list[PageText], text: str, near: int | None = None) -> tuple[int, int, int] | None:
    """(physical page index, first PDF char, last PDF char) of the passage's text; the page nearest `near`
    (a physical index guess) when the same words stand on several pages. None when it is not found."""
    want = comparable(text)
    if not want:
        return None
    head, tail = want[:HEAD], want[-HEAD:]
    found = [(i, p.chars.find(head)) for i, p in enumerate(pages) if head in p.chars]
    if not found:
        return None
    i, at = min(found, key=lambda f: abs(f[0] - near) if near is not None else f[0])
    chars = pages[i].chars
    end = chars.find(tail, at)
    if end < 0 or end - at > len(want) * 2:      # the passage runs onto the next page: mark to the page end
        end = len(chars) - len(tail)
    last = min(end + len(tail), len(chars)) - 1
    return i, pages[i].source[at], pages[i].source[last]


def render(path: Path, page_index: int, first: int, last: int, scale: float = 1.6) -> bytes:
    """PNG of the page with the characters first..last covered by a translucent marker, line by line."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw
    pdf = pdfium.PdfDocument(str(path))
    try:
        page = pdf[page_index]
        height = page.get_height()
        img = page.render(scale=scale).to_pil().convert("RGBA")
        tp = page.get_textpage()
        lines: list[list[float]] = []
        for k in range(first, last + 1):
            left, bottom, right, top = tp.get_charbox(k)
            if right <= left or top <= bottom:
                continue
            mid = (top + bottom) / 2
            if lines and lines[-1][1] <= mid <= lines[-1][3]:           # the same printed line
                ln = lines[-1]
                ln[0], ln[1], ln[2], ln[3] = min(ln[0], left), min(ln[1], bottom), max(ln[2], right), max(ln[3], top)
            else:
                lines.append([left, bottom, right, top])
        overlay = Image.new("RGBA", img.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        for left, bottom, right, top in lines:
            box = (left * scale - 2, (height - top) * scale - 2, right * scale + 2, (height - bottom) * scale + 2)
            draw.rectangle(box, fill=(255, 196, 0, 90), outline=(212, 136, 6, 255), width=2)
        out = io.BytesIO()
        Image.alpha_composite(img, overlay).convert("RGB").save(out, format="PNG")
        return out.getvalue()
    finally:
        pdf.close()
