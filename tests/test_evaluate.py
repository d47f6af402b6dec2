"""Unit tests of the evaluation rules and metrics, and of the model-free peers on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kb.evaluation import metrics as evaluate_mod
from kb.evaluation.metrics import Question, evaluate, format_table, is_hit, load_questions, normalise
from kb.evaluation.peers import build_peers, raw_chunks, raw_lines

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "weibin-14th-five-year-plan-outline.txt"


def test_normalise_drops_chinese_quotes_and_spaces():
    assert normalise('"十四五"末') == normalise("“十四五”末") == "十四五末"
    assert normalise("2020 年") == normalise("2020年") == "2020年"
    assert normalise("第一、\t加快（建设）。\n") == "第一加快建设"
    assert normalise("100亿元") == "100亿元"  # digits and letters survive


def test_is_hit_matches_across_punctuation_and_line_breaks():
    passage = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100 亿元以上。"
    assert is_hit(passage, ['"十四五"末,全区铜加工企业达到10家'])
    assert is_hit(passage, ["不相干的话", "营业收入100亿元"])  # any alternative quote suffices
    assert not is_hit(passage, ["全区铜加工企业达到20家"])
    assert not is_hit("", ["铜加工"])
    assert not is_hit(passage, ["，。"])  # a quote that normalises to nothing never matches


def _q(i: int, quote: str, type_: str) -> Question:
    return Question(id=f"t{i}", question=f"问题{i}", quotes=(quote,), where="", type=type_)


def test_metric_arithmetic_on_a_toy():
    questions = [_q(1, "甲乙", "keyword"), _q(2, "丙丁", "keyword"), _q(3, "戊己", "number")]
    ranked = {
        "问题1": (["甲乙在此", "x", "y"], "答：甲乙在此"),                      # rank 1, answer right
        "问题2": (["a", "b", "丙 丁", "c"], "答：别的"),                         # rank 3, answer wrong
        "问题3": ([f"无关{i}" for i in range(10)] + ["戊己"], None),             # rank 11: not in top 10
    }
    r = evaluate(questions, lambda q: ranked[q], k=10)
    assert r.n == 3
    assert r.hit1 == pytest.approx(1 / 3)
    assert r.hit5 == pytest.approx(2 / 3)
    assert r.mrr10 == pytest.approx((1 + 1 / 3 + 0) / 3)
    assert r.answer_hit == pytest.approx(1 / 3)  # the unanswered question counts as a miss
    assert r.by_type["keyword"] == {"hit@1": 0.5, "hit@5": 1.0, "mrr@10": pytest.approx(2 / 3),
                                    "answer_hit": 0.5, "n": 2}
    assert r.by_type["number"]["hit@5"] == 0.0 and r.by_type["number"]["n"] == 1
    assert [(x.id, x.rank, x.answer_ok) for x in r.ranks] == [("t1", 1, True), ("t2", 3, False), ("t3", None, None)]

    out = r.to_json(passages=700, mean_len=81.25, max_len=640)
    assert list(out) == ["hit@1", "hit@5", "mrr@10", "answer_hit", "n", "by_type", "passages", "mean_len", "max_len",
                         "shown", "answered_precision", "coverage", "ece"]
    assert out["hit@5"] == 0.6667 and out["mrr@10"] == 0.4444 and out["max_len"] == 640
    json.dumps(out)  # serialisable

    table = format_table([("toy", r)])
    assert "keyword@5" in table and "number@5" in table
    toy_row = next(line for line in table.splitlines() if line.startswith("toy"))
    assert toy_row.split() == ["toy", "0.333", "0.667", "0.444", "0.333", "1.000", "0.000"]


def test_answer_hit_is_none_without_answers():
    r = evaluate([_q(1, "甲乙", "keyword")], lambda q: (["甲乙"], None))
    assert r.answer_hit is None and r.hit1 == 1.0
    assert "   -" in format_table([("s", r)])


def test_load_questions_reads_and_reports_bad_lines(tmp_path):
    good = {"id": "q1", "question": "铜材料深加工目标", "quotes": ["铜加工企业达到10家"], "where": "第二章 第二节",
            "type": "number"}
    f = tmp_path / "qs.jsonl"
    f.write_text(json.dumps(good, ensure_ascii=False) + "\n\n" + '{"id": "q2", "question": 缺引号}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"qs\.jsonl:3: bad JSON"):
        load_questions(f)
    f.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_questions(f) == [Question("q1", "铜材料深加工目标", ("铜加工企业达到10家",), "第二章 第二节", "number")]
    f.write_text(json.dumps({"id": "q3", "question": "无引文"}, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r":1: missing field 'quotes'"):
        load_questions(f)
    with pytest.raises(ValueError, match="not found"):
        load_questions(tmp_path / "nope.jsonl")


def test_raw_chunks_overlap_and_cover_the_text():
    text = "".join(chr(0x4E00 + i) for i in range(600))
    chunks = raw_chunks(text, size=250, overlap=50)
    assert [len(c) for c in chunks] == [250, 250, 200]
    assert chunks[0][-50:] == chunks[1][:50]
    assert chunks[-1].endswith(text[-1])


@pytest.fixture(scope="module")
def model_free_peers():
    return {p.name: p for p in build_peers(CORPUS.read_text(encoding="utf-8"), model=None)}


def test_model_free_peers_are_grep_and_bm25(model_free_peers):
    assert sorted(model_free_peers) == ["bm25", "grep"]


def test_grep_peer_finds_the_copper_target(model_free_peers):
    top = model_free_peers["grep"].search("铜材料深加工目标", k=10)
    assert len(top) == 10
    # five lines share 5 of the 7 query bigrams (the section title twice, two project lines, one other);
    # the target line shares 3 (铜材, 材料, 加工) and comes 7th: inside the top 10, not the top 5.
    assert "加快发展铜材料深加工产业" in top[0]
    assert [i for i, line in enumerate(top, 1) if "全区铜加工企业达到10家" in line] == [7]


def test_bm25_peer_finds_the_copper_target_and_survives_odd_queries(model_free_peers):
    bm25 = model_free_peers["bm25"]
    top = bm25.search("铜加工企业 营业收入", k=5)
    assert any("全区铜加工企业达到10家" in line for line in top)
    assert bm25.search("", k=5) == [] and bm25.search("，。！", k=5) == []
    assert bm25.search("zzqqxx", k=5) == []
    assert all(line in raw_lines(CORPUS.read_text(encoding="utf-8")) for line in top)


def test_unanswerable_questions_are_scored_apart(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "a", "question": "铜加工企业目标", "quotes": ["铜加工企业达到10家"], "where": "", "type": "number"},
        {"id": "b", "question": "全区要建几个5G基站", "quotes": [], "where": "", "type": "none"},
        {"id": "c", "question": "城市书房几点开门", "quotes": [], "where": "", "type": "none"},
    ]), encoding="utf-8")
    qs = evaluate_mod.load_questions(f)
    verdicts = {"铜加工企业目标": (["全区铜加工企业达到10家。"], "全区铜加工企业达到10家。", True),
                "全区要建几个5G基站": (["加快5G基站建设。"], None, False),
                "城市书房几点开门": (["推进城市书房建设。"], "推进城市书房建设。", True)}
    rep = evaluate_mod.evaluate(qs, lambda q: verdicts[q], k=10)
    out = rep.to_json(0, 0, 0)
    assert out["n"] == 1 and out["hit@1"] == 1.0 and out["answer_hit"] == 1.0      # over the answerable one only
    assert out["n_none"] == 2 and out["no_answer_precision"] == 1.0 and out["no_answer_recall"] == 0.5
    details = evaluate_mod.format_details(qs, rep).splitlines()
    assert details[1].startswith("b\tnone\trank -\tright: not in the document")
    assert details[2].startswith("c\tnone\trank -\tWRONG: answered")


def test_a_none_question_with_quotes_is_refused(tmp_path):
    f = tmp_path / "q.jsonl"
    f.write_text(json.dumps({"id": "x", "question": "q", "quotes": ["a"], "type": "none"}), encoding="utf-8")
    with pytest.raises(ValueError, match='q.jsonl:1: a question of type "none" has "quotes": \\[\\]'):
        evaluate_mod.load_questions(f)


def test_a_table_quote_finds_its_row(hash_kb):
    """A quote copied from the indicator table as printed (values in columns) matches the row passage."""
    r = hash_kb.ask("初中适龄儿童入学率指标属性", k=5)
    texts, answer = evaluate_mod.result_texts(r)
    quote = ["初中适龄儿童入学率(%)\t100\t100\t_\t约束性"]
    assert any(is_hit(t, quote) for t in texts)
    assert not any(is_hit(h.passage.text, quote) for h in r.hits)      # the built row text alone does not
    assert r.answer.kind == "row" and is_hit(answer, quote)


def test_kb_eval_on_a_file_of_unanswerable_questions_only(tmp_path, capsys, hash_index):
    """A file with no answerable question (eval/offtopic/test.jsonl) reports the no-answer figures, not a table of
    zero ranks, and the time per question over every question."""
    from kb.cli import main
    f = tmp_path / "none.jsonl"
    f.write_text("\n".join(json.dumps({"id": f"n{i}", "question": q, "quotes": [], "where": "", "type": "none"},
                                      ensure_ascii=False)
                           for i, q in enumerate(["讲个笑话", "全区要建几个5G基站"])) + "\n", encoding="utf-8")
    assert main(["--index", str(hash_index), "--model", "hash", "eval", str(f)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("unanswerable questions: 2; no-answer precision 1.000, recall 1.000\n")
    assert "hit@1" not in out and "2 questions (0 answerable)" in out


def test_answered_precision_coverage_and_calibration_error():
    """Right among the answers shown (an unanswerable question answered is wrong), coverage = answer_hit, and the
    expected calibration error over 10 equal-width bins of the 把握 shown."""
    from kb.evaluation.metrics import Question, calibration, evaluate
    qs = [Question("a", "甲", ("甲句",), "", "keyword"), Question("b", "乙", ("乙句",), "", "keyword"),
          Question("c", "丙", (), "", "none"), Question("d", "丁", ("丁句",), "", "keyword")]
    given = {"甲": (["甲句。"], "甲句。", True, 0.95),          # right, shown
             "乙": (["乙句。"], "别的句子。", True, 0.85),        # wrong, shown
             "丙": (["丙"], "丙的答案。", True, 0.75),            # unanswerable, answered: wrong
             "丁": (["丁句。"], None, False, 0.30)}              # refused
    rep = evaluate(qs, lambda q: given[q], k=10)
    assert rep.shown == 3 and rep.answered_precision == pytest.approx(1 / 3)
    assert rep.coverage == rep.answer_hit == pytest.approx(1 / 3)
    # bins 0.9–1.0: conf .95, right 1 → .05; 0.8–0.9: .85 vs 0 → .85; 0.7–0.8: .75 vs 0 → .75
    assert rep.ece == pytest.approx((0.05 + 0.85 + 0.75) / 3)
    j = rep.to_json(0, 0, 0)
    assert j["answered_precision"] == round(1 / 3, 4) and j["ece"] == round(rep.ece, 4) and j["shown"] == 3
    ece, bins = calibration([(0.15, False), (0.15, True), (1.0, True)])
    assert ece == pytest.approx((2 * 0.35 + 0.0) / 3) and [b["n"] for b in bins] == [2, 1]
    assert calibration([]) == (None, [])
