"""Grid-search the fusion weights on an eval file (signals computed once per question). Not a test."""
from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb import KnowledgeBase  # noqa: E402
from kb.evaluation import metrics as evaluate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--index", default="index")
    a = ap.parse_args()
    kb = KnowledgeBase.open(a.index)
    qs = evaluate.load_questions(a.file)
    cache = {q.question: kb.query_signals(q.question) for q in qs}          # the ranking hook: signals once
    grid = {"dense": [1.0], "words": [0.4, 0.6, 0.8], "bigrams": [0.4, 0.6, 0.8],
            "titles": [0.0, 0.2], "section": [0.3, 0.4, 0.6, 0.8]}
    rows = []
    for values in itertools.product(*grid.values()):
        cfg = replace(kb.config.fusion, **dict(zip(grid, values)))

        def search(text, cfg=cfg):
            r = kb.ask(text, k=10, fusion=cfg, signals=cache[text])      # ranked and answered exactly as ask()
            return (*evaluate.result_texts(r), r.answerable)
        rep = evaluate.evaluate(qs, search).to_json(0, 0, 0)
        rows.append((rep["mrr@10"], rep["hit@5"], rep["hit@1"], rep["answer_hit"], dict(zip(grid, values))))
    rows.sort(key=lambda r: r[:3], reverse=True)
    for r in rows[:15]:
        print(f"mrr {r[0]:.3f} hit5 {r[1]:.3f} hit1 {r[2]:.3f} ans {r[3]:.3f}  {r[4]}")


if __name__ == "__main__":
    main()
