"""Typed, frozen records for a parsed planning document and its passages."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class TocEntry:
    """One line of the document's own table of contents."""
    level: str            # "preface" | "volume" | "chapter" | "section"
    chapter: int          # 0 for 序言
    section: int          # 0 for a chapter line
    title: str
    page: int | None
    label: str = ""       # the document's own numbering when it is not 第X章/第X节: "九、", "（一）"


@dataclass(frozen=True)
class Block:
    """A unit of the document body in reading order: a heading, a paragraph or a table row."""
    kind: str             # "chapter" | "section" | "subheading" | "box" | "paragraph" | "row" | "note"
    start: int            # offsets into Document.text
    end: int
    chapter: int
    section: int
    box: str | None
    page: int | None
    src_line: int         # 1-based line (txt) of the block's first character
    para: int = 0         # paragraph number within its section (1-based), 0 for headings
    lead: str | None = None   # lead phrase such as "总部经济"
    cells: tuple[tuple[str, str], ...] | None = None  # (column, value) for table rows
    subheading: str | None = None   # the (一)/(二) or ——… heading the block stands under

    @property
    def subitem_ref(self) -> str:
        """3. / 2.（1）: the sub-item the block stands under, as the document numbers it; "" for none."""
        return subitem_ref(self.subheading)


@dataclass(frozen=True)
class Section:
    chapter: int
    number: int           # 0 = the chapter's own preamble
    title: str
    page: int | None
    subheadings: tuple[str, ...] = ()
    label: str = ""       # as the document numbers it: "第二节", "（一）"; "" for an unnumbered heading

    @property
    def ref(self) -> str:
        """How a citation names the section: 第二节 / （一）; "" for an unnumbered heading."""
        return section_ref(self.number, self.label)

    @property
    def heading(self) -> str:
        """第二节 加快发展铜材料深加工产业 / （一）巩固和完善农村基本经营制度."""
        return numbered(self.ref, self.title)

    @property
    def subitems(self) -> tuple[tuple[str, str], ...]:
        """The section's 1. sub-items, the （1） under them and the ① under either, in order, as (ref, heading):
        ("2.", "2.报名条件"), ("2.（1）", "（1）普通类"), ("3．①", "①工会学校"); none for a plan's （一） subheadings or
        —— paragraphs."""
        out, item, paren = [], "", ""
        for sub in self.subheadings:
            m = _ITEM_NO.match(sub)
            if m:
                item, paren = m.group(0), ""
                out.append((item, sub))
                continue
            m = _PAREN_NO.match(sub)
            if m and item:
                paren = m.group(0)
                out.append((item + paren, sub))
                continue
            m = _CIRCLE_NO.match(sub)
            if m and item:
                out.append((item + paren + m.group(0), sub))
        return tuple(out)


@dataclass(frozen=True)
class Chapter:
    number: int           # 0 = 序言 (or the text before the first part)
    title: str
    page: int | None
    sections: tuple[Section, ...] = ()
    label: str = ""       # as the document numbers it: "第二章", "九、", "序言", "第三篇"
    volume: str = ""      # the 篇 a chapter stands in ("第三篇"), in a plan of 篇 / 章 / 节; "" elsewhere
    volume_title: str = ""
    level: str = ""       # "篇" for a 篇's own heading (its number is its place in reading order, as its chapters')

    @property
    def ref(self) -> str:
        """How a citation names the chapter: 第二章 / 九、 / 序言 / 第三篇第八章 (chapters that start again at 第一章
        in every 篇 are told apart by it)."""
        return self.volume + chapter_ref(self.number, self.label, self.title)

    @property
    def heading(self) -> str:
        """第二章 推动制造业高质量发展 / 九、深化农村改革 / 序言."""
        if self.number == 0:
            return self.title or self.ref
        return numbered(self.ref, self.title)

    @property
    def printed_heading(self) -> str:
        """The heading as the page prints it, without its 篇: 第一章 更好服务党和国家工作大局."""
        if self.number == 0 or not self.volume:
            return self.heading
        return numbered(chapter_ref(self.number, self.label, self.title), self.title)


@dataclass(frozen=True)
class BoxInfo:
    id: str               # "1-1"
    title: str
    chapter: int
    section: int
    page: int | None


