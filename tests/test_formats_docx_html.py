"""Word (.docx) and web page (.html) readers: logical lines in order, heading levels, merged table cells
repeated, no site chrome, and one-line BadDocument errors for files that cannot be read."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml

from ingest.errors import BadDocument
from ingest.readers.docx import format_number, read_docx
from ingest.readers.html import is_chrome, read_html

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W_NS}" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml"')


def lines_of(raw):
    assert len(raw.pages) == 1 and raw.paged is False and raw.layout is True
    return list(raw.pages[0].lines)


def check_invariants(lines):
    for l in lines:
        assert l.text.strip() and "\n" not in l.text
        if l.cells is None:
            assert l.text == l.text.strip()
        else:
            assert l.text == "\t".join(l.cells) and l.level == 0
            assert all(c == c.strip() and "\t" not in c for c in l.cells)
        assert 0 <= l.level <= 3


def one_line_naming(exc: BadDocument, path: Path) -> bool:
    msg = str(exc)
    return "\n" not in msg and str(path) in msg


# -- .docx -------------------------------------------------------------------------------------------

def _save(d) -> bytes:
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _append(d, xml: str) -> None:
    """Put a raw body element (with the namespaces above) before the final section properties."""
    body = d.element.body
    body.insert(len(body) - 1, parse_xml(xml.replace("<NS ", "").replace("NSDECL", NS)))


def plan_docx() -> bytes:
    d = docx.Document()
    d.add_paragraph("渭滨区国民经济和社会发展第十四个五年规划纲要", style="Title")
    d.add_heading("第一章 总体要求", level=1)
    d.add_heading("第一节 发展基础", level=2)
    d.add_paragraph("　　“十三五”时期，全区经济总量持续扩大，地区生产总值突破300亿元。")
    p = d.add_paragraph("（一）加快产业转型。")
    p.add_run().add_break()
    p.add_run("（二）扩大有效投资。")
    h = d.add_heading("第二节 面临的", level=2)
    h.add_run().add_break()
    h.add_run("机遇和挑战")
    t = d.add_table(rows=5, cols=3)
    rows = [["类别", "指标", "2025年目标"],
            ["经济发展", "地区生产总值增速", "6%"],
            ["", "一般公共预算收入增速", "7%"],
            ["", "固定资产投资增速", ""],
            ["备注：以上均为预期性指标", "", ""]]
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v:
                t.cell(i, j).text = v
    t.cell(1, 0).merge(t.cell(3, 0))          # 类别 over three rows
    t.cell(2, 2).merge(t.cell(3, 2))          # a target shared by two rows
    t.cell(4, 0).merge(t.cell(4, 2))          # a note across the whole row (gridSpan)
    frame = d.add_table(rows=1, cols=1)       # a box drawn as a one-cell table
    frame.cell(0, 0).text = "专栏1 重大项目"
    frame.cell(0, 0).add_paragraph("（一）交通项目：新建道路12公里。")
    d.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    d.add_paragraph("第三节 主要目标", style="标题 2")
    p = d.add_paragraph("第四节 战略重点")
    p._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {NS} w:val="2"/>'))
    d.add_paragraph("本规划由区发展和改革局负责解释。")
    return _save(d)


def test_docx_lines_levels_and_merged_cells():
    raw = read_docx(Path("plan.docx"), plan_docx())
    assert raw.encoding == "docx" and len(raw.sha256) == 64 and "extract" in raw.seconds
    lines = lines_of(raw)
    check_invariants(lines)
    assert [(l.level, l.text) for l in lines if l.cells is None] == [
        (1, "渭滨区国民经济和社会发展第十四个五年规划纲要"),
        (1, "第一章 总体要求"),
        (2, "第一节 发展基础"),
        (0, "“十三五”时期，全区经济总量持续扩大，地区生产总值突破300亿元。"),
        (0, "（一）加快产业转型。"),
        (0, "（二）扩大有效投资。"),
        (2, "第二节 面临的机遇和挑战"),
        (0, "专栏1 重大项目"),
        (0, "（一）交通项目：新建道路12公里。"),
        (2, "第三节 主要目标"),
        (3, "第四节 战略重点"),
        (0, "本规划由区发展和改革局负责解释。"),
    ]
    rows = [l.cells for l in lines if l.cells is not None]
    assert rows == [
        ("类别", "指标", "2025年目标"),
        ("经济发展", "地区生产总值增速", "6%"),
        ("经济发展", "一般公共预算收入增速", "7%"),
        ("经济发展", "固定资产投资增速", "7%"),
        ("备注：以上均为预期性指标",) * 3,
    ]
    texts = [l.text for l in lines]            # the table sits between the heading and the frame
    assert texts.index("第二节 面临的机遇和挑战") < texts.index("类别\t指标\t2025年目标") < texts.index("专栏1 重大项目")


NUMBERING = f"""<w:numbering {NS}>
  <w:abstractNum w:abstractNumId="10">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1章"/><w:suff w:val="space"/></w:lvl>
    <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%2节"/><w:suff w:val="space"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="11">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%1）"/><w:suff w:val="nothing"/></w:lvl>
  </w:abstractNum>
  <w:abstractNum w:abstractNumId="12">
    <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf06c"/></w:lvl>
  </w:abstractNum>
  <w:num w:numId="20"><w:abstractNumId w:val="10"/></w:num>
  <w:num w:numId="21"><w:abstractNumId w:val="11"/></w:num>
  <w:num w:numId="22"><w:abstractNumId w:val="12"/></w:num>
