"""The 1. and （1） sub-items of real documents (issue 20 item 1) as a level of their own: cited in the document's own
numbering, searchable with --section, listed by `kb toc` and 浏览, and checked for gaps like the other levels. The
Anhui implementation opinion numbers 一、 / （一） / 1.; Chongqing's admission measures 一、 / 1. / （1）; the 1921 Guangzhou
report 一、 / 1． / ① (a full-width point, circled numbers). A number is kept as printed (1、, 1．) and found however it
is typed."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

import ingest
from kb import BadQuery, Citation, KnowledgeBase

GALLERY = Path(__file__).parent / "data" / "gallery"
ANHUI, CHONGQING = "implementation-opinion-anhui-rcep", "admission-measures-chongqing-2020"
GUANGZHOU = "party-report-guangzhou-1921"
ANHUI_DUN = "implementation-opinion-anhui-rcep-dun"         # the Anhui opinion as printed with 1、 … 24、


def anhui_dun() -> str:
    """The Anhui opinion's text with every sub-item numbered 1、 where it prints 1.: the way many offices print them
    (公文 numbering 一、 / （一） / 1、 / （1）), every other character the document's own."""
    text = (GALLERY / f"{ANHUI}.txt").read_text(encoding="utf-8")
    dun = re.sub(r"(?m)^([ 　]*\d{1,2})\.", r"\1、", text)
    assert dun.count("、用好原产地规则") == 1 and "\n3.用好" not in dun
    return dun


def _doc(name: str, text: str | None = None, tmp_path: Path | None = None):
    if text is None:
        return ingest.load(GALLERY / f"{name}.txt")
    f = tmp_path / f"{name}.txt"
    f.write_text(text, encoding="utf-8")
    return ingest.load(f)


def _cite(doc, starts: str) -> Citation:
    p = next(p for p in ingest.passages(doc) if p.text.startswith(starts))
    return Citation.of(p, doc)


@pytest.fixture(scope="module")
def subitems_index(tmp_path_factory):
    src = tmp_path_factory.mktemp("subitems")
    for name in (ANHUI, CHONGQING):
        shutil.copy(GALLERY / f"{name}.txt", src)
    idx = src / "index"
    KnowledgeBase.sync([src], idx, model="hash")
    return idx


@pytest.fixture(scope="module")
def printed_index(tmp_path_factory):
    """The Anhui opinion printed with 1、 and the 1921 Guangzhou report printed with 1． and ①, indexed together."""
    src = tmp_path_factory.mktemp("printed")
    (src / f"{ANHUI_DUN}.txt").write_text(anhui_dun(), encoding="utf-8")
    shutil.copy(GALLERY / f"{GUANGZHOU}.txt", src)
    idx = src / "index"
    KnowledgeBase.sync([src], idx, model="hash")
    return idx


# ---------------------------------------------------------------- citations

def test_a_sub_item_is_cited_by_its_number_and_title():
    """二、（一）3.“用好原产地规则”, not 二、（一）“大力发展货物贸易”: the place names the sub-item's number after its item's,
    the quoted title is the sub-item's (as a 专栏 box's title is quoted after its number)."""
    anhui = _doc(ANHUI)
    c = _cite(anhui, "3.用好原产地规则。")
    assert c.place == "二、（一）3."
    assert c.text.endswith("》二、（一）3.“用好原产地规则”")
    assert _cite(anhui, "10.加大“双招双引”力度。").text.endswith("》二、（四）10.“加大‘双招双引’力度”")
    assert _cite(anhui, "22.加强组织领导。").place == "三、22."          # a 1. straight under a part
    assert _cite(anhui, "全面拓展和深化").place == "一、"                  # a part's own text: as before


