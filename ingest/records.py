"""Typed, frozen records for a parsed planning document and its passages."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, asdict


@dataclass(frozen=True)
class TocEntry:
    """One line of the document's own table of contents."""
    level: str            # "preface" | "chapter" | "section"
    chapter: int          # 0 for 序言
    section: int          # 0 for a chapter line
    title: str
    page: int | None


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


@dataclass(frozen=True)
class Section:
    chapter: int
    number: int           # 0 = the chapter's own preamble
    title: str
    page: int | None
    subheadings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chapter:
    number: int           # 0 = 序言
    title: str
    page: int | None
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class BoxInfo:
    id: str               # "1-1"
    title: str
    chapter: int
    section: int
    page: int | None


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

    @property
    def heading_path(self) -> str:
        """章 › 节 › 专栏, the context a reader (and the embedder) sees."""
        parts = []
        if self.chapter == 0:
            parts.append("序言")
        else:
            parts.append(f"第{cn(self.chapter)}章 {self.chapter_title}")
            if self.section:
                parts.append(f"第{cn(self.section)}节 {self.section_title}")
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


def cn(n: int) -> str:
    """1..99 as Chinese numerals: 2 → 二, 11 → 十一, 20 → 二十."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def from_cn(s: str) -> int:
    """Chinese numerals (up to 99) or ASCII digits to int: 十二 → 12."""
    s = s.strip()
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        return (_DIGITS.index(a) if a else 1) * 10 + (_DIGITS.index(b) if b else 0)
    return _DIGITS.index(s)
