"""Users' doubts become test cases: the app's 答案不对 / 有帮助 clicks, stored locally, exported for `kb eval`."""
import json

import pytest

from kb import feedback
from kb.cli import main
from kb.errors import KBError
from kb.evaluation import metrics as evaluate

RIGHT = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"


def test_clicks_are_stored_and_exported_as_questions_kb_eval_reads(tmp_path, monkeypatch, capsys, hash_index):
    store = tmp_path / "fb" / "feedback.jsonl"
    monkeypatch.setenv("KB_FEEDBACK", str(store))
    feedback.record(store, feedback.Feedback("铜材料深加工目标", "answered", RIGHT, "第二章第二节", feedback.HELPFUL))
    feedback.record(store, feedback.Feedback("区里要建地铁吗", "answered", "实施隧道设备产业园…", "第二章第五节专栏2-1",
                                             feedback.WRONG, ""))
    feedback.record(store, feedback.Feedback("老旧小区改造多少个", "not_stated", "推进城中村改造。", "第九章",
                                             feedback.WRONG, "符合改造条件的194个老旧小区全部改造到位"))
    assert [f.said for f in feedback.read(store)] == ["helpful", "wrong", "wrong"]
    out = tmp_path / "mine.jsonl"
    assert main(["feedback", "export", str(out)]) == 0
    assert "wrote 3 questions" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["quotes"] == [RIGHT] and rows[0]["question"] == "铜材料深加工目标"
    assert rows[1]["type"] == "none" and rows[1]["quotes"] == []                 # 纲要中没有
    assert rows[2]["quotes"] == ["符合改造条件的194个老旧小区全部改造到位"]
    qs = evaluate.load_questions(out)                                           # the eval format, as kb eval reads it
    assert [q.type for q in qs] == ["feedback", "none", "feedback"]
    assert main(["--index", str(hash_index), "--model", "hash", "eval", str(out)]) == 0
    text = capsys.readouterr().out
    assert "unanswerable questions: 1" in text and "3 questions (2 answerable)" in text
    assert main(["feedback"]) == 0 and "3 clicks (1 有帮助, 2 答案不对)" in capsys.readouterr().out


def test_the_latest_click_on_a_question_wins_and_text_stays_verbatim(tmp_path):
    store = tmp_path / "feedback.jsonl"
    odd = "=SUM(A1)\x07<b>“十四五”</b>"
    feedback.record(store, feedback.Feedback(odd, "answered", "甲。", "", feedback.HELPFUL))
    feedback.record(store, feedback.Feedback(odd, "answered", "甲。", "", feedback.WRONG, "乙。"))
    qs = feedback.as_questions(feedback.read(store))
    assert len(qs) == 1 and qs[0]["question"] == odd and qs[0]["quotes"] == ["乙。"]


def test_bad_feedback_is_refused_and_nothing_is_written(tmp_path):
    store = tmp_path / "feedback.jsonl"
    with pytest.raises(KBError):
        feedback.record(store, feedback.Feedback("问", "answered", "答。", "", "maybe"))
    assert not store.exists()
    store.write_text("not json\n", encoding="utf-8")
    with pytest.raises(KBError, match="feedback.jsonl:1"):
        feedback.read(store)


def test_export_without_a_file_says_what_to_type(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KB_FEEDBACK", str(tmp_path / "none.jsonl"))
    assert main(["feedback", "export"]) == 1
    assert "kb feedback export FILE" in capsys.readouterr().err


def test_an_unwritable_export_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KB_FEEDBACK", str(tmp_path / "none.jsonl"))
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["feedback", "export", str(blocker / "out.jsonl")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kb: cannot write {blocker / 'out.jsonl'}") and err.count("\n") == 1
