"""The `kb` command line: ingest, ask, toc, inspect, eval, ls, rm. Errors become one line and a non-zero exit."""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from ingest import BadDocument

from . import KBError, KnowledgeBase, added_at, subitem_levels, verdict, visible
from .config import config_toml, default_index_dir, environment, load_config
from .errors import BadQuery


def _print_progress(frac: float, msg: str) -> None:
    """A progress bar on a terminal; elsewhere (a log) only the per-page OCR lines, which take seconds each."""
    if sys.stderr.isatty():
        print(f"\r{int(frac * 100):3d}% {plain(msg):<40}", end="", file=sys.stderr, flush=True)
    elif "OCR page" in msg:
        _say(f"kb: {msg}", file=sys.stderr, flush=True)


def cmd_ingest(a) -> int:
    paths = a.paths or ["corpus"]
    stats = KnowledgeBase.sync(paths, a.index, model=a.model, progress=_print_progress, replace=a.replace,
                               ray=a.ray or environment().ray, new_version=a.new_version)
    code = _print_stats(stats, a)
    for note in stats.notes:
        _say(f"kb: {note}", file=sys.stderr)
    return code


def cmd_repair(a) -> int:
    stats = KnowledgeBase.repair(a.index, model=a.model, progress=_print_progress)
    code = _print_stats(stats, a)
    for note in stats.notes:
        _say(f"kb: {note}", file=sys.stderr)
    return code


def _print_stats(stats, a) -> int:
    if sys.stderr.isatty():
        _say(file=sys.stderr)
    if stats.up_to_date:
        _say(f"index {a.index or default_index_dir()} is up to date: {stats.documents} documents,"
             f" {stats.passages} passages, nothing re-embedded ({stats.seconds * 1000:.0f} ms)")
    else:
        _say(f"indexed {stats.documents} documents ({stats.parsed} parsed, {stats.reused_docs} unchanged),"
             f" {stats.passages} passages, {stats.embedded} embedded with {stats.model}"
             f" in {stats.seconds:.1f} s (parse {stats.parse_s:.2f} s, embed {stats.embed_s:.1f} s,"
             f" index {stats.index_s:.2f} s) → {a.index or default_index_dir()}")
    if stats.repaired:
        _say(f"kb: rebuilt the damaged {', '.join(stats.repaired)} of the previous index", file=sys.stderr)
    for doc in stats.reports:
        lines = report_lines(doc)
        _say("  " + lines[0])
        for w in doc.report.warnings if doc.report else ():
            _say(f"kb: warning: {doc.source}: {w}", file=sys.stderr)
    for reason in stats.skipped:
        _say(f"kb: skipped {reason}", file=sys.stderr)
    return 1 if stats.skipped else 0


def report_lines(doc) -> list[str]:
    """What the ingest found in one document, for `kb ingest` (first line) and `kb inspect` (all)."""
    r = doc.report
    if r is None:
        return [f"{doc.doc_id}: no ingest report (indexed by an older version; run `kb ingest --replace corpus`)"]
    toc = (f"目录 {r.toc_matched}/{r.toc_entries} 一致" if r.toc_entries else "无目录")
    pages = f"{r.pages} 页" + (f"（{r.printed_pages} 页印有页码）" if r.printed_pages else "")
    volumes = f"{r.volumes} {r.volume_word}、" if r.volumes else ""
    articles = f"{r.articles} 条、" if r.articles else ""
    head = (f"{doc.doc_id} [{r.source_format}] {pages}：{volumes}{r.chapters} 章、{r.sections} 节、{articles}{r.boxes} 个专栏，{toc}"
            + (f"，页眉页脚删去 {r.furniture_chars} 字" if r.furniture_chars else "")
            + (f"，修复字形 {r.glyphs_repaired} 个" if r.glyphs_repaired else "")
            + (f"，OCR {len(r.ocr_pages)} 页" if r.ocr_pages else ""))
    out = [head, f"标题：{doc.title}"]
    if doc.issuer or doc.date:
        out.append(f"发文：{doc.issuer or '—'}  {doc.date or ''}".rstrip())
    out.append(f"可疑字符（部首区、私用区、U+FFFD）：{r.glyphs_suspicious}")
    if r.ocr_pages:
        out.append("OCR 页：" + _ranges(r.ocr_pages))
    out += [f"与目录不一致：{d}" for d in r.differences]
    out += [f"问题：{p}" for p in r.problems]
    if r.seconds:
        out.append("用时：" + "，".join(f"{k} {v:.2f} s" for k, v in r.seconds))
    return out


