"""Cut a Document into passages: one per paragraph, long paragraphs split at sentence ends, one per table row."""
from __future__ import annotations

import math
import re

from .records import Document, Passage

MAX_CHARS = 300
SHORT_SENTENCE = 20        # a lead phrase such as '发展动能转换滞后。' stays with what follows
_SENT_END = re.compile(r"[。！？；!?;]+[”’\"」』)）]*")


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering text; the end punctuation stays with its sentence."""
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def split_paragraph(text: str, max_chars: int = MAX_CHARS) -> list[tuple[int, int]]:
    """Split into about-equal chunks of whole sentences, each near or under max_chars."""
    if len(text) <= max_chars:
        return [(0, len(text))]
    sents = sentences(text)
    units: list[tuple[int, int]] = []        # glue short lead sentences to the next one
    pending = None
    for s, e in sents:
        if pending is not None:
            s = pending
            pending = None
        if e - s <= SHORT_SENTENCE and (s, e) != sents[-1]:
            pending = s
            continue
        units.append((s, e))
    if pending is not None:
        units.append((pending, len(text)))
    n = math.ceil(len(text) / max_chars)
    target = len(text) / n
    chunks, cur = [], None
    for s, e in units:
        if cur is None:
            cur = [s, e]
        elif e - cur[0] > min(max_chars, target * 1.15):
            chunks.append(tuple(cur))
            cur = [s, e]
        else:
            cur[1] = e
    if cur:
        chunks.append(tuple(cur))
    return chunks


def passages(doc: Document, max_chars: int = MAX_CHARS) -> list[Passage]:
    """All passages of a document in reading order; each satisfies doc.text[p.start:p.end] == p.text."""
    chapters = {c.number: c for c in doc.chapters}
    boxes = {b.id: b for b in doc.boxes}
    out: list[Passage] = []
    for b in doc.blocks:
        if b.kind not in ("paragraph", "row"):
            continue
        ch = chapters.get(b.chapter)
        sec = next((s for s in ch.sections if s.number == b.section), None) if ch else None
        box = boxes.get(b.box) if b.box else None
        block_text = doc.text[b.start:b.end]
        spans = [(0, len(block_text))] if b.kind == "row" else split_paragraph(block_text, max_chars)
        for part, (s, e) in enumerate(spans, 1):
            # trim whitespace so the passage stays verbatim and non-empty
            while s < e and block_text[s].isspace():
                s += 1
            while e > s and block_text[e - 1].isspace():
                e -= 1
            if s >= e:
                continue
            start, end = b.start + s, b.start + e
            kind = "row" if b.kind == "row" else ("box" if b.box else "paragraph")
            suffix = f"-{part}" if len(spans) > 1 else ""
            out.append(Passage(
                id=f"{doc.doc_id}:{b.chapter}.{b.section}:p{b.para}{suffix}",
                doc_id=doc.doc_id, doc_title=doc.title, text=doc.text[start:end],
                start=start, end=end, chapter=b.chapter,
                chapter_title=ch.title if ch else "", section=b.section,
                section_title=sec.title if sec else "", box=b.box,
                box_title=box.title if box else None, para=b.para,
                page=doc.page_at(start, b.page), kind=kind,
                lead=b.lead if part == 1 else None, subheading=b.subheading, cells=b.cells,
                chapter_label=ch.label if ch else "", section_label=sec.label if sec else ""))
    return out
