"""Query understanding: normalisation, question-word stripping, synonym expansion, intent."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest import tokenize

from .errors import BadQuery

DATA = Path(__file__).parent / "data"
MAX_QUERY_CHARS = 512
# the period a question is about: a plan outline reviews the last five-year period first, then plans the next
_PAST = re.compile(r"十三五|过去五年|过去几年|这几年|近几年|近年来|已经|目前|现在|以来|完成了|取得了|建成了")
_PLAN = re.compile(r"十四五|到20[2-3]\d|20[2-3]\d年|[要将]|计划|打算|力争|今后|未来")
_NUMBER_INTENT = re.compile(r"多少|几个|几家|几处|数量|目标|达到|比例|比重|增长|率|基数|指标|\d")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str                        # normalised, truncated: what the dense side embeds
    terms: tuple[str, ...]           # lexical terms, question words removed
    expansions: tuple[str, ...]      # synonym-table additions
    wants_number: bool
    period: str | None = None        # "past" (what was achieved: 十三五, 过去五年, 已经) or "plan" (十四五, 到2025年)

    @property
    def lexical_text(self) -> str:
        return " ".join(self.terms + self.expansions)


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover
        return None
    for cfg in ("t2s", "t2s.json"):
        try:
            return opencc.OpenCC(cfg)
        except Exception:  # noqa: BLE001 — config naming differs between opencc builds
            continue
    return None


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    lines = (DATA / "stopwords.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(l.strip() for l in lines if l.strip() and not l.startswith("#"))


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for line in (DATA / "synonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, exp = line.partition("\t")
        table[normalise(key.strip())] = tuple(e.strip() for e in exp.split("|") if e.strip())
    return table


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, whitespace folded."""
    t = unicodedata.normalize("NFKC", text)
    cc = _t2s()
    if cc is not None:
        t = cc.convert(t)
    return re.sub(r"\s+", " ", t).strip()


def _strip_question(text: str) -> list[str]:
    stop = stopwords()
    toks = tokenize.words(text)
    kept = [t for t in toks if t not in stop]
    return kept or toks


def parse(raw: str) -> Query:
    """Understand a user query; BadQuery for an empty one. Long queries are truncated, never refused."""
    if raw is None or not str(raw).strip():
        raise BadQuery("the query is empty: type a question or a few words")
    text = normalise(str(raw))[:MAX_QUERY_CHARS]
    if not text:
        raise BadQuery("the query is empty: type a question or a few words")
    table = synonyms()
    compact = re.sub(r"[\s\"“”'‘’]", "", text)
    terms = _strip_question(text)
    expansions: list[str] = []
    for key, exp in table.items():
        if key in compact:
            expansions += [e for e in exp if e not in compact]
    period = "past" if _PAST.search(text) else ("plan" if _PLAN.search(text) else None)
    return Query(raw=str(raw), text=text, terms=tuple(terms), expansions=tuple(dict.fromkeys(expansions)),
                 wants_number=bool(_NUMBER_INTENT.search(text)), period=period)
