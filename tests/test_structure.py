"""The outline's structure is recovered from its damaged extraction, checked against its own TOC."""
import re


from ingest.structure import parse_toc_line


def test_title_issuer_year(outline_doc):
    assert outline_doc.title == "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
    assert outline_doc.issuer == "卫滨区发展和改革委员会"
    assert outline_doc.year == 2021


def test_damaged_toc_lines_parse():
    e = parse_toc_line("第-\t一章 开\t启全面建设社会主义现代化卫滨新征程\t. 1")
    assert (e.level, e.chapter, e.title, e.page) == ("chapter", 1, "开启全面建设社会主义现代化卫滨新征程", 1)
    e = parse_toc_line("第三\t三章 加\t快现代服务业转型提质2\t22")
    assert (e.chapter, e.title, e.page) == (3, "加快现代服务业转型提质", 22)
    e = parse_toc_line("第十一章:\t推进平安卫滨建设\t59")
    assert (e.chapter, e.title, e.page) == (11, "推进平安卫滨建设", 59)
    e = parse_toc_line("\t第二节\t新发展阶段面临的新机遇新挑战\t.5")
    assert (e.level, e.section, e.page) == ("section", 2, 5)
    assert parse_toc_line("序\t言\t\t. 1").level == "preface"
    assert parse_toc_line("“十四五”时期是我国全面建成小康社会") is None


def test_sections_match_the_toc(outline_doc):
    toc_sections = [(e.chapter, e.section, e.title) for e in outline_doc.toc if e.level == "section"]
    body_sections = [(c.number, s.number, s.title) for c in outline_doc.chapters for s in c.sections]
    assert len(toc_sections) == 50
    assert body_sections == toc_sections
    toc_chapters = [(e.chapter, e.title) for e in outline_doc.toc if e.level == "chapter"]
    assert [(c.number, c.title) for c in outline_doc.chapters if c.number] == toc_chapters
    assert [c.number for c in outline_doc.chapters] == list(range(13))   # 序言 + 12 chapters
    assert outline_doc.chapters[0].title == "序言"


def test_pages_come_from_the_toc(outline_doc):
    assert outline_doc.section(2, 2).page == 18
    assert outline_doc.section(3, 1).page == 23
    assert outline_doc.chapter(3).page == 22
    assert outline_doc.section(12, 6).page == 66


def test_boxes_and_subheadings(outline_doc):
    assert [b.id for b in outline_doc.boxes] == ["1-1", "2-1", "3-1", "6-1", "6-2", "6-3", "7-1", "7-2", "8-1", "10-1"]
    box = {b.id: b for b in outline_doc.boxes}
    assert box["2-1"].title == "制造业高质量发展重点项目" and (box["2-1"].chapter, box["2-1"].section) == (2, 5)
    s = outline_doc.section(1, 5)
    assert s.title == "发展目标"
    assert s.subheadings == ("（一）二〇三五年远景目标", "（二）“十四五”时期经济社会发展主要目标")
    assert '——倾力打造“四大平台”' in outline_doc.section(1, 4).subheadings


def test_page_break_rejoined_and_spaces_removed(outline_doc):
    t = outline_doc.text
    assert "培育引进保险金融、工业设计" in t
    assert "特色商业区中心商务平台。充分利用特色商业区现有优质商业资源" in t
    assert "产城互动格局持续优化" in t            # was '产城 互动'
    assert "人民 群众" not in t and "2020 年" not in t
    assert "卫滨区2.15公里省级道路建设" in t      # numbers and units kept, only the spaces go
    assert "**" not in t


def test_lead_phrases(outline_passages):
    leads = {p.lead for p in outline_passages if p.chapter == 3 and p.section == 1}
    assert {"总部经济", "楼宇经济"} <= leads


def test_indicator_table_rows(outline_passages):
    rows = [p for p in outline_passages if p.kind == "row"]
    # 19 numbered rows; row 8 holds two indicators (城镇新增就业人数, 城镇就业)
    assert len(rows) == 20 and all(p.box == "1-1" for p in rows)
    cols = {c for p in rows for c, _ in p.cells}
    assert cols == {"序号", "类别", "指标名称", "2020年基数", "2025年目标", "五年年均增长或累计", "指标属性"}
    by_name = {dict(p.cells)["指标名称"]: dict(p.cells) for p in rows}
    assert by_name["每千人拥有执业医师数（人）"] == {
        "序号": "12", "类别": "民生福祉", "指标名称": "每千人拥有执业医师数（人）",
        "2020年基数": "3.4", "2025年目标": "3.7", "指标属性": "预期性"}
    assert by_name["居民人均可支配收入增长率（%）"]["五年年均增长或累计"] == "与经济增长基本同步"
    # the merged 类别 cell: printed once in the middle of its rows, it belongs to all of them
    cats = [(dict(p.cells)["序号"], dict(p.cells)["类别"]) for p in rows]
    assert {n for n, c in cats if c == "经济发展"} == {"1", "2", "3", "4", "5", "6"}
    assert {n for n, c in cats if c == "民生福祉"} == {str(i) for i in range(7, 16)}
    assert {n for n, c in cats if c == "绿色生态"} == {"16", "17", "18"}
    assert by_name["单位GDP能源消耗降幅（%）"]["类别"] == "绿色生态"
    assert {n for n, c in cats if c == "安全保障"} == {"19"}
    eight = [dict(p.cells) for p in rows if dict(p.cells)["序号"] == "8"]
    assert [(r["指标名称"], r["2025年目标"], r["指标属性"]) for r in eight] == [
        ("城镇新增就业人数", "[2.9]", "预期性"), ("城镇就业（万人）", "[2.5]", "预期性")]
    assert by_name["城镇调查失业率（%）"]["指标属性"] == "预期性"     # the merged 属性 cell over rows 8-9
    assert "指标名称：每千人拥有执业医师数（人）" in rows[12].text


