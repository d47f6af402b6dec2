"""Retrieval evaluation on a question set: the matching rule, hit@k, MRR@10 and answer-hit, per type."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

__all__ = [
    "Question",
    "Report",
    "QuestionResult",
    "load_questions",
    "normalise",
    "is_hit",
    "first_hit_rank",
    "evaluate",
    "calibration",
    "shown_pairs",
    "result_texts",
    "answer_text",
    "format_table",
    "format_details",
]

# search(question) -> (ranked passage texts, answer text or None[, answerable: bool]); without the third element
# a system is taken to answer every question it gives an answer for
Search = Callable[[str], "tuple"]


@dataclass(frozen=True)
class Question:
    """One evaluation question; a passage answers it if it contains any of `quotes` (after normalising)."""

    id: str
    question: str
    quotes: tuple[str, ...]
    where: str
    type: str


@dataclass(frozen=True)
class QuestionResult:
    """How one question fared: 1-based rank of the first hit (None if none in the top k), answer verdict."""

    id: str
    type: str
    rank: int | None
    answer_ok: bool | None
    answerable: bool | None = None     # the system's verdict: the document answers this (None: no verdict)
    answer: str | None = None          # the answer text given (for --details)
    confidence: float | None = None    # the system's 把握 for the answer it gave (calibration)


@dataclass(frozen=True)
class Report:
    """Overall metrics, the same metrics per question type, and the per-question ranks."""

    hit1: float
    hit5: float
    mrr10: float
    answer_hit: float | None
    n: int
    by_type: dict[str, dict] = field(default_factory=dict)  # type -> {"hit@1", "hit@5", "mrr@10", "answer_hit", "n"}
    ranks: tuple[QuestionResult, ...] = ()
    n_none: int = 0                        # unanswerable questions (type "none"), scored apart
    no_answer_precision: float | None = None
    no_answer_recall: float | None = None
    shown: int = 0                         # answers shown, over both kinds of question
    answered_precision: float | None = None  # right among answers shown (an unanswerable question answered: wrong)
    ece: float | None = None               # expected calibration error of the 把握 of the answers shown

    @property
    def coverage(self) -> float | None:
        """Answerable questions given a right answer (the same as answer_hit)."""
        return self.answer_hit

    def to_json(self, passages: int, mean_len: float, max_len: int) -> dict:
        """The report as the JSON object the benches write, with the passage-size figures alongside."""
        extra = {}
        if self.n_none:
            extra = {"n_none": self.n_none,
                     "no_answer_precision": None if self.no_answer_precision is None
                     else round(self.no_answer_precision, 4),
                     "no_answer_recall": None if self.no_answer_recall is None else round(self.no_answer_recall, 4)}
        trust = {"shown": self.shown,
                 "answered_precision": None if self.answered_precision is None else round(self.answered_precision, 4),
                 "coverage": None if self.coverage is None else round(self.coverage, 4),
                 "ece": None if self.ece is None else round(self.ece, 4)}
        return extra | {
            "hit@1": round(self.hit1, 4),
            "hit@5": round(self.hit5, 4),
            "mrr@10": round(self.mrr10, 4),
            "answer_hit": None if self.answer_hit is None else round(self.answer_hit, 4),
            "n": self.n,
            "by_type": {t: {k: (round(v, 4) if isinstance(v, float) else v) for k, v in m.items()}
                        for t, m in sorted(self.by_type.items())},
            "passages": int(passages),
            "mean_len": round(float(mean_len), 1),
            "max_len": int(max_len),
        } | trust


def load_questions(path: str | Path) -> list[Question]:
    """Read a JSONL question file; raise ValueError naming the file and line when it is unusable."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"question file not found: {p}")
    out: list[Question] = []
    for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            quotes = obj["quotes"]
            if isinstance(quotes, str):
                quotes = [quotes]
            if obj.get("type") == "none":
                if quotes:
                    raise ValueError('a question of type "none" has "quotes": []')
            elif not quotes or not all(isinstance(q, str) and normalise(q) for q in quotes):
                raise ValueError("quotes must be a non-empty list of non-empty strings")
            out.append(Question(id=str(obj["id"]), question=str(obj["question"]), quotes=tuple(quotes),
                                where=str(obj.get("where", "")), type=str(obj.get("type", "unknown"))))
        except json.JSONDecodeError as e:
            raise ValueError(f"{p}:{lineno}: bad JSON ({e.msg})") from None
        except KeyError as e:
            raise ValueError(f"{p}:{lineno}: missing field {e.args[0]!r}") from None
        except (ValueError, TypeError, AttributeError) as e:
            raise ValueError(f"{p}:{lineno}: {e}") from None
    return out


