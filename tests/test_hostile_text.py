"""Hostile text files (issue 22, items 4-6): a 2 MB document on one line, text holding control characters (ESC colour
codes, BEL) through the CLI and every export, and random bytes named .txt. Each is read in bounded time and pieces,
shown visibly, or refused with one line; nothing already indexed is lost. Hash embedder, real Chinese text."""
from __future__ import annotations

import csv
import io
import json
import random
import re
import shlex
import subprocess

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


# ---------------------------------------------------------------- the second campaign (bench/attack_text.py)
TURNED = "全区铜加工企业达到\u202e%01\u202c家，\u2066营业收入\u2069100亿元。"     # RLO shows %01 as 10%


def test_bidi_controls_are_shown_as_replacement_characters_in_every_face_and_escaped_in_json(capsys, tmp_path):
    """An RLO (U+202E) or isolate in a document would show the text after it reversed (Trojan Source): every face
    shows it as U+FFFD, one for one, as a C1 control; --json keeps it exactly as a \\u escape."""
    shown = "全区铜加工企业达到\ufffd%01\ufffd家，\ufffd营业收入\ufffd100亿元。"
    assert visible(TURNED) == shown
    item = {"id": "a", "passage_id": "doc:1.1:p1", "kind": "paragraph", "text": TURNED, "citation": "《规划\u202e》",
            "place": "第一章", "page": 1}
    rows = list(csv.reader(io.StringIO(export_csv([item]).decode("utf-8-sig"))))
    import docx
    word = "\n".join(p.text for p in docx.Document(io.BytesIO(export_docx([item]))).paragraphs)
    for text in (esc(TURNED), plain(TURNED), mark(TURNED, [(2, 5)]), export_markdown([item]), quotation(item),
                 "".join(sum(rows, [])), word):
        assert not re.search("[\u202a-\u202e\u2066-\u2069]", text), text
    assert rows[1][2] == shown and shown in word
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    assert ',全区铜加工企业达到10家,实现营业收入100亿元以上。' in MANUFACTURING
    (corpus / "plan.txt").write_text("卫滨区规划\u202e纲要\n\n" + MANUFACTURING.replace(
        ',全区铜加工企业达到10家,实现营业收入100亿元以上。', "," + TURNED, 1), encoding="utf-8")
    idx = str(tmp_path / "index")
    outputs = [_cli(capsys, "--index", idx, "--model", "hash", "ingest", str(corpus))]
    outputs += [_cli(capsys, "--index", idx, "--model", "hash", *args) for args in (["ls"], ["toc"], ["ask", "铜加工企业"])]
    for code, out, err in outputs:
        assert code == 0 and not re.search("[\u202a-\u202e\u2066-\u2069]", out + err), (out + err)[:300]
    assert "\ufffd%01\ufffd家" in outputs[-1][1]
    code, out, _ = _cli(capsys, "--index", idx, "--model", "hash", "ask", "--json", "铜加工企业")
    assert code == 0 and "\u202e" not in out and "\\u202e%01\\u202c" in out
    assert any("\u202e%01\u202c" in h["text"] for h in json.loads(out)["hits"])          # exact, as held


def test_a_web_page_holding_a_control_character_is_read_and_keeps_it(tmp_path):
    """A single &#27; or raw BEL in a page made trafilatura return nothing: the whole page was refused as having no
    article text. It is read; the control character is kept as a .txt keeps it (shown as its picture)."""
    paras = "".join(f"<p>{line}</p>" for line in MANUFACTURING.splitlines()[2:12] if line.strip())
    page = (f"<html><head><meta charset='utf-8'><title>卫滨区规划\x07纲要</title></head><body>"
            f"<h1>推动制造业高质量发展</h1><p>全区铜材料&#27;[31m深加工&#x1b;[0m产业\x07发展&#xFFFE;。</p>{paras}"
            "</body></html>")
    f = tmp_path / "page.html"
    f.write_text(page, encoding="utf-8")
    doc = ingest.load(f)
    assert "全区铜材料\x1b[31m深加工\x1b[0m产业\x07发展\ufffd。" in doc.text
    assert MANUFACTURING.splitlines()[3].strip()[:20] in doc.text


