"""上位依据 / 对照 (KnowledgeBase.related) against a blind gold set, beside two peers, in the same run.

    .venv/bin/python bench/related.py [--part tune|test|all] [--unit sentence|passage] [--index /tmp/kb-related] [--sweep] [--cost]

The gold set (eval/related/, written blind from the texts by people who never ran the product): each line is a
sentence of one document and the sentences of the other documents that state the same measure or target (or none).
The index holds the outline (corpus/) and the documents of eval/related/docs/, embedded with the product's model;
it is built once into --index.

For each line, the passage holding the sentence is asked for the counterparts of that sentence (k = 3;
`--unit passage`: of the whole passage, the sentence's line still being the gold):
- precision@3: of all the passages returned, the share that hold a gold counterpart (a passage returned for a
  sentence with no counterpart is wrong);
- recall@3: for lines with counterparts, the share of their counterpart passages (at most 3) among those returned;
- none right: of the lines with no counterpart, the share for which nothing is returned.
Peers, asked with the same text (the sentence unit(s) of the passage holding the line's sentence, or the whole
passage): plain cross-document dense kNN (cosine of its vector to the passage vectors, the 3 nearest passages of the
other documents; with the product's model, and with the restatement model multilingual-e5-small over the passages
embedded by it in this run) and BM25 (its words as the query over the other documents' passages, the 3 best). `--sweep`
prints the product's figures over the [related] settings (tune on the tune part only).
"""
from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.common import ROOT  # noqa: E402
from kb.embed import e5  # noqa: E402

GOLD = ROOT / "eval" / "related"


def norm(s: str) -> str:
    """Letters, digits and ideographs only: the gold copies the raw files (the outline's half-width commas, breaks
    and stray spaces), the index holds their cleaned text."""
    return re.sub(r"[\W_]", "", s)


def load(part: str) -> list[dict]:
    name = {"tune": "tune.jsonl", "test": "test.jsonl", "all": "pairs.jsonl"}[part]
    return [json.loads(l) for l in (GOLD / name).read_text(encoding="utf-8").splitlines() if l.strip()]


def open_index(index: Path):
    from kb import KnowledgeBase
    docs = [ROOT / "corpus"] + sorted((GOLD / "docs").glob("*.txt"))
    KnowledgeBase.sync(docs, index)
    return KnowledgeBase.open(index)


def cost() -> int:
    """What the restatement vectors cost: the gold set's documents indexed from nothing, twice in one run, without
    and with them (the m3e-small vectors are embedded both times)."""
    import tempfile
    import time
    from kb import KnowledgeBase
    docs = [ROOT / "corpus"] + sorted((GOLD / "docs").glob("*.txt"))
    seconds = {}
    for name, on in (("without", False), ("with", True)):
        real = e5.available
        e5.available = (lambda: False) if not on else real
        try:
            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter()
                KnowledgeBase.sync(docs, Path(d) / "index")
                seconds[name] = time.perf_counter() - t
                units = len(KnowledgeBase.open(Path(d) / "index").sentences.vectors)
        finally:
            e5.available = real
    print(f"first ingest of the outline and {len(docs) - 1} documents ({units} sentences): without restatement"
          f" vectors {seconds['without']:.1f} s, with them {seconds['with']:.1f} s"
          f" ({seconds['with'] / seconds['without']:.2f}x)")
    return 0


def holding(kb, doc: str, quote: str) -> list[str]:
    q = norm(quote)
    return [p.id for p in kb.passages if p.doc_id == doc and q in norm(p.text)]


def asked(kb, pid: str, quote: str | None) -> str:
    """The text a line asks about: the sentence unit(s) of the passage the quote overlaps, or the whole passage."""
    from kb.answer import locate
    p = kb.passage(pid)
    if quote is None:
        return p.text
    a, b = locate(p.text, quote)
    spans = [(s, e) for s, e in kb.related_sentences(pid) if s < b and a < e] or [(a, b)]
    return p.text[spans[0][0]:spans[-1][1]]


def peers(kb, pid: str, text: str, k: int = 3) -> dict[str, list[str]]:
    from kb import knowledge
    p = kb.passage(pid)
    others = kb._meta["doc"] != p.doc_id
    q = knowledge.querying.parse(text[:knowledge.querying.MAX_QUERY_CHARS])
    qvec = np.asarray(kb.embedder.encode_passages([f"{p.heading_path}\n{text}"])[0], dtype=np.float32)
    sig = kb.signals(q, others, qvec)
    if E5_PASSAGES:                         # the restatement model as a plain dense peer too
        sig["e5"] = E5_PASSAGES[0] @ e5.encode([f"{p.heading_path}\n{text}"])[0]
    out = {}
    for name, key in (("dense kNN", "dense"), ("dense kNN, e5", "e5"), ("BM25", "words")):
        if key not in sig:
            continue
        s = np.where(others & np.isfinite(sig[key]), sig[key], -np.inf)
        order = [int(i) for i in np.argsort(-s)[:k] if np.isfinite(s[i]) and (key != "words" or s[i] > 0)]
        out[name] = [kb.passages[i].id for i in order]
    return out


