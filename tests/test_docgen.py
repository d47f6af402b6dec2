"""The generated test documents (tests/docgen.py) are what they claim to be.

Generation takes ~10 s the first time (Chromium prints the outline twice) and is cached in
tests/artifacts/docs/; later runs read the cache.
"""
from __future__ import annotations

import json
import re
import time

import pytest

from tests import docgen

needs_chromium = pytest.mark.skipif(docgen.chromium() is None,
                                    reason="chromium is not installed (apt install chromium)")
FOOTER = re.compile(r"—\s*(\d+)\s*—")
TOC_LINE = re.compile(r"^(.+?)\s*\.{3,}\s*(\d+)$")


def test_parse_finds_the_outline_structure():
    blocks = docgen.parse()
    kinds = [b.kind for b in blocks]
    assert kinds.count("chapter") == 13                     # 序言 + 第一章 … 第十二章
    assert kinds.count("section") == 50
    assert kinds.count("box") == 9 and kinds.count("table") == 1
    text = "\n".join([b.text for b in blocks] + [t for b in blocks for t in b.items])
    for kept in ("1:33:66", "0.08-0.3mm", "PM2.5", "“7.9”“7.19”", "（TBM）", "“一街一景"):
        assert kept in text
    assert not re.search(r'[,;"()]', text.replace("1:33:66", ""))   # all full-width
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    running = "\n".join(paragraphs + [t for b in blocks for t in b.items])
    assert not re.search(r"[\u4e00-\u9fff，。] | [\u4e00-\u9fff，。]", running)  # no stray spaces
    assert all(p.endswith(("。", "！", "”")) for p in paragraphs), "a paragraph was left cut"


def test_table_json_is_the_truth():
    rows = json.loads(docgen.TABLE_JSON.read_text(encoding="utf-8"))
    assert rows == docgen.ROWS
    assert len(rows) == 20 and [r["序号"] for r in rows].count("8") == 2
    assert [r["类别"] for r in rows].count("民生福祉") == 10


@needs_chromium
def test_browser_pdf_page_numbers_and_toc():
    pdf = docgen.outline_browser_pdf()
    texts = docgen.pdf_page_texts(pdf)
    first, _ = docgen.heading_pages(pdf)
    assert first == 3 and 60 <= len(texts) <= 80, (first, len(texts))
    for front in texts[:first]:                              # cover and 目录: no page number
        assert not FOOTER.search(front)
    assert docgen.BANNER in texts[0] and "目" in texts[1]
    assert "— 1 —" in texts[first] and "序言" in texts[first]
    assert docgen.RUNNING_HEAD in texts[first]
    numbers = [int(FOOTER.search(t).group(1)) for t in texts[first:]]
    assert numbers == list(range(1, len(texts) - first + 1))
    # the 目录's numbers are where the headings really land
    entries = [m.groups() for t in texts[:first] for line in t.splitlines()
               if (m := TOC_LINE.match(line.strip()))]
    assert len(entries) == 63, entries
    want = docgen.headings()
    for (title, page), h in zip(entries, want):
        assert docgen.norm(title) == docgen.norm(h.text)
        n = int(page)
        body = [docgen.norm(t) for t in texts[first:]]
        assert docgen.norm(h.text) in body[n - 1], f"{h.text} is not on page {n}"


@needs_chromium
def test_scan_pdf_has_no_text_layer():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(docgen.outline_scan_pdf()))
    assert len(pdf) == len(docgen.pdf_page_texts(docgen.outline_browser_pdf()))
    assert all(pdf[i].get_textpage().get_text_range().strip() == "" for i in range(len(pdf)))


def test_docx_headings_and_merged_table():
    import docx

    d = docx.Document(str(docgen.outline_docx()))
    styles = [p.style.name for p in d.paragraphs]
    assert styles.count("Heading 1") == 13 and styles.count("Heading 2") == 50
    h1 = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
    assert h1[0] == "序言" and h1[-1].startswith("第十二章")
    assert d.paragraphs[0].text == docgen.BANNER
    table = next(t for t in d.tables if len(t.columns) == 7)
    cat = [table.cell(r, 1) for r in range(2, len(table.rows))]
    assert cat[0]._tc is cat[5]._tc and cat[0].text == "经济发展"      # vertically merged
    assert cat[6]._tc is cat[15]._tc and cat[6].text == "民生福祉"
    assert table.cell(9, 0)._tc is table.cell(10, 0)._tc                # 序号 8, two indicators
    assert table.cell(9, 6)._tc is table.cell(11, 6)._tc                # 预期性 over 8, 8, 9
    assert table.cell(9, 2).text == "城镇新增就业人数" and table.cell(10, 4).text == "[2.5]"


def test_saved_html_has_site_chrome_and_article():
    page = docgen.outline_saved_html().read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in page
    for chrome in ("首页", "政务公开", "政策文件", "互动交流", "当前位置", "版权所有", "网站标识码", "ICP备",
                   "联系我们", "分享到", "<script"):
        assert chrome in page
    assert f"<h1>{docgen.TITLE}</h1>" in page
    assert "<h2 style=\"text-align: center;\">第二章 推动制造业高质量发展</h2>" in page
    assert "<p style=\"text-align: center;\"><strong>第二节 加快发展铜材料深加工产业</strong></p>" in page
    assert 'rowspan="10"' in page and "colspan=2" in page


def test_second_call_is_cached():
    makers = [docgen.outline_docx, docgen.outline_saved_html, docgen.outline_html_print]
    if docgen.chromium():
        makers.append(docgen.outline_browser_pdf)
    for make in makers:
        make()
    t0 = time.perf_counter()
    for make in makers:
        make()
    assert time.perf_counter() - t0 < 1.0
