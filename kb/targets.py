"""Gather every quantified target of the outline ("力争到…末，…达到10家") into one table."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from ingest import sentences as split_sentences
from ingest.records import Passage

__all__ = ["Target", "extract_targets", "figure_spans", "find_values", "sentences"]


@dataclass(frozen=True)
class Target:
    """One sentence of the outline that states a future target with figures."""
    area: str                  # 领域: the paragraph's lead phrase, else the section title
    text: str                  # the sentence, verbatim from the passage
    values: tuple[str, ...]    # the figures with units, as written: "10家", "100亿元以上"
    passage_id: str
    place: str                 # citation place: "第二章第二节"
    start: int = 0             # offset of text inside the passage
    page: int | None = None


# Longest units first so "万平方米" wins over "平方米" and "亿元" over "元".
_UNITS = sorted("""
    个百分点 万平方米 平方公里 平方米 万千瓦 千瓦 兆瓦 万亩 亩 亿元 万元 元 万人次 人次 万人 人
    万吨 吨 万台 台 万套 套 公里 千米 延米 米 个 家 所 座 处 条 项 户 张 床 辆 栋 名 次 倍 %
    ％ 小时 天 批 级
""".split(), key=len, reverse=True)
_QUAL = r"(?:以上|以内|以下|左右|多)?"
_NUM = r"(?<![\d.])\d+(?:\.\d+)?(?:\s*[-~～至]\s*\d+(?:\.\d+)?)?"
_VALUE = re.compile(
    rf"(?:≥|≤|>|<|超过|不低于|不少于|控制在|达到)?\s*({_NUM})\s*({'|'.join(map(re.escape, _UNITS))}){_QUAL}"
)
# Only Arabic figures count: Chinese numerals in this genre are slogans ("三个代表", "四个强区").

# Words that make a sentence look forward: it states what will be reached.
_FUTURE = re.compile(
    r"十四五.{0,2}末|十四五.{0,2}期间|十四五.{0,2}时期|到20[2-3]\d年|20(?:2[1-9]|3\d)年|"
    r"力争|争取|确保|目标|将|计划|预计|规划"
)
# Weaker words that state a target only outside a look back ("十三五"期间…达到3.7万元).
_REACH = re.compile(r"达到|以上|累计|新增|建成|超过|控制在|提高到|提升到|突破")
_PAST = re.compile(r"十三五|20(?:1\d|20)年(?!基数)|已经|已|得以|取得|完成了")

def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs, each verbatim text[offset:offset+len], cut by the one sentence splitter with a
    sentence's clauses kept together (a target's 到“十四五”末 governs every clause after it)."""
    out = []
    for a, b in split_sentences(text, semicolons=False):
        s = text[a:b]
        lead = len(s) - len(s.lstrip())
        s = s.strip()
        if s:
            out.append((a + lead, s))
    return out


def find_values(sentence: str) -> tuple[str, ...]:
    """The figures with their units in one sentence, verbatim: ("10家", "100亿元以上").

    Years are never values: 年 is not a unit, so "2025年" does not match.
    """
    # Keep the figure as written, minus the verb that introduced it ("达到", "控制在").
    return tuple(re.sub(r"\s+", "", sentence[s:e]) for s, e in figure_spans(sentence))


def figure_spans(text: str) -> list[tuple[int, int]]:
    """Where each figure with its unit stands in text, without the verb before it: (start, end) of 10家,
    100亿元以上, 7%左右 (what find_values returns, and what `kb diff` compares)."""
    return [(m.start(1), m.end()) for m in _VALUE.finditer(text)]


def _is_target(sentence: str) -> bool:
    if _FUTURE.search(sentence):
        # "将" alone is too common ("将…作为…"); demand a reaching word or a figure marker with it.
        strong = re.search(r"十四五|20(?:2[1-9]|3\d)年|力争|争取|确保|目标", sentence)
        return bool(strong or _REACH.search(sentence))
    return bool(_REACH.search(sentence)) and not _PAST.search(sentence)


def _area(p: Passage) -> str:
    if p.lead:
        return p.lead
    if p.subheading:
        return p.subheading.strip("——— ")
    if p.section and p.section_title:
        return p.section_title
    return p.chapter_title or p.chapter_ref


def _place(p: Passage) -> str:
    s = p.chapter_ref + p.section_ref + p.subitem_ref
    if p.box:
        s += f"专栏{p.box}"
    return s


def extract_targets(passages: Iterable[Passage]) -> list[Target]:
    """Every forward-looking sentence with a figure, in reading order.

    Looks at prose only (kind "paragraph"): the indicator table of 专栏1-1 has its own
    view, and the project boxes list projects rather than targets. Sections that look back
    on the last plan (titles with "成就") are skipped.
    """
    out: list[Target] = []
    seen: set[tuple[str, int]] = set()
    for p in passages:
        if p.kind != "paragraph" or p.box:
            continue
        if "成就" in (p.section_title or ""):
            continue
        for off, s in sentences(p.text):
            values = find_values(s)
            if not values or not _is_target(s):
                continue
            key = (p.id, off)
            if key in seen:
                continue
            seen.add(key)
            out.append(Target(area=_area(p), text=s, values=values, passage_id=p.id,
                              place=_place(p), start=off, page=p.page))
    return out
