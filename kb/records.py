"""Typed results of a search: Citation, Hit, Answer and Result."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime

from ingest.records import ARTICLE_REF, Document, Passage, cn, subitem_levels, subitem_title  # noqa: F401 — re-exported by kb: the record types of its API


# titles every government issues again each year: the year tells them apart (2024年《政府工作报告》, as cited)
ANNUAL = re.compile(r"(?:.{0,20}(?:政府|人民代表大会常务委员会|人民法院|人民检察院))?工作报告")


# A document may hold control characters (a .txt with a colour code, a bell): the index keeps them, as the quotation
# rule demands, and every face and export shows each as its visible picture (␛ for ESC, ␇ for BEL, ␡ for DEL), one
# character for one, so that no terminal runs them and no XML writer (Word) refuses them. Tab and line feed are text;
# a C1 control, a lone surrogate and U+FFFE/U+FFFF (no picture, and not XML) are shown as U+FFFD, and so is a bidi
# embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): invisible, it would show the text after it in another
# order than it has ("Trojan Source": %59 shown as 95%).
BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
VISIBLE = {**{c: 0x2400 + c for c in (*range(0x09), *range(0x0B, 0x20))}, 0x7F: 0x2421,
           **dict.fromkeys((*range(0x80, 0xA0), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF, *BIDI), 0xFFFD)}


def added_at(value: str | None) -> str:
    """When a document entered the index (the manifest's ISO time) as a reader writes it: 2026-05-01 14:03, local
    time; — when not recorded (indexed before it was)."""
    if not value:
        return "—"
    try:
        return datetime.fromisoformat(value).astimezone().strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(value)


def visible(text: str) -> str:
    """Document text with every control character shown as its picture (\\x1b[31m → ␛[31m), length unchanged."""
    return str(text).translate(VISIBLE)


def nested_quotes(text: str) -> str:
    """A quotation inside a quotation takes single quotes (GB/T 15834): “十四五”期间… quoted is ‘十四五’期间…."""
    return text.replace("“", "‘").replace("”", "’")


def chapter_name(n: int) -> str:
    """A chapter named by its number alone, as a citation would: 序言 / 第三章."""
    return "序言" if n == 0 else f"第{cn(n)}章"


CITED_TITLE_MAX = 60     # characters: the longest heading quoted in a citation (real titles run to 43 in the gallery)


@dataclass(frozen=True)
class Citation:
    doc_title: str
    chapter: int
    chapter_title: str
    section: int
    section_title: str
    box: str | None
    page: int | None
    box_title: str | None = None
    chapter_ref: str = ""     # as the document numbers it: 第二章 / 九、 / 序言
    section_ref: str = ""     # 第二节 / （一）
    page_end: int | None = None   # last page when the quotation may run over several (第1—5页)
    page_open: bool = False       # the last page is unknown: 第69页起
    doc_year: int | None = None   # for a title issued every year (政府工作报告): cited as 2024年《政府工作报告》
    subitem_ref: str = ""         # the 1. / （1） sub-item inside the section, as numbered: 3. / 2.（1）
    subitem_title: str = ""
    doc_version: str = ""         # the printed date that tells versions of one text apart, when the index holds
                                  # several: 《全国年节及纪念日放假办法》（2024年11月10日）第二条

    @classmethod
    def of(cls, p: Passage, doc: Document | None = None) -> "Citation":
        """The passage's citation; given its document, with the pages it really has: its own page(s) in a PDF,
        the section's page range where the document gives only section pages (a text file's pages come from its
        table of contents: 第1—5页, or 第69页起 for the last section), never a guessed page."""
        c = cls(p.doc_title, p.chapter, p.chapter_title, p.section, p.section_title,
                p.box, p.page, p.box_title, p.chapter_ref, p.section_ref,
                subitem_ref=p.subitem_ref, subitem_title=subitem_title(p.subheading))
        if doc is None:
            return c
        if doc.year and ANNUAL.fullmatch(p.doc_title or ""):
            c = replace(c, doc_year=doc.year)
        if doc.paged and doc.page_breaks:
            first = doc.page_at(p.start, p.page)
            last = doc.page_at(max(p.start, p.end - 1), first)
            return replace(c, page=first, page_end=last if last and first and last > first else None)
        if not p.page:
            return c
        first, last = unit_pages(doc, p.chapter, p.section)
        if first is None:
            return c
        return replace(c, page=first, page_end=last if last is not None else 0, page_open=last is None)

    @property
    def place(self) -> str:
        """第二章第二节 / 序言 / 第一章第五节专栏1-1 / 九、（一） / 二、（一）3. / 一、2.（1） — in the document's own
        numbering. A law's or regulation's article is cited alone (第九条): articles are numbered through the whole
        document, as its own cross-references cite them."""
        if ARTICLE_REF.match(self.subitem_ref):
            return self.subitem_ref + (f"专栏{self.box}" if self.box else "")
        if self.chapter_ref or self.section_ref:
            s = self.chapter_ref + (self.section_ref if self.section else "")
        elif self.chapter == 0:
            s = ""
        else:
            s = f"第{cn(self.chapter)}章" + (f"第{cn(self.section)}节" if self.section else "")
        s += self.subitem_ref
        if self.box:
            s += f"专栏{self.box}"
        return s

    @property
    def text(self) -> str:
        """《标题》第二章第二节“加快发展铜材料深加工产业”，第18页 — ready to paste; the title is the last level's
        named (a sub-item's: 二、（一）3.“用好原产地规则”). An untitled item named by its whole first sentence (五、（二）根据
        《…》…将取消保障资格, 201 characters) is cited by its place alone: a quoted sentence is no title."""
        title = self.box_title if self.box else self.subitem_title if self.subitem_ref else (
            self.section_title if self.section else self.chapter_title)
        version = f"（{self.doc_version}）" if self.doc_version else ""
        s = (f"{self.doc_year}年《{self.doc_title}》" if self.doc_year else f"《{self.doc_title}》") + version + self.place
        if title and (self.chapter or self.box) and len(title) <= CITED_TITLE_MAX:
            s += f"“{nested_quotes(title)}”"
        return s + self.pages

    @property
    def pages(self) -> str:
        """，第18页 / ，第1—5页 (the page is only known to lie in that range) / ，第69页起 / "" (no pages)."""
        if not self.page:
            return ""
        if self.page_open:
            return f"，第{self.page}页起"
        if self.page_end and self.page_end > self.page:
            return f"，第{self.page}—{self.page_end}页"
        return f"，第{self.page}页"

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Place:
    """A place named in a document's own numbering (`KnowledgeBase.place`: 九、（一）, 第三篇第八章, 二、（一）3.,
    一、2.（1）), for --section and the app's links."""
    doc: str
    chapter: int
    section: int | None       # None: the whole chapter (0: the text of a part before its first item)
    subitem: str = ""         # a 1. / （1） sub-item inside the section, as numbered: 3. / 2.（1）; "" for none
    ref: str = ""             # the whole place as the document numbers it

    @property
    def filters(self) -> dict:
        """The keyword arguments that keep `search` / `ask` to this place."""
        return {"doc": self.doc, "chapter": self.chapter, "section": self.section, "subitem": self.subitem or None}


@dataclass(frozen=True)
class SyncStats:
    """What `KnowledgeBase.sync` did: counts and seconds, the documents parsed this run (with their ingest
    reports), the files skipped and the damaged files of the previous index that were rebuilt."""
    model: str
    documents: int                        # in the index now
    passages: int
    parsed: int = 0                       # documents read from their files this run
    reused_docs: int = 0                  # documents unchanged since the last ingest
    embedded: int = 0                     # passages and sentences embedded this run (the rest reused)
    up_to_date: bool = False              # nothing to do
    skipped: tuple[str, ...] = ()         # one line per file that could not be read (the others were indexed)
    repaired: tuple[str, ...] = ()        # damaged files of the previous index, rebuilt
    reports: tuple[Document, ...] = ()    # documents parsed this run, each with its ingest report
    seconds: float = 0.0
    parse_s: float = 0.0
    embed_s: float = 0.0
    index_s: float = 0.0
    notes: tuple[str, ...] = ()           # a repair: documents kept from an older generation (source gone), or lost

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__ if k != "reports"}
        out |= {"skipped": list(self.skipped), "repaired": list(self.repaired), "notes": list(self.notes),
                "reports": [d.doc_id for d in self.reports]}
        return out


