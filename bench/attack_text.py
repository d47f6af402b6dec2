"""A second attack campaign (issue 22): hostile text inside documents, and hostile files, in two families of fresh
cases, run as a user would (the installed `kb` command; the app's own functions).

  text   documents whose text, titles, issuers, headings, table cells and file names hold C0 and C1 controls (ESC
         colour codes, OSC window titles and OSC 8 hyperlinks, a screen clear, BEL, DEL, NUL, CR), bidi overrides
         and isolates, zero-width characters, XML non-characters (U+FFFE, U+FFFF), HTML and script, Markdown links
         and images, CSV formulas (= + - @), LaTeX and Streamlit directives, a 5,000-character line; carried through
         every face: `kb ingest`, `ls`, `toc`, `inspect`, `ask` (plain, --json, --per-doc, interactive), `related`,
         `diff` (plain, --json, --docx), `eval`, refusals that echo what was typed; the app's Markdown, CSV and Word
         exports, its copy text, its HTML helpers (ui/render.py), its documents table, and its pages (AppTest).
         Nothing may reach a terminal raw (stdout and stderr bytes: no C0 but tab and line feed, no DEL, no C1, no
         bidi control, valid UTF-8); JSON keeps the text exactly; no XML writer fails; HTML and Markdown show the
         text and nothing else (no tag, link, image, math or directive made from it); no CSV cell is a formula; the
         visible text of every quotation is the source's.
  files  hostile files for `kb ingest` and for the app's upload (ui/documents.py add_document): a 10 MB single-line
         text (time proportional to size: 1 MB then 10 MB), a multi-megabyte CJK text, random bytes, GBK, Big5,
         Shift-JIS, UTF-16 with and without BOM, UTF-8 with BOM, mostly NULs, mostly controls, binary renamed .pdf,
         .docx, .html, .txt, a truncated, an encrypted, a zero-page and a page-loop PDF, a deflate bomb in a PDF and
         in a .docx, a .docx with path-traversal names, entity expansion and an external entity, HTML nested 100,000
         deep, symlink loops, dangling links, a FIFO (named and in a folder), an unreadable file and folder (run as
         another user when this one is root), names with control characters, 255 bytes, a folder named .txt, a
         .meta.json with a lone surrogate. Each: exit 0 with the document sensibly read (its words found by
         `kb ask`), or exit 1 with exactly ONE stderr line starting `kb: `; never a traceback; on a refusal `kb ls`
         is as before; always within the case's time limit (a hang is a failure).

Allowed, as the product says it does: a quotation is the source's text as the ingest cleans it (ASCII punctuation
between Chinese characters full-width, Markdown's ** dropped); a PDF page read by OCR is said as it is done
(`kb: X.pdf: OCR page 2: 4.1 s`) before a refusal's one line; a folder that holds no document (even one named x.txt)
adds nothing and says so with exit 0.

One line per case, `PASS|FAIL family: case: detail`, then the counts per family and overall; exit 1 if any failed.
Everything happens in a temporary folder, with the fast hash embedder by default.

    .venv/bin/python bench/attack_text.py                 # the campaign (201 cases; about 4 min on 2 cores)
    .venv/bin/python bench/attack_text.py --full          # also a 30 MB CJK text (some minutes more)
    .venv/bin/python bench/attack_text.py --only files: --keep -v   # some cases, keep the folder, show details
"""
from __future__ import annotations

import argparse
import csv
import dataclasses
import html
import html.parser
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import attack  # noqa: E402 — the first campaign's runner and checks (one `kb` runner, one meaning of "one line")
from attack import Failed, case, check, make_env, no_traceback, one_line, run_cases  # noqa: E402

GALLERY = ROOT / "tests" / "data" / "gallery"
BASE_DOC = "notice-zhejiang-zhandao-wajue"          # the files family's index holds this one small document
BASE_Q = "城市道路挖掘修复费"

# What must never reach a terminal: C0 controls but tab and line feed, DEL, C1 controls, the bidi embeddings,
# overrides and isolates (Trojan Source), lone surrogates (U+FFFD from a bad UTF-8 decode is checked on bytes).
TERMINAL_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# What no export may hold raw: the above, and what XML 1.0 forbids (U+FFFE, U+FFFF)
EXPORT_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
# For comparing what a reader sees with the source: every control, its picture, U+FFFD, bidi, spaces
_SPECIAL = re.compile("[\x00-\x20\x7f-\x9f\u2400-\u2426\ufffd\ufffe\uffff\u202a-\u202e\u2066-\u2069\ud800-\udfff\\s]")


def seen(text: str) -> str:
    """Text as compared with what a face shows: controls, their pictures, U+FFFD and white space left out."""
    return _SPECIAL.sub("", text)


def fold(text: str) -> str:
    """Text as compared with its source file: seen(), and full- and half-width forms alike (the ingest writes ASCII
    punctuation between Chinese characters as the full-width mark, ( → （ and " → “, and drops Markdown's ** residue:
    ingest/clean.py, ingest/punct.py)."""
    return unicodedata.normalize("NFKC", seen(text)).translate(QUOTES).replace("**", "")


QUOTES = str.maketrans("“”‘’", "\"\"''")


# ---------------------------------------------------------------- running
@dataclass
class Run(attack.Run):
    out_b: bytes = b""
    err_b: bytes = b""


