"""Real public documents (tests/data/gallery/, sources in tests/data/gallery/README.md), each with the headings
written from the document itself (`*.expected.json`, by people who never ran the parser)."""
import json
from pathlib import Path

import pytest

import ingest
from ingest.structure import ITEM_TITLE_MAX

GALLERY = Path(__file__).parent / "data" / "gallery"
DOCS = sorted(p.stem for p in GALLERY.glob("*.txt"))
# documents numbered 一、 / （一） (work reports, a 中央一号文件, an implementation opinion): parts and items must come
# out exactly as printed; plans numbered 篇 / 章 / 节 (a national, a provincial and a city plan) likewise.
PARTS = ["admission-measures-chongqing-2020", "central-no1-2018", "gov-work-report-2023", "gov-work-report-2024",
         "implementation-opinion-anhui-rcep", "notice-zhejiang-zhandao-wajue", "open-information-guide-hefei",
         "party-report-guangzhou-1921", "public-notice-guangzhou-2025"]
# documents whose expected files list sub-items (1. / 1、 / （1） / ① with a title of their own)
SUBITEMS = [name for name in PARTS
            if any(str(h["level"]).isdigit() and int(h["level"]) >= 3
                   for h in json.loads((GALLERY / f"{name}.expected.json").read_text(encoding="utf-8"))["headings"])]
VOLUMES = ["national-15th-plan", "province-15th-plan-beijing", "city-15th-plan-guangzhou"]


