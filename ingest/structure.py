"""Parse cleaned lines into the outline's structure: front matter, TOC, 章, 节, 专栏, paragraphs, table rows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .clean import clean_line, ends_sentence, is_page_furniture, looks_like_running_text
from .records import TocEntry, from_cn

NUM = "一二三四五六七八九十零〇0-9"
CHAPTER = re.compile(rf"^第([{NUM}]+)章\s*(.*)$")
SECTION = re.compile(rf"^第([{NUM}]+)节\s*(.*)$")
PART = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")          # 一、xxx (work reports)
SUBHEAD = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.{2,40})$")
BOX = re.compile(r"^专栏\s*(\d+\s*[-－—]\s*\d+)\s*(.*)$")
PREFACE = re.compile(r"^(序\s*言|前\s*言)$")
TOC_HEAD = re.compile(r"^目\s*录$")
DASH_HEAD = re.compile(r"^——[^。，,]{2,30}$")
NOTE = re.compile(r"^注\s*[:：]")
LEAD = re.compile(r"^(?:——)?([^。，,；;：:“”\"]{2,20})。")


@dataclass
class Line:
    text: str        # cleaned
    raw: str
    page: int        # 1-based page of the source (1 for a text file)
    lineno: int      # 1-based line within the source file/page stream


@dataclass
class Node:
    """A parsed block before offsets exist."""
    kind: str
    text: str
    page: int
    lineno: int
    chapter: int = 0
    section: int = 0
    box: str | None = None
    title: str = ""
    number: int = 0
    cells: tuple | None = None
    subheading: str | None = None


def _numeral(s: str) -> int | None:
    s = re.sub(r"[^一二三四五六七八九十0-9]", "", s)
    for cand in (s, re.sub(r"(.)\1", r"\1", s)):   # '三三' (a damaged TOC line) → '三'
        try:
            return from_cn(cand)
        except (ValueError, IndexError):
            continue
    return None


def parse_toc_line(raw: str) -> TocEntry | None:
    """'第-\\t一章 开\\t启全面…\\t. 1' → TocEntry(chapter 1, page 1). None if not a TOC line."""
    fields = [f for f in re.split(r"\t+", raw) if f.strip()]
    page = None
    if len(fields) > 1 and re.fullmatch(r"[\s.·…]*\d{1,4}\s*", fields[-1]):
        page = int(re.sub(r"\D", "", fields.pop()))
    text = re.sub(r"[\s\-.:：·…]", "", "".join(fields))
    if page is None:
        m = re.search(r"(\d{1,4})$", text)
        if not m:
            return None
        page, text = int(m.group(1)), text[: m.start()]
    text = re.sub(r"\d+$", "", text)                # '…转型提质2' (a stray digit) → '…转型提质'
    if PREFACE.match(text):
        return TocEntry("preface", 0, 0, "序言", page)
    m = re.match(rf"^第([{NUM}]+)([章节])(.*)$", text)
    if not m:
        return None
    n = _numeral(m.group(1))
    if n is None:
        return None
    if m.group(2) == "章":
        return TocEntry("chapter", n, 0, m.group(3), page)
    return TocEntry("section", 0, n, m.group(3), page)


def split_lines(pages: tuple[str, ...], paged: bool) -> list[Line]:
    out, lineno = [], 0
    for pno, page in enumerate(pages, 1):
        for raw in page.split("\n"):
            lineno += 1
            if paged and is_page_furniture(raw):
                continue
            out.append(Line(clean_line(raw), raw, pno, lineno))
    return out


def read_front(lines: list[Line]) -> tuple[list[Line], list[TocEntry], int]:
    """Split off the front matter and the TOC; return (front lines, toc entries, index where the body starts)."""
    toc_at = next((i for i, l in enumerate(lines[:200]) if TOC_HEAD.match(l.text)), None)
    if toc_at is None:
        body = next((i for i, l in enumerate(lines)
                     if _heading_kind(l.text) or (PART.match(l.text) and len(l.text) <= 40)), 0)
        return [l for l in lines[:body] if l.text], [], body
    front = [l for l in lines[:toc_at] if l.text]
    entries, chapter, i = [], 0, toc_at + 1
    while i < len(lines):
        l = lines[i]
        if not l.text:
            i += 1
            continue
        e = parse_toc_line(l.raw)
        if e is None:
            break
        if e.level == "chapter":
            chapter = e.chapter
        elif e.level == "section":
            e = TocEntry("section", chapter, e.section, e.title, e.page)
        entries.append(e)
        i += 1
    return front, entries, i


def _heading_kind(text: str) -> str | None:
    if len(text) > 60 or "。" in text:
        return None
    if PREFACE.match(text):
        return "preface"
    if CHAPTER.match(text):
        return "chapter"
    if SECTION.match(text):
        return "section"
    if BOX.match(text):
        return "box"
    return None


def parse_body(lines: list[Line], use_parts: bool) -> list[Node]:
    """Group body lines into nodes, rejoining paragraphs that a page break or a hard wrap split."""
    nodes: list[Node] = []
    chapter = section = 0
    box: str | None = None
    subheading: str | None = None
    in_table = False

    def add(kind, text, line, **kw):
        nodes.append(Node(kind, text, line.page, line.lineno, chapter, section, box, subheading=subheading, **kw))

    for line in lines:
        t = line.text
        if not t:
            continue
        kind = _heading_kind(t)
        if kind is None and use_parts and PART.match(t) and len(t) <= 40 and "。" not in t:
            kind = "part"
        if kind == "preface":
            chapter, section, box, subheading, in_table = 0, 0, None, None, False
            add("chapter", t, line, title="序言", number=0)
            continue
        if kind in ("chapter", "part"):
            m = (CHAPTER if kind == "chapter" else PART).match(t)
            n = _numeral(m.group(1))
            if n is not None:
                chapter, section, box, subheading, in_table = n, 0, None, None, False
                add("chapter", t, line, title=m.group(2).strip(), number=n)
                continue
        if kind == "section":
            m = SECTION.match(t)
            n = _numeral(m.group(1))
            if n is not None:
                section, box, subheading, in_table = n, None, None, False
                title, sub = m.group(2).strip(), None
                sm = re.search(r"\s*([(（][一二三四五六七八九十]+[)）].+)$", title)
                if sm:                       # '发展目标 (一)二〇三五年远景目标'
                    title, sub = title[: sm.start()].strip(), sm.group(1)
                if sub:
                    subheading = sub
                add("section", t, line, title=title, number=n)
                continue
        if kind == "box":
            m = BOX.match(t)
            box = re.sub(r"\s", "", m.group(1)).replace("－", "-").replace("—", "-")
            in_table = "\t" in line.raw and line.raw.count("\t") >= 2
            add("box", t.rstrip(), line, title=m.group(2).strip())
            continue
        if SUBHEAD.match(t) or DASH_HEAD.match(t):
            if not (use_parts and SUBHEAD.match(t)):
                subheading = t
                add("subheading", t, line)
                continue
            m = SUBHEAD.match(t)                 # work-report style: （一） is a section
            section, subheading = from_cn(m.group(1)), None
            add("section", t, line, title=m.group(2).strip(), number=section)
            continue
        if in_table:
            if NOTE.match(t):
                in_table = False
                add("note", t, line)
            else:
                add("tablerow", line.raw, line)
            continue
        prev = nodes[-1] if nodes else None
        if prev is not None and prev.kind == "paragraph" and (
                (not ends_sentence(prev.text) and looks_like_running_text(prev.text))
                # a clause list cut after its semicolon: the next line has no lead phrase of its own
                or (prev.text.rstrip().endswith((";", "；")) and not LEAD.match(t))):
            prev.text += t                     # rejoin a paragraph cut by a page break
            continue
        add("paragraph", t, line)
    return nodes
