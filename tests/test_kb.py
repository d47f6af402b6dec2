"""The index folder and KnowledgeBase: search, filters, answers, errors, incremental re-ingest (hash embedder)."""
import json
import re
import shutil
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import BadQuery, IndexCorrupt, IndexMissing, IndexStale, KBError, KnowledgeBase, ModelMismatch
from kb.store.folder import current_folder, read_manifest

from .conftest import OUTLINE


def test_manifest_records_what_was_built(hash_index):
    m = read_manifest(hash_index)
    assert m["model"] == "hash" and m["dimension"] == 256 and m["passages"] > 200
    (doc,) = m["documents"]
    assert doc["doc_id"] == "weibin-14th-five-year-plan-outline" and len(doc["sha256"]) == 64
    assert {"schema", "built_at", "index_type"} <= set(m)
    first = json.loads((current_folder(hash_index) / "passages.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "十四五" in first["text"]                      # readable Chinese, not \\u escapes


def test_sources_reads_the_manifest_without_a_model(hash_index, tmp_path):
    """KnowledgeBase.sources: each document's recorded source, with no model loaded (the app asks it after a
    failed write, when loading a model again would be slow and beside the point)."""
    source = hash_index.parent / "corpus" / OUTLINE.name
    assert KnowledgeBase.sources(hash_index) == {"weibin-14th-five-year-plan-outline": str(source.resolve())}
    with pytest.raises(IndexMissing):
        KnowledgeBase.sources(tmp_path / "nothing")


def test_search_finds_copper_targets(any_kb):
    hits = any_kb.search("铜材料深加工目标", k=5)
    assert any("全区铜加工企业达到10家" in h.passage.text for h in hits)
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert all(hits[i].score >= hits[i + 1].score for i in range(len(hits) - 1))


def test_filters_restrict_hits(any_kb):
    hits = any_kb.search("老旧小区改造", k=10, chapter=6)
    assert hits and all(h.passage.chapter == 6 for h in hits)
    hits = any_kb.search("老旧小区改造", k=10, chapter=6, section=3, box="6-3")
    assert hits and all(h.passage.box == "6-3" for h in hits)
    with pytest.raises(BadQuery, match="no document 'no-such-doc' in this index"):   # a typo is said, not 0 hits
        any_kb.search("老旧小区改造", doc="no-such-doc")
    with pytest.raises(BadQuery):
        any_kb.ask("老旧小区改造", doc="no-such-doc")


def test_answer_is_verbatim_with_citation(any_kb):
    r = any_kb.ask("到十四五末要改造多少个老旧小区")
    a = r.answer or r.candidate           # the hash embedder's confidence may not vouch for it: verbatim all the same
    p = any_kb.passage(a.passage_id)
    assert p.text[a.start:a.start + len(a.text)] == a.text and len(a.text) <= 200
    assert "194个老旧小区" in a.text
    assert a.citation.text.startswith("《新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）》第六章第三节")
    assert a.highlights
    marked = [a.text[s:e] for s, e in a.highlights]
    assert "老旧小区" in marked and "改造" in marked
    assert all(any(t.strip('"“”') in m for t in r.terms) for m in marked)


def test_indicator_question_answers_with_the_row(any_kb):
    a = any_kb.ask("每千人拥有执业医师数2025年目标").answer
    assert a.kind == "row" and "2020年基数：3.4" in a.text and "2025年目标：3.7" in a.text
    assert a.citation.place == "第一章第五节专栏1-1"


@pytest.mark.parametrize("q", ["", "   ", "\n\t"])
def test_empty_query_is_refused(any_kb, q):
    with pytest.raises(BadQuery, match="empty"):
        any_kb.ask(q)


def test_long_odd_queries_work(any_kb):
    assert any_kb.ask("铜" * 10_000).hits
    for q in ["copper", "🚀🚀", "<script>alert(1)</script>", "？？？", "的了吗"]:
        assert isinstance(any_kb.search(q), list)
    assert any_kb.search("ＧＤＰ") == any_kb.search("GDP")          # full-width folded
    assert [h.passage.id for h in any_kb.search("學前教育")] == [h.passage.id for h in any_kb.search("学前教育")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.text(max_size=80),
                 st.text(st.characters(codec=None, categories=("Cs", "Cc", "So", "Po", "Lo")), max_size=40),
                 st.text(alphabet="铜材料\ud800\udcff\x00\x1b\u3000 ？！", max_size=30)))
def test_any_query_returns_a_list_or_badquery(any_kb, q):
    """Any Python string, lone surrogates and control characters included: hits, or BadQuery when it holds no text."""
    try:
        hits = any_kb.search(q)
        result = any_kb.ask(q)
    except BadQuery as e:
        assert not re.sub(r"[\x00-\x20\x7f-\x9f\s]", "", q) and "\n" not in str(e)
        return
    assert isinstance(hits, list)
    json.dumps(result.to_json(), ensure_ascii=False).encode("utf-8")     # nothing unencodable comes back
    assert result.answer is None or result.answer.text in result.hits[0].passage.text or any(
        result.answer.passage_id == h.passage.id for h in result.hits)


def test_concurrent_queries_match_serial(any_kb):
    qs = ["铜材料深加工目标", "学前教育", "老旧小区", "营商环境", "乡村振兴", "文旅康养", "污染防治", "法律援助"]
    serial = {q: [h.passage.id for h in any_kb.search(q)] for q in qs}
    out, errors = {}, []

    def run(q):
        try:
            for _ in range(3):
                out[q] = [h.passage.id for h in any_kb.search(q)]
        except Exception as e:  # noqa: BLE001
            errors.append(e)
    threads = [threading.Thread(target=run, args=(q,)) for q in qs]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors and out == serial


def test_missing_index(tmp_path):
    with pytest.raises(IndexMissing, match="ingest corpus"):
        KnowledgeBase.open(tmp_path / "nothing", model="hash")


def test_model_mismatch(hash_index):
    with pytest.raises(ModelMismatch, match="built with model 'hash'"):
        KnowledgeBase.open(hash_index, model="m3e-small")


@pytest.mark.parametrize("damage", ["manifest", "passages", "vectors", "faiss", "count"])
def test_corrupt_index_is_refused(hash_index, tmp_path, damage):
    shutil.copytree(hash_index, tmp_path / "index")
    d = current_folder(tmp_path / "index")
    if damage == "manifest":
        (d / "manifest.json").write_text("{not json", encoding="utf-8")
    elif damage == "passages":
        (d / "passages.jsonl").write_text('{"id": 1}\n', encoding="utf-8")
    elif damage == "vectors":
        (d / "embeddings.npy").write_bytes(b"garbage")
    elif damage == "faiss":
        (d / "dense.faiss").write_bytes(b"garbage")
    else:
        m = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
        m["passages"] += 1
        (d / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=r"repair it with `kb --index \S+ repair`"):
        KnowledgeBase.open(tmp_path / "index", model="hash", check_sources=False)


def test_reingest_is_incremental(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    idx = tmp_path / "index"
    first = KnowledgeBase.sync([corpus], idx, model="hash")
    assert first.embedded == first.passages > 200
    again = KnowledgeBase.sync([corpus], idx, model="hash")
    assert again.up_to_date and again.embedded == 0
    # a second document: only its passages are embedded
    (corpus / "second.txt").write_text("第一章 测试\n\n全区新建口袋公园10个，绿化覆盖率达到40%。\n", encoding="utf-8")
    third = KnowledgeBase.sync([corpus], idx, model="hash")
    assert third.documents == 2 and third.embedded == 1 and third.reused_docs == 1
    # a changed document makes the index stale until re-ingested
    (corpus / "second.txt").write_text("第一章 测试\n\n全区新建口袋公园12个。\n", encoding="utf-8")
    with pytest.raises(IndexStale, match="second.txt changed"):
        KnowledgeBase.open(idx, model="hash")
    fourth = KnowledgeBase.sync([corpus], idx, model="hash")
    assert fourth.embedded == 1
    kb = KnowledgeBase.open(idx, model="hash")
    assert any("口袋公园12个" in h.passage.text for h in kb.search("口袋公园"))
    removed = KnowledgeBase.sync([], idx, model="hash", remove=["second"])
    assert removed.documents == 1 and removed.embedded == 0


def test_failed_write_keeps_the_old_index(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    idx = tmp_path / "index"
    KnowledgeBase.sync([corpus], idx, model="hash")
    before = (current_folder(idx) / "manifest.json").read_text(encoding="utf-8")
    generations = sorted(p.name for p in idx.iterdir())
    (corpus / "extra.txt").write_text("第一章 新增\n\n新增内容一段。\n", encoding="utf-8")
    from kb.store import faiss as faiss_store

    def boom(self, folder):
        raise OSError("disk full")
    monkeypatch.setattr(faiss_store.Lexical, "save", boom)
    with pytest.raises(OSError):
        KnowledgeBase.sync([corpus], idx, model="hash")
    assert (current_folder(idx) / "manifest.json").read_text(encoding="utf-8") == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".index")]
    assert sorted(p.name for p in idx.iterdir()) == generations        # the failed generation is removed
    KnowledgeBase.open(idx, model="hash", check_sources=False).search("铜材料")


def test_unknown_document_removal(hash_index):
    with pytest.raises(KBError, match="no document 'nope'"):
        KnowledgeBase.sync([], hash_index, model="hash", remove=["nope"])


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "周杰伦的新歌", "hello world", "量子计算机的原理"])
def test_unrelated_question_gets_passages_but_no_answer(any_kb, q):
    r = any_kb.ask(q)
    assert r.hits and r.answer is None


