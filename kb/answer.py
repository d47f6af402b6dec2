"""Extract the one or two verbatim sentences that best answer a query from the top hits."""
from __future__ import annotations

import math
import re
from typing import Callable

from ingest import reads_with_next, sentences, tokenize
from ingest.glyphs import comparable
from ingest.records import Passage

from .config import AnswerCfg
from .query import Query
from .records import Answer, Hit, Measure

_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[^\W_]")          # a letter, digit or ideograph
_TARGET = re.compile(r"力争|达到|以上|以内|不低于|累计|新增|建成|实现|到\"?“?十四五”?\"?末|2025年")


def terms_for_highlight(q: Query) -> list[str]:
    """Query words worth marking: two characters or more, or figures."""
    out = [t for t in q.terms + q.expansions if len(t) >= 2 or t.isdigit()]
    return sorted(set(out), key=len, reverse=True)


def highlight(text: str, terms) -> list[tuple[int, int]]:
    """Non-overlapping spans of any term in text, in order."""
    spans = []
    low = text.lower()
    for t in terms:
        t = t.lower().strip('"“”')
        if not t:
            continue
        for m in re.finditer(re.escape(t), low):
            spans.append((m.start(), m.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


_CLAUSE = re.compile(r"[^，,；;。！？!?：]+")


def states_figure(q: Query, sentence: str, row_name: str | None = None) -> bool:
    """Whether the sentence answers a quantity question: one of its clauses states a figure in the unit asked
    beside a word (a bigram) of the question (`改扩建学校 4 所` for 改扩建了几所学校; not `培养名师10人` for 招聘多少名教师)."""
    figure, grams = q.figure, q.focus_grams
    if figure is None:
        return False
    if row_name is not None:          # an indicator row states figures: it answers when it is the indicator asked
        return any(g in row_name for g in grams)
    for clause in _CLAUSE.findall(q.without_own_figures(sentence)):
        if figure.search(clause) and any(g in clause for g in grams):
            return True
    return False


def _row_answer(q: Query, hits: list[Hit], qgrams: set[str], cfg: AnswerCfg) -> Answer | None:
    """Target questions answered by the indicator table return the row itself."""
    for h in hits[:cfg.from_hits]:
        p = h.passage
        if p.kind != "row" or not p.cells:
            continue
        cells = dict(p.cells)
        name = cells.get("指标名称", "")
        years = set(re.findall(r"20\d\d", q.text))
        if years and not any(y in c and v.strip() for c, v in cells.items() for y in years):
            continue         # a question about a year this row gives no figure for (地区生产总值 in 2020: the text says it)
        name_grams = set(tokenize.bigrams(re.sub(r"\(.*?\)|（.*?）", "", name)))
        if (h.rank == 1 and q.focus_grams & name_grams) or (name_grams and len(name_grams & qgrams) / len(name_grams) >= 0.6):
            text = p.text[: cfg.max_chars]
            return Answer(text, tuple(highlight(text, terms_for_highlight(q))), h.citation, p.id, 0, "row")
    return None


def _window(text: str, spans, max_chars: int) -> tuple[int, int]:
    """The window of at most max_chars that holds most highlighted characters, starting and ending at clause
    boundaries (，；、) so that no clause is cut; a clause longer than max_chars is the only one cut."""
    if len(text) <= max_chars:
        return 0, len(text)
    bounds = [0] + [m.end() for m in re.finditer(r"[，,；;、：:]", text)] + [len(text)]
    best, best_w = -1, (0, max_chars)
    for s in bounds[:-1]:
        ends = [e for e in bounds if s < e <= s + max_chars]
        e = ends[-1] if ends else s + max_chars
        covered = sum(max(0, min(b, e) - max(a, s)) for a, b in spans)
        if covered > best:
            best, best_w = covered, (s, e)
    return best_w


def best_cosine(units: list[tuple[int, int, float]], s: int, e: int) -> float | None:
    """The best cosine of the sentence units that overlap text[s:e]."""
    cos = [c for a, b, c in units if a < e and b > s]
    return max(cos) if cos else None


def extract(q: Query, hits: list[Hit], cfg: AnswerCfg,
            sentence_cosines: Callable[[Hit], list[tuple[int, int, float]]] | None = None) -> Answer | None:
    """The sentence of the top passages that best answers q: the rarer question words it shares, the passage's
    score, a figure for a quantity question, and (when `sentence_cosines` gives each passage's sentence units
    with their cosine to the query) how close its meaning is, for questions worded unlike the text."""
    if not hits:
        return None
    qtext = "".join(q.terms) if q.terms else q.text
    qgrams = set(tokenize.bigrams(qtext))
    for e in q.expansions:
        qgrams |= set(tokenize.bigrams(e))
    if not qgrams:
        return None          # a query of punctuation or symbols: no word to answer
    if q.wants_number or hits[0].passage.kind == "row":
        row = _row_answer(q, hits, qgrams, cfg)
        if row:
            return row
    figure = q.figure
    cands = []
    # a quantity question looks further down for the sentence that states the figure
    for h in hits[:max(cfg.from_hits, cfg.figure_from_hits if figure else 0)]:
        p = h.passage
        if p.kind == "row":
            continue
        spans = sentences(p.text)
        for i, (s, e) in enumerate(spans):
            # a lead phrase or a very short sentence is read together with the next one
            if reads_with_next(p.text, (s, e), cfg.glue_below, p.lead) and i + 1 < len(spans):
                e2 = spans[i + 1][1]
                if e2 - s <= cfg.max_chars:
                    e = e2
            cands.append((h, s, e, set(tokenize.bigrams(p.text[s:e]))))
    # query bigrams weighted by how rare they are among the candidate sentences: the words shared by
    # every sentence (the topic) do not tell them apart, the rarer ones (what was asked) do
    df = {g: sum(1 for c in cands if g in c[3]) for g in qgrams}
    weight = {g: math.log(1 + len(cands) / n) for g, n in df.items() if n}
    # divided by what every question bigram would weigh, those no candidate has counting as the rarest: a sentence
    # sharing one common word with a question worded otherwise covers little of it (the sentence's meaning decides)
    total = sum(math.log(1 + len(cands) / max(n, 1)) for n in df.values()) or 1.0
    units: dict[str, list[tuple[int, int, float]]] = {}
    if sentence_cosines is not None and cfg.sentence_dense:
        for h, *_ in cands:
            if h.passage.id not in units:
                units[h.passage.id] = sentence_cosines(h)
    best = None
    for h, s, e, grams in cands:
        sent = h.passage.text[s:e]
        score = sum(w for g, w in weight.items() if g in grams) / total + cfg.hit_prior * h.score / max(hits[0].score, 1e-9)
        cos = best_cosine(units.get(h.passage.id, ()), s, e) if units else None
        if cos is not None:
            score += cfg.sentence_dense * cos
        if q.wants_number and _DIGIT.search(sent):
            score += 0.15 + (0.1 if _TARGET.search(sent) else 0.0)
        if figure and states_figure(q, sent):
            score += cfg.figure_bonus
        if best is None or score > best[0]:
            best = (score, h, s, e)
    if best is None:
        h = hits[0]
        best = (0, h, 0, len(h.passage.text))
    _, h, s, e = best
    text = h.passage.text[s:e]
    terms = terms_for_highlight(q)
    a, b = _window(text, highlight(text, terms), cfg.max_chars)
    text = text[a:b]
    return Answer(text, tuple(highlight(text, terms)), h.citation, h.passage.id, s + a,
                  "row" if h.passage.kind == "row" else "sentence")


_MEASURES_Q = re.compile(r"举措|措施|怎么做|怎样做|怎么办|怎么解决|如何解决|如何|怎样|怎么|办法|哪些工作|做些什么|做什么")


def asks_for_measures(query: str) -> bool:
    """有什么举措 / 怎么做 / 如何… questions: the reader wants the list of measures, not one sentence."""
    return bool(_MEASURES_Q.search(query or ""))


def measures(best: Passage, section: list[Passage], limit: int = 8) -> tuple[Measure, ...]:
    """The measures of the best passage's section (or box), verbatim: each paragraph's lead phrase with the
    sentence that follows it; a section without lead phrases gives the best paragraph's sentences. Fewer than
    two measures is no list (one sentence is what the answer already shows)."""
    same = [p for p in section if p.box == best.box and p.kind == best.kind]
    led = [p for p in same if p.lead and p.text.startswith(p.lead)]
    out: list[Measure] = []
    if len(led) >= 2:
        for p in led[:limit]:
            spans = sentences(p.text)
            lead_end = len(p.lead)
            if p.text[lead_end:lead_end + 1] in "。：:；;":
                lead_end += 1
            rest = [(s, e) for s, e in spans if e > lead_end]
            s0, e0 = rest[0] if rest else (0, len(p.text))
            s0 = max(s0, lead_end)
            text = p.text[s0:e0].strip()
            start = p.text.index(text, s0) if text else s0
            out.append(Measure(p.text[:lead_end], text, p.id, start))
    elif best.kind == "paragraph":
        for s, e in sentences(best.text)[:limit]:
            t = best.text[s:e]
            out.append(Measure("", t.strip(), best.id, s + (len(t) - len(t.lstrip()))))
    return tuple(out) if len(out) >= 2 else ()


def locate(text: str, piece: str) -> tuple[int, int] | None:
    """Where `piece` stands in `text` ([start, end) offsets): verbatim, else compared as the page view compares a
    passage with its PDF page (ingest.glyphs.comparable: the width of characters, look-alike glyphs, blanks) and
    ignoring punctuation (a quotation copied from the printed page or another copy of the file); None if nowhere."""
    piece = piece.strip()
    if not piece:
        return None
    at = text.find(piece)
    if at >= 0:
        return at, at + len(piece)
    keep = [(k, ch) for k, c in enumerate(text) for ch in comparable(c) if _WORD.fullmatch(ch)]
    flat = "".join(ch for _, ch in keep)
    want = "".join(ch for ch in comparable(piece) if _WORD.fullmatch(ch))
    at = flat.find(want) if want else -1
    if at < 0:
        return None
    return keep[at][0], keep[at + len(want) - 1][0] + 1
