"""Several documents in one index: per-document ids, titles, filters and citations (hash embedder)."""
import json
import re
import shutil

import numpy as np
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


# ---------------------------------------------------------------- one document among many (issue 23, item 5)
# Questions of the outline's tuning part and a few worded unlike the text: the other documents change their idf,
# their nearest words and their ceilings when the search does not use the outline's own statistics.
ASKED_OF_ONE = ("老旧小区改造的目标是什么", "铜加工产业怎么发展", "出门找不到停车位怎么办", "农村人居环境整治",
                "厕所革命", "科技创新投入", "生态环境保护的主要指标", "发展乡村旅游", "城市更新", "就业优先",
                "粮食安全", "营商环境优化", "教育发展", "医疗卫生服务体系", "交通基础设施建设")


def _same_answer(alone, many, q: str, doc: str) -> None:
    a, m = alone.ask(q, k=5), many.ask(q, k=5, doc=doc)
    assert [h.passage.id for h in m.hits] == [h.passage.id for h in a.hits], q
    assert [h.score for h in m.hits] == pytest.approx([h.score for h in a.hits], abs=1e-5), q
    shown_a, shown_m = a.answer or a.candidate, m.answer or m.candidate
    assert (shown_m and shown_m.text) == (shown_a and shown_a.text), q
    assert (m.verdict, m.answerable, m.on_topic) == (a.verdict, a.answerable, a.on_topic), q
    assert m.confidence == pytest.approx(a.confidence, abs=1e-5), q


def test_a_question_asked_of_one_document_is_answered_as_in_its_own_index(hash_kb, outline_and_no1):
    """Asked of the outline (doc=) in an index that also holds the 中央一号文件: the same hits, scores, answer,
    verdict and 把握 as the index of the outline alone (before, BM25's idf, the coverage ceilings, the nearby
    words and the verdict's idf came from both documents)."""
    _, many = outline_and_no1
    doc = hash_kb.documents[0].doc_id
    for q in ASKED_OF_ONE:
        _same_answer(hash_kb, many, q, doc)
    each = {a.doc_id: a.result for a in many.ask_each(ASKED_OF_ONE[3], k=5)}
    alone = hash_kb.ask(ASKED_OF_ONE[3], k=5)
    assert [h.passage.id for h in each[doc].hits] == [h.passage.id for h in alone.hits]
    assert each[doc].confidence == pytest.approx(alone.confidence, abs=1e-5)


def test_statistics_of_a_search_limited_to_one_document_are_its_own(hash_kb, outline_and_no1):
    """Per document set: the vocabulary (words, idf, ceilings), BM25 of every field and the nearby words are those
    of an index of that document alone; the whole index's are left as they were; built once per set."""
    _, many = outline_and_no1
    doc = hash_kb.documents[0].doc_id
    scope = many._scope(doc)
    assert scope is many._scope(doc) and many._scope(None) is None and hash_kb._scope(doc) is None
    assert scope.vocabulary.words == hash_kb.vocabulary.words
    assert len(many.vocabulary.words) > len(scope.vocabulary.words)
    for w in ("厕所", "农村", "铜加工", "老旧小区", "没有这个词"):
        assert scope.vocabulary.idf(w) == pytest.approx(hash_kb.vocabulary.idf(w)), w
    assert scope.vocabulary.idf("农村") > many.vocabulary.idf("农村")      # the 一号文件 says 农村 everywhere
    assert np.allclose(scope.vocabulary.ceiling, hash_kb.vocabulary.ceiling)
    rows = scope.rows
    assert [many.passages[i].id for i in rows] == [p.id for p in hash_kb.passages]
    for q in ("农村厕所改造", "车没地方放", "铜材料深加工"):
        mine, alone = many.query_signals(q, doc=doc), hash_kb.query_signals(q)
        for name in ("words", "bigrams", "titles", "section", "nearby"):
            assert np.allclose(mine[name][rows], alone[name], atol=1e-6), (q, name)
            assert not mine[name][~scope.mask].any(), (q, name)
        qvec = many.embedder.encode_query(q)
        assert scope.vocabulary.nearest(qvec, 5, q) == hash_kb.vocabulary.nearest(qvec, 5, q)
        assert set(scope.vocabulary.nearest(qvec, 20, q)) <= set(hash_kb.vocabulary.words)
    # the other document's own scope: its words only
    other = next(d.doc_id for d in many.documents if d.doc_id != doc)
    assert "卫滨区" not in many._scope(other).vocabulary.words and "卫滨区" in scope.vocabulary.words


@pytest.fixture(scope="module", params=["faiss", pytest.param("milvus", marks=pytest.mark.milvus),
                                        pytest.param("postgres", marks=pytest.mark.postgres)])
def outline_and_no1_on(request, tmp_path_factory):
    """The outline beside the 中央一号文件 on each backend."""
    from .conftest import build_index
    from .test_gallery import GALLERY
    if request.param == "postgres":
        request.getfixturevalue("pg_dsn")
    elif request.param == "milvus":
        pytest.importorskip("milvus_lite", reason="pip install pymilvus milvus-lite (the milvus extra)")
    extra = {"central-no1-2018.txt": (GALLERY / "central-no1-2018.txt").read_bytes()}
    return KnowledgeBase.open(build_index(tmp_path_factory, f"two-{request.param}", "hash", extra,
                                          backend=request.param), model="hash")


def test_every_backend_answers_one_document_as_its_own_index(hash_kb, outline_and_no1_on):
    """On PostgreSQL and Milvus too: the documents' statistics are computed in-process from the passages (the
    server gives the dense signal), so the answer equals the outline's own (FAISS + bm25s) index's."""
    doc = hash_kb.documents[0].doc_id
    for q in ASKED_OF_ONE[:6]:
        _same_answer(hash_kb, outline_and_no1_on, q, doc)


def test_fusion_candidates_break_ties_by_passage_order():
    """Passages of one section share its `section` score: the candidates fusion keeps among equal scores are the
    earliest, so a document's passages are kept alike in its own index and among others (argpartition picks any)."""
    from kb.fusion import _top
    rng = np.random.default_rng(23)
    for _ in range(300):
        s = rng.integers(0, 4, size=int(rng.integers(1, 300))).astype(np.float32)
        s[rng.random(s.size) < 0.2] = -np.inf
        n = int(rng.integers(1, 120))
        assert _top(s, n).tolist() == np.argsort(-s, kind="stable")[:n].tolist()