def _printed(p) -> str:
    """A passage as the matching rule reads it: an indicator row also as its table prints it (values in column
    order), so a quote copied from the table (`初中适龄儿童入学率(%) 100 100 约束性`) finds the row it names."""
    return p.text + ("\n" + "\t".join(v for _, v in p.cells) if p.cells else "")


def answer_text(hits, answer) -> str | None:
    """The answer as the matching rule reads it: its text, or the whole printed row it answers with."""
    if answer is None:
        return None
    if answer.kind == "row":
        hit = next((h for h in hits if h.passage.id == answer.passage_id), None)
        return _printed(hit.passage) if hit else answer.text
    return answer.text


def result_texts(result) -> tuple[list[str], str | None]:
    """What the matching rule reads from a kb Result: each hit's passage text and the answer text shown."""
    return [_printed(h.passage) for h in result.hits], answer_text(result.hits, result.answer)


def normalise(s: str) -> str:
    """Remove every whitespace character and every Unicode punctuation (category P*) character."""
    return "".join(ch for ch in s if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


def is_hit(passage_text: str, quotes: Iterable[str]) -> bool:
    """True when the normalised passage contains any normalised quote."""
    text = normalise(passage_text)
    return any((nq := normalise(q)) and nq in text for q in quotes)


def first_hit_rank(passages: Sequence[str], quotes: Iterable[str], k: int = 10) -> int | None:
    """1-based rank of the first passage in the top k that contains a quote, or None."""
    quotes = tuple(quotes)
    for i, text in enumerate(passages[:k], start=1):
        if is_hit(text, quotes):
            return i
    return None


def _metrics(results: Sequence[QuestionResult], answers: bool) -> dict:
    """hit@1, hit@5, mrr@10, answer_hit (None when `answers` is False; an unanswered question is a miss), n."""
    n = len(results)
    if n == 0:
        return {"hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0, "answer_hit": None, "n": 0}
    hit1 = sum(r.rank == 1 for r in results) / n
    hit5 = sum(r.rank is not None and r.rank <= 5 for r in results) / n
    mrr = sum(1.0 / r.rank for r in results if r.rank is not None) / n
    answer_hit = sum(bool(r.answer_ok) for r in results) / n if answers else None
    return {"hit@1": hit1, "hit@5": hit5, "mrr@10": mrr, "answer_hit": answer_hit, "n": n}


def calibration(pairs: Sequence[tuple[float, bool]], bins: int = 10) -> tuple[float | None, list[dict]]:
    """Expected calibration error over (confidence, right) pairs with `bins` equal-width bins, and the bins
    (lo, hi, n, mean confidence, share right) for a reliability diagram."""
    table = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [(c, ok) for c, ok in pairs if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            table.append({"lo": lo, "hi": hi, "n": len(inside),
                          "confidence": sum(c for c, _ in inside) / len(inside),
                          "right": sum(ok for _, ok in inside) / len(inside)})
    if not pairs:
        return None, table
    return sum(t["n"] * abs(t["confidence"] - t["right"]) for t in table) / len(pairs), table


def shown_pairs(report: "Report") -> list[tuple[float, bool]]:
    """(把握, right) for each answer shown: an unanswerable question answered is wrong."""
    return [(r.confidence, r.type != "none" and bool(r.answer_ok)) for r in report.ranks
            if r.answer is not None and r.answerable is not False and r.confidence is not None]


def evaluate(questions: Sequence[Question], search: Search, k: int = 10) -> Report:
    """Run `search(question) -> (ranked passage texts, answer text or None[, answerable[, confidence]])` over the
    questions.

    answer_hit counts a question whose answer is None as a miss, unless the system never answers,
    in which case it is None.
    """
    results: list[QuestionResult] = []
    for q in questions:
        got = search(q.question)
        passages, answer = got[0], got[1]
        answerable = bool(got[2]) if len(got) > 2 else None
        confidence = float(got[3]) if len(got) > 3 and got[3] is not None else None
        rank = first_hit_rank(list(passages), q.quotes, k) if q.quotes else None
        answer_ok = None if answer is None or not q.quotes else is_hit(answer, q.quotes)
        if q.quotes and answerable is False:
            answer_ok = False                  # "not in the document" for a question it answers: a miss
        results.append(QuestionResult(q.id, q.type, rank, answer_ok, answerable,
                                      None if answerable is False else answer, confidence))
    scored = [r for r in results if r.type != "none"]
    nones = [r for r in results if r.type == "none"]
    answers = any(r.answer_ok is not None for r in scored)
    m = _metrics(scored, answers)
    types = sorted({r.type for r in scored})
    by_type = {t: _metrics([r for r in scored if r.type == t], answers) for t in types}
    said_none = [r for r in results if r.answerable is False]
    precision = sum(r.type == "none" for r in said_none) / len(said_none) if said_none else None
    recall = sum(r.answerable is False for r in nones) / len(nones) if nones else None
    shown = [r for r in results if r.answer is not None and r.answerable is not False]
    right = sum(r.type != "none" and bool(r.answer_ok) for r in shown)
    report = Report(m["hit@1"], m["hit@5"], m["mrr@10"], m["answer_hit"], m["n"], by_type, tuple(results),
                    len(nones), precision if nones else None, recall, len(shown),
                    right / len(shown) if shown else None)
    pairs = shown_pairs(report)
    return replace(report, ece=calibration(pairs)[0]) if pairs else report


def format_details(questions: Sequence[Question], report: Report) -> str:
    """One line per question: id, type, rank of the first hit, the verdict and the answer given (for reading
    failures, not for tuning on a test set)."""
    lines = []
    for q, r in zip(questions, report.ranks):
        if q.type == "none":
            verdict = "right: not in the document" if r.answerable is False else "WRONG: answered"
        else:
            verdict = ("right" if r.answer_ok else "WRONG" if r.answerable is not False else "WRONG: said not in the document")
        rank = "-" if r.rank is None else str(r.rank)
        answer = (r.answer or "（纲要中未写明）").replace("\n", " ")
        lines.append(f"{q.id}\t{q.type}\trank {rank}\t{verdict}\t{q.question}\t→ {answer[:80]}")
    return "\n".join(lines)


def format_table(rows: Sequence[tuple[str, Report]]) -> str:
    """One plain-text table: a row per system; hit@1, hit@5, MRR@10, answer-hit, then hit@5 per type."""
    types = sorted({t for _, r in rows for t in r.by_type})
    header = ["system", "hit@1", "hit@5", "MRR@10", "answer-hit"] + [f"{t}@5" for t in types]

    def num(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    body = []
    for name, r in rows:
        cells = [name, num(r.hit1), num(r.hit5), num(r.mrr10), num(r.answer_hit)]
        cells += [num(r.by_type[t]["hit@5"]) if t in r.by_type else "-" for t in types]
        body.append(cells)
    ns = ["n", str(max((r.n for _, r in rows), default=0)), "", "", ""]
    ns += [str(max((r.by_type[t]["n"] for _, r in rows if t in r.by_type), default=0)) for t in types]
    table = [header, *body, ns]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(c) for c in body), rule, line(ns)])
