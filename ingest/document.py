"""Build a Document (cleaned text, structure, blocks with offsets and pages, an ingest report) from a raw file."""
from __future__ import annotations

import json
from collections import Counter
import re
import time
from pathlib import Path

from . import glyphs
from .punct import restore
from .errors import BadDocument
from .readers import RawDocument
from .records import (ARTICLE_REF, CIRCLED, Block, BoxInfo, Chapter, Document, Report, Section, TocEntry, cn, from_cn,
                      subitem_ref)
from .structure import (ARTICLE, CHAPTER, LEAD, Line, Node, find_toc, heading_kind, is_part, parse_body,
                        split_lines, RUN_ON)
from .table import parse_table, row_text

# the kinds of document an office issues (党政机关公文处理工作条例's 公文种类, and the plans, rules and arrangements
# offices print under their own names): a title ends with one
# a law: 中华人民共和国对外贸易法, …法（2022年修正）; never 方法, 司法, 依法, 违法…
LAW = "(?<![方做说看想用手写算司执立依合违守语])法(?=$|[（(])"
CORE_GENRES = "规划|纲要|报告|方案|意见|计划|决定|通知|办法|条例|规定|细则|要点|" + LAW
GENRES = CORE_GENRES + "|安排|措施|指南|指引|公告|通告|通报|公报|决议|批复|纪要|预案|清单|章程|守则|导则|规则|白皮书"
TITLE_WORDS = re.compile(GENRES)
TITLE_END = re.compile(rf"({GENRES})([（(][^）)]*[)）])?$")
_CORE_END = re.compile(rf"({CORE_GENRES})([（(][^）)]*[)）])?$")


def _title_like(t: str) -> bool:
    """A heading-styled line that is the document's title, not its first heading: it ends in a kind of document.
    A short one ending in 措施, 安排, 清单… (保障措施, 工作安排, 任务清单) is a heading; 政府工作报告 is a title."""
    return bool(_CORE_END.search(t)) or (len(t) > 8 and bool(TITLE_END.search(t)))
ISSUER = re.compile(r"(委员会|人民政府|政府|办公厅|办公室|国务院|中央|区委|市委|县委|省委|局|委|厅|部|院)$")
DATE = re.compile(r"^[（(]?\s*([0-9〇○零一二三四五六七八九十]{4}\s*年\s*[0-9〇○零一二三四五六七八九十]{1,2}\s*月"
                  r"(?:\s*[0-9〇○零一二三四五六七八九十]{1,3}\s*日)?)\s*[)）]?$")    # ○ (U+25CB) is printed for 〇 too
# a document number under the title: （浙价费〔2007〕136号）, 穗府〔2026〕4号: not part of the title
DOC_NUMBER = re.compile(r"^[（(]?[^\s（）()〔〕]{1,12}[〔\[［]\d{4}[〕\]］]\s*\d+\s*号[)）]?$")
BANNER = re.compile(r"会议文件|^[（(]?[0-9]+[)）]?$|文件\s*[（(]\d+[)）]$|^(内部|秘密|机密|绝密)")


def doc_id_for(path: Path) -> str:
    stem = re.sub(r"\s+", "-", path.stem.strip())
    return re.sub(r"[^\w\-\u4e00-\u9fff]", "", stem) or "doc"


def _meta(path: Path) -> dict:
    side = path.with_name(path.stem + ".meta.json")
    try:
        if not side.exists():
            return {}
    except OSError:             # the name is too long for a file (the document's own is near the limit): none
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
        json.dumps(meta, ensure_ascii=False).encode("utf-8")    # a \ud800 escape is no text a document can hold
    except (OSError, ValueError) as e:
        raise BadDocument(f"{side}: unreadable metadata ({e})") from None
    if not isinstance(meta, dict):
        raise BadDocument(f"{side}: metadata must be a JSON object")
    return meta


# --- cover --------------------------------------------------------------------------------------------------

