"""The Milvus backend (Milvus Lite in temp folders) against the default FAISS + bm25s backend."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from kb import IndexCorrupt, KnowledgeBase
from kb.evaluation import metrics as evaluate
from kb.errors import BackendUnavailable
from kb.store.folder import current_folder

from .conftest import OUTLINE, environ

pytestmark = pytest.mark.milvus

QUERIES = ("铜材料深加工目标", "孩子上幼儿园难怎么解决", "老旧小区改造")


def _lite_problem(tmp) -> str | None:
    """Why Milvus Lite cannot run here (None when it can): the reason the tests skip with."""
    try:
        import pymilvus  # noqa: F401
        import milvus_lite  # noqa: F401
    except ImportError as e:
        return f"pip install pymilvus milvus-lite ({e})"
    from pymilvus import MilvusClient
    try:
        c = MilvusClient(str(tmp / "probe.db"))
        c.list_collections()
    except Exception as e:  # noqa: BLE001 — any failure to start means the same: no Milvus Lite here
        return f"Milvus Lite does not start: {type(e).__name__}: {e}"
    return None


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=["lite", pytest.param("server", marks=pytest.mark.slow)])
def lite(request, tmp_path_factory):
    """Every test runs twice: Milvus Lite in-process (a path), and milvus_lite started as a separate server
    process that the product reaches over TCP (KB_MILVUS_URI=http://127.0.0.1:PORT, the Milvus server path)."""
    why = _lite_problem(tmp_path_factory.mktemp("probe"))
    if why:
        pytest.skip(why)
    given = os.environ.get("KB_MILVUS_URI", "")
    if request.param == "lite":
        os.environ.pop("KB_MILVUS_URI", None)
        yield None
        if given:
            os.environ["KB_MILVUS_URI"] = given
        return
    if given.startswith(("http://", "https://", "tcp://")):     # a real server given by the caller
        yield given
        return
    port = _free_port()
    data = tmp_path_factory.mktemp("milvus-server")
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    uri = f"http://127.0.0.1:{port}"
    try:
        import socket
        end = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > end:
                    pytest.fail(f"milvus_lite server did not start: {proc.stderr.read().decode()[-500:]}")
                time.sleep(0.2)
        with environ("KB_MILVUS_URI", uri):
            yield uri
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _corpus(root):
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    return corpus


@pytest.fixture(scope="module")
def pair(lite, tmp_path_factory):
    """The outline indexed with the hash embedder by both backends."""
    root = tmp_path_factory.mktemp("pair")
    corpus = _corpus(root)
    KnowledgeBase.sync([corpus], root / "faiss", model="hash")
    KnowledgeBase.sync([corpus], root / "milvus", model="hash", backend="milvus")
    return (KnowledgeBase.open(root / "faiss", model="hash"), KnowledgeBase.open(root / "milvus", model="hash"), root)


def _ids(hits):
    return [h.passage.id for h in hits]


def test_index_folder_records_milvus(pair, lite):
    _, m, root = pair
    assert m.manifest["backend"] == "milvus" and m.manifest["index_type"] == "milvus-flat"
    meta = json.loads((current_folder(root / "milvus") / "milvus.json").read_text(encoding="utf-8"))
    # the Lite database sits beside the index folder (which is written elsewhere and renamed into place);
    # a server is named by its URI
    assert meta["uri"] == (lite or str((root / "milvus.milvus.db").resolve()))
    assert (root / "milvus.milvus.db").exists() == (lite is None)
    assert all(c.startswith("kb_") for c in meta["collections"].values())
    assert not list((root / "milvus").rglob("*.faiss")) and not list((root / "milvus").rglob("bm25_*"))


def test_fields_hold_exactly_the_bm25s_tokens_in_a_2_5_analyzer(pair):
    """Milvus 2.5 documents the standard tokenizer (whitespace arrives in 2.6): every token is stored as one
    ASCII letter-and-digit term, which decodes back to exactly what bm25s indexes for that passage."""
    import re
    from kb.store.milvus import ANALYZER, connect, term
    from kb.store.signals import corpora as token_lists
    f, m, root = pair
    assert ANALYZER == {"tokenizer": "standard"}
    assert term("老旧小区") == "t" + "老旧小区".encode().hex() and re.fullmatch(r"t[0-9a-f]+", term("3.01%"))
    corpora, _ = token_lists(f.passages)
    rows = connect(m.store.uri).query(m.store.passages, filter="id in [0, 7, 100]",
                                      output_fields=["id", "words", "bigrams", "titles"])
    assert len(rows) == 3
    for r in rows:
        for field in ("words", "bigrams", "titles"):
            decoded = [bytes.fromhex(t[1:]).decode("utf-8") for t in r[field].split(" ")]
            assert decoded == corpora[field][r["id"]], (r["id"], field)


def test_signals_match_the_default_backend(pair):
    f, m, _ = pair
    from kb import query
    for text in QUERIES:
        q = query.parse(text)
        sf, sm = f.signals(q), m.signals(q)
        assert set(sm) == set(sf) == {"dense", "words", "bigrams", "titles", "section", "sentences", "nearby"}
        # the sentence signal is read from the index folder whatever the backend: the same numbers
        assert np.allclose(sm["sentences"], sf["sentences"])
        for name in sf:
            assert sm[name].shape == sf[name].shape == (len(f.passages),)
        top = np.argsort(-sf["dense"])[:20]
        assert np.allclose(sm["dense"][top], sf["dense"][top], atol=1e-4)
        for name in ("words", "bigrams", "titles", "section"):
            # same IDF (Lucene's), k1 and b; jieba in Milvus cuts nearly as ingest/tokenize does
            third = np.sort(sf[name])[-3]          # passages of one section tie on "section"
            assert sf[name][np.argmax(sm[name])] >= third - 1e-6, (text, name)
            assert 0 <= sm[name].min() and sm[name].max() <= 1.05, (text, name)


def test_same_top_results_as_faiss(pair):
    f, m, _ = pair
    for q in QUERIES:
        a, b = _ids(f.search(q, k=5)), _ids(m.search(q, k=5))
        # near-ties may swap (Milvus's jieba is not ingest/tokenize's), so: each top hit is the other's first or second
        assert b[0] in a[:2] and a[0] in b[:2], (q, a, b)
        assert len(set(a) & set(b)) >= 4, (q, a, b)
    copper = m.search("铜材料深加工目标", k=3)
    assert any("全区铜加工企业达到10家" in h.passage.text for h in copper)
    assert copper[0].citation.place == f.search("铜材料深加工目标", k=1)[0].citation.place
    kids = m.search("孩子上幼儿园难怎么解决", k=3)
    assert any('切实解决“入园难”问题' in h.passage.text for h in kids)
    assert any("老旧小区" in h.passage.text for h in m.search("老旧小区改造", k=3))


def test_filters_search_inside_milvus(pair):
    f, m, _ = pair
    hits = m.search("老旧小区改造", k=5, chapter=6)
    assert hits and all(h.passage.chapter == 6 for h in hits)
    assert _ids(hits)[0] in _ids(f.search("老旧小区改造", k=5, chapter=6))[:2]
    assert m.search("铜材料深加工目标", k=5, chapter=2, section=2)[0].passage.section == 2


def test_reopen_gives_the_same_answers(pair):
    f, m, root = pair
    again = KnowledgeBase.open(root / "milvus", model="hash")
    for q in QUERIES:
        assert _ids(again.search(q, k=5)) == _ids(m.search(q, k=5))
    r = again.ask("铜材料深加工目标")
    assert r.answer is not None and r.answer.text == f.ask("铜材料深加工目标").answer.text


def test_env_selects_backend_and_uri(lite, tmp_path, monkeypatch):
    corpus = _corpus(tmp_path)
    db = tmp_path / "elsewhere" / "kb.db"
    monkeypatch.setenv("KB_BACKEND", "milvus")
    monkeypatch.setenv("KB_MILVUS_URI", str(db))
    kb = KnowledgeBase.build([corpus], tmp_path / "index", model="hash")
    assert kb.manifest["backend"] == "milvus" and db.exists()
    assert json.loads((current_folder(tmp_path / "index") / "milvus.json").read_text(encoding="utf-8"))["uri"] == str(db.resolve())
    assert kb.search("老旧小区改造", k=3)


def test_rebuild_replaces_collections_and_keeps_two_indexes_apart(lite, tmp_path):
    from kb.store.milvus import connect
    corpus = _corpus(tmp_path)
    KnowledgeBase.sync([corpus], tmp_path / "a", model="hash", backend="milvus")
    KnowledgeBase.sync([corpus], tmp_path / "b", model="hash", backend="milvus")
    meta_a = json.loads((current_folder(tmp_path / "a") / "milvus.json").read_text(encoding="utf-8"))
    meta_b = json.loads((current_folder(tmp_path / "b") / "milvus.json").read_text(encoding="utf-8"))
    assert set(meta_a["collections"].values()).isdisjoint(meta_b["collections"].values())
    for _ in range(2):
        KnowledgeBase.sync([corpus], tmp_path / "a", model="hash", backend="milvus", replace=True)
    client = connect(meta_a["uri"])
    prefix = meta_a["prefix"]
    live = json.loads((current_folder(tmp_path / "a") / "milvus.json").read_text(encoding="utf-8"))["collections"]
    mine = [c for c in client.list_collections() if c.startswith(prefix + "_")]
    assert set(live.values()) <= set(mine) and len(mine) <= 4   # the live generation and at most the one before
    assert KnowledgeBase.open(tmp_path / "a", model="hash").search("老旧小区改造", k=3)
    assert KnowledgeBase.open(tmp_path / "b", model="hash").search("老旧小区改造", k=3)


def test_missing_collection_says_what_to_run(lite, tmp_path):
    from kb.store.milvus import connect
    corpus = _corpus(tmp_path)
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="milvus")
    meta = json.loads((current_folder(tmp_path / "index") / "milvus.json").read_text(encoding="utf-8"))
    connect(meta["uri"]).drop_collection(meta["collections"]["passages"])
    with pytest.raises(IndexCorrupt, match="KB_BACKEND=milvus kb ingest corpus --replace"):
        KnowledgeBase.open(tmp_path / "index", model="hash")
    # the advice works: a forced rebuild brings the index back
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="milvus", replace=True)
    assert KnowledgeBase.open(tmp_path / "index", model="hash").search("老旧小区改造", k=3)
    (current_folder(tmp_path / "index") / "milvus.json").unlink()
    with pytest.raises(IndexCorrupt, match="milvus.json"):
        KnowledgeBase.open(tmp_path / "index", model="hash")


