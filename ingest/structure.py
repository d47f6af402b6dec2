"""Parse cleaned lines into a document's structure: cover, table of contents, and the body's own numbering
(第X章/第X节/专栏 in plans; 一、/（一）/1. in policy documents and work reports), paragraphs and table rows."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .clean import clean_line, ends_sentence, is_page_furniture, looks_like_running_text
from .passages import sentences
from .records import ARTICLE_NO, CIRCLED, TocEntry, cn, from_cn

NUM = "一二三四五六七八九十百零〇0-9"
# 第三篇 (provincial and national plans); 第一编 (a code or a long law: 编 / 章 / 节 / 条), the same level
VOLUME = re.compile(rf"^第([{NUM}]+)[篇编]\s*(.*)$")
CHAPTER = re.compile(rf"^第([{NUM}]+)[章部](?:分)?\s*(.*)$")
SECTION = re.compile(rf"^第([{NUM}]+)节\s*(.*)$")
PART = re.compile(r"^([一二三四五六七八九十]+)、\s*(.+)$")          # 一、xxx (policy documents, work reports)
SUBHEAD = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.{2,40})$")
# （一）指导思想。全面贯彻… : an item whose title runs on into its paragraph
RUN_ON = re.compile(r"^([(（]([一二三四五六七八九十]+)[)）])\s*([^。；;：:，,]{2,24}?)。(.+)$")
SUBITEM = re.compile(r"^(\d{1,2})[.．、]\s*([^。；;：:，,\d][^。；;：:，,]{1,24}?)[。：:]?(?:$|(?<=[。：:]).)")
# （1）普通类：分为… / （1）加强组织领导。… : a sub-item of a 1. item, numbered in Arabic digits in brackets
PAREN_ITEM = re.compile(r"^[(（](\d{1,2})[)）]\s*(\S.*)$")
# ①工会学校 / ①加强…。…: a sub-item of a 1. item or of its （1）, numbered in circled digits
CIRCLED_ITEM = re.compile(rf"^([{CIRCLED}])\s*(\S.*)$")
# 第九条　从事国际服务贸易…: a law's or regulation's article, numbered through the document (第一百零五条)
ARTICLE = re.compile(rf"^{ARTICLE_NO}(?![例件款项])\s*(.*)$")
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
    page: int        # 1-based physical page of the source (1 for a text file)
    lineno: int      # 1-based line within the source's line stream
    level: int = 0   # heading level the source marks (Word style, <h1>..<h3>)
    cells: tuple[str, ...] | None = None


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
    label: str = ""
    volume: str = ""       # the 篇 the node stands in, with its title
    volume_title: str = ""
    level: str = ""        # "篇" for a 篇 heading


def _wrapped_title(text: str) -> bool:
    """The second line of a heading wrapped by the printer: short, no punctuation, not a heading itself."""
    return len(text) <= 24 and not re.search(r"[。，；：,;:！？!?（）()]", text) and heading_kind(text) is None


def _spaced_title(title: str, raw: str) -> str:
    """A title printed as two phrases with a space between (第二篇　建设现代化产业体系　巩固壮大实体经济根基): the
    cleaned line lost the space, the raw line has it; one space is kept between the phrases."""
    pieces = raw.split()
    for k in range(len(pieces)):
        rest = pieces[k:]
        if "".join(rest) == title and len(rest) > 1 and all(len(p) >= 2 for p in rest):
            return " ".join(rest)
    return title


def _numeral(s: str) -> int | None:
    s = re.sub(r"[^零〇一二三四五六七八九十百千0-9]", "", s)
    for cand in (s, re.sub(r"(.)\1", r"\1", s)):   # '三三' (a damaged TOC line) → '三'
        try:
            return from_cn(cand)
        except (ValueError, IndexError):
            continue
    return None


# --- table of contents ------------------------------------------------------------------------------------

_TOC_SPLIT = re.compile(r"\t+|\s{2,}|[.…·•_]{2,}|(?<=\D)[.…·•]\s*(?=\d+\s*$)")


def parse_toc_line(raw: str) -> TocEntry | None:
    """'第-\\t一章 开\\t启全面…\\t. 1' or '第二节 加快发展…产业 ………… 18' → TocEntry. None if not a TOC line."""
    fields = [f for f in _TOC_SPLIT.split(raw.strip()) if f and f.strip(" .·…")]
    page = None
    if len(fields) > 1 and re.fullmatch(r"\s*\d{1,4}\s*", fields[-1]):
        page = int(fields.pop())
    text = re.sub(r"[\s\-:：·…•_.]", "", "".join(fields))
    if page is None:
        m = re.search(r"(\d{1,3})$", text)
        if not m:
            return None
        page, text = int(m.group(1)), text[: m.start()]
    text = re.sub(r"\d+$", "", text)                # '…转型提质2' (a stray digit) → '…转型提质'
    if PREFACE.match(text):
        return TocEntry("preface", 0, 0, "序言", page)
    m = re.match(rf"^第([{NUM}]+)([篇编])(.+)$", text)
    if m and _numeral(m.group(1)) is not None:
        return TocEntry("volume", _numeral(m.group(1)), 0, m.group(3), page, label=f"第{m.group(1)}{m.group(2)}")
    m = re.match(rf"^第([{NUM}]+)([章节])(.*)$", text)
    if m:
        n = _numeral(m.group(1))
        if n is None or not m.group(3):
            return None
        if m.group(2) == "章":
            return TocEntry("chapter", n, 0, m.group(3), page)
        return TocEntry("section", 0, n, m.group(3), page)
    m = re.match(r"^([一二三四五六七八九十]+)、(.+)$", text)
    if m:
        return TocEntry("chapter", from_cn(m.group(1)), 0, m.group(2), page, label=f"{m.group(1)}、")
    m = re.match(r"^[（(]([一二三四五六七八九十]+)[)）](.+)$", text)
    if m:
        return TocEntry("section", 0, from_cn(m.group(1)), m.group(2), page, label=f"（{m.group(1)}）")
    return None


def find_toc(lines: list[Line]) -> tuple[int, int, list[TocEntry]] | None:
    """The table of contents wherever it is: a run of ≥ 3 entry lines (heading + page number), optionally under
    a 目录 heading. Returns (first line, line after the last, entries with chapters filled in)."""
    best = None
    i = 0
    while i < len(lines):
        if not lines[i].text or (parse_toc_line(lines[i].raw) is None and not TOC_HEAD.match(lines[i].text)):
            i += 1
            continue
        j, entries, head = i, [], TOC_HEAD.match(lines[i].text) is not None
        if head:
            j += 1
        while j < len(lines):
            if not lines[j].text:
                j += 1
                continue
            e = parse_toc_line(lines[j].raw)
            if e is None:
                break
            entries.append(e)
            j += 1
        if len(entries) >= 3 and (best is None or len(entries) > len(best[2])):
            best = (i, j, entries)
        i = max(j, i + 1)
    if best is None:
        return None
    start, end, entries = best
    out, chapter = [], 0
    volumes = any(e.level == "volume" for e in entries)
    for e in entries:
        if volumes and e.level in ("volume", "chapter"):      # numbered in reading order, as the body is
            chapter += 1
            e = TocEntry(e.level, chapter, 0, e.title, e.page, e.label or f"第{cn(e.chapter)}章")
        elif e.level == "chapter":
            chapter = e.chapter
        elif e.level == "section":
            e = TocEntry("section", chapter, e.section, e.title, e.page, e.label)
        out.append(e)
    return start, end, out


# --- lines -------------------------------------------------------------------------------------------------

def heading_kind(text: str) -> str | None:
    if len(text) > 60 or "。" in text:
        return None
    if PREFACE.match(text):
        return "preface"
    if VOLUME.match(text):
        return "volume"
    if CHAPTER.match(text):
        return "chapter"
    if SECTION.match(text):
        return "section"
    if BOX.match(text):
        return "box"
    return None


def is_part(text: str) -> bool:
    return bool(PART.match(text)) and len(text) <= 40 and "。" not in text and "，" not in text


ITEM = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.+)$")
# 附件： / 附件：1.…的通知 / 附件 2: the list of attachments that closes a notice (its 1. 2. are no sub-items)
ATTACHED = re.compile(r"^附\s*件\s*(?:[：:]|\d{1,2}\s*$|$)")
TITLE_MAX = 400         # characters: a first sentence longer than this is body text, not an item (an untitled run-in
                        # item, 五、（二）根据《…》…将取消保障资格。, is as long as 200: its number in sequence vouches for it)
ITEM_TITLE_MAX = 60     # characters: an item whose first sentence is longer has no title of its own (五、（二）根据
                        # 《…》…将取消保障资格。): it is named by its number, its whole text a paragraph under it
PART_MAX = 100          # the same for a part whose number continues the sequence (六、城市道路占道…管理。, a notice)


def _first_sentence(text: str) -> str:
    spans = sentences(text, semicolons=False)
    return text[: spans[0][1]] if spans else text


_OPEN, _CLOSE = "（(“‘《〔[", "）)”’》〕]"


def paren_title(rest: str) -> str | None:
    """The title a （1） sub-item opens with: its whole line when short and without punctuation (an own-line title),
    else the words before its first 。 or ： (普通类：分为…; 高校…招生类（以下简称，“高职对口类”）：包括…), brackets
    and quotes included. None for a clause of a list or a sentence (有专职工作人员；, 建立…，…。)."""
    if len(rest) <= 25 and not re.search(r"[。，,；;：:！？!?]", rest):
        return rest
    depth = 0
    for k, ch in enumerate(rest[:41]):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0 and ch in "。：:":
            # a title ending in 。 runs on into its body; a lone sentence (（5）因触犯刑法…服刑者。) is a clause
            return rest[:k] if k >= 2 and (ch != "。" or rest[k + 1:].strip()) else None
        elif depth == 0 and ch in "，,；;！？!?":
            return None
    return None


def circle_title(rest: str) -> str | None:
    """The title a ① sub-item opens with, as a （1）'s (①工会学校 on its own line; ①加强组织领导。…), but never one
    ending in ：: a ① that says what follows (③考生具有…且符合以下条件之一：随其父或母…) is a condition of a list."""
    title = paren_title(rest)
    return title if title and rest[len(title):len(title) + 1] not in ("：", ":") else None


def _paren_skips(lines: list[Line], i: int, last: int, n: int, circled: bool = False) -> bool:
    """A titled （N） whose number jumps forward ((1), (2), then (4)) is a sub-item when the numbers skipped are
    nowhere further on under its 1. item: the document's numbering is kept and the report names the gap (as parts
    that skip are). Before the first （1）, or with a skipped number still to come, it is a line of the text. The
    same for a titled ① (circled) under its 1. or its （1）."""
    pattern, title = (CIRCLED_ITEM, circle_title) if circled else (PAREN_ITEM, paren_title)
    if last < 1 or n <= last + 1 or not title(pattern.match(lines[i].text).group(2).strip()):
        return False
    for line in lines[i + 1:]:
        t = line.text
        if SUBITEM.match(t) or PART.match(t) or ITEM.match(t) or heading_kind(t) or (circled and PAREN_ITEM.match(t)):
            break                       # the 1. item (or the （1） a ① stands under) ends
        m = pattern.match(t)
        if m and last < (CIRCLED.index(m.group(1)) + 1 if circled else int(m.group(1))) < n:
            return False
    return True


def continuous_numbering(lines: list[Line]) -> tuple[set[int], set[int]]:
    """The lines that are parts (一、) and items (（一）) because their numbers continue the document's own sequence,
    whatever their titles hold: a comma (三、提升农业发展质量，培育乡村发展新动能), a run-in sentence ending in 。
    ((一）大力推进现代化产业体系建设，加快发展新质生产力。充分发挥…). Parts run 一、二、三… through the document; items
    start again at （一） under a part or run on from the last item ((六) under 二、). A number out of sequence (a
    list inside a paragraph) is not a heading. Returns (part line indexes, item line indexes)."""
    parts: set[int] = set()
    items: set[int] = set()
    shaped = {}                           # line → number, for every line shaped like a part heading
    for i, l in enumerate(lines):
        m = PART.match(l.text)
        if m and len(_first_sentence(m.group(2))) <= PART_MAX:
            shaped[i] = _numeral(m.group(1))
    want_part, last_item, new_part = 1, 0, False
    for i, l in enumerate(lines):
        t = l.text
        if i in shaped:
            n = shaped[i]
            # the next number; or a jump forward when the number skipped is nowhere further on (二、 then 四、 with no
            # 三、: the document's own numbering is kept and the report names the gap)
            if n == want_part or (n is not None and n > want_part
                                  and not any(k > i and v == want_part for k, v in shaped.items())):
                parts.add(i)
                want_part, new_part = n + 1, True
                continue
        m = ITEM.match(t)
        if m and len(_first_sentence(m.group(2))) <= TITLE_MAX:
            n = _numeral(m.group(1))
            if n is not None and (n == last_item + 1 or (n == 1 and new_part)):
                items.add(i)
                last_item, new_part = n, False
    return parts, items


def articles(lines: list[Line]) -> dict[int, int]:
    """The lines that open a law's or regulation's articles (第一条, 第二条, …: numbered through the document, each
    the next), {line index: number}; none unless the document has at least three from 第一条 on. A 第N条 out of
    sequence is a line of the text (本规定第三条规定的… never opens a line, but a quoted article might)."""
    out: dict[int, int] = {}
    for i, l in enumerate(lines):
        m = ARTICLE.match(l.text)
        if m and m.group(2):
            n = _numeral(m.group(1))
            if n == len(out) + 1:
                out[i] = n
    return out if len(out) >= 3 else {}


def split_lines(raw_pages, layout: bool) -> list[Line]:
    """RawPages → cleaned Lines (glyphs repaired, spaces inside Chinese removed, punctuation restored)."""
    from .glyphs import repair
    out, lineno = [], 0
    for pno, page in enumerate(raw_pages, 1):
        for rl in page.lines:
            lineno += 1
            raw = repair(rl.text)
            if not layout and len(raw_pages) > 1 and is_page_furniture(raw):
                continue
            cells = tuple(clean_line(repair(c)) for c in rl.cells) if rl.cells else None
            out.append(Line(clean_line(raw), raw, pno, lineno, rl.level, cells))
    return out


# --- body --------------------------------------------------------------------------------------------------

def parse_body(lines: list[Line], scheme: str, joined: bool) -> list[Node]:
    """Group body lines into nodes, rejoining paragraphs that a page break or a hard wrap split.

    scheme: "plan" (第X章/第X节, （一） subheadings) or "parts" (一、 parts, （一） items, 1. sub-items).
    joined: the reader already joined wrapped lines (layout-aware formats)."""
    nodes: list[Node] = []
    chapter = section = 0
    # a plan of 篇 / 章 / 节: every 篇 and 章 is numbered in reading order (chapters may start again at 第一章 in each
    # 篇); labels keep the document's numbering
    volumes = any(heading_kind(l.text) == "volume" and _numeral(VOLUME.match(l.text).group(1)) is not None
                  for l in lines)
    volume, volume_title = "", ""
    skip: set[int] = set()
    last_sub, sub_part = 0, 0       # the last 1. sub-item's number, and the part it stands in
    attached_at = None              # (part, item) of a 附件： line: the 1. 2. lines after it name attachments
    item_sub: str | None = None     # the 1. sub-item a （1） stands under, and the last （N） number seen under it
    last_paren = 0
    circle_under, last_circle = "", 0     # the 1. or 1.（1） a ① stands under, and the last ① number seen under it
    box: str | None = None
    subheading: str | None = None
    in_table = False
    law = articles(lines)           # a law's or regulation's articles: the level under its 章 and 节, if any
    law_from = min(law, default=len(lines))     # from its 第一条 on (a notice before a regulation keeps its parts)
    parts, items = continuous_numbering(lines[:law_from]) if scheme == "parts" else (set(), set())

    def add(kind, text, line, **kw):
        nodes.append(Node(kind, text, line.page, line.lineno, chapter, section, box, subheading=subheading,
                          volume=volume, volume_title=volume_title, **kw))

    for i, line in enumerate(lines):
        t = line.text
        if not t or i in skip:
            continue
        kind = heading_kind(t)
        if kind == "volume":
            m = VOLUME.match(t)
            n = _numeral(m.group(1))
            if n is not None:
                head, title = t, _spaced_title(m.group(2).strip(), line.raw)
                nxt = next((k for k in range(i + 1, len(lines)) if lines[k].text), None)
                if not joined and nxt is not None and _wrapped_title(lines[nxt].text):
                    skip.add(nxt)                 # 第一篇 锚定发展目标 / 奋力谱写中国式现代化的北京篇章
                    head, title = f"{t} {lines[nxt].text}", f"{title} {lines[nxt].text}".strip()
                chapter, section, box, subheading, in_table = chapter + 1, 0, None, None, False
                volume, volume_title = "", ""
                add("chapter", head, line, title=title, number=chapter, label=t[: m.start(2)].strip(), level="篇")
                volume, volume_title = t[: m.start(2)].strip(), title
                continue
        if kind is None and scheme == "parts" and (i in parts or (is_part(t) and not parts)):
            kind = "part"
        if kind is None and line.level and not line.cells and len(t) <= 40:
            kind = {1: "chapter-x", 2: "section-x"}.get(line.level)
        if kind == "preface":
            chapter, section, box, subheading, in_table = 0, 0, None, None, False
            add("chapter", t, line, title="序言", number=0, label="序言")
            continue
        if kind in ("chapter", "part"):
            m = (CHAPTER if kind == "chapter" else PART).match(t)
            n = _numeral(m.group(1))
            if n is not None:
                chapter, section, box, subheading, in_table = (chapter + 1 if volumes else n), 0, None, None, False
                label = f"{m.group(1)}、" if kind == "part" else t[: m.start(2)].strip()
                head, rest, title = t, "", m.group(2).strip()
                if kind == "part":          # a run-in title: 一、关于城市道路的含义。根据…
                    cut = m.start(2) + len(_first_sentence(m.group(2)))
                    head, rest = t[:cut], t[cut:].strip()
                    title = t[m.start(2):cut].strip().rstrip("。：:")
                add("chapter", head, line, title=title, number=chapter, label=label)
                if rest:
                    add("paragraph", rest, line)
                continue
        if kind == "chapter-x":                        # a Word/HTML level-1 heading without a number
            chapter, section, box, subheading, in_table = chapter + 1, 0, None, None, False
            add("chapter", t, line, title=t, number=chapter, label="")
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
                add("section", t, line, title=title, number=n, label=t[: m.start(2)].strip())
                continue
        if kind == "section-x":
            section, box, subheading, in_table = section + 1, None, None, False
            add("section", t, line, title=t, number=section, label="")
            continue
        if kind == "box":
            m = BOX.match(t)
            box = re.sub(r"\s", "", m.group(1)).replace("－", "-").replace("—", "-")
            in_table = ("\t" in line.raw and line.raw.count("\t") >= 2)
            add("box", t.rstrip(), line, title=m.group(2).strip().strip("\t "))
            continue
        if i in law:
            # 第三条 …: cited as the article (a law cites its articles through the document); its text, number
            # included, a paragraph, and the paragraphs after it (its 款, its （一） 项) under it
            m = ARTICLE.match(t)
            subheading = f"第{m.group(1)}条"
            box, in_table = None, False
            nodes.append(Node("subitem", subheading, line.page, line.lineno, chapter, section, box,
                              subheading=subheading, number=law[i]))
            gap = re.match(rf"\s*{subheading}([ \u3000])", line.raw)      # 第九条　从事…: the space as printed
            add("paragraph", subheading + gap.group(1) + m.group(2) if gap else t, line)
            continue
        if i > law_from:
            pass                                # within articles, （一） and 1. are the article's text
        elif scheme == "parts":
            m = ITEM.match(t) if i in items else None
            if m and not RUN_ON.match(t) and not (SUBHEAD.match(t) and "。" not in t):
                # a title the sequence vouches for, with a comma or a run-in sentence: its first sentence
                num = m.group(1)
                section, subheading, box, in_table = from_cn(num), None, None, False
                body_at = m.start(2) + len(_first_sentence(m.group(2)))
                if body_at - m.start(2) > ITEM_TITLE_MAX:   # no title: its number, then its text as a paragraph
                    body_at = m.start(2)
                head = t[:body_at]
                add("section", head, line, title=head[m.start(2):].rstrip("。；;：:"), number=section,
                    label=f"（{num}）")
                if t[body_at:].strip():
                    add("paragraph", t[body_at:].strip(), line)
                continue
            m = RUN_ON.match(t) or SUBHEAD.match(t)
            if m and (m.re is RUN_ON or "。" not in t) and (not items or i in items):
                num = m.group(2) if m.re is RUN_ON else m.group(1)
                section, subheading, box, in_table = from_cn(num), None, None, False
                label = f"（{num}）"
                if m.re is RUN_ON:
                    head = t[: m.end(3) + 1]               # '（一）指导思想。'
                    add("section", head, line, title=m.group(3).strip(), number=section, label=label)
                    add("paragraph", t[m.end(3) + 1:].strip(), line)
                else:          # an item that is one clause of a list: （一）经…批准设立的各类贸易市场；
                    add("section", t, line, title=m.group(2).strip().rstrip("；;：:"), number=section, label=label)
                continue
            if ATTACHED.match(t):
                attached_at = (chapter, section)
            m = SUBITEM.match(t) if attached_at != (chapter, section) else None
            # 1. sub-items stand under an item, or under a part without items when their numbers run on (三、保障措施
            # / 22.加强组织领导。 after 21. of 二、's last item), start again at 1. in a new part, or skip a number or
            # two after this part's own 1. (三、 1. then 3.: a sub-item whose gap the ingest reports, not a paragraph)
            n = int(m.group(1)) if m else 0
            if m and (section or (chapter and (n == last_sub + 1 or (n == 1 and sub_part != chapter)
                                               or (sub_part == chapter and last_sub < n <= last_sub + 3)))):
                last_sub, sub_part = n, chapter
                # the number as printed (1. / 1、 / 1．): cited and shown so; matched whatever way it is typed
                subheading = item_sub = circle_under = f"{t[:m.end(1) + 1]}{m.group(2).strip()}"
                last_paren = last_circle = 0
                nodes.append(Node("subitem", subheading, line.page, line.lineno, chapter, section, box,
                                  subheading=subheading, number=int(m.group(1))))
                add("paragraph", t, line)
                continue
            m = PAREN_ITEM.match(t) if item_sub and subheading and subheading.startswith(item_sub) else None
            if m and (int(m.group(1)) == last_paren + 1 or _paren_skips(lines, i, last_paren, int(m.group(1)))):
                # （1） under a 1. item, numbers in sequence: a level when it opens with a title; a clause of a list
                # (（1）有专职工作人员；) stays a paragraph of its item, and a ① under it a condition, never a level
                last_paren, last_circle, circle_under = int(m.group(1)), 0, ""
                title = paren_title(m.group(2).strip())
                if title:
                    sub = f"{t[:m.start(2)].strip()}{title}"      # （1） or (1): the brackets as printed
                    subheading = circle_under = f"{item_sub} › {sub}"
                    nodes.append(Node("subitem", sub, line.page, line.lineno, chapter, section, box,
                                      subheading=subheading, number=last_paren))
                    add("paragraph", t, line)
                    continue
            m = CIRCLED_ITEM.match(t) if circle_under and subheading and subheading.startswith(item_sub) else None
            n = CIRCLED.index(m.group(1)) + 1 if m else 0
            if m and (n == last_circle + 1 or _paren_skips(lines, i, last_circle, n, circled=True)):
                # ① under a 1. item (3．成立工人学校 / ①工会学校) or under its （1）, in sequence: a level when it opens
                # with a title, as a （1） is; a condition of a list (①具备我市…完整学籍；) stays a paragraph
                last_circle = n
                title = circle_title(m.group(2).strip())
                if title:
                    sub = f"{m.group(1)}{title}"
                    subheading = f"{circle_under} › {sub}"
                    nodes.append(Node("subitem", sub, line.page, line.lineno, chapter, section, box,
                                      subheading=subheading, number=last_circle))
                    add("paragraph", t, line)
                    continue
        elif SUBHEAD.match(t) or DASH_HEAD.match(t):
            subheading = t
            add("subheading", t, line)
            continue
        if line.cells:                         # a structured table row (Word, HTML, ruled PDF table)
            add("tablerow", "\t".join(line.cells), line, cells=line.cells)
            continue
        if in_table and not NOTE.match(t):     # tab-separated rows of a text extraction
            add("tablerow", line.raw, line)
            continue
        if NOTE.match(t) and nodes and nodes[-1].kind == "tablerow":
            in_table = False
            add("note", t, line)
            continue
        prev = nodes[-1] if nodes else None
        if not joined and prev is not None and prev.kind == "paragraph" and (
                (not ends_sentence(prev.text) and looks_like_running_text(prev.text))
                # a clause list cut after its semicolon: the next line has no lead phrase of its own
                or (prev.text.rstrip().endswith((";", "；")) and not LEAD.match(t))):
            prev.text += t                     # rejoin a paragraph cut by a page break
            continue
        add("paragraph", t, line)
    return nodes