def _ranges(pages) -> str:
    """(1, 2, 3, 7, 9, 10) → '1–3, 7, 9–10'."""
    out, run = [], []
    for p in list(pages) + [None]:
        if run and (p is None or p != run[-1] + 1):
            out.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        if p is not None:
            run.append(p)
    return ", ".join(out)


def cmd_inspect(a) -> int:
    kb = _open(a)
    docs = [kb.document(d) for d in a.docs] if a.docs else kb.documents
    for i, d in enumerate(docs):
        if i:
            _say()
        _say("\n".join(report_lines(d)))
    return 0


def _open(a) -> KnowledgeBase:
    return KnowledgeBase.open(a.index, model=a.model)


def plain(text: str) -> str:
    """Document text (and file names) for a terminal: a control character (ESC of a colour code, BEL) is shown as
    its visible picture (␛, ␇), never sent to the terminal (kb.visible, the rule of every face and export)."""
    return visible(text)


def _say(*parts, sep: str = " ", end: str = "\n", file=None, flush: bool = False) -> None:
    """print(), with every character that could act on a terminal shown as its picture: all the CLI's text output
    goes through here (JSON goes through _json, whose escapes are exact)."""
    print(plain(sep.join(map(str, parts))), end=end, file=file, flush=flush)


_JSON_UNSAFE = re.compile("[\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def _json(data) -> str:
    """JSON with the text exactly as held: json escapes the C0 controls itself; DEL, C1 controls, lone surrogates and
    bidi controls are written as \\u escapes too (a terminal may act on a raw C1 control, a surrogate cannot be
    printed, a bidi override shows the text after it in another order): those of kb.visible's characters that json
    leaves raw, less U+FFFE/U+FFFF, which act on nothing."""
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(data, ensure_ascii=False, indent=2))


def _print_each(answers, as_json: bool) -> None:
    """One question, every document's answer side by side (kb ask --per-doc, or 各文件对…怎么说)."""
    if as_json:
        print(_json([a.to_json() for a in answers]))
        return
    for a in answers:
        _say(f"━━ 《{plain(a.title)}》 ━━")
        _print_result(a.result, False, verdict.EACH_MESSAGES)


def _messages(kb: KnowledgeBase, doc: str | None) -> dict[str, str]:
    """The verdict's wording for the documents a question is put to (纲要 only when each is an outline)."""
    return verdict.messages_for([kb.document(doc).title] if doc else
                                [d.title for d in kb.documents if d.doc_id not in kb.superseded])


def _print_result(res, as_json: bool, messages=verdict.MESSAGES) -> None:
    if as_json:
        print(_json(res.to_json()))
        return
    message = messages[res.verdict]
    if res.answer:
        if message:
            _say(message)
        _say(f"答：{res.answer.text}（把握 {res.confidence:.0%}）\n   —— {res.answer.citation.text}\n")
    elif message:
        _say(message + "\n")
    if res.candidate is not None:
        _say(f"{verdict.CANDIDATE_LABEL}：{res.candidate.text}\n   —— {res.candidate.citation.text}\n")
    if res.measures:
        _say("纲要中的举措：")
        for i, m in enumerate(res.measures, 1):
            _say(f"  {i}. {m.lead + m.text}")
        _say()
    for h in res.hits:
        p = h.passage
        page = f"（{h.citation.pages.lstrip('，')}）" if h.citation.pages else ""
        _say(f"[{h.rank}] {p.doc_title if not p.heading_path else p.heading_path}{page}  score {h.score:.3f}")
        _say(f"    {p.text}")
        _say(f"    —— {h.citation.text}\n")
    if res.versions_note:
        _say(f"（{res.versions_note}。要检索较早的版本，用 --doc 指定它。）")


def cmd_ask(a) -> int:
    kb = _open(a)
    filters = dict(chapter=a.chapter, section=a.section, box=a.box, doc=a.doc)
    if a.section is not None and not str(a.section).strip().isdigit():
        filters.update(kb.place(a.section, a.doc).filters)      # 九、（一）, 第二篇第一章, 二、（一）3., 一、2.（1）
    elif a.section is not None:
        filters["section"] = int(a.section)
    if a.query:
        q = " ".join(a.query)
        if a.per_doc or (KnowledgeBase.asks_each(q) and len(kb.documents) > 1 and not a.doc):
            _print_each(kb.ask_each(q, k=min(a.k, 3)), a.json)
        else:
            _print_result(kb.ask(q, k=a.k, **filters), a.json, _messages(kb, filters["doc"]))
        return 0
    _say("规划纲要知识库 — 输入问题，回车检索；空行或 Ctrl-D 退出。")
    while True:
        try:
            q = input("问> ")
        except EOFError:
            _say()
            return 0
        if not q.strip():
            return 0
        try:
            _print_result(kb.ask(q, k=a.k, **filters), a.json, _messages(kb, filters["doc"]))
        except BadQuery as e:
            _say(f"kb: {e}")