def test_reingest_without_kb_backend_keeps_milvus(lite, tmp_path, monkeypatch):
    """The index folder remembers its backend: a plain `kb ingest` does not rebuild a Milvus index as FAISS."""
    monkeypatch.delenv("KB_BACKEND", raising=False)
    corpus = _corpus(tmp_path)
    idx = tmp_path / "index"
    KnowledgeBase.sync([corpus], idx, model="hash", backend="milvus")
    assert KnowledgeBase.sync([corpus], idx, model="hash").up_to_date
    (corpus / "parks.txt").write_text("第一章 绿化\n\n全区新建口袋公园10个，绿化覆盖率达到40%。\n", encoding="utf-8")
    stats = KnowledgeBase.sync([corpus], idx, model="hash")
    kb = KnowledgeBase.open(idx, model="hash")
    assert kb.manifest["backend"] == "milvus" and kb.store.name == "milvus" and stats.embedded == 1
    assert not list(idx.rglob("dense.faiss")) and not list(idx.rglob("bm25_*"))
    assert any("口袋公园10个" in h.passage.text for h in kb.search("口袋公园", k=3))


def test_unreachable_server_is_backend_unavailable(lite, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_MILVUS_URI", "http://127.0.0.1:9")
    monkeypatch.setenv("KB_MILVUS_TIMEOUT", "2")
    with pytest.raises(BackendUnavailable, match="cannot reach Milvus"):
        KnowledgeBase.sync([_corpus(tmp_path)], tmp_path / "index", model="hash", backend="milvus")


@pytest.mark.model
@pytest.mark.slow
def test_dev_eval_within_two_points_of_faiss(lite, real_index, dev_path, tmp_path_factory):
    """The real model on the dev set: Milvus's hit@5 and MRR@10 stay within 0.02 of the default backend's."""
    root = tmp_path_factory.mktemp("milvus-real")
    corpus = _corpus(root)
    KnowledgeBase.sync([corpus], root / "index", model="m3e-small", backend="milvus")
    kbs = {"faiss": KnowledgeBase.open(real_index, model="m3e-small"),
           "milvus": KnowledgeBase.open(root / "index", model="m3e-small")}
    qs = evaluate.load_questions(dev_path)
    got, p50 = {}, {}
    for name, kb in kbs.items():
        kb.ask("预热", k=10)
        lat = []

        def product(q, kb=kb, lat=lat):
            t = time.perf_counter()
            r = kb.ask(q, k=10)
            lat.append(time.perf_counter() - t)
            return evaluate.result_texts(r)
        got[name] = evaluate.evaluate(qs, product, k=10).to_json(0, 0, 0)
        p50[name] = 1000 * float(np.median(lat))
    print({n: {k: got[n][k] for k in ("hit@1", "hit@5", "mrr@10", "answer_hit")} | {"p50_ms": round(p50[n], 1)}
           for n in got})
    for key in ("hit@5", "mrr@10"):
        assert got["milvus"][key] >= got["faiss"][key] - 0.02, (key, got)
