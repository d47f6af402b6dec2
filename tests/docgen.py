"""Realistic test documents generated from the bundled outline, cached under tests/artifacts/docs/.

The corpus text file is a damaged extraction of the printed outline (paragraphs cut at page
breaks, stray spaces, ASCII punctuation).  This module parses it with a small self-contained
parser (independent of `ingest`, which it is meant to test), cleans it, and renders the forms in
which people actually receive such an outline:

    outline_html_print()    print-ready HTML: cover, 目录 with real page numbers, body
    outline_browser_pdf()   that HTML printed by headless Chromium (A4, `— N —` footers)
    outline_docx()          a Word file (Heading 1/2/3, merged-cell table, boxes as 1-cell tables)
    outline_saved_html()    the outline as saved from a government website (nav, sidebar, scripts)
    outline_radical_pdf()   the same, its text layer full of radical look-alikes (⼗ for 十, ⺠ for 民)
    outline_scan_pdf(dpi)   an image-only PDF made from the browser PDF's pages
    outline_office_pdf()    the docx converted by LibreOffice (None when soffice is missing)
    TABLE / ROWS            the truth of the indicator table 专栏 1-1 (see tests/data/indicator_table.json)

Every artifact is cached in tests/artifacts/docs/ under a name carrying a hash of the corpus file
and of this source file, so a second call costs milliseconds; editing either regenerates.
Run `python tests/docgen.py` to build everything and print the seconds each artifact took.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
CACHE = ROOT / "tests" / "artifacts" / "docs"
TABLE_JSON = ROOT / "tests" / "data" / "indicator_table.json"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

BANNER = "新乡市卫滨区十四届人大六次会议文件（15）"
TITLE_LINES = ("新乡市卫滨区国民经济和社会发展", "第十四个五年规划和二〇三五年远景目标", "纲要（草案）")
TITLE = "".join(TITLE_LINES)
ISSUER = "卫滨区发展和改革委员会"
DATE = "二〇二一年三月"
RUNNING_HEAD = "卫滨区“十四五”规划纲要"

# ---------------------------------------------------------------------------------------------
# The indicator table 专栏 1-1 (truth, established from the tab layout of corpus lines 221-247)
# ---------------------------------------------------------------------------------------------

COLUMNS = ("序号", "类别", "指标名称", "2020年基数", "2025年目标", "五年年均增长或累计", "指标属性")


def _row(no, cat, name, base, target, five, attr):
    return dict(zip(COLUMNS, (no, cat, name, base, target, five, attr)))


ROWS: list[dict[str, str]] = [
    _row("1", "经济发展", "地区生产总值增长（%）", "", "", "7左右", "预期性"),
    _row("2", "经济发展", "规模以上工业增加值增长（%）", "", "", "7", "预期性"),
    _row("3", "经济发展", "一般公共预算收入增长（%）", "3.01亿", "", "7", "预期性"),
    _row("4", "经济发展", "固定资产投资增长（%）", "", "", "8", "预期性"),
    _row("5", "经济发展", "社会消费品零售总额增长（%）", "", "", "7.5", "预期性"),
    _row("6", "经济发展", "常住人口城镇化率（%）", "100", "100", "", "预期性"),
    _row("7", "民生福祉", "居民人均可支配收入增长率（%）", "", "", "与经济增长基本同步", "预期性"),
    _row("8", "民生福祉", "城镇新增就业人数", "", "[2.9]", "", "预期性"),
    _row("8", "民生福祉", "城镇就业（万人）", "", "[2.5]", "", "预期性"),
    _row("9", "民生福祉", "城镇调查失业率（%）", "4", "", "<4", "预期性"),
    _row("10", "民生福祉", "小学适龄儿童入学率（%）", "100", "100", "", "约束性"),
    _row("11", "民生福祉", "初中适龄儿童入学率（%）", "100", "100", "", "约束性"),
    _row("12", "民生福祉", "每千人拥有执业医师数（人）", "3.4", "3.7", "", "预期性"),
    _row("13", "民生福祉", "普惠性幼儿园占比（%）", "81.2", "85以上", "", "预期性"),
    _row("14", "民生福祉", "学前三年毛入园率（%）", "97", "97以上", "", "预期性"),
    _row("15", "民生福祉", "人均体育场地设施面积（平方米）", "1.56", "1.8以上", "", "预期性"),
    _row("16", "绿色生态", "单位GDP能源消耗降幅（%）", "", "", "按市下达目标", "约束性"),
    _row("17", "绿色生态", "空气优良天数比例（%）", "65.3", "按市下达目标", "", "约束性"),
    _row("18", "绿色生态", "达到或好于Ⅲ类水体占地表水比例（%）", "75.0", "按市下达目标", "", "约束性"),
    _row("19", "安全保障", "粮食综合生产能力（万吨）", "2.5", "≥2.5", "", "预期性"),
]

# Merged cells of the body, as (column, first row index, last row index) over ROWS (inclusive).
MERGES: list[tuple[str, int, int]] = [
    ("类别", 0, 5),      # 经济发展: 1-6
    ("类别", 6, 15),     # 民生福祉: 7-15 (both lines of 8)
    ("类别", 16, 18),    # 绿色生态: 16-18
    ("类别", 19, 19),    # 安全保障: 19 (one row)
    ("序号", 7, 8),      # 8: two indicators
    ("指标属性", 7, 9),  # 预期性: 8 (both lines) and 9
]

TABLE = {
    "box": "1-1",
    "title": "专栏 1-1 “十四五”期间经济社会主要发展目标",
    "columns": list(COLUMNS),
    # the original's two-row header: (text, rowspan, colspan) per cell
    "header": [
        [("序号", 2, 1), ("类别", 2, 1), ("指标名称", 2, 1), ("2020年基数", 2, 1),
         ("“十四五”规划", 1, 2), ("指标属性", 2, 1)],
        [("2025年目标", 1, 1), ("五年年均增长或累计", 1, 1)],
    ],
    "rows": ROWS,
    "merges": MERGES,
    "note": "注：1.[]内数据为五年累计数。",
}


def _spans() -> dict[tuple[int, str], int]:
    """(row index, column) -> rowspan for the first cell of each merge; hidden cells map to 0."""
    out: dict[tuple[int, str], int] = {}
    for col, a, b in MERGES:
        out[(a, col)] = b - a + 1
        for i in range(a + 1, b + 1):
            out[(i, col)] = 0
    return out


def write_table_json(path: Path = TABLE_JSON) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(ROWS, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------
# Parse and clean the corpus text
# ---------------------------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十"
CHAPTER = re.compile(rf"^第([{CN_NUM}]+)章\s*(.+)$")
SECTION = re.compile(rf"^第([{CN_NUM}]+)节\s*(.+)$")
SECTION_WITH_SUB = re.compile(rf"^(.+?)\s*([（(][{CN_NUM}]+[）)].+)$")
SUBHEAD = re.compile(rf"^(?:[（(][{CN_NUM}]+[）)].{{2,40}}|——[^。，,；;]{{2,30}})$")
BOX = re.compile(r"^专栏\s*(\d+)\s*[-－—]\s*(\d+)\s*(.*)$")
NOTE = re.compile(r"^注\s*[:：]")
LEAD = re.compile(r"^((?:——)?[^。，,；;：:“”\"（）()]{2,20}。)")
ENDS = tuple("。！？!?")

# Known damage that no rule can undo: the extraction dropped an opening quote.
ERRATA = {"打造一街一景": "打造\"一街一景"}

_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef“”‘’《》、—·…"


def _cn_int(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + CN_NUM.index(s[1]) + 1
    if s.endswith("十"):
        return (CN_NUM.index(s[0]) + 1) * 10
    if "十" in s:
        return (CN_NUM.index(s[0]) + 1) * 10 + CN_NUM.index(s[2]) + 1
    return CN_NUM.index(s) + 1


def clean(s: str) -> str:
    """Undo the extraction damage: full-width punctuation next to Chinese, no stray spaces, “ ”."""
    s = s.replace("**", "").strip()
    for bad, good in ERRATA.items():
        s = s.replace(bad, good)
    cjk = f"[{_CJK}]"
    s = re.sub(r"(?<!\d),|,(?!\d)", "，", s)
    s = s.replace(";", "；")
    s = re.sub(rf"(?<={cjk})\s*:|:(?=\s*{cjk})", "：", s)
    s = re.sub(rf"(?<={cjk})!|!(?=\s*{cjk})|!$", "！", s)
    s = re.sub(rf"(?<={cjk})\?|\?(?=\s*{cjk})", "？", s)

    def paren(m: re.Match) -> str:
        before = s[m.start() - 1:m.start()] if m.start() else ""
        after = s[m.end():m.end() + 1]
        if re.search(cjk, m.group(1)) or re.match(cjk, before or "x") or re.match(cjk, after or "x") \
                or "%" in m.group(1):
            return "（" + m.group(1) + "）"
        return m.group(0)

    s = re.sub(r"\(([^()]*)\)", paren, s)
    parts = s.split('"')                       # pairs of straight quotes → “ ”
    if len(parts) % 2 == 1:
        s = "".join(p + ("“" if i % 2 == 0 else "”") for i, p in enumerate(parts[:-1])) + parts[-1]
    # stray spaces: any run of spaces touching a Chinese character or full-width punctuation
    s = re.sub(rf"\s+(?={cjk})|(?<={cjk})\s+", "", s)
    s = re.sub(r"\s{2,}", " ", s)
    return s


@dataclass
class Blk:
    kind: str                      # chapter | section | subheading | paragraph | box | table | note
    text: str                      # cleaned; headings: "第一章 开启…" (序言: "序言")
    num: int = 0                   # chapter / section number (序言: chapter 0)
    chapter: int = 0
    items: list[str] = field(default_factory=list)   # box items

    @property
    def title(self) -> str:        # heading title without its number
        return self.text.split(" ", 1)[1] if " " in self.text else self.text

    @property
    def label(self) -> str:        # "第一章" / "第一节" / "序言"
        return self.text.split(" ", 1)[0]


def _ends_sentence(t: str) -> bool:
    t = t.rstrip()
    return t.endswith(ENDS) or (t.endswith(("”", '"')) and t[:-1].endswith(ENDS))


def parse(path: Path = CORPUS) -> list[Blk]:
    """The outline's body in reading order, cleaned (paragraphs rejoined across page breaks)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, l in enumerate(lines) if re.sub(r"\s", "", l) == "序言" and "\t" not in l)
    out: list[Blk] = [Blk("chapter", "序言", 0, 0)]
    chapter = 0
    box: Blk | None = None
    in_table = False
    for raw in lines[start + 1:]:
        t = raw.strip()
        if t.startswith("- "):
            t = t[2:].strip()
        t = t.replace("**", "")
        if not t:
            continue
        if in_table:                           # table lines: the truth is TABLE, not the damaged rows
            if NOTE.match(t):
                out.append(Blk("note", TABLE["note"], chapter=chapter))
                in_table = False
            continue
        if m := CHAPTER.match(t):
            chapter = _cn_int(m.group(1))
            out.append(Blk("chapter", f"第{m.group(1)}章 {clean(m.group(2))}", chapter, chapter))
            box = None
            continue
        if m := SECTION.match(t):
            rest, sub = m.group(2), None
            if ms := SECTION_WITH_SUB.match(rest):
                rest, sub = ms.group(1), ms.group(2)
            out.append(Blk("section", f"第{m.group(1)}节 {clean(rest)}", _cn_int(m.group(1)), chapter))
            if sub:
                out.append(Blk("subheading", clean(sub), chapter=chapter))
            box = None
            continue
        if m := BOX.match(t):
            title = f"专栏 {m.group(1)}-{m.group(2)} {clean(m.group(3))}"
            if f"{m.group(1)}-{m.group(2)}" == TABLE["box"]:
                out.append(Blk("table", TABLE["title"], chapter=chapter))
                in_table, box = True, None
            else:
                box = Blk("box", title, chapter=chapter)
                out.append(box)
            continue
        if SUBHEAD.match(t) and box is None:
            out.append(Blk("subheading", clean(t), chapter=chapter))
            continue
        c = clean(t)
        if box is not None:
            if box.items and not _ends_sentence(box.items[-1]):
                box.items[-1] += c
            else:
                box.items.append(c)
            continue
        prev = out[-1]
        if prev.kind == "paragraph" and (
                not _ends_sentence(prev.text)
                or (prev.text.endswith("；") and not LEAD.match(c))):
            prev.text += c                     # rejoin a paragraph cut by a page break
            continue
        out.append(Blk("paragraph", c, chapter=chapter))
    return out