def test_a_bracketed_sub_item_is_cited_under_its_numbered_item():
    """Chongqing: 一、2.（1）“普通类” for the ② condition under （1）普通类 of 2.报名条件; the clause list of 3. (its
    （1） are not titled sub-items) is cited as 一、3."""
    cq = _doc(CHONGQING)
    c = _cite(cq, "②截至报考当年9月30日")
    assert c.place == "一、2.（1）" and c.text.endswith("》一、2.（1）“普通类”")
    assert _cite(cq, "（2）高职对口类。").place == "一、2.（2）"
    assert _cite(cq, "报考类型共设五类").text.endswith("》一、1.“报考类型”")
    assert _cite(cq, "（1）具有高等学历教育资格的高校在校生").place == "一、3."
    assert _cite(cq, "6.考生档案由电子档案和纸质档案组成。").place == "二、"      # 6. runs on in a paragraph


def test_a_sub_item_printed_1dun_is_cited_as_printed(tmp_path):
    """A document that prints its sub-items 1、 is cited 二、（一）3、, never 二、（一）3.: the record keeps the number as
    printed, in the heading path, the section's sub-items and the numbering report."""
    doc = _doc(ANHUI_DUN, anhui_dun(), tmp_path)
    c = _cite(doc, "3、用好原产地规则。")
    assert c.place == "二、（一）3、" and c.subitem_ref == "3、"
    assert c.text.endswith("》二、（一）3、“用好原产地规则”")
    assert _cite(doc, "22、加强组织领导。").text.endswith("》三、22、“加强组织领导”")
    p = next(p for p in ingest.passages(doc) if p.text.startswith("3、用好原产地规则。"))
    assert p.heading_path.endswith("（一）大力发展货物贸易 › 3、用好原产地规则")
    assert doc.section(2, 1).subitems[:3] == (("1、", "1、扩大优势产品出口"), ("2、", "2、积极扩大进口"),
                                              ("3、", "3、用好原产地规则"))
    assert not doc.report.warnings
    broken = re.sub(r"\n[　 ]*2、积极扩大进口[^\n]*", "", anhui_dun(), count=1)
    assert "二、（一）1、 is followed by 二、（一）3、" in " ".join(_doc(ANHUI_DUN, broken, tmp_path).report.warnings)


def test_a_sub_item_printed_with_ascii_brackets_is_cited_as_printed(tmp_path):
    """Chongqing's measures with their （1） typed (1), as many offices' Word files have them: cited 一、2.(1), never
    the full-width （1） the document does not print; found however the brackets are typed."""
    text = (GALLERY / f"{CHONGQING}.txt").read_text(encoding="utf-8")
    ascii_ = re.sub(r"(?m)^([ 　]*)（(\d{1,2})）", r"\1(\2)", text)
    assert "\n(1)普通类" in ascii_ or "(1)普通类" in ascii_
    doc = _doc(CHONGQING, ascii_, tmp_path)
    c = _cite(doc, "②截至报考当年9月30日")
    assert c.place == "一、2.(1)" and c.text.endswith("》一、2.(1)“普通类”")
    assert _cite(doc, "(2)高职对口类。").place == "一、2.(2)"
    assert "（" not in c.place.partition("2.")[2]
    idx = tmp_path / "index"
    KnowledgeBase.sync([tmp_path / f"{CHONGQING}.txt"], idx, model="hash")
    kb = KnowledgeBase.open(idx, model="hash")
    for typed in ("一、2.（1）", "一、2.(1)"):
        assert kb.place(typed).subitem == "2.(1)"


def test_full_width_and_circled_sub_items_are_cited_as_printed():
    """The 1921 Guangzhou report: 三、1．“吸收新党员” with its full-width point; the ① school under 3．成立工人学校 is
    cited 三、3．①“工会学校”, its text standing under it."""
    doc = _doc(GUANGZHOU)
    assert _cite(doc, "广州的党员人数不多").text.endswith("》三、1．“吸收新党员”")
    c = _cite(doc, "成立这类学校的计划")
    assert (c.place, c.subitem_title) == ("三、3．①", "工会学校")
    assert c.text.endswith("》三、3．①“工会学校”")
    assert _cite(doc, "目前，只有一所学校").place == "三、3．②"
    assert _cite(doc, "马克思主义小组组员褚诺晨").place == "三、4．"


