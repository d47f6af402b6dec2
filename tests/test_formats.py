"""Real documents: the outline as people receive it (browser- and office-printed PDFs, a PDF whose text layer
is full of radical look-alikes, a Word file, a saved government web page) gives the same document as the text
file: structure, paragraphs, quotations, the indicator table, printed page numbers."""
from __future__ import annotations

import json
import re

import pytest

import ingest
from ingest.glyphs import LEFTOVER, SUSPECT

from . import docgen
from .conftest import OUTLINE

TRUTH = json.loads((docgen.ROOT / "tests" / "data" / "indicator_table.json").read_text(encoding="utf-8"))
COPPER = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"


def _browser(make):
    def get():
        if not docgen.chromium():
            pytest.skip("chromium is not installed (make system-deps)")
        return make()
    return get


def _office():
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    p = docgen.outline_office_pdf()
    if p is None:
        pytest.skip("LibreOffice (soffice) is not installed (make system-deps)")
    return p


FORMATS = {
    "browser-pdf": _browser(docgen.outline_browser_pdf),
    "radicals-pdf": _browser(docgen.outline_radical_pdf),
    "office-pdf": _office,
    "docx": docgen.outline_docx,
    "html": docgen.outline_saved_html,
}


@pytest.fixture(scope="module")
def text_doc():
    return ingest.load(OUTLINE)


@pytest.fixture(scope="module", params=sorted(FORMATS))
def fmt(request):
    path = FORMATS[request.param]()
    return request.param, path, ingest.load(path)


def _norm(s: str) -> str:
    return re.sub(r"[\W_]", "", s)


def test_structure_matches_the_text_file(fmt, text_doc):
    name, _, doc = fmt
    assert doc.title == "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
    assert doc.issuer == "卫滨区发展和改革委员会" and doc.year == 2021
    assert [c.heading for c in doc.chapters] == [c.heading for c in text_doc.chapters]      # 序言 + 12 chapters
    assert [(s.chapter, s.number, s.title) for c in doc.chapters for s in c.sections] == \
        [(s.chapter, s.number, s.title) for c in text_doc.chapters for s in c.sections]     # 50 sections
    assert [(b.id, b.title, b.chapter, b.section) for b in doc.boxes] == \
        [(b.id, b.title, b.chapter, b.section) for b in text_doc.boxes]                      # 10 专栏
    r = doc.report
    assert (r.chapters, r.sections, r.boxes) == (12, 50, 10)
    if name.endswith("pdf") and name != "office-pdf":                  # these carry a table of contents
        assert r.toc_entries == 63 and r.toc_matched == 63, r.differences


def test_paragraphs_are_those_of_the_text_file(fmt, text_doc):
    """Every paragraph whole (rejoined across line wraps and page breaks), none added, none lost."""
    _, _, doc = fmt
    want = [_norm(text_doc.text[b.start:b.end]) for b in text_doc.blocks if b.kind == "paragraph"]
    got = [_norm(doc.text[b.start:b.end]) for b in doc.blocks if b.kind == "paragraph"]
    assert got == want


def test_no_radical_glyphs_and_quotable_punctuation(fmt):
    _, _, doc = fmt
    ps = ingest.passages(doc)
    for text in [doc.title, *(c.heading for c in doc.chapters), *(s.title for c in doc.chapters for s in c.sections),
                 *(b.title for b in doc.boxes), *(p.text for p in ps)]:
        assert not SUSPECT.search(text) and not LEFTOVER.search(text), text
    copper = next(p for p in ps if "全区铜加工企业达到10家" in p.text)
    assert COPPER in copper.text                       # verbatim, full-width punctuation
    assert (copper.chapter, copper.section) == (2, 2)
    assert all(doc.text[p.start:p.end] == p.text for p in ps)


def test_radicals_are_repaired_and_counted():
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    path = docgen.outline_radical_pdf()
    layer = "".join(docgen.pdf_page_texts(path))
    assert len(SUSPECT.findall(layer)) > 3000           # the damage is really in the text layer
    doc = ingest.load(path)
    assert doc.report.glyphs_repaired > 3000 and doc.report.glyphs_suspicious == 0
    assert "国民经济" in doc.title and "⺠" not in doc.text and "⼗" not in doc.text


def test_indicator_table_is_read_faithfully(fmt):
    _, _, doc = fmt
    rows = [dict(p.cells) for p in ingest.passages(doc) if p.kind == "row"]
    assert rows == [{k: v for k, v in r.items() if v} for r in TRUTH]