# an issuer that opens a title: 国务院关于… (after 中共中央 on the same line: 中共中央 国务院关于…)
ISSUER_LEAD = re.compile(r"^\S{1,15}?(委员会|人民政府|政府|办公厅|办公室|国务院|中央|区委|市委|县委|省委|局|委|厅|部|院)关于")
# the dateline under a report's title: ——2024年3月5日在第十四届全国人民代表大会第二次会议上
DATELINE = re.compile(r"^——\s*([0-9〇零一二三四五六七八九十]{4}\s*年\s*[0-9〇零一二三四五六七八九十]{1,2}\s*月"
                      r"\s*[0-9〇零一二三四五六七八九十]{1,3}\s*日)在.{2,40}上$")
# a news agency's dateline over a text it carried (新华社北京3月13日电): not part of the title
NEWS_DATELINE = re.compile(r"^(?:新华社|中新社|人民日报)\S{0,12}电$")
# the date a congress approved a plan, over two lines: 2026年1月29日北京市第十六届 / 人民代表大会第四次会议批准
APPROVED = re.compile(r"^[（(]?\s*([0-9〇○零一二三四五六七八九十]{4}\s*年\s*[0-9〇○零一二三四五六七八九十]{1,2}\s*月"
                      r"\s*[0-9〇○零一二三四五六七八九十]{1,3}\s*日)(.{0,30})$")
# a law's or regulation's history under its title, a line each: 2022年12月30日 第十三届全国人民代表大会常务委员会第三十八次
# 会议《关于修改〈…〉的决定》第二次修正 / 2024年1月22日 中华人民共和国国务院令第773号第二次修订: its date is the latest
LAW_HISTORY = re.compile(r"^[（(]?\s*([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日)\s*(\S.{0,120}?)"
                         r"(?:通过|修正|修订|公布|发布|施行)\s*[)）]?$")
LAW_ISSUER = re.compile(r"全国人民代表大会常务委员会|全国人民代表大会|国务院|政务院")
# the speaker of a report: 国务院总理 / 李强 (the name on the next line)
SPEAKER = re.compile(r"(总理|主席|省长|市长|区长|县长|州长|旗长)$")


def _cover_text(line: Line) -> str:
    """A cover line with the spaces between issuers kept ('中共中央 国务院'), other spaces inside Chinese gone."""
    raw = line.raw.strip()                 # glyphs already repaired by split_lines
    parts = [p for p in re.split(r"[ \t\u3000]+", raw) if p]
    out = parts[0] if parts else ""
    for p in parts[1:]:
        keep = bool(ISSUER.search(out)) and (bool(DATE.match(p)) or (len(p) >= 2 and ISSUER.search(p) is not None)
                                             or ISSUER_LEAD.match(p) is not None)
        out += (" " if keep else "") + p
    from .punct import restore
    return restore(out)