def unit_pages(doc: Document, chapter: int, section: int) -> tuple[int | None, int | None]:
    """(first, last) page of a section (or a chapter's preamble) in a document whose pages come from its table
    of contents: it starts on its own page and runs to the page where the next unit starts (that page included:
    the next unit may start halfway down it). The last unit's end is unknown: (first, None)."""
    order: list[tuple[int, int, int | None]] = []
    for c in doc.chapters:
        order.append((c.number, 0, c.page))
        order += [(c.number, s.number, s.page) for s in c.sections if s.number]
    pos = next((i for i, (cc, ss, _) in enumerate(order) if (cc, ss) == (chapter, section)), None)
    if pos is None or order[pos][2] is None:
        return None, None
    first = order[pos][2]
    nxt = next((pg for _, _, pg in order[pos + 1:] if pg), None)
    return first, (max(first, nxt) if nxt else None)


@dataclass(frozen=True)
class Hit:
    rank: int
    passage: Passage
    score: float           # fused score used for ranking
    dense: float | None    # cosine similarity, None when the passage was not a dense candidate
    lexical: float | None  # BM25 score, None when not a lexical candidate
    citation: Citation

    def to_json(self) -> dict:
        p = self.passage
        return {"rank": self.rank, "id": p.id, "doc_id": p.doc_id, "text": p.text,
                "chapter": p.chapter, "section": p.section, "box": p.box, "page": p.page,
                "heading": p.heading_path, "citation": self.citation.text,
                "score": round(self.score, 6),
                "dense": None if self.dense is None else round(self.dense, 6),
                "lexical": None if self.lexical is None else round(self.lexical, 6)}


