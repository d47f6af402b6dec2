"""The `kb` command line: ingest, ask, toc, eval, ls, rm. Errors become one line and a non-zero exit."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from ingest import BadDocument, cn

from . import KBError, KnowledgeBase
from .config import default_index_dir
from .errors import BadQuery


def _print_progress(frac: float, msg: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{int(frac * 100):3d}% {msg:<30}", end="", file=sys.stderr, flush=True)


def cmd_ingest(a) -> int:
    paths = a.paths or ["corpus"]
    stats = KnowledgeBase.sync(paths, a.index, a.model, progress=_print_progress, replace=a.replace)
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if stats["up_to_date"]:
        print(f"index {a.index or default_index_dir()} is up to date: {stats['documents']} documents,"
              f" {stats['passages']} passages, nothing re-embedded ({stats['seconds'] * 1000:.0f} ms)")
    else:
        print(f"indexed {stats['documents']} documents ({stats['parsed']} parsed, {stats['reused_docs']} unchanged),"
              f" {stats['passages']} passages, {stats['embedded']} embedded with {stats['model']}"
              f" in {stats['seconds']:.1f} s (parse {stats['parse_s']:.2f} s, embed {stats['embed_s']:.1f} s,"
              f" index {stats['index_s']:.2f} s) → {a.index or default_index_dir()}")
    for reason in stats.get("skipped", []):
        print(f"kb: skipped {reason}", file=sys.stderr)
    return 1 if stats.get("skipped") else 0


def _open(a) -> KnowledgeBase:
    return KnowledgeBase.open(a.index, model=a.model)


def _print_result(res, as_json: bool) -> None:
    if as_json:
        print(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
        return
    if res.answer:
        print(f"答：{res.answer.text}\n   —— {res.answer.citation.text}\n")
    if not res.hits:
        print("没有找到相关段落。")
    for h in res.hits:
        p = h.passage
        print(f"[{h.rank}] {p.heading_path}（第{p.page}页）  score {h.score:.3f}")
        print(f"    {p.text}")
        print(f"    —— {h.citation.text}\n")


def cmd_ask(a) -> int:
    kb = _open(a)
    filters = dict(chapter=a.chapter, section=a.section, box=a.box, doc=a.doc)
    if a.query:
        _print_result(kb.ask(" ".join(a.query), k=a.k, **filters), a.json)
        return 0
    print("规划纲要知识库 — 输入问题，回车检索；空行或 Ctrl-D 退出。")
    while True:
        try:
            q = input("问> ")
        except EOFError:
            print()
            return 0
        if not q.strip():
            return 0
        try:
            _print_result(kb.ask(q, k=a.k, **filters), a.json)
        except BadQuery as e:
            print(f"kb: {e}")


def cmd_toc(a) -> int:
    kb = _open(a)
    docs = [kb.document(a.doc)] if a.doc else kb.documents
    for d in docs:
        print(f"《{d.title}》")
        boxes: dict[tuple[int, int], list] = {}
        for b in d.boxes:
            boxes.setdefault((b.chapter, b.section), []).append(b)
        for c in d.chapters:
            head = "序言" if c.number == 0 else f"第{cn(c.number)}章 {c.title}"
            print(f"{head} …… {c.page or ''}")
            for b in boxes.get((c.number, 0), []):
                print(f"    专栏 {b.id} {b.title}")
            for s in c.sections:
                print(f"  第{cn(s.number)}节 {s.title} …… {s.page or ''}")
                for sub in s.subheadings:
                    print(f"      {sub}")
                for b in boxes.get((c.number, s.number), []):
                    print(f"    专栏 {b.id} {b.title} …… {b.page or ''}")
    return 0


def cmd_ls(a) -> int:
    kb = _open(a)
    for d in kb.manifest["documents"]:
        print(f"{d['doc_id']}\t{d['passages']} passages\t{d['title']}\t{d['source']}")
    return 0


def cmd_rm(a) -> int:
    stats = KnowledgeBase.sync([], a.index, a.model, remove=a.docs)
    print(f"removed {', '.join(a.docs)}: {stats['documents']} documents, {stats['passages']} passages left")
    return 0


def cmd_eval(a) -> int:
    from . import evaluate
    questions = evaluate.load_questions(a.file)
    kb = _open(a)

    def product(q: str):
        r = kb.ask(q, k=10)
        return [h.passage.text for h in r.hits], (r.answer.text if r.answer else None)

    t = time.perf_counter()
    report = evaluate.evaluate(questions, product, k=10)
    seconds = time.perf_counter() - t
    lens = [len(p.text) for p in kb.passages]
    out = report.to_json(len(lens), statistics.mean(lens), max(lens))
    rows = [("product", report)]
    if a.peers:
        from . import peers
        from .embed import load_model
        raw = "\n".join(Path(d["source"]).read_text(encoding="utf-8") for d in kb.manifest["documents"]
                        if Path(d["source"]).suffix == ".txt" and Path(d["source"]).exists())
        for peer in peers.build_peers(raw, load_model(kb.manifest["model"])):
            rows.append((peer.name, evaluate.evaluate(questions, lambda q, p=peer: (p.search(q, 10), None), k=10)))
        out["peers"] = {name: r.to_json(0, 0, 0) for name, r in rows[1:]}
    if a.json:
        print(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        print(evaluate.format_table(rows))
        print(f"\n{out['n']} questions, {out['passages']} passages (mean {out['mean_len']:.0f},"
              f" max {out['max_len']} chars), {seconds / max(out['n'], 1) * 1000:.0f} ms per question")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="kb", description="规划纲要知识库: search and quote planning documents")
    ap.add_argument("--index", default=None, help="index folder (default: $KB_INDEX or ./index)")
    ap.add_argument("--model", default=None, help="embedding model name or path (default: $KB_MODEL or m3e-small)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ingest", help="index .txt/.pdf files or folders (default: corpus/)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--replace", action="store_true", help="drop documents not named here")
    p.set_defaults(fn=cmd_ingest)
    p = sub.add_parser("ask", help="answer a question with cited passages (no query: interactive)")
    p.add_argument("query", nargs="*")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--chapter", type=int)
    p.add_argument("--section", type=int)
    p.add_argument("--box")
    p.add_argument("--doc")
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_ask)
    p = sub.add_parser("toc", help="print the table of contents")
    p.add_argument("--doc")
    p.set_defaults(fn=cmd_toc)
    p = sub.add_parser("ls", help="list indexed documents")
    p.set_defaults(fn=cmd_ls)
    p = sub.add_parser("rm", help="remove documents from the index")
    p.add_argument("docs", nargs="+")
    p.set_defaults(fn=cmd_rm)
    p = sub.add_parser("eval", help="hit@1, hit@5, MRR@10, answer-hit on a question file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--peers", action="store_true", help="also run the peer systems in the same process")
    p.set_defaults(fn=cmd_eval)
    a = ap.parse_args(argv)
    try:
        return a.fn(a)
    except BadQuery as e:
        print(f"kb: {e}", file=sys.stderr)
        return 2
    except (KBError, BadDocument, ValueError, OSError) as e:
        print(f"kb: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:                    # `kb toc | head`: the reader left, nothing to report
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
