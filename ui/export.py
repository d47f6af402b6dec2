"""The basket's quotations as text: one item to paste, all items as Markdown, Word or CSV; every CSV the app writes.
A 对照 pair (ui/pairs.py) is exported as one numbered entry holding its two sides, 甲 and 乙, each verbatim with its
full citation."""
from __future__ import annotations

import csv
import io
import re

from kb import KBError, visible
from ui.pairs import SIDES, labels, units

TITLE = "规划纲要摘录"
# A cell starting with one of these is a formula to Excel, WPS and LibreOffice (OWASP: CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
# The characters that can make Markdown anywhere in a line (emphasis, code, links and their destinations, images,
# HTML, entities, strike-through, table cells, math): a backslash makes them literal text. The rest (97%, 3.4,
# 1-1) stay as printed.
_MD_TABLE = str.maketrans({c: "\\" + c for c in "\\`*_[]()<>!&~|$^{}"})
# what can start a block at the beginning of a line: a heading, list item, setext rule or quote, an ordered item
_MD_LINE_START = re.compile(r"^(?:#{1,6}(?=[ \t]|$)|[+-](?=[ \t]|$)|[-=]+[ \t]*$|>|\d{1,9}(?=[.)](?:[ \t]|$)))")


def row_text(item: dict) -> str:
    """A table row as one line: 列：值 pairs (for the copy text and the CSV's 引文 column)."""
    return "；".join(f"{c}：{v}" for c, v in item.get("cells") or [])


def quotation(item: dict) -> str:
    """The text a reader pastes: the verbatim quotation (a row as its cells), then its citation; a control character
    shown as its picture (kb.visible), as in every export."""
    if item.get("kind") == "row":
        return visible(f"{item.get('table', '')}（表格行）\n{row_text(item)}\n——{item['citation']}")
    return visible(f"{item['text']}\n——{item['citation']}")


def md_text(text: str) -> str:
    """Document text as Markdown that renders as exactly that text: no link, image, HTML, math or emphasis; a
    control character is shown as its picture (␛, ␇)."""
    out = []
    for line in visible(str(text).replace("\r\n", "\n").replace("\r", "\n")).split("\n"):
        body = line.lstrip(" \t")
        # leading spaces as references: four of them would make an indented code block
        lead = "".join("&#32;" if c == " " else "&#9;" for c in line[:len(line) - len(body)])
        body = body.translate(_MD_TABLE)
        m = _MD_LINE_START.match(body)
        if m:           # 1. → 1\. ; # → \# : the line stays text
            cut = m.end() if m.group().isdigit() else 0
            body = body[:cut] + "\\" + body[cut:]
        out.append(lead + body)
    return "  \n".join(out)


PAIR_HEAD = "对照"          # the word that marks a pair in every export


def _md_quote(it: dict) -> list[str]:
    """One quotation as Markdown lines: the text (a row as a one-row table), then its citation."""
    lines: list[str] = []
    if it.get("kind") == "row":
        cells = it.get("cells") or []
        lines += [md_text(it.get("table", "")) + "（表格行）", "",
                  "| " + " | ".join(md_text(c) for c, _ in cells) + " |",
                  "|" + "---|" * len(cells),
                  "| " + " | ".join(md_text(v) for _, v in cells) + " |", ""]
    else:
        lines += [md_text(it["text"]), ""]
    return lines + ["——" + md_text(it["citation"]), ""]


def export_markdown(items: list[dict]) -> str:
    lines = [f"# {TITLE}", ""]
    for i, unit in enumerate(units(items), 1):
        if len(unit) == 1:
            lines += [f"## 摘录 {i}", ""] + _md_quote(unit[0])
            continue
        lines += [f"## 摘录 {i}（{PAIR_HEAD}）", ""]
        for side, it in zip(SIDES, unit):
            lines += [f"### {PAIR_HEAD}{i}{side}", ""] + _md_quote(it)
    return "\n".join(lines)


def safe_cell(value) -> str:
    """A CSV cell that a spreadsheet shows as the text itself and never runs as a formula (OWASP: a leading
    apostrophe, which Excel and WPS do not display, before a cell starting with = + - @ or a tab/CR); a control
    character is shown as its picture (␛, ␇), as in every export."""
    s = "" if value is None else visible(str(value))
    return "'" + s if s.startswith(_FORMULA) else s


