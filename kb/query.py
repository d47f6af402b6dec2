"""Query understanding: normalisation, question-word stripping, synonym expansion, intent."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ingest import tokenize

from .errors import BadQuery

DATA = Path(__file__).parent / "data"
MAX_QUERY_CHARS = 512
# the period a question is about: a plan outline reviews the last five-year period first, then plans the next
_PAST = re.compile(r"十三五|过去五年|过去几年|这几年|近几年|近年来|已经|目前|现在|以来|完成了|取得了|建成了|"
                   r"20(?:1\d|20)年")      # 2020 and before: the base year and the period reviewed
_PROJECTS = re.compile(r"项目|工程")
_REVIEW = re.compile(r"成就|回顾|成效|总结")      # section titles of a plan's review of the last period


def looks_back(section_title: str | None, text: str) -> bool:
    """Whether text of a plan is about the period it reviews: its section is the review (成就, 回顾), or it names
    the 十三五 period."""
    return bool(_REVIEW.search(section_title or "")) or "十三五" in text
_PLAN = re.compile(r"十四五|到20[2-3]\d|20(?:2[1-9]|3\d)年|[要将]|计划|打算|力争|今后|未来")
_NUMBER_INTENT = re.compile(r"多少|几个|几家|几处|数量|目标|达到|比例|比重|增长|率|基数|指标|\d")
# a question that asks for a quantity, and the unit it asks in when it names one: the answer must state a figure
# in that unit (a count word for counters: 4所, 三座)
_COUNTERS = "个|家|处|所|座|条|名|人|套|项|次|倍|户|栋|间|辆|台|场|批|张|块|级"
_ASKS_QUANTITY = re.compile(rf"多少|(?<!哪)几(?:{_COUNTERS}|成|年|月|天|万|千|百|公里|亩)|百分之几|多大|多高|多长|多久|多远|多快")
_UNIT = re.compile(rf"(?:多少|几)\s*(亿元|万元|元|钱|平方公里|万平方米|平方米|亩|公里|千米|米|吨|%|{_COUNTERS})")
_FAMILY = {"亿元": "亿元", "万元": "万元|亿元", "元": "元", "钱": "元", "平方公里": "平方公里", "万平方米": "平方米",
           "平方米": "平方米", "亩": "亩", "公里": "公里|千米", "千米": "公里|千米", "米": "米", "吨": "吨", "%": "%|％",
           "名": "名|人", "人": "人|名"}
_CN_DIGITS = "一二两三四五六七八九十百千万"
# the unit a quantity is stated in, from the measure the question names before 多少 when it names no unit
_MEASURE = ((re.compile(r"(?:增长|增速|增幅|比例|比重|占比|率|强度)[^，。？?]{0,4}(?:是|有|达到|要达到|为)?多少"), "%|％|:|：|成|倍|个百分点"),
            (re.compile(r"面积[^，。？?]{0,4}(?:是|有|达到|为)?多少"), "平方米|平方公里|亩|公顷"),
            (re.compile(r"(?:投资|资金|产值|收入|经费|预算|金额|税收|营收|费用|价格|补贴)[^，。？?]{0,4}(?:是|有|达到|为)?多少"), "元"),
            (re.compile(r"(?:人数|人口)[^，。？?]{0,4}(?:是|有|达到|为)?多少"), "人|名"))
# questions that ask for a named thing: what its answer must name (a company, an office, a time of day or date)
_ENTITY = ((re.compile(r"哪家(?:公司|企业|单位)|什么(?:公司|企业)|哪个(?:公司|企业)"), re.compile(r"公司|集团|企业|厂")),
           (re.compile(r"哪个(?:部门|单位|机构)|什么部门|由谁|谁(?:来)?(?:负责|牵头)|牵头负责"),
            re.compile(r"局|委员会|委|部门|办公室|单位|政府|领导小组|专班")),
           (re.compile(r"几点|什么时候|何时|哪一年|哪年"), re.compile(r"\d+[:：点时]|\d{4}年|\d+月|[一二三四五六七八九十]+月")))
# words of time and period that every plan sentence can carry: not what a figure is about
_TIME_WORDS = re.compile(r"^(?:十三五|十四五|期间|过去|五年|目前|现在|已经|计划|今后|未来|年底|年末|\d+年?)$")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str                        # normalised, truncated: what the dense side embeds
    terms: tuple[str, ...]           # lexical terms, question words removed
    expansions: tuple[str, ...]      # synonym-table additions
    wants_number: bool
    period: str | None = None        # "past" (what was achieved: 十三五, 过去五年, 已经) or "plan" (十四五, 到2025年)

    @property
    def asks_projects(self) -> bool:
        """About projects (有哪些重点项目, 什么工程): the outline lists them in its 重点项目/工程 boxes."""
        return bool(_PROJECTS.search(self.text))

    @property
    def asks_quantity(self) -> bool:
        return bool(_ASKS_QUANTITY.search(self.text))

    @cached_property
    def figure(self) -> re.Pattern | None:
        """For a quantity question, what an answer must contain: a figure, in the asked unit when one is named
        (a number the question itself names, the 2025 of 到2025年 or the 5 of 5G, is removed by `own_figures`)."""
        if not self.asks_quantity:
            return None
        unit = _UNIT.search(self.text)
        fam = _FAMILY.get(unit.group(1), unit.group(1)) if unit else "%|％" if "百分之几" in self.text else next(
            (f for pat, f in _MEASURE if pat.search(self.text)), None)
        if fam:
            return re.compile(rf"(?:\d(?:\.\d+)?|[{_CN_DIGITS}])\s*[万亿千百]?\s*(?:{fam})")
        return re.compile(rf"\d|[{_CN_DIGITS}]+(?:{_COUNTERS})")

    def entity(self) -> re.Pattern | None:
        """For a question that asks which company / office / when: what its answer must name."""
        return next((need for asks, need in _ENTITY if asks.search(self.text)), None)

    @cached_property
    def focus_grams(self) -> frozenset[str]:
        """The bigrams of the content words a figure must stand beside to answer the question (not its time
        words). Computed once per query: the answer tests every candidate sentence against them."""
        return frozenset(g for t in self.terms if len(t) >= 2 and not _TIME_WORDS.match(t)
                         for g in tokenize.bigrams(t))

    def without_own_figures(self, text: str) -> str:
        """text with the figures the question itself names blanked out."""
        for own in set(re.findall(r"[0-9A-Za-z.]+", self.text)):
            text = text.replace(own, " ")
        return text


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


_NOT_TEXT = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def normalise(text: str) -> str:
    """Full-width → half-width (NFKC), traditional → simplified, whitespace and control characters folded,
    lone surrogates (not text; undecodable bytes) replaced by U+FFFD."""
    t = unicodedata.normalize("NFKC", _NOT_TEXT.sub("\ufffd", text))
    t = _CONTROL.sub(" ", t)
    cc = _t2s()
    if cc is not None:
        t = cc.convert(t)
    return re.sub(r"\s+", " ", t).strip()


def _strip_question(text: str) -> list[str]:
    stop = stopwords()
    toks = tokenize.words(text)
    kept = [t for t in toks if t not in stop]
    return kept or toks


# 各文件对农村厕所改造怎么说 / 每个文件里关于…是怎么规定的: the same question put to every document, answered per document
_PER_DOC_LEAD = re.compile(r"^\s*(?:各|每个|每份|各个|各份|几个|几份|这些)(?:份|个)?(?:文件|文档)(?:中|里|里面)?(?:都)?(?:对于|对|关于)?")
_PER_DOC_TAIL = re.compile(r"(?:分别|都|是|又|各)?(?:怎么|如何|怎样)(?:说|讲|规定|提|表述|要求)的?\s*[？?]?\s*$")


def per_document(raw: str) -> str | None:
    """The topic of a question put to every document (各文件对农村厕所改造怎么说 → 农村厕所改造), else None."""
    m = _PER_DOC_LEAD.match(raw or "")
    if not m:
        return None
    topic = _PER_DOC_TAIL.sub("", raw[m.end():]).strip(" ，,。？?")
    return topic or None


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
    return Query(raw=_NOT_TEXT.sub("\ufffd", str(raw)), text=text, terms=tuple(terms), expansions=tuple(dict.fromkeys(expansions)),
                 wants_number=bool(_NUMBER_INTENT.search(text)), period=period)