</w:numbering>"""


def _numbered(style: str, num_id: int, ilvl: int, text: str) -> str:
    return (f'<w:p NSDECL><w:pPr><w:pStyle w:val="{style}"/><w:numPr><w:ilvl w:val="{ilvl}"/>'
            f'<w:numId w:val="{num_id}"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')


def word_features_docx() -> bytes:
    d = docx.Document()
    numbering = d.part.numbering_part.element
    for child in list(numbering):
        numbering.remove(child)
    for child in parse_xml(NUMBERING):
        numbering.append(child)
    for xml in [
        _numbered("Heading1", 20, 0, "总体要求"),
        _numbered("Heading2", 20, 1, "发展基础"),
        _numbered("Normal", 21, 0, "加快产业转型。"),
        _numbered("Normal", 21, 0, "扩大有效投资。"),
        _numbered("Normal", 22, 0, "项目一"),
        _numbered("Heading2", 20, 1, "指导思想"),
        _numbered("Heading1", 20, 0, "产业发展"),
        _numbered("Heading2", 20, 1, "制造业"),
        # text box: Word writes it twice (DrawingML choice, VML fallback); it must be read once
        '<w:p NSDECL><w:r><w:t>详见专栏。</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">'
        '<w:drawing><w:txbxContent><w:p><w:r><w:t>专栏2 文本框中的重点项目</w:t></w:r></w:p></w:txbxContent>'
        '</w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r>'
        '<w:t>专栏2 文本框中的重点项目</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict>'
        '</mc:Fallback></mc:AlternateContent></w:r></w:p>',
        # content control around a paragraph, revisions, hidden text, a field, a hyperlink, a tab
        '<w:sdt NSDECL><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件中的段落</w:t></w:r></w:p></w:sdtContent></w:sdt>',
        '<w:p NSDECL><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除的</w:delText></w:r></w:del>'
        '<w:ins><w:r><w:t>插入的</w:t></w:r></w:ins><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏的</w:t></w:r>'
        '<w:hyperlink><w:r><w:t>链接文字</w:t></w:r></w:hyperlink><w:r><w:tab/><w:t>第</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>',
        # a row that starts one grid column late (gridBefore) and a frame holding a data table
        '<w:tbl NSDECL><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>'
        '<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>项目</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>投资</w:t></w:r></w:p></w:tc></w:tr>'
        '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr><w:tc><w:p><w:r><w:t>产业园</w:t></w:r></w:p></w:tc>'
        '<w:tc><w:p><w:r><w:t>12</w:t></w:r></w:p><w:p><w:r><w:t>亿元</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
        '<w:tbl NSDECL><w:tr><w:tc><w:p><w:r><w:t>专栏3 民生工程</w:t></w:r></w:p>'
        '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>学校</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>3所</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
        '</w:tc></w:tr></w:tbl>',
    ]:
        _append(d, xml)
    # numbering that comes from the paragraph style (a section style linked to the chapter list)
    style = d.styles.add_style("节标题", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = d.styles["Heading 2"]
    style.element.get_or_add_pPr().append(
        parse_xml(f'<w:numPr {NS}><w:ilvl w:val="1"/><w:numId w:val="20"/></w:numPr>'))
    d.add_paragraph("空间布局", style="节标题")
    return _save(d)


def test_docx_numbering_text_boxes_controls_revisions():
    lines = lines_of(read_docx(Path("features.docx"), word_features_docx()))
    check_invariants(lines)
    assert [(l.level, l.text) for l in lines] == [
        (1, "第一章 总体要求"),
        (2, "第一节 发展基础"),
        (0, "（一）加快产业转型。"),
        (0, "（二）扩大有效投资。"),
        (0, "项目一"),                               # a bullet adds no text
        (2, "第二节 指导思想"),
        (1, "第二章 产业发展"),
        (2, "第一节 制造业"),                         # lower levels restart under a new chapter
        (0, "详见专栏。"),
        (0, "专栏2 文本框中的重点项目"),
        (0, "控件中的段落"),
        (0, "保留插入的链接文字\t第5页"),
        (0, "序号\t项目\t投资"),
        (0, "\t产业园\t12 亿元"),
        (0, "专栏3 民生工程"),
        (0, "学校\t3所"),
        (2, "第二节 空间布局"),
    ]
    assert lines[13].cells == ("", "产业园", "12 亿元")


def test_chinese_list_numbers():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 21, 100, 105, 110)] == \
        ["一", "十", "十一", "二十", "二十一", "一百", "一百零五", "一百一十"]
    assert format_number(3, "decimalEnclosedCircle") == "③"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(2, "chineseLegalSimplified") == "贰"


@pytest.mark.parametrize("data, reason", [
    (b"this is not a zip file at all", "BadZipFile"),
    (b"PK\x03\x04garbage-truncated", "BadZipFile"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, ".doc"),
])
def test_docx_unreadable(tmp_path, data, reason):
    path = tmp_path / "坏文件.docx"
    with pytest.raises(BadDocument) as e:
        read_docx(path, data)
    assert one_line_naming(e.value, path) and reason in str(e.value)


def test_docx_zip_that_is_not_word(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "你好")
    path = tmp_path / "not-word.docx"
    with pytest.raises(BadDocument) as e:
        read_docx(path, buf.getvalue())
    assert one_line_naming(e.value, path) and "not a readable Word file" in str(e.value)


def test_docx_without_text(tmp_path):
    path = tmp_path / "empty.docx"
    with pytest.raises(BadDocument) as e:
        read_docx(path, _save(docx.Document()))
    assert one_line_naming(e.value, path)


# -- .html -------------------------------------------------------------------------------------------

CHROME = ["首页", "政务公开", "当前位置", "版权所有", "ICP备", "网站标识码", "分享到", "打印本页", "上一篇",
          "最新动态", "召开全区经济工作会议", "欢迎访问", "浏览器版本过低", "微软雅黑", "发布时间", "浏览次数",
          "人民政府门户网站"]


def gov_page(charset: str = "utf-8", with_h1: bool = True) -> str:
    news = "".join(f'<li><a href="/n/{i}.html">渭滨区召开全区经济工作会议部署第{i}季度重点任务</a>'
                   f'<span>2021-03-0{i}</span></li>' for i in range(1, 6))
    title = "<h1>渭滨区“十四五”规划纲要</h1>" if with_h1 else "<h2>渭滨区“十四五”规划纲要</h2>"
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>渭滨区“十四五”规划纲要_渭滨区人民政府门户网站</title>
<style>body {{ font-family: "微软雅黑"; }} .nav li {{ float: left; }}</style>
<script>var msg = "欢迎访问渭滨区人民政府门户网站"; if (!window.JSON) alert("您的浏览器版本过低");</script>
</head><body>
<div class="header"><img src="logo.png" alt="渭滨区人民政府门户网站"><span>渭滨区人民政府门户网站</span>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li>
<li><a href="/hdjl">互动交流</a></li></ul></div>
<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; 规划计划</div>
<div class="main"><div class="side"><h3>最新动态</h3><ul>{news}</ul></div>
<div class="article">{title}
<div class="info">发布时间：2021-04-12　来源：渭滨区发展和改革局　浏览次数：1024 <a href="javascript:print()">打印本页</a></div>
<div class="TRS_Editor">
<p style="text-align:center"><strong>第一章 总体要求</strong></p>
<p><b>第一节 发展基础</b></p>
<p style="text-indent:2em">　　“十三五”期间，全区经济总量持续扩大，地区生产
总值突破300亿元，年均增长
6.5%。</p>
<p>　　（一）加快产业转型。推动制造业高端化、智能化发展。<br>　　（二）扩大有效投资。<br/>
　　（三）促进消费升级。</p>
<h2>第二章 产业发展</h2>
<h3>第一节 先进制造业</h3>
<p>　　坚持把发展经济着力点放在实体经济上，推进高端装备专业园区建设，形成全区经济高质量发展的主引擎。</p>
<table border="1" cellspacing="0">
<tr><th>类别</th><th>指标</th><th>2020年</th><th>2025年</th><th>属性</th></tr>
<tr><td rowspan="3">经济发展</td><td>地区生产总值（亿元）</td><td>300</td><td>420</td><td rowspan="2">预期性</td></tr>
<tr><td>一般公共预算收入（亿元）</td><td>12.5</td><td>16</td></tr>
<tr><td>固定资产投资增速（%）</td><td>—</td><td>8</td><td>约束性</td></tr>
<tr><td>民生福祉</td><td>城镇登记失业率（%）</td><td colspan="2">＜4</td><td>预期性</td></tr>
</table>
<p>　　到2025年，城乡居民收入与经济增长基本同步，人民群众获得感、幸福感、安全感显著增强。</p>
</div>
<div class="share">分享到：<a>微信</a> <a>微博</a></div>
<div class="pn">上一篇：<a href="/a/1.html">渭滨区2020年政府工作报告</a></div>
</div></div>
<div class="footer"><p>版权所有：宝鸡市渭滨区人民政府　主办：渭滨区人民政府办公室</p>
<p>陕ICP备05001234号　网站标识码：6103020001</p></div>
<script>document.write("<p>欢迎访问渭滨区人民政府门户网站</p>");</script>
</body></html>"""