# ---------------------------------------------------------------- --section and KnowledgeBase.place

def test_place_names_a_sub_item(subitems_index):
    kb = KnowledgeBase.open(subitems_index, model="hash")
    p = kb.place("二、（一）3.")
    assert (p.doc, p.chapter, p.section, p.subitem, p.ref) == (ANHUI, 2, 1, "3.", "二、（一）3.")
    p = kb.place("一、2.(1)")                                 # typed with ASCII brackets
    assert (p.doc, p.chapter, p.section, p.subitem) == (CHONGQING, 1, 0, "2.（1）")
    assert kb.place("三、22.").filters == {"doc": ANHUI, "chapter": 3, "section": 0, "subitem": "22."}
    assert kb.place("二、（一）").filters["subitem"] is None and kb.place("二、（一）").section == 1
    with pytest.raises(BadQuery, match="no place numbered 二、（一）5."):
        kb.place("二、（一）5.")                                 # 5. stands under （二）
    hits = kb.search("普通类", k=10, **kb.place("一、2.").filters)
    assert hits and {h.citation.place for h in hits} <= {f"一、2.（{n}）" for n in range(1, 6)} | {"一、2."}
    assert any(h.citation.place == "一、2.（1）" for h in hits)


@pytest.mark.parametrize("typed", ["二、（一）3、", "二、（一）3.", "二、（一）3．", "二、(一)3.", " 二、（一） 3、 "])
def test_place_finds_a_sub_item_however_its_number_is_typed(printed_index, typed):
    """3、 of a document that prints 1、 is found typed 3、, 3. or 3．; the Place names it as the document prints it."""
    kb = KnowledgeBase.open(printed_index, model="hash")
    p = kb.place(typed)
    assert (p.doc, p.chapter, p.section, p.subitem, p.ref) == (ANHUI_DUN, 2, 1, "3、", "二、（一）3、")
    hits = kb.search("原产地", k=5, **p.filters)
    assert hits and {h.citation.place for h in hits} == {"二、（一）3、"}


def test_place_names_full_width_and_circled_sub_items(printed_index):
    kb = KnowledgeBase.open(printed_index, model="hash")
    for typed in ("三、3．①", "三、3.①", "三、3、①"):
        p = kb.place(typed)
        assert (p.doc, p.chapter, p.section, p.subitem, p.ref) == (GUANGZHOU, 3, 0, "3．①", "三、3．①")
    assert kb.place("三、3.").subitem == "3．"
    places = {h.citation.place for h in kb.search("学校", k=20, **kb.place("三、3.").filters)}
    assert places == {"三、3．", "三、3．①", "三、3．②"}                 # 3． holds the schools under it
    with pytest.raises(BadQuery, match="no place numbered 三、3．③"):
        kb.place("三、3．③")


