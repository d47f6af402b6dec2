"""Whether the document answers a question: a confidence from what the answer says of what the question asks,
calibrated by logistic regression on the blind tuning questions (bench/calibrate.py writes kb/data/verdict.json
from eval/blind/tune.jsonl and eval/tune2/tune.jsonl; no test set is used for it). The top passage's share of the
question's words was a fourth feature until the second tuning set: fitted on both sets it took a negative weight
(it repeats the answer's share) and refused the client's own example 铜材料深加工目标."""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from .answer import states_figure
from .query import Query, looks_back
from .records import Answer, Hit

FEATURES = ("asked_gap", "answer_coverage", "dense")
DATA = Path(__file__).parent / "data" / "verdict.json"
OFFTOPIC = Path(__file__).parent / "data" / "offtopic.txt"


@lru_cache(maxsize=1)
def offtopic_kinds() -> tuple[str, ...]:
    """Kinds of everyday question that a plan does not answer (周杰伦的新歌, 红烧肉怎么做): kb/data/offtopic.txt."""
    lines = OFFTOPIC.read_text(encoding="utf-8").splitlines()
    return tuple(t for t in (line.strip() for line in lines) if t and not t.startswith("#"))


def off_topic(gap: float) -> bool:
    """gap: how much nearer in meaning the question is to an everyday kind of question than to anything the documents
    say (KnowledgeBase._topic_gap); above the calibrated margin, the question is about something else."""
    margin = _model().get("offtopic_margin")
    return margin is not None and gap > margin


def _content_words(q: Query) -> list[str]:
    return [t for t in q.terms if len(t) >= 2]


def features(q: Query, hits: list[Hit], answer: Answer | None) -> dict[str, float]:
    """The measurements the confidence is computed from (all in 0..1)."""
    words = _content_words(q)
    text = answer.text if answer else ""
    # the question asks for a figure (多少所) or a named thing (哪家公司) that the answer does not state
    gap = 0.0
    if q.figure is not None:
        row_name = None
        if answer is not None and answer.kind == "row":
            row = next((h.passage for h in hits if h.passage.id == answer.passage_id), None)
            cells = dict(row.cells) if row is not None and row.cells else {}
            row_name = cells.get("指标名称", "") + cells.get("类别", "")
        gap = 0.0 if answer is not None and states_figure(q, text, row_name) else 1.0
        if gap == 0.0 and q.period == "plan" and answer is not None and answer.kind != "row":
            # a figure of the period reviewed (十三五…新增供热面积479万平方米) does not answer one about the plan
            src = next((h.passage for h in hits if h.passage.id == answer.passage_id), None)
            if src is not None and looks_back(src.section_title, text):
                gap = 1.0
    elif q.entity() is not None:
        gap = 0.0 if q.entity().search(text) else 1.0
    return {
        "asked_gap": gap,
        "answer_coverage": sum(w in text for w in words) / len(words) if words else 0.0,
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
