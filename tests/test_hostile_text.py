"""Hostile text files (issue 22, items 4-6): a 2 MB document on one line, text holding control characters (ESC colour
codes, BEL) through the CLI and every export, and random bytes named .txt. Each is read in bounded time and pieces,
shown visibly, or refused with one line; nothing already indexed is lost. Hash embedder, real Chinese text."""
from __future__ import annotations

import csv
import io
import json
import random
import re

import pytest

import ingest
from ingest import tokenize
from ingest.passages import MAX_CHARS
from kb import KnowledgeBase, visible
from kb.cli import main
from ui.export import export_csv, export_docx, export_markdown, quotation
from ui.render import esc, mark, plain

from .conftest import OUTLINE

OUTLINE_TEXT = OUTLINE.read_text(encoding="utf-8")
LINES = OUTLINE_TEXT.splitlines(keepends=True)
MANUFACTURING = "".join(LINES[248:302])          # 第二章 推动制造业高质量发展 (铜材料深加工)
# what a terminal, an XML writer or a spreadsheet must never receive raw
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _site(tmp_path):
    """corpus/ holding the outline's manufacturing chapter, indexed with the hash embedder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "manufacturing.txt").write_text(MANUFACTURING, encoding="utf-8")
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash")
    return corpus, tmp_path / "index"


def _state(idx) -> tuple[str, set[str]]:
    """The index's current generation and its documents (an ingest that changed nothing leaves both)."""
    kb = KnowledgeBase.open(idx, model="hash")
    return (idx / "CURRENT").read_text(), {d.doc_id for d in kb.documents}


def _copper_answers(idx, doc_id: str = "manufacturing") -> None:
    kb = KnowledgeBase.open(idx, model="hash")
    assert any("铜" in h.passage.text and h.passage.doc_id == doc_id
               for h in kb.search("铜材料深加工", k=3, doc=doc_id))


# ---------------------------------------------------------------- 4. one 2 MB line
def test_a_run_jieba_cannot_cut_reaches_its_hmm_in_bounded_pieces(monkeypatch):
    """jieba's HMM copies its path at every character (quadratic: a 200,000-character run of 铜 took 135 s); words()
    hands it runs of at most RUN characters, and text with ordinary runs is cut exactly as before."""
    from jieba import finalseg
    seen = []
    viterbi = finalseg.viterbi
    monkeypatch.setattr(finalseg, "viterbi", lambda obs, *a: (seen.append(len(obs)), viterbi(obs, *a))[1])
    toks = tokenize.words("铜" * 20_000 + "卫滨区" + "".join(chr(0x4E00 + i * 7) for i in range(3000)))
    assert seen and max(seen) <= tokenize.RUN
    assert toks.count("铜") == 20_000
    para = next(l for l in LINES if "铜材料深加工" in l and len(l) > 100)
    direct = tokenize._tokenizer().lcut_for_search(para)
    assert tokenize.words(para) == [t.lower() for t in direct if t.strip() and tokenize._WORD.search(t)]


def test_a_paragraph_without_sentence_ends_is_cut_into_bounded_verbatim_passages(tmp_path):
    f = tmp_path / "无句号.txt"
    body = ("".join(re.findall(r"[\u4e00-\u9fff，、]", OUTLINE_TEXT)) * 2)[:60_000]   # commas only, no full stop
    f.write_text("卫滨区测试规划纲要\n\n" + body + "\n", encoding="utf-8")
    doc = ingest.load(f)
    ps = ingest.passages(doc)
    assert max(len(p.text) for p in ps) <= MAX_CHARS and len(ps) >= 60_000 // MAX_CHARS
    assert all(doc.text[p.start:p.end] == p.text for p in ps)
    assert "".join(p.text for p in ps if p.text != "卫滨区测试规划纲要") == body     # every character, in order


def test_a_megabyte_single_line_is_indexed_and_the_index_keeps_what_it_had(capsys, tmp_path):
    """The outline with its line breaks removed, repeated, then a run of one ideograph with no punctuation (the
    input that was quadratic: 100,000 of them took jieba 31 s, 200,000 135 s): 1.2 MB on one line, ingested beside an
    indexed document, in bounded passages (a real sentence whole, up to three passages long)."""
    corpus, idx = _site(tmp_path)
    flat = OUTLINE_TEXT.replace("\n", "")
    line = flat * 8 + "铜" * 100_000
    assert "\n" not in line and len(line.encode("utf-8")) > 1_100_000
    (corpus / "one-line.txt").write_text(line, encoding="utf-8")
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(corpus))
    assert code == 0, err
    kb = KnowledgeBase.open(idx, model="hash")
    assert {d.doc_id for d in kb.documents} == {"manufacturing", "one-line"}
    big = [p for p in kb.passages if p.doc_id == "one-line"]
    assert max(len(p.text) for p in big) <= 3 * MAX_CHARS
    assert sum(p.text.count("铜") for p in big) == line.count("铜")          # nothing of it dropped
    _copper_answers(idx)