def test_ask_and_toc_name_sub_items_as_printed(printed_index, capsys):
    """`kb ask --section 二、（一）3.` finds the 3、 of a document that prints 1、 and cites it 3、; `kb toc` lists 3、,
    1． and the ① under 3．, each as printed."""
    from kb.cli import main
    base = ["--index", str(printed_index), "--model", "hash"]
    assert main(base + ["ask", "出口", "--section", "二、（一）3.", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert hits and all(h["citation"].endswith("二、（一）3、“用好原产地规则”") for h in hits)
    assert main(base + ["toc", "--doc", ANHUI_DUN]) == 0
    assert "\n  （一）大力发展货物贸易\n      1、扩大优势产品出口\n      2、积极扩大进口\n" in capsys.readouterr().out
    assert main(base + ["toc", "--doc", GUANGZHOU]) == 0
    assert ("\n三、今后意见\n    1．吸收新党员\n    2．成立工会\n    3．成立工人学校\n      ①工会学校\n      ②工人夜校\n"
            "    4．对农民的宣传工作\n") in capsys.readouterr().out


def test_ask_with_a_sub_item_section(subitems_index, capsys):
    """`kb ask --section 二、（一）3.` searches that sub-item only, cited the same way; 一、2.（1） its （1） only; a
    sub-item no document has is one line, exit 2."""
    from kb.cli import main
    base = ["--index", str(subitems_index), "--model", "hash"]
    assert main(base + ["ask", "出口", "--section", "二、（一）3.", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert [h["id"] for h in hits] == [f"{ANHUI}:2.1:p3"]
    assert hits[0]["citation"].endswith("二、（一）3.“用好原产地规则”")
    assert main(base + ["ask", "考生", "--section", "一、2.（1）", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)["hits"]
    assert len(hits) == 5 and all(h["citation"].endswith("一、2.（1）“普通类”") for h in hits)
    assert main(base + ["ask", "考生", "--section", "一、2.（9）"]) == 2
    err = capsys.readouterr().err.strip()
    assert "no place numbered 一、2.（9）" in err and len(err.splitlines()) == 1


# ---------------------------------------------------------------- kb toc

def test_toc_sets_bracketed_sub_items_under_their_item(subitems_index, capsys):
    from kb.cli import main
    assert main(["--index", str(subitems_index), "--model", "hash", "toc", "--doc", CHONGQING]) == 0
    toc = capsys.readouterr().out
    assert "\n一、报名\n    1.报考类型\n      （1）普通类\n" in toc
    assert "\n    2.报名条件\n      （1）普通类\n      （2）高职对口类\n" in toc
    assert "\n      （5）高职扩招专项类\n    3.下列人员不得报名\n    4.报名办法及报名资格审核\n二、考生档案\n" in toc
    assert main(["--index", str(subitems_index), "--model", "hash", "toc", "--doc", ANHUI]) == 0
    toc = capsys.readouterr().out
    assert "\n  （一）大力发展货物贸易\n      1.扩大优势产品出口\n" in toc
    assert "\n三、保障措施\n    22.加强组织领导\n" in toc


# ---------------------------------------------------------------- numbering checks

def test_a_bracketed_sub_item_that_skips_is_named(tmp_path):
    """（1）（2）（4） under 2.报名条件: （4） is read as the sub-item it is printed as, and the report names the gap, as it
    names 二、 then 四、; the untouched document has no warning."""
    text = (GALLERY / f"{CHONGQING}.txt").read_text(encoding="utf-8")
    broken = text.replace("\n（3）中职直升类：", "\n（4）中职直升类：", 1)
    assert broken != text
    doc = _doc(CHONGQING, broken, tmp_path)
    subs = [sub for c in doc.chapters for s in c.sections for sub in s.subheadings]
    assert subs[subs.index("2.报名条件"):][:4] == ["2.报名条件", "（1）普通类", "（2）高职对口类", "（4）中职直升类"]
    warnings = " ".join(doc.report.warnings)
    assert "not continuous" in warnings and "一、2.（2） is followed by 一、2.（4）" in warnings
    assert not _doc(CHONGQING).report.warnings


def test_a_numbered_sub_item_that_skips_is_named(tmp_path):
    text = (GALLERY / f"{ANHUI}.txt").read_text(encoding="utf-8")
    broken = re.sub(r"\n[　 ]*2\.积极扩大进口[^\n]*", "", text, count=1)
    assert broken != text
    assert "二、（一）1. is followed by 二、（一）3." in " ".join(_doc(ANHUI, broken, tmp_path).report.warnings)
    assert not _doc(ANHUI).report.warnings


def test_numbered_sub_items_that_start_again_in_a_part_without_items(tmp_path):
    """The Anhui opinion with its 三、保障措施 numbered 1. 2. 3. (as many offices number each part's own list) instead of
    running on at 22.: 三、1.“加强组织领导”, not a paragraph of 三、 (only the first part's list was read as sub-items).
    With 2. taken out, 3. is still the sub-item it is printed as and the report names the gap."""
    text = (GALLERY / f"{ANHUI}.txt").read_text(encoding="utf-8")
    again = text
    for old, new in (("22.加强组织领导", "1.加强组织领导"), ("23.加强培训指导", "2.加强培训指导"),
                     ("24.加强风险应对", "3.加强风险应对")):
        assert old in again
        again = again.replace(old, new, 1)
    doc = _doc(ANHUI, again, tmp_path)
    assert [ref for ref, _ in doc.section(3, 0).subitems] == ["1.", "2.", "3."]
    assert _cite(doc, "3.加强风险应对。").text.endswith("》三、3.“加强风险应对”")
    assert not doc.report.warnings
    skipped = re.sub(r"\n[　 ]*2\.加强培训指导[^\n]*", "", again, count=1)
    doc = _doc(ANHUI, skipped, tmp_path)
    assert _cite(doc, "3.加强风险应对。").place == "三、3."
    assert "三、1. is followed by 三、3." in " ".join(doc.report.warnings)


def test_a_circled_sub_item_that_skips_is_named(tmp_path):
    """①工会学校 then ③工人夜校 under 3．成立工人学校: ③ is read as the sub-item it is printed as, and the report names
    the gap in the document's own numbering."""
    text = (GALLERY / f"{GUANGZHOU}.txt").read_text(encoding="utf-8")
    broken = text.replace("\n②工人夜校\n", "\n③工人夜校\n", 1)
    assert broken != text
    doc = _doc(GUANGZHOU, broken, tmp_path)
    assert [ref for ref, _ in doc.section(3, 0).subitems][2:5] == ["3．", "3．①", "3．③"]
    assert "三、3．① is followed by 三、3．③" in " ".join(doc.report.warnings)
    assert not _doc(GUANGZHOU).report.warnings


def test_clauses_numbered_among_titled_sub_items_are_no_gap(tmp_path):
    """（1）普通类 (a title), （2）…； (a clause of the item's text), （3）中职直升类 (a title): nothing is skipped."""
    text = (GALLERY / f"{CHONGQING}.txt").read_text(encoding="utf-8")
    at = text.index("\n（2）高职对口类。")
    end = text.index("\n（3）中职直升类：")
    clause = "\n（2）具备我市中等职业学校连续3年完整学籍并实际就读的毕业生；"
    doc = _doc(CHONGQING, text[:at] + clause + text[end:], tmp_path)
    subs = [sub for c in doc.chapters for s in c.sections for sub in s.subheadings]
    assert subs[subs.index("2.报名条件"):][:3] == ["2.报名条件", "（1）普通类", "（3）中职直升类"]
    assert not doc.report.warnings


# ---------------------------------------------------------------- 浏览

def test_browse_lists_sub_items_and_opens_one_by_its_number(subitems_index, tmp_path, monkeypatch):
    """The contents list each section's 1. sub-items and the （1） under them, each a link to its anchor; a link
    naming a sub-item in the document's own numbering (?section=一、2.（3）) opens its section, scrolled to it."""
    from ui.render import esc
    from .test_app import app, ok, point_app_at, toc
    point_app_at(subitems_index, tmp_path, monkeypatch)
    at = ok(app(page="浏览", doc=ANHUI, section="2.1"))
    side = toc(at)
    assert 'class="kb-toc kb-toc-sub" href="?page=%E6%B5%8F%E8%A7%88&amp;doc=implementation-opinion-anhui-rcep' \
           f'&amp;section=2.1#sub-3" target="_self">{esc("3.用好原产地规则")}</a>' in side
    body = "\n".join(m.value for m in at.markdown)
    assert body.count('class="kb-subanchor"') == 4
    assert f'<span class="kb-subanchor" id="sub-3"></span>{esc("3.用好原产地规则")}' in body
    at = ok(app(page="浏览", section="一、2.（3）"))              # no ?doc=: the document that has it
    assert any('role="heading"' in m.value and "一、报名" in m.value for m in at.markdown)
    side = toc(at)
    assert '#sub-2-3" target="_self">（3）中职直升类</a>' in side and "kb-toc kb-toc-sub2" in side
    assert not any("没有“" in m.value for m in at.markdown)
    scroll = "\n".join(h.proto.body for h in at.get("html"))
    assert '"sub-2-3"' in scroll
    pick = at.selectbox(key="browse_pick")                     # the picker (a phone's contents) has them too
    assert pick.value == "一、2.（3）"
    assert pick.options[1:5] == ["一、报名", "　1.报考类型", "　　（1）普通类", "　　（2）高校应用型本科和高职专科对口招生类（以下简称，“高职对口类”）"]
    at = ok(pick.set_value("一、4.").run())
    assert at.query_params["section"] in ("一、4.", ["一、4."]) and at.selectbox(key="browse_pick").value == "一、4."
    assert '"sub-4"' in "\n".join(h.proto.body for h in at.get("html"))


def _marked(at) -> list[str]:
    """The paragraphs of the reading view marked as a link's target (kb-focus), as HTML."""
    body = "\n".join(m.value for m in at.markdown)
    return re.findall(r'<div class="kb-text kb-para kb-focus" id="[po]\d+">(.*?)</div>', body)


def test_a_sub_item_opened_from_a_link_is_marked(subitems_index, tmp_path, monkeypatch):
    """?section=一、2.（3） scrolls to the sub-item and marks the paragraph that opens it, as a link to a paragraph
    (&p=3) marks that paragraph: that one only. 一、2. marks 2.报名条件; a section opened by its key marks nothing."""
    from ui.render import esc
    from .test_app import app, ok, point_app_at
    point_app_at(subitems_index, tmp_path, monkeypatch)
    marked = _marked(ok(app(page="浏览", section="一、2.（3）")))
    assert len(marked) == 1
    assert marked[0].startswith('<span class="kb-subanchor" id="sub-2-3"></span>' + esc("（3）中职直升类："))
    marked = _marked(ok(app(page="浏览", section="一、2.")))
    assert len(marked) == 1 and marked[0].startswith('<span class="kb-subanchor" id="sub-2"></span>' + esc("2.报名条件"))
    marked = _marked(ok(app(page="浏览", doc=ANHUI, section="二、（一）3.")))
    assert len(marked) == 1 and esc("3.用好原产地规则。") in marked[0]
    assert not _marked(ok(app(page="浏览", doc=CHONGQING, section="1.0")))
    marked = _marked(ok(app(page="浏览", doc=CHONGQING, section="1.0", p="3")))    # as a paragraph link marks
    assert len(marked) == 1 and "¶3</a>" in marked[0]


def test_browse_shows_sub_items_as_printed(printed_index, tmp_path, monkeypatch):
    """浏览 lists 3、 and 1． as printed, the ① under 3． one step further in; a link typed 二、（一）3. opens the 3、
    and marks it, the picker naming it 二、（一）3、; 三、3.① opens the ① school and marks it."""
    from ui.render import esc
    from .test_app import app, ok, point_app_at, toc
    point_app_at(printed_index, tmp_path, monkeypatch)
    at = ok(app(page="浏览", section="二、（一）3."))
    assert f'#sub-3" target="_self">{esc("3、用好原产地规则")}</a>' in toc(at)
    assert at.selectbox(key="browse_pick").value == "二、（一）3、"
    marked = _marked(at)
    assert len(marked) == 1 and marked[0].startswith('<span class="kb-subanchor" id="sub-3"></span>'
                                                     + esc("3、用好原产地规则。"))
    at = ok(app(page="浏览", section="三、3.①"))
    side = toc(at)
    assert f'class="kb-toc kb-toc-sub" href="?page=%E6%B5%8F%E8%A7%88&amp;doc={GUANGZHOU}&amp;section=3.0#sub-3"' \
           f' target="_self">{esc("3．成立工人学校")}</a>' in side
    assert f'class="kb-toc kb-toc-sub2" href="?page=%E6%B5%8F%E8%A7%88&amp;doc={GUANGZHOU}&amp;section=3.0#sub-3-c1"' \
           f' target="_self">①工会学校</a>' in side
    pick = at.selectbox(key="browse_pick")
    assert pick.value == "三、3．①" and "　　①工会学校" in pick.options
    assert '"sub-3-c1"' in "\n".join(h.proto.body for h in at.get("html"))
    marked = _marked(at)
    assert len(marked) == 1 and marked[0].startswith('<span class="kb-subanchor" id="sub-3-c1"></span>①工会学校')


@pytest.mark.slow
@pytest.mark.browser
def test_one_click_in_browse_is_one_step_back(subitems_index, tmp_path):
    """In a real browser: 下一节 and another document picked are each one new entry of the history (the address
    changed in one step, not a key at a time), and Back returns to the whole address before; a sub-item's entry
    in the contents scrolls to it."""
    from urllib.parse import quote, unquote
    from .test_app_journeys import ARTIFACTS, CHROMIUM, Server, launch, new_page
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    server = Server(subitems_index, "hash", tmp_path / "baskets", tmp_path / "streamlit.log").start()
    try:
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            page = new_page(browser)
            first = f"/?page={quote('浏览')}&doc={ANHUI}&section=2.1&p=2"
            page.goto(server.base + first)
            page.get_by_role("heading", name="二、（一）大力发展货物贸易").wait_for()
            start = page.evaluate("history.length")

            page.locator("[class*='st-key-next'] button").click()
            page.get_by_role("heading", name="二、（二）推进服务贸易升级").wait_for()
            page.wait_for_function("() => new URLSearchParams(location.search).get('section') === '2.2'")
            page.wait_for_timeout(1000)                      # any later entry would come with the rerun
            assert page.evaluate("history.length") == start + 1
            assert unquote(page.url).endswith(f"/?page=浏览&doc={ANHUI}&section=2.2")
            page.go_back()
            page.get_by_role("heading", name="二、（一）大力发展货物贸易").wait_for()
            assert unquote(page.url) == unquote(server.base + first)
            # the page scrolls to ¶2 150 ms after the run (ui.browse.scroll_to): a picker opened before is closed by it
            page.locator("[data-test-script-state=notRunning]").wait_for()
            page.wait_for_timeout(600)

            page.locator("[data-testid=stSelectbox]").first.click()          # another document
            page.locator("[role=option]", has_text="admissio").click()   # its short title
            page.wait_for_function(f"() => new URLSearchParams(location.search).get('doc') === '{CHONGQING}'")
            page.wait_for_timeout(1000)
            assert unquote(page.url).endswith(f"/?page=浏览&doc={CHONGQING}")
            assert page.evaluate("history.length") == start + 1        # the entry after the first replaced
            page.go_back()
            page.get_by_role("heading", name="二、（一）大力发展货物贸易").wait_for()
            assert unquote(page.url) == unquote(server.base + first)

            page.goto(server.base + f"/?page={quote('浏览')}&doc={CHONGQING}&section=1.0")   # 一、 unfolded
            page.locator(".kb-tocnav a", has_text="（3）中职直升类").click()
            page.wait_for_function("() => location.hash === '#sub-2-3'")
            page.locator("#sub-2-3").wait_for(state="attached")
            page.wait_for_function("() => { const r = document.getElementById('sub-2-3').getBoundingClientRect();"
                                   " return r.top > 0 && r.top < innerHeight; }")
            page.screenshot(path=ARTIFACTS / "browse-subitem.png")
            browser.close()
    finally:
        server.stop()