def cmd_related(a) -> int:
    kb = _open(a)
    p = kb.passage(a.passage_id)
    hits = kb.related(p.id, k=a.k, sentence=a.sentence)
    if a.json:
        print(_json({"passage": p.id, "citation": kb.citation(p).text, "sentence": a.sentence,
                     "related": [h.to_json() for h in hits]}))
        return 0
    _say(f"{plain(p.text)}\n   —— {plain(kb.citation(p).text)}\n")
    whose = "这句话" if a.sentence else "这一段"
    if not hits:
        _say(f"其他文件中没有表述与{whose}同一举措或目标的段落。")
        return 0
    _say(f"其他文件中与{whose}同一举措或目标的表述：")
    for h in hits:
        _say(f"[{h.rank}] {plain(h.passage.text)}\n    —— {plain(h.citation.text)}")
        _say(f"    对应：“{plain(p.text[slice(*h.source)].strip())}”\n       ↔ “{plain(h.passage.text[slice(*h.match)].strip())}”\n")
    return 0


def _dots(page) -> str:
    return f" …… {page}" if page else ""


def cmd_toc(a) -> int:
    kb = _open(a)
    docs = [kb.document(a.doc)] if a.doc else kb.documents
    for d in docs:
        _say(f"《{d.title}》")
        boxes: dict[tuple[int, int], list] = {}
        for b in d.boxes:
            boxes.setdefault((b.chapter, b.section), []).append(b)
        volumes = any(c.level == "篇" for c in d.chapters)
        for c in d.chapters:
            indent = "  " if volumes and c.volume else ""         # a plan of 篇 / 章 / 节: chapters under their 篇
            heading = c.printed_heading
            _say(f"{indent}{heading or '（正文前部）'}{_dots(c.page)}")
            for b in boxes.get((c.number, 0), []):
                _say(f"{indent}    专栏 {b.id} {b.title}")
            for s in c.sections:
                if s.number or s.heading:          # section 0: a part's own 1. sub-items, under the part itself
                    _say(f"{indent}  {s.heading}{_dots(s.page)}")
                under = dict((h, r) for r, h in s.subitems)
                for sub in s.subheadings:          # a （1） under its 1., a ① under either
                    deep = "  " * max(len(subitem_levels(under.get(sub, ""))) - 1, 0)
                    _say(f"{'      ' if s.number else '    '}{deep}{sub}")
                for b in boxes.get((c.number, s.number), []):
                    _say(f"    专栏 {b.id} {b.title}{_dots(b.page)}")
    return 0


def cmd_ls(a) -> int:
    kb = _open(a)
    for d in kb.manifest["documents"]:
        added = added_at(d.get("added"))             # local time, to the minute, as the 文档 page shows it
        _say(f"{_field(d['doc_id'])}\t{d['passages']} passages\tadded {added}\t{_field(d['title'])}"
             f"\t{_field(d['source'])}")
    return 0


def _field(text: str) -> str:
    """One field of a tab-separated line: a line feed or tab inside it (a file named with one) shown as its picture,
    so that each document stays one line of fields."""
    return str(text).replace("\n", "␊").replace("\t", "␉")


def cmd_rm(a) -> int:
    stats = KnowledgeBase.sync([], a.index, model=a.model, remove=a.docs)
    _say(f"removed {', '.join(a.docs)}: {stats.documents} documents, {stats.passages} passages left")
    return 0


