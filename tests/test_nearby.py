"""The `nearby` signal (the document's own words nearest a question in meaning) and the sentence's meaning in
answer selection: files in the index folder, agreement with bm25s, reuse, older indexes, and the answer rule."""
import json

import numpy as np

from ingest.records import Passage
from kb import KnowledgeBase
from kb import answer as answering, query as querying
from kb.config import AnswerCfg
from kb.records import Citation, Hit
from kb.store.folder import current_folder
from kb.store.signals import VOCABULARY_FILES, Vocabulary, corpora


def test_postings_give_bm25s_scores(outline_passages):
    """A passage's weight for a word is its bm25s score for that word alone (same tokens, formula and k1/b)."""
    import bm25s
    words, indptr, rows, weights = Vocabulary.postings(outline_passages, 1.2, 0.75)
    model = bm25s.BM25(k1=1.2, b=0.75)
    model.index(corpora(outline_passages)[0]["words"], show_progress=False)
    for w in ("老旧小区", "铜加工", "停车场", "公厕", "油烟"):
        i = words.index(w)
        mine = np.zeros(len(outline_passages), dtype=np.float32)
        mine[rows[indptr[i]:indptr[i + 1]]] = weights[indptr[i]:indptr[i + 1]]
        assert np.allclose(mine, model.get_scores([w]), rtol=1e-4, atol=1e-6), w
        assert mine.max() > 0


def test_vocabulary_is_the_documents_words_without_figures_or_stop_words(outline_passages):
    words = Vocabulary.postings(outline_passages, 1.2, 0.75)[0]
    assert {"老旧小区", "停车场", "公厕", "油烟", "铜加工"} <= set(words)
    assert not any(len(w) < 2 or any(c.isdigit() for c in w) for w in words)
    assert not set(words) & querying.stopwords()


def test_nearest_words_leave_out_what_the_question_says(hash_kb):
    v = hash_kb.vocabulary
    q = "老旧小区改造"
    qvec = hash_kb.embedder.encode_query(q)
    near = v.nearest(qvec, 5, q)
    assert len(near) == 5 and not any(w in q for w in near)
    assert v.nearest(qvec, 0, q) == []
    s = v.scores(qvec, 5, q, len(hash_kb.passages))
    assert s.shape == (len(hash_kb.passages),) and 0 < s.max() <= 1.0 + 1e-6       # query coverage


def test_vocabulary_is_stored_listed_and_reused(corpus, tmp_path):
    idx = tmp_path / "index"
    KnowledgeBase.sync([corpus], idx, model="hash")
    gen = current_folder(idx)
    listed = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert set(VOCABULARY_FILES) <= set(listed)
    vecs = np.load(gen / "vocabulary.npy")
    kb = KnowledgeBase.open(idx, model="hash")
    assert kb.vocabulary is not None and vecs.shape == (len(kb.vocabulary.words), kb.embedder.dim)
    assert "nearby" in kb.query_signals("出门找不到停车位")
    KnowledgeBase.sync([corpus], idx, model="hash", replace=True)
    assert np.array_equal(np.load(current_folder(idx) / "vocabulary.npy"), vecs)


def test_an_index_written_before_the_vocabulary_opens_and_the_next_ingest_adds_it(corpus, tmp_path, monkeypatch):
    """An index of the previous version has no vocabulary files: it still answers (without `nearby`), and
    a plain ingest writes them."""
    from kb.cli import main
    monkeypatch.chdir(corpus.parent)
    idx = tmp_path / "index"
    with monkeypatch.context() as m:
        m.setattr(Vocabulary, "save", lambda self, folder: None)        # what the previous version wrote
        KnowledgeBase.sync(["corpus"], idx, model="hash")
    assert not (current_folder(idx) / "vocabulary.npy").exists()
    kb = KnowledgeBase.open(idx, model="hash")
    assert kb.vocabulary is None and "nearby" not in kb.query_signals("老旧小区改造")
    assert kb.ask("老旧小区改造").hits
    assert main(["--index", str(idx), "--model", "hash", "ingest", "corpus"]) == 0
    assert KnowledgeBase.open(idx, model="hash").vocabulary is not None


def _hit(text: str) -> Hit:
    p = Passage(id="d:6.3:p1", doc_id="d", doc_title="纲要", text=text, start=0, end=len(text), chapter=6,
                chapter_title="推进城市更新", section=3, section_title="加快城市有机更新", box=None, box_title=None,
                para=1, page=30)
    return Hit(1, p, 1.0, 0.8, 0.5, Citation.of(p, None))


def test_the_sentence_closest_in_meaning_can_win_over_shared_words():
    """`sentence_dense` adds the sentence's cosine to the question: a question worded unlike the text gets the
    sentence that means what it asks, even when another sentence shares more of its words."""
    text = ("老旧小区改造要统筹推进，坚持政府引导、居民自愿、多方参与，老旧小区改造资金由财政、产权单位和居民多方筹措。"
            "着力解决基础设施老化、功能配套不全、服务管理缺失、环境脏乱差等问题。")
    hit = _hit(text)
    q = querying.parse("老旧小区改造常见的那些毛病打算治哪些")
    second = text.index("着力")
    cosines = lambda h: [(0, second, 0.2), (second, len(text), 0.9)]       # noqa: E731
    plain = answering.extract(q, [hit], AnswerCfg(sentence_dense=0.0), cosines)
    meant = answering.extract(q, [hit], AnswerCfg(sentence_dense=2.0), cosines)
    assert plain.text.startswith("老旧小区改造要统筹推进")
    assert meant.text.startswith("着力解决基础设施老化")
    assert answering.extract(q, [hit], AnswerCfg(sentence_dense=2.0), None).text == plain.text


def test_result_says_whether_the_question_shares_a_word_with_the_documents(hash_kb, capsys, hash_index, tmp_path,
                                                                          monkeypatch):
    from kb.cli import main
    from kb import verdict
    cfg = tmp_path / "loose.toml"          # every answer vouched for: the note is said above a vouched answer
    cfg.write_text("[verdict]\nvouch_at = 0.0\nvouch_at_other_models = 0.0\n", encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(cfg))
    off, on = hash_kb.ask("沟水发绿有味"), hash_kb.ask("老旧小区改造")
    assert off.shares_words is False and off.hits and on.shares_words is True and off.on_topic
    assert off.to_json()["shares_words"] is False
    assert main(["--index", str(hash_index), "--model", "hash", "ask", "沟水发绿有味", "-k", "1"]) == 0
    assert capsys.readouterr().out.startswith(verdict.MESSAGES[verdict.BY_MEANING])
    assert main(["--index", str(hash_index), "--model", "hash", "ask", "老旧小区改造", "-k", "1"]) == 0
    assert "问题里的词" not in capsys.readouterr().out
