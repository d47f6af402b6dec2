"""From lines laid out on pages (PDF text layer or OCR) to logical lines: running headers, footers and
page numbers removed (the printed number kept), wrapped lines joined into paragraphs, across pages too."""
from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass

from ..clean import ends_sentence, looks_like_running_text, page_number
from .base import RawLine, RawPage, VisualLine

PAGE_JOIN = "\f"                # marks where a paragraph joined across a page break crosses onto the next page
BAND = 0.12                     # top and bottom share of the page where running headers and footers live
# a line that starts a block of its own: 第X章/节, 专栏, 序言, 一、, （一）, 1. list items, table notes
_STARTS_BLOCK = re.compile(r"^\s*(第[一二三四五六七八九十百零〇\d]+[章节部分]|专栏\s*\d|序\s*言$|前\s*言$|目\s*录$"
                           r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[.．、](?!\d)|注\s*[:：])")
_HEADING = re.compile(r"^\s*第[一二三四五六七八九十百零〇\d]+[章节部分]")
_TOC_TAIL = re.compile(r"[.…·\s]{2,}\d{1,4}\s*$")


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


@dataclass
class PageLines:
    lines: list[VisualLine]
    width: float
    height: float
    ocr: bool = False
    tables: list[tuple[float, float, list[tuple[str, ...]]]] | None = None   # (top, bottom, rows) of ruled tables


def _in_band(line: VisualLine, page: PageLines) -> bool:
    """In the top or bottom band of the page, where running headers and footers are printed."""
    return line.y1 <= page.height * BAND or line.y0 >= page.height * (1 - BAND)


def strip_furniture(pages: list[PageLines]) -> tuple[list[PageLines], list[int | None], list[int]]:
    """Remove running headers/footers and page numbers; return (pages, printed page numbers, dropped chars)."""
    shapes: Counter = Counter()
    for p in pages:
        seen = set()
        for l in p.lines:
            if _in_band(l, p):
                s = _shape(l.text)
                if s and s not in seen:
                    seen.add(s)
                    shapes[s] += 1
    repeated = {s for s, n in shapes.items() if len(pages) >= 3 and n >= max(3, 0.3 * len(pages))}
    out, printed, dropped = [], [], []
    for p in pages:
        keep, number, gone = [], None, 0
        for l in p.lines:
            in_band = _in_band(l, p)
            n = page_number(l.text) if in_band else None
            if n is not None:
                number = n if number is None else number
                gone += len(l.text.strip())
            elif in_band and _shape(l.text) in repeated:
                gone += len(l.text.strip())
            else:
                keep.append(l)
        out.append(PageLines(keep, p.width, p.height, p.ocr, p.tables))
        printed.append(number)
        dropped.append(gone)
    return out, _fill_numbers(printed), dropped


def _fill_numbers(printed: list[int | None]) -> list[int | None]:
    """Keep only page numbers that run in sequence with their neighbours (a stray '3' is not a page number)."""
    good = list(printed)
    for i, n in enumerate(printed):
        if n is None:
            continue
        prev = next((printed[j] + (i - j) for j in range(i - 1, -1, -1) if printed[j] is not None), None)
        nxt = next((printed[j] - (j - i) for j in range(i + 1, len(printed)) if printed[j] is not None), None)
        if prev is not None and prev != n and nxt is not None and nxt != n:
            good[i] = None
    return good


def _margins(lines: list[VisualLine]) -> tuple[float, float, float]:
    """(left text edge, right text edge, typical font size) of a page's body lines."""
    sizes = [l.y1 - l.y0 for l in lines if l.y1 > l.y0]
    size = statistics.median(sizes) if sizes else 12.0
    lefts = Counter(round(l.x0) for l in lines)
    left = min((x for x, n in lefts.items() if n >= max(2, lefts.most_common(1)[0][1] * 0.3)), default=0.0)
    rights = sorted(l.x1 for l in lines)
    right = rights[int(len(rights) * 0.9)] if rights else 0.0
    return float(left), float(right), float(size)


