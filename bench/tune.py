"""Grid-search the fusion weights on an eval file (signals computed once per question). Not a test."""
from __future__ import annotations

import argparse
import itertools
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kb import KnowledgeBase
from kb.evaluation import metrics as evaluate  # noqa: E402
from kb import answer as answering  # noqa: E402
from kb import query as querying  # noqa: E402
from kb.fusion import fuse, top  # noqa: E402
from kb.records import Citation, Hit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--index", default="index")
    a = ap.parse_args()
    kb = KnowledgeBase.open(a.index)
    qs = evaluate.load_questions(a.file)
    cache = {q.id: (querying.parse(q.question), kb.signals(querying.parse(q.question))) for q in qs}
    grid = {"dense": [1.0], "words": [0.4, 0.6, 0.8], "bigrams": [0.4, 0.6, 0.8],
            "titles": [0.0, 0.2], "section": [0.3, 0.4, 0.6, 0.8]}
    rows = []
    for values in itertools.product(*grid.values()):
        cfg = replace(kb.config.fusion, **dict(zip(grid, values)))

        def search(text, cfg=cfg):
            q, sig = cache[next(x.id for x in qs if x.question == text)]
            fused = fuse(sig, cfg)
            hits = [Hit(r, kb.passages[i], float(fused[i]), None, None, Citation.of(kb.passages[i]))
                    for r, i in enumerate(top(fused, 10), 1)]
            ans = answering.extract(q, hits, kb.config.answer)
            return [h.passage.text for h in hits], ans.text if ans else None
        rep = evaluate.evaluate(qs, search).to_json(0, 0, 0)
        rows.append((rep["mrr@10"], rep["hit@5"], rep["hit@1"], rep["answer_hit"], dict(zip(grid, values))))
    rows.sort(key=lambda r: r[:3], reverse=True)
    for r in rows[:15]:
        print(f"mrr {r[0]:.3f} hit5 {r[1]:.3f} hit1 {r[2]:.3f} ans {r[3]:.3f}  {r[4]}")


if __name__ == "__main__":
    main()