EXPECTED_HTML = [
    (1, "渭滨区“十四五”规划纲要"),
    (0, "第一章 总体要求"),
    (0, "第一节 发展基础"),
    (0, "“十三五”期间，全区经济总量持续扩大，地区生产总值突破300亿元，年均增长 6.5%。"),
    (0, "（一）加快产业转型。推动制造业高端化、智能化发展。"),
    (0, "（二）扩大有效投资。"),
    (0, "（三）促进消费升级。"),
    (2, "第二章 产业发展"),
    (3, "第一节 先进制造业"),
    (0, "坚持把发展经济着力点放在实体经济上，推进高端装备专业园区建设，形成全区经济高质量发展的主引擎。"),
]
EXPECTED_ROWS = [
    ("类别", "指标", "2020年", "2025年", "属性"),
    ("经济发展", "地区生产总值（亿元）", "300", "420", "预期性"),
    ("经济发展", "一般公共预算收入（亿元）", "12.5", "16", "预期性"),
    ("经济发展", "固定资产投资增速（%）", "—", "8", "约束性"),
    ("民生福祉", "城镇登记失业率（%）", "＜4", "＜4", "预期性"),
]
LAST = (0, "到2025年，城乡居民收入与经济增长基本同步，人民群众获得感、幸福感、安全感显著增强。")


