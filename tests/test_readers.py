"""Reading .txt (UTF-8, GB18030) and .pdf files, and refusing bad ones with one line naming the file."""
import pytest

import ingest
from ingest import BadDocument

from .pdfgen import make_pdf

REPORT = """关于卫滨区二〇二二年国民经济和社会发展计划执行情况的报告

一、二〇二二年工作回顾

（一）工业经济稳中有进
全区规模以上工业增加值增长8%，新增专精特新企业3家。
（二）民生保障持续加强
新建幼儿园2所，新增学位900个。

二、二〇二三年主要任务

（一）壮大铜材料产业
力争铜加工企业营业收入达到80亿元。
"""


def test_gb18030_text_is_decoded(tmp_path):
    f = tmp_path / "年度报告.txt"
    f.write_bytes(REPORT.encode("gb18030"))
    doc = ingest.load(f)
    assert doc.title.startswith("关于卫滨区二〇二二年国民经济和社会发展计划执行情况的报告")
    assert [c.title for c in doc.chapters] == ["二〇二二年工作回顾", "二〇二三年主要任务"]
    assert [s.title for s in doc.chapters[0].sections] == ["工业经济稳中有进", "民生保障持续加强"]
    ps = ingest.passages(doc)
    p = next(p for p in ps if "新增学位900个" in p.text)
    assert (p.chapter, p.section, p.section_title) == (1, 2, "民生保障持续加强")
    assert ingest.read(f).encoding == "gb18030"


@pytest.mark.parametrize("encoded,encoding", [
    (b"\xef\xbb\xbf" + REPORT.encode("utf-8"), "utf-8"),          # Notepad's UTF-8
    (REPORT.encode("utf-16"), "utf-16"),                          # Windows "Unicode": BOM + UTF-16-LE
    (b"\xfe\xff" + REPORT.encode("utf-16-be"), "utf-16"),
    (REPORT.encode("utf-16-le"), "utf-16-le"),                    # no BOM, as some exporters write it
    (REPORT.encode("utf-16-be"), "utf-16-be"),
])
def test_unicode_text_files_read_the_same_as_utf8(tmp_path, encoded, encoding):
    plain = tmp_path / "plain.txt"
    plain.write_bytes(REPORT.encode("utf-8"))
    f = tmp_path / "报告.txt"
    f.write_bytes(encoded)
    doc, ref = ingest.load(f), ingest.load(plain)
    assert ingest.read(f).encoding == encoding
    assert doc.title == "关于卫滨区二〇二二年国民经济和社会发展计划执行情况的报告"      # no BOM left in the title
    assert [c.title for c in doc.chapters] == [c.title for c in ref.chapters]
    assert [p.text for p in ingest.passages(doc)] == [p.text for p in ingest.passages(ref)]


@pytest.mark.parametrize("name,content,message", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"   \n\n", "empty"),
    ("binary.txt", b"\x00\x01\x02PK", "binary"),
    ("notes.rtf", b"{\\rtf1 abc}", "unsupported file type"),
    ("notes.docx", b"PK\x03\x04", "not a readable Word file"),
    ("latin.txt", bytes([0x81, 0x30, 0x81]) * 3 + b"\xff\xfe\xfd", "neither UTF-8 nor GB18030"),
])
def test_bad_text_files_fail_with_one_line(tmp_path, name, content, message):
    f = tmp_path / name
    if content is not None:
        f.write_bytes(content)
    with pytest.raises(BadDocument) as e:
        ingest.load(f)
    assert message in str(e.value) and name in str(e.value) and "\n" not in str(e.value)


PAGES = [
    ["第一章 推动制造业高质量发展", "第一节 加快发展铜材料深加工产业",
     "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。",
     "大力发展铜基新材料，培育引进保险金"],
    ["融、工业设计、技术研发等生产性服务业。", "- 2 -", "第二节 推动制造业数字化发展",
     "实施“互联网+”行动，建设智能工厂5个。"],
    ["第二章 持续增进民生福祉", "第一节 加快推进教育现代化进程", "扩大普惠性幼儿园覆盖面，切实解决“入园难”问题。"],
]


def test_pdf_pages_reach_the_passages(tmp_path):
    f = make_pdf(tmp_path / "plan.pdf", PAGES)
    doc = ingest.load(f)
    ps = ingest.passages(doc)
    by = {p.text: p for p in ps}
    copper = next(p for p in ps if "全区铜加工企业达到10家" in p.text)
    assert copper.page == 1 and (copper.chapter, copper.section) == (1, 1)
    joined = next(p for p in ps if "培育引进保险金融、工业设计" in p.text)   # rejoined across the page break
    assert joined.page == 1
    smart = next(p for p in ps if "建设智能工厂5个" in p.text)
    assert smart.page == 2 and smart.section_title == "推动制造业数字化发展"
    kids = next(p for p in ps if "入园难" in p.text)
    assert kids.page == 3 and kids.chapter_title == "持续增进民生福祉"
    assert not any(p.text.strip("- ") == "2" for p in ps)          # running page numbers dropped
    assert all(doc.text[p.start:p.end] == p.text for p in by.values())


def test_encrypted_pdf_is_refused(tmp_path):
    f = make_pdf(tmp_path / "secret.pdf", PAGES, encrypt="pw")
    with pytest.raises(BadDocument, match="secret.pdf: the PDF is encrypted"):
        ingest.load(f)


def test_scanned_pdf_is_refused(tmp_path):
    f = make_pdf(tmp_path / "scan.pdf", [[], []], image_only=True)
    with pytest.raises(BadDocument, match="scan.pdf: the PDF has no text layer"):
        ingest.load(f)


def test_corrupt_pdf_is_refused(tmp_path):
    f = tmp_path / "broken.pdf"
    f.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(BadDocument, match="broken.pdf"):
        ingest.load(f)
