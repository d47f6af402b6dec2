"""Fuzzing (hypothesis): document text with markdown, HTML, LaTeX and spreadsheet-formula prefixes goes through
ingest and the API as data, verbatim; any query goes through the CLI as one answer or one line of error."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from kb import KnowledgeBase
from kb.cli import main

# ("**" and a leading "- " are dropped by ingest as markdown residue of the delivered text: ingest/clean.py)
HOSTILE = ["[登录领取补贴](http://example.com/x)", "![t](http://example.com/t.png)", "$x^2$", ":red[警告]",
           "<script>alert('p')</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)", "=HYPERLINK(\"http://x\")",
           "+1+1", "-2+3", "@SUM(A1)", "# 标题", "*斜体*", "~~删除~~", "`代码`", "&amp;&#x27;", "it's \"引号\"", "\\(a\\)", "| a | b |"]
PLAIN = "推动铜材料深加工产业发展全区企业达到家实现营业收入亿元以上改造老旧小区"

fragment = st.one_of(st.sampled_from(HOSTILE), st.text(alphabet=PLAIN, min_size=2, max_size=12))
paragraph = st.lists(fragment, min_size=2, max_size=6).map(lambda xs: "，".join(xs) + "。")


def outline(paragraphs: list[str]) -> str:
    lines = ["卫滨区测试规划纲要", "", "第一章 总体要求", "", "第一节 发展基础"]
    lines += paragraphs[: len(paragraphs) // 2] or ["加快发展铜材料深加工产业。"]
    lines += ["", "第二节 主要任务"] + (paragraphs[len(paragraphs) // 2:] or ["推进老旧小区改造。"])
    return "\n".join(lines) + "\n"


_WIDTH = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）",
                        "“": '"', "”": '"'})


def _squash(s: str) -> str:
    """Whitespace removed and the punctuation that ingest may restore to full width (ingest/punct.py: PDF extraction
    flattens ，；：？！（）“” to ASCII) compared width-blind; every other character must arrive unchanged."""
    return "".join(s.split()).translate(_WIDTH)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(st.lists(paragraph, min_size=2, max_size=6, unique=True))
def test_hostile_document_text_stays_verbatim_through_ingest_and_search(tmp_path_factory, paragraphs):
    d = tmp_path_factory.mktemp("fuzzdoc")
    (d / "corpus").mkdir()
    (d / "corpus" / "纲要.txt").write_text(outline(paragraphs), encoding="utf-8")
    KnowledgeBase.sync([d / "corpus"], d / "index", model="hash")
    kb = KnowledgeBase.open(d / "index", model="hash")
    body = _squash("".join(p.text for p in kb.passages if p.chapter))
    for para in paragraphs:
        assert _squash(para) in body                               # nothing of it was interpreted or dropped
    probe = paragraphs[0]
    r = kb.ask(probe)
    assert any(_squash(probe) in _squash(h.passage.text) for h in r.hits)      # a paragraph finds itself
    if r.answer:
        passage = next(h.passage for h in r.hits if h.passage.id == r.answer.passage_id)
        assert passage.text[r.answer.start:r.answer.start + len(r.answer.text)] == r.answer.text   # verbatim slice
    json.dumps(r.to_json(), ensure_ascii=False)


def test_the_hostile_strings_reach_the_passages_unchanged(tmp_path):
    f = tmp_path / "纲要.txt"
    f.write_text(outline([h + "，加快发展铜材料深加工产业。" for h in HOSTILE]), encoding="utf-8")
    texts = "".join(p.text for p in ingest.passages(ingest.load(f)))
    for h in HOSTILE:
        assert _squash(h) in _squash(texts), h


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=60), st.sampled_from(HOSTILE + ["？！。，、", "🚀🚀", "?!.,;:", "铜" * 3000])))
def test_any_query_through_the_cli_gives_an_answer_or_one_line(capsys, hash_index, q):
    code = main(["--index", str(hash_index), "--model", "hash", "ask", "--json", "--", q])   # -- : q may start with -
    out, err = capsys.readouterr()
    if code == 0:
        data = json.loads(out)
        assert err == "" and isinstance(data["hits"], list)
        if not any(c.isalnum() for c in q):
            assert data["answer"] is None                          # no words: nothing to answer with
    else:
        assert code == 2 and err.startswith("kb: the query is empty") and err.count("\n") == 1