def test_html_article_lines_tables_and_no_chrome():
    raw = read_html(Path("page.html"), gov_page().encode("utf-8"))
    assert raw.encoding == "html" and "extract" in raw.seconds and raw.problems == ()
    lines = lines_of(raw)
    check_invariants(lines)
    assert [(l.level, l.text) for l in lines] == (
        EXPECTED_HTML + [(0, "\t".join(r)) for r in EXPECTED_ROWS] + [LAST])
    assert [l.cells for l in lines if l.cells] == EXPECTED_ROWS
    leaked = [(c, l.text) for l in lines for c in CHROME if c in l.text]
    assert leaked == []


def test_html_gbk_page_without_h1_title_from_title_tag():
    page = gov_page(charset="gb2312", with_h1=False)
    raw = read_html(Path("page-gbk.htm"), page.encode("gb18030"))
    lines = lines_of(raw)
    assert lines[0].text == "渭滨区“十四五”规划纲要" and lines[0].level in (1, 2)
    assert sum(l.text == "渭滨区“十四五”规划纲要" for l in lines) == 1
    assert [l.text for l in lines][1:4] == [t for _, t in EXPECTED_HTML[1:4]]
    assert not [c for l in lines for c in CHROME if c in l.text]


def test_html_undeclared_encodings_and_kept_spaces():
    body = ("<html><head><title>通知</title></head><body><div class=content><h1>关于做好规划实施工作的通知</h1>"
            "<p>各镇人民政府、街道办事处：</p><p>　　第一章　总体要求&nbsp;（试行）" + "现将有关事项通知如下。" * 30
            + "</p></div></body></html>")
    for enc in ("gb18030", "utf-8"):
        lines = lines_of(read_html(Path("n.html"), body.encode(enc)))
        assert lines[0].text == "关于做好规划实施工作的通知"
        assert lines[2].text.startswith("第一章\u3000总体要求\u00a0（试行）现将")   # inner spaces kept
    bom = read_html(Path("bom.html"), b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert lines_of(bom)[1].text == "各镇人民政府、街道办事处："


def test_html_logo_h1_is_not_the_title():
    page = gov_page(with_h1=False).replace("<span>渭滨区人民政府门户网站</span>", '<h1 class="logo">渭滨区人民政府</h1>')
    lines = lines_of(read_html(Path("logo.html"), page.encode()))
    assert lines[0].text == "渭滨区“十四五”规划纲要"
    assert "渭滨区人民政府" not in [l.text for l in lines]


def test_html_source_line_breaks_and_comments():
    body = ("<p>经济<!-- 编辑注释 -->\n发展<span>\n质量</span>\n提升，GDP\n增长  6.5%<br>\n"
            "　　第二行</p><p>" + "现将有关事项通知如下。" * 30 + "</p>")
    page = f"<html><head><title>通知</title></head><body><div class=content><h1>关于规划实施的通知</h1>{body}</div></body></html>"
    raw = read_html(Path("n.html"), page.encode("gb18030").replace(b"<head>", b'<head><meta charset="utf-8">'))
    assert raw.problems == ("the page declares utf-8 but is gb18030",)
    assert [l.text for l in lines_of(raw)][:3] == ["关于规划实施的通知", "经济发展质量提升，GDP 增长 6.5%", "第二行"]


def test_html_layout_tables_are_not_data():
    page = gov_page()
    page = page.replace('<div class="main">', '<table width="1000"><tr><td>').replace(
        '<div class="article">', '</td><td><table><tr><td>').replace('</div></div>\n<div class="footer">',
                                                                     '</td></tr></table></td></tr></table>\n<div class="footer">')
    lines = lines_of(read_html(Path("layout.html"), page.encode()))
    assert [l.cells for l in lines if l.cells] == EXPECTED_ROWS
    assert (0, "第一章 总体要求") in [(l.level, l.text) for l in lines]
    assert not [c for l in lines for c in CHROME if c in l.text]


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\x00\x01\x02PK\x03\x04" * 50, "binary"),
    ("<html><head><title>渭滨区人民政府</title></head><body><ul class=nav><li><a href=/>首页</a></li>"
     "<li><a href=/a>政务公开</a></li></ul><div class=footer>版权所有：渭滨区人民政府</div></body></html>"
     .encode("utf-8"), "no article text"),
])
def test_html_unreadable(tmp_path, data, reason):
    path = tmp_path / "坏网页.html"
    with pytest.raises(BadDocument) as e:
        read_html(path, data)
    assert one_line_naming(e.value, path) and reason in str(e.value)


