"""The basket's quotations as text: one item to paste, all items as Markdown, Word or CSV."""
from __future__ import annotations

import csv
import io

from kb import KBError


def quotation(item: dict) -> str:
    """The text a reader pastes: the verbatim quotation, then its citation."""
    return f"{item['text']}\n——{item['citation']}"


def export_markdown(items: list[dict]) -> str:
    lines = ["# 规划纲要摘录", ""]
    for i, it in enumerate(items, 1):
        lines += [f"## 摘录 {i}", "", it["text"], "", f"——{it['citation']}", ""]
    return "\n".join(lines)


def export_csv(items: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["序号", "引文", "出处", "章节", "页码", "段落ID"])
    for i, it in enumerate(items, 1):
        w.writerow([i, it["text"], it["citation"], it.get("place", ""), it.get("page") or "",
                    it["passage_id"]])
    return buf.getvalue().encode("utf-8-sig")   # BOM: Excel then reads the Chinese correctly


def export_docx(items: list[dict]) -> bytes:
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Pt
    except ImportError as e:  # optional dependency
        raise KBError("导出 Word 需要安装 python-docx：pip install python-docx") from e
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading("规划纲要摘录", level=1)
    for i, it in enumerate(items, 1):
        d.add_heading(f"摘录 {i}", level=2)
        d.add_paragraph(it["text"])
        cite = d.add_paragraph()
        cite.add_run(f"——{it['citation']}").italic = True
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
