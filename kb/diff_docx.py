"""A diff (kb/diff.py) as a Word file: the changed figures, then every changed paragraph side by side in a table,
each side with its citation; what was taken out struck through, what was put in underlined."""
from __future__ import annotations

import io

from .errors import KBError
from .records import visible


def diff_docx(diff, changed_only: bool = True) -> bytes:
    """The Word file's bytes (A4 landscape, 仿宋 text, 黑体 headings, a table with a header row that repeats)."""
    try:
        import docx
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt, RGBColor
    except ImportError as e:       # optional dependency
        raise KBError("导出 Word 需要安装 python-docx：pip install python-docx") from e
    from .diff import SAME, WORDS

    def font(run, east: str = "仿宋", size: float = 10.5, bold: bool = False) -> None:
        f = run.font
        f.name, f.size, f.bold, f.italic = "Times New Roman", Pt(size), bold, False
        f.color.rgb = RGBColor(0, 0, 0)
        run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east)

    def add(par, text: str, **kw):
        run = par.add_run(visible(text))          # XML takes no control character: its picture, as every export
        font(run, **{k: v for k, v in kw.items() if k in ("east", "size", "bold")})
        run.font.strike = kw.get("strike", False)
        run.font.underline = kw.get("underline", False)
        return run

    d = docx.Document()
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    sec.top_margin = sec.bottom_margin = Mm(20)
    sec.left_margin = sec.right_margin = Mm(20)
    width = sec.page_width - sec.left_margin - sec.right_margin

    def heading(text: str, size: float, center: bool = False, style: str | None = None):
        p = d.add_paragraph(style=style)
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add(p, text, east="黑体", size=size)
        return p

    def table(header: list[str], shares: list[float]):
        t = d.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        t.autofit = False
        row = t.rows[0]
        tr_pr = row._tr.get_or_add_trPr()           # the header row repeats on every page
        rep = OxmlElement("w:tblHeader")
        rep.set(qn("w:val"), "true")
        tr_pr.append(rep)
        for k, (h, share) in enumerate(zip(header, shares)):
            t.columns[k].width = row.cells[k].width = int(width * share)
            add(row.cells[k].paragraphs[0], h, east="黑体", bold=True)
        return t

    def new_row(t, shares):
        cells = t.add_row().cells
        for c, share in zip(cells, shares):
            c.width = int(width * share)
        return cells

    def side(cell, s, mark: str) -> None:
        """A side's text with its changed runs marked, then its citation; an empty side a dash."""
        p = cell.paragraphs[0]
        if s is None:
            add(p, "—")
            return
        at = 0
        for start, end in s.spans:
            add(p, s.text[at:start])
            add(p, s.text[start:end], bold=True, strike=mark == "strike", underline=mark == "underline")
            at = end
        add(p, s.text[at:])
        add(cell.add_paragraph(), "——" + s.citation.text, east="楷体", size=9)

    heading(f"《{diff.title_a}》与《{diff.title_b}》对比", 16, center=True)
    p = d.add_paragraph()
    add(p, diff.summary() + "。左栏为原文（删去的文字加删除线），右栏为新文（加入的文字加下划线）。")

    if diff.figures:
        heading("一、数字和目标的变化", 14)
        shares = [0.06, 0.34, 0.15, 0.15, 0.30]
        t = table(["序号", "内容", "原", "新", "出处"], shares)
        for i, f in enumerate(diff.figures, 1):
            cells = new_row(t, shares)
            for c, text in zip(cells, (str(i), f.subject, f.before or "（无）", f.after or "（无）")):
                add(c.paragraphs[0], text)
            add(cells[4].paragraphs[0], "原：" + (f.a.text if f.a else "—"), size=9)
            add(cells[4].add_paragraph(), "新：" + (f.b.text if f.b else "—"), size=9)

    heading(("二、" if diff.figures else "") + "逐段对比", 14)
    shares = [0.05, 0.07, 0.44, 0.44]
    t = table(["序号", "变化", f"《{diff.title_a}》", f"《{diff.title_b}》"], shares)
    i = 0
    for s in diff.sections:
        if changed_only and s.kind == SAME:
            continue
        cells = new_row(t, shares)
        merged = cells[0].merge(cells[-1])
        what = WORDS[s.kind] + ("，" + WORDS["renamed"] if s.renamed else "")
        a, b = (s.a.text if s.a else "（无）"), (s.b.text if s.b else "（无）")
        add(merged.paragraphs[0], f"{a} → {b}（{what}）" if a != b else f"{a}（{what}）", east="黑体", bold=True)
        for m in s.moved_out:
            add(merged.add_paragraph(), f"一段移到{m.b.citation.place}：{m.a.text[:40]}…", size=9)
        for c in (s.changes if changed_only else s.paragraphs):
            i += 1
            cells = new_row(t, shares)
            add(cells[0].paragraphs[0], str(i))
            add(cells[1].paragraphs[0], WORDS[c.kind])
            side(cells[2], c.a, "strike")
            side(cells[3], c.b, "underline")
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