def cmd_eval(a) -> int:
    from .evaluation import metrics as evaluate
    questions = evaluate.load_questions(a.file)
    kb = _open(a)

    def product(q: str):
        r = kb.ask(q, k=10)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)

    t = time.perf_counter()
    report = evaluate.evaluate(questions, product, k=10)
    seconds = time.perf_counter() - t
    lens = [len(p.text) for p in kb.passages]
    out = report.to_json(len(lens), statistics.mean(lens), max(lens))
    rows = [("product", report)]
    if a.peers:
        from .evaluation import peers
        from .embed import load_model
        raw = "\n".join(Path(d["source"]).read_text(encoding="utf-8") for d in kb.manifest["documents"]
                        if Path(d["source"]).suffix == ".txt" and Path(d["source"]).exists())
        for peer in peers.build_peers(raw, load_model(kb.manifest["model"])):
            rows.append((peer.name, evaluate.evaluate(questions, lambda q, p=peer: (p.search(q, 10), None), k=10)))
        out["peers"] = {name: r.to_json(0, 0, 0) for name, r in rows[1:]}
    if a.details:
        _say(evaluate.format_details(questions, report))
        _say()
    if a.json:
        print(_json(out))
    else:
        if report.n:               # a file of unanswerable questions only has no ranking to show
            _say(evaluate.format_table(rows))
        if report.n_none:
            p, r = report.no_answer_precision, report.no_answer_recall
            _say(f"{chr(10) if report.n else ''}unanswerable questions: {report.n_none}; no-answer precision "
                 f"{'-' if p is None else f'{p:.3f}'}, recall {'-' if r is None else f'{r:.3f}'}"
                 + (" (the figures above are over the answerable questions)" if report.n else ""))
        if report.shown or report.n:
            ap = report.answered_precision
            _say(f"answers shown: {report.shown}; right among them {'-' if ap is None else f'{ap:.3f}'}; "
                 f"answerable given a right answer {report.coverage or 0:.3f}; calibration error of 把握 "
                 f"{'-' if report.ece is None else f'{report.ece:.3f}'}")
        total = len(questions)
        _say(f"\n{total} questions ({out['n']} answerable), {out['passages']} passages (mean {out['mean_len']:.0f},"
             f" max {out['max_len']} chars), {seconds / max(total, 1) * 1000:.0f} ms per question")
    return 0


def _globals(parser: argparse.ArgumentParser, default) -> None:
    """--index and --model, accepted before the subcommand and after it (`kb ingest corpus --model X`)."""
    parser.add_argument("--index", default=default, help="index folder (default: $KB_INDEX or ./index)")
    parser.add_argument("--model", default=default,
                        help="embedding model name or path (default: the index's, else $KB_MODEL or m3e-small)")


def _argv_text(argv: list[str]) -> tuple[list[str], bool]:
    """Arguments as text: bytes that are not UTF-8 (kept by Python as lone surrogates) become U+FFFD."""
    out = []
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                arg = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:
                arg = _SURROGATE.sub("\ufffd", arg)
        out.append(arg)
    return out, out != list(argv)


_SURROGATE = re.compile("[\ud800-\udfff]")


def cmd_feedback(a) -> int:
    from . import feedback
    from .config import environment
    path = environment().feedback
    if a.action == "export":
        if not a.file:
            raise KBError("say where to write: kb feedback export FILE")
        n = feedback.export(path, Path(a.file))
        _say(f"wrote {n} questions from {path} to {a.file} (kb eval {a.file} measures the product on them)")
        return 0
    items = feedback.read(path)
    wrong = sum(f.said == feedback.WRONG for f in items)
    _say(f"{path}: {len(items)} clicks ({len(items) - wrong} 有帮助, {wrong} 答案不对)")
    return 0