def test_table_cells_sort_as_numbers():
    from ingest.table import number
    assert sorted(["按市下达目标", "97以上", "100", "[2.9]", "≥2.5", "3.01亿"], key=lambda v: (number(v) is None, number(v) or 0)) == \
        ["≥2.5", "[2.9]", "3.01亿", "97以上", "100", "按市下达目标"]


def test_copper_paragraph_is_cited_on_page_18(outline_passages):
    p = next(p for p in outline_passages if "全区铜加工企业达到10家" in p.text)
    assert (p.chapter, p.section, p.page) == (2, 2, 18)
    assert p.section_title == "加快发展铜材料深加工产业"
    assert p.heading_path == "第二章 推动制造业高质量发展 › 第二节 加快发展铜材料深加工产业"


def test_preface_is_content_toc_is_not(outline_passages):
    first = outline_passages[0]
    assert first.chapter == 0 and first.text.startswith("“十四五”时期是我国全面建成小康社会")
    assert not any(re.search(r"\t|\.\s*\d+$", p.text) for p in outline_passages)
    assert not any(re.match(r"^(目\s*录|第[一二三四五六七八九十]+[章节])", p.text) for p in outline_passages)


def test_semicolon_page_break_rejoined(outline_doc):
    # 第十章第二节: the clause list continues on the next page after '巩固率保持100%;'
    assert "巩固率保持100%；初中适龄少年入学率保持100%" in outline_doc.text


def test_bracketed_sub_items_run_in_own_line_and_in_a_sentence(tmp_path):
    """（1） under a 1. item (lines of Chongqing's 2020 admission measures, tests/data/gallery): run in with its body
    after ：, or alone on its line, is a level; a （1） inside a sentence, a clause of a list and a sentence with no body
    after its 。 stay paragraphs."""
    from ingest.structure import paren_title
    assert paren_title("普通类：分为普通文科（含文科、文科艺术、文科体育）") == "普通类"
    assert paren_title("高职对口类。满足下列条件之一者，可报考高职对口类。") == "高职对口类"
    assert paren_title("高校应用型本科和高职专科对口招生类（以下简称，“高职对口类”）：包括17个类别") \
        == "高校应用型本科和高职专科对口招生类（以下简称，“高职对口类”）"
    assert paren_title("普通类") == "普通类"                                   # own-line
    assert paren_title("具有高等学历教育资格的高校在校生，或已被高校录取并保留入学资格的学生；") is None
    assert paren_title("因触犯刑法已被有关部门采取强制措施或正在服刑者。") is None
    import ingest
    f = tmp_path / "measures.txt"
    f.write_text("一、报名\n1.报考类型\n报考类型共设五类，考生只能选择其中一种报考：（1）普通类；（2）高职对口类。\n"
                 "（1）普通类\n分为普通文科、普通理科。\n（2）高职对口类：考生只能参加高职分类考试。\n", encoding="utf-8")
    passages = ingest.passages(ingest.load(f))
    def path(start):
        return next(p.heading_path for p in passages if p.text.startswith(start))
    assert path("报考类型共设五类") == "一、报名 › 1.报考类型"            # （1） inside a sentence: a paragraph
    assert path("分为普通文科") == "一、报名 › 1.报考类型 › （1）普通类"   # under an own-line （1） title
    assert path("（2）高职对口类：") == "一、报名 › 1.报考类型 › （2）高职对口类"   # run in


def test_a_notice_before_the_regulation_it_issues_keeps_its_parts(tmp_path):
    """Articles (第一条…) are read from the first article on: the notice before them keeps its 一、 parts and （一）
    items; the articles' own （一） are their text, each article cited by its number alone."""
    import ingest
    from kb.records import Citation
    f = tmp_path / "notice.txt"
    f.write_text("某市人民政府关于印发某市农村公路养护管理办法的通知\n\n各区人民政府，市政府各部门：\n\n"
                 "现将《某市农村公路养护管理办法》印发给你们，请认真贯彻执行。\n\n一、提高认识\n\n"
                 "（一）统一思想。各区要把农村公路养护作为民生实事抓紧抓好。\n\n（二）压实责任。各区政府是责任主体。\n\n"
                 "二、抓好落实\n\n（一）加强督查。市交通运输局要定期开展督查。\n\n某市农村公路养护管理办法\n\n"
                 "第一条 为加强农村公路养护管理，制定本办法。\n\n第二条 农村公路养护包括：\n\n（一）日常养护；\n\n"
                 "（二）专项养护。\n\n第三条 本办法自印发之日起施行。\n", encoding="utf-8")
    doc = ingest.load(f)
    assert [(c.ref, [s.ref for s in c.sections if s.number]) for c in doc.chapters if c.number] == \
        [("一、", ["（一）", "（二）"]), ("二、", ["（一）"])]
    assert doc.report.articles == 3
    ps = ingest.passages(doc)
    second = next(p for p in ps if "专项养护" in p.text)
    assert second.subitem_ref == "第二条" and Citation.of(second, doc).place == "第二条"