def expected(name: str) -> dict:
    return json.loads((GALLERY / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DOCS)
def test_every_expected_heading_is_in_its_document(name):
    """The data itself: each expected heading is printed in the excerpt, in order (spaces and line breaks aside: a
    heading may be wrapped over two lines)."""
    text = "".join((GALLERY / f"{name}.txt").read_text(encoding="utf-8").split())
    pos = 0
    for h in expected(name)["headings"]:
        title = "".join(h["title"].split("。")[0].split())
        at = text.find(title, pos)
        assert at >= 0, (name, h)
        pos = at


@pytest.mark.parametrize("name", PARTS)
def test_parts_and_items_as_printed(name):
    """Titles with commas (三、提升农业发展质量，培育乡村发展新动能), run-in item titles ending in 。 with the body on
    the same line, numbering that runs on across parts: every part and item, in order, with its number."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    got = []
    for c in doc.chapters:
        if c.number:
            got.append((1, c.label, c.title))
        got += [(2, s.label, s.title) for s in c.sections if s.number]
    # an item whose expected "title" is its first sentence of more than 60 characters (五、（二）根据《…》…) prints no
    # title: it is named by its number, its text a paragraph under it (ingest.structure.ITEM_TITLE_MAX)
    want = [(int(h["level"]), h["number"],
             "" if int(h["level"]) == 2 and len(h["title"].rstrip("。")) > ITEM_TITLE_MAX else h["title"].rstrip("。"))
            for h in expected(name)["headings"] if int(h["level"]) in (1, 2)]
    assert [(lv, title.rstrip("。")) for lv, _, title in got] == [(lv, title) for lv, _, title in want]
    assert [label for _, label, _ in got] == [number for _, number, _ in want]


@pytest.mark.parametrize("name", SUBITEMS)
def test_sub_items_as_printed(name):
    """The titled sub-items under the items and parts, at every level (1. / 1、 / （1） / ①), each at the place its
    expected file gives (二、（一）3. , 二、（二）1、, 一、2.（1）) with its title, and nothing else: a 附件： list's 1. 2. and
    the clauses of a list are no sub-items."""
    import re
    doc = ingest.load(GALLERY / f"{name}.txt")
    got = []
    for c in doc.chapters:
        for s in c.sections:
            head = c.ref + (s.ref if s.number else "")
            for ref, sub in s.subitems:
                number = re.match(r"^(\d{1,2}[.．、]|[（(]\d{1,2}[）)]|[①-⑳])", sub).group(0)
                got.append((head + ref, sub[len(number):]))
    want = [(h["path"], h["title"].rstrip("。")) for h in expected(name)["headings"]
            if str(h["level"]).isdigit() and int(h["level"]) >= 3]
    assert got == want
    assert not doc.report.warnings


def test_a_numbering_gap_is_named_and_never_accepted_silently(tmp_path):
    """二、 then 四、: the ingest keeps what the document says and warns, naming the gap (kb ingest and kb inspect print
    the report's warnings)."""
    text = (GALLERY / "gov-work-report-2024.txt").read_text(encoding="utf-8")
    broken = text.replace("\n三、2024年政府工作任务", "\n四、2024年政府工作任务")
    assert broken != text
    f = tmp_path / "report.txt"
    f.write_text(broken, encoding="utf-8")
    warnings = ingest.load(f).report.warnings
    assert any("not continuous" in w and "二、 is followed by 四、" in w for w in warnings), warnings
    assert not [w for w in ingest.load(GALLERY / "gov-work-report-2024.txt").report.warnings if "continuous" in w]


@pytest.mark.parametrize("name, title, issuer, date", [
    ("central-no1-2018", "中共中央 国务院关于实施乡村振兴战略的意见", None, "2018年1月2日"),
    ("gov-work-report-2024", "政府工作报告", "国务院总理 李强", "2024年3月5日"),
    ("gov-work-report-2023", "政府工作报告", "国务院总理 李克强", "2023年3月5日"),
    ("notice-zhejiang-zhandao-wajue", "浙江省物价局、省财政厅关于城市道路占道、挖掘收费有关问题的通知",
     "浙江省物价局 浙江省财政厅", "二○○七年五月八日"),
])
def test_titles_issuers_and_dates_as_printed(name, title, issuer, date):
    """The issuers' space kept in a title (中共中央 国务院关于…), a report's speaker and date from the lines under its
    title (——2024年3月5日在…会议上), a notice's document number kept out of its title and its two signing issuers
    read from the signature; each the same as the document's own expected file says (spaces aside)."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    exp = expected(name)
    assert (doc.title, doc.issuer, doc.date) == (title, issuer, date)
    assert doc.title == exp["title"]
    assert "".join((doc.issuer or "").split()) == "".join((exp["issuer"] or "").split())
    assert doc.date == exp["date"]


def test_a_report_issued_every_year_is_cited_with_its_year(tmp_path):
    from kb import KnowledgeBase
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("gov-work-report-2023", "gov-work-report-2024"):
        (corpus / f"{name}.txt").write_bytes((GALLERY / f"{name}.txt").read_bytes())
    kb = KnowledgeBase.build([corpus], tmp_path / "index", model="hash")
    cites = {h.citation.text.split("》")[0] + "》" for h in kb.search("政府工作任务", k=10)}
    assert cites <= {"2023年《政府工作报告》", "2024年《政府工作报告》"} and len(cites) == 2
    item = next(p for p in kb.passages if p.doc_id == "gov-work-report-2023" and p.section)
    assert item.chapter_ref == "一、" and item.section_ref == "（一）"
    assert kb.citation(item).text.startswith("2023年《政府工作报告》一、（一）“创新宏观调控，保持经济运行在合理区间”")


def _flat(text: str | None) -> str | None:
    return "".join(text.split()) if text else text


@pytest.mark.parametrize("name", VOLUMES)
def test_plans_read_at_three_levels_as_printed(name):
    """第X篇 / 第X章 / 第X节, chapters numbered on through the plan (national, Guangzhou) or again from 第一章 in every
    篇 (Beijing); a 篇 title printed over two lines (第一篇 锚定发展目标 / 奋力谱写中国式现代化的北京篇章) or as two
    phrases (建设现代化产业体系　巩固壮大实体经济根基) read whole; no numbering warning."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    got = []
    for c in doc.chapters:
        if c.number:
            got.append(("篇" if c.level == "篇" else "章", c.label, c.title))
            got += [("节", s.label, s.title) for s in c.sections if s.number]
    want = [(h["level"], h["number"], " ".join(h["title"].split())) for h in expected(name)["headings"]]
    assert got == want
    assert not doc.report.warnings
    numbers = [c.number for c in doc.chapters]
    assert numbers == sorted(set(numbers))                     # one number per 篇 and 章, in reading order


def test_a_chapter_of_a_plan_is_cited_with_its_volume():
    """Beijing's 第一章 comes again in every 篇: the citation and the heading path name the 篇."""
    doc = ingest.load(GALLERY / "province-15th-plan-beijing.txt")
    passages = ingest.passages(doc)
    first = next(p for p in passages if p.volume == "第二篇" and p.chapter_label == "第一章")
    assert first.chapter_ref == "第二篇第一章"
    assert first.heading_path.startswith("第二篇 坚守职责使命 全力服务保障政治中心功能 › 第一章 更好服务党和国家工作大局")
    intro = next(p for p in passages if p.chapter_label == "第二篇")          # the 篇's own opening paragraph
    assert intro.chapter_ref == "第二篇" and intro.text.startswith("服务保障政治中心是党和国家赋予北京的重大职责使命")
    national = ingest.passages(ingest.load(GALLERY / "national-15th-plan.txt"))
    assert any(p.chapter_ref + p.section_ref == "第二篇第七章第四节" for p in national)


@pytest.mark.parametrize("a,b", [("第三篇", "第四篇"), ("第二章", "第三章")])
def test_a_gap_in_a_plan_of_volumes_is_named(tmp_path, a, b):
    text = (GALLERY / "province-15th-plan-beijing.txt").read_text(encoding="utf-8")
    broken = text.replace(a, b, 1)
    assert broken != text
    f = tmp_path / "plan.txt"
    f.write_text(broken, encoding="utf-8")
    warnings = " ".join(ingest.load(f).report.warnings)
    assert "not continuous" in warnings and b in warnings


@pytest.mark.parametrize("name", DOCS)
def test_title_issuer_and_date_as_printed(name):
    """From the cover, the dateline or the transmittal's signature: a news agency's dateline (新华社北京3月13日电) and a
    congress's approval line kept out of the title, a one-line title of 70 characters kept whole, issuers that sign
    together joined. Spaces are compared away (国务院总理　李　强 is printed with spaces between the characters)."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    want = expected(name)
    assert _flat(doc.issuer) == _flat(want.get("issuer"))
    assert _flat(doc.date) == _flat(want.get("date"))
    if want["title"] is not None:          # a captured fragment that prints no title (its notes say so)
        assert " ".join(doc.title.split()) == " ".join(want["title"].split())


@pytest.fixture(scope="module")
def plans_index(tmp_path_factory):
    import shutil
    from kb import KnowledgeBase
    src = tmp_path_factory.mktemp("plans")
    for name in ("province-15th-plan-beijing", "national-15th-plan"):
        shutil.copy(GALLERY / f"{name}.txt", src)
    idx = src / "index"
    KnowledgeBase.sync([src], idx, model="hash")
    return idx


def test_section_in_the_documents_own_numbering(plans_index, capsys):
    """`kb ask --section 第二篇第一章` searches that chapter only, cited the same way; a place that is not one (第一章
    in two plans and every 篇 of Beijing) or nowhere is one line, exit 2; `kb toc` sets chapters under their 篇."""
    from kb.cli import main
    base = ["--index", str(plans_index), "--model", "hash"]
    assert main(base + ["ask", "政治中心", "--section", "第二篇第一章", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all("第二篇第一章" in h["citation"] for h in hits)
    assert main(base + ["ask", "新型基础设施", "--section", "第七章第四节", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all("第二篇第七章第四节" in h["citation"] for h in hits)
    for place, said in (("第一章", "name the document with --doc"), ("第九十章", "no place numbered 第九十章")):
        assert main(base + ["ask", "政治中心", "--section", place]) == 2
        err = capsys.readouterr().err.strip()
        assert said in err and len(err.splitlines()) == 1
    assert main(base + ["ask", "政治中心", "--section", "第一章", "--doc", "province-15th-plan-beijing"]) == 2
    assert "name its 篇 too" in capsys.readouterr().err
    assert main(base + ["toc", "--doc", "province-15th-plan-beijing"]) == 0
    toc = capsys.readouterr().out
    assert "\n第二篇 坚守职责使命 全力服务保障政治中心功能\n  第一章 更好服务党和国家工作大局\n" in toc


def test_the_app_sets_a_plans_chapters_under_their_volumes(plans_index, tmp_path, monkeypatch):
    """浏览 on a plan of 篇 / 章: the table of contents sets each 篇 apart with its chapters under it (as printed:
    第一章, not 第二篇第一章), the 篇's own opening text is 本篇导语, and the picker names chapters with their 篇."""
    from .test_app import app, point_app_at, toc
    point_app_at(plans_index, tmp_path, monkeypatch)
    at = app(page="浏览", doc="province-15th-plan-beijing")
    assert not at.exception
    side = toc(at)
    assert '<details class="kb-volume"><summary>第二篇 坚守职责使命 全力服务保障政治中心功能' in side
    assert '<details class="kb-in-volume"><summary>第一章 更好服务党和国家工作大局' in side
    assert "本篇导语" in side
    labels = list(at.selectbox(key="browse_pick").options)
    assert any(o.startswith("第二篇第一章 更好服务党和国家工作大局") for o in labels)


def test_numbered_sub_items_as_printed():
    """The implementation opinion's 1. … 24. sub-items: under their items, and under a part without items when the
    numbers run on (三、保障措施 / 22.加强组织领导。), each in a passage's heading path."""
    name = "implementation-opinion-anhui-rcep"
    doc = ingest.load(GALLERY / f"{name}.txt")
    want = [h["number"] + h["title"] for h in expected(name)["headings"] if int(h["level"]) == 3]
    assert [sub for c in doc.chapters for s in c.sections for sub in s.subheadings] == want
    last = next(p for p in ingest.passages(doc) if p.text.startswith("22."))
    assert last.heading_path == "三、保障措施 › 22.加强组织领导"


def test_full_width_and_circled_sub_items_as_printed():
    """The 1921 Guangzhou report numbers its items 1． to 5. with a full-width point, and 3．成立工人学校's two schools
    ①工会学校 and ②工人夜校: each a level, kept in the document's own numbering (never 1.), in the heading path."""
    name = "party-report-guangzhou-1921"
    doc = ingest.load(GALLERY / f"{name}.txt")
    want = [h["number"] + h["title"] for h in expected(name)["headings"] if int(h["level"]) > 2]
    assert [sub for c in doc.chapters for s in c.sections for sub in s.subheadings] == want
    assert [ref for c in doc.chapters for s in c.sections for ref, _ in s.subitems] == [
        h["path"].removeprefix("三、") for h in expected(name)["headings"] if int(h["level"]) > 2]
    school = next(p for p in ingest.passages(doc) if p.text.startswith("成立这类学校的计划"))
    assert school.heading_path == "三、今后意见 › 3．成立工人学校 › ①工会学校"
    assert not doc.report.warnings


def test_bracketed_sub_items_as_printed():
    """Chongqing's admission measures number 一、 / 1. / （1） / ①: a （1） that opens with a title (（1）普通类：分为…
    run in; （2）高职对口类。满足…; a title with a comma inside its brackets) is a level under its 1. item, in the heading
    path; a （1） that is a clause of a list (（1）具有高等学历教育资格的高校在校生，…；) and the ① conditions stay
    paragraphs of the item they stand in."""
    name = "admission-measures-chongqing-2020"
    doc = ingest.load(GALLERY / f"{name}.txt")
    want = expected(name)["headings"]
    subs = [sub for c in doc.chapters for s in c.sections for sub in s.subheadings]
    assert [s for s in subs if s.startswith("（")] == [h["number"] + h["title"] for h in want if h["level"] == 4]
    assert [s for s in subs if not s.startswith("（")][:4] == [h["number"] + h["title"] for h in want
                                                               if h["level"] == 3]
    passages = ingest.passages(doc)
    cond = next(p for p in passages if p.text.startswith("②截至报考当年9月30日"))
    assert cond.heading_path == "一、报名 › 2.报名条件 › （1）普通类"
    clause = next(p for p in passages if p.text.startswith("（1）具有高等学历教育资格的高校在校生"))
    assert clause.heading_path == "一、报名 › 3.下列人员不得报名"
    assert not doc.report.warnings


def test_an_untitled_item_is_cited_by_its_place_alone():
    """The Guangzhou 通告's 五、（二） has no title: its number stands before a 201-character sentence. That sentence is
    a passage under 五、（二） (searched and quoted as any other), cited 五、（二）, not quoted as if it were a title; a
    titled item of the same notice keeps its quoted title."""
    from kb import Citation
    doc = ingest.load(GALLERY / "public-notice-guangzhou-2025.txt")
    by_start = {p.text[:12]: p for p in ingest.passages(doc)}
    untitled = next(p for k, p in by_start.items() if k.startswith("根据《广东省"))
    assert untitled.text.endswith("将取消保障资格。") and untitled.section_title == ""
    assert Citation.of(untitled, doc).text == (
        "《关于推出供应广州市2025年第一批户籍家庭公共租赁住房常态分配房源的通告》五、（二）")
    titled = next(p for p in ingest.passages(doc) if p.chapter_ref + p.section_ref == "四、（一）")
    assert Citation.of(titled, doc).text.endswith("》四、（一）“公布房源”")


def test_a_heading_with_nothing_under_it_is_a_passage_of_its_own():
    """The Zhejiang notice's 四、下列情况不得收取城市道路占道费： lists its cases as items with no text under them
    ((一）经市、县人民政府权限部门批准设立的各类贸易市场；): each item's line is a passage (found by search, quoted
    verbatim, cited 四、（一）), as is a part that is one sentence (三、…收费标准。); a heading with text under it is not."""
    from kb import Citation
    doc = ingest.load(GALLERY / "notice-zhejiang-zhandao-wajue.txt")
    passages = ingest.passages(doc)
    clause = next(p for p in passages if p.text == "（一）经市、县人民政府权限部门批准设立的各类贸易市场；")
    assert doc.text[clause.start:clause.end] == clause.text
    assert Citation.of(clause, doc).place == "四、（一）"
    assert [p.text for p in passages if p.chapter == 4] == [
        "（一）经市、县人民政府权限部门批准设立的各类贸易市场；", "（二）非经营性社会服务活动；",
        "（三）凡不占用城市道路，利用建筑物、构筑物立面及房顶空间设立店名、招牌和广告的；", "（四）公益性广告、标志；",
        "（五）通过招标拍卖或协议出让方式取得使用权的占道；", "（六）城市公用设施建设。"]
    assert any(p.text == "三、城市道路占道、挖掘费收费标准。" for p in passages)
    assert not any(p.text.startswith("一、关于城市道路的含义") for p in passages)     # its text follows it
    assert len({p.id for p in passages}) == len(passages)
    plan = ingest.passages(ingest.load(GALLERY / "national-15th-plan.txt"))
    assert not any(p.text.startswith("第一篇") for p in plan)         # a 篇 holds its 章: its title is no passage
