"""The real model on the dev set: floors that fail CI on regression, and the issues' example questions."""
import json

import pytest

from kb.evaluation import metrics as evaluate, peers
from kb.cli import main

pytestmark = pytest.mark.model

# Floors one question below the figures measured (README): dev has 40 questions (0.025 each); the first blind test
# part 86 answerable (≈0.012) and 20 unanswerable; the second blind test set (eval/fresh/test.jsonl) 128 answerable
# (≈0.008) and 32 unanswerable; the kinds test part 36 + 34. A change that loses two questions fails here.
# answer_hit is the coverage: answerable questions given a right answer that is vouched for (issue 19: an answer
# below the threshold is not shown as the answer, so it no longer counts). answered_precision: right among the
# answers shown (an unanswerable question answered is wrong). Measured 2026-12-04, with every place that states an
# answer in the sets' quotes (a blind review, docs/TRUST.md) and the fit refitted on them.
# ece: calibration error of the 把握, one answer above what is measured (0.057 / 0.032 / 0.111): the 0.05 is
# met on the second set only; on the other two the answers shown are right more often than their 把握 says.
FLOORS = {"hit@1": 0.85, "hit@5": 0.975, "mrr@10": 0.90, "answer_hit": 0.60, "answered_precision": 0.95}
TEST_FLOORS = {"hit@1": 0.79, "hit@5": 0.94, "mrr@10": 0.85, "answer_hit": 0.59, "answered_precision": 0.94,
               "no_answer_recall": 0.85}
FRESH_FLOORS = {"hit@1": 0.789, "hit@5": 0.945, "mrr@10": 0.85, "answer_hit": 0.52, "answered_precision": 0.90,
                "no_answer_recall": 0.87}
KINDS_FLOORS = {"hit@5": 0.91, "answer_hit": 0.44, "answered_precision": 0.94, "no_answer_recall": 0.97}
TEST_CEILINGS = {"ece": 0.076}
FRESH_CEILINGS = {"ece": 0.05}
KINDS_CEILINGS = {"ece": 0.17}


@pytest.fixture(scope="module")
def product_report(real_kb, dev_path):
    qs = evaluate.load_questions(dev_path)

    def product(q):
        r = real_kb.ask(q, k=10)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)
    return qs, evaluate.evaluate(qs, product, k=10)


def test_dev_floors(product_report):
    _, rep = product_report
    got = rep.to_json(0, 0, 0)
    for key, floor in FLOORS.items():
        assert got[key] >= floor, (key, got[key])


@pytest.mark.parametrize("path, floors, ceilings", [(("eval", "blind", "test.jsonl"), TEST_FLOORS, TEST_CEILINGS),
                                                    (("eval", "fresh", "test.jsonl"), FRESH_FLOORS, FRESH_CEILINGS),
                                                    (("eval", "kinds", "test.jsonl"), KINDS_FLOORS, KINDS_CEILINGS)],
                         ids=["blind", "fresh", "kinds"])
def test_blind_test_set_floors(real_kb, path, floors, ceilings):
    """The questions nobody tuned on (eval/blind/test.jsonl, eval/fresh/test.jsonl): only these aggregate floors
    are looked at."""
    from .conftest import ROOT
    qs = evaluate.load_questions(ROOT.joinpath(*path))

    def product(q):
        r = real_kb.ask(q, k=10)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)
    got = evaluate.evaluate(qs, product, k=10).to_json(0, 0, 0)
    for key, floor in floors.items():
        assert got[key] >= floor, (key, got[key])
    for key, ceiling in ceilings.items():
        assert got[key] <= ceiling, (key, got[key])


@pytest.mark.slow
def test_every_type_at_least_the_best_peer(product_report, real_kb, outline_path):
    qs, rep = product_report
    from kb.embed import load_model
    ps = peers.build_peers(outline_path.read_text(encoding="utf-8"), load_model("m3e-small"))
    reports = {p.name: evaluate.evaluate(qs, lambda q, p=p: (p.search(q, 10), None), k=10) for p in ps}
    mine = rep.to_json(0, 0, 0)
    for name, r in reports.items():
        theirs = r.to_json(0, 0, 0)
        for key in ("hit@1", "hit@5", "mrr@10"):
            assert mine[key] > theirs[key], (name, key)
        for t, m in theirs["by_type"].items():           # per type, as `kb eval` prints it: hit@5
            assert mine["by_type"][t]["hit@5"] >= m["hit@5"], (name, t)


def test_kb_eval_json(capsys, real_index, dev_path):
    code = main(["--index", str(real_index), "eval", str(dev_path), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"hit@1", "hit@5", "mrr@10", "answer_hit", "n", "by_type", "passages", "mean_len", "max_len",
            "answered_precision", "coverage", "ece", "shown"} <= set(out)
    assert out["coverage"] == out["answer_hit"] and 0 < out["shown"] <= 40 and 0.0 <= out["ece"] <= 1.0
    assert out["n"] == 40 and out["passages"] > 200 and out["max_len"] <= 400 and out["mean_len"] < 200


def test_copper_question_top3(real_kb):
    hits = real_kb.search("铜材料深加工目标", k=3)
    h = next(h for h in hits if "全区铜加工企业达到10家" in h.passage.text)
    assert h.citation.place == "第二章第二节" and h.passage.page == 18
    assert h.citation.text.endswith("第二章第二节“加快发展铜材料深加工产业”，第18—19页")   # section range: a text file


def test_copper_target_question_is_answered_with_the_target(real_kb):
    """The client's own example: the target sentence, not the 专栏2-1 list of copper projects that the nearby
    words (铜合金, 铜箔 …) also match (a question not about projects does not favour project boxes)."""
    r = real_kb.ask("铜材料深加工目标")
    assert r.answerable and r.answer.text.startswith("力争到“十四五”末，全区铜加工企业达到10家")


def test_a_colloquial_question_reaches_the_texts_words(real_kb):
    """楼下饭馆排的烟: the text says 油烟 and 餐饮; the question's embedding finds those words in the vocabulary."""
    q = "楼下饭馆排的烟呛得没法开窗"
    from kb import query as querying
    near = real_kb.vocabulary.nearest(real_kb.embedder.encode_query(querying.parse(q).text), 5, q)
    assert "油烟" in near
    assert any("油烟" in h.passage.text for h in real_kb.search(q, k=3))


def test_kindergarten_paraphrase_top3(real_kb):
    hits = real_kb.search("孩子上幼儿园难怎么解决", k=3)
    assert any('切实解决“入园难”问题' in h.passage.text for h in hits)


def test_indicator_row_answer(real_kb):
    a = real_kb.ask("每千人拥有执业医师数2025年目标").answer
    assert a.kind == "row" and "3.4" in a.text and "3.7" in a.text and "每千人拥有执业医师数" in a.text
