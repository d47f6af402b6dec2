"""Several documents in one index: per-document ids, titles, filters and citations (hash embedder)."""
import json
import re
import shutil

import pytest

from kb import KnowledgeBase
from kb.cli import main

from .conftest import OUTLINE
from .pdfgen import make_pdf
from .test_readers import PAGES, REPORT


@pytest.fixture(scope="module")
def three_docs(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("multi") / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    (corpus / "report-2022.txt").write_bytes(REPORT.encode("gb18030"))
    (corpus / "report-2022.meta.json").write_text(json.dumps(
        {"title": "卫滨区2022年计划执行情况报告", "issuer": "卫滨区发展和改革委员会", "year": 2023},
        ensure_ascii=False), encoding="utf-8")
    make_pdf(corpus / "city-plan.pdf", PAGES)
    idx = corpus.parent / "index"
    stats = KnowledgeBase.sync([corpus], idx, model="hash")
    assert stats.documents == 3
    return corpus, idx, KnowledgeBase.open(idx, model="hash")


def test_each_file_is_a_document(three_docs):
    _, _, kb = three_docs
    titles = {d.doc_id: d.title for d in kb.documents}
    assert titles["report-2022"] == "卫滨区2022年计划执行情况报告"           # from the sidecar
    assert titles["city-plan"] == "city-plan"          # no front matter: the file name, not a chapter heading
    assert titles["weibin-14th-five-year-plan-outline"].startswith("新乡市卫滨区国民经济")
    assert kb.document("report-2022").issuer == "卫滨区发展和改革委员会"


def test_filter_by_document_and_citation_names_it(three_docs):
    _, _, kb = three_docs
    hits = kb.search("铜加工企业营业收入", k=10, doc="report-2022")
    assert hits and all(h.passage.doc_id == "report-2022" for h in hits)
    assert hits[0].citation.text.startswith("《卫滨区2022年计划执行情况报告》二、（一）“壮大铜材料产业”")
    pdf = kb.search("智能工厂", k=3, doc="city-plan")
    assert pdf[0].passage.page == 2 and "第2页" in pdf[0].citation.text
    mixed = {h.passage.doc_id for h in kb.search("铜加工企业", k=20)}
    assert len(mixed) >= 2


def test_remove_one_document_keeps_the_others(three_docs, tmp_path):
    corpus, idx, _ = three_docs
    copy = tmp_path / "index"
    shutil.copytree(idx, copy)
    stats = KnowledgeBase.sync([], copy, model="hash", remove=["city-plan"])
    assert stats.documents == 2 and stats.embedded == 0
    kb = KnowledgeBase.open(copy, model="hash")
    assert {d.doc_id for d in kb.documents} == {"report-2022", "weibin-14th-five-year-plan-outline"}


def test_cli_ls_and_doc_filter(three_docs, capsys):
    _, idx, _ = three_docs
    assert main(["--index", str(idx), "--model", "hash", "ls"]) == 0
    out = capsys.readouterr().out
    assert "report-2022\t" in out and "city-plan\t" in out and out.count("\n") == 3
    # each with when it was added, to the minute (the 文档 page shows the same)
    assert all(re.search(r"\tadded \d{4}-\d\d-\d\d \d\d:\d\d\t", line) for line in out.splitlines())
    assert main(["--index", str(idx), "--model", "hash", "ask", "铜", "--doc", "report-2022", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {h["doc_id"] for h in data["hits"]} == {"report-2022"}


@pytest.fixture(scope="module")
def outline_and_no1(tmp_path_factory):
    """The outline beside a real 中央一号文件 (tests/data/gallery)."""
    from .test_gallery import GALLERY
    corpus = tmp_path_factory.mktemp("each") / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    shutil.copy(GALLERY / "central-no1-2018.txt", corpus)
    idx = corpus.parent / "index"
    KnowledgeBase.sync([corpus], idx, model="hash")
    return idx, KnowledgeBase.open(idx, model="hash")


def test_a_question_put_to_every_document_is_answered_by_each(outline_and_no1):
    """各文件对农村人居环境整治怎么说: each document's own hits and verdict, side by side; asked as its topic."""
    _, kb = outline_and_no1
    assert KnowledgeBase.asks_each("各文件对农村人居环境整治怎么说") and not KnowledgeBase.asks_each("农村人居环境整治")
    each = kb.ask_each("各文件对农村人居环境整治怎么说", k=3)
    assert [a.doc_id for a in each] == [d.doc_id for d in kb.documents]
    for a in each:
        assert a.result.query == "农村人居环境整治"
        assert a.result.hits and all(h.passage.doc_id == a.doc_id for h in a.result.hits)
        shown = a.result.answer or a.result.candidate
        assert shown is None or shown.citation.text.startswith(f"《{a.title}》") or a.doc_id == "central-no1-2018"
    outline = next(a for a in each if a.doc_id.startswith("weibin"))
    assert outline.result.verdict == kb.ask("农村人居环境整治", k=3, doc=outline.doc_id).verdict   # the same verdict


def test_cli_per_doc_side_by_side(outline_and_no1, capsys):
    idx, kb = outline_and_no1
    assert main(["--index", str(idx), "--model", "hash", "ask", "农村人居环境", "--per-doc", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["doc_id"] for r in rows} == {d.doc_id for d in kb.documents}
    assert all({"verdict", "answer", "candidate", "hits", "title"} <= set(r) for r in rows)
    assert main(["--index", str(idx), "--model", "hash", "ask", "各文件对农村人居环境整治怎么说"]) == 0
    out = capsys.readouterr().out
    for d in kb.documents:
        assert f"━━ 《{d.title}》 ━━" in out
    assert "纲要中没有" not in out                      # among several documents: 这份文件中没有…


def test_the_app_answers_per_document_side_by_side(outline_and_no1, tmp_path, monkeypatch):
    """问答 with two documents: 按文件对照 (or a 各文件对…怎么说 question) shows each document's answer, or its plain
    word that it does not say, with its own passages; the switch is in the address (each=1)."""
    from .test_app import app, point_app_at
    idx, kb = outline_and_no1
    point_app_at(idx, tmp_path, monkeypatch)
    at = app(q="各文件对农村人居环境整治怎么说")
    assert not at.exception
    page = "\n".join(m.value for m in at.markdown)
    for d in kb.documents:
        assert f"《{d.title}》" in page.replace("&#45;", "-")
    assert "农村人居环境整治" in page
    at = app(q="农村人居环境整治")
    assert not at.exception and at.toggle(key="ask_each").value is False
    at.toggle(key="ask_each").set_value(True).run()
    assert not at.exception and at.query_params.get("each") in ("1", ["1"])
    page = "\n".join(m.value for m in at.markdown)
    assert all(f"《{d.title}》" in page for d in kb.documents)