E5_PASSAGES: list[np.ndarray] = []          # every passage embedded by the restatement model, once per run


def e5_peer(kb) -> None:
    from kb.store.signals import embed_text
    if e5.available() and not E5_PASSAGES:
        E5_PASSAGES.append(e5.encode([embed_text(p) for p in kb.passages]))


def score(rows: list[tuple[list[str], set[str]]]) -> dict:
    returned = sum(len(r) for r, _ in rows)
    right = sum(len(set(r) & g) for r, g in rows)
    with_cp = [(r, g) for r, g in rows if g]
    none = [(r, g) for r, g in rows if not g]
    recall = [len(set(r) & g) / min(len(g), 3) for r, g in with_cp]
    return {"precision@3": right / returned if returned else None,
            "recall@3": sum(recall) / len(recall) if recall else None,
            "none right": sum(1 for r, _ in none if not r) / len(none) if none else None,
            "returned": returned, "lines": len(rows), "with counterparts": len(with_cp)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="tune", choices=["tune", "test", "all"])
    ap.add_argument("--index", default="/tmp/kb-related-index")
    ap.add_argument("--unit", default="sentence", choices=["sentence", "passage"])
    ap.add_argument("--sweep", action="store_true")
    ap.add_argument("--cost", action="store_true", help="time a first ingest without and with restatement vectors")
    a = ap.parse_args()
    if a.cost:
        return cost()
    kb = open_index(Path(a.index))
    lines, skipped = [], []
    for g in load(a.part):
        src = holding(kb, g["doc"], g["quote"])
        gold = {pid for c in g["counterparts"] for pid in holding(kb, c["doc"], c["quote"])}
        if len(src) != 1 or (g["counterparts"] and not gold):
            skipped.append(g["id"])
            continue
        lines.append((g, src[0], gold, g["quote"] if a.unit == "sentence" else None))
    print(f"gold part {a.part}, asked by {a.unit}: {len(lines)} lines used, {len(skipped)} skipped (quote not in exactly one passage):"
          f" {', '.join(skipped[:12])}")
    e5_peer(kb)
    results = {"product": [], "dense kNN": [], "BM25": []} | ({"dense kNN, e5": []} if E5_PASSAGES else {})
    for g, pid, gold, quote in lines:
        results["product"].append(([h.passage.id for h in kb.related(pid, k=3, sentence=quote)], gold))
        for name, got in peers(kb, pid, asked(kb, pid, quote)).items():
            results[name].append((got, gold))
    print("| system | precision@3 | recall@3 | none right | returned |")
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        s = score(rows)
        f = lambda x: "–" if x is None else f"{x:.3f}"  # noqa: E731
        print(f"| {name} | {f(s['precision@3'])} | {f(s['recall@3'])} | {f(s['none right'])} | {s['returned']} |")
    if a.sweep:
        base = kb.config
        if kb.sentences.second is not None:             # the index holds restatement vectors: their settings
            grid = [dict(restate_share=m, restate_measure=t, min_shared=shared, restate_weight=w)
                    for m, t, shared, w in itertools.product((0.5, 0.75, 0.9, 1.0), (0.88, 0.89, 0.90, 0.91, 0.92),
                                                             (0.05, 0.1, 0.15), (1.0, 3.0))]
        else:
            grid = [dict(sentence_measure=t, min_shared=shared, meaning_weight=w)
                    for t, shared, w in itertools.product((0.76, 0.78, 0.80, 0.82), (0.05, 0.1, 0.15), (0.3, 1.0, 3.0))]
        for settings in grid:
            kb.config = dataclasses.replace(base, related=dataclasses.replace(base.related, **settings))
            s = score([([h.passage.id for h in kb.related(pid, k=3, sentence=quote)], gold)
                       for _, pid, gold, quote in lines])
            print(" ".join(f"{k} {v:.2f}" for k, v in settings.items()) + ": precision@3"
                  f" {s['precision@3'] or 0:.3f} recall@3 {s['recall@3'] or 0:.3f} none right {s['none right'] or 0:.3f}"
                  f" returned {s['returned']}")
        kb.config = base
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