# ---------------------------------------------------------------- 5. text that acts
ACTING = "推动铜材料\x1b[31m深加工\x1b[0m产业\x07发展\x01，\x0b老旧\x0c小区\x7f改造\x9b完成\ud800。"
SHOWN = "推动铜材料␛[31m深加工␛[0m产业␇发展␁，␋老旧␌小区␡改造\ufffd完成\ufffd。"


def _items() -> list[dict]:
    return [{"id": "a", "passage_id": "doc:1.1:p1", "kind": "paragraph", "text": ACTING,
             "citation": "《卫滨区\x1b[1m规划》第一章", "place": "第一章\x07", "page": 3},
            {"id": "b", "passage_id": "doc:1.1:p2", "kind": "row", "text": "x", "table": "专栏\x1b[31m1",
             "cells": [["指标\x07名称", "铜\x1b[0m材料"], ["2025年", "10\x01"]], "citation": "《规划》专栏1"}]


def test_visible_shows_each_control_character_as_one_picture():
    assert visible(ACTING) == SHOWN and len(visible(ACTING)) == len(ACTING)
    assert visible("第一行\n\t第二行") == "第一行\n\t第二行"             # line feed and tab are text
    assert not RAW_CONTROL.search(visible("".join(map(chr, range(0x100)))))


def test_word_export_of_control_characters_shows_their_pictures():
    import docx
    d = docx.Document(io.BytesIO(export_docx(_items())))         # python-docx raised "must be XML compatible"
    text = "\n".join(p.text for p in d.paragraphs)
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    assert SHOWN in text and "——《卫滨区␛[1m规划》第一章" in text and "专栏␛[31m1（表格行）" in text
    assert cells == ["指标␇名称", "2025年", "铜␛[0m材料", "10␁"]
    assert not RAW_CONTROL.search(text + "".join(cells).replace("\n", ""))


def test_csv_and_markdown_exports_and_the_copy_text_show_the_pictures():
    rows = list(csv.reader(io.StringIO(export_csv(_items()).decode("utf-8-sig"))))
    assert rows[1][2] == SHOWN and rows[1][3] == "《卫滨区␛[1m规划》第一章" and rows[1][4] == "第一章␇"
    assert rows[2][2] == "指标␇名称：铜␛[0m材料；2025年：10␁"
    md = export_markdown(_items())
    assert "推动铜材料␛\\[31m深加工␛\\[0m产业␇发展␁，␋老旧␌小区␡改造\ufffd完成\ufffd。" in md
    for text in (md, quotation(_items()[0]), quotation(_items()[1]), "".join(sum(rows, []))):
        assert not RAW_CONTROL.search(text.replace("\r\n", "\n"))
    assert quotation(_items()[0]) == SHOWN + "\n——《卫滨区␛[1m规划》第一章"


def test_the_app_shows_the_pictures_in_html_and_labels():
    assert "␛&#91;31m" in esc(ACTING) and "␇" in esc(ACTING) and not RAW_CONTROL.search(esc(ACTING))
    assert not RAW_CONTROL.search(mark(ACTING, [(2, 9)])) and "<mark" in mark(ACTING, [(2, 9)])
    assert "␛\\[31m" in plain(ACTING) and not RAW_CONTROL.search(plain(ACTING))


