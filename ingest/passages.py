"""Cut a Document into passages: one per paragraph, long paragraphs split at sentence ends, one per table row."""
from __future__ import annotations

import math
import re

from .records import Document, Passage

MAX_CHARS = 300
SHORT_SENTENCE = 21        # characters: a shorter lead phrase such as '发展动能转换滞后。' stays with what follows
_SENT_END = re.compile(r"[。！？；!?;]+[”’\"」』)）]*")
_FULL_STOP = re.compile(r"[。！？!?]+[”’\"」』)）]*")


def sentences(text: str, semicolons: bool = True) -> list[tuple[int, int]]:
    """Sentence spans (start, end) covering text; the end punctuation (and a closing quote) stays with its
    sentence. The one sentence splitter of the project: passages, answers, the sentence signal, measures, targets
    and the app's sentence lists all cut here. `semicolons=False` keeps the clauses of a sentence together (a
    target such as 到“十四五”末，学前三年毛入园率达到97%以上；学前一年…超过99%。 reads as one)."""
    spans, start = [], 0
    for m in (_SENT_END if semicolons else _FULL_STOP).finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return [s for s in spans if text[s[0]:s[1]].strip()]


def reads_with_next(text: str, span: tuple[int, int], below: int, lead: str | None = None) -> bool:
    """A sentence shorter than `below` characters, or the paragraph's lead phrase (铜材料深加工。), says too little
    alone: passages, answers and the sentence signal read it with the sentence that follows (each with its own
    `below`)."""
    s, e = span
    return e - s < below or (bool(lead) and text[s:e].rstrip("。").strip() == lead)


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
        if reads_with_next(text, (s, e), SHORT_SENTENCE) and (s, e) != sents[-1]:
            pending = s
            continue
        units.append((s, e))
    if pending is not None:
        units.append((pending, len(text)))
    units = [piece for u in units for piece in _cut_run_on(text, u, max_chars)]
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


_CLAUSE_MARKS = "，、：；,:; \t"


def _cut_run_on(text: str, span: tuple[int, int], max_chars: int) -> list[tuple[int, int]]:
    """A 'sentence' over three passages long (no sentence end for pages: a file whose line breaks and full stops
    were lost) is cut after the last comma, colon or space before every max_chars (else at max_chars), so that no
    passage is unbounded; a real sentence, even a long one (the outline's longest is 392 characters), is kept whole."""
    s, e = span
    if e - s <= 3 * max_chars:
        return [span]
    out = []
    while e - s > max_chars:
        window = text[s:s + max_chars]
        cut = max(window.rfind(c) for c in _CLAUSE_MARKS) + 1
        cut = cut if cut > max_chars // 2 else max_chars
        out.append((s, s + cut))
        s += cut
    return out + [(s, e)]


def passages(doc: Document, max_chars: int = MAX_CHARS) -> list[Passage]:
    """All passages of a document in reading order; each satisfies doc.text[p.start:p.end] == p.text."""
    chapters = {c.number: c for c in doc.chapters}
    boxes = {b.id: b for b in doc.boxes}
    out: list[Passage] = []
    # a heading with no text under it, whose words are the text (四、（一）经…批准设立的各类贸易市场；, a clause of a
    # list; 七、本通知自2007年6月1日起执行。): a passage of its own line, or nothing of it could be found or quoted
    bodied = {(b.chapter, b.section) for b in doc.blocks if b.kind in ("paragraph", "row")}
    sectioned = {b.chapter for b in doc.blocks if b.kind == "section"}
    for b in doc.blocks:
        alone = (b.kind == "section" and (b.chapter, b.section) not in bodied) or (
            b.kind == "chapter" and b.chapter and (b.chapter, 0) not in bodied and b.chapter not in sectioned
            and getattr(chapters.get(b.chapter), "level", "") != "篇")       # a 篇 holds its 章, not text
        if b.kind not in ("paragraph", "row") and not alone:
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
            kind = "row" if b.kind == "row" else ("box" if b.box else "paragraph")     # a heading alone: paragraph
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
                chapter_label=ch.label if ch else "", section_label=sec.label if sec else "",
                volume=ch.volume if ch else "", volume_title=ch.volume_title if ch else ""))
    return out