def csv_bytes(header: list[str], rows) -> bytes:
    """UTF-8 CSV with a BOM (Excel then reads the Chinese correctly), every cell made formula-safe."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([safe_cell(h) for h in header])
    for r in rows:
        w.writerow([safe_cell(v) for v in r])
    return buf.getvalue().encode("utf-8-sig")


def export_csv(items: list[dict]) -> bytes:
    """One row a quotation; the two sides of a pair numbered 3甲 and 3乙, each naming the other in 对照."""
    nums = labels(items)
    other = {}
    for unit in units(items):
        if len(unit) == 2:
            other[unit[0]["id"]], other[unit[1]["id"]] = unit[1]["id"], unit[0]["id"]
    at = {it["id"]: n for it, n in zip(items, nums)}
    return csv_bytes(["序号", "类型", "引文", "出处", "章节", "页码", "段落ID", PAIR_HEAD],
                     [[n, "表格行" if it.get("kind") == "row" else "原文",
                       row_text(it) if it.get("kind") == "row" else it["text"], it["citation"],
                       it.get("place", ""), it.get("pages") or it.get("page") or "", it["passage_id"],
                       at[other[it["id"]]] if it["id"] in other else ""]
                      for it, n in zip(items, nums)])



def export_docx(items: list[dict]) -> bytes:
    """A Word file set as an official Chinese document is (GB/T 9704): 仿宋 三号 body, 黑体 headings, a 小标宋
    title, black text, no italics; a table row as a table."""
    try:
        import docx
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor
    except ImportError as e:  # optional dependency
        raise KBError("导出 Word 需要安装 python-docx：pip install python-docx") from e

    def font(run_or_style, east: str, size: float, bold: bool = False) -> None:
        f = run_or_style.font
        f.name, f.size, f.bold, f.italic = "Times New Roman", Pt(size), bold, False
        f.color.rgb = RGBColor(0, 0, 0)
        el = run_or_style.element
        rpr = el.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east)

    d = docx.Document()
    font(d.styles["Normal"], "仿宋", 16)
    d.styles["Normal"].paragraph_format.line_spacing = Pt(28)
    # A4, with the margins of GB/T 9704 (天头 37 mm, 订口 28 mm): python-docx's template is US Letter
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    # the headings are Word's heading styles (the navigation pane and a table of contents find them), set in 黑体
    for name, east, size in (("Title", "方正小标宋简体", 22), ("Heading 1", "黑体", 16), ("Heading 2", "楷体", 16)):
        font(d.styles[name], east, size)
        d.styles[name].paragraph_format.space_before = Pt(6)
        ppr = d.styles[name].element.get_or_add_pPr()
        for border in ppr.findall(qn("w:pBdr")):          # the template's blue rule under the title
            ppr.remove(border)

    def para(text: str, east: str = "仿宋", size: float = 16, bold: bool = False, center: bool = False,
             indent: bool = False):
        p = d.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)    # 首行缩进两字
        font(p.add_run(visible(text)), east, size, bold)     # XML takes no control character: its picture
        return p

    def heading(text: str, style: str, east: str, size: float, center: bool = False):
        p = d.add_paragraph(style=style)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        font(p.add_run(visible(text)), east, size)
        return p

    heading(TITLE, "Title", "方正小标宋简体", 22, center=True)
    width = sec.page_width - sec.left_margin - sec.right_margin

    def quote(it: dict) -> None:
        if it.get("kind") == "row":
            cells = it.get("cells") or []
            para(f"{it.get('table', '')}（表格行）", "仿宋", 16)
            t = d.add_table(rows=2, cols=max(1, len(cells)))
            t.style = "Table Grid"
            t.autofit = False
            # columns as wide as what they hold (序号 narrow, 指标名称 wide), in proportion, filling the line
            need = [max(len(c), len(v)) + 2 for c, v in cells] or [1]
            for j, (c, v) in enumerate(cells):
                w = int(width * need[j] / sum(need))
                t.columns[j].width = w
                for r, text in ((0, c), (1, v)):
                    cell = t.cell(r, j)
                    cell.width = w
                    cell.text = ""
                    font(cell.paragraphs[0].add_run(visible(text)), "仿宋", 10.5, bold=(r == 0))
        else:
            para(it["text"], indent=True)
        para(f"——{it['citation']}")

    for i, unit in enumerate(units(items), 1):
        if len(unit) == 1:
            heading(f"摘录{i}", "Heading 1", "黑体", 16)
            quote(unit[0])
            continue
        # a pair: one entry, its two sides under second-level headings (楷体, as GB/T 9704's second level)
        heading(f"摘录{i}（{PAIR_HEAD}）", "Heading 1", "黑体", 16)
        for side, it in zip(SIDES, unit):
            heading(f"{PAIR_HEAD}{i}{side}", "Heading 2", "楷体", 16)
            quote(it)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