def test_kb_sends_no_control_character_of_a_document_to_the_terminal(capsys, tmp_path):
    """A .txt whose title, heading, passage and file name hold ESC colour codes and BEL: the index keeps them
    verbatim; ask, toc, ls, inspect and ingest print their pictures; --json keeps them exactly, as escapes."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    doc = (MANUFACTURING.replace("第二章 推动制造业高质量发展", "第二章 推动制造业\x07高质量发展", 1)
           .replace("铜材料深加工", "铜材料\x1b[31m深加工\x1b[0m", 1))
    (corpus / "报告\x1b[2J.txt").write_text("卫滨区\x1b[1m规划纲要\n\n" + doc, encoding="utf-8")
    idx = str(tmp_path / "index")
    outputs = [_cli(capsys, "--index", idx, "--model", "hash", "ingest", str(corpus))]
    kb = KnowledgeBase.open(idx, model="hash")
    assert any("铜材料\x1b[31m深加工\x1b[0m" in p.text for p in kb.passages)          # kept as ingested
    for args in (["ask", "铜材料深加工"], ["toc"], ["ls"], ["inspect"]):
        outputs.append(_cli(capsys, "--index", idx, "--model", "hash", *args))
    for code, out, err in outputs:
        assert code == 0 and not RAW_CONTROL.search(out + err), (out + err)[:400]
    shown = "".join(o for _, o, _ in outputs)
    assert "铜材料␛[31m深加工␛[0m" in shown and "推动制造业␇高质量发展" in shown and "报告␛[2J.txt" in shown
    code, out, err = _cli(capsys, "--index", idx, "--model", "hash", "ask", "--json", "铜材料深加工")
    assert code == 0 and "\x1b" not in out and "\\u001b[31m" in out
    assert any("\x1b[31m" in h["text"] for h in json.loads(out)["hits"])


# ---------------------------------------------------------------- 6. random bytes named .txt
def _noise(lo: int, hi: int, n: int = 30_000) -> bytes:
    rng = random.Random(22)
    return bytes(rng.randint(lo, hi) for _ in range(n))


NOISE = {"high bytes": _noise(0x80, 0xFF), "GBK-range bytes": _noise(0x81, 0xFE), "GB2312-range bytes": _noise(0xA1, 0xFE),
         "shift-jis": "日本語の文書です。計画の概要を説明します。".encode("shift_jis") * 300}


@pytest.mark.parametrize("kind", list(NOISE))
def test_random_bytes_named_txt_are_refused_with_one_line_and_the_index_is_unchanged(capsys, tmp_path, kind):
    corpus, idx = _site(tmp_path)
    before = _state(idx)
    noise = tmp_path / "noise.txt"
    noise.write_bytes(NOISE[kind])
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(noise))
    assert code == 1 and out == "" and err.count("\n") == 1
    assert re.fullmatch(r"kb: \S*noise\.txt: not readable text[^\n]*\(\d+% of its characters [^\n]*\)\n", err), err
    assert _state(idx) == before
    (corpus / "noise.txt").write_bytes(NOISE[kind])                   # in a folder: skipped, the others kept
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(corpus))
    assert code == 1 and [l for l in err.splitlines() if "noise.txt" in l] == [
        next(l for l in err.splitlines() if l.startswith("kb: skipped ") and "not readable text" in l)]
    assert _state(idx)[1] == {"manufacturing"}
    _copper_answers(idx)


@pytest.mark.parametrize("encoding,bad", [("gb18030", b"\xff"), ("utf-8", b"\xa0\xff")])
def test_a_document_with_a_few_bad_bytes_is_read_with_a_warning(capsys, tmp_path, encoding, bad):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    data = MANUFACTURING.encode(encoding)
    cut = data.index("全区".encode(encoding))
    (corpus / "plan.txt").write_bytes(data[:cut] + bad + data[cut:])
    code, out, err = _cli(capsys, "--index", str(tmp_path / "index"), "--model", "hash", "ingest", str(corpus))
    label = {"gb18030": "GB18030/GBK", "utf-8": "UTF-8"}[encoding]
    assert code == 0 and "indexed 1 documents" in out
    assert f"byte sequence(s) are not valid {label}; each is read as U+FFFD" in err
    kb = KnowledgeBase.open(tmp_path / "index", model="hash")
    assert "\ufffd全区" in "".join(p.text for p in kb.passages)
    _copper_answers(tmp_path / "index", "plan")


@pytest.mark.parametrize("text", [
    MANUFACTURING,
    "中華人民共和國國民經濟和社會發展第十四個五年規劃和二〇三五年遠景目標綱要\n\n第一章 發展環境\n\n"
    "堅持創新在現代化建設全局中的核心地位，把科技自立自強作為國家發展的戰略支撐。\n",
])
def test_real_gbk_text_simplified_or_traditional_is_read_without_a_warning(tmp_path, text):
    f = tmp_path / "gbk.txt"
    f.write_bytes(text.encode("gbk"))
    raw = ingest.read(f)
    assert raw.encoding == "gb18030" and raw.problems == ()
    assert "".join(l.text for p in raw.pages for l in p.lines) == text.replace("\n", "")
