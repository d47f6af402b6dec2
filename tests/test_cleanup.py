"""The repairs a real document needs before it can be quoted: look-alike glyphs, flattened punctuation, running
headers and footers, tables of contents in their many shapes, covers, signatures."""
import pytest

import ingest
from ingest.glyphs import leftovers, repair
from ingest.punct import restore
from ingest.readers.base import VisualLine
from ingest.clean import page_number
from ingest.readers.layout import PageLines, strip_furniture, to_pages
from ingest.structure import parse_toc_line


# ---------------------------------------------------------------- glyphs

@pytest.mark.parametrize("damaged,fixed", [
    ("国⺠经济", "国民经济"),                    # U+2EA0 CJK RADICAL CIVILIAN (radicals supplement: needs the table)
    ("第⼗四个五年规划", "第十四个五年规划"),      # U+2F17 KANGXI RADICAL TEN (NFKC)
    ("⼯业⼈⼝", "工业人口"),
    ("⻓效机制", "长效机制"), ("⻰头企业", "龙头企业"), ("⻔户", "门户"), ("⻅效", "见效"),
    ("更⾼质量", "更高质量"),
    ("\uf900", "豈"),                              # a CJK compatibility ideograph
])
def test_radical_look_alikes_become_ideographs(damaged, fixed):
    assert repair(damaged) == fixed and leftovers(repair(damaged)) == 0


def test_repair_touches_nothing_else():
    text = "全区铜加工企业达到10家，（%）“十四五”ＧＤＰ 3.01亿 ≥2.5 Ⅲ类"
    assert repair(text) == text
    assert leftovers("私用\ue000区与\ufffd") == 2


# ---------------------------------------------------------------- punctuation

@pytest.mark.parametrize("flat,quoted", [
    ('力争到"十四五"末,全区铜加工企业达到10家,实现营业收入100亿元以上。',
     "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"),
    ("年均增长6.5%,一二三产业比重调整为1:33:66。", "年均增长6.5%，一二三产业比重调整为1:33:66。"),
    ("地区生产总值增长(%)", "地区生产总值增长（%）"),
    ("纲要(草案)", "纲要（草案）"),
    ("生产0.08-0.3mm的铜带;推进PM2.5治理:降尘", "生产0.08-0.3mm的铜带；推进PM2.5治理：降尘"),
    ("注: 1.[]内数据为五年累计数。", "注： 1.[]内数据为五年累计数。"),
    ("income, 1,000 (USD)", "income, 1,000 (USD)"),   # no Chinese: untouched
])
def test_full_width_punctuation_between_chinese(flat, quoted):
    assert restore(flat) == quoted


def test_text_file_quotations_are_paste_ready(outline_passages):
    copper = next(p for p in outline_passages if "全区铜加工企业达到10家" in p.text)
    assert "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。" in copper.text
    import re
    for p in outline_passages:
        assert not re.search(r"[\u4e00-\u9fff][,;:]|[,;:][\u4e00-\u9fff]|\"", p.text), p.text


# ---------------------------------------------------------------- page furniture

@pytest.mark.parametrize("line,number", [
    ("— 12 —", 12), ("- 12 -", 12), ("12", 12), ("第12页", 12), ("第 3 页 共 67 页", 3), ("·7·", 7), ("12 / 67", 12),
    ("2020年", None), ("十四五", None), ("第二章", None),
])
def test_page_number_lines(line, number):
    assert page_number(line) == number


def _page(lines, h=842.0):
    return PageLines([VisualLine(t, x0, y, x1, y + 16) for t, x0, x1, y in lines], 595.0, h)


def test_running_headers_footers_and_numbers_go_and_the_number_is_kept():
    pages = []
    for n in range(1, 6):
        pages.append(_page([
            ("卫滨区“十四五”规划纲要", 236, 361, 40),                      # running header (repeated)
            ("新乡市卫滨区十四届人大六次会议文件（15）", 150, 450, 60) if n == 1 else ("", 0, 0, 0),
            (f"　　第{n}段正文，全区上下坚持以习近平新时代中国特色社会主义思想为指导。", 74, 523, 120),
            (f"— {n} —", 279, 318, 780),                                 # footer page number
        ]))
    pages[3].lines.pop()                                                 # page 4 prints no number
    out, printed, dropped = strip_furniture(pages)
    assert printed == [1, 2, 3, None, 5]
    texts = [[l.text for l in p.lines if l.text] for p in out]
    assert all(not any("规划纲要" in t or "—" in t for t in ts) for ts in texts)
    assert dropped[0] > 0
    raw = to_pages(pages)
    assert [p.printed for p in raw] == [1, 2, 3, None, 5]


def test_paragraph_cut_by_a_page_break_is_joined_and_stays_on_its_first_page():
    a = _page([("第一节 决胜全面建成小康社会取得决定性成就", 137, 460, 620),
               ("“十三五”期间，面对错综复杂的外部环境和艰巨繁重的国内", 105, 523, 672),
               ("改革发展稳定任务，全区上下坚持以习近平新时代中国特色社会", 74, 523, 700),
               ("主义思想为指导，坚决贯彻中央、省、市各项决策部署，坚定不", 74, 523, 728)])
    b = _page([("移贯彻新发展理念，抢抓机遇、奋力拼搏、攻坚克难，“十三五”", 74, 523, 100),
               ("圆满收官，全面建成小康社会如期实现。", 74, 360, 128),
               ("综合实力显著增强。2020年地区生产总值突破300亿元，年", 105, 523, 156),
               ("均增长6.5%。", 74, 160, 184)])
    pages = to_pages([a, b])
    assert [l.text for l in pages[0].lines] == [
        "第一节 决胜全面建成小康社会取得决定性成就",
        "“十三五”期间，面对错综复杂的外部环境和艰巨繁重的国内改革发展稳定任务，全区上下坚持以习近平新时代中国特色社会"
        "主义思想为指导，坚决贯彻中央、省、市各项决策部署，坚定不\f移贯彻新发展理念，抢抓机遇、奋力拼搏、攻坚克难，"
        "“十三五”圆满收官，全面建成小康社会如期实现。"]
    assert [l.text for l in pages[1].lines] == ["综合实力显著增强。2020年地区生产总值突破300亿元，年均增长6.5%。"]


