"""The Streamlit app, page by page, with AppTest on the outline indexed by the fast "hash" embedder."""
from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from .conftest import build_index

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
COPPER = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"


def point_app_at(index: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KB_INDEX", str(index))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    return tmp_path


@pytest.fixture
def env(hash_index, tmp_path, monkeypatch):
    """The app pointed at the session's hash-embedder index (tests/conftest.py) and a fresh basket folder."""
    return point_app_at(hash_index, tmp_path, monkeypatch)


class Downloads(MemoryMediaFileStorage):
    """Media storage that remembers what each download button would serve, by file name."""
    files: dict[str, bytes] = {}

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            Downloads.files[filename] = path_or_data
        return super().load_and_get_id(path_or_data, mimetype, kind, filename)


@pytest.fixture
def downloads(monkeypatch):
    Downloads.files = {}
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Downloads)
    return Downloads.files


def app(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page shows as Markdown, captions and code, as one string."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + \
            [c.value for c in at.code] + [e.value for e in at.error] + [w.value for w in at.warning] + \
            [i.value for i in at.info]
    return "\n".join(parts)


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


# ---------------------------------------------------------------- 问答

def test_first_visit_shows_example_questions(env):
    at = ok(app())
    labels = [b.label for b in at.button]
    for ex in ("铜材料深加工目标", "到十四五末要改造多少个老旧小区", "孩子上幼儿园难怎么解决",
               "每千人拥有执业医师数2025年目标"):
        assert ex in labels
    at.button(key="ex0").click().run()
    ok(at)
    assert at.text_input(key="q").value == "铜材料深加工目标"
    assert "kb-answer" in texts(at)


def test_ask_shows_answer_citation_passages_and_links(env):
    at = app()
    at.text_input(key="q").input("铜材料深加工目标").run()
    ok(at)
    page = texts(at)
    assert '<div class="kb-answer">' in page
    assert '<mark class="kb">' in page                        # matched terms are marked
    assert "第二章第二节“加快发展铜材料深加工产业”，第18页" in page  # the copper section is cited
    assert "铜加工企业达到10家" in page
    assert "在原文中查看" in page and "section=2.2" in page        # link to the reading view
    # (?q= in the URL is written by the browser; tests/test_browser.py checks it)
    # the copy block is the verbatim text plus its citation
    copies = [c.value for c in at.code]
    assert any(c.endswith("，第18页") and "\n——《" in c and "铜" in c for c in copies)


def test_query_from_shared_url(env):
    at = ok(app(q="每千人拥有执业医师数2025年目标"))
    page = texts(at)
    assert "每千人拥有执业医师数" in page
    assert "专栏1-1" in page


def test_chapter_filter(env):
    at = app(q="幼儿园")
    at.selectbox(key="ask_ch").set_value(10).run()
    ok(at)
    heads = [m.value for m in at.markdown if 'class="kb-meta"' in m.value and "›" in m.value]
    assert heads and all("第十章" in h for h in heads)
    assert at.query_params["ch"] in ("10", ["10"])


@pytest.mark.parametrize("query", [
    "", "   ", "铜" * 10_000, "How many old residential compounds will be renovated?",
    "😀🚀🏫", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "**粗体** $x$ [链接](javascript:1)",
])
def test_odd_queries_never_break_the_page(env, query):
    at = app()
    at.text_input(key="q").input(query).run()
    ok(at)
    for m in at.markdown:
        assert "<script" not in m.value and "<img" not in m.value   # only escaped text reaches HTML


def test_html_query_is_escaped_in_links(env):
    at = ok(app(q="<script>alert(1)</script> 铜材料"))
    page = texts(at)
    assert "<script>" not in page.replace("```", "")


# ---------------------------------------------------------------- 浏览

def test_browse_deep_link_opens_section_and_marks_paragraph(env):
    at = ok(app(section="2.2", p="1"))
    assert [s.value for s in at.subheader] == ["第二章第二节 加快发展铜材料深加工产业"]
    page = texts(at)
    assert 'id="p1"' in page and "kb-focus" in page
    assert "铜加工企业达到10家" in page
    # previous / next section
    at.button(key="next").click().run()
    ok(at)
    assert at.subheader[0].value.startswith("第二章第三节")
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert at.subheader[0].value.startswith("第二章第一节")


def test_browse_toc_lists_chapters_sections_boxes_with_pages(env):
    at = ok(app(page="浏览"))
    side = "\n".join([e.label for e in at.sidebar.expander] + [b.label for b in at.sidebar.button]
                     + [c.value for c in at.sidebar.caption])
    assert "序言" in side
    for n in ("第一章", "第六章", "第十二章"):
        assert n in side
    assert "第二节 加快发展铜材料深加工产业 · 18" in side
    assert "专栏1-1" in side and "专栏10-1" in side
    at.sidebar.button(key="toc-10.2").click().run()
    ok(at)
    assert at.subheader[0].value == "第十章第二节 加快推进教育现代化进程"
    assert "学前三年毛入园率达到97%以上" in texts(at)


def test_browse_indicator_table_rows_have_anchors(env):
    at = ok(app(section="1.5", p="27"))
    page = texts(at)
    assert '<tr id="p27" class="kb-focus">' in page
    assert "每千人拥有执业医师数" in page


def test_search_hit_link_lands_on_its_paragraph(env):
    at = app(q="铜材料深加工目标")
    link = next(m.value for m in at.markdown if "section=2.2" in m.value and "在原文中查看" in m.value)
    href = re.search(r'href="([^"]+)"', link).group(1).replace("&amp;", "&")
    q = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert q["page"] == "浏览" and q["section"] == "2.2"
    at2 = ok(app(**{k: v for k, v in q.items()}))
    page = texts(at2)
    assert "kb-focus" in page and "铜" in page
    assert unquote(href).endswith("#p" + q["p"])


# ---------------------------------------------------------------- 摘录

def _add_copper(at: AppTest) -> AppTest:
    at.text_input(key="q").input("铜材料深加工目标").run()
    key = next(b.key for b in at.button
               if b.key and b.key.startswith("add-") and b.key.endswith(":2.2:p1-2"))
    at.button(key=key).click().run()
    return ok(at)


def test_basket_add_reorder_remove_and_export(env, downloads):
    at = _add_copper(app())
    at.button(key="add-answer").click().run()
    items = at.session_state["basket"]
    assert len(items) == 2 and COPPER in items[0]["text"]
    at.session_state["page"] = "摘录"
    at.run()
    ok(at)
    assert [b.label for b in at.get("download_button")] == ["导出 Markdown", "导出 Word", "导出 CSV"]

    md = downloads["规划纲要摘录.md"].decode("utf-8")
    first, cite = items[0]["text"], items[0]["citation"]
    assert first in md and f"——{cite}" in md
    assert "第二章第二节“加快发展铜材料深加工产业”，第18页" in md
    assert md.index(first) < md.index(items[1]["text"])

    rows = list(csv.reader(io.StringIO(downloads["规划纲要摘录.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["序号", "引文", "出处", "章节", "页码", "段落ID"]
    assert rows[1][1] == first and rows[1][2] == cite and rows[1][3] == "第二章第二节"
    assert rows[1][4] == "18"

    import docx
    d = docx.Document(io.BytesIO(downloads["规划纲要摘录.docx"]))
    paras = [p.text for p in d.paragraphs]
    assert first in paras and f"——{cite}" in paras

    # reorder: move the second up, then remove the (new) first
    at.button(key="up-1").click().run()
    assert at.session_state["basket"][1]["text"] == first
    md = downloads["规划纲要摘录.md"].decode("utf-8")
    assert md.index(first) > md.index(at.session_state["basket"][0]["text"])
    at.button(key="del-0").click().run()
    assert [i["text"] for i in at.session_state["basket"]] == [first]
    at.button(key="clear-basket").click().run()
    ok(at)
    assert at.session_state["basket"] == []
    assert "摘录为空" in texts(at)


def test_basket_survives_a_reload(env):
    at = _add_copper(app())
    sid = at.query_params["sid"]
    sid = sid[0] if isinstance(sid, list) else sid
    again = ok(app(sid=sid, page="摘录"))              # a new session with the same URL
    assert html.escape(COPPER) in texts(again)
    assert COPPER in again.session_state["basket"][0]["text"]
    stranger = ok(app(page="摘录"))                    # another session starts empty
    assert "摘录为空" in texts(stranger)


def test_add_whole_paragraph_from_reading_view(env):
    at = ok(app(section="10.2"))
    key = next(b.key for b in at.button if b.key and b.key.startswith("addpara-10.2-"))
    at.button(key=key).click().run()
    [item] = at.session_state["basket"]
    assert item["citation"].endswith("第十章第二节“加快推进教育现代化进程”，第53页") or "第十章第二节" in item["citation"]


# ---------------------------------------------------------------- 指标

def test_targets_page_tables_and_csv(env, downloads):
    at = ok(app(page="指标"))
    indicators, targets = [d.value for d in at.dataframe]
    assert list(indicators.columns)[:3] == ["序号", "类别", "指标名称"]
    assert len(indicators) == 20          # 19 numbered rows; row 8 holds two indicators
    row = indicators[indicators["指标名称"].str.contains("每千人拥有执业医师数")].iloc[0]
    assert row["2020年基数"] == "3.4" and row["2025年目标"] == "3.7"
    assert list(targets.columns) == ["领域", "目标", "数值", "章节", "页码", "原文"]
    copper = targets[targets["目标"].str.contains("铜加工企业达到10家")].iloc[0]
    assert copper["数值"] == "10家、100亿元以上" and copper["章节"] == "第二章第二节"
    assert "section=2.2" in copper["原文"]
    got = list(csv.reader(io.StringIO(downloads["纲要量化目标.csv"].decode("utf-8-sig"))))
    assert got[0][:5] == ["领域", "目标", "数值", "章节", "页码"]
    assert any(COPPER in r[1] or "铜加工企业达到10家" in r[1] for r in got[1:])
    assert "专栏1-1主要指标.csv" in downloads


# ---------------------------------------------------------------- no index

def test_missing_index_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_INDEX", str(tmp_path / "nowhere"))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    at = app()
    assert not at.exception
    [err] = at.error
    assert "make index" in err.value
    assert [b.label for b in at.button] == ["现在建立索引"]
    assert not at.tabs                                  # the pages are not shown


def test_build_button_builds_the_index(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_CORPUS", str(ROOT / "corpus"))
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    at = app()
    at.button[0].click().run()
    ok(at)
    assert not at.error
    assert (tmp_path / "index").exists()
    assert [t.label for t in at.tabs] == ["问答", "浏览", "摘录", "指标"]


# ---------------------------------------------------------------- several documents

OUTLINE = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
OUTLINE_ID = "weibin-14th-five-year-plan-outline"
REPORT_ID = "weibin-2022-report"
REPORT_TITLE = "关于卫滨区二〇二二年国民经济和社会发展计划执行情况的报告"
# A GB18030 work report laid out like tests/test_readers.py's REPORT: 一、 chapters, （一） sections.
REPORT = f"""{REPORT_TITLE}

一、二〇二二年工作回顾

（一）工业经济稳中有进
全区规模以上工业增加值增长8%，新增专精特新企业3家。
（二）民生保障持续加强
新建幼儿园2所，新增学位900个，普惠性幼儿园覆盖率达到88%。

二、二〇二三年主要任务

（一）壮大铜材料产业
力争铜加工企业营业收入达到80亿元，新引进铜材料深加工项目5个。
（二）办好民生实事
新改建城市道路6条，完成老旧小区改造30个。
"""


@pytest.fixture(scope="module")
def two_doc_index(tmp_path_factory) -> Path:
    """The outline and a GB18030 work report in one index (hash embedder)."""
    return build_index(tmp_path_factory, "two", "hash", {f"{REPORT_ID}.txt": REPORT.encode("gb18030")})


@pytest.fixture
def env2(two_doc_index, tmp_path, monkeypatch):
    return point_app_at(two_doc_index, tmp_path, monkeypatch)


def _hit_heads(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="kb-meta"' in m.value and "›" in m.value]


def _cites(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "kb-cite" in m.value]


def test_one_document_shows_no_document_widgets(env):
    at = ok(app(q="铜材料深加工目标"))
    assert "ask_doc" not in [s.key for s in at.selectbox]
    assert all("《" not in h for h in _hit_heads(at))           # hit headers as before
    browse = ok(app(page="浏览"))
    assert [s.key for s in browse.selectbox] == ["browse_pick"]


def test_document_filter_on_ask_page(env2):
    at = ok(app(q="铜加工企业营业收入"))
    f = at.selectbox(key="ask_doc")
    assert f.options[0] == "全部文件" and len(f.options) == 3
    assert f.value == ""
    # unfiltered: hits from both documents, each header naming its document
    heads = _hit_heads(at)
    assert any("执行情况的报告》" in h for h in heads) and any("远景目标纲要》" in h for h in heads)
    # both documents have a 第一章 and a 第二章 under different titles: generic labels
    ch = at.selectbox(key="ask_ch")
    assert "第二章" in ch.options and "第十二章" in ch.options

    f.set_value(REPORT_ID).run()
    ok(at)
    assert at.query_params["doc"] in (REPORT_ID, [REPORT_ID])
    cites = _cites(at)
    assert cites and all(f"《{REPORT_TITLE}》" in c for c in cites)
    assert "二、（一）“壮大铜材料产业”" in texts(at)       # the report's own numbering
    assert all("远景目标纲要" not in h for h in _hit_heads(at))
    # the answer's citation and the copy blocks name the report too
    assert any(c.startswith("力争铜加工企业营业收入达到80亿元") and f"——《{REPORT_TITLE}》" in c
               for c in (c.value for c in at.code))
    # the chapter filter now lists the report's two chapters by title
    assert at.selectbox(key="ask_ch").options == ["全部章节", "一、二〇二二年工作回顾",
                                                  "二、二〇二三年主要任务"]
    at.selectbox(key="ask_ch").set_value(1).run()
    ok(at)
    assert _hit_heads(at) and all("一、二〇二二年工作回顾" in h for h in _hit_heads(at))

    # back to the outline: chapter 1 of the outline keeps; chapter 10 is offered again
    at.selectbox(key="ask_doc").set_value(OUTLINE_ID).run()
    ok(at)
    assert "第十章 持续增进民生福祉" in at.selectbox(key="ask_ch").options
    assert all(f"《{REPORT_TITLE}》" not in c for c in _cites(at))


def test_document_filter_from_url_and_chapter_reset(env2):
    at = ok(app(q="幼儿园", doc=REPORT_ID))
    assert at.selectbox(key="ask_doc").value == REPORT_ID
    assert _cites(at) and all(REPORT_TITLE in c for c in _cites(at))
    assert "新增学位900个" in texts(at)
    at = ok(app(q="幼儿园", ch="10"))
    at.selectbox(key="ask_doc").set_value(REPORT_ID).run()   # the report has no 第十章
    ok(at)
    assert at.selectbox(key="ask_ch").value == -1
    assert "ch" not in at.query_params


def test_reading_link_of_second_document_hit_opens_that_document(env2):
    at = ok(app(q="铜加工企业营业收入", doc=REPORT_ID))
    link = next(m.value for m in at.markdown if "在原文中查看" in m.value and REPORT_ID in m.value)
    href = re.search(r'href="([^"]+)"', link).group(1).replace("&amp;", "&")
    q = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert q["doc"] == REPORT_ID and q["section"] == "2.1" and q["page"] == "浏览"
    assert q["hl"].startswith(REPORT_ID + ":")
    at2 = ok(app(**q))
    assert at2.selectbox(key="browse_doc").value == REPORT_ID
    assert [s.value for s in at2.subheader] == ["二、（一）壮大铜材料产业"]
    page = texts(at2)
    assert "kb-focus" in page and "达到80亿元" in page and '<mark class="kb">' in page
    assert unquote(href).endswith("#p" + q["p"])
    # a link without ?doc= (hl alone) still finds the passage's document
    del q["doc"]
    at3 = ok(app(**q))
    assert at3.selectbox(key="browse_doc").value == REPORT_ID
    assert at3.subheader[0].value == "二、（一）壮大铜材料产业"


def test_browse_picker_switches_documents(env2):
    at = ok(app(page="浏览"))
    pick = at.selectbox(key="browse_doc")
    assert pick.value == OUTLINE_ID
    assert len(pick.options) == 2 and any("执行情况的报告" in o for o in pick.options)
    assert at.subheader[0].value == "序言"
    pick.set_value(REPORT_ID).run()
    ok(at)
    assert at.query_params["doc"] in (REPORT_ID, [REPORT_ID])
    assert at.subheader[0].value == "一、（一）工业经济稳中有进"
    assert "新增专精特新企业3家" in texts(at)
    assert REPORT_TITLE in [c.value for c in at.caption]
    side = "\n".join([e.label for e in at.sidebar.expander] + [b.label for b in at.sidebar.button])
    assert "一、二〇二二年工作回顾" in side and "（二）民生保障持续加强" in side     # the report's own numbering
    assert "第十章" not in side                               # the outline's TOC is gone
    assert [o for o in at.selectbox(key="browse_pick").options][-1].startswith("二、（二）办好民生实事")
    # next / prev stay inside the report; its deep links carry the document
    at.button(key="next").click().run()
    ok(at)
    assert at.subheader[0].value == "一、（二）民生保障持续加强"
    assert "新增学位900个" in texts(at)
    assert f"doc={REPORT_ID}" in texts(at) and "section=1.2" in texts(at)
    # a deep link into the report's section and paragraph
    at2 = ok(app(doc=REPORT_ID, section="2.2", p="1"))
    assert at2.subheader[0].value == "二、（二）办好民生实事"
    assert 'id="p1"' in texts(at2) and "kb-focus" in texts(at2)
    # the same section number in the outline is the outline's
    at3 = ok(app(doc=OUTLINE_ID, section="2.2"))
    assert at3.subheader[0].value == "第二章第二节 加快发展铜材料深加工产业"


def test_targets_page_has_document_column(env2, downloads):
    at = ok(app(page="指标"))
    indicators, targets = [d.value for d in at.dataframe]
    assert list(indicators.columns)[:4] == ["文件", "序号", "类别", "指标名称"]
    assert len(indicators) == 20 and set(indicators["文件"]) == {indicators["文件"].iloc[0]}
    assert "远景目标纲要" in indicators["文件"].iloc[0]       # only the outline has 专栏1-1
    assert list(targets.columns) == ["文件", "领域", "目标", "数值", "章节", "页码", "原文"]
    assert REPORT_TITLE in set(targets["文件"]) and len(set(targets["文件"])) == 2
    copper = targets[targets["目标"].str.contains("铜加工企业达到10家")].iloc[0]
    assert "远景目标纲要" in copper["文件"] and f"doc={OUTLINE_ID}" in copper["原文"]
    report = targets[targets["文件"] == REPORT_TITLE].iloc[0]
    assert f"doc={REPORT_ID}" in report["原文"]
    got = list(csv.reader(io.StringIO(downloads["纲要量化目标.csv"].decode("utf-8-sig"))))
    assert got[0][0] == "文件" and any(r[0] == REPORT_TITLE for r in got[1:])


def test_basket_export_names_the_document(env2, downloads):
    at = ok(app(q="铜加工企业营业收入", doc=REPORT_ID))
    at.button(key="add-answer").click().run()
    [item] = at.session_state["basket"]
    assert item["citation"].startswith(f"《{REPORT_TITLE}》二、（一）")
    at.session_state["page"] = "摘录"
    at.run()
    ok(at)
    md = downloads["规划纲要摘录.md"].decode("utf-8")
    assert f"——《{REPORT_TITLE}》二、（一）“壮大铜材料产业”" in md