def test_chrome_lines():
    for line in ["发布时间：2021-04-12　来源：渭滨区发展和改革局　浏览次数：1024", "版权所有：宝鸡市渭滨区人民政府",
                 "陕ICP备05001234号", "【打印本页】【关闭窗口】", "分享到：", "上一篇：渭滨区2020年政府工作报告"]:
        assert is_chrome(line), line
    for line in ["培育一批老字号品牌。", "资金来源：区级财政。", "第一章 总体要求", "推进政务公开标准化规范化。"]:
        assert not is_chrome(line), line


def test_html_headings_restored_when_the_extractor_drops_them(monkeypatch):
    """trafilatura's fallback path (taken on some long pages) keeps no <h2>/<h3>; the reader puts back
    the page's headings that sit inside the extracted flow, and no side-bar or trailing heading."""
    import re

    import trafilatura
    real = trafilatura.extract

    def without_headings(*args, **kwargs):
        return re.sub(r'<head rend="h[2-6]">[^<]*</head>', "", real(*args, **kwargs))

    monkeypatch.setattr(trafilatura, "extract", without_headings)
    page = gov_page().replace("<p>　　到2025年", "<h3>第二节 保障措施</h3><p>　　到2025年").replace(
        '<div class="share">', '<h4>相关文件</h4><div class="share">')
    lines = lines_of(read_html(Path("page.html"), page.encode()))
    assert [(l.level, l.text) for l in lines] == (
        EXPECTED_HTML + [(0, "\t".join(r)) for r in EXPECTED_ROWS] + [(3, "第二节 保障措施"), LAST])


def test_html_a_short_page_keeps_its_blocks_apart(tmp_path):
    """A page under ~250 characters takes trafilatura's baseline path, which returned its title, two parts and their
    lines as one line (`某区植树工作安排 一、时间 三月中旬。 二、地点 河滨公园。`): the ingest then found no paragraph
    and refused the page. Each block comes back on its own line; the title is not repeated."""
    import ingest
    page = ('<html><head><meta charset="utf-8"></head><body><h2>某区植树工作安排</h2>'
            "<p>一、时间</p><p>三月中旬，各单位按片区组织。</p><p>二、地点</p><p>河滨公园、卫河北岸。</p></body></html>")
    lines = [(l.level, l.text) for l in lines_of(read_html(Path("page.html"), page.encode()))]
    assert lines == [(1, "某区植树工作安排"), (0, "一、时间"), (0, "三月中旬，各单位按片区组织。"),
                     (0, "二、地点"), (0, "河滨公园、卫河北岸。")]
    f = tmp_path / "plant.html"
    f.write_text(page, encoding="utf-8")
    doc = ingest.load(f)
    assert doc.title == "某区植树工作安排"
    assert [c.title for c in doc.chapters if c.number] == ["时间", "地点"]