# ---------------------------------------------------------------- tables of contents

@pytest.mark.parametrize("line,entry", [
    ("第-\t一章 开\t启全面建设社会主义现代化卫滨新征程\t. 1", ("chapter", 1, 0, "开启全面建设社会主义现代化卫滨新征程", 1)),
    ("第二节 加快发展铜材料深加工产业 ………………………… 18", ("section", 0, 2, "加快发展铜材料深加工产业", 18)),
    ("第二节 加快发展铜材料深加工产业..........18", ("section", 0, 2, "加快发展铜材料深加工产业", 18)),
    ("第三节 积极发展战略新兴产业19", ("section", 0, 3, "积极发展战略新兴产业", 19)),            # number glued on
    ("第三章 加\t快现代服务业转型提质2\t22", ("chapter", 3, 0, "加快现代服务业转型提质", 22)),
    ("序\t言\t\t. 1", ("preface", 0, 0, "序言", 1)),
    ("九、深化农村改革 …… 23", ("chapter", 9, 0, "深化农村改革", 23)),
    ("（一）巩固和完善农村基本经营制度 23", ("section", 0, 1, "巩固和完善农村基本经营制度", 23)),
])
def test_toc_lines_in_their_shapes(line, entry):
    e = parse_toc_line(line)
    assert (e.level, e.chapter, e.section, e.title, e.page) == entry


@pytest.mark.parametrize("line", ["第二章 推动制造业高质量发展", "全区铜加工企业达到10家", "2020年基数"])
def test_body_lines_are_not_toc_lines(line):
    assert parse_toc_line(line) is None


TOC_AFTER = """新乡市卫滨区国民经济和社会发展
第十四个五年规划和二〇三五年远景目标
纲要（草案）
卫滨区发展和改革委员会
二〇二一年三月
第一章 总体要求
第一节 发展基础
全区经济总量稳步提升，发展基础更加坚实。
第二节 发展目标
到2025年，地区生产总值年均增长7%左右。
第二章 产业发展
第一节 先进制造业
做大做强高端装备制造产业。
目录
第一章 总体要求 ........ 1
第一节 发展基础 ........ 1
第二节 发展目标 ........ 1
第二章 产业发展 ........ 2
第一节 先进制造业 ........ 2
第二节 现代服务业 ........ 2
"""


def test_toc_anywhere_is_kept_out_of_the_body_and_checked(tmp_path):
    f = tmp_path / "plan.txt"
    f.write_text(TOC_AFTER, encoding="utf-8")
    doc = ingest.load(f)
    assert doc.title == "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
    assert (doc.issuer, doc.date, doc.year) == ("卫滨区发展和改革委员会", "二〇二一年三月", 2021)
    assert "........" not in doc.text and "目录" not in doc.text
    r = doc.report
    assert (r.toc_entries, r.toc_matched) == (6, 5)
    assert r.differences == ("目录有 第二章第二节“现代服务业”（第2页），正文中没有",)
    assert any("disagrees with the document's table of contents" in w for w in r.warnings)


def test_signature_block_gives_issuer_and_date(tmp_path):
    f = tmp_path / "notice.txt"
    f.write_text("关于做好2021年春耕生产工作的通知\n一、总体要求\n各镇办要压实责任，确保春耕生产顺利开展。\n"
                 "二、工作措施\n加强农资供应，保障农民用种用肥需求。\n卫滨区农业农村局\n2021年3月2日\n",
                 encoding="utf-8")
    doc = ingest.load(f)
    assert (doc.issuer, doc.date, doc.year) == ("卫滨区农业农村局", "2021年3月2日", 2021)
    assert "卫滨区农业农村局" not in doc.text


# ---------------------------------------------------------------- OCR slips

@pytest.mark.parametrize("read,printed", [
    ("扩大普惠性公办幼几园覆盖面", "扩大普惠性公办幼儿园覆盖面"),     # 儿 read as 几
    ("适龄几童免疫规划疫苗接种率", "适龄儿童免疫规划疫苗接种率"),
    ("持续增进民生福社", "持续增进民生福祉"),                         # 祉 read as 社
    ("二○三五年远景目标", "二〇三五年远景目标"),                     # 〇 read as a circle
    ("二三五年远景目标", "二〇三五年远景目标"),                       # 〇 dropped
    ("一一坚持新发展理念", "——坚持新发展理念"),                      # —— read as 一一
    ("加强农由水利建设", "加强农田水利建设"),
])
def test_ocr_slips_are_corrected(read, printed):
    from ingest.readers.ocr_fix import fix
    assert fix(read) == printed


def test_ocr_correction_leaves_correct_text_alone(outline_doc):
    """Every paragraph of the outline as printed goes through unchanged: the rules fix slips, not words."""
    from ingest.readers.ocr_fix import fix
    texts = [outline_doc.text[b.start:b.end] for b in outline_doc.blocks]
    assert [t for t in texts if fix(t) != t] == []
    for ok in ("几个项目", "几乎所有", "社会治理", "建设社区", "由此可见", "一二三产业比重"):
        assert fix(ok) == ok
