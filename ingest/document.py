"""Build a Document (cleaned text, structure, blocks with offsets and pages) from a raw file."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .errors import BadDocument
from .readers import RawDocument
from .records import Block, BoxInfo, Chapter, Document, Section, TocEntry, cn
from .structure import LEAD, Node, parse_body, read_front, split_lines, CHAPTER
from .table import parse_table

TITLE_WORDS = re.compile(r"规划|纲要|报告|方案|意见|计划|决定|通知|办法")


def doc_id_for(path: Path) -> str:
    stem = re.sub(r"\s+", "-", path.stem.strip())
    return re.sub(r"[^\w\-\u4e00-\u9fff]", "", stem) or "doc"


def _meta(path: Path) -> dict:
    side = path.with_name(path.stem + ".meta.json")
    if not side.exists():
        return {}
    try:
        meta = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BadDocument(f"{side}: unreadable metadata ({e})") from None
    if not isinstance(meta, dict):
        raise BadDocument(f"{side}: metadata must be a JSON object")
    return meta


def _title(front: list[str], fallback: str) -> str:
    for t in front:
        if TITLE_WORDS.search(t) and "会议文件" not in t.replace(" ", ""):
            return t.replace("(", "（").replace(")", "）")
    return front[0] if front else fallback


def _issuer_year(front: list[str]) -> tuple[str | None, int | None]:
    for t in front:
        m = re.search(r"^(.{2,30}?(委员会|人民政府|办公室|局|委))\s*(.*)$", t)
        if m:
            ym = re.search(r"(20\d\d|二〇[一二三四五六七八九〇]{2})年", m.group(3))
            year = None
            if ym:
                y = ym.group(1)
                year = int(y) if y.isdigit() else int("".join(str("〇一二三四五六七八九".index(ch)) for ch in y))
            return m.group(1), year
    return None, None


def build(raw: RawDocument) -> Document:
    """Parse a raw document; raise BadDocument when no text or no structure can be found."""
    name = raw.path.name
    lines = split_lines(raw.pages, raw.paged)
    if not any(l.text for l in lines):
        raise BadDocument(f"{name}: no text found")
    front, toc, body_at = read_front(lines)
    body = lines[body_at:]
    use_parts = not any(CHAPTER.match(l.text) for l in body if l.text)
    nodes = parse_body(body, use_parts)
    if not any(n.kind == "paragraph" for n in nodes):
        raise BadDocument(f"{name}: no paragraphs found")
    meta = _meta(raw.path)
    front_text = [l.text for l in front]
    title = meta.get("title") or _title(front_text, raw.path.stem)
    issuer, year = _issuer_year(front_text)
    return _assemble(raw, nodes, toc, title, meta.get("issuer") or issuer, meta.get("year") or year)


def _toc_pages(toc: list[TocEntry]) -> dict[tuple[int, int], int]:
    return {(e.chapter, e.section): e.page for e in toc if e.page is not None}


def _assemble(raw: RawDocument, nodes: list[Node], toc, title, issuer, year) -> Document:
    toc_pages = _toc_pages(toc)

    def page_for(node: Node) -> int | None:
        if raw.paged:
            return node.page
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
        if n.kind == "tablerow":
            j = i
            while j < len(nodes) and nodes[j].kind == "tablerow":
                j += 1
            _, rows = parse_table([m.text for m in nodes[i:j]])
            texts = [("；".join(f"{c}：{v}" for c, v in r), r) for r in rows]
            first = n
            i = j
            for text, cells in texts:
                pos = _emit(parts, blocks, pos, text, "row", first, page_for(first), para_count,
                            cells=tuple(cells))
            continue
        if n.kind == "chapter":
            chapters.setdefault(n.number, {"title": n.title, "page": page_for(n), "sections": {}})
            text = "序言" if n.number == 0 else f"第{cn(n.number)}章 {n.title}"
        elif n.kind == "section":
            ch = chapters.setdefault(n.chapter, {"title": "", "page": None, "sections": {}})
            ch["sections"][n.number] = {"title": n.title, "page": page_for(n), "subs": []}
            text = f"第{cn(n.number)}节 {n.title}" if not re.match(r"^[(（]", n.text) else n.text
            if n.subheading:
                ch["sections"][n.number]["subs"].append(n.subheading)
                pos = _emit(parts, blocks, pos, text, "section", n, page_for(n), para_count)
                pos = _emit(parts, blocks, pos, n.subheading, "subheading", n, page_for(n), para_count)
                i += 1
                continue
        elif n.kind == "box":
            boxes[n.box] = BoxInfo(n.box, n.title, n.chapter, n.section, page_for(n))
            text = f"专栏{n.box} {n.title}".strip()
        elif n.kind == "subheading":
            ch = chapters.get(n.chapter)
            if ch and n.section in ch["sections"]:
                ch["sections"][n.section]["subs"].append(n.text)
            text = n.text
        else:
            text = n.text
        if raw.paged and (not page_breaks or page_breaks[-1][1] != n.page):
            page_breaks.append((pos, n.page))
        pos = _emit(parts, blocks, pos, text, n.kind, n, page_for(n), para_count)
        i += 1
    chapter_recs = tuple(
        Chapter(num, c["title"], c["page"], tuple(
            Section(num, s, v["title"], v["page"], tuple(v["subs"]))
            for s, v in sorted(c["sections"].items())))
        for num, c in sorted(chapters.items()))
    return Document(doc_id=raw_doc_id(raw), title=title, source=raw.path.name, sha256=raw.sha256,
                    text="\n".join(parts), chapters=chapter_recs,
                    boxes=tuple(boxes.values()), blocks=tuple(blocks), toc=tuple(toc),
                    issuer=issuer, year=year, page_breaks=tuple(page_breaks), paged=raw.paged)


def raw_doc_id(raw: RawDocument) -> str:
    return doc_id_for(raw.path)


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