def read_cover(lines: list[Line]) -> tuple[str | None, str | None, str | None, int | None]:
    """(title, issuer, date, year) from the cover: the title may run over several lines, an issuer line may
    open it ('中共中央 国务院' / '关于…的意见'), the banner (会议文件) and the date are kept out of it."""
    texts = [_cover_text(l) for l in lines if l.text]
    title_parts: list[str] = []
    issuer = date = None
    for i, t in enumerate(texts):
        if BANNER.search(t) and not TITLE_WORDS.search(t.split("会议文件")[-1] if "会议文件" in t else t):
            continue
        # '卫滨区发展和改革委员会 二〇二一年三月' (issuer and date on one line)
        m = re.match(r"^(.+?)\s+([0-9〇零一二三四五六七八九十]{4}年.*)$", t)
        if m and DATE.match(m.group(2)) and ISSUER.search(m.group(1)):
            issuer, date = issuer or m.group(1), date or DATE.match(m.group(2)).group(1)
            continue
        if DATE.match(t):
            date = date or DATE.match(t).group(1)
            continue
        if DOC_NUMBER.match(t):
            continue
        if DATELINE.match(t):
            date = date or DATELINE.match(t).group(1)
            continue
        if NEWS_DATELINE.match(t):
            continue
        m = LAW_HISTORY.match(t)
        if m and title_parts and (who := LAW_ISSUER.search(m.group(2))):
            date = m.group(1)                  # the latest: the version this text is
            if issuer is None or issuer == "政务院":
                issuer = who.group(0)
            continue
        m = APPROVED.match(t)
        if m and title_parts:
            rest = m.group(2) + (texts[i + 1] if i + 1 < len(texts) else "")
            if re.search(r"会议.{0,6}(?:批准|通过)[)）]?$", rest):
                date = date or m.group(1)
                if not re.search(r"(?:批准|通过)[)）]?$", m.group(2)):
                    texts[i + 1] = ""
                continue
        nxt = texts[i + 1] if i + 1 < len(texts) else ""
        if SPEAKER.search(t) and title_parts and 2 <= len(nxt) <= 4 and not TITLE_WORDS.search(nxt):
            issuer = issuer or f"{t} {nxt}"          # 国务院总理 李强
            texts[i + 1] = ""
            continue
        if not t:
            continue
        if ISSUER.search(t) and not TITLE_WORDS.search(t) and not nxt.startswith("关于"):
            if title_parts:
                # issuers that sign together, a line each (浙江省物价局 / 浙江省财政厅)
                issuer = t if issuer is None else issuer + " " + t
                continue
            if not any(TITLE_WORDS.search(x) for x in texts[i + 1:]):
                issuer = t if issuer is None else issuer + " " + t
                continue
        if ISSUER.search(t) and nxt.startswith("关于"):
            issuer = issuer or t
        if not title_parts or not TITLE_END.search("".join(title_parts)) or t.startswith(("（", "(")):
            title_parts.append(t)
    title = "".join(title_parts) if title_parts else None
    if title:
        title = _full_width(title)
    year = None
    if date:
        y = re.match(r"([0-9〇零一二三四五六七八九]{4})", re.sub(r"\s", "", date).replace("○", "〇"))
        if y:
            s = y.group(1)
            year = int(s) if s.isdigit() else int("".join(str("〇一二三四五六七八九".index(ch.replace("零", "〇")))
                                                            for ch in s))
    if title and not TITLE_WORDS.search(title):
        title = None
    return title, issuer, date, year


# --- body start ---------------------------------------------------------------------------------------------

def _is_heading(l: Line, scheme: str, first: bool = False) -> bool:
    """A line that opens the body. A heading-styled line that ends in a kind of document is the title when it is
    the document's first line (某区植树工作安排), and after it when it is not a short heading (保障措施)."""
    t = l.text
    if (m := ARTICLE.match(t)) and m.group(1) == "一" and m.group(2):       # 第一条 opens a law's or regulation's body
        return True
    return bool(heading_kind(t)) or (scheme == "parts" and is_part(t)) or (
        l.level in (1, 2) and not l.cells and not (TITLE_END.search(t) if first else _title_like(t)))