def test_a_pdf_page_that_cannot_be_loaded_is_said_and_the_other_pages_are_read(tmp_path):
    """A page tree that lists its own Pages node as a kid: pdfium cannot load that page, and the ingest stopped with
    a traceback. The page is empty and said; the others are read, on their own page numbers."""
    from .pdfgen import make_pdf
    lines = ["卫滨区制造业发展规划", "第一章 铜材料深加工", "全区铜加工企业达到10家，实现营业收入100亿元以上。"]
    data = make_pdf(tmp_path / "ok.pdf", [lines, lines]).read_bytes()
    assert b"/Count 2 /Kids [ 4 0 R 5 0 R ]" in data
    f = tmp_path / "loop.pdf"
    f.write_bytes(data.replace(b"/Count 2 /Kids [ 4 0 R 5 0 R ]", b"/Count 3 /Kids [ 4 0 R 8 0 R 5 0 R ]"))
    doc = ingest.load(f)
    assert any("cannot be read" in w for w in doc.report.warnings)
    assert {p.page for p in ingest.passages(doc) if "铜加工企业" in p.text} == {1, 2}


def test_a_folder_this_user_cannot_list_is_refused_with_chmod_advice(capsys, tmp_path, monkeypatch):
    """rglob passed over a folder it may not list: `kb ingest locked/` said "no file in this folder" and exit 0 while
    the folder held a document. As root nothing is unreadable, so listing it is made to fail as chmod 000 does."""
    import os
    corpus, idx = _site(tmp_path)
    before = _state(idx)
    locked = tmp_path / "锁住的 folder"
    locked.mkdir()
    (locked / "plan.txt").write_text(MANUFACTURING, encoding="utf-8")
    scandir = os.scandir

    def denied(path="."):           # as the kernel would for a user who is not root: the owner's r and x decide
        if os.fspath(path) == str(locked) and os.stat(path).st_mode & 0o500 != 0o500:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return scandir(path)
    monkeypatch.setattr(os, "scandir", denied)
    locked.chmod(0o000)
    try:
        code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(locked))
        assert code == 1 and out == "" and err.count("\n") == 1, err
        assert "cannot read (permission denied)" in err and "chmod u+rx" in err and str(locked) in err
        assert _state(idx) == before
        advice = shlex.split(re.search(r"`(chmod [^`]+)`", err).group(1))    # the advice, run as printed
        assert subprocess.run(advice, cwd=tmp_path).returncode == 0
        code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(locked))
        assert code == 0 and "plan" in _state(idx)[1], err
    finally:
        locked.chmod(0o755)


def test_a_file_named_at_the_length_limit_is_read_by_the_cli_and_the_upload(capsys, tmp_path, monkeypatch):
    """A 255-byte name is a legal file name, but its .meta.json side file's name is too long: checking for one
    raised ENAMETOOLONG (`kb: [Errno 36] File name too long`); the app's upload named its temporary file after it."""
    from ui.documents import Refused, add_document
    corpus, idx = _site(tmp_path)
    name = "卫滨区" * 27 + "规划14.txt"                   # 83 ideographs, 2 digits and .txt: 255 bytes
    assert len(name.encode()) == 255
    (corpus / name).write_text(MANUFACTURING, encoding="utf-8")
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(corpus / name))
    assert code == 0 and "indexed 2 documents" in out, err
    monkeypatch.setenv("KB_UPLOADS", str(tmp_path / "uploads"))
    monkeypatch.delenv("KB_MODEL", raising=False)
    kb = KnowledgeBase.open(idx, model="hash")
    doc_id, _ = add_document(kb, idx, "长" + name[1:], MANUFACTURING.encode())
    assert doc_id in {d.doc_id for d in KnowledgeBase.open(idx, model="hash").documents}
    with pytest.raises(Refused) as e:                   # a name no file can have: one line, nothing left behind
        add_document(kb, idx, "规" * 120 + ".txt", MANUFACTURING.encode())
    assert "无法保存到上传文件夹" in str(e.value) and "\n" not in str(e.value)
    assert sorted(p.name for p in (tmp_path / "uploads").iterdir()) == [f"{doc_id}.txt"]
    from ui.documents import remove_document         # removing it looks for its cover, whose name is too long
    remove_document(KnowledgeBase.open(idx, model="hash"), idx, doc_id)
    assert doc_id not in {d.doc_id for d in KnowledgeBase.open(idx, model="hash").documents}
    assert not list((tmp_path / "uploads").iterdir())


