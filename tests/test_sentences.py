"""The sentence-level dense signal: units, files in the index folder, reuse, and repair of damaged files."""

import numpy as np
import pytest

from kb import KnowledgeBase
from kb.cli import main
from kb.errors import IndexCorrupt
from kb.store.signals import sentence_units
from kb.store.folder import current_folder



def test_units_read_a_lead_phrase_with_its_sentence(outline_passages):
    texts, owner = sentence_units(outline_passages)
    assert len(texts) == len(owner) > len(outline_passages)
    # 铜材料深加工。 alone would match every question naming the topic: it is embedded with what follows
    assert "铜材料深加工。" not in texts
    assert any(t.startswith("铜材料深加工。") and len(t) > 20 for t in texts)
    assert not any(outline_passages[i].kind == "row" for i in owner)
    for t, i in zip(texts, owner):
        assert t in outline_passages[i].text                   # verbatim pieces of their passage


def test_one_splitter_cuts_for_passages_answers_units_and_targets(outline_passages):
    """Every caller's sentence boundaries are the one splitter's (ingest.sentences): the sentence signal's units
    and the answer's sentences end where it ends a sentence, targets where it ends one with its clauses kept."""
    from ingest import sentences
    from kb.targets import sentences as target_sentences
    from kb.store.signals import unit_spans
    text = "到“十四五”末，学前三年毛入园率达到97%以上；学前一年毛入园率超过99%。要求“应改尽改。”建设“智慧卫滨”！"
    assert [text[a:b] for a, b in sentences(text)] == [
        "到“十四五”末，学前三年毛入园率达到97%以上；", "学前一年毛入园率超过99%。", "要求“应改尽改。”", "建设“智慧卫滨”！"]
    assert [s for _, s in target_sentences(text)] == [
        "到“十四五”末，学前三年毛入园率达到97%以上；学前一年毛入园率超过99%。", "要求“应改尽改。”", "建设“智慧卫滨”！"]
    for p in outline_passages:
        ends = {b for _, b in sentences(p.text)}
        assert {b for _, b in unit_spans(p)} <= ends
        whole = {b for _, b in sentences(p.text, semicolons=False)}
        assert whole <= ends
        assert {off + len(s) for off, s in target_sentences(p.text)} <= whole | {len(p.text.rstrip())}


def test_sentences_are_stored_and_reused(corpus, tmp_path):
    idx = tmp_path / "index"
    first = KnowledgeBase.sync([corpus], idx, model="hash")
    kb = KnowledgeBase.open(idx, model="hash")
    vecs = np.load(current_folder(idx) / "sentences.npy")
    assert vecs.shape[0] == np.load(current_folder(idx) / "sentence_of.npy").shape[0] == len(kb.sentences.owner) > 0
    q = kb.embedder.encode_query("老旧小区改造")
    assert kb.signals(__import__("kb").query.parse("老旧小区改造"))["sentences"].shape == (len(kb.passages),)
    assert np.isfinite(kb.sentences.scores(q, len(kb.passages))).sum() > 0
    again = KnowledgeBase.sync([corpus], idx, model="hash", replace=True)
    assert first.embedded > 0 and again.embedded == 0
    assert np.array_equal(np.load(current_folder(idx) / "sentences.npy"), vecs)


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_damaged_sentence_vectors_are_repaired_by_the_advised_command(corpus, tmp_path, capsys, damage, monkeypatch):
    monkeypatch.chdir(corpus.parent)                          # the advice names the folder `corpus`
    idx = tmp_path / "index"
    KnowledgeBase.sync(["corpus"], idx, model="hash")
    f = current_folder(idx) / "sentences.npy"
    if damage == "delete":
        f.unlink()
    elif damage == "truncate":
        f.write_bytes(f.read_bytes()[:100])
    else:
        f.write_bytes(b"\x00garbage" * 50)
    with pytest.raises(IndexCorrupt, match=f"repair it with `kb --index {idx} repair`"):
        KnowledgeBase.open(idx, model="hash")
    assert main(["--index", str(idx), "--model", "hash", "repair"]) == 0
    r = KnowledgeBase.open(idx, model="hash").ask("老旧小区改造", k=3)
    assert r.hits and "老旧小区" in r.hits[0].passage.text