def cmd_config(a) -> int:
    _say(config_toml(load_config()), end="")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors are one line like every other error (exit 2)."""

    def error(self, message: str):
        _say(f"kb: {message} (`kb --help` lists the commands, `kb COMMAND --help` their options)", file=sys.stderr)
        raise SystemExit(2)


def main(argv=None) -> int:
    raw = sys.argv[1:] if argv is None else list(argv)
    argv, undecodable = _argv_text(raw)
    if "ingest" in raw:             # file names are kept as the system gave them, so the file is found and named
        argv, undecodable = raw[:], False       # (an ingest refuses a name that is not UTF-8 in one line)
    if undecodable:
        _say("kb: warning: some bytes of the arguments are not UTF-8; they were replaced with �", file=sys.stderr)
    ap = _Parser(prog="kb", description="规划纲要知识库: search and quote planning documents")
    _globals(ap, None)
    common = argparse.ArgumentParser(add_help=False)
    _globals(common, argparse.SUPPRESS)           # after the subcommand: overrides only when given
    sub = ap.add_subparsers(dest="cmd", required=True)
    _add = sub.add_parser
    sub.add_parser = lambda *x, **kw: _add(*x, parents=[common], **kw)
    p = sub.add_parser("ingest", help="index .txt/.pdf/.docx/.html files or folders (default: corpus/)")
    p.add_argument("paths", nargs="*")
    p.add_argument("--replace", action="store_true", help="drop documents not named here")
    p.add_argument("--new-version", action="store_true", help="a file whose document id the index already has from"
                   " another file replaces that document (a 草案's adopted text, a corrected file); all or none:"
                   " a file that cannot be read, or is another document altogether, is refused")
    p.add_argument("--ray", metavar="ADDRESS", help="parse and embed on a Ray cluster: host:port, auto, or local (one"
                   " started for this run); default $KB_RAY_ADDRESS, else in this process. Needs pip install '.[ray]'")
    p.set_defaults(fn=cmd_ingest)
    p = sub.add_parser("repair", help="rebuild a damaged index from its documents' recorded sources, losing none")
    p.set_defaults(fn=cmd_repair)
    p = sub.add_parser("ask", help="answer a question with cited passages (no query: interactive)")
    p.add_argument("query", nargs="*")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--chapter", type=int)
    p.add_argument("--section", help="a section number (with --chapter), or a place in the document's own numbering: "
                   "九、（一）, 第三章第二节, 第二篇第一章, a sub-item 二、（一）3. or 一、2.（1） (3、 and 3． typed alike)")
    p.add_argument("--box")
    p.add_argument("--doc")
    p.add_argument("--json", action="store_true")
    p.add_argument("--per-doc", action="store_true",
                   help="answer from each document apart, side by side (also for 各文件对…怎么说)")
    p.set_defaults(fn=cmd_ask)
    p = sub.add_parser("related", help="上位依据 / 对照: the passages of the other documents stating the same measure")
    p.add_argument("passage_id", help="a passage id (`kb ask … --json` gives each hit's id)")
    p.add_argument("--sentence", metavar="TEXT",
                   help="only this sentence of the passage (a piece of its text, as printed): its counterparts")
    p.add_argument("-k", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.set_defaults(fn=cmd_related)
    from .cli_diff import cmd_diff
    p = sub.add_parser("diff", help="what changed between two versions (a 草案 and its adopted text): sections and "
                       "paragraphs aligned, changed figures, both sides cited")
    p.add_argument("doc_a", metavar="DOC_A", help="the earlier version's document id (`kb ls` lists them)")
    p.add_argument("doc_b", metavar="DOC_B", help="the later version's document id")
    p.add_argument("--json", action="store_true")
    p.add_argument("--docx", metavar="FILE", help="also write the comparison as a Word table to FILE")
    p.add_argument("--all", action="store_true", help="list the unchanged sections and paragraphs too")
    p.set_defaults(fn=cmd_diff)
    p = sub.add_parser("toc", help="print the table of contents")
    p.add_argument("--doc")
    p.set_defaults(fn=cmd_toc)
    p = sub.add_parser("inspect", help="what the ingest found in each document: structure, TOC check, pages, glyphs, OCR")
    p.add_argument("docs", nargs="*", metavar="DOC")
    p.set_defaults(fn=cmd_inspect)
    p = sub.add_parser("ls", help="list indexed documents")
    p.set_defaults(fn=cmd_ls)
    p = sub.add_parser("rm", help="remove documents from the index")
    p.add_argument("docs", nargs="+")
    p.set_defaults(fn=cmd_rm)
    p = sub.add_parser("eval", help="hit@1, hit@5, MRR@10, answer-hit on a question file")
    p.add_argument("file")
    p.add_argument("--json", action="store_true")
    p.add_argument("--peers", action="store_true", help="also run the peer systems in the same process")
    p.add_argument("--details", action="store_true",
                   help="one line per question: rank, verdict, answer given (to read failures, not to tune on a test set)")
    p.set_defaults(fn=cmd_eval)
    p = sub.add_parser("feedback", help="the app's 答案不对 / 有帮助 clicks ($KB_FEEDBACK): count, or export as a question file")
    p.add_argument("action", nargs="?", choices=["show", "export"], default="show")
    p.add_argument("file", nargs="?")
    p.set_defaults(fn=cmd_feedback)
    p = sub.add_parser("config", help="print the settings in effect (defaults and $KB_CONFIG) as TOML")
    p.set_defaults(fn=cmd_config)
    a = ap.parse_args(argv)
    try:
        return a.fn(a)
    except BrokenPipeError:                    # `kb ask x | head -1`: the reader left, nothing to report
        _quiet_stdout()
        return 0
    except BadQuery as e:
        _say(f"kb: {e}", file=sys.stderr)
        return 2
    except (KBError, BadDocument, ValueError, OSError) as e:
        _say(f"kb: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _quiet_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the interpreter's final flush does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
