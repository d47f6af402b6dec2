"""Whether the document answers a question: a confidence from what the answer and the top passage share with
the question, calibrated by logistic regression on the blind tuning questions (bench/calibrate.py writes
kb/data/verdict.json; eval/blind/test.jsonl is never used for it)."""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

from .query import Query
from .records import Answer, Hit

# a question that asks for a quantity, and the unit it asks in when it names one
ASKS_QUANTITY = re.compile(r"多少|(?<!哪)几(?:个|家|处|所|座|条|名|人|套|项|次|倍|成|年|月|天|万|千|百)|百分之几|多大|多高|多长|多久")
UNIT = re.compile(r"(?:多少|几)(亿元|万元|元|钱|平方公里|平方米|亩|公里|米|吨|套|名|户|%|倍)")
UNIT_FAMILY = {"亿元": "亿元", "万元": "万元|亿元", "元": "元", "钱": "元", "平方公里": "平方公里", "平方米": "平方米",
               "亩": "亩", "公里": "公里", "米": "米", "吨": "吨", "套": "套", "名": "名|人", "户": "户", "%": "%",
               "倍": "倍"}
_NUMBER = re.compile(r"\d|[一二两三四五六七八九十百千万]+(?:个|家|处|所|座|条|名|人|套|项|次|倍)")
FEATURES = ("quantity_gap", "answer_coverage", "top_coverage", "dense")
DATA = Path(__file__).parent / "data" / "verdict.json"


def _content_words(q: Query) -> list[str]:
    return [t for t in q.terms if len(t) >= 2]


def features(q: Query, hits: list[Hit], answer: Answer | None) -> dict[str, float]:
    """The measurements the confidence is computed from (all in 0..1)."""
    words = _content_words(q)
    text = answer.text if answer else ""
    top = hits[0].passage if hits else None
    gap = 0.0
    # a figure the question itself names (the 5 of 5G, the 2025 of 到2025年) is not an answer to it
    for own in set(re.findall(r"[0-9A-Za-z.]+", q.raw)):
        text = text.replace(own, " ")
    if ASKS_QUANTITY.search(q.raw):
        unit = UNIT.search(q.raw)
        if unit:
            family = UNIT_FAMILY[unit.group(1)]
            gap = 0.0 if re.search(rf"\d(?:\.\d+)?\s*[万亿千百]?\s*(?:{family})", text) else 1.0
        else:
            gap = 0.0 if _NUMBER.search(text) else 1.0
    return {
        "quantity_gap": gap,
        "answer_coverage": sum(w in text for w in words) / len(words) if words else 0.0,
        "top_coverage": (sum(w in top.text + top.heading_path for w in words) / len(words)) if words and top else 0.0,
        "dense": float(hits[0].dense) if hits and hits[0].dense is not None else 0.0,
    }


@lru_cache(maxsize=1)
def _model() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def confidence(feats: dict[str, float]) -> float:
    """P(the document answers the question), 0..1, from the calibrated logistic model."""
    m = _model()
    z = m["intercept"] + sum(m["weights"][k] * feats[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-z))


def answerable(conf: float) -> bool:
    return conf >= _model()["threshold"]
