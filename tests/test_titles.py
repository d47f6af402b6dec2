"""A document's title as printed on its cover, whatever its file's metadata says (issue 20: a PDF printed by a browser
carries `outline.html` as its title, one printed from Word `Microsoft Word - …`)."""
import pytest

import ingest

from . import docgen

COVER = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"


@pytest.mark.parametrize("junk", ["outline.html", *(pytest.param(j, marks=pytest.mark.slow)
                                                   for j in ("Microsoft Word - 纲要终稿.docx", "https://example.com/a.pdf", ""))])
def test_a_pdf_is_named_by_its_cover_not_its_metadata(tmp_path, junk):
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(str(docgen.outline_browser_pdf())))
    writer.add_metadata({"/Title": junk})
    path = tmp_path / "outline-print.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    assert (PdfReader(str(path)).metadata.title or "") == junk
    doc = ingest.load(path)
    assert doc.title == COVER
    assert (doc.issuer, doc.date) == ("卫滨区发展和改革委员会", "二〇二一年三月")


NOTICE = """新府〔2021〕9号

新乡市卫滨区人民政府关于印发卫滨区“十四五”生态环境保护规划的通知

各乡（镇）人民政府、街道办事处，区政府各部门：

　　《卫滨区“十四五”生态环境保护规划》已经区政府同意，现印发给你们，请认真贯彻执行。

新乡市卫滨区人民政府

2021年11月5日

{title}

第一章　发展基础

第一节　主要成效

　　“十三五”期间，全区空气质量优良天数逐年增加，细颗粒物浓度持续下降，卫河水质稳定达到Ⅳ类。

第二节　面临形势

　　生态环境保护结构性、根源性压力总体上尚未根本缓解，减污降碳协同增效任务艰巨。
"""


@pytest.mark.parametrize("printed, want", [
    ("卫滨区“十四五”生态环境保护规划", "卫滨区“十四五”生态环境保护规划"),
    ("卫滨区“十四五”\n\n生态环境保护规划", "卫滨区“十四五”生态环境保护规划"),     # wrapped over two lines
    ("", "新乡市卫滨区人民政府关于印发卫滨区“十四五”生态环境保护规划的通知"),     # the notice alone
])
def test_a_transmitted_document_is_named_by_its_own_title(tmp_path, printed, want):
    """A notice that transmits a plan (…关于印发…规划的通知) and then the plan: the chapters are the plan's, so the
    document is cited by the plan's title as printed after the notice, with the notice's issuer and date. Without the
    plan's title line the notice's own title stays."""
    f = tmp_path / "notice.txt"
    f.write_text(NOTICE.format(title=printed), encoding="utf-8")
    doc = ingest.load(f)
    assert doc.title == want
    assert (doc.issuer, doc.date) == ("新乡市卫滨区人民政府", "2021年11月5日")
    assert [c.title for c in doc.chapters if c.number] == ["发展基础"]


@pytest.mark.parametrize("title", ["某区2025年植树工作安排", "卫滨区防汛应急预案", "新乡市政务服务事项清单",
                                   "关于做好春节期间安全生产工作的通告", "卫滨区老旧小区改造工作指引"])
def test_a_title_of_any_kind_the_offices_issue_is_the_title(tmp_path, title):
    """A title that ends in 安排, 预案, 清单, 通告, 指引 (not only 规划, 方案, 通知…) is the document's title, not its
    first chapter: the document was named by its file and its first line was filed as 第一章."""
    f = tmp_path / "work.txt"
    f.write_text(f"{title}\n\n一、总体要求\n\n坚持属地管理，分级负责，各单位按片区组织落实。\n\n"
                 "二、主要任务\n\n到2025年底，完成卫河北岸绿化提升，新增绿地面积12公顷。\n", encoding="utf-8")
    doc = ingest.load(f)
    assert doc.title == title
    assert [c.title for c in doc.chapters if c.number] == ["总体要求", "主要任务"]


def test_a_short_heading_ending_like_a_title_is_a_heading(tmp_path):
    """保障措施 and 任务清单 end as 措施 and 清单 titles do; set as <h2> under the page's title they are its headings,
    not more of its cover: both stay in the document, each with its paragraph."""
    page = tmp_path / "flood.html"
    page.write_text('<html><head><meta charset="utf-8"><title>卫滨区2025年防汛抗旱工作安排</title></head><body>'
                    "<h1>卫滨区2025年防汛抗旱工作安排</h1><h2>保障措施</h2>"
                    "<p>区防汛抗旱指挥部统一调度，各乡镇街道落实属地责任，汛期实行二十四小时值班，重要险工险段明确专人巡查。</p>"
                    "<h2>任务清单</h2><p>完成卫河、东孟姜女河堤防隐患排查，储备编织袋五万条、救生衣八百件，六月底前完成全部应急演练。</p>"
                    "</body></html>", encoding="utf-8")
    doc = ingest.load(page)
    assert doc.title == "卫滨区2025年防汛抗旱工作安排"
    assert [s.title for c in doc.chapters for s in c.sections if s.number] == ["保障措施", "任务清单"]
    assert "汛期实行二十四小时值班" in doc.text and "六月底前完成全部应急演练" in doc.text
