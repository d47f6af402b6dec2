"""Whether to vouch for an answer: the calibrated probability that the answer sentence shown is right, and the
verdict code the faces map to their words.

The probability is a logistic regression over what the answer says of what the question asks (kb/data/verdict.json,
fitted by bench/calibrate.py on the blind tuning questions only, an unanswerable question answered counting as
wrong): it is the 把握 the app, the CLI and `kb ask --json` show. Above the threshold chosen on the tuning sets the
answer is vouched for; below it the best candidate sentence is only marked, never claimed."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest import tokenize

from .answer import states_figure
from .query import Query, looks_back
from .records import Answer, Hit, Passage
from .store.signals import title_text

DATA = Path(__file__).parent / "data" / "verdict.json"
OFFTOPIC = Path(__file__).parent / "data" / "offtopic.txt"

# verdict codes: what Result.verdict says; the faces word them from one table (MESSAGES)
ANSWERED = "answered"          # the answer is vouched for
BY_MEANING = "by_meaning"      # vouched for, though no word of the question occurs in the documents
NOT_STATED = "not_stated"      # no sentence clearly answers it: the closest passages, the best candidate marked
OFF_TOPIC = "off_topic"        # about something else entirely
NOTHING = "nothing"            # nothing was found (an empty index, or a filter that leaves no passage)

# One table of wording for every face: the CLI and the app say exactly this for each code.
MESSAGES = {
    ANSWERED: "",
    BY_MEANING: "问题里的词在纲要中都没有出现：以下答案是按意思找到的，请对照原文判断是否相关。",
    NOT_STATED: "纲要中没有明确回答这个问题的句子。下面是最接近的段落，标出的句子只是最接近的候选，不是答案，请对照原文判断。",
    OFF_TOPIC: "这个问题看起来不是在问纲要的内容，纲要中未写明。下面是纲要里按意思最接近的段落，仅供参考。",
    NOTHING: "没有找到相关段落。",
}
CANDIDATE_LABEL = "最接近的候选句（未经确认，不是答案）"
# the same words for one document among several (ask_each): 这份文件 where the table says 纲要
EACH_MESSAGES = {code: text.replace("纲要", "这份文件") for code, text in MESSAGES.items()}
# and for a question put to several documents, not all of them outlines
MANY_MESSAGES = {code: text.replace("纲要", "这些文件") for code, text in MESSAGES.items()}


def messages_for(titles) -> dict[str, str]:
    """The wording for a question put to the documents of these titles: 纲要 when each is an outline (the product's
    first document), else 这份文件 for one and 这些文件 for several (a 通知 is no 纲要)."""
    titles = list(titles)
    if titles and all("纲要" in t for t in titles):
        return MESSAGES
    return EACH_MESSAGES if len(titles) == 1 else MANY_MESSAGES

# kinds of question a plan outline does not answer however close its words come: a person, an office's procedure
# for one applicant, a fee. Each is a feature of the model (its weight is fitted), not a rule.
_PERSON = re.compile(r"是谁|谁是|哪位|叫什么名字|姓名|名字叫|联系电话|电话是|电话多少|手机号")
_PROCEDURE = re.compile(r"(?:怎么|怎样|如何|去哪|在哪|哪里)(?:儿|里)?(?:办理|申请|报名|提取|缴纳|缴费|预约|领取|补办|登记|办|交|买|挂号|投诉|举报)"
                        r"|办理|手续|流程|要带|带什么|需要什么材料|哪些材料|什么材料|什么条件|申请条件|窗口|网上能办|在线办")
_FEE = re.compile(r"多少钱|几块钱|收费|收多少|费用是|价格|票价|租金|贵不贵|要钱吗|免费吗|花多少")

# Chosen by five-fold cross-validation on the tuning sets (bench/calibrate.py --cv, 20 splits): the top passage's
# dense cosine, the fused-score margin, whether the answer came from the top passage, the topic gap, a project-list
# flag, a yes/no flag and the plain share of question words in the answer were tried and each lowered the
# cross-validated AUC or the right answers kept at precision 0.90.
FEATURES = ("asked_gap", "asks_person", "asks_procedure", "asks_fee", "answer_bigrams", "rare_missing",
            "unknown_words", "answer_dense")
# for an index of another embedding model than the one the fit was made with: its cosines are on another scale
LEXICAL = tuple(f for f in FEATURES if f != "answer_dense")


@dataclass(frozen=True)
class Evidence:
    """What the verdict is decided from, besides the question, its hits and the answer sentence."""
    answer_dense: float | None = None    # the answer sentence's dense cosine with the question
    shares_words: bool = True            # some word of the question occurs in the documents
    topic_gap: float = -1.0              # nearer an everyday kind of question than the documents, by this much
    idf: tuple[tuple[str, float], ...] = ()   # the question's words with how rare each is in the documents
    rarest: float = 1.0                  # the idf of a word the documents never use


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


# words that say what kind of answer is asked for (铜材料深加工**目标**, 养老服务有什么**举措**), not what it is about: the
# answer states the target or the measure without repeating the word, so its absence says nothing
ASKING = frozenset({"目标", "任务", "举措", "措施", "要求", "计划", "打算", "重点", "具体", "内容", "主要"})


def _content_words(q: Query) -> list[str]:
    return [t for t in q.terms if len(t) >= 2 and t not in ASKING]


def _asked_gap(q: Query, src: Passage | None, answer: Answer | None) -> float:
    """1 when the question asks for a figure (多少所) or a named thing (哪家公司) that the answer (from passage src)
    does not state."""
    text = answer.text if answer else ""
    if q.figure is not None:
        row_name = None
        if answer is not None and answer.kind == "row":
            cells = dict(src.cells) if src is not None and src.cells else {}
            row_name = cells.get("指标名称", "") + cells.get("类别", "")
        if answer is None or not states_figure(q, text, row_name):
            return 1.0
        if q.period == "plan" and answer.kind != "row":
            # a figure of the period reviewed (十三五…新增供热面积479万平方米) does not answer one about the plan
            if src is not None and looks_back(src.section_title, text):
                return 1.0
        return 0.0
    if q.entity() is not None:
        return 0.0 if q.entity().search(text) else 1.0
    return 0.0


def features(q: Query, hits: list[Hit], answer: Answer | None, ev: Evidence = Evidence()) -> dict[str, float]:
    """The measurements the confidence is computed from."""
    words = _content_words(q)
    src = next((h.passage for h in hits if answer is not None and h.passage.id == answer.passage_id), None)
    # the sentence is read under its headings (加快发展铜材料深加工产业 › 力争…铜加工企业达到10家): a question word in
    # the title of its section, box or lead phrase is covered too
    text = (answer.text if answer else "") + ("" if src is None else " " + title_text(src))
    grams = set(tokenize.bigrams("".join(words))) if words else set()
    # the question's words weighted by how rare they are in the documents: the specific thing asked (儿童医院,
    # 老年大学) weighs most; missing from the answer, the answer is about something else
    idf = dict(ev.idf)
    total = sum(idf.get(w, 0.0) for w in words)
    rare_missing = sum(idf.get(w, 0.0) for w in words if w not in text) / total if total else 0.0
    unknown = sum(idf.get(w, 0.0) for w in words if idf.get(w, 0.0) >= ev.rarest - 1e-6) / total if total else 0.0
    return {
        "asked_gap": _asked_gap(q, src, answer),
        "asks_person": float(bool(_PERSON.search(q.text))),
        "asks_procedure": float(bool(_PROCEDURE.search(q.text))),
        "asks_fee": float(bool(_FEE.search(q.text))),
        "answer_bigrams": sum(g in text for g in grams) / len(grams) if grams else 0.0,
        "rare_missing": rare_missing,
        "unknown_words": unknown,
        "answer_dense": float(ev.answer_dense) if ev.answer_dense is not None else
        (float(hits[0].dense) if hits and hits[0].dense is not None else 0.0),
        # not features of the model: the off-topic margin is set on the gap, the faces say when no word matched
        "topic_gap": float(ev.topic_gap),
        "shares_words": float(ev.shares_words),
    }


@lru_cache(maxsize=1)
def _model() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def fitted_for(model_id: str) -> bool:
    """Whether the full fit was made with this embedding model (else the fit without the dense feature serves)."""
    return _model().get("model") == model_id


def confidence(feats: dict[str, float], model_id: str | None = None) -> float:
    """The calibrated probability that the answer sentence is right, 0..1 (for an index of `model_id`)."""
    m = _model()
    if model_id is not None and not fitted_for(model_id):
        m = m["other_models"]
    z = m["intercept"] + sum(w * feats[k] for k, w in m["weights"].items())
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def fitted_thresholds() -> tuple[float, float]:
    """The confidences from which an answer is vouched for, as bench/calibrate.py chose them on the tuning sets, for
    the model of the fit and for other models (the defaults of `[verdict] vouch_at` and `vouch_at_other_models` in
    kb/config.py, which a test keeps equal to them)."""
    m = _model()
    return float(m["threshold"]), float(m["other_models"]["threshold"])


def vouch_at(cfg, model_id: str) -> float:
    """The threshold for an index of `model_id` (`[verdict]` settings): the fit's own, or the one of the fit
    without the dense feature for any other model (as `confidence` chooses the fit)."""
    return cfg.vouch_at if fitted_for(model_id) else cfg.vouch_at_other_models


def decide(has_hits: bool, answer: Answer | None, conf: float, on_topic: bool, shares_words: bool,
           vouch_at: float) -> str:
    """The verdict code for a question."""
    if not has_hits:
        return NOTHING
    if not on_topic:
        return OFF_TOPIC
    if answer is None or conf < vouch_at:
        return NOT_STATED
    return ANSWERED if shares_words else BY_MEANING