def headings(blocks: list[Blk] | None = None) -> list[Blk]:
    """序言, every chapter and every section, in order: the entries of the 目录."""
    return [b for b in (blocks or parse()) if b.kind in ("chapter", "section")]


# ---------------------------------------------------------------------------------------------
# Cache
# ---------------------------------------------------------------------------------------------

def _key() -> str:
    h = hashlib.sha256()
    h.update(CORPUS.read_bytes())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()[:12]


def _cached(name: str, build) -> Path:
    """CACHE/<stem>-<key><suffix>; build(tmp_path) writes it when missing (atomically)."""
    stem, suffix = os.path.splitext(name)
    path = CACHE / f"{stem}-{_key()}{suffix}"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        build(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    for old in CACHE.glob(f"{stem}-*{suffix}"):        # drop versions made by older sources
        if old != path and re.fullmatch(rf"{re.escape(stem)}-[0-9a-f]{{12}}{re.escape(suffix)}", old.name):
            old.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------------------------------------
# Print HTML (cover, 目录, body)
# ---------------------------------------------------------------------------------------------

E = html.escape

PRINT_CSS = """
@page { size: A4; margin: 37mm 25.5mm 35mm 26mm;
  @top-center { content: "%(head)s"; font: 10.5pt "Noto Sans CJK SC", sans-serif; color: #333;
                vertical-align: bottom; padding-bottom: 2.5mm; border-bottom: 0.6pt solid #444; }
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "Noto Serif CJK SC", serif;
                   vertical-align: top; padding-top: 7mm; } }
@page front { counter-increment: page 0;
  @top-center { content: none; border: none; } @bottom-center { content: none; } }
html { -webkit-print-color-adjust: exact; }
body { margin: 0; font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 16pt;
       line-height: 27.5pt; color: #000; }
.front { page: front; }
.cover { height: 224mm; display: flex; flex-direction: column; align-items: center;
         break-after: page; text-align: center; }
.cover .banner { font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; letter-spacing: 0.1em;
                 margin-top: 0; align-self: flex-start; }
.cover .title { margin-top: 50mm; font-size: 22pt; line-height: 40pt; font-weight: bold; white-space: nowrap; }
.cover .issuer { margin-top: auto; font-size: 16pt; font-family: "Noto Sans CJK SC", sans-serif; }
.cover .date { font-size: 16pt; margin-bottom: 10mm; }
.toc { break-after: page; }
.toc h1 { text-align: center; font-family: "Noto Sans CJK SC", sans-serif; font-size: 22pt;
          white-space: pre; margin: 0 0 5mm 0; font-weight: bold; }
.toc .e { display: flex; align-items: baseline; font-size: 13pt; line-height: 18pt; margin: 0; }
.toc .e.l2 { padding-left: 2em; }
.toc .e .t { white-space: nowrap; }
.toc .e .d { flex: 1; overflow: hidden; white-space: nowrap; margin: 0 0.3em; color: #000; }
.toc .e .n { white-space: nowrap; min-width: 1.2em; text-align: right; }
.main { page: main; }
h1 { font-size: 22pt; line-height: 32pt; text-align: center; font-weight: bold; margin: 10pt 0 10pt 0;
     break-after: avoid; }
h2 { font-family: "Noto Sans CJK SC", sans-serif; font-size: 16pt; text-align: center; font-weight: bold;
     margin: 6pt 0 4pt 0; break-after: avoid; }
h3 { font-size: 16pt; font-weight: bold; margin: 0; text-indent: 2em; break-after: avoid; }
p { margin: 0; text-indent: 2em; text-align: justify; }
p strong { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; }
.box { border: 1pt solid #000; padding: 3mm 4mm; margin: 6pt 0 10pt 0; }
.box .bt { text-indent: 0; text-align: center; font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold;
           break-after: avoid; }
.box p { font-size: 14pt; line-height: 24pt; }
.tt { text-indent: 0; text-align: center; font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold;
      margin-top: 6pt; break-after: avoid; }
table.ind { border-collapse: collapse; width: 100%%; font-size: 11pt; line-height: 15pt; margin: 4pt 0; }
table.ind th, table.ind td { border: 0.8pt solid #000; padding: 2.5pt 3pt; text-align: center;
                             vertical-align: middle; }
table.ind th { font-family: "Noto Sans CJK SC", sans-serif; font-weight: bold; }
table.ind td.name { text-align: left; }
table.ind tr { break-inside: avoid; }
.note { font-size: 12pt; line-height: 18pt; text-indent: 0; margin-bottom: 8pt; }
"""


def _lead_html(text: str) -> str:
    m = LEAD.match(text)
    if not m:
        return E(text)
    return f"<strong>{E(m.group(1))}</strong>{E(text[m.end():])}"


def _table_html(cls: str = "ind", attrs: str = "") -> str:
    spans = _spans()
    out = [f'<table class="{cls}"{attrs}>', "<thead>"]
    for hr in TABLE["header"]:
        cells = "".join(
            f"<th{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{E(t)}</th>"
            for t, rs, cs in hr)
        out.append(f"<tr>{cells}</tr>")
    out += ["</thead>", "<tbody>"]
    for i, row in enumerate(ROWS):
        cells = []
        for col in COLUMNS:
            rs = spans.get((i, col), 1)
            if rs == 0:
                continue
            cls_ = ' class="name"' if col == "指标名称" else ""
            rsa = f' rowspan="{rs}"' if rs > 1 else ""
            cells.append(f"<td{rsa}{cls_}>{E(row[col])}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out += ["</tbody>", "</table>"]
    return "\n".join(out)


def _toc_html(blocks: list[Blk], pages: dict[str, int] | None) -> str:
    dots = "." * 160
    rows = ['<section class="toc front">', "<h1>目  录</h1>"]
    for b in headings(blocks):
        lvl = "l2" if b.kind == "section" else "l1"
        n = str(pages[_hkey(b)]) if pages else "00"
        t = b.text.replace(" ", "\u3000") if b.kind == "section" else b.text
        rows.append(f'<p class="e {lvl}"><span class="t">{E(t)}</span>'
                    f'<span class="d">{dots}</span><span class="n">{n}</span></p>')
    rows.append("</section>")
    return "\n".join(rows)


def _hkey(b: Blk) -> str:
    return f"{b.chapter}.{b.num if b.kind == 'section' else 0}"


def _body_html(blocks: list[Blk]) -> str:
    out = ['<main class="main">']
    for b in blocks:
        if b.kind == "chapter":
            out.append(f'<h1 id="c{b.chapter}">{E(b.text)}</h1>')
        elif b.kind == "section":
            out.append(f'<h2 id="s{b.chapter}-{b.num}">{E(b.text)}</h2>')
        elif b.kind == "subheading":
            out.append(f"<h3>{E(b.text)}</h3>")
        elif b.kind == "paragraph":
            out.append(f"<p>{_lead_html(b.text)}</p>")
        elif b.kind == "box":
            items = "".join(f"<p>{_lead_html(t)}</p>" for t in b.items)
            out.append(f'<div class="box"><p class="bt">{E(b.text)}</p>{items}</div>')
        elif b.kind == "table":
            out.append(f'<p class="tt">{E(b.text)}</p>')
            out.append(_table_html())
        elif b.kind == "note":
            out.append(f'<p class="note">{E(b.text)}</p>')
    out.append("</main>")
    return "\n".join(out)


def _print_html(blocks: list[Blk], pages: dict[str, int] | None) -> str:
    cover = (
        '<section class="cover front">'
        f'<div class="banner">{E(BANNER)}</div>'
        '<div class="title">' + "<br>".join(E(t) for t in TITLE_LINES) + "</div>"
        f'<div class="issuer">{E(ISSUER)}</div><div class="date">{E(DATE)}</div>'
        "</section>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{E(TITLE)}</title>\n<style>{PRINT_CSS % {'head': RUNNING_HEAD}}</style>\n</head>\n"
            f"<body>\n{cover}\n{_toc_html(blocks, pages)}\n{_body_html(blocks)}\n</body>\n</html>\n")


def _estimate_pages(blocks: list[Blk]) -> dict[str, int]:
    """Without a browser: page numbers from a characters-per-page estimate."""
    chars, pages = 0, {}
    for b in blocks:
        if b.kind in ("chapter", "section"):
            pages[_hkey(b)] = chars // 560 + 1
            chars += 60
        else:
            chars += len(b.text) + sum(len(t) for t in b.items) + (900 if b.kind == "table" else 0)
    return pages


# ---------------------------------------------------------------------------------------------
# Chromium
# ---------------------------------------------------------------------------------------------

def chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        if p := shutil.which(name):
            return p
    return None


def _print_pdf(html_path: Path, pdf_path: Path) -> None:
    exe = chromium()
    if not exe:
        raise RuntimeError("chromium is not installed (apt install chromium)")
    with tempfile.TemporaryDirectory(prefix="docgen-chromium-") as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--no-first-run", f"--user-data-dir={profile}", "--no-pdf-header-footer",
               f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()]
        r = subprocess.run(cmd, capture_output=True, timeout=600)
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise RuntimeError(f"chromium printed nothing ({r.returncode}): {r.stderr[-800:]!r}")


# CJK Radicals Supplement forms that browsers' ToUnicode maps produce (NFKC leaves these alone).
RADICAL_SUPPLEMENT = {
    "⺠": "民", "⻓": "长", "⻔": "门", "⻅": "见", "⻆": "角", "⻋": "车", "⻢": "马", "⻛": "风",
    "⻜": "飞", "⻝": "食", "⻘": "青", "⻩": "黄", "⻬": "齐", "⻮": "齿", "⻳": "龟", "⻨": "麦",
    "⻄": "西", "⺟": "母", "⺬": "示", "⻉": "贝", "⻚": "页", "⻥": "鱼", "⻦": "鸟", "⻰": "龙",
    "⺁": "厂", "⺌": "小", "⺕": "彐", "⺝": "月", "⺶": "羊", "⺻": "聿", "⻏": "阝", "⻖": "阝",
}   # each pair as in the UCD's EquivalentUnifiedIdeograph.txt (forms such as ⻊ 𧾷 are not 足)


def norm(text: str) -> str:
    """Page text made comparable: radicals → ideographs (NFKC + table), no whitespace."""
    text = unicodedata.normalize("NFKC", "".join(RADICAL_SUPPLEMENT.get(c, c) for c in text))
    return re.sub(r"\s+", "", text)


def pdf_page_texts(pdf: Path) -> list[str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def heading_pages(pdf: Path, blocks: list[Blk] | None = None) -> tuple[int, dict[str, int]]:
    """(index of the first body page, {heading key: printed page number}) found by text search."""
    texts = [norm(t) for t in pdf_page_texts(pdf)]
    head = norm(RUNNING_HEAD)
    first = next(i for i, t in enumerate(texts) if t.startswith(head) or head in t[:40])
    pages, at = {}, first
    for b in headings(blocks):
        needle = norm(b.text)
        for i in range(at, len(texts)):
            if needle in texts[i]:
                pages[_hkey(b)] = i - first + 1
                at = i
                break
        else:
            raise RuntimeError(f"heading not found in {pdf.name}: {b.text}")
    return first, pages


def _layout_pages(blocks: list[Blk]) -> dict[str, int] | None:
    """Pass 1: print a draft and read where each heading lands (None without chromium)."""
    if not chromium():
        return None

    def build(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="docgen-") as d:
            h, p = Path(d) / "draft.html", Path(d) / "draft.pdf"
            h.write_text(_print_html(blocks, None), encoding="utf-8")
            _print_pdf(h, p)
            tmp.write_text(json.dumps(heading_pages(p, blocks)[1], ensure_ascii=False), encoding="utf-8")

    return json.loads(_cached("layout.json", build).read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# Public artifacts
# ---------------------------------------------------------------------------------------------

def outline_html_print() -> Path:
    """Print-ready HTML: cover, 目录 (page numbers measured in Chromium when present), body."""
    def build(tmp: Path) -> None:
        blocks = parse()
        pages = _layout_pages(blocks) or _estimate_pages(blocks)
        tmp.write_text(_print_html(blocks, pages), encoding="utf-8")

    # without a browser the 目录 carries estimated page numbers: cache that under its own name
    return _cached("outline-print.html" if chromium() else "outline-print-estimated.html", build)


def outline_browser_pdf() -> Path:
    """outline_html_print() printed by headless Chromium: A4, `— N —` from the first body page."""
    def build(tmp: Path) -> None:
        src = outline_html_print()
        with tempfile.TemporaryDirectory(prefix="docgen-") as d:
            h = Path(d) / "outline.html"              # print a copy named like a download
            shutil.copy(src, h)
            _print_pdf(h, tmp)
        blocks = parse()
        _, pages = heading_pages(tmp, blocks)
        want = _layout_pages(blocks)
        if pages != want:
            raise RuntimeError(f"second pass moved headings: {pages} != {want}")

    return _cached("outline-browser.pdf", build)


def radical_damage(text: str) -> str:
    """Text as a damaging PDF text layer has it: every ideograph that has a Kangxi-radical or radicals-supplement
    twin (十 ⼗, 工 ⼯, 人 ⼈, 民 ⺠, 长 ⻓, 龙 ⻰ …) replaced by the twin. Noto CJK draws both with one glyph,
    so the page looks the same; only the text layer changes, as in real browser/office PDFs of this outline."""
    twins: dict[str, str] = {}
    for cp in range(0x2F00, 0x2FD6):
        twins.setdefault(unicodedata.normalize("NFKC", chr(cp)), chr(cp))
    for rad, ideo in RADICAL_SUPPLEMENT.items():
        twins[ideo] = rad
    return "".join(twins.get(c, c) for c in text)


def outline_radical_pdf() -> Path:
    """The browser PDF whose text layer carries radical look-alikes instead of ideographs (thousands of them)."""
    def build(tmp: Path) -> None:
        src = outline_html_print().read_text(encoding="utf-8")
        body = re.sub(r">([^<]+)<", lambda m: ">" + radical_damage(m.group(1)) + "<", src)
        with tempfile.TemporaryDirectory(prefix="docgen-") as d:
            h = Path(d) / "outline.html"
            h.write_text(body, encoding="utf-8")
            _print_pdf(h, tmp)

    return _cached("outline-radicals.pdf", build)


def outline_scan_pdf(dpi: int = 150, pages: int | None = None) -> Path:
    """An image-only PDF (no text layer) of the browser PDF, pages rendered at `dpi`, grayscale JPEG;
    `pages` keeps only the first N pages (a shorter scan for a test that has to OCR every page)."""
    def build(tmp: Path) -> None:
        import pypdfium2 as pdfium

        doc = pdfium.PdfDocument(str(outline_browser_pdf()))
        try:
            images = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
                      for i in range(min(len(doc), pages or len(doc)))]
        finally:
            doc.close()
        images[0].save(tmp, "PDF", save_all=True, append_images=images[1:], resolution=float(dpi),
                       quality=70)

    return _cached(f"outline-scan-{dpi}dpi{f'-{pages}p' if pages else ''}.pdf", build)


def outline_docx() -> Path:
    """The outline as a Word file: title page, Heading 1/2/3, boxes as 1-cell tables, merged table."""
    def build(tmp: Path) -> None:
        _docx(parse()).save(str(tmp))

    return _cached("outline.docx", build)


def outline_office_pdf() -> Path | None:
    """The docx converted by LibreOffice (`soffice --headless --convert-to pdf`); None without soffice."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        return None

    def build(tmp: Path) -> None:
        src = outline_docx()
        with tempfile.TemporaryDirectory(prefix="docgen-lo-") as d:
            dd = Path(d)
            shutil.copy(src, dd / "outline.docx")
            r = subprocess.run([exe, f"-env:UserInstallation={(dd / 'profile').as_uri()}", "--headless",
                                "--convert-to", "pdf", "--outdir", str(dd), str(dd / "outline.docx")],
                               capture_output=True, timeout=600)
            out = dd / "outline.pdf"
            if not out.exists():
                raise RuntimeError(f"soffice made no PDF ({r.returncode}): {r.stderr[-800:]!r}")
            shutil.copy(out, tmp)

    return _cached("outline-office.pdf", build)


# ---------------------------------------------------------------------------------------------
# Word
# ---------------------------------------------------------------------------------------------

SERIF, SANS = "Noto Serif CJK SC", "Noto Sans CJK SC"


def _font(target, name: str, size: float | None = None, bold: bool | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    f = target.font
    f.name = name
    if size:
        f.size = Pt(size)
    if bold is not None:
        f.bold = bold
    f.color.rgb = RGBColor(0, 0, 0)
    rpr = target.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for a in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(a), name)
    for a in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(a), None)


def _field(paragraph, instr: str) -> None:
    """Insert a simple field (e.g. PAGE) as begin/instr/separate/result/end runs."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld(kind):
        e = OxmlElement("w:fldChar")
        e.set(qn("w:fldCharType"), kind)
        return e

    r = paragraph.add_run()
    r._r.append(fld("begin"))
    r = paragraph.add_run()
    t = OxmlElement("w:instrText")
    t.set(qn("xml:space"), "preserve")
    t.text = f" {instr} "
    r._r.append(t)
    r = paragraph.add_run()
    r._r.append(fld("separate"))
    paragraph.add_run("1")
    r = paragraph.add_run()
    r._r.append(fld("end"))


def _cell_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        e = OxmlElement(f"w:{edge}")
        for k, v in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
            e.set(qn(f"w:{k}"), v)
        borders.append(e)
    tblpr.append(borders)


def _docx(blocks: list[Blk]):
    import docx
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    d = docx.Document()
    core = d.core_properties
    core.title, core.author, core.subject = TITLE, ISSUER, "国民经济和社会发展规划纲要"
    st = d.styles
    normal = st["Normal"]
    _font(normal, SERIF, 16)
    pf = normal.paragraph_format
    pf.first_line_indent = Pt(32)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(28.9)
    pf.space_before = pf.space_after = Pt(0)
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for name, font, size, align in (("Heading 1", SERIF, 22, WD_ALIGN_PARAGRAPH.CENTER),
                                    ("Heading 2", SANS, 16, WD_ALIGN_PARAGRAPH.CENTER),
                                    ("Heading 3", SERIF, 16, WD_ALIGN_PARAGRAPH.LEFT)):
        s = st[name]
        _font(s, font, size, True)
        s.font.italic = False
        s.paragraph_format.alignment = align
        s.paragraph_format.first_line_indent = Pt(32) if name == "Heading 3" else Pt(0)
        s.paragraph_format.space_before = Pt(12 if name == "Heading 1" else 6)
        s.paragraph_format.space_after = Pt(12 if name == "Heading 1" else 6)
        s.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        s.paragraph_format.keep_with_next = True

    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(20)

    def para(text="", align=None, size=None, bold=None, font=None, indent=None, before=None, after=None):
        p = d.add_paragraph()
        if text:
            r = p.add_run(text)
            if size or bold is not None or font:
                _font(r, font or SERIF, size, bold)
        f = p.paragraph_format
        if align is not None:
            f.alignment = align
        if indent is not None:
            f.first_line_indent = Pt(indent)
        if before is not None:
            f.space_before = Pt(before)
        if after is not None:
            f.space_after = Pt(after)
        return p

    C = WD_ALIGN_PARAGRAPH.CENTER
    # --- cover (section 1: no header, no footer)
    para(BANNER, align=WD_ALIGN_PARAGRAPH.LEFT, font=SANS, size=16, indent=0)
    for _ in range(4):
        para(indent=0)
    for t in TITLE_LINES:
        p = para(t, align=C, size=22, bold=True, indent=0)
        p.paragraph_format.line_spacing = Pt(40)
    for _ in range(7):
        para(indent=0)
    para(ISSUER, align=C, font=SANS, size=16, indent=0)
    para(DATE, align=C, size=16, indent=0)

    # --- body (section 2: header + `— PAGE —` footer, numbering from 1)
    body = d.add_section(WD_SECTION.NEW_PAGE)
    body.header.is_linked_to_previous = False
    body.footer.is_linked_to_previous = False
    pg = OxmlElement("w:pgNumType")
    pg.set(qn("w:start"), "1")
    body._sectPr.append(pg)
    hp = body.header.paragraphs[0]
    hp.text = RUNNING_HEAD
    hp.alignment = C
    hp.paragraph_format.first_line_indent = Pt(0)
    for r in hp.runs:
        _font(r, SANS, 10.5)
    fp = body.footer.paragraphs[0]
    fp.alignment = C
    fp.paragraph_format.first_line_indent = Pt(0)
    fp.add_run("— ")
    _field(fp, "PAGE")
    fp.add_run(" —")
    for r in fp.runs:
        _font(r, SERIF, 14)
    for part in (sec.header, sec.footer):          # the cover's own (empty) header/footer
        part.is_linked_to_previous = False

    def lead_para(text: str, size: float | None = None, line: float | None = None):
        p = d.add_paragraph()
        m = LEAD.match(text)
        if m:
            _font(p.add_run(m.group(1)), SANS, size, True)
            rest = text[m.end():]
        else:
            rest = text
        if rest:
            r = p.add_run(rest)
            if size:
                _font(r, SERIF, size)
        if line:
            p.paragraph_format.line_spacing = Pt(line)
        return p

    for b in blocks:
        if b.kind == "chapter":
            d.add_paragraph(b.text.replace(" ", "\u3000"), style="Heading 1")
        elif b.kind == "section":
            d.add_paragraph(b.text.replace(" ", "\u3000"), style="Heading 2")
        elif b.kind == "subheading":
            d.add_paragraph(b.text, style="Heading 3")
        elif b.kind == "paragraph":
            lead_para(b.text)
        elif b.kind == "box":
            t = d.add_table(rows=1, cols=1)
            _cell_borders(t)
            cell = t.cell(0, 0)
            p = cell.paragraphs[0]
            p.paragraph_format.alignment = C
            p.paragraph_format.first_line_indent = Pt(0)
            _font(p.add_run(b.text), SANS, 14, True)
            for item in b.items:
                m = LEAD.match(item)
                q = cell.add_paragraph()
                q.paragraph_format.line_spacing = Pt(24)
                if m:
                    _font(q.add_run(m.group(1)), SANS, 14, True)
                _font(q.add_run(item[m.end():] if m else item), SERIF, 14)
            d.add_paragraph().paragraph_format.line_spacing = Pt(12)
        elif b.kind == "table":
            para(b.text, align=C, font=SANS, size=14, bold=True, indent=0)
            _word_table(d)
        elif b.kind == "note":
            para(b.text, size=12, indent=0)
    return d


def _word_table(d) -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm, Pt

    nh = len(TABLE["header"])
    t = d.add_table(rows=nh + len(ROWS), cols=len(COLUMNS))
    _cell_borders(t)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Mm(11), Mm(14), Mm(50), Mm(20), Mm(22), Mm(22), Mm(17))
    t.autofit = False
    for col, w in zip(t.columns, widths):
        col.width = w                              # w:gridCol, which LibreOffice reads
    for row in t.rows:
        for c, w in zip(row.cells, widths):
            c.width = w

    def put(cell, text, bold=False, left=False):
        cell.text = ""
        p = cell.paragraphs[0]
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        p.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        if text:
            _font(p.add_run(text), SANS if bold else SERIF, 10.5, bold)

    # header: place each cell at its grid position, merging spans
    taken: set[tuple[int, int]] = set()
    for r, hr in enumerate(TABLE["header"]):
        c = 0
        for text, rs, cs in hr:
            while (r, c) in taken:
                c += 1
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            for i in range(r, r + rs):
                for j in range(c, c + cs):
                    taken.add((i, j))
            put(cell, text, bold=True)
            c += cs
    spans = _spans()
    for i, row in enumerate(ROWS):
        for j, col in enumerate(COLUMNS):
            rs = spans.get((i, col), 1)
            if rs == 0:
                continue
            cell = t.cell(nh + i, j)
            if rs > 1:
                cell = cell.merge(t.cell(nh + i + rs - 1, j))
            put(cell, row[col], left=(col == "指标名称"))


# ---------------------------------------------------------------------------------------------
# Saved government web page
# ---------------------------------------------------------------------------------------------

SITE = "新乡市卫滨区人民政府"


def _saved_html(blocks: list[Blk]) -> str:
    nav = ["首页", "政务公开", "政策文件", "政务服务", "互动交流", "走进卫滨", "专题专栏"]
    side = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "规划计划", "政策解读",
            "财政资金", "人事信息", "建议提案办理", "政府信息公开年报"]
    body: list[str] = []
    for b in blocks:
        if b.kind == "chapter":
            body.append(f'<h2 style="text-align: center;">{E(b.text)}</h2>')
        elif b.kind == "section":
            body.append(f'<p style="text-align: center;"><strong>{E(b.text)}</strong></p>')
        elif b.kind == "subheading":
            if b.text.startswith("——"):
                body.append(f'<h3 style="text-indent: 2em; font-size: 16px;">{E(b.text)}</h3>')
            else:
                body.append(f'<p style="text-indent: 2em;"><strong><span style="font-family: 楷体_GB2312;">'
                            f"{E(b.text)}</span></strong></p>")
        elif b.kind == "paragraph":
            m = LEAD.match(b.text)
            inner = (f"<strong>{E(m.group(1))}</strong>{E(b.text[m.end():])}" if m else E(b.text))
            body.append('<p style="text-indent: 2em; line-height: 2em;">'
                        f'<span style="font-family: 仿宋_GB2312; font-size: 16px;">{inner}</span></p>')
        elif b.kind == "box":
            items = "".join(f"<p>\u3000\u3000{E(t)}</p>" for t in b.items)
            body.append('<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" width="100%" '
                        'style="border-collapse: collapse;"><tbody><tr><td style="padding: 8px;">'
                        f'<p style="text-align: center;"><strong>{E(b.text)}</strong></p>{items}'
                        "</td></tr></tbody></table>")
        elif b.kind == "table":
            body.append(f'<p style="text-align: center;"><strong>{E(b.text)}</strong></p>')
            body.append(_table_html("MsoNormalTable",
                                    ' border="1" cellspacing="0" cellpadding="0" width="100%" '
                                    'style="border-collapse: collapse;"'))
        elif b.kind == "note":
            body.append(f'<p><span style="font-size: 14px;">{E(b.text)}</span></p>')
    article = "\n".join(body)
    navs = "\n".join(f'      <li><a href="/{"index" if i == 0 else f"col/col{i}"}.html">{E(n)}</a></li>'
                     for i, n in enumerate(nav))
    sides = "\n".join(f'      <li><a href="/col/col2{i:02d}/index.html">{E(n)}</a></li>'
                      for i, n in enumerate(side))
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="SiteName" content="{SITE}">
<meta name="SiteDomain" content="www.weibin.gov.cn">
<meta name="SiteIDCode" content="4107030013">
<meta name="ColumnName" content="规划计划">
<meta name="ArticleTitle" content="{E(TITLE)}">
<meta name="PubDate" content="2021-03-29 16:42">
<meta name="ContentSource" content="卫滨区发展和改革委员会">
<title>{E(TITLE)}_规划计划_{SITE}</title>
<link rel="stylesheet" href="/static/css/common.css?v=20210301">
<style>
  body {{ margin: 0; font: 14px/1.8 "Microsoft YaHei", "微软雅黑", sans-serif; color: #333; background: #f3f3f3; }}
  .topbar {{ background: #b40000; color: #fff; height: 36px; line-height: 36px; padding: 0 20px; font-size: 12px; }}
  .nav ul {{ list-style: none; margin: 0; padding: 0; display: flex; background: #c8161d; }}
  .nav li a {{ display: block; padding: 0 28px; line-height: 46px; color: #fff; font-size: 16px; text-decoration: none; }}
  .crumb {{ width: 1200px; margin: 12px auto; font-size: 13px; }}
  .wrap {{ width: 1200px; margin: 0 auto; display: flex; }}
  .side {{ width: 240px; background: #fff; margin-right: 20px; }}
  .side h3 {{ background: #c8161d; color: #fff; margin: 0; padding: 10px 16px; }}
  .article {{ flex: 1; background: #fff; padding: 30px 50px; }}
  .article h1 {{ font-size: 24px; text-align: center; color: #c8161d; line-height: 1.6; }}
  .info {{ text-align: center; color: #888; font-size: 13px; border-bottom: 1px dashed #ccc; padding-bottom: 10px; }}
  #zoom {{ font-size: 16px; }}
  #zoom table {{ margin: 10px auto; }}
  .footer {{ background: #333; color: #ccc; text-align: center; padding: 20px; font-size: 12px; margin-top: 30px; }}
</style>
<script type="text/javascript">
  var _hmt = _hmt || [];
  window.siteConfig = {{ siteName: "{SITE}", columnName: "规划计划", searchTip: "请输入关键字" }};
</script>
<script src="/static/js/jquery-1.12.4.min.js"></script>
</head>
<body>
<div class="topbar">
  <span id="today"></span>　欢迎访问{SITE}门户网站
  <span style="float: right;"><a href="/wza/" style="color:#fff">无障碍浏览</a> | <a href="/mobile/" style="color:#fff">移动版</a> | <a href="/en/" style="color:#fff">English</a></span>
</div>
<div class="header"><img src="/static/images/logo.png" alt="{SITE}"></div>
<div class="nav">
  <ul>
{navs}
  </ul>
</div>
<div class="search"><form action="/search" method="get"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/col/col1.html">政务公开</a> &gt; <a href="/col/col203/index.html">规划计划</a></div>
<div class="wrap">
  <div class="side">
    <h3>政务公开</h3>
    <ul>
{sides}
    </ul>
  </div>
  <div class="article">
    <h1>{E(TITLE)}</h1>
    <div class="info">发布时间：2021-03-29 16:42&nbsp;&nbsp;&nbsp;&nbsp;来源：卫滨区发展和改革委员会&nbsp;&nbsp;&nbsp;&nbsp;浏览次数：<span id="hits">1286</span>&nbsp;&nbsp;&nbsp;&nbsp;字号：【<a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a>】</div>
    <div id="zoom" class="TRS_Editor">
<p style="text-align: center;"><span style="font-size: 14px;">{E(BANNER)}</span></p>
{article}
<p style="text-align: right;">{E(ISSUER)}</p>
<p style="text-align: right;">{E(DATE)}</p>
    </div>
    <div class="share">分享到：<a href="javascript:share('weixin')">微信</a> <a href="javascript:share('weibo')">微博</a> <a href="javascript:share('qzone')">QQ空间</a></div>
    <div class="tools">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
    <div class="related"><h4>相关文件</h4><ul><li><a href="/art/2021/3/29/art_203_1.html">《新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》解读</a></li></ul></div>
  </div>
</div>
<div class="footer">
  <p><a href="/about.html">关于我们</a> | <a href="/sitemap.html">网站地图</a> | <a href="/contact.html">联系我们</a></p>
  <p>版权所有：{SITE}　主办：{SITE}办公室　联系电话：0373-0000000</p>
  <p>网站标识码：4107030013　<a href="https://beian.miit.gov.cn/">豫ICP备05000000号-1</a>　<img src="/static/images/gongan.png" alt="">豫公网安备 41070302000000号</p>
  <p><span id="_ideConac"><img src="/static/images/dzjg.png" alt="党政机关"></span>　<img src="/static/images/jiucuo.png" alt="政府网站找错"></p>
</div>
<script type="text/javascript">
  function doZoom(size) {{ document.getElementById("zoom").style.fontSize = size + "px"; }}
  function share(to) {{
    var title = "{E(TITLE)}";
    var tips = {{ weixin: "请使用微信扫一扫分享", weibo: "分享到新浪微博", qzone: "分享到QQ空间" }};
    alert(tips[to] + "：" + title);
  }}
  (function () {{
    var d = new Date(), w = ["星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"];
    document.getElementById("today").innerHTML = "今天是：" + d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 " + w[d.getDay()];
  }})();
</script>
<script type="text/javascript">
  // 访问统计
  (function () {{ var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?0000"; var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); }})();
  console.log("欢迎访问{SITE}，本页面最后更新于2021年3月29日");
</script>
</body>
</html>
"""


def outline_saved_html() -> Path:
    """The outline as saved (Ctrl+S, "HTML only") from a government website's article page."""
    def build(tmp: Path) -> None:
        tmp.write_text(_saved_html(parse()), encoding="utf-8")

    return _cached("outline-saved.html", build)


ARTIFACTS = {
    "html_print": outline_html_print,
    "browser_pdf": outline_browser_pdf,
    "docx": outline_docx,
    "saved_html": outline_saved_html,
    "scan_pdf": outline_scan_pdf,
    "office_pdf": outline_office_pdf,
}


if __name__ == "__main__":
    import sys

    if "--table-json" in sys.argv:
        print(write_table_json())
    for name, fn in ARTIFACTS.items():
        t0 = time.perf_counter()
        p = fn()
        print(f"{name:12s} {time.perf_counter() - t0:7.2f} s  {p}")