def _scheme(lines: list[Line]) -> str:
    chapters = sum(1 for l in lines if CHAPTER.match(l.text) and heading_kind(l.text) == "chapter")
    parts = sum(1 for l in lines if is_part(l.text))
    return "plan" if chapters >= max(1, parts // 2) else "parts"


def _split_front(lines: list[Line], toc: tuple[int, int, list] | None, scheme: str) -> tuple[list[Line], list[Line]]:
    """Cover lines (short, before the first heading, paragraph or table of contents) and body lines (the rest,
    the table of contents taken out wherever it stands)."""
    limit = toc[0] if toc else len(lines)
    first = next((i for i, l in enumerate(lines) if l.text), -1)
    cover_end = next((i for i, l in enumerate(lines[:limit]) if l.text and _is_heading(l, scheme, i == first)), limit)
    for i in range(cover_end):            # a sentence-long paragraph (a preamble) belongs to the body
        t = lines[i].text
        if "。" not in t and len(t) <= 150 and TITLE_END.search(t):
            continue                     # a long title on one line: …办公室关于印发…实施意见的通知
        if LAW_HISTORY.match(t) and LAW_ISSUER.search(t):
            continue                     # a law's history: 2016年11月7日 第十二届…《关于修改〈…〉的决定》修正
        if len(t) > 60 or (len(t) > 30 and "。" in t):
            cover_end = i
            break
    body = lines[cover_end:]
    if toc:
        body = lines[cover_end:toc[0]] + lines[toc[1]:] if cover_end <= toc[0] else lines[toc[1]:]
    return lines[:cover_end], body


# a notice that transmits the document after it: 广州市人民政府关于印发广州市…纲要的通知
TRANSMITTAL = re.compile(r"^\S{2,40}?关于印发(.+)的通知$")
SIGNED_WITHIN = 12          # lines: a transmittal's own signature closes its few lines, before the document


def _transmittal_signature(body: list[Line]) -> tuple[str | None, str | None, int | None]:
    """The issuer and date that sign a transmittal notice (its last lines before the document it carries):
    广州市人民政府 / 2026年5月21日."""
    texts = [l for l in body[:SIGNED_WITHIN] if l.text]
    for k in range(1, len(texts)):
        if DATE.match(texts[k].text) and ISSUER.search(texts[k - 1].text) and len(texts[k - 1].text) <= 40:
            _, issuer, date, year = read_cover(texts[k - 1:k + 1])
            return issuer, date, year
    return None, None, None


TITLE_WITHIN = 16           # lines: where the transmitted document's own title is printed, after the notice


def _full_width(title: str) -> str:
    """A title's brackets as the office prints them: （RCEP）, not (RCEP)."""
    return title.replace("(", "（").replace(")", "）")


def _flat_title(t: str) -> str:
    """A title compared with the notice's name of it: spaces, book-title and quotation marks, and the width of
    brackets aside (《安徽省…〈区域…协定〉（RCEP）…》 in the notice, 《区域…协定》（RCEP） in the title line)."""
    return re.sub(r"[\s《》〈〉“”\"'‘’]", "", _full_width(t))


def _transmitted_title(notice: str, body: list[Line]) -> str | None:
    """The title of the document a transmittal notice carries, as printed after the notice (on one line or wrapped
    over two or three: 广州市国民经济和社会发展 / 第十五个五年规划纲要). The document's headings are that document's,
    so it is cited by its own title, not the notice's; None when the notice is not followed by it."""
    m = TRANSMITTAL.match(notice)
    if not m:
        return None
    want = _flat_title(m.group(1))
    texts = [l.text for l in body[:TITLE_WITHIN * 2] if l.text][:TITLE_WITHIN]
    for i in range(len(texts)):
        for n in (1, 2, 3):
            cand = texts[i:i + n]
            if len(cand) == n and _flat_title("".join(cand)) == want:
                title = "".join(cand) if n == 1 or not re.search(r"[A-Za-z0-9]$", cand[0]) else " ".join(cand)
                return _full_width(" ".join(title.split()))
    return None


def _split_signature(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """The signature block that closes many documents (issuer, then date: 卫滨区发展和改革委员会 / 二〇二一年三月)."""
    end = len(body)
    while end and not body[end - 1].text:
        end -= 1
    k = end
    while k and end - k < 3:
        t = body[k - 1].text
        if not t or not (DATE.match(t) or (ISSUER.search(t) and len(t) <= 30 and "。" not in t)):
            break
        k -= 1
    if k == end or not any(DATE.match(l.text) for l in body[k:end]):
        return body, []
    return body[:k], body[k:end]


# --- build --------------------------------------------------------------------------------------------------

def build(raw: RawDocument) -> Document:
    """Parse a raw document; raise BadDocument when no text or no structure can be found."""
    t0 = time.perf_counter()
    name = raw.path.name
    lines = split_lines(raw.pages, raw.layout)
    if not any(l.text for l in lines):
        raise BadDocument(f"{name}: no text found")
    repaired = raw.meta.get("glyphs_repaired", 0) + sum(
        len(glyphs.SUSPECT.findall(rl.text)) + sum(len(glyphs.SUSPECT.findall(c)) for c in rl.cells or ())
        for p in raw.pages for rl in p.lines)
    scheme = _scheme(lines)
    toc = find_toc(lines)
    cover, body = _split_front(lines, toc, scheme)
    toc_entries = toc[2] if toc else []
    body, signature = _split_signature(body)
    nodes = parse_body(body, scheme, raw.layout)
    for n in nodes:                       # after paragraphs are whole, so quote pairs cut by a line break match
        n.text, n.title = restore(n.text), restore(n.title)
        n.subheading = restore(n.subheading) if n.subheading else None
    if not any(n.kind == "paragraph" for n in nodes):
        raise BadDocument(f"{name}: no paragraphs found")
    meta = _meta(raw.path)
    title, issuer, date, year = read_cover(cover)
    if not (issuer and date) and signature:
        _, s_issuer, s_date, s_year = read_cover(signature)
        issuer, date, year = issuer or s_issuer, date or s_date, year or s_year
    if title and TRANSMITTAL.match(title):
        if not (issuer and date):
            w_issuer, w_date, w_year = _transmittal_signature(body)
            issuer, date, year = issuer or w_issuer, date or w_date, year or w_year
        title = _transmitted_title(title, body) or title
    if raw.meta.get("issuer") and not issuer:
        issuer = raw.meta["issuer"]
    if raw.meta.get("date") and not date:
        date = raw.meta["date"]
        year = int(date[:4])
    doc = _assemble(raw, nodes, toc_entries, meta.get("title") or title or raw.path.stem,
                    meta.get("issuer") or issuer, meta.get("year") or year, date)
    report = _report(raw, doc, toc_entries, repaired, time.perf_counter() - t0)
    return Document(**{**doc.__dict__, "report": report})


def _printed(raw: RawDocument) -> list[int | None]:
    """The page number to cite for each physical page: the printed one, and for pages that print none the
    number their neighbours imply (front matter before page 1 gets None); physical numbers when none print."""
    printed = [p.printed for p in raw.pages]
    offsets = Counter(n - i for i, n in enumerate(printed, 1) if n is not None)
    if not offsets:
        return list(range(1, len(printed) + 1))
    off = offsets.most_common(1)[0][0]
    return [n if n is not None else (i + off if i + off > 0 else None) for i, n in enumerate(printed, 1)]


def _toc_pages(toc: list[TocEntry]) -> dict[tuple[int, int], int]:
    return {(e.chapter, e.section): e.page for e in toc if e.page is not None}


def _assemble(raw: RawDocument, nodes: list[Node], toc, title, issuer, year, date) -> Document:
    toc_pages = _toc_pages(toc)
    printed = _printed(raw) if raw.paged else []

    def page_for(node: Node) -> int | None:
        if raw.paged:
            return printed[node.page - 1] if 0 < node.page <= len(printed) else None
        return (toc_pages.get((node.chapter, node.section))
                or toc_pages.get((node.chapter, 0)) or (1 if node.chapter == 0 else None))

    parts: list[str] = []
    blocks: list[Block] = []
    page_breaks: list[tuple[int, int]] = []
    pos = 0
    chapters: dict[int, dict] = {}
    boxes: dict[str, BoxInfo] = {}
    para_count: dict[tuple[int, int], int] = {}
    i = 0
    while i < len(nodes):
        n = nodes[i]
        pg = page_for(n)
        if raw.paged and pg is not None and (not page_breaks or page_breaks[-1][1] != pg):
            page_breaks.append((pos + (1 if parts else 0), pg))
        if n.kind == "tablerow":
            j = i
            while j < len(nodes) and nodes[j].kind == "tablerow":
                j += 1
            group = nodes[i:j]
            _, rows, origins = parse_table([(m.text, m.cells) for m in group])
            i = j
            for cells, k in zip(rows, origins):       # a row cites the page it is printed on
                rp = page_for(group[k])
                if raw.paged and rp is not None and (not page_breaks or page_breaks[-1][1] != rp):
                    page_breaks.append((pos + 1, rp))
                pos = _emit(parts, blocks, pos, row_text(cells), "row", group[k], rp, para_count,
                            cells=tuple(cells))
            continue
        if n.kind == "subitem":
            if n.chapter == 0 and 0 not in chapters:         # a regulation's articles with no 章 above them
                chapters[0] = {"title": "", "page": pg, "sections": {}, "label": ""}
            ch = chapters.get(n.chapter)
            if ch and n.section == 0 and 0 not in ch["sections"]:      # sub-items straight under a part
                ch["sections"][0] = {"title": "", "page": pg, "subs": [], "label": ""}
            if ch and n.section in ch["sections"]:
                ch["sections"][n.section]["subs"].append(n.text)
            i += 1
            continue
        if n.kind == "chapter":
            chapters.setdefault(n.number, {"title": n.title, "page": pg, "sections": {}, "label": n.label,
                                           "volume": n.volume, "volume_title": n.volume_title, "level": n.level})
            text = n.text
        elif n.kind == "section":
            ch = chapters.setdefault(n.chapter, {"title": "", "page": None, "sections": {}, "label": ""})
            ch["sections"][n.number] = {"title": n.title, "page": pg, "subs": [], "label": n.label}
            text = n.text
            if n.subheading and not RUN_ON.match(n.text):
                head = n.text[: n.text.find(n.subheading)].rstrip() if n.subheading in n.text else n.text
                ch["sections"][n.number]["subs"].append(n.subheading)
                pos = _emit(parts, blocks, pos, head, "section", n, pg, para_count)
                pos = _emit(parts, blocks, pos, n.subheading, "subheading", n, pg, para_count)
                i += 1
                continue
        elif n.kind == "box":
            boxes[n.box] = BoxInfo(n.box, n.title, n.chapter, n.section, pg)
            text = n.text.strip()
        elif n.kind == "subheading":
            ch = chapters.get(n.chapter)
            if ch and n.section in ch["sections"]:
                ch["sections"][n.section]["subs"].append(n.text)
            text = n.text
        else:
            text = n.text
        if "\f" in text:                       # a paragraph that runs on over a page break (PDF layout)
            pieces = text.split("\f")
            text = "".join(pieces)
            if n.kind == "paragraph" and raw.paged:
                start, off = pos + (1 if parts else 0), 0
                for k, piece in enumerate(pieces[:-1], 1):
                    off += len(piece)
                    nxt = printed[n.page - 1 + k] if n.page - 1 + k < len(printed) else None
                    if nxt is not None:
                        page_breaks.append((start + off, nxt))
        pos = _emit(parts, blocks, pos, text, n.kind, n, pg, para_count)
        i += 1
    if 0 not in chapters and any(b.chapter == 0 for b in blocks):
        chapters[0] = {"title": "", "page": blocks[0].page, "sections": {}, "label": ""}
    chapter_recs = tuple(
        Chapter(num, c["title"], c["page"], tuple(
            Section(num, s, v["title"], v["page"], tuple(v["subs"]), v["label"])
            for s, v in sorted(c["sections"].items())), c["label"], c.get("volume", ""), c.get("volume_title", ""),
        c.get("level", ""))
        for num, c in sorted(chapters.items()))
    return Document(doc_id=doc_id_for(raw.path), title=title, source=raw.path.name, sha256=raw.sha256,
                    text="\n".join(parts), chapters=chapter_recs,
                    boxes=tuple(boxes.values()), blocks=tuple(blocks), toc=tuple(toc),
                    issuer=issuer, year=year, page_breaks=tuple(page_breaks), paged=raw.paged, date=date)


def _emit(parts, blocks, pos, text, kind, node: Node, page, para_count, cells=None) -> int:
    para, lead = 0, None
    if kind in ("paragraph", "row", "note"):
        key = (node.chapter, node.section)
        para_count[key] = para_count.get(key, 0) + 1
        para = para_count[key]
        if kind == "paragraph":
            m = LEAD.match(text)
            lead = m.group(1) if m else None
    start = pos + (1 if parts else 0)
    parts.append(text)
    blocks.append(Block(kind, start, start + len(text), node.chapter, node.section, node.box,
                        page, node.lineno, para, lead, cells, node.subheading))
    return start + len(text)


# --- report -------------------------------------------------------------------------------------------------

def _norm_title(t: str) -> str:
    return re.sub(r"[\W_]", "", t)


def toc_differences(doc: Document, toc: list[TocEntry]) -> tuple[int, list[str]]:
    """How many TOC entries the body has with the same number and title, and each difference in one line."""
    diffs: list[str] = []
    matched = 0
    body = {(c.number, 0): c.title for c in doc.chapters}
    body.update({(s.chapter, s.number): s.title for c in doc.chapters for s in c.sections})
    labels = {(c.number, 0): c.ref for c in doc.chapters}
    labels.update({(s.chapter, s.number): f"{labels.get((s.chapter, 0), '')}{s.ref}"
                   for c in doc.chapters for s in c.sections})
    toc_chapters = {e.chapter: e.label or f"第{cn(e.chapter)}章" for e in toc if e.level == "chapter"}
    seen = set()
    for e in toc:
        key = (e.chapter, e.section)
        seen.add(key)
        chapter = labels.get((e.chapter, 0)) or toc_chapters.get(e.chapter, "")
        name = "序言" if e.level == "preface" else (
            (e.label or f"第{cn(e.chapter)}章") if e.level == "chapter" else
            f"{chapter}{e.label or f'第{cn(e.section)}节'}")
        if key not in body:
            diffs.append(f"目录有 {name}“{e.title}”（第{e.page}页），正文中没有")
        elif e.level != "preface" and _norm_title(body[key]) != _norm_title(e.title):
            diffs.append(f"{name}：目录作“{e.title}”，正文作“{body[key]}”")
        else:
            matched += 1
    if toc:
        for key, t in body.items():
            if key not in seen and not (key == (0, 0)):
                diffs.append(f"正文有 {labels.get(key, key)}“{t}”，目录中没有")
    return matched, diffs


def numbering_gaps(doc: Document) -> list[str]:
    """Where the document's own numbering skips or goes backwards: chapters or parts (二、 then 四、), and sections or
    items, which start again at 1 in a new chapter or run on from the last one. Each named as printed."""
    gaps = []
    if any(c.level == "篇" for c in doc.chapters):
        gaps += _volume_gaps(doc)
    last = 0
    for c in doc.chapters:
        if not c.number:
            continue
        if c.number != last + 1:
            gaps.append(f"{_name(doc.chapters, last)} is followed by {c.label or c.number}" if last
                        else f"the first is {c.label or c.number}")
        last = c.number
        prev = None
        for s in c.sections:
            if not s.number:
                continue
            ok = s.number == 1 if prev is None else s.number == prev.number + 1
            if prev is None and not ok and gaps_run_on(doc, c, s):
                ok = True
            if not ok:
                gaps.append(f"{c.label}{prev.label if prev else ''} is followed by {c.label}{s.label or s.number}")
            prev = s
    return gaps + _subitem_gaps(doc)


_SUB_NO = re.compile(rf"^(\d{{1,2}})[.．、](?:[（(](\d{{1,2}})[）)])?([{CIRCLED}])?$")   # 2. / 2、 / 2．（1） / 2.(1) / 3．①


def _subitem_gaps(doc: Document) -> list[str]:
    """1. sub-items run on through the document or start again at 1.; the （1） sub-items under a 1. item start at
    （1） and run on, and the ① under a 1. or a （1） at ①, where a number skipped among the titled ones is not a
    clause of the item's text either (（2）有专职工作人员；)."""
    gaps, last = [], (0, "")
    texts: dict[tuple[int, int, str], list[str]] = {}
    for b in doc.blocks:
        ref = subitem_ref(b.subheading)
        if ref and not ARTICLE_REF.match(ref):       # articles are taken only in sequence: no gap to report
            texts.setdefault((b.chapter, b.section, _SUB_NO.match(ref).group(1)), []).append(doc.text[b.start:b.end])

    def skips(after: tuple[int, str], n: int, printed, text: str, ref: str) -> None:
        """n after the number `after` holds (and names): a gap unless each number skipped is printed in the item's
        text as a clause (printed(k): a pattern for （k） or (k), or the k-th circled number)."""
        skipped = [k for k in range(after[0] + 1, n) if not re.search(rf"(?:^|[\n；;]){printed(k)}", text)]
        if skipped or n <= after[0]:
            gaps.append(f"{after[1]} is followed by {ref}")

    for c in doc.chapters:
        for s in c.sections:
            head = c.ref + (s.ref if s.number else "")
            paren = circle = (0, "")
            for ref, _ in s.subitems:
                if ARTICLE_REF.match(ref):
                    continue
                item, sub, circled = _SUB_NO.match(ref).groups()
                text = "\n".join(texts.get((c.number, s.number, item), ()))
                if circled:
                    n = CIRCLED.index(circled) + 1
                    skips(circle, n, lambda k: re.escape(CIRCLED[k - 1]), text, head + ref)
                    circle = (n, head + ref)
                elif sub:
                    skips(paren, int(sub), lambda k: f"[（(]{k}[）)]", text, head + ref)
                    paren, circle = (int(sub), head + ref), (0, head + ref)
                else:
                    if int(item) != last[0] + 1 and int(item) != 1:
                        gaps.append(f"{last[1]} is followed by {head}{ref}" if last[1] else f"the first is {head}{ref}")
                    last = (int(item), head + ref)
                    paren = circle = (0, head + ref)
    return gaps


def _volume_gaps(doc: Document) -> list[str]:
    """In a plan of 篇 / 章: the 篇 numbers run on, and the 章 numbers either run on through the plan or start again
    at 第一章 in every 篇 (the chapters themselves are numbered in reading order, so the check reads the labels)."""
    def printed(label: str) -> int | None:
        m = re.match(r"^第(.+)[篇编章]$", label)
        try:
            return from_cn(m.group(1)) if m else None
        except (ValueError, IndexError):
            return None
    gaps, last_volume, last_chapter, last_in = [], (0, ""), (0, ""), None
    for c in doc.chapters:
        n = printed(c.label)
        if n is None:
            continue
        if c.level == "篇":
            if n != last_volume[0] + 1:
                gaps.append(f"{last_volume[1]} is followed by {c.label}" if last_volume[1] else f"the first is {c.label}")
            last_volume = (n, c.label)
            continue
        if n != last_chapter[0] + 1 and not (n == 1 and c.volume != last_in):
            gaps.append(f"{last_chapter[1]} is followed by {c.ref}" if last_chapter[1] else f"the first is {c.ref}")
        last_chapter, last_in = (n, c.ref), c.volume
    return gaps


def _name(chapters, number: int) -> str:
    return next((c.label for c in chapters if c.number == number and number), "")


def gaps_run_on(doc: Document, chapter, section) -> bool:
    """Items that run on across parts: the first item of a part continues the previous part's last item."""
    before = [s.number for c in doc.chapters if c.number and c.number < chapter.number for s in c.sections
              if s.number]
    return bool(before) and section.number == before[-1] + 1


def _report(raw: RawDocument, doc: Document, toc: list[TocEntry], repaired: int, parse_s: float) -> Report:
    matched, diffs = toc_differences(doc, toc)
    ocr_pages = tuple(i for i, p in enumerate(raw.pages, 1) if p.ocr)
    fmt = raw.encoding if raw.encoding in ("pdf", "docx", "html") else "txt"
    if ocr_pages:
        fmt = "pdf+ocr"
    warnings = []
    if toc and diffs:
        warnings.append(f"structure disagrees with the document's table of contents in {len(diffs)} place(s): "
                        + "; ".join(diffs[:3]) + ("…" if len(diffs) > 3 else ""))
    gaps = numbering_gaps(doc)
    if gaps:
        warnings.append(f"the numbering is not continuous in {len(gaps)} place(s): " + "; ".join(gaps[:3])
                        + ("…" if len(gaps) > 3 else ""))
    left = glyphs.leftovers(doc.text)
    if left:
        warnings.append(f"{left} suspicious character(s) left (radicals, private use or U+FFFD)")
    warnings += [p for p in raw.problems]
    seconds = tuple((k, round(v, 3)) for k, v in raw.seconds.items()) + (("parse", round(parse_s, 3)),)
    return Report(
        source_format=fmt, pages=len(raw.pages),
        printed_pages=sum(1 for p in raw.pages if p.printed is not None),
        chapters=sum(1 for c in doc.chapters if c.number > 0 and c.level != "篇"),
        volumes=sum(1 for c in doc.chapters if c.level == "篇"),
        volume_word=next((c.label[-1] for c in doc.chapters if c.level == "篇" and c.label), "篇"),
        sections=sum(len([s for s in c.sections if s.number > 0]) for c in doc.chapters),
        articles=sum(1 for c in doc.chapters for s in c.sections for sub in s.subheadings if ARTICLE_REF.match(sub)),
        boxes=len(doc.boxes), toc_entries=len(toc), toc_matched=matched, differences=tuple(diffs),
        furniture_chars=sum(p.dropped_chars for p in raw.pages), glyphs_repaired=repaired,
        glyphs_suspicious=left, ocr_pages=ocr_pages, problems=tuple(raw.problems), seconds=seconds,
        warnings=tuple(warnings))