@pytest.mark.parametrize("name", ["browser-pdf", "office-pdf"])
def test_pdf_passages_cite_the_printed_page(name):
    """A passage's page is the number printed on the page where it stands (footer `— N —`), not the PDF index."""
    path = FORMATS[name]()
    doc = ingest.load(path)
    texts = [docgen.norm(t) for t in docgen.pdf_page_texts(path)]
    printed = [re.search(r"—(\d+)—", t) for t in texts]
    ps = ingest.passages(doc)
    checked = 0
    for p in ps[::7]:
        head = docgen.norm(p.text[:24])
        where = [i for i, t in enumerate(texts) if head in t]
        if len(where) != 1 or not printed[where[0]]:
            continue
        assert p.page == int(printed[where[0]].group(1)), (p.text[:30], p.page)
        checked += 1
    assert checked > 20
    r = doc.report
    assert r.printed_pages >= r.pages - 4 and r.furniture_chars > 300     # footers and running headers dropped
    assert not any(re.fullmatch(r"—?\s*\d+\s*—?", p.text) or "卫滨区“十四五”规划纲要" == p.text for p in ps)


def test_browser_pdf_parses_fast_enough_to_profile():
    """Parse seconds are recorded per stage (the README's figures come from here; no timing is asserted)."""
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    doc = ingest.load(docgen.outline_browser_pdf())
    stages = dict(doc.report.seconds)
    assert {"extract", "tables", "layout", "parse"} <= set(stages)
    assert doc.report.pages > 60


def test_saved_web_page_keeps_the_site_chrome_out():
    doc = ingest.load(docgen.outline_saved_html())
    for chrome in ("版权所有", "ICP", "首页", "网站标识码", "浏览次数", "分享到"):
        assert chrome not in doc.text


# ---------------------------------------------------------------- the real model: dev figures per format

def _dev_figures(kb, qs):
    from kb.evaluation import metrics as evaluate

    def product(q):
        r = kb.ask(q, k=10)
        return evaluate.result_texts(r)
    return evaluate.evaluate(qs, product, k=10).to_json(0, 0, 0)


@pytest.fixture(scope="module")
def format_index(real_index, tmp_path_factory):
    """A copy of the text file's index: each format replaces the document in it, so unchanged passages reuse
    their vectors and only the parse is paid (the ingest's own hash-based reuse)."""
    import shutil
    idx = tmp_path_factory.mktemp("formats") / "index"
    shutil.copytree(real_index, idx)
    return idx


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_dev_figures_within_003_of_the_text_file(name, format_index, real_kb, dev_path):
    from kb import KnowledgeBase
    from kb.evaluation import metrics as evaluate
    path = FORMATS[name]()
    qs = evaluate.load_questions(dev_path)
    base = _dev_figures(real_kb, qs)
    KnowledgeBase.sync([path], format_index, model="m3e-small", replace=True)
    kb = KnowledgeBase.open(format_index, model="m3e-small")
    got = _dev_figures(kb, qs)
    for key in ("hit@1", "hit@5", "mrr@10", "answer_hit"):
        assert abs(got[key] - base[key]) <= 0.03, (name, key, got[key], base[key])
    hits = kb.search("铜材料深加工目标", k=3)
    copper = next(h for h in hits if "全区铜加工企业达到10家" in h.passage.text)
    assert copper.citation.place == "第二章第二节"
    if name.endswith("pdf"):                       # the page printed on the PDF page where the sentence stands
        texts = [docgen.norm(t) for t in docgen.pdf_page_texts(path)]
        at = next(i for i, t in enumerate(texts) if docgen.norm("全区铜加工企业达到10家") in t)
        assert copper.passage.page == int(re.search(r"—(\d+)—", texts[at]).group(1))
        assert copper.citation.text.endswith(f"，第{copper.passage.page}页")


# ---------------------------------------------------------------- scans: OCR

SCAN_PAGES = 25          # cover, 目录 and the body up to 第三章: 序言, 第一章, 第二章 (the copper target, the table)


@pytest.fixture(scope="module")
def scan():
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    from ingest.readers import ocr
    if not ocr.available():
        pytest.skip("rapidocr-onnxruntime is not installed")
    calls = []
    path = docgen.outline_scan_pdf(pages=SCAN_PAGES)
    doc = ingest.load(path, progress=lambda k, n, msg: calls.append((k, n, msg)))
    return path, doc, calls


@pytest.mark.slow
def test_scan_is_read_with_ocr_into_the_same_structure(scan, text_doc):
    _, doc, calls = scan
    r = doc.report
    assert r.source_format == "pdf+ocr" and r.ocr_pages == tuple(range(1, SCAN_PAGES + 1)) and not r.problems
    assert [k for k, _, _ in calls] == list(range(1, SCAN_PAGES + 1))            # a progress call per page,
    assert all(re.fullmatch(r"OCR page \d+: \d+\.\d s", m) for _, _, m in calls)  # with its seconds
    assert doc.title == text_doc.title and doc.issuer == "卫滨区发展和改革委员会" and doc.year == 2021
    assert r.toc_entries == 63                                                    # the scanned 目录, read and kept out
    want = [(c.heading, [s.title for s in c.sections]) for c in text_doc.chapters if c.number <= 2]
    got = [(c.heading, [s.title for s in c.sections]) for c in doc.chapters if c.number <= 2]
    assert got == want
    assert [b.id for b in doc.boxes][:2] == ["1-1", "2-1"]