@dataclass(frozen=True)
class Report:
    """What one ingest found in a document, kept with it (`kb inspect DOC`)."""
    source_format: str                    # txt, pdf, docx, html (pdf+ocr when pages were OCR'd)
    pages: int                            # physical pages (1 for a flowing format)
    printed_pages: int                    # pages whose printed number was found
    chapters: int
    sections: int
    boxes: int
    toc_entries: int                      # entries of the document's own table of contents (0: none)
    toc_matched: int                      # of those, found in the body with the same number and title
    differences: tuple[str, ...]          # TOC vs body, one line each
    furniture_chars: int                  # characters dropped as running headers, footers, page numbers
    glyphs_repaired: int                  # radical / compatibility look-alikes mapped to ideographs
    glyphs_suspicious: int                # still suspicious after repair (radicals, private use, U+FFFD)
    ocr_pages: tuple[int, ...]            # physical pages read by OCR
    problems: tuple[str, ...]             # pages that could not be read, and the like
    seconds: tuple[tuple[str, float], ...] = ()   # read/extract/ocr/parse timings
    warnings: tuple[str, ...] = ()
    volumes: int = 0                      # 篇 of a plan numbered 篇 / 章 / 节
    articles: int = 0                     # 条 of a law or regulation (第一条…)
    volume_word: str = "篇"               # what the document calls that level: 篇 (a plan) or 编 (a code)

    @classmethod
    def from_json(cls, d: dict) -> "Report":
        d = dict(d)
        for k in ("differences", "ocr_pages", "problems", "warnings"):
            d[k] = tuple(d.get(k) or ())
        d["seconds"] = tuple(tuple(x) for x in d.get("seconds") or ())
        return cls(**d)


@dataclass(frozen=True)
class Document:
    """A cleaned document: its text, structure and the blocks that tile it."""
    doc_id: str
    title: str
    source: str           # file name
    sha256: str
    text: str             # cleaned text; every offset in this package points here
    chapters: tuple[Chapter, ...]
    boxes: tuple[BoxInfo, ...]
    blocks: tuple[Block, ...]
    toc: tuple[TocEntry, ...] = ()
    issuer: str | None = None
    year: int | None = None
    page_breaks: tuple[tuple[int, int], ...] = ()   # (offset, page) where a PDF page starts
    paged: bool = False                             # pages are real PDF pages, not TOC-derived
    date: str | None = None                         # as the cover prints it: 二〇二一年三月
    report: "Report | None" = None                  # what the ingest found (structure, TOC check, pages, glyphs)

    def page_at(self, offset: int, default: int | None = None) -> int | None:
        """The PDF page holding a character offset (default when the document has no real pages)."""
        if not self.page_breaks:
            return default
        i = bisect.bisect_right([o for o, _ in self.page_breaks], offset) - 1
        return self.page_breaks[max(i, 0)][1]

    def chapter(self, n: int) -> Chapter | None:
        return next((c for c in self.chapters if c.number == n), None)

    def section(self, chapter: int, section: int) -> Section | None:
        c = self.chapter(chapter)
        return next((s for s in c.sections if s.number == section), None) if c else None


@dataclass(frozen=True)
class Passage:
    """A retrievable unit: verbatim text plus everything needed to cite it."""
    id: str               # stable: "<doc_id>:<chapter>.<section>:<kind><n>"
    doc_id: str
    doc_title: str
    text: str             # == document.text[start:end]
    start: int
    end: int
    chapter: int
    chapter_title: str
    section: int
    section_title: str
    box: str | None
    box_title: str | None
    para: int
    page: int | None
    kind: str = "paragraph"   # "paragraph" | "row" | "box"
    lead: str | None = None
    subheading: str | None = None
    cells: tuple[tuple[str, str], ...] | None = None
    chapter_label: str = ""   # the document's own numbering ("九、", "（一）"); "" means 第X章 / 第X节
    section_label: str = ""
    volume: str = ""          # the 篇 of a plan numbered 篇 / 章 / 节 ("第三篇"), with its title
    volume_title: str = ""

    @property
    def chapter_ref(self) -> str:
        """第二章 / 九、 / 第三篇第八章: how a citation names the chapter."""
        return self.volume + chapter_ref(self.chapter, self.chapter_label, self.chapter_title)

    @property
    def section_ref(self) -> str:
        return section_ref(self.section, self.section_label)

    @property
    def subitem_ref(self) -> str:
        """3. / 2.（1）: the sub-item the passage stands under, as the document numbers it; "" for none."""
        return subitem_ref(self.subheading)

    @property
    def heading_path(self) -> str:
        """章 › 节 › 专栏, the context a reader (and the embedder) sees."""
        parts = []
        if self.chapter == 0:
            if self.chapter_ref:
                parts.append(self.chapter_ref)
        else:
            if self.volume:
                parts.append(numbered(self.volume, self.volume_title))
            parts.append(numbered(chapter_ref(self.chapter, self.chapter_label, self.chapter_title),
                                  self.chapter_title))
            if self.section:
                parts.append(numbered(self.section_ref, self.section_title))
        if self.subheading:
            parts.append(self.subheading)
        if self.box:
            parts.append(f"专栏{self.box} {self.box_title or ''}".strip())
        return " › ".join(parts)

    def to_json(self) -> dict:
        d = asdict(self)
        if d["cells"] is not None:
            d["cells"] = [list(c) for c in d["cells"]]
        return d

    @classmethod
    def from_json(cls, d: dict) -> "Passage":
        d = dict(d)
        if d.get("cells") is not None:
            d["cells"] = tuple(tuple(c) for c in d["cells"])
        return cls(**d)