def paragraphs(page: PageLines) -> tuple[list[RawLine], bool, bool]:
    """Join a page's wrapped lines into logical lines.

    Returns (lines, first line continues the previous page's paragraph, last paragraph runs on)."""
    lines = sorted(page.lines, key=lambda l: (round(l.y0 / 2), l.x0))
    tables = sorted(page.tables or [], key=lambda t: t[0])
    if tables:
        lines = [l for l in lines if not any(t[0] - 2 <= (l.y0 + l.y1) / 2 <= t[1] + 2 for t in tables)]
    if not lines and not tables:
        return [], False, False
    left, right, size = _margins(lines) if lines else (0.0, 0.0, 12.0)
    out: list[RawLine] = []
    items: list[tuple[float, object]] = [((l.y0 + l.y1) / 2, l) for l in lines] + [(t[0], t) for t in tables]
    items.sort(key=lambda x: x[0])
    cur: list[str] = []
    prev: VisualLine | None = None
    first_continues = False
    open_end = False

    def flush():
        if cur:
            out.append(RawLine(_join(cur)))
            cur.clear()

    for _, item in items:
        if isinstance(item, tuple):                      # a ruled table: one RawLine per row
            flush()
            prev = None
            for row in item[2]:
                out.append(RawLine("\t".join(row), cells=tuple(row)))
            continue
        l = item
        text = l.text.strip()
        if not text:
            continue
        indented = l.x0 > left + 0.9 * size
        starts = bool(_STARTS_BLOCK.match(text)) or bool(_TOC_TAIL.search(text))
        if prev is None:
            new = True
            if not out and not indented and not starts:
                first_continues = True
        else:
            gap = l.y0 - prev.y1
            prev_text = prev.text.strip()
            # a short line ends its paragraph, unless it stops mid-sentence (ragged-right text)
            prev_short = prev.x1 < right - 1.5 * size and (
                ends_sentence(prev_text) or not looks_like_running_text("".join(cur)))
            new = (indented or starts or prev_short or gap > 1.2 * size
                   or bool(_TOC_TAIL.search(prev_text)) or page_number(prev_text) is not None)
            # a long centred heading wrapped onto a second centred line: '第一章 开启…卫滨新征' / '程'
            if (new and not starts and len(cur) == 1 and _HEADING.match(cur[0]) and gap < size
                    and abs((l.x0 + l.x1) - (prev.x0 + prev.x1)) / 2 < size and not ends_sentence(prev_text)
                    and l.x0 > left + 2.5 * size and l.x1 < right - 2.5 * size and not ends_sentence(text)):
                new = False
        if new:
            flush()
        cur.append(text)
        prev = l
    if prev is not None and not _TOC_TAIL.search(prev.text):
        last = "".join(cur)
        open_end = prev.x1 >= right - 1.5 * size or (not ends_sentence(last) and looks_like_running_text(last))
    flush()
    return out, first_continues, open_end


def _join(parts: list[str]) -> str:
    """Join wrapped lines: no space between Chinese characters, one space between Latin words."""
    s = parts[0]
    for p in parts[1:]:
        if s and p and s[-1].isascii() and s[-1].isalnum() and p[0].isascii() and p[0].isalnum():
            s += " " + p
        else:
            s += p
    return s


def to_pages(pages: list[PageLines]) -> list[RawPage]:
    """Layout pages → RawPages: furniture removed, paragraphs joined, a paragraph cut by a page break rejoined
    (it stays on the page where it starts)."""
    pages, printed, dropped = strip_furniture(pages)
    out: list[list[RawLine]] = []
    carry_open = False
    for p in pages:
        lines, first_continues, open_end = paragraphs(p)
        if lines and first_continues and carry_open and not lines[0].cells:
            target = next((pl for pl in reversed(out) if pl), None)
            if target is not None and not target[-1].cells:
                target[-1] = RawLine(target[-1].text + PAGE_JOIN + lines[0].text)
                lines = lines[1:]
        out.append(lines)
        if lines or p.lines:
            carry_open = open_end
    return [RawPage(tuple(ls), printed[i], pages[i].ocr, dropped[i]) for i, ls in enumerate(out)]
