"""What changed between two versions of a document (KnowledgeBase.diff): sections and paragraphs aligned, each
classified same / reworded / added / removed / moved and cited on both sides, changed figures called out."""
from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass, replace
from typing import Callable, Sequence

from ingest.records import ARTICLE_NO, Document, Passage
from .align import dice, grams, merge, norm, pair
from .records import Citation
from .targets import figure_spans

SAME, REWORDED, ADDED, REMOVED, MOVED, CHANGED = "same", "reworded", "added", "removed", "moved", "changed"
# the faces' words for every code a diff carries (the CLI, the app and the Word table all read them here)
WORDS = {SAME: "相同", REWORDED: "改写", ADDED: "新增", REMOVED: "删除", MOVED: "移动", CHANGED: "有改动",
         "renamed": "改名", "renumbered": "改号"}

# Similarity is the Dice coefficient of the two texts' sets of character bigrams (whitespace ignored).
PARA_SAME = 0.5       # two paragraphs of aligned sections at or above it are one paragraph, reworded
MOVE_SAME = 0.8       # a paragraph gone from one section and one new in another: one paragraph, moved
SECTION_SAME = 0.5    # two sections whose paragraphs are this alike are one section (renamed, renumbered or not)
TITLE_SAME = 0.6      # ... or whose titles are this alike, their paragraphs at least SECTION_LOOSE alike (or the
SECTION_LOOSE = 0.2   # smaller one's bigrams at least twice that share held in the other)
JOIN_GAP = 2          # changed runs this close (characters) are marked as one (a character diff of Chinese text
                      # otherwise keeps a lone 的 or 和 as "unchanged" in the middle of a rewritten phrase)
# the number a law's or regulation's article opens with: compared apart from its text, so that the articles after
# one removed (第十条 → 第九条 …) are the same text renumbered, not reworded
ARTICLE_HEAD = re.compile(f"^{ARTICLE_NO}")
_CLAUSE = re.compile(r"[，,。；;：:、！？!?（(）)\n]")


@dataclass(frozen=True)
class Side:
    """One version's paragraph or heading: its text verbatim, its citation, and what changed in it (offsets)."""
    text: str
    citation: Citation
    passage_id: str = ""                        # the paragraph's first passage ("" for a heading)
    spans: tuple[tuple[int, int], ...] = ()     # the changed runs of text, as (start, end)

    def to_json(self) -> dict:
        return {"text": self.text, "citation": self.citation.text, "passage_id": self.passage_id,
                "spans": [list(s) for s in self.spans]}


