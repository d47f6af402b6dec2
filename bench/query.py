"""Query latency of the product (kb.ask) against the dense-chunk peer, and throughput under threads."""

from __future__ import annotations

import argparse
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEV_SET,
    format_rows,
    load_model,
    open_kb_or_exit,
    percentile_ms,
    raw_corpus_text,
)
from kb.evaluation.metrics import load_questions  # noqa: E402


def timed_pair(a, b, queries: list[str]) -> tuple[list[float], list[float]]:
    """Seconds per call of a(query) and b(query), interleaved so both see the same machine load."""
    ta, tb = [], []
    for q in queries:
        for fn, out in ((a, ta), (b, tb)):
            t = time.perf_counter()
            fn(q)
            out.append(time.perf_counter() - t)
    return ta, tb


def throughput(fn, queries: list[str], threads: int) -> float:
    """Queries per second with `threads` workers sharing one object."""
    t = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(fn, queries))
    return len(queries) / (time.perf_counter() - t)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=100, help="timed queries per system (default 100)")
    ap.add_argument("--k", type=int, default=10, help="passages per query (default 10)")
    ap.add_argument("--questions", default=str(DEV_SET), help="JSONL question file to draw queries from")
    ap.add_argument("--index", default=None, help="index folder (default: the product's default)")
    ap.add_argument("--threads", default=None, help="comma list, e.g. 1,2,8: report queries/s per thread count")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("--n must be at least 1")
    threads = None
    if args.threads:
        try:
            threads = [int(x) for x in args.threads.split(",") if x.strip()]
        except ValueError:
            ap.error("--threads takes a comma list of integers, e.g. 1,2,8")
        if not threads or min(threads) < 1:
            ap.error("--threads takes positive integers")

    kb = open_kb_or_exit(args.index)
    try:
        questions = [q.question for q in load_questions(args.questions)]
    except ValueError as e:
        print(e, file=sys.stderr)
        return 1
    queries = random.Random(args.seed).choices(questions, k=args.n)

    def product(q: str):
        return kb.ask(q, k=args.k)

    warmup = list(dict.fromkeys(questions))  # every distinct query once: torch pays for each new input shape
    if threads:
        for q in warmup:
            product(q)
        rows = []
        base = None
        for t in threads:
            qps = throughput(product, queries, t)
            base = base or qps
            rows.append([str(t), f"{qps:.1f}", f"{qps / base:.2f}x"])
        print(f"product kb.ask throughput, {args.n} queries from {Path(args.questions).name}, one KnowledgeBase")
        print(format_rows(["threads", "queries/s", f"vs {threads[0]} thread(s)"], rows))
        return 0

    from kb.evaluation.peers import DensePeer, raw_chunks

    print("building the dense-chunk peer (250/50 chunks, same model)...", file=sys.stderr)
    peer = DensePeer(raw_chunks(raw_corpus_text()), load_model(), name="dense-chunk")

    def chunk_peer(q: str):
        return peer.search(q, args.k)

    print(f"warming up on {len(warmup)} distinct queries...", file=sys.stderr)
    for q in warmup:
        product(q)
        chunk_peer(q)

    p, c = timed_pair(product, chunk_peer, queries)
    stats = {name: (percentile_ms(s, 50), percentile_ms(s, 95)) for name, s in (("product", p), ("peer", c))}
    rows = [
        ["product (kb.ask: search + answer)", f"{stats['product'][0]:.1f}", f"{stats['product'][1]:.1f}"],
        ["dense-chunk peer (encode + FAISS)", f"{stats['peer'][0]:.1f}", f"{stats['peer'][1]:.1f}"],
        ["ratio product / peer", f"{stats['product'][0] / stats['peer'][0]:.2f}x",
         f"{stats['product'][1] / stats['peer'][1]:.2f}x"],
    ]
    print(f"{args.n} queries from {Path(args.questions).name}, k={args.k}, same process, interleaved, after warm-up")
    print(format_rows(["system", "p50 ms", "p95 ms"], rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
