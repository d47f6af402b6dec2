"""Recall@10 of the HNSW index against exact search, and where exact search gets too slow (exact_up_to).

At each scale it reads the embeddings.npy that bench/scale.py built (building the index if it is missing),
builds faiss IndexFlatIP and IndexHNSWFlat with kb/config.py IndexCfg parameters, and queries both with the dev
questions' vectors and random passages' vectors. A sweep then times exact search on larger synthetic sets
(the largest real set tiled with small noise) to find the size where its p50 passes a latency budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile_ms  # noqa: E402
from bench.scale import WORKDIR, corpus_dir, index_dir, machine, queries, write_section  # noqa: E402



def flat(vectors: np.ndarray):
    import faiss
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    return index


def hnsw(vectors: np.ndarray, m: int, ef_search: int):
    import faiss
    from kb.config import IndexCfg
    index = faiss.IndexHNSWFlat(vectors.shape[1], m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = IndexCfg().hnsw_ef_construction       # as kb/store/faiss.Dense.build
    index.add(vectors)
    index.hnsw.efSearch = ef_search
    return index


def search_one_by_one(index, qs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """Scores, ids and seconds per query, one query per call as the product searches."""
    sims = np.zeros((len(qs), k), np.float32)
    ids = np.zeros((len(qs), k), np.int64)
    secs = []
    for i, q in enumerate(qs):
        t = time.perf_counter()
        s, j = index.search(q.reshape(1, -1), k)
        secs.append(time.perf_counter() - t)
        sims[i], ids[i] = s[0], j[0]
    return sims, ids, secs


def recall(exact_ids, exact_sims, approx_ids, approx_sims, k: int = 10) -> tuple[float, float]:
    """(id recall@k, tie-aware recall@k). The synthetic copies repeat passages verbatim, so several vectors can
    share the 10th score; tie-aware counts an approximate hit as right when its score reaches the exact 10th."""
    by_id = np.mean([len(set(a[:k]) & set(e[:k])) / k for a, e in zip(approx_ids, exact_ids)])
    kth = exact_sims[:, k - 1:k] - 1e-5
    tie = np.mean((approx_sims[:, :k] >= kth).sum(axis=1) / k)
    return float(by_id), float(tie)


def load_vectors(workdir: Path, scale: int, model: str) -> np.ndarray:
    """The passage vectors of the faiss index at this scale (built here when bench/scale.py has not)."""
    from kb.store.folder import current_folder
    folder = index_dir(workdir, scale, "faiss", model)
    if current_folder(folder) is None:
        from bench import synth
        from kb import KnowledgeBase
        synth.make(scale, corpus_dir(workdir, scale))
        print(f"x{scale}: no index at {folder}; building it...", file=sys.stderr)
        KnowledgeBase.sync([corpus_dir(workdir, scale)], index_dir=folder, model=model, replace=True)
    return np.ascontiguousarray(np.load(current_folder(folder) / "embeddings.npy"), dtype=np.float32)


def grow(base: np.ndarray, n: int, seed: int = 0, noise: float = 0.02) -> np.ndarray:
    """n unit vectors: the base set repeated, each repeat jittered by gaussian noise and renormalised."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), np.float32)
    for s in range(0, n, len(base)):
        e = min(n, s + len(base))
        v = base[:e - s] + rng.normal(0, noise, (e - s, base.shape[1])).astype(np.float32) * (s > 0)
        out[s:e] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def fmt_n(n: int) -> str:
    return f"{n:,}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="1,10,100", help="comma list of corpus multiples (default 1,10,100)")
    ap.add_argument("--model", default="m3e-small", help="embedding model of the indexes (default m3e-small)")
    ap.add_argument("--random", type=int, default=200, help="random passages used as queries (default 200)")
    ap.add_argument("--sweep", default="30000,100000,200000,400000",
                    help="sizes for the exact-search timing sweep (default 30000,100000,200000,400000; '' to skip)")
    ap.add_argument("--hnsw-sweep-up-to", type=int, default=100000,
                    help="also build HNSW in the sweep up to this size (default 100000)")
    ap.add_argument("--budget-ms", type=float, default=20.0, help="latency budget for one exact search (default 20)")
    ap.add_argument("--workdir", default=str(WORKDIR))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-write", action="store_true", help="print only; do not update docs/BENCH.md")
    args = ap.parse_args(argv)
    scales = [int(x) for x in args.scales.split(",") if x.strip()]
    sweep = [int(x) for x in args.sweep.split(",") if x.strip()]

    from kb.config import load_config
    from kb.embed import load_embedder
    cfg = load_config().index
    candidates = load_config().fusion.candidates
    workdir = Path(args.workdir)
    embedder = load_embedder(args.model)
    _, distinct = queries(1, args.seed)
    dev_q = np.ascontiguousarray(np.stack([embedder.encode_query(q) for q in distinct]), dtype=np.float32)
    rng = np.random.default_rng(args.seed)

    rows, base = [], None
    for scale in scales:
        vecs = load_vectors(workdir, scale, args.model)
        base = vecs
        n = len(vecs)
        pick = rng.choice(n, size=min(args.random, n), replace=False)
        ex = flat(vecs)
        t = time.perf_counter()
        hn = hnsw(vecs, cfg.hnsw_m, cfg.hnsw_ef_search)
        build_s = time.perf_counter() - t
        for label, qs in (("dev questions", dev_q), (f"{len(pick)} random passages", vecs[pick])):
            es, ei, et = search_one_by_one(ex, qs, 10)
            hs, hi, ht = search_one_by_one(hn, qs, 10)
            _, _, ep = search_one_by_one(ex, qs, min(n, n if n <= 20000 else candidates * 4))
            r_id, r_tie = recall(ei, es, hi, hs)
            rows.append([f"{scale}×", fmt_n(n), f"{label} ({len(qs)})", f"{r_id:.3f}", f"{r_tie:.3f}",
                         f"{percentile_ms(et, 50):.2f}", f"{percentile_ms(ep, 50):.2f}",
                         f"{percentile_ms(ht, 50):.2f}", f"{percentile_ms(ht, 95):.2f}", f"{build_s:.1f}"])
            print(" | ".join(rows[-1]), file=sys.stderr)

    sweep_rows, points = [], []
    qs_all = np.concatenate([dev_q, base[rng.choice(len(base), size=min(60, len(base)), replace=False)]])
    for n in sweep:
        vecs = grow(base, n, args.seed)
        ex = flat(vecs)
        es, ei, et = search_one_by_one(ex, qs_all, 10)
        _, _, ep = search_one_by_one(ex, qs_all, candidates * 4)
        p50, p95 = percentile_ms(et, 50), percentile_ms(et, 95)
        points.append((n, percentile_ms(ep, 50)))
        cells = [fmt_n(n), f"{p50:.2f}", f"{p95:.2f}", f"{percentile_ms(ep, 50):.2f}"]
        if n <= args.hnsw_sweep_up_to:
            t = time.perf_counter()
            hn = hnsw(vecs, cfg.hnsw_m, cfg.hnsw_ef_search)
            b = time.perf_counter() - t
            hs, hi, ht = search_one_by_one(hn, qs_all, 10)
            r_id, r_tie = recall(ei, es, hi, hs)
            cells += [f"{percentile_ms(ht, 50):.2f}", f"{r_tie:.3f}", f"{b:.0f}"]
        else:
            cells += ["—", "—", "—"]
        sweep_rows.append(cells)
        print(" | ".join(cells), file=sys.stderr)
        del vecs, ex

    crossing = ""
    if len(points) >= 2:
        ns, ms = np.array([p[0] for p in points], float), np.array([p[1] for p in points], float)
        slope, icpt = np.polyfit(ns, ms, 1)
        at = (args.budget_ms - icpt) / slope if slope > 0 else float("inf")
        over = next((n for n, m in points if m > args.budget_ms), None)
        crossing = (f"Exact search with the product's candidate depth (k = {candidates * 4}) grows"
                    f" {slope * 1e6:.1f} ms per million vectors (+{icpt:.2f} ms) on this machine, so its p50 reaches"
                    f" {args.budget_ms:.0f} ms at about **{at:,.0f} passages**"
                    + (f" (first measured size above it: {over:,})." if over else " (beyond the sweep: extrapolated)."))

    head = ["scale", "vectors", "queries", "recall@10 (ids)", "recall@10 (ties)", "exact p50 ms (k=10)",
            "exact p50 ms (product k)", "HNSW p50 ms", "HNSW p95 ms", "HNSW build s"]
    shead = ["vectors", "exact p50 ms (k=10)", "exact p95 ms (k=10)", f"exact p50 ms (k={candidates * 4})",
             "HNSW p50 ms", "HNSW recall@10 (ties)", "HNSW build s"]
    md = lambda h, rs: "\n".join(["| " + " | ".join(h) + " |", "|" + "|".join("---" for _ in h) + "|",  # noqa: E731
                                  *("| " + " | ".join(r) + " |" for r in rs)])
    text = "\n".join([
        f"### HNSW recall against exact search (`bench/recall.py --scales {args.scales} --model {args.model}`)",
        "",
        f"Machine: {machine()}. HNSW: M={cfg.hnsw_m}, efConstruction={cfg.hnsw_ef_construction}, efSearch={cfg.hnsw_ef_search}"
        " (kb/config.py IndexCfg); exact: IndexFlatIP. Each query is searched alone (as `kb.ask` does). Recall (ids):"
        " share of the exact top-10 ids the HNSW returns; recall (ties): share of HNSW top-10 whose score reaches"
        " the exact 10th score (the synthetic copies repeat many passages verbatim, so equal vectors tie)."
        " Product k: the depth `Dense.scores` asks for (every passage up to 20,000, else candidates×4).",
        "",
        md(head, rows),
        "",
        f"Exact-search sweep: the {len(base):,} vectors of the largest scale, repeated with gaussian noise"
        f" (σ=0.02, renormalised) to each size; {len(qs_all)} queries (dev questions + random passages).",
        "",
        md(shead, sweep_rows) if sweep_rows else "(sweep skipped)",
        "",
        crossing,
    ])
    print(text)
    if not args.no_write:
        write_section(f"recall-{args.model}", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