@dataclass(frozen=True)
class FigureChange:
    """A figure or target that changed: 生产总值年均增长 7%左右 → 6.5%左右 (before None: one the new version adds,
    after None: one it drops), each side cited."""
    subject: str                 # the words before the figure in its clause
    before: str | None
    after: str | None
    a: Citation | None
    b: Citation | None

    @property
    def text(self) -> str:
        return f"{self.subject}{self.before or '（无）'} → {self.after or '（无）'}"

    def to_json(self) -> dict:
        return {"subject": self.subject, "before": self.before, "after": self.after,
                "a": self.a.text if self.a else None, "b": self.b.text if self.b else None}


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph (or table row, 专栏 title, subheading) of either version and what became of it."""
    kind: str                    # same | reworded | added | removed | moved
    a: Side | None               # None: added
    b: Side | None               # None: removed
    similarity: float            # 1.0 for the same text, 0.0 for one side only
    figures: tuple[FigureChange, ...] = ()
    pieces: tuple[tuple[str, str], ...] = ()    # reworded or moved: (A's run, B's run), equal where unchanged
    renumbered: bool = False     # an article that only changed its number (第十条 → 第九条: one before it removed)

    @property
    def numbers(self) -> tuple[str, str]:
        """The article numbers the two sides open with (第十条, 第九条); "" where a side has none."""
        return tuple(m.group(0) if s and (m := ARTICLE_HEAD.match(s.text)) else "" for s in (self.a, self.b))

    def to_json(self) -> dict:
        return {"kind": self.kind, "similarity": round(self.similarity, 3), "renumbered": self.renumbered,
                "a": self.a.to_json() if self.a else None, "b": self.b.to_json() if self.b else None,
                "figures": [f.to_json() for f in self.figures]}


@dataclass(frozen=True)
class SectionChange:
    """A section (or a chapter's own paragraphs) of either version: its heading on each side, its paragraphs."""
    kind: str                    # same | changed | added | removed | moved
    a: Side | None               # the heading: 第一章第五节 发展目标, cited
    b: Side | None
    renamed: bool
    renumbered: bool
    paragraphs: tuple[ParagraphChange, ...]
    moved_out: tuple[ParagraphChange, ...] = ()  # paragraphs that went to another section (listed there)

    @property
    def changes(self) -> tuple[ParagraphChange, ...]:
        return tuple(p for p in self.paragraphs if p.kind != SAME)

    def to_json(self, changed_only: bool = True) -> dict:
        paras = self.changes if changed_only else self.paragraphs
        return {"kind": self.kind, "renamed": self.renamed, "renumbered": self.renumbered,
                "a": self.a.to_json() if self.a else None, "b": self.b.to_json() if self.b else None,
                "paragraphs": [p.to_json() for p in paras],
                "moved_out": [{"text": p.a.text, "to": p.b.citation.text} for p in self.moved_out]}


@dataclass(frozen=True)
class Diff:
    """Two documents aligned: every section of either, in the order of the second, with its paragraphs."""
    doc_a: str
    doc_b: str
    title_a: str
    title_b: str
    sections: tuple[SectionChange, ...]

    @property
    def changes(self) -> tuple[ParagraphChange, ...]:
        """Every paragraph that is not the same, once (a moved one where it stands now)."""
        return tuple(p for s in self.sections for p in s.changes)

    @property
    def renumbered(self) -> tuple[ParagraphChange, ...]:
        """Articles whose text is the same under another number (第十条 → 第九条), in the later version's order."""
        return tuple(p for s in self.sections for p in s.paragraphs if p.renumbered and p.kind == SAME)

    @property
    def figures(self) -> tuple[FigureChange, ...]:
        return tuple(f for p in self.changes for f in p.figures)

    def counts(self) -> dict[str, int]:
        """Paragraphs by kind (same, reworded, added, removed, moved) and sections renamed, added, removed, moved."""
        out = {k: 0 for k in (SAME, REWORDED, ADDED, REMOVED, MOVED)}
        for s in self.sections:
            for p in s.paragraphs:
                out[p.kind] += 1
        out |= {f"sections_{k}": sum(s.kind == k for s in self.sections) for k in (ADDED, REMOVED, MOVED)}
        out["sections_renamed"] = sum(s.renamed for s in self.sections)
        out["renumbered"] = len(self.renumbered)
        out["figures"] = len(self.figures)
        return out

    def summary(self) -> str:
        """The counts as every face prints them: 段落：相同 5，改写 3…；章节：新增 0…；条文改号 60（第十条 → 第九条 至 …）."""
        n = self.counts()
        out = (f"段落：相同 {n[SAME]}，改写 {n[REWORDED]}，新增 {n[ADDED]}，删除 {n[REMOVED]}，移动 {n[MOVED]}；"
               f"章节：新增 {n['sections_added']}，删除 {n['sections_removed']}，改名 {n['sections_renamed']}，"
               f"移动 {n['sections_moved']}")
        if self.renumbered:
            ends = [" → ".join(p.numbers) for p in (self.renumbered[0], self.renumbered[-1])]
            out += f"；条文改号 {n['renumbered']}（{ends[0]}" + (f" 至 {ends[1]}）" if len(self.renumbered) > 1 else "）")
        return out

    def to_json(self, changed_only: bool = True) -> dict:
        secs = [s for s in self.sections if s.kind != SAME] if changed_only else self.sections
        return {"doc_a": self.doc_a, "doc_b": self.doc_b, "title_a": self.title_a, "title_b": self.title_b,
                "counts": self.counts(), "figures": [f.to_json() for f in self.figures],
                "sections": [s.to_json(changed_only) for s in secs]}

    def to_docx(self, changed_only: bool = True) -> bytes:
        """The diff as a Word table (python-docx): figures first, then each changed paragraph, both sides cited."""
        from .diff_docx import diff_docx
        return diff_docx(self, changed_only)


# ---------------------------------------------------------------- the units compared

@dataclass
class _Para:
    side: Side
    norm: str
    grams: frozenset
    cells: tuple | None


@dataclass
class _Unit:
    level: str                   # "chapter" (its heading and own paragraphs) | "section"
    ref: str                     # 第一章第五节
    title: str
    head: Side
    paras: list[_Para]
    grams: frozenset = frozenset()    # of all its text (a chapter: with its sections'), to align by content


def _units(doc: Document, passages: Sequence[Passage], cite: Callable[[Passage], Citation]) -> list[_Unit]:
    """The document's chapters and sections in reading order, each with its paragraphs, rows, 专栏 titles and
    subheadings (a paragraph cited as its first passage, over the pages of all of them)."""
    ps = sorted((p for p in passages if p.doc_id == doc.doc_id), key=lambda p: p.start)
    starts = [p.start for p in ps]
    version = cite(ps[0]).doc_version if ps else ""
    units: dict[tuple[int, int], _Unit] = {}
    for c in doc.chapters:
        head = c.heading or "（正文前部）"             # the text before the first part, as `kb toc` names it
        units[(c.number, 0)] = _Unit("chapter", c.ref, c.title, _heading(doc, c.number, 0, head, version), [])
        for s in c.sections:
            if s.number:
                units[(c.number, s.number)] = _Unit("section", c.ref + s.ref, s.title,
                                                    _heading(doc, c.number, s.number, c.ref + s.heading, version), [])
    for b in doc.blocks:
        if b.kind not in ("paragraph", "row", "box", "subheading"):
            continue
        text = doc.text[b.start:b.end].strip()
        if not text:
            continue
        own = ps[bisect.bisect_left(starts, b.start):bisect.bisect_left(starts, b.end)]
        if own:
            c = cite(own[0])
            last = cite(own[-1])
            end = last.page_end or last.page
            if doc.paged and end and c.page and end > c.page:
                c = replace(c, page_end=end)
            side = Side(text, c, own[0].id)
        else:
            side = Side(text, _heading(doc, b.chapter, b.section, text, version, b.start, b.box).citation)
        key = (b.chapter, b.section)
        if key not in units:
            units[key] = _Unit("section", "", "", _heading(doc, *key, "", version), [])
        n = norm(ARTICLE_HEAD.sub("", norm(text), count=1))
        units[key].paras.append(_Para(side, n, grams(n), b.cells))
    out = list(units.values())
    for u in out:
        u.grams = frozenset().union(*(p.grams for p in u.paras))
    for key, u in units.items():                  # a chapter is recognised by all it holds
        if u.level == "chapter":
            u.grams = u.grams.union(*(v.grams for k, v in units.items() if k[0] == key[0]))
    return out


def _heading(doc: Document, chapter: int, section: int, text: str, version: str, start: int | None = None,
             box: str | None = None) -> Side:
    """A heading (or a block with no passage) as a Side, cited through a passage made for it (with the version the
    document's passages are cited with, when the index holds several)."""
    c = doc.chapter(chapter)
    s = doc.section(chapter, section)
    if start is None:
        start = next((b.start for b in doc.blocks if b.chapter == chapter and b.section == section), 0)
    info = next((x for x in doc.boxes if x.id == box), None) if box else None
    p = Passage(id="", doc_id=doc.doc_id, doc_title=doc.title, text=text, start=start, end=start + len(text),
                chapter=chapter, chapter_title=c.title if c else "", section=section,
                section_title=s.title if s else "", box=box, box_title=info.title if info else None, para=0,
                page=doc.page_at(start, (s or c).page if (s or c) else None), chapter_label=c.label if c else "",
                section_label=s.label if s else "", volume=c.volume if c else "",
                volume_title=c.volume_title if c else "")
    return Side(text, replace(Citation.of(p, doc), doc_version=version))


# ---------------------------------------------------------------- alignment

def _section_score(a: _Unit, b: _Unit) -> float | None:
    """How alike two sections are (None: not the same section): by their paragraphs (all of them, or the smaller
    one's held in the other: a short section that gained a long paragraph) and their titles; among equals the one
    with the same number wins."""
    if a.level != b.level:
        return None
    title = 1.0 if norm(a.title) == norm(b.title) else dice(grams(norm(a.title)), grams(norm(b.title)))
    if not a.grams or not b.grams:
        content = float(a.grams == b.grams)
        ok = title >= TITLE_SAME or (a.ref == b.ref and title > 0)
    else:
        content = dice(a.grams, b.grams)
        held = len(a.grams & b.grams) / min(len(a.grams), len(b.grams))
        ok = content >= SECTION_SAME or (title >= TITLE_SAME and max(content, held / 2) >= SECTION_LOOSE)
    return content + title + 0.05 * (a.ref == b.ref) if ok else None


# ---------------------------------------------------------------- what changed in a pair

def _pieces(a: str, b: str) -> tuple[tuple[str, str], ...]:
    """The two texts as runs (A's, B's), alternately unchanged and changed: a run that differs only in whitespace
    is unchanged, and an unchanged run of at most JOIN_GAP characters between two changes joins them."""
    runs: list[list] = []                    # [unchanged, i1, i2, j1, j2]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        same = tag == "equal" or norm(a[i1:i2]) == norm(b[j1:j2])
        if runs and runs[-1][0] == same:
            runs[-1][2], runs[-1][4] = i2, j2
        elif not same and len(runs) > 1 and max(runs[-1][2] - runs[-1][1], runs[-1][4] - runs[-1][3]) <= JOIN_GAP:
            runs.pop()
            runs[-1][2], runs[-1][4] = i2, j2
        else:
            runs.append([same, i1, i2, j1, j2])
    return tuple((a[i1:i2], b[j1:j2]) for _, i1, i2, j1, j2 in runs)


def _spans(pieces) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    sa, sb, ia, ib = [], [], 0, 0
    for x, y in pieces:
        if x != y and norm(x) != norm(y):
            if x:
                sa.append((ia, ia + len(x)))
            if y:
                sb.append((ib, ib + len(y)))
        ia, ib = ia + len(x), ib + len(y)
    return tuple(sa), tuple(sb)


def _figures_in(text: str) -> list[tuple[str, str]]:
    """(subject, figure) for every figure with its unit: the subject is the clause's words before it (after the
    previous figure), at most 20 characters: (生产总值年均增长, 7%左右)."""
    out, prev = [], 0
    for s, e in figure_spans(text):
        cuts = [prev] + [m.end() for m in _CLAUSE.finditer(text, prev, s)]
        cut = max(cuts)
        if len(norm(text[cut:s])) < 4 and len(cuts) > 1:     # 春节，放假 3天: 放假 alone names no figure
            cut = sorted(cuts)[-2]
        out.append((norm(text[cut:s])[-20:], norm(text[s:e])))
        prev = e
    return out


def _figure_changes(a: _Para, b: _Para) -> tuple[FigureChange, ...]:
    """The figures of a paragraph pair that changed, matched by the words before them; a table row cell by cell."""
    ca, cb = a.side.citation, b.side.citation
    if a.cells and b.cells:
        name = next((v for c, v in b.cells if "名称" in c), None) or max((v for _, v in b.cells), key=len)
        old = dict(a.cells)
        return tuple(FigureChange(f"{name}（{c}）", old[c], v, ca, cb) for c, v in b.cells
                     if c in old and norm(old[c]) != norm(v))
    fa, fb, out = [], [], []
    subject_alike = lambda f, g: f[0] == g[0] or dice(grams(g[0]), grams(f[0])) >= 0.5    # noqa: E731
    # the figures in the order they stand: unchanged runs kept, a figure in the same place among them with words
    # alike is the one that changed (春节放假3天 → 4天 among six other 放假N天), the rest matched by their words below
    figs_a, figs_b = _figures_in(a.side.text), _figures_in(b.side.text)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, figs_a, figs_b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for f, g in zip(figs_a[i1:i2], figs_b[j1:j2]):
                if subject_alike(f, g):
                    if f[1] != g[1]:
                        out.append(FigureChange(g[0], f[1], g[1], ca, cb))
                else:
                    fa.append(f)
                    fb.append(g)
            continue
        fa += figs_a[i1:i2]
        fb += figs_b[j1:j2]
    for f in list(fa):                  # unchanged figures that moved within the paragraph
        if f in fb:
            fa.remove(f)
            fb.remove(f)
    alike = (lambda f, g: g[0] == f[0],                                  # the same words before it
             lambda f, g: g[1] == f[1],                                  # the same figure, its words reworded
             lambda f, g: dice(grams(g[0]), grams(f[0])) >= 0.5 or (f[0] and g[0] and (
                 f[0].endswith(g[0]) or g[0].endswith(f[0]))))          # words alike: the figure changed
    for same in alike:
        for f in list(fa):
            g = next((g for g in fb if same(f, g)), None)
            if g is not None:
                fa.remove(f)
                fb.remove(g)
                if g[1] != f[1]:
                    out.append(FigureChange(g[0], f[1], g[1], ca, cb))
    out += [FigureChange(s, v, None, ca, cb) for s, v in fa] + [FigureChange(s, None, v, ca, cb) for s, v in fb]
    return tuple(out)


def _changed(kind: str, a: _Para, b: _Para, sim: float) -> ParagraphChange:
    if a.norm == b.norm:
        change = ParagraphChange(kind, a.side, b.side, 1.0)
        old, new = change.numbers
        return replace(change, renumbered=old != new) if old or new else change
    pieces = _pieces(a.side.text, b.side.text)
    sa, sb = _spans(pieces)
    return ParagraphChange(kind, replace(a.side, spans=sa), replace(b.side, spans=sb), sim,
                           _figure_changes(a, b), pieces)


_Row = tuple[ParagraphChange, "_Para | None", "_Para | None"]


def _paragraphs(a: _Unit | None, b: _Unit | None) -> list[_Row]:
    """The paragraphs of two paired sections (or of one section alone), aligned, each with its units."""
    pa, pb = (a.paras if a else []), (b.paras if b else [])

    def score(i, j):
        s = dice(pa[i].grams, pb[j].grams)
        return s if s >= PARA_SAME else None

    pairs = pair(len(pa), len(pb), lambda i: pa[i].norm, lambda j: pb[j].norm, score)
    out: list[_Row] = []
    for i, j, moved in merge(len(pa), len(pb), pairs):
        if j is None:
            out.append((ParagraphChange(REMOVED, pa[i].side, None, 0.0), pa[i], None))
        elif i is None:
            out.append((ParagraphChange(ADDED, None, pb[j].side, 0.0), None, pb[j]))
        else:
            kind = MOVED if moved else (SAME if pa[i].norm == pb[j].norm else REWORDED)
            out.append((_changed(kind, pa[i], pb[j], pairs[i][1]), pa[i], pb[j]))   # SAME: maybe renumbered
    return out


def compare(doc_a: Document, doc_b: Document, passages_a: Sequence[Passage], passages_b: Sequence[Passage],
            cite: Callable[[Passage], Citation] | None = None) -> Diff:
    """Align two versions of a document and say what changed (KnowledgeBase.diff calls it with its passages
    and citations). Sections are paired by their paragraphs and titles, so a section renamed or renumbered is
    still paired; paragraphs of paired sections by their text; a paragraph gone from one section and found in
    another (MOVE_SAME alike) is moved, listed where it stands now."""
    cite_a = cite or (lambda p: Citation.of(p, doc_a))
    cite_b = cite or (lambda p: Citation.of(p, doc_b))
    ua, ub = _units(doc_a, passages_a, cite_a), _units(doc_b, passages_b, cite_b)
    sig = lambda u: (u.level, norm(u.title), tuple(p.norm for p in u.paras))    # noqa: E731
    pairs = pair(len(ua), len(ub), lambda i: sig(ua[i]), lambda j: sig(ub[j]),
                  lambda i, j: _section_score(ua[i], ub[j]))
    merged = merge(len(ua), len(ub), pairs)
    rows = [_paragraphs(ua[i] if i is not None else None, ub[j] if j is not None else None) for i, j, _ in merged]
    gone = [(s, k) for s, r in enumerate(rows) for k, (p, _, _) in enumerate(r) if p.kind == REMOVED]
    new = [(s, k) for s, r in enumerate(rows) for k, (p, _, _) in enumerate(r) if p.kind == ADDED]
    old_of = lambda x: rows[gone[x][0]][gone[x][1]][1]       # noqa: E731
    new_of = lambda y: rows[new[y][0]][new[y][1]][2]         # noqa: E731

    def move_score(x, y):
        s = dice(old_of(x).grams, new_of(y).grams)
        return s if s >= MOVE_SAME else None

    moves = pair(len(gone), len(new), lambda x: old_of(x).norm, lambda y: new_of(y).norm, move_score)
    moved_out: dict[int, list[ParagraphChange]] = {}
    drop = set()
    for x, (y, sim) in sorted(moves.items()):
        (sa, ka), (sb, kb) = gone[x], new[y]
        change = _changed(MOVED, old_of(x), new_of(y), sim)
        rows[sb][kb] = (change, old_of(x), new_of(y))
        moved_out.setdefault(sa, []).append(change)
        drop.add((sa, ka))
    sections = []
    for s, (i, j, moved) in enumerate(merged):
        ps = tuple(p for k, (p, _, _) in enumerate(rows[s]) if (s, k) not in drop)
        a, b = (ua[i] if i is not None else None), (ub[j] if j is not None else None)
        renamed = bool(a and b and norm(a.title) != norm(b.title))
        renumbered = bool(a and b and a.ref != b.ref)
        if a is None or b is None:
            kind = ADDED if a is None else REMOVED
        elif moved:
            kind = MOVED
        elif renamed or moved_out.get(s) or any(p.kind != SAME for p in ps):
            kind = CHANGED
        else:
            kind = SAME
        sections.append(SectionChange(kind, a.head if a else None, b.head if b else None, renamed, renumbered, ps,
                                      tuple(moved_out.get(s, ()))))
    return Diff(doc_a.doc_id, doc_b.doc_id, doc_a.title, doc_b.title, tuple(sections))