def test_document_pickers_show_a_title_control_character_as_its_picture():
    """The 问答, 浏览 and 对比 pickers' options (plain text: shortened titles, chapter and section headings) showed a
    title's or heading's ESC, BEL and RLO raw."""
    from ui.docs import short_title
    from ui.render import option
    assert option("　专栏1-1 主要指标\x1b[31m\n表\x07") == "　专栏1-1 主要指标␛[31m 表␇"       # the indent kept
    title = "关于印发卫滨区\x1b[31m国民经济\u202e和社会发展\n第十四个五年规划纲要的通知"
    assert short_title(title) == "印发卫滨区␛[3…五年规划纲要的通知"
    assert short_title("卫滨区\x07规划\u2066纲要") == "卫滨区␇规划\ufffd纲要"


def test_metadata_holding_a_lone_surrogate_is_refused_naming_its_file(capsys, tmp_path):
    """A .meta.json title of "\\ud800" is valid JSON but no text: the ingest failed while writing the index with
    `kb: 'utf-8' codec can't encode character …`, naming no file. It is refused naming the side file."""
    corpus, idx = _site(tmp_path)
    before = _state(idx)
    (corpus / "plan.txt").write_text(MANUFACTURING, encoding="utf-8")
    (corpus / "plan.meta.json").write_text('{"title": "卫滨区\\ud800规划"}', encoding="utf-8")
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(corpus / "plan.txt"))
    assert code == 1 and err.count("\n") == 1 and "plan.meta.json: unreadable metadata" in err, err
    assert _state(idx) == before


def test_a_pdf_named_txt_is_refused_with_advice_to_rename_it(capsys, tmp_path):
    """A PDF renamed .txt decodes as text (PDF syntax, no NUL): it was indexed as a document of /Type /Page lines."""
    from .pdfgen import make_pdf
    corpus, idx = _site(tmp_path)
    before = _state(idx)
    f = make_pdf(tmp_path / "plan.pdf", [["城市道路养护管理办法", "第一章 总则",
                                          "第一条 为加强城市道路养护管理，改善群众出行条件，制定本办法。",
                                          "第二条 本办法适用于本市城市道路的养护管理活动。"]])
    f = f.rename(tmp_path / "plan.txt")
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(f))
    assert code == 1 and err == f"kb: {f}: a PDF file named .txt: rename it to .pdf\n"
    assert _state(idx) == before
    f = f.rename(f.with_suffix(".pdf"))                 # the advice
    code, out, err = _cli(capsys, "--index", str(idx), "--model", "hash", "ingest", str(f))
    assert code == 0 and "plan" in _state(idx)[1], err


def test_kb_diff_says_where_it_wrote_the_word_file_as_a_kb_line(capsys, tmp_path):
    """Every other line kb writes to stderr starts `kb: `; the --docx note did not."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "draft.txt").write_text(MANUFACTURING, encoding="utf-8")
    (corpus / "final.txt").write_text(MANUFACTURING.replace("达到10家", "达到12家", 1), encoding="utf-8")
    idx = str(tmp_path / "index")
    assert _cli(capsys, "--index", idx, "--model", "hash", "ingest", str(corpus))[0] == 0
    out_file = tmp_path / "对比.docx"
    code, out, err = _cli(capsys, "--index", idx, "--model", "hash", "diff", "draft", "final", "--docx", str(out_file))
    assert code == 0 and out_file.stat().st_size > 0
    assert err == f"kb: wrote the comparison table to {out_file}\n"