@pytest.mark.slow
def test_scan_quotations_and_pages(scan, text_doc):
    from rapidfuzz.distance import Levenshtein
    from kb.evaluation.metrics import normalise
    path, doc, _ = scan
    ps = ingest.passages(doc)
    copper = next(p for p in ps if "铜加工企业达到10家" in p.text)
    assert (copper.chapter, copper.section) == (2, 2)
    browser = [docgen.norm(t) for t in docgen.pdf_page_texts(docgen.outline_browser_pdf())]
    at = next(i for i, t in enumerate(browser) if docgen.norm("全区铜加工企业达到10家") in t)
    assert copper.page == int(re.search(r"—(\d+)—", browser[at]).group(1))       # the printed page, read by OCR
    # character error rate of the recognised body against the text file, 序言..第二章 (the table aside: OCR reads
    # it as lines of text, not rows)
    ref = "".join(text_doc.text[b.start:b.end] for b in text_doc.blocks
                  if b.chapter <= 2 and b.kind == "paragraph" and b.box != "1-1")
    hyp = "".join(doc.text[b.start:b.end] for b in doc.blocks
                  if b.chapter <= 2 and b.kind == "paragraph" and b.box != "1-1")
    cer = Levenshtein.distance(normalise(ref), normalise(hyp)) / len(normalise(ref))
    assert cer < 0.05, cer


def test_a_page_ocr_cannot_read_is_reported(tmp_path):
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    from PIL import Image
    import pypdfium2 as pdfium
    src = pdfium.PdfDocument(str(docgen.outline_scan_pdf(pages=SCAN_PAGES)))
    page = src[3].render(scale=150 / 72).to_pil().convert("L")                  # 序言: text
    blank = Image.new("L", page.size, 255)                                       # a blank sheet in the feeder
    f = tmp_path / "two.pdf"
    page.save(f, "PDF", save_all=True, append_images=[blank], resolution=150.0)
    doc = ingest.load(f)
    assert doc.report.problems == ("page 2: OCR found no text",)
    assert "page 2: OCR found no text" in doc.report.warnings
    assert any("全面建成小康社会" in p.text for p in ingest.passages(doc))


@pytest.mark.slow
def test_scan_indicator_table_from_its_printed_grid(scan):
    """The grid is read from the page image (its rules; merged cells where a rule is missing) and the OCR text
    placed in it: the same 20 indicators, categories and attributes as the original; names as OCR reads them."""
    from rapidfuzz.distance import Levenshtein
    _, doc, _ = scan
    rows = [dict(p.cells) for p in ingest.passages(doc) if p.kind == "row"]
    assert [(r["序号"], r["指标属性"]) for r in rows] == [(t["序号"], t["指标属性"]) for t in TRUTH]
    # the merged 类别 cells: the same groups of rows as the original, each label as OCR read it (one slip at most)
    groups = [[i for i, t in enumerate(TRUTH) if t["类别"] == c] for c in dict.fromkeys(t["类别"] for t in TRUTH)]
    for g in groups:
        assert len({rows[i]["类别"] for i in g}) == 1
        assert Levenshtein.distance(rows[g[0]]["类别"], TRUTH[g[0]]["类别"]) <= 1
    names = "".join(r["指标名称"] for r in rows)
    truth = "".join(t["指标名称"] for t in TRUTH)
    assert Levenshtein.distance(names, truth) / len(truth) < 0.05
    assert [r.get("2025年目标", "") for r in rows] == [t["2025年目标"] for t in TRUTH]


def test_table_rows_cite_the_page_they_are_printed_on():
    """The indicator table runs over a page break in the browser PDF: each row cites its own printed page."""
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    path = docgen.outline_browser_pdf()
    texts = [docgen.norm(t) for t in docgen.pdf_page_texts(path)]

    def printed(needle: str) -> int:
        at = next(i for i, t in enumerate(texts) if docgen.norm(needle) in t)
        return int(re.search(r"—(\d+)—", texts[at]).group(1))
    rows = {dict(p.cells)["指标名称"]: p.page for p in ingest.passages(ingest.load(path)) if p.kind == "row"}
    assert rows["地区生产总值增长（%）"] == printed("地区生产总值增长")
    assert rows["粮食综合生产能力（万吨）"] == printed("粮食综合生产能力")
    assert rows["粮食综合生产能力（万吨）"] == rows["地区生产总值增长（%）"] + 1