def kb(args: list, cwd: Path, timeout: float = 120, input: bytes | None = None, env: dict | None = None,
       prefix: list | None = None) -> Run:
    """`kb ARGS` in cwd, its output kept as bytes too; a run past `timeout` is killed (rc 124)."""
    argv = (prefix or []) + attack.KB + list(args)
    if any(isinstance(a, bytes) for a in argv):
        argv = [a if isinstance(a, bytes) else os.fsencode(a) for a in argv]
    t = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=env or attack.ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = p.communicate(input=input, timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc, err = 124, f"(hung: killed after {timeout:.0f} s) ".encode() + err
    return Run(list(args), cwd, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.perf_counter() - t, out, err)


def py(code: str, args: list[str], cwd: Path, timeout: float = 120, env: dict | None = None) -> Run:
    """A Python snippet of the product's own functions in a child process (so a hang can be killed)."""
    t = time.perf_counter()
    p = subprocess.Popen([sys.executable, "-c", code, *args], cwd=cwd, env=env or attack.ENV, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        rc, err = 124, f"(hung: killed after {timeout:.0f} s) ".encode() + err
    return Run(["python -c …", *args], cwd, rc, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.perf_counter() - t, out, err)


def terminal_clean(r: Run, what: str = "") -> None:
    """Nothing in stdout or stderr can act on a terminal: valid UTF-8, no raw control or bidi character."""
    for name, raw in (("stdout", r.out_b), ("stderr", r.err_b)):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise Failed(f"{what}{name} is not UTF-8 at byte {e.start}: {raw[max(0, e.start - 20):e.start + 20]!r}"
                         f": {r.show()}") from None
        m = TERMINAL_RAW.search(text)
        check(m is None, f"{what}raw {m.group()!r} reaches the terminal on {name} near "
              f"{text[max(0, m.start() - 30):m.end() + 30]!r}" if m else "", r)


def fine(r: Run) -> None:
    """Exit 0, no traceback, stderr only `kb: ` lines, output clean."""
    no_traceback(r)
    check(r.rc == 0, f"exit {r.rc}", r)
    check(all(l.startswith("kb: ") for l in r.err.splitlines()), "a stderr line not starting 'kb: '", r)
    terminal_clean(r)


def refused(r: Run) -> None:
    one_line(r)
    terminal_clean(r)


def jload(r: Run):
    try:
        return json.loads(r.out)
    except ValueError as e:
        raise Failed(f"not JSON ({e}): {r.show()}") from None


def ls(idx: Path, cwd: Path) -> tuple[list[str], Run]:
    r = kb(["--index", str(idx), "ls"], cwd)
    fine(r)
    return r.out.splitlines(), r


# ---------------------------------------------------------------- hostile text
ESC, BEL = "\x1b", "\x07"
# (topic word the query asks for, paragraph text): each paragraph one hostile kind, found by its topic
PARAS = [
    ("铜材料", f"推动{ESC}[31m铜材料深加工{ESC}[0m产业高质量发展，到2025年规上企业达到10家{ESC}[1;5;7m闪烁{ESC}[0m。"),
    ("养老服务", f"完善养老服务体系{ESC}]0;窗口标题已被接管{BEL}，新建社区养老服务中心20个{ESC}]2;标题二{ESC}\\。"),
    ("政务服务", f"深化{ESC}]8;;http://evil.example/登录{ESC}\\政务服务一网通办{ESC}]8;;{ESC}\\改革，办理时限压缩一半。"),
    ("老旧小区", f"改造老旧小区{ESC}[2J{ESC}[H{ESC}[3J120个，{ESC}[1A{ESC}[2K覆盖居民3万户{ESC}c{ESC}[?1049h。"),
    ("城镇化率", f"常住人口城镇化率{BEL}达到70%\x7f左右\x08\x08，新增就业\x85每年\x9b31m保持\x9d0;标题\x9c2万人。"),
    ("污水处理", "城市污水处理率达到\u202e%59\u202c以上，\u2066隔离文本\u2069与\u202a嵌入\u202c、\u202b右向\u202c、\u202d强制\u202c并存。"),
    ("垃圾分类", "生活垃圾分类\u200b覆盖\u200c率\u200d达到\ufeff100%，\u2060词\u00ad连\u034f接与\u180e蒙古文分隔。"),
    ("公共图书馆", "公共图书馆\ufffe全覆盖\uffff，\U0010fffd私用\ue000区字符与\U0001f600表情共存。"),
    ("体育场馆", "<script>alert('体育场馆')</script><img src=x onerror=alert(1)><a href=\"javascript:alert(2)\">体育场馆开放</a>"
                 "<iframe src=\"http://evil.example/\"></iframe>&lt;b&gt;&amp;amp;&#x27;。"),
    ("职业教育", "[登录领取职业教育补贴](javascript:alert(1))，![图](http://evil.example/p.png)，<http://evil.example>，"
                 "**加粗** _斜体_ `代码` ~~删除~~ [^1] [x]: http://evil.example 。"),
    ("乡村振兴", "=HYPERLINK(\"http://evil.example\",\"乡村振兴补贴\")，推进乡村振兴示范村建设30个。"),
    ("数字经济", "+1+2数字经济核心产业增加值占比达到10%以上，=1+1。"),
    ("物流枢纽", "-3物流枢纽建设：@SUM(A1:A9)，\t=cmd|'/C calc'!A0，推进多式联运。"),
    ("文旅康养", "@文旅康养产业年均增长8%，＝全角等号，＋全角加号。"),
    ("应急管理", "应急管理$$\\frac{1}{2}$$能力，$x^2$与:red[红字]、:blue-background[蓝底]、:material/home:图标、"
                 ":streamlit:标志、\\(latex\\)并存。"),
    ("绿色建筑", "| 绿色建筑 | 占比 |\n|---|---|\n| 新建 | 100% |"),
]
HEADINGS = ["# 不是一级标题", "> 不是引用", "1. 不是列表", "- 不是列表项", "===", "    四个空格不是代码块"]
LONG = "很长的一行" + "规划纲要要求推进高质量发展" * 400          # 5,000+ characters, no sentence end inside
NUL_PARA = ("空字符", "空字符\x00在此处\x00出现，文件的其余部分照常。")


def hostile_txt(version: int = 1) -> str:
    """The hostile document (version 2: some figures and sentences changed, for `kb diff`)."""
    title = f"某某市人民政府关于印发{ESC}]0;已被接管{BEL}恶意{ESC}[31m标题{ESC}[0m\u202e反转\u202c的通知"
    lines = [title, "", f"第一章 总体要求{ESC}[2J{ESC}[H", "", f"第一节 指导思想{BEL}", ""]
    for i, (_, p) in enumerate(PARAS[:8]):
        if version == 2 and i % 3 == 0:
            p = p.replace("2025", "2027").replace("70%", "75%").replace("20个", "25个")
        lines += [p, ""]
    lines += [f"第二节 主要目标<script>alert('节')</script>", ""]
    for i, (_, p) in enumerate(PARAS[8:]):
        if version == 2 and i % 3 == 1:
            p = p.replace("10%", "12%").replace("30个", "40个")
        lines += [p, ""]
    lines += HEADINGS[:1] + [""]
    lines += [f"专栏1 主要指标{ESC}[31m表{BEL}", "序号\t指标名称\t2025年目标\t指标属性",
              "1\t=HYPERLINK(\"http://evil.example\",\"点击\")\t+7\t预期性",
              f"2\t@SUM(A1:A9)\t-3\t约束性{ESC}[31m",
              f"3\t<img src=x onerror=alert(1)>\t{ESC}]0;表格{BEL}\t\u202e性期预", ""]
    lines += ["第二章 保障措施", "", "第一节 组织实施", "", LONG + "。", "", NUL_PARA[1], ""]
    lines += [h + "，这一行也是正文。" for h in HEADINGS[1:]] + [""]
    lines += ["第二节 监测评估", "", "建立规划实施监测评估机制，每年开展一次评估。" if version == 1
              else "建立规划实施监测评估机制，每两年开展一次评估。", ""]
    return "\n".join(lines)


COVER_META = {"title": f"关于{ESC}[31m印发{ESC}[0m\r覆盖\n换行\t制表<script>alert(1)</script>=SUM(A1)\u202e的通知{BEL}",
              "issuer": f"某某\x07发展和改革委员会\x85{ESC}]8;;http://evil.example/{ESC}\\", "date": f"2025年{ESC}[2J1月1日"}
COVER_TXT = "关于印发的通知\n\n第一章 总则\n\n为规范财政专项资金管理，制定本办法。\n\n第二章 附则\n\n本办法自印发之日起施行。\n"

HTML_DOC = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>网页\x1b[31m标题</title>
<script>document.write('注入脚本文本')</script><style>body{color:red}</style></head><body>
<h1>某某区关于推进&#27;[31m数字乡村&#27;[0m发展的实施意见</h1>
<h2>一、总体要求</h2>
<p>发展数字乡村&#x1b;]0;网页标题被改&#x7;，推进&#x85;产业数字化&#x9b;31m转型，&#0;空&#xFFFE;字符&#xD800;代理&#x202E;反转。</p>
<p>&lt;script&gt;alert('网页')&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;点击<a href="javascript:alert(3)">链接办理</a>，智慧农业示范基地全覆盖。</p>
<h2>二、主要任务</h2>
<p>=HYPERLINK("http://evil.example","农村电商")，农村电商服务站点达到50个。</p>
<table><tr><td>序号</td><td>指标</td><td>目标</td></tr>
<tr><td>1</td><td>=1+1农村宽带</td><td>@100%</td></tr></table>
</body></html>"""


def make_docx(path: Path) -> None:
    import docx
    d = docx.Document()
    d.add_heading("某某县关于\u202e推进\u202c智慧交通建设的实施方案", 0)
    d.add_heading("一、总体目标", 1)
    d.add_paragraph("建设智慧交通\u2066信号灯\u2069系统\u200b，=HYPERLINK(\"http://evil.example\",\"点击\")，"
                    "[智慧停车](javascript:alert(1))，<img src=x onerror=alert(1)>，$$x$$，:red[红字]。")
    d.add_paragraph("@公交电子站牌覆盖率达到90%，+新能源公交车占比100%，-3处拥堵点改造。")
    d.add_heading("二、保障措施", 1)
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["序号", "指标", "目标"], ["1", "=2+3公交站", "@90%"], ["2", "<b>停车位</b>", "-5\u202e"]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.save(str(path))


# file names that hold control characters (the text family's "names/" folder)
NAME_FILES = {f"控制{ESC}[31m字符{BEL}名称.txt": "控制字符名称的文件",
              "换行\n名称\r回车.txt": "换行名称的文件",
              "制表\t名称.txt": "制表名称的文件",
              "反转\u202etxt.exe名称.txt": "反转名称的文件"}


def name_doc(topic: str) -> str:
    return f"{topic}\n\n第一章 总则\n\n{topic}用于检验文件名中的控制字符，推进河湖长制{topic}。\n"


# ---------------------------------------------------------------- the site
@dataclass
class Site:
    root: Path
    text_idx: Path                              # hostile/, names/ and one gallery document
    base_idx: Path                              # the files family's pristine index (BASE_DOC)
    base_ls: list[str]
    work: Path
    t_small: float = 3.0                        # a small ingest, for the time limits
    ingests: dict = field(default_factory=dict)  # the text site's ingest runs, checked by cases
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    full: bool = False

    def case_dir(self) -> Path:
        with self.lock:
            self.counter += 1
            n = self.counter
        d = self.root / "cases" / f"c{n:04d}"
        d.mkdir(parents=True)
        return d

    def copy_base(self) -> tuple[Path, Path]:
        """A copy of the files family's index in a new case folder: (index, case folder)."""
        case = self.case_dir()
        idx = case / "索引 index"
        shutil.copytree(self.base_idx, idx, symlinks=True)
        return idx, case


def build_site(root: Path, full: bool) -> Site:
    site = root / "站点 site"
    hostile, names, plain = site / "hostile", site / "names", site / "plain"
    for d in (hostile, names, plain):
        d.mkdir(parents=True)
    (hostile / "hostile.txt").write_text(hostile_txt(1), encoding="utf-8")
    (hostile / "hostile-v2.txt").write_text(hostile_txt(2), encoding="utf-8")
    (hostile / "cover.txt").write_text(COVER_TXT, encoding="utf-8")
    (hostile / "cover.meta.json").write_text(json.dumps(COVER_META, ensure_ascii=False), encoding="utf-8")
    (hostile / "web.html").write_text(HTML_DOC, encoding="utf-8")
    make_docx(hostile / "word.docx")
    for n, topic in NAME_FILES.items():
        (names / n).write_text(name_doc(topic), encoding="utf-8")
    shutil.copy(GALLERY / "gov-work-report-2024.txt", plain / "gov-work-report-2024.txt")
    text_idx = root / "文本 索引" / "text index"
    s = Site(root, text_idx, root / "基础 索引" / "base index", [], site, full=full)
    for folder in (plain, hostile, names):
        r = kb(["--index", str(text_idx), "ingest", str(folder)], site, timeout=300)
        s.ingests[folder.name] = r
        if folder is plain and r.rc != 0:
            raise SystemExit(f"cannot build the text index: {r.show(2000)}")
    (site / "base").mkdir()
    shutil.copy(GALLERY / f"{BASE_DOC}.txt", site / "base" / f"{BASE_DOC}.txt")
    t = time.perf_counter()
    r = kb(["--index", str(s.base_idx), "ingest", str(site / "base")], site, timeout=300)
    s.t_small = time.perf_counter() - t
    if r.rc != 0:
        raise SystemExit(f"cannot build the base index: {r.show(2000)}")
    s.base_ls, _ = ls(s.base_idx, site)
    return s


# ---------------------------------------------------------------- cases
# the first campaign's registry and runner (bench/attack.py): Case, case(), CASES, run_cases()
CASES = attack.CASES


# ================================================================ 1. text
def _gen(idx: Path) -> Path:
    """The index's current generation folder (CURRENT names it)."""
    return idx / json.loads((idx / "CURRENT").read_text(encoding="utf-8"))["generation"]


def _passages(s: Site) -> list[dict]:
    """Every passage of the text index (passages.jsonl of the current generation), as stored."""
    gen = _gen(s.text_idx)
    text = (gen / "passages.jsonl").read_text(encoding="utf-8")
    return [json.loads(l) for l in text.split("\n") if l.strip()]     # not splitlines(): a passage may hold \x85


def _kb_open(s: Site):
    from kb import KnowledgeBase
    return KnowledgeBase.open(s.text_idx, model="hash")


def register_text() -> None:
    def ingest_case(folder: str, what: str):
        @case("text", f"kb ingest {folder}/ ({what}): exit 0, nothing raw on the terminal")
        def _(s: Site) -> str:
            r = s.ingests[folder]
            fine(r)
            return f"{r.out.count(chr(10))} lines, {len(r.err_b)} bytes on stderr"
    ingest_case("hostile", "controls in text, title, headings, cells, a .meta.json, HTML and Word")
    ingest_case("names", "files named with ESC, BEL, LF, CR, TAB, RLO")

    @case("text", "kb ls: one line a document, controls as pictures")
    def _(s: Site) -> str:
        lines, r = ls(s.text_idx, s.work)
        n = len(json.loads((_gen(s.text_idx) / "manifest.json").read_text(encoding="utf-8"))["documents"])
        check(len(lines) == n, f"{len(lines)} lines for {n} documents", r)
        check(all(l.count("\t") == 4 for l in lines), "a line without its 5 tab-separated fields", r)
        check("␛" in r.out, "no ␛ picture for the ESC in a title or file name", r)
        return f"{n} documents, {n} lines"

    for args in (["toc"], ["toc", "--doc", "hostile"], ["toc", "--doc", "cover"], ["toc", "--doc", "web"],
                 ["toc", "--doc", "word"], ["inspect"], ["inspect", "hostile", "cover", "web", "word"]):
        @case("text", f"kb {' '.join(args)}: nothing raw")
        def _(s: Site, args=args) -> str:
            r = kb(["--index", str(s.text_idx), *args], s.work)
            fine(r)
            check(r.out.strip() != "", "no output", r)
            return f"{len(r.out)} characters"

    @case("text", "kb ask of the 5,000-character line: found, in bounded passages, nothing raw")
    def _(s: Site) -> str:
        r = kb(["--index", str(s.text_idx), "ask", "--json", "规划纲要要求推进高质量发展", "-k", "10"], s.work)
        fine(r)
        mine = [h["text"] for h in jload(r)["hits"] if h["text"] in LONG + "。"]
        check(mine, "no hit comes from the long line", r)
        check(max(map(len, mine)) <= 600, f"a passage of {max(map(len, mine))} characters")
        return f"{len(mine)} hits from it, the longest {max(map(len, mine))} characters"

    for topic, para in PARAS + [NUL_PARA]:
        @case("text", f"kb ask {topic}: plain, nothing raw, the paragraph's visible text shown")
        def _(s: Site, topic=topic, para=para) -> str:
            r = kb(["--index", str(s.text_idx), "ask", topic, "-k", "8"], s.work)
            fine(r)
            body = fold(r.out)
            want = fold(para.split("\n")[0])[:40]
            check(want in body, f"the paragraph's text {want!r} is not shown as it is", r)
            return "shown"

        @case("text", f"kb ask --json {topic}: exact text, JSON escapes only")
        def _(s: Site, topic=topic, para=para) -> str:
            r = kb(["--index", str(s.text_idx), "ask", "--json", topic, "-k", "8"], s.work)
            fine(r)
            data = jload(r)
            stored = {p["id"]: p["text"] for p in _passages(s)}
            for h in data["hits"]:        # exactly the passage as held (JSON escapes undone)
                check(h["text"] == stored.get(h["id"]), f"hit {h['id']} is not its passage's text: {h['text'][:80]!r}")
            first = fold(para.split("\n")[0])
            probe = first[:30]
            check(any(probe in fold(h["text"]) or fold(h["text"]) in first for h in data["hits"]),
                  f"no hit holds the paragraph: {probe!r}", r)
            for h in data["hits"]:        # and the passage is the source's text (as the ingest cleans it)
                if h["doc_id"] in ("hostile", "hostile-v2"):
                    src = fold(hostile_txt(1 if h["doc_id"] == "hostile" else 2))
                    check(fold(h["text"]) in src, f"hit {h['id']} is not from its source: {h['text'][:80]!r}")
            texts = data["hits"]
            return f"{len(texts)} hits"

    hostile_queries = {"ESC in the query": f"铜材料{ESC}[31m{ESC}]0;标题{BEL}",
                       "C1 and DEL in the query": "养老服务\x9b31m\x85\x7f",
                       "bidi in the query": "污水处理\u202e率\u2066",
                       "HTML and Markdown in the query": "<script>alert(1)</script>[职业教育](javascript:x)$$x$$",
                       "lone surrogate in the query": "垃圾分类\ud800"}
    for name, q in hostile_queries.items():
        for js in (False, True):
            @case("text", f"kb ask{' --json' if js else ''} with {name}: nothing raw")
            def _(s: Site, q=q, js=js) -> str:
                arg = q.encode("utf-8", "surrogatepass") if "\ud800" in q else q     # bytes that are not UTF-8
                r = kb(["--index", str(s.text_idx), "ask", *(["--json"] if js else []), arg], s.work)
                no_traceback(r)
                terminal_clean(r)
                if r.rc != 0:
                    one_line(r)
                    return f"refused: {r.err.strip()[:80]}"
                if js:
                    jload(r)
                return "answered"

    @case("text", "kb ask --per-doc: every document's answer, nothing raw")
    def _(s: Site) -> str:
        r = kb(["--index", str(s.text_idx), "ask", "--per-doc", "各文件对养老服务怎么说"], s.work)
        fine(r)
        return f"{r.out.count('━━ 《')} documents"

    @case("text", "kb ask --per-doc --json: valid JSON, nothing raw")
    def _(s: Site) -> str:
        r = kb(["--index", str(s.text_idx), "ask", "--per-doc", "--json", "各文件对铜材料怎么说"], s.work)
        fine(r)
        return f"{len(jload(r))} documents"

    @case("text", "kb ask interactive: hostile lines typed, nothing raw")
    def _(s: Site) -> str:
        typed = "\n".join(["铜材料", f"{ESC}[2J{ESC}]0;x{BEL}养老", "\x85\u202e城镇化率", "\x00\x01\x02", ""]) + "\n"
        r = kb(["--index", str(s.text_idx), "ask"], s.work, input=typed.encode())
        fine(r)
        return f"{r.out.count('问>')} prompts"

    for args, why in ((["ask", "--doc", f"{ESC}[2J无此文档{BEL}", "铜材料"], "an unknown --doc with ESC"),
                      (["toc", "--doc", f"{ESC}]0;标题{BEL}"], "an unknown toc --doc with OSC"),
                      (["inspect", "\x9b31m无此\u202e文档"], "an unknown inspect id with C1 and RLO"),
                      (["related", f"hostile:{ESC}[31m:p1"], "an unknown passage id with ESC"),
                      (["diff", "hostile", f"无此{ESC}[5m文档"], "an unknown diff side with ESC"),
                      (["ask", "--section", f"九、{ESC}[31m（一）", "铜材料"], "a --section with ESC"),
                      ([f"{ESC}[31mls"], "an unknown command with ESC"),
                      (["ask", f"--{ESC}[31mjson", "铜材料"], "an unknown option with ESC")):
        @case("text", f"refusal echoing {why}: one line, nothing raw")
        def _(s: Site, args=args) -> str:
            r = kb(["--index", str(s.text_idx), *args], s.work)
            no_traceback(r)
            terminal_clean(r)
            if r.rc == 0:
                return "accepted (nothing to refuse)"
            one_line(r)
            return r.err.strip()[:90]

    @case("text", "kb rm of an id with ESC: one line, nothing raw, index unchanged")
    def _(s: Site) -> str:
        case_dir = s.case_dir()
        idx = case_dir / "idx"
        shutil.copytree(s.text_idx, idx)
        before, _ = ls(idx, case_dir)
        r = kb(["--index", str(idx), "rm", f"{ESC}[31mhostile{BEL}"], case_dir)
        refused(r)
        after, _ = ls(idx, case_dir)
        check(before == after, "kb ls changed after a refused rm")
        return r.err.strip()[:90]

    def _pid(s: Site, needle: str, doc: str = "hostile") -> str:
        for p in _passages(s):
            if p["doc_id"] == doc and needle in p["text"]:
                return p["id"]
        raise Failed(f"no passage of {doc} holds {needle!r}")

    for needle, js in (("铜材料", False), ("铜材料", True), ("污水处理", False), ("乡村振兴", True),
                       ("城镇化率", False)):
        @case("text", f"kb related {'--json ' if js else ''}of the {needle} passage: nothing raw")
        def _(s: Site, needle=needle, js=js) -> str:
            pid = _pid(s, needle)
            r = kb(["--index", str(s.text_idx), "related", pid, *(["--json"] if js else [])], s.work)
            fine(r)
            if js:
                jload(r)
            return pid

    for extra in ([], ["--all"], ["--json"], ["--json", "--all"]):
        @case("text", f"kb diff hostile hostile-v2 {' '.join(extra)}: nothing raw")
        def _(s: Site, extra=extra) -> str:
            r = kb(["--index", str(s.text_idx), "diff", "hostile", "hostile-v2", *extra], s.work)
            fine(r)
            if "--json" in extra:
                jload(r)
            else:
                check("125个" in r.out and "{+7+}" in r.out, "the changed figures are not shown", r)
            return f"{len(r.out)} characters"

    @case("text", "kb diff --docx: a Word file that opens, controls as pictures, text as written")
    def _(s: Site) -> str:
        d = s.case_dir()
        out = d / "对比.docx"
        r = kb(["--index", str(s.text_idx), "diff", "hostile", "hostile-v2", "--docx", str(out), "--all"], s.work)
        fine(r)
        return _docx_ok(out.read_bytes(), [p for _, p in PARAS[:3]])

    @case("text", "kb eval --details on hostile questions: nothing raw")
    def _(s: Site) -> str:
        d = s.case_dir()
        qf = d / "questions.jsonl"
        qs = [{"id": f"q{ESC}[31m1", "question": f"铜材料{ESC}]0;x{BEL}深加工", "quotes": [f"{ESC}[31m铜材料深加工"]},
              {"id": "q2\u202e", "question": "养老服务\x85\x9b1m", "quotes": ["养老服务体系"]},
              {"id": "q3", "question": "<script>x</script>城镇化率", "quotes": ["城镇化率"], "where": f"{ESC}[2J"}]
        qf.write_text("\n".join(json.dumps(q, ensure_ascii=True) for q in qs) + "\n", encoding="utf-8")
        r = kb(["--index", str(s.text_idx), "eval", str(qf), "--details"], d)
        fine(r)
        r2 = kb(["--index", str(s.text_idx), "eval", str(qf), "--json"], d)
        fine(r2)
        jload(r2)
        return "both clean"

    @case("text", "a KB_CONFIG key holding ESC: one line, nothing raw")
    def _(s: Site) -> str:
        d = s.case_dir()
        cfg = d / "kb.toml"
        cfg.write_text('"\\u001b[31mkey\\u0007" = 1\n', encoding="utf-8")
        env = dict(attack.ENV, KB_CONFIG=str(cfg))
        r = kb(["--index", str(s.text_idx), "config"], d, env=env)
        refused(r)
        return r.err.strip()[:90]

    # ---- the app's exports and HTML, on every passage of the hostile documents
    def _items(s: Site, with_answers: bool = True) -> tuple[list[dict], list[str]]:
        from ui.cite import item_of_answer, item_of_passage
        k = _kb_open(s)
        items, sources = [], []
        for p in k.passages:
            if p.doc_id == BASE_DOC or p.doc_id == "gov-work-report-2024":
                continue
            items.append(item_of_passage(k, p))
            sources.append(p.text)
        if with_answers:
            for topic, _ in PARAS[:6]:
                a = k.ask(topic, k=3).answer
                if a is not None:
                    items.append(item_of_answer(k, a))
                    sources.append(a.text)
        return items, sources

    @case("text", "Markdown export: renders as the text only (no link, image, HTML, heading, table, math)")
    def _(s: Site) -> str:
        from ui.export import export_markdown, md_text
        items, sources = _items(s)
        doc = export_markdown(items)
        _no_raw(doc, "the Markdown export")
        bad = []
        for it, src in zip(items, sources):
            for text in ([src] if it.get("kind") != "row" else [c for pair in it["cells"] for c in pair]) + [it["citation"]]:
                rendered = _md_render(md_text(text))
                tags = set(re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", rendered)) - {"p", "/p", "br"}
                got = seen(_html_text(rendered))
                if tags or got != seen(text):
                    bad.append((text[:60], sorted(tags), got[:60]))
        check(not bad, f"{len(bad)} texts render as more than themselves: {bad[:3]}")
        whole = _md_render(doc)
        for word in ("<script", "<img", "<iframe", "href=\"javascript", "evil.example\"", "<blockquote",
                     "<ol", "<ul", "<code", "<em", "<strong", "<del"):       # (a table row is a one-row table)
            check(word not in whole, f"the rendered export holds {word!r}")
        return f"{len(items)} quotations, {len(doc)} characters"

    @case("text", "CSV export: no cell a formula, no raw control, each quotation's text as written")
    def _(s: Site) -> str:
        from ui.export import export_csv, row_text
        items, sources = _items(s)
        raw = export_csv(items)
        text = raw.decode("utf-8-sig")
        _no_raw(text.replace("\r\n", "\n"), "the CSV export")
        rows = list(csv.reader(io.StringIO(text)))
        _no_formula(rows)
        for row, it, src in zip(rows[1:], items, sources):
            want = row_text(it) if it.get("kind") == "row" else src
            got = row[2][1:] if row[2].startswith("'") else row[2]
            check(seen(got) == seen(want), f"quotation changed in the CSV: {want[:60]!r} → {row[2][:60]!r}")
        return f"{len(rows) - 1} rows"

    @case("text", "indicator CSV (csv_bytes) of the hostile table rows: no formula, no raw control")
    def _(s: Site) -> str:
        from ui.export import csv_bytes
        k = _kb_open(s)
        rows = [[c for _, c in p.cells] + [p.id] for p in k.passages if p.kind == "row" and p.cells]
        check(rows, "no table row was read from the hostile documents")
        heads = sorted({c for p in k.passages if p.kind == "row" and p.cells for c, _ in p.cells})
        text = csv_bytes(heads + ["段落ID"], rows).decode("utf-8-sig")
        _no_raw(text.replace("\r\n", "\n"), "the indicator CSV")
        _no_formula(list(csv.reader(io.StringIO(text))))
        return f"{len(rows)} rows"

    @case("text", "Word export: opens, no XML error, controls as pictures, text as written")
    def _(s: Site) -> str:
        from ui.export import export_docx
        items, sources = _items(s)
        return _docx_ok(export_docx(items), [src for it, src in zip(items, sources) if it.get("kind") != "row"][:20])

    @case("text", "Word export of each quotation alone (each hostile kind a file)")
    def _(s: Site) -> str:
        from ui.export import export_docx
        items, sources = _items(s, with_answers=False)
        for it, src in zip(items, sources):
            _docx_ok(export_docx([it]), [src] if it.get("kind") != "row" else [])
        return f"{len(items)} files"

    @case("text", "copy text (quotation): no raw control, visible text as written")
    def _(s: Site) -> str:
        from ui.export import quotation
        items, sources = _items(s)
        for it, src in zip(items, sources):
            q = quotation(it)
            _no_raw(q, "the copy text")
            if it.get("kind") != "row":
                check(seen(src) in seen(q), f"copy text changed: {src[:60]!r} → {q[:60]!r}")
        return f"{len(items)} quotations"

    @case("text", "HTML (esc, mark, html_block): text only, as written, no raw control")
    def _(s: Site) -> str:
        from kb import KnowledgeBase
        from ui.render import esc, html_block, mark
        items, sources = _items(s, with_answers=False)
        for src in sources:
            for h in (html_block(esc(src)), html_block(mark(src, KnowledgeBase.highlight(src, ["铜材料", "养老", "<"]),
                                                          (0, min(5, len(src)))))):
                _html_ok(h, src, {"div", "br", "mark", "span"})
        return f"{len(sources)} passages, twice"

    @case("text", "HTML tables (row_table, table_html) of the hostile rows: text only")
    def _(s: Site) -> str:
        from ui.render import row_table, table_html
        k = _kb_open(s)
        rows = [p for p in k.passages if p.kind == "row" and p.cells]
        check(rows, "no table row")
        for p in rows:
            _html_ok(row_table(p.cells), "".join(a + b for a, b in p.cells), {"div", "table", "thead", "tbody", "tr",
                                                                               "th", "td"}, exact=False)
        _html_ok(table_html(rows, None, None), "", {"div", "table", "thead", "tbody", "tr", "th", "td"}, exact=False)
        return f"{len(rows)} rows"

    @case("text", "Markdown labels (render.plain): literal text, no directive, link, math or HTML")
    def _(s: Site) -> str:
        from ui.render import plain
        items, sources = _items(s, with_answers=False)
        titles = [d.title for d in _kb_open(s).documents]
        for src in sources + titles:
            lab = plain(src)
            _no_raw(lab, "a label")
            rendered = _md_render(lab)
            tags = set(re.findall(r"<(/?[a-zA-Z][a-zA-Z0-9]*)", rendered)) - {"p", "/p"}
            check(not tags, f"label {src[:50]!r} renders tags {sorted(tags)}")
            check(seen(_html_text(rendered)) == seen(src), f"label changed: {src[:50]!r} → {rendered[:80]!r}")
            m = re.search(r"(?<!\\)(?:\$|:[a-z])", lab)       # math, or a :red[ / :material/ directive
            check(m is None, f"label keeps {m and m.group()!r} unescaped: {lab[:80]!r}")
        return f"{len(sources) + len(titles)} labels"

    @case("text", "links and copy buttons: attributes hold the text exactly, nothing else")
    def _(s: Site) -> str:
        from ui.export import quotation
        from ui.render import copy_button, link
        items, _ = _items(s, with_answers=False)
        for it in items:
            q = quotation(it)
            p = _Parse()
            p.feed(copy_button(q) + link("?page=浏览&doc=hostile", it["citation"]))
            check([t for t in p.tags if t != "br"] == ["button", "a"], f"tags {p.tags}")
            check(p.attrs[0].get("data-kb-copy") == q, f"copy attribute differs: {q[:50]!r}")
            check(not any(k.startswith("on") for a in p.attrs for k in a), "an on* attribute")
        return f"{len(items)} buttons"

    @case("text", "documents table and warnings (文档 page HTML): titles, issuers, names escaped")
    def _(s: Site) -> str:
        from ui.documents import documents_table, warnings_html
        k = _kb_open(s)
        h = documents_table(k) + warnings_html(k)
        _html_ok(h, "", {"div", "table", "thead", "tbody", "tr", "th", "td", "br", "span", "a", "ul", "li"}, exact=False)
        for d in k.documents:
            check(seen(d.title) in seen(_html_text(h)), f"title {d.title[:40]!r} not shown as written")
        return f"{len(k.documents)} documents"

    for page, params, what in (("问答", {"q": "铜材料深加工"}, "an answer with ESC codes"),
                               ("问答", {"q": "体育场馆"}, "a hit of script and img"),
                               ("问答", {"q": "应急管理"}, "a hit of LaTeX and directives"),
                               ("问答", {"q": "各文件对职业教育怎么说"}, "every document's answer"),
                               ("浏览", {"doc": "hostile"}, "the reading view of the hostile text"),
                               ("浏览", {"doc": "cover"}, "a document whose cover holds controls"),
                               ("浏览", {"doc": "web"}, "the hostile web page"),
                               ("浏览", {"doc": "word"}, "the hostile Word file"),
                               ("文档", {}, "the documents page"),
                               ("指标", {}, "the indicators page"),
                               ("对比", {"a": "hostile", "b": "hostile-v2"}, "the comparison page")):
        @case("text", f"app page {page} ({what}): nothing raw, no tag, link, math or directive from the text")
        def _(s: Site, page=page, params=params) -> str:
            return _app_page(s, page, params)


APP_SCRIPT = r"""
import json, re, sys
from streamlit.testing.v1 import AppTest
app, params = sys.argv[1], json.loads(sys.argv[2])
at = AppTest.from_file(app, default_timeout=120)
for k, v in params.items():
    at.query_params[k] = v
at.run()
out = {"exception": [str(e.value)[:500] for e in at.exception], "markdown": [], "labels": []}
for kind in ("markdown", "caption", "error", "warning", "info", "success", "title", "header", "subheader", "text"):
    for el in getattr(at, kind, []):
        out["markdown"].append(str(getattr(el, "value", "") or ""))
for kind in ("button", "expander", "selectbox", "tabs", "checkbox", "radio", "toggle", "text_input"):
    try:
        els = at.get(kind)
    except Exception:
        continue
    for el in els:
        for attr in ("label", "help", "placeholder"):
            v = getattr(el, attr, None)
            if isinstance(v, str):
                out["labels"].append(v)
        opts = getattr(el, "options", None)
        if isinstance(opts, (list, tuple)):
            out["labels"] += [str(o) for o in opts]
for el in at.get("html"):
    out["markdown"].append(str(el.proto.body))
print(json.dumps(out, ensure_ascii=True))
"""


def _app_page(s: Site, page: str, params: dict) -> str:
    d = s.case_dir()
    env = dict(attack.ENV, KB_INDEX=str(s.text_idx), KB_MODEL="hash", KB_BASKETS=str(d / "baskets"),
               KB_FEEDBACK=str(d / "feedback.jsonl"), KB_UPLOADS=str(d / "uploads"))
    r = py(APP_SCRIPT, [str(ROOT / "app.py"), json.dumps({"page": page, **params})], d, timeout=240, env=env)
    no_traceback(r)
    check(r.rc == 0, f"AppTest exit {r.rc}", r)
    out = json.loads(r.out.strip().splitlines()[-1])
    check(not out["exception"], f"the page raised: {out['exception'][:1]}")
    bodies = out["markdown"]
    check(bodies, "the page shows nothing")
    shown = 0
    for body in bodies + out["labels"]:
        m = EXPORT_RAW.search(body)
        check(m is None, f"raw {m.group()!r} in what the page shows: {body[max(0, m.start() - 40):m.end() + 40]!r}"
              if m else "")
    for body in bodies:
        rendered = _md_render(body)
        p = _Parse()
        p.feed(rendered)
        for tag, attrs in zip(p.tags, p.attrs):
            check(tag not in ("img", "iframe", "object", "embed"), f"a <{tag}> made from document text: {body[:160]!r}")
            check(not any(k.startswith("on") for k in attrs), f"an on* attribute on <{tag}>: {body[:160]!r}")
            for k in ("href", "src"):
                v = (attrs.get(k) or "").strip().lower()
                check(not v.startswith("javascript:") and "evil.example" not in v,
                      f"<{tag} {k}={v!r}> made from document text")
        for script in p.scripts:
            check("alert" not in script and "注入" not in script, f"a script from document text: {script[:80]!r}")
        text = re.sub(r"<[^>]*>", "", body)           # what Markdown reads (a tag's attributes it leaves alone)
        for raw in ("$$\\frac", ":red[红字]", ":blue-background[", "](javascript:", "![图](", "$x^2$"):
            check(raw not in text, f"{raw!r} left for Markdown to read: {text[max(0, text.find(raw) - 40):][:120]!r}")
        shown += len(body)
    return f"{len(bodies)} elements, {shown} characters"


def _md_render(text: str) -> str:
    """Markdown as Streamlit reads it (CommonMark with tables and strike-through; HTML passed through)."""
    from markdown_it import MarkdownIt
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"]).render(text)


class _Parse(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[dict] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.append({k: v for k, v in attrs})
        self._in_script = tag in ("script", "style")
        if tag == "br":
            self.text.append("\n")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def _html_text(h: str) -> str:
    p = _Parse()
    p.feed(h)
    return "".join(p.text)


def _html_ok(h: str, src: str, allowed: set[str], exact: bool = True) -> None:
    """HTML built from document text: only the tags the helper writes, no on* attribute or script, no raw control;
    the text shown is the source's (when exact)."""
    _no_raw(h, "HTML")
    p = _Parse()
    p.feed(h)
    extra = set(p.tags) - allowed
    check(not extra, f"tags {sorted(extra)} made from document text: {h[:200]!r}")
    check(not any(k.startswith("on") for a in p.attrs for k in a), f"an on* attribute: {h[:200]!r}")
    check(not p.scripts, f"a script or style from document text: {h[:200]!r}")
    if exact:
        check(seen("".join(p.text)) == seen(src), f"HTML shows {''.join(p.text)[:80]!r} for {src[:80]!r}")


def _no_raw(text: str, what: str) -> None:
    m = EXPORT_RAW.search(text)
    check(m is None, f"raw {m.group()!r} in {what} near {text[max(0, m.start() - 30):m.end() + 30]!r}" if m else "")


def _no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            check(not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")),
                  f"a CSV cell a spreadsheet runs as a formula: {cell[:60]!r}")


def _docx_ok(data: bytes, texts: list[str]) -> str:
    """A Word file: a valid zip whose XML parses, with no raw control, and with each text's visible characters."""
    from lxml import etree
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        xml = z.read("word/document.xml")
        etree.fromstring(xml)
        import docx
        d = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001
        raise Failed(f"the Word file does not open: {type(e).__name__}: {e}") from None
    body = "\n".join(p.text for p in d.paragraphs) + "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    _no_raw(body, "the Word file")
    for t in texts:
        check(fold(t)[:60] in fold(body), f"the Word file lacks {t[:60]!r}")
    return f"{len(data)} bytes, {len(d.paragraphs)} paragraphs"


# ================================================================ 2. files
def _outcome(s: Site, idx: Path, cwd: Path, r: Run, expect: str, doc: str | None, probe: str | None) -> str:
    """exit 0 with the document read (listed; `probe` found by kb ask), or one line with `kb ls` as before."""
    check(r.rc != 124, f"hung (killed after {r.secs:.0f} s)", r)
    no_traceback(r)
    terminal_clean(r)
    lines, _ = ls(idx, cwd)
    ids = {l.split("\t")[0] for l in lines}
    check(BASE_DOC in ids, f"the index lost {BASE_DOC}: {sorted(ids)}")
    if r.rc == 0:
        check(expect != "refused", "accepted, but must be refused", r)
        fine(r)
        if doc:
            check(doc in ids, f"exit 0 but {doc} is not listed: {sorted(ids)}", r)
        if probe:
            q = kb(["--index", str(idx), "ask", "--json", probe, "-k", "10"], cwd)
            fine(q)
            hits = jload(q)["hits"]
            check(any(probe in h["text"] for h in hits), f"read, but {probe!r} is not found (mojibake?)", q)
        return f"read in {r.secs:.1f} s" + (f" ({len(r.err.splitlines())} warnings)" if r.err else "")
    check(expect != "read", f"refused, but must be read: {r.err.strip()[:120]}", r)
    # a page read by OCR is said as it is done (`kb: X.pdf: OCR page 2: 4.1 s`, seconds each): progress, not an error
    progress = [l for l in r.err.splitlines(keepends=True) if OCR_LINE.match(l)]
    one_line(dataclasses.replace(r, err="".join(l for l in r.err.splitlines(keepends=True) if l not in progress)))
    check(lines == s.base_ls, "refused, but kb ls changed")
    return f"refused in {r.secs:.1f} s: {r.err.strip()[:110]}"


OCR_LINE = re.compile(r"kb: .*: OCR page \d+: [\d.]+ s\n")


def file_case(name: str, make: Callable[[Path], Path | list], expect: str = "either", doc: str | None = None,
              probe: str | None = None, limit: float = 60, heavy: bool = False, after: Callable | None = None):
    """`kb ingest` of what `make(folder)` writes, into a copy of the base index."""
    @case("files", name, heavy=heavy)
    def _(s: Site) -> str:
        idx, d = s.copy_base()
        src = d / "src"
        src.mkdir()
        made = make(src)
        args = [str(p) for p in (made if isinstance(made, list) else [made])]
        r = kb(["--index", str(idx), "ingest", *args], d, timeout=limit)
        detail = _outcome(s, idx, d, r, expect, doc, probe)
        if after:
            after(s, idx, d, r)
        return detail


CN = ("本市坚持以人民为中心的发展思想，推进城市道路养护管理，改善群众出行条件，加快老旧小区改造。"
      "全市新建改建城市道路一百二十公里，新增公共停车泊位五千个，建成区绿化覆盖率达到百分之四十二。")
DOC_TEXT = f"城市道路养护管理办法\n\n第一章 总则\n\n{CN}\n\n第二章 附则\n\n本办法自印发之日起施行，由市住房城乡建设局负责解释。\n"
TRAD = "臺灣地區城市道路養護管理辦法\n\n第一章 總則\n\n為加強城市道路養護管理，改善群眾出行條件，制定本辦法。全市新建改建城市道路一百二十公里。\n"
JAPANESE = "都市道路維持管理規則\n\n第一章 総則\n\nこの規則は、都市の道路を適切に維持管理するために必要な事項を定めるものとする。\n" * 3


def _w(name: str, data: bytes | str, enc: str = "utf-8") -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        p = d / name
        p.write_bytes(data if isinstance(data, bytes) else data.encode(enc))
        return p
    return make


def _pdf(d: Path, name: str, pages: list[list[str]], **kw) -> Path:
    sys.path.insert(0, str(ROOT))
    from tests.pdfgen import make_pdf
    return make_pdf(d / name, pages, **kw)


PDF_LINES = [["城市道路养护管理办法", "第一章 总则", "第一条 为加强城市道路养护管理，改善群众出行条件，制定本办法。",
              "第二条 本办法适用于本市城市道路的养护管理活动。"]]


def _locked_pdf(d: Path, name: str, user_password: str, algorithm: str) -> Path:
    """PDF_LINES printed, then encrypted with pypdf (an empty user password: opens, only its permissions locked)."""
    from pypdf import PdfReader, PdfWriter
    plain = _pdf(d, "plain.pdf", PDF_LINES)
    w = PdfWriter(clone_from=PdfReader(str(plain)))
    w.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    out = d / name
    with open(out, "wb") as f:
        w.write(f)
    plain.unlink()
    return out


def _encrypted_pdf(d: Path) -> Path:
    return _locked_pdf(d, "加密.pdf", "secret", "AES-256")


def _owner_only_pdf(d: Path) -> Path:
    return _locked_pdf(d, "仅限权限.pdf", "", "RC4-128")


def _zero_page_pdf(d: Path) -> Path:
    from pypdf import PdfWriter
    w = PdfWriter()
    out = d / "零页.pdf"
    with open(out, "wb") as f:
        w.write(f)
    return out


def _raw_pdf(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (1 0 obj … endobj), with a correct xref table."""
    out = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _page_loop_pdf(d: Path) -> Path:
    """A page tree whose Pages node lists itself as a kid, beside a page of text."""
    text = b"BT /F1 12 Tf 72 700 Td (City road maintenance rules: chapter one, general provisions.) Tj ET"
    p = d / "页面循环.pdf"
    p.write_bytes(_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                            b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
                            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                            b"/Resources << /Font << /F1 5 0 R >> >> >>",
                            f"<< /Length {len(text)} >>\nstream\n".encode() + text + b"\nendstream",
                            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]))
    return p


def _pdf_bomb(d: Path) -> Path:
    """One page whose content stream inflates to 1 GB of spaces (about 1 MB on disk)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    body = b"".join(comp.compress(chunk) for _ in range(1024)) + comp.flush()
    stream = f"<< /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode() + body + b"\nendstream"
    p = d / "解压炸弹.pdf"
    p.write_bytes(_raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>", stream]))
    return p


def _docx_parts(extra: dict[str, bytes] | None = None, document: bytes | None = None) -> bytes:
    """A .docx (zip) from python-docx's template, with word/document.xml and other parts replaced or added."""
    import docx
    base = io.BytesIO()
    d = docx.Document()
    d.add_paragraph("城市道路养护管理办法")
    d.add_paragraph(CN)
    d.save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml" and document is not None:
                data = document
            z.writestr(info.filename, data)
        for n, data in (extra or {}).items():
            z.writestr(n, data)
    return out.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_xml(body: str, prolog: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}<w:document {W_NS}><w:body>{body}'
            f"</w:body></w:document>").encode()


def _docx_bomb(d: Path) -> Path:
    """word/document.xml inflating to 1 GB (a zip bomb): about 1 MB on disk."""
    import docx
    base = io.BytesIO()
    docx.Document().save(base)
    src = zipfile.ZipFile(io.BytesIO(base.getvalue()))
    p = d / "压缩炸弹.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with z.open("word/document.xml", "w", force_zip64=True) as f:
                    f.write(_docx_xml("<w:p><w:r><w:t>")[:-len("</w:body></w:document>")])
                    block = b" " * (1 << 20)
                    for _ in range(1024):
                        f.write(block)
                    f.write(b"</w:t></w:r></w:p></w:body></w:document>")
            else:
                z.writestr(info.filename, src.read(info.filename))
    return p


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "哈哈哈哈哈哈哈哈哈哈">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")


def _html_nested(n: int, tag: str = "div", close: bool = True) -> bytes:
    head = "<html><head><meta charset='utf-8'><title>嵌套</title></head><body><h1>城市道路养护管理办法</h1>"
    return (head + f"<{tag}>" * n + f"<p>{CN}</p>" + (f"</{tag}>" * n if close else "") + "</body></html>").encode()


def _symlink_loops(d: Path) -> Path:
    folder = d / "循环 folder"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "a" / "b" / "道路.txt").write_text(DOC_TEXT, encoding="utf-8")
    os.symlink("..", folder / "a" / "b" / "up")                  # a/b/up → a (a loop through the parent)
    os.symlink(".", folder / "self")                             # self → the folder itself
    os.symlink("loop2", folder / "loop1")
    os.symlink("loop1", folder / "loop2")                        # loop1 ↔ loop2 (ELOOP)
    os.symlink("nowhere.txt", folder / "悬空.txt")                # dangling
    os.symlink("自环.txt", folder / "自环.txt")                    # itself
    return folder


def _fifo(d: Path, name: str = "管道.txt") -> Path:
    p = d / name
    os.mkfifo(p)
    return p


def _fifo_in_folder(d: Path) -> Path:
    folder = d / "有管道"
    folder.mkdir()
    (folder / "道路.txt").write_text(DOC_TEXT, encoding="utf-8")
    os.mkfifo(folder / "管道.txt")
    return folder


def _random(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


def register_files(full: bool) -> None:
    enc_cases = [("GBK text", "gbk.txt", DOC_TEXT, "gbk", "read", "老旧小区改造"),
                 ("GB18030 text", "gb18030.txt", DOC_TEXT + "𠀀字\n", "gb18030", "read", "老旧小区改造"),
                 ("UTF-8 with BOM", "bom8.txt", "\ufeff" + DOC_TEXT, "utf-8", "read", "老旧小区改造"),
                 ("UTF-16 LE with BOM", "bom16.txt", "\ufeff" + DOC_TEXT, "utf-16-le", "read", "老旧小区改造"),
                 ("UTF-16 BE with BOM", "bom16be.txt", "\ufeff" + DOC_TEXT, "utf-16-be", "read", "老旧小区改造"),
                 ("UTF-16 LE without BOM", "u16le.txt", DOC_TEXT, "utf-16-le", "read", "老旧小区改造"),
                 ("UTF-16 BE without BOM", "u16be.txt", DOC_TEXT, "utf-16-be", "read", "老旧小区改造"),
                 ("Big5 (traditional)", "big5.txt", TRAD, "big5", "either", "城市道路養護"),
                 ("Shift-JIS (Japanese)", "sjis.txt", JAPANESE, "shift_jis", "either", "維持管理"),
                 ("UTF-32 without BOM", "u32.txt", DOC_TEXT, "utf-32-le", "either", "老旧小区改造"),
                 ("CR line ends (old Mac)", "cr.txt", DOC_TEXT.replace("\n", "\r"), "utf-8", "read", "老旧小区改造"),
                 ("CRLF line ends", "crlf.txt", DOC_TEXT.replace("\n", "\r\n"), "utf-8", "read", "老旧小区改造")]
    for name, fn, text, enc, expect, probe in enc_cases:
        file_case(f"{name} .txt", _w(fn, text, enc), expect, Path(fn).stem, probe if expect != "refused" else None)

    @case("files", "UTF-8 with BOM: the title does not start with U+FEFF")
    def _(s: Site) -> str:
        idx, d = s.copy_base()
        (d / "src").mkdir()
        p = d / "src" / "带BOM.txt"
        p.write_text("\ufeff" + DOC_TEXT, encoding="utf-8")
        r = kb(["--index", str(idx), "ingest", str(p)], d)
        fine(r)
        lines, _ = ls(idx, d)
        title = next(l.split("\t")[3] for l in lines if l.startswith("带BOM"))
        check(title == "城市道路养护管理办法", f"title {title!r}")
        return title

    file_case("a few invalid UTF-8 bytes: read with a warning", _w("少量坏字节.txt", DOC_TEXT.encode() + b"\xff\xfe\x80" + CN.encode()),
              "read", "少量坏字节", "老旧小区改造")
    file_case("lone surrogates encoded in UTF-8 (CESU bytes)", _w("代理.txt", DOC_TEXT.encode() + b"\xed\xa0\x80\xed\xb0\x80\n"),
              "either", "代理", "老旧小区改造")
    file_case("random high bytes named .txt", _w("随机.txt", _random(200_000, 1)), "refused")
    file_case("random high bytes (no NUL) named .txt", _w("随机无零.txt", bytes(b | 0x80 for b in _random(200_000, 2))),
              "refused")
    file_case("mostly NULs after one line of text", _w("多零.txt", DOC_TEXT.encode() + b"\x00" * 100_000), "refused")
    file_case("text then a NUL tail after 4 KB", _w("尾零.txt", (DOC_TEXT * 40).encode() + b"\x00" * 20_000), "either",
              "尾零", None)
    file_case("mostly C0 controls", _w("控制.txt", (DOC_TEXT[:20] + "".join(chr(c) for c in range(1, 9)) * 5000)), "refused")
    file_case("mostly C1 controls (UTF-8)", _w("c1.txt", "城市" + "".join(chr(c) for c in range(0x80, 0xa0)) * 3000),
              "refused")
    file_case("mostly private-use characters", _w("私用.txt", "城市道路" + "".join(chr(0xe000 + i % 6000) for i in range(60000))),
              "refused")
    file_case("mostly U+FFFD", _w("替换.txt", "城市道路\n" + "\ufffd" * 50000), "refused")
    file_case("only white space and a BOM", _w("空白.txt", "\ufeff \n\t\u3000\n" * 100), "refused")
    file_case("empty file", _w("空.txt", b""), "refused")
    file_case("one ideograph repeated 1 MB on one line", _w("一字.txt", "国" * 350_000), "either", "一字", None, limit=120)

    # binary in disguise
    png = b"\x89PNG\r\n\x1a\n" + _random(50_000, 3)
    file_case("random bytes named .pdf", _w("随机.pdf", _random(100_000, 4)), "refused")
    file_case("a PNG named .pdf", _w("图片.pdf", png), "refused")
    file_case("UTF-8 text named .pdf", _w("文本.pdf", DOC_TEXT), "refused")
    file_case("random bytes named .docx", _w("随机.docx", _random(100_000, 5)), "refused")
    file_case("a PDF named .docx", lambda d: (_pdf(d, "x.pdf", PDF_LINES).rename(d / "伪装.docx"), d / "伪装.docx")[1],
              "refused")
    file_case("an .xlsx-like zip named .docx", _w("表格.docx", _zip({"xl/workbook.xml": b"<workbook/>",
                                                                  "[Content_Types].xml": b"<Types/>"})), "refused")
    file_case("an empty zip named .docx", _w("空压缩.docx", _zip({})), "refused")
    file_case("random bytes named .html", _w("随机.html", _random(100_000, 6)), "refused")
    file_case("a PNG named .html", _w("图片.html", png), "refused")
    file_case("a .docx named .txt", _w("伪装.txt", _docx_parts()), "refused")
    file_case("a PDF named .txt", lambda d: (_pdf(d, "x.pdf", PDF_LINES).rename(d / "伪装pdf.txt"), d / "伪装pdf.txt")[1],
              "refused")
    file_case("an old binary Word .doc named .docx", _w("旧格式.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + _random(5000, 7)),
              "refused")

    # PDFs
    file_case("a real PDF (control)", lambda d: _pdf(d, "正常.pdf", PDF_LINES), "read", "正常", "城市道路的养护管理")
    file_case("a PDF truncated to half", lambda d: _truncate(_pdf(d, "截断.pdf", PDF_LINES * 3), 0.5), "either", "截断")
    file_case("a PDF truncated to its header", _w("只有头.pdf", b"%PDF-1.7\n"), "refused")
    file_case("an encrypted PDF (user password)", _encrypted_pdf, "refused")
    file_case("a PDF with only an owner password", _owner_only_pdf, "either", "仅限权限")
    file_case("a PDF with zero pages", _zero_page_pdf, "refused")
    file_case("a PDF page tree that loops", _page_loop_pdf, "either", "页面循环", "maintenance")
    file_case("a PDF deflate bomb (1 GB content stream)", _pdf_bomb, "either", limit=90)
    file_case("a PDF of blank pages (no text, no image)", lambda d: _pdf(d, "空白页.pdf", [[], [], []]), "refused",
              limit=120)

    # Word
    file_case("a real .docx (control)", _w("正常.docx", _docx_parts()), "read", "正常", "老旧小区改造")
    file_case("a .docx zip bomb (1 GB document.xml)", _docx_bomb, "refused", limit=90)
    file_case("a .docx with path-traversal names", _w("穿越.docx", _docx_parts({"../../穿越.txt": b"escaped",
                                                                             "/tmp/kb-attack-abs.txt": b"escaped",
                                                                             "word/../../../穿越2.txt": b"escaped"})),
              "either", "穿越", "老旧小区改造", after=_no_escape)
    file_case("a .docx with entity expansion (billion laughs)",
              _w("笑.docx", _docx_parts(document=_docx_xml(_para("&lol9;") + _para(CN), LAUGHS))), "either", limit=60,
              after=_no_laughs)
    file_case("a .docx with an external entity (/etc/passwd)",
              _w("外部实体.docx", _docx_parts(document=_docx_xml(_para("&xxe;") + _para(CN),
                                                            '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'))),
              "either", after=_no_passwd)
    file_case("a .docx with malformed XML", _w("坏XML.docx", _docx_parts(document=b"<w:document><w:body><w:p>")), "refused")
    file_case("a .docx without word/document.xml", _w("缺正文.docx", _zip({"[Content_Types].xml": _docx_ct()})), "refused")
    file_case("a .docx nested 20,000 tables deep",
              _w("深表格.docx", _docx_parts(document=_docx_xml("<w:tbl><w:tr><w:tc>" * 20000 + _para(CN)
                                                            + "</w:tc></w:tr></w:tbl>" * 20000))), "either", limit=90)

    # HTML
    file_case("HTML nested 100,000 divs", _w("嵌套.html", _html_nested(100_000)), "either", "嵌套", limit=90)
    file_case("HTML with 100,000 unclosed <b>", _w("未闭合.html", _html_nested(100_000, "b", close=False)), "either",
              limit=90)
    file_case("HTML of script and style only", _w("脚本.html", "<html><head><script>alert('注入脚本文本')</script>"
                                                           "<style>p{}</style></head><body><script>var x='注入脚本文本'"
                                                           "</script></body></html>"), "refused")
    file_case("HTML: script text is not indexed", _w("带脚本.html", f"<html><body><h1>城市道路养护管理办法</h1><p>{CN}</p>"
                                                             "<script>var x='注入脚本文本';</script></body></html>"),
              "read", "带脚本", "老旧小区改造", after=_no_script_text)
    file_case("HTML declaring GBK", _w("gbk.html", f"<html><head><meta charset='gbk'></head><body><h1>城市道路养护管理办法"
                                                   f"</h1><p>{CN}</p></body></html>", "gbk"), "read", "gbk", "老旧小区改造")
    file_case("HTML declaring an unknown charset", _w("怪编码.html", f"<html><head><meta charset='x-klingon'></head>"
                                                                 f"<body><h1>城市道路养护管理办法</h1><p>{CN}</p></body>"
                                                                 "</html>"), "either", "怪编码", "老旧小区改造")

    # the file system
    @case("files", "a folder with symlink loops, a dangling link and a self link: finishes, reads the real document")
    def _(s: Site) -> str:
        idx, d = s.copy_base()
        folder = _symlink_loops(d)
        r = kb(["--index", str(idx), "ingest", str(folder)], d, timeout=60)
        check(r.rc != 124, "hung", r)
        no_traceback(r)
        terminal_clean(r)
        lines, _ = ls(idx, d)
        ids = {l.split("\t")[0] for l in lines}
        check("道路" in ids, f"the real document is not indexed: {sorted(ids)}", r)
        check(len(ids) == 2, f"the loops made extra documents: {sorted(ids)}", r)
        if r.rc != 0:
            check(all(l.startswith("kb: ") for l in r.err.splitlines()), "stderr not `kb: ` lines", r)
        return f"exit {r.rc}, {sorted(ids)}"

    file_case("a symlink to itself, named", lambda d: (os.symlink("自环.txt", d / "自环.txt"), d / "自环.txt")[1],
              "refused")
    file_case("a dangling symlink, named", lambda d: (os.symlink("没有.txt", d / "悬空.txt"), d / "悬空.txt")[1],
              "refused")
    file_case("a FIFO named .txt, named (nothing writes to it)", _fifo, "refused", limit=30)
    file_case("a FIFO named .pdf, named", lambda d: _fifo(d, "管道.pdf"), "refused", limit=30)

    @case("files", "a folder holding a FIFO named .txt: does not hang, reads the real document")
    def _(s: Site) -> str:
        idx, d = s.copy_base()
        folder = _fifo_in_folder(d)
        r = kb(["--index", str(idx), "ingest", str(folder)], d, timeout=30)
        check(r.rc != 124, "hung on the FIFO", r)
        no_traceback(r)
        terminal_clean(r)
        ids = {l.split("\t")[0] for l in ls(idx, d)[0]}
        check("道路" in ids, f"the real document is not indexed: {sorted(ids)}", r)
        return f"exit {r.rc}"

    # a folder is read as one: empty, it adds nothing and says so (`kb: …: no … file in this folder`), exit 0
    file_case("a folder named x.txt, named", lambda d: (d / "目录.txt").mkdir() or d / "目录.txt", "either")
    file_case("a character device named (/dev/zero)", lambda d: Path("/dev/zero"), "refused", limit=30)
    file_case("/dev/urandom named", lambda d: Path("/dev/urandom"), "refused", limit=30)
    file_case("a file name with ESC, BEL and a newline", _w(f"名称{ESC}[31m{BEL}\n第二行.txt", DOC_TEXT), "either",
              None, "老旧小区改造")
    file_case("a file name of 255 bytes", _w("规" * 83 + "a.txt", DOC_TEXT), "either", None, "老旧小区改造")
    file_case("a file name of only punctuation", _w("！@#￥%……&.txt", DOC_TEXT), "either", None, "老旧小区改造")
    file_case("a file name starting with a dash", _w("-rf.txt", DOC_TEXT), "either", None, "老旧小区改造")
    file_case("a file 100 folders deep", lambda d: _deep(d, 100), "read", "深处", "老旧小区改造")
    file_case("a .meta.json with a lone surrogate in the title", _meta_surrogate, "either", "代理标题", "老旧小区改造")
    file_case("a .meta.json that is not JSON", _meta_bad, "refused")
    file_case("a .meta.json with a 1 MB title", _meta_long, "either", "长标题", "老旧小区改造")
    file_case("a .meta.json whose title is a number", _meta_number, "either", "数字标题", "老旧小区改造")

    @case("files", "an unreadable file (chmod 000), named: one line saying chmod")
    def _(s: Site) -> str:
        return _as_other_user(s, folder=False)

    @case("files", "an unreadable folder (chmod 000) holding documents: one line")
    def _(s: Site) -> str:
        return _as_other_user(s, folder=True)

    # size
    @case("files", "a single-line text of 1 MB then 10 MB: read in time proportional to size")
    def _(s: Site) -> str:
        times = {}
        for mb in (1, 10):
            idx, d = s.copy_base()
            p = d / f"一行{mb}MB.txt"
            unit = (CN * 2).encode()
            data = (unit * (mb * 1_000_000 // len(unit) + 1))[:mb * 1_000_000]
            p.write_bytes(data.decode("utf-8", "ignore").encode())
            r = kb(["--index", str(idx), "ingest", str(p)], d, timeout=300)
            detail = _outcome(s, idx, d, r, "either", None, None)
            times[mb] = r.secs
            if r.rc != 0:
                return f"{mb} MB {detail}"
        base = max(s.t_small, 1.0)
        ratio = (times[10] - base) / max(times[1] - base, 0.5)
        check(ratio < 25, f"10 MB took {times[10]:.0f} s, {ratio:.0f}× the 1 MB's {times[1]:.1f} s (not linear)")
        return f"1 MB {times[1]:.1f} s, 10 MB {times[10]:.1f} s (×{ratio:.1f} beyond a small ingest's {base:.1f} s)"

    file_case("3 MB of CJK text in lines", _w("三兆.txt", (DOC_TEXT * (3_000_000 // len(DOC_TEXT.encode()) + 1))),
              "either", "三兆", "老旧小区改造", limit=180)
    if full:
        file_case("30 MB of CJK text in lines", _w("三十兆.txt", (DOC_TEXT * (30_000_000 // len(DOC_TEXT.encode()) + 1))),
                  "either", "三十兆", None, limit=900, heavy=True)

    # the app's upload (ui/documents.py add_document)
    for name, data, expect in (
            ("正常上传.txt", DOC_TEXT.encode(), "read"),
            ("随机.txt", _random(100_000, 8), "refused"),
            ("随机.pdf", _random(100_000, 9), "refused"),
            ("压缩炸弹.docx", None, "refused"),
            ("加密.pdf", "encrypted", "refused"),
            ("../../逃逸.txt", DOC_TEXT.encode(), "either"),
            ("..\\..\\逃逸2.txt", DOC_TEXT.encode(), "either"),
            ("/etc/绝对.txt", DOC_TEXT.encode(), "either"),
            (f"名称{ESC}[31m{BEL}.txt", DOC_TEXT.encode(), "either"),
            ("换行\n名称.txt", DOC_TEXT.encode(), "either"),
            ("零\x00字节.txt", DOC_TEXT.encode(), "either"),
            ("规" * 83 + "a.txt", DOC_TEXT.encode(), "either"),
            ("规" * 120 + ".txt", DOC_TEXT.encode(), "either"),
            (".txt", DOC_TEXT.encode(), "either"),
            ("管道.txt", "fifo", "either"),
            ("空.txt", b"", "refused"),
            ("伪装.exe", DOC_TEXT.encode(), "refused")):
        @case("files", f"app upload of {name!r}: added, or refused in one line with nothing changed")
        def _(s: Site, name=name, data=data, expect=expect) -> str:
            return _upload(s, name, data, expect)


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return out.getvalue()


def _docx_ct() -> bytes:
    return (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            b'<Default Extension="xml" ContentType="application/xml"/></Types>')


def _truncate(p: Path, share: float) -> Path:
    data = p.read_bytes()
    p.write_bytes(data[:int(len(data) * share)])
    return p


def _deep(d: Path, n: int) -> Path:
    folder = d.joinpath(*[f"层{i}" for i in range(n)])
    folder.mkdir(parents=True)
    p = folder / "深处.txt"
    p.write_text(DOC_TEXT, encoding="utf-8")
    return p


def _meta_surrogate(d: Path) -> Path:
    p = d / "代理标题.txt"
    p.write_text(DOC_TEXT, encoding="utf-8")
    (d / "代理标题.meta.json").write_text('{"title": "城市道路\\ud800养护\\udfff办法", "issuer": "\\udc80某某局"}',
                                         encoding="utf-8")
    return p


def _meta_bad(d: Path) -> Path:
    p = d / "坏元数据.txt"
    p.write_text(DOC_TEXT, encoding="utf-8")
    (d / "坏元数据.meta.json").write_bytes(b"{\"title\": \xff\xfe")
    return p


def _meta_long(d: Path) -> Path:
    p = d / "长标题.txt"
    p.write_text(DOC_TEXT, encoding="utf-8")
    (d / "长标题.meta.json").write_text(json.dumps({"title": "长" * 1_000_000}), encoding="utf-8")
    return p


def _meta_number(d: Path) -> Path:
    p = d / "数字标题.txt"
    p.write_text(DOC_TEXT, encoding="utf-8")
    (d / "数字标题.meta.json").write_text(json.dumps({"title": 12345, "issuer": ["a", "b"], "date": {"x": 1}}),
                                         encoding="utf-8")
    return p


def _no_escape(s: Site, idx: Path, d: Path, r: Run) -> None:
    for p in (d.parent / "穿越.txt", d.parent.parent / "穿越.txt", Path("/tmp/kb-attack-abs.txt"), d / "穿越2.txt",
              ROOT / "穿越.txt"):
        check(not p.exists(), f"the .docx wrote {p} outside itself")


def _no_laughs(s: Site, idx: Path, d: Path, r: Run) -> None:
    gen = _gen(idx)
    size = (gen / "passages.jsonl").stat().st_size
    check(size < 5_000_000, f"entities were expanded: passages.jsonl is {size} bytes")


def _no_passwd(s: Site, idx: Path, d: Path, r: Run) -> None:
    gen = _gen(idx)
    check("root:" not in (gen / "passages.jsonl").read_text(encoding="utf-8"), "/etc/passwd was read into the index")


def _no_script_text(s: Site, idx: Path, d: Path, r: Run) -> None:
    gen = _gen(idx)
    check("注入脚本文本" not in (gen / "passages.jsonl").read_text(encoding="utf-8"), "the script's text was indexed")


def _as_other_user(s: Site, folder: bool) -> str:
    """As root nothing is unreadable: the case runs kb as `nobody` (setpriv), on an index that user may write."""
    idx, d = s.copy_base()
    src = d / "src"
    src.mkdir()
    target = src / ("锁住" if folder else "锁住.txt")
    if folder:
        target.mkdir()
        (target / "道路.txt").write_text(DOC_TEXT, encoding="utf-8")
    else:
        target.write_text(DOC_TEXT, encoding="utf-8")
    prefix: list = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            return "skipped: root, and no setpriv to run as another user"
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        for p in (s.root, s.root / "cases", d):
            p.chmod(0o755)
        for p in [idx, *idx.rglob("*"), src]:
            os.chown(p, 65534, 65534, follow_symlinks=False)
    target.chmod(0)
    try:
        r = kb(["--index", str(idx), "ingest", str(target)], d, timeout=60, prefix=prefix)
    finally:
        target.chmod(0o755)
    refused(r)
    if not folder:
        check("chmod" in r.err, "the line does not say what makes it readable (chmod)", r)
    lines, _ = ls(idx, d)
    check(lines == s.base_ls, "kb ls changed")
    return r.err.strip()[:110]


UPLOAD_SCRIPT = r"""
import json, sys, os, traceback
from pathlib import Path
from kb import KnowledgeBase
from ui.documents import Refused, add_document
args = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
data = Path(args["data"]).read_bytes() if args["data"] else b""
if args.get("fifo"):
    data = None
kb = KnowledgeBase.open(args["index"], model="hash")
try:
    if data is None:
        with open(args["fifo"], "rb") as f:
            data = f.read()
    doc_id, stats = add_document(kb, args["index"], args["name"], data)
    print(json.dumps({"ok": doc_id}))
except Refused as e:
    print(json.dumps({"refused": str(e), "changed": e.changed}))
except Exception as e:
    print(json.dumps({"error": f"{type(e).__name__}: {e}", "tb": traceback.format_exc()}))
"""


def _upload(s: Site, name: str, data, expect: str) -> str:
    idx, d = s.copy_base()
    uploads = d / "uploads"
    blob = d / "blob"
    args = {"index": str(idx), "name": name, "data": str(blob)}
    if data is None:
        blob.write_bytes(_docx_bomb(d).read_bytes())
    elif data == "encrypted":
        blob.write_bytes(_encrypted_pdf(d).read_bytes())
    elif data == "fifo":
        args["fifo"] = str(_fifo(d, "上传管道"))
        args["data"] = ""
    else:
        blob.write_bytes(data)
    spec = d / "args.json"
    spec.write_text(json.dumps(args, ensure_ascii=True), encoding="utf-8")
    env = dict(attack.ENV, KB_UPLOADS=str(uploads), KB_INDEX=str(idx), KB_MODEL="hash")
    if data == "fifo":
        # the browser hands the app bytes, never a FIFO: the app reads what the upload holds; here nothing comes
        return "skipped: an upload is bytes in memory; a FIFO cannot be uploaded"
    r = py(UPLOAD_SCRIPT, [str(spec)], d, timeout=120, env=env)
    check(r.rc != 124, "hung", r)
    check(r.rc == 0, f"exit {r.rc}", r)
    res = json.loads(r.out.strip().splitlines()[-1])
    check("error" not in res, f"add_document raised {res.get('error')}: {res.get('tb', '')[-600:]!r}")
    lines, _ = ls(idx, d)
    for stray in (d.parent / "逃逸.txt", d.parent.parent / "逃逸.txt", d / "逃逸.txt", Path("/etc/绝对.txt"),
                  d.parent / "逃逸2.txt", d / "逃逸2.txt"):
        check(not stray.exists(), f"the upload wrote {stray}")
    kept = sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []
    if "ok" in res:
        check(expect != "refused", f"added as {res['ok']}, but must be refused")
        check(any(l.split("\t")[0] == res["ok"] for l in lines), f"added {res['ok']} is not listed")
        check(all(p.resolve().parent == uploads.resolve() for p in uploads.iterdir()), "a file outside uploads/")
        terminal_clean(kb(["--index", str(idx), "ls"], d))
        return f"added as {res['ok']!r}; uploads/ holds {kept}"
    msg = res["refused"]
    check(expect != "read", f"refused, but must be added: {msg}")
    check("\n" not in msg and "\r" not in msg, f"the refusal is more than one line: {msg!r}")
    check("Traceback" not in msg, "a traceback in the refusal")
    check(lines == s.base_ls, "refused, but kb ls changed")
    check(not kept or res.get("changed"), f"refused, but uploads/ keeps {kept}")
    return f"refused: {msg[:100]}"


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.environ.get("KB_MODEL", "hash"), help="embedding model (default: hash)")
    ap.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1), help="cases run at once")
    ap.add_argument("--full", action="store_true", help="also the heavy cases (a 30 MB text)")
    ap.add_argument("--only", action="append", default=[], help="run the cases whose 'family: name' holds this")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    attack.ENV = make_env(a.model)
    t0 = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="kb-attack-text-"))
    print(f"kb attack campaign (text, files): model {a.model}, {a.jobs} at once, in {root}", flush=True)
    try:
        register_text()
        register_files(a.full)
        chosen = [c for c in CASES if (a.full or not c.heavy)
                  and (not a.only or any(o in f"{c.family}: {c.name}" for o in a.only))]
        s = build_site(root, a.full)
        print(f"site built in {time.perf_counter() - t0:.0f} s; {len(chosen)} cases", flush=True)
        return run_cases(chosen, s, ("text", "files"), a.jobs, a.verbose, t0,
                         first=lambda c: any(big in c.name for big in ("3 MB", "10 MB", "30 MB")),  # the long ones
                         shown=lambda line: line.encode("unicode_escape").decode("ascii")
                         if TERMINAL_RAW.search(line) else line)
    finally:
        if a.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