_DIGITS = "零一二三四五六七八九"


def chapter_ref(number: int, label: str, title: str) -> str:
    """A chapter as a citation names it: its own label (九、, 序言), else 第X章; chapter 0 is 序言 only when so titled."""
    if label:
        return label
    if number == 0:
        return "序言" if title == "序言" else ""
    return f"第{cn(number)}章"


def section_ref(number: int, label: str) -> str:
    """A section as a citation names it: its own label (（一）), else 第X节; "" for none."""
    if not number:
        return ""
    return label or f"第{cn(number)}节"


# 3.用好原产地规则 / 3、… / 3．…: the number as the document prints it; or a law's or regulation's article, 第九条,
# numbered through the whole document
ARTICLE_NO = "第([零〇一二三四五六七八九十百千]+)条"         # 第九条, 第一百零五条: a law's or regulation's article
_ITEM_NO = re.compile(rf"^(?:\d{{1,2}}[.．、]|{ARTICLE_NO})")
ARTICLE_REF = re.compile(rf"^{ARTICLE_NO}$")
_PAREN_NO = re.compile(r"^[（(]\d{1,2}[）)]")      # （1）普通类 / (1)普通类, under a 1. item: brackets as printed
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CIRCLE_NO = re.compile(f"^[{CIRCLED}]")         # ①工会学校, under a 1. item or its （1）
_KEY_CHARS = str.maketrans({"(": "（", ")": "）"} | {chr(0xFF10 + d): str(d) for d in range(10)})
_ITEM_DOT = re.compile(r"(?<=[0-9])[.．、]")


def place_key(ref: str) -> str:
    """A place in a document's own numbering as it is matched, never shown: spaces dropped, brackets and digits
    half- or full-width alike, a sub-item's 3、 / 3． / 3. all one (二、（一）3、 → 二、（一）3.), so that a place is
    found whichever way it is typed, while records and citations keep the number as the document prints it."""
    return _ITEM_DOT.sub(".", "".join(ref.split()).translate(_KEY_CHARS))


def subitem_ref(subheading: str | None) -> str:
    """The sub-item a heading path's last level names, in the document's own numbering: '3.用好原产地规则' → 3.,
    '3、用好原产地规则' → 3、, '2.报名条件 › （1）普通类' → 2.（1）, '3．成立工人学校 › ①工会学校' → 3．①; "" for
    none (a plan's （一） subheading or —— paragraph is not a sub-item)."""
    item, *under = (subheading or "").split(" › ")
    m = _ITEM_NO.match(item)
    if not m:
        return ""
    return m.group(0) + "".join(n.group(0) for sub in under if (n := _PAREN_NO.match(sub) or _CIRCLE_NO.match(sub)))


_UNDER_NO = re.compile(f"[（(]\\d{{1,2}}[）)]|[{CIRCLED}]")


def subitem_levels(ref: str) -> tuple[str, ...]:
    """A sub-item's place and each place above it, as numbered: 2.（1）① → (2., 2.（1）, 2.（1）①), 3、 → (3、,);
    () for none (its depth is their number)."""
    m = _ITEM_NO.match(ref or "")
    if not m:
        return ()
    return (m.group(0),) + tuple(ref[:n.end()] for n in _UNDER_NO.finditer(ref, m.end()))


def subitem_title(subheading: str | None) -> str:
    """The title of the sub-item a heading path ends in, without its number: 用好原产地规则 / 普通类; "" for none."""
    if not subitem_ref(subheading):
        return ""
    last = subheading.rpartition(" › ")[2]
    m = _ITEM_NO.match(last) or _PAREN_NO.match(last) or _CIRCLE_NO.match(last)
    return last[m.end():] if m else ""


def numbered(ref: str, title: str) -> str:
    """A number and its title as the document sets them: 九、深化农村改革, （一）指导思想, 第二章 推动…."""
    if not ref or not title:
        return ref or title
    return ref + ("" if ref.endswith(("、", "）")) else " ") + title


def cn(n: int) -> str:
    """1..99 as Chinese numerals: 2 → 二, 11 → 十一, 20 → 二十."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def from_cn(s: str) -> int:
    """Chinese numerals (up to 9999) or ASCII digits to int: 十二 → 12, 一百零五 → 105, 一千二百六十 → 1260 (a law's
    articles). ValueError for anything else."""
    s = s.strip().replace("〇", "零")
    if s.isdigit():
        return int(s)
    if not s or s.strip(_DIGITS + "十百千"):
        raise ValueError(f"not a Chinese numeral: {s!r}")
    total, digit = 0, None
    for ch in s:
        if ch in "十百千":
            total += (1 if digit is None else digit) * {"十": 10, "百": 100, "千": 1000}[ch]
            digit = None
        else:
            digit = _DIGITS.index(ch)
    return total + (digit or 0)