def test_open_skips_rehash_when_size_and_mtime_unchanged(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    idx = tmp_path / "index"
    KnowledgeBase.sync([corpus], idx, model="hash")
    from kb import knowledge
    calls = []
    monkeypatch.setattr(knowledge, "sha256_file", lambda p: calls.append(p) or "x")
    KnowledgeBase.open(idx, model="hash")
    assert calls == []                                   # unchanged file: no hashing at start-up
    (corpus / OUTLINE.name).write_text("第一章 变了\n\n内容。\n", encoding="utf-8")
    with pytest.raises(IndexStale):
        KnowledgeBase.open(idx, model="hash")
    assert len(calls) == 1


def test_the_ranking_hook_ranks_as_search_does(any_kb):
    """query_signals + search/ask(fusion=…, signals=…) is what bench/tune.py grid-searches with: the same
    ranking as a plain search under the configured weights, another under other weights."""
    from dataclasses import replace
    q = "十三五期间实施了多少个千万元以上项目"
    sig = any_kb.query_signals(q)
    assert [h.passage.id for h in any_kb.search(q, signals=sig)] == [h.passage.id for h in any_kb.search(q)]
    assert any_kb.ask(q, signals=sig, fusion=any_kb.config.fusion).answer == any_kb.ask(q).answer
    words_only = replace(any_kb.config.fusion, dense=0.0, sentences=0.0, bigrams=0.0, titles=0.0, section=0.0)
    assert [h.passage.id for h in any_kb.search(q, signals=sig, fusion=words_only)] != \
        [h.passage.id for h in any_kb.search(q)]


@pytest.mark.parametrize("change", ["bm25_k1", "bm25_b", "exact_up_to", "hnsw_m", "hnsw_ef_construction",
                                    "stopwords"])
def test_every_setting_and_file_that_shapes_the_index_makes_it_stale(tmp_path, monkeypatch, change):
    """An [index] setting or kb/data/stopwords.txt changed: `kb ingest` rebuilds (the vectors are reused) instead of
    saying up to date; the settings read only when searching do not."""
    import dataclasses
    from kb import query as querying
    from kb.config import Config
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    idx = tmp_path / "index"
    KnowledgeBase.sync([corpus], idx, model="hash")
    config = Config()
    if change == "stopwords":
        data = tmp_path / "data"
        shutil.copytree(querying.DATA, data)
        with open(data / "stopwords.txt", "a", encoding="utf-8") as f:
            f.write("铜材料\n")
        monkeypatch.setattr(querying, "DATA", data)
        querying.stopwords.cache_clear()
    else:
        old = getattr(config.index, change)
        config = dataclasses.replace(config, index=dataclasses.replace(config.index, **{change: old + 1}))
    try:
        again = KnowledgeBase.sync([corpus], idx, model="hash", config=config)
        assert not again.up_to_date and again.embedded == 0          # rebuilt, nothing re-embedded
        assert KnowledgeBase.sync([corpus], idx, model="hash", config=config).up_to_date
        if change == "stopwords":
            kb = KnowledgeBase.open(idx, model="hash")
            assert "铜材料" not in kb.vocabulary.words
    finally:
        querying.stopwords.cache_clear()
    searching_only = dataclasses.replace(Config().index, hnsw_ef_search=64, overfetch=5)
    if change != "stopwords":
        back = dataclasses.replace(Config(), index=searching_only)
        assert not KnowledgeBase.sync([corpus], idx, model="hash", config=back).up_to_date   # back to the defaults
        assert KnowledgeBase.sync([corpus], idx, model="hash", config=back).up_to_date       # ef_search: not shaping


def test_ingest_progress_never_goes_backwards(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    seen: list[float] = []
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", progress=lambda f, msg: seen.append(f))
    assert seen and seen == sorted(seen) and seen[-1] == 1.0 and all(0.0 <= f <= 1.0 for f in seen)


def test_a_quotation_inside_a_citation_takes_single_quotes(hash_kb):
    """专栏1-1's title holds “十四五”: inside the citation's own “…” it becomes ‘十四五’ (GB/T 15834), the title in
    the box itself is left as printed."""
    row = next(p for p in hash_kb.passages if p.box == "1-1")
    c = hash_kb.citation(row)
    assert "专栏1-1“‘十四五’期间经济社会主要发展目标”" in c.text and "““" not in c.text
    assert row.box_title.startswith("“十四五”")