@dataclass(frozen=True)
class Counterpart(Hit):
    """A passage of another document stating the same measure or target (KnowledgeBase.related): `score` ranks it
    (shared words + closeness in meaning), `dense` is the closeness of the two sentences that say the same,
    `lexical` the share of the asked sentence's words it holds. `source` is that sentence's span in the asked
    passage, `match` its counterpart's span in this passage ([start, end) offsets)."""
    source: tuple[int, int] = (0, 0)
    match: tuple[int, int] = (0, 0)

    def to_json(self) -> dict:
        return {**super().to_json(), "source": list(self.source), "match": list(self.match)}


@dataclass(frozen=True)
class Answer:
    text: str                                  # verbatim from the passage, <= 200 characters
    highlights: tuple[tuple[int, int], ...]    # spans of matched terms inside text
    citation: Citation
    passage_id: str
    start: int                                 # offset of text inside the passage
    kind: str = "sentence"                     # "sentence" | "row"

    def to_json(self) -> dict:
        return {"text": self.text, "highlights": [list(h) for h in self.highlights],
                "citation": self.citation.text, "passage_id": self.passage_id,
                "kind": self.kind}


@dataclass(frozen=True)
class Measure:
    """One measure of a section, as the outline words it: its lead phrase and the sentence after it."""
    lead: str          # 普及学前教育。 (empty when the paragraph has none: then text is one of its sentences)
    text: str          # the sentence stating the measure, verbatim
    passage_id: str
    start: int         # offset of text inside the passage


@dataclass(frozen=True)
class Result:
    query: str
    hits: tuple[Hit, ...]
    answer: Answer | None                       # the answer shown: vouched for (None when not)
    terms: tuple[str, ...] = field(default=())  # query terms used for highlighting
    answerable: bool = True                     # the answer is vouched for (verdict answered / by_meaning)
    confidence: float | None = None             # 把握: the calibrated probability that the answer sentence is right
                                                # (for an unvouched one, of the candidate; 0 when off topic)
    shares_words: bool = True                   # some word of the question occurs in the documents; False: the
                                                # hits were found by meaning alone (a colloquial question, or one
                                                # about something else entirely: 周杰伦的新歌)
    on_topic: bool = True                       # False: the question is about something else entirely (nearer an
                                                # everyday kind of question than anything the documents say), so
                                                # it is not answered (kb/verdict.py off_topic)
    verdict: str = "answered"                   # kb/verdict.py: answered | by_meaning | not_stated | off_topic | nothing
    candidate: Answer | None = None             # not_stated: the closest sentence, to be marked, never claimed
    measures: tuple[Measure, ...] = ()          # a 有什么举措 / 怎么做 question: the measures of the best section
    skipped: tuple[tuple[str, str], ...] = ()   # (earlier version, its current one): not searched, being superseded

    @property
    def versions_note(self) -> str:
        """The line the faces show under a search of every document when earlier versions were left out: those of
        the documents the hits come from by name, the rest counted; "" when none was left out."""
        if not self.skipped:
            return ""
        found = {h.passage.doc_id for h in self.hits}
        named = [f"{old}（已被 {new} 取代）" for old, new in self.skipped if new in found]
        rest = len(self.skipped) - len(named)
        if not named:
            return f"未检索 {rest} 份较早的版本"
        return "未检索较早的版本：" + "；".join(named) + (f"；另有 {rest} 份" if rest else "")

    def to_json(self) -> dict:
        return {"query": self.query, "verdict": self.verdict, "answerable": self.answerable,
                "skipped_versions": [{"doc_id": old, "superseded_by": new} for old, new in self.skipped],
                "confidence": None if self.confidence is None else round(self.confidence, 3),
                "shares_words": self.shares_words, "on_topic": self.on_topic,
                "answer": self.answer.to_json() if self.answer else None,
                "candidate": self.candidate.to_json() if self.candidate else None,
                "terms": list(self.terms),
                "measures": [{"lead": m.lead, "text": m.text, "passage_id": m.passage_id, "start": m.start}
                             for m in self.measures],
                "hits": [h.to_json() for h in self.hits]}


@dataclass(frozen=True)
class DocAnswer:
    """One document's answer to a question put to every document (`KnowledgeBase.ask_each`): its own hits and
    the same verdict as a single answer; a document that does not answer says so through its Result's verdict."""
    doc_id: str
    title: str
    result: Result

    def to_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, **self.result.to_json()}
