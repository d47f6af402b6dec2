"""The Streamlit app, page by page, with AppTest on the outline indexed by the fast "hash" embedder."""
from __future__ import annotations

import csv
import html
import io
import re
import shlex
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from .conftest import build_index

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
COPPER = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"
COPPER_CITE = "第二章第二节“加快发展铜材料深加工产业”，第18—19页"   # the text file gives section pages: a range


def point_app_at(index: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("KB_INDEX", str(index))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    monkeypatch.setenv("KB_FEEDBACK", str(tmp_path / "feedback.jsonl"))
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


def esc_(text: str) -> str:
    from ui.render import esc
    return esc(text)


def env_index() -> str:
    import os
    return os.environ["KB_INDEX"]


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def ask(at: AppTest, q: str) -> AppTest:
    """Type a question and press 搜索 (the question box is a form: Enter or the button submits it)."""
    at.text_input(key="q").input(q)
    next(b for b in at.button if b.label == "搜索").click()
    return at.run()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.parts.append("\n")


def shown(fragment: str) -> str:
    """The text a browser shows for an HTML fragment (entities decoded, tags dropped)."""
    p = _Text()
    p.feed(fragment)
    p.close()
    return "".join(p.parts)


def heading(at: AppTest) -> str:
    """The reading view's section heading (<div class="kb-h" role="heading">), as shown."""
    for m in at.markdown:
        hit = re.search(r'<div class="kb-h" role="heading" aria-level="3">(.*?)</div>', m.value)
        if hit:
            return shown(hit.group(1))
    raise AssertionError("no section heading")


def copies(at: AppTest) -> list[str]:
    """What the 复制 buttons copy."""
    return [html.unescape(v) for m in at.markdown for v in re.findall(r'data-kb-copy="([^"]*)"', m.value)]


def toc(at: AppTest) -> str:
    return "\n".join(m.value for m in at.sidebar.markdown)


def table(at: AppTest, table_id: str) -> tuple[list[str], list[list[str]]]:
    """An HTML table of the page (by id) as its header and rows of shown text; links as their href."""
    src = next(m.value for m in at.markdown if f'id="{table_id}"' in m.value)
    src = src[src.index(f'id="{table_id}"'):]
    head = [shown(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", src.split("</thead>")[0])]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", src.split("<tbody>")[1]):
        cells = []
        for td in re.findall(r"<td[^>]*>(.*?)</td>", tr):
            a = re.search(r'href="([^"]+)"', td)
            cells.append(html.unescape(a.group(1)) if a else shown(td))
        rows.append(cells)
    return head, rows


# ---------------------------------------------------------------- 问答

def test_first_visit_shows_example_questions(env):
    at = ok(app())
    labels = [b.label for b in at.button]
    for ex in ("铜材料深加工目标", "到十四五末要改造多少个老旧小区", "养老服务有什么举措",
               "每千人拥有执业医师数2025年目标"):
        assert ex in labels
    at.button(key="ex0").click().run()
    ok(at)
    assert at.text_input(key="q").value == "铜材料深加工目标"
    assert "kb-answer" in texts(at)


def test_ask_shows_answer_citation_passages_and_links(env):
    at = ok(ask(app(), "铜材料深加工目标"))
    page = texts(at)
    assert '<div class="kb-answer">' in page
    assert '<mark class="kb">' in page                        # matched terms are marked
    assert COPPER_CITE in page                                 # the copper section is cited, pages as a range
    assert "第18页" not in page.replace("第18—19页", "")      # no single page the text file cannot vouch for
    assert "铜加工企业达到10家" in page
    assert "在原文中查看" in page and "section=2.2" in page        # link to the reading view
    assert "sid=" not in page                                  # links carry no basket id (a cookie does)
    assert at.query_params["q"] in ("铜材料深加工目标", ["铜材料深加工目标"])   # the address carries the question
    # the 复制 button copies the verbatim text plus its citation
    assert any(COPPER in c.split("\n——《")[0] and c.endswith("（草案）》" + COPPER_CITE) for c in copies(at))
    assert "Press Enter" not in page and [b.label for b in at.button if b.label == "搜索"] == ["搜索"]


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
    at = ok(ask(app(), query))
    for m in at.markdown:
        assert "<script" not in m.value and "<img" not in m.value   # only escaped text reaches HTML


def test_html_query_is_escaped_in_links(env):
    at = ok(app(q="<script>alert(1)</script> 铜材料"))
    page = texts(at)
    assert "<script>" not in page.replace("```", "")


# ---------------------------------------------------------------- 问答: the address, Back and the history

def _q(at: AppTest) -> str | None:
    v = at.query_params.get("q")
    return v[-1] if isinstance(v, list) else v


def test_the_address_carries_the_question_cut_where_the_search_cuts(env):
    """Asking writes the question into the address from the script, which Streamlit makes a new entry of the
    browser's history (Back: tests/test_app_journeys.py). A 3,000-character question is carried cut to what the
    search uses (MAX_QUERY_CHARS), while the box keeps it whole and the page says it was cut."""
    from urllib.parse import quote

    from kb import MAX_QUERY_CHARS
    at = ok(ask(app(), "铜材料深加工目标"))
    assert _q(at) == "铜材料深加工目标"
    long_q = "到十四五末要改造多少个老旧小区" * 200                     # 3,000 characters
    ok(ask(at, long_q))
    assert _q(at) == long_q[:MAX_QUERY_CHARS] and len(_q(at)) == 512
    assert len(quote(_q(at))) == 4608                             # was 27,000 percent-encoded for the whole question
    assert at.text_input(key="q").value == long_q
    assert f"问题较长（3000 字），检索时只使用前 {MAX_QUERY_CHARS} 字。" in texts(at)
    ok(ask(at, "   "))                                            # a blank question: no question in the address
    assert "q" not in at.query_params
    at.button(key="ex1").click().run()                            # an example is asked as typed questions are
    assert _q(ok(at)) == "到十四五末要改造多少个老旧小区"


def test_back_and_forward_show_the_question_of_the_address(env):
    """Back or Forward reruns the page with that entry's address: the box, the answer and the chapter filter follow
    the address, not what the page showed before."""
    at = ok(ask(app(), "铜材料深加工目标"))
    ok(ask(at, "孩子上幼儿园难怎么解决"))
    at.selectbox(key="ask_ch").set_value(10).run()
    assert ok(at).query_params["ch"] in ("10", ["10"])
    at.query_params["q"] = "铜材料深加工目标"                      # Back twice: the first question's entry
    at.query_params.pop("ch", None)
    ok(at.run())
    assert at.text_input(key="q").value == "铜材料深加工目标"
    assert at.selectbox(key="ask_ch").value == -1
    page = texts(at)
    assert "铜加工企业达到10家" in page and COPPER_CITE in page
    at.query_params["q"] = "孩子上幼儿园难怎么解决"                 # Forward twice
    at.query_params["ch"] = "10"
    ok(at.run())
    assert at.text_input(key="q").value == "孩子上幼儿园难怎么解决" and at.selectbox(key="ask_ch").value == 10
    heads = [m.value for m in at.markdown if 'class="kb-meta"' in m.value and "›" in m.value]
    assert heads and all("第十章" in h for h in heads)


def _history(at: AppTest) -> dict:
    """What the page told this browser's history component (ui/history.py): the question to add, and the list's key."""
    import json
    return json.loads(next(e for e in at.sidebar if getattr(e, "key", None) == "history").proto.json)


def test_asked_questions_are_handed_to_the_browsers_history(env):
    """A question asked from the box, an example or an opened link is handed to the browser's list (kept in its
    localStorage: tests/test_app_journeys.py clicks, reloads and clears it); Back or Forward hands nothing new."""
    from kb import MAX_QUERY_CHARS
    at = ok(app())
    told = _history(at)
    assert told["asked"] is None and told["size"] == 20 and told["key"] == "kb_questions"
    at.button(key="ex0").click().run()
    assert _history(ok(at))["asked"] == "铜材料深加工目标"
    ok(ask(at, "孩子上幼儿园难怎么解决"))
    told = _history(at)
    assert told["asked"] == "孩子上幼儿园难怎么解决"
    at.query_params["q"] = "铜材料深加工目标"                      # Back: shown again, not asked again
    assert _history(ok(at.run())) == told
    ok(ask(at, "老旧小区" * 200))
    assert _history(at)["asked"] == ("老旧小区" * 200)[:MAX_QUERY_CHARS]   # as the address carries it
    assert _history(ok(app(q="每千人拥有执业医师数2025年目标")))["asked"] == "每千人拥有执业医师数2025年目标"


def test_the_question_in_the_address_marks_words_only_on_a_passage_link(env):
    """The address keeps the question while 浏览 is open (so 问答 shows it again on return); 浏览 marks its words only
    when it was opened from a passage's link (?hl=), not on every section."""
    plain_view = ok(app(page="浏览", section="2.2", q="铜材料深加工目标"))
    assert '<mark class="kb">' not in texts(plain_view)
    at = app(q="铜材料深加工目标")
    link = next(m.value for m in at.markdown if "section=2.2" in m.value and "在原文中查看" in m.value)
    href = html.unescape(re.search(r'href="([^"]+)"', link).group(1))
    linked = ok(app(**{k: v[0] for k, v in parse_qs(urlparse(href).query).items()}))
    assert '<mark class="kb">' in texts(linked)


# ---------------------------------------------------------------- 浏览

def test_browse_deep_link_opens_section_and_marks_paragraph(env):
    at = ok(app(section="2.2", p="1"))
    assert heading(at) == "第二章第二节 加快发展铜材料深加工产业"
    page = texts(at)
    assert 'id="p1"' in page and "kb-focus" in page
    assert "铜加工企业达到10家" in page
    assert "第18—19页 · " in page                              # the section's pages, as a range
    # previous / next section
    at.button(key="next").click().run()
    ok(at)
    assert heading(at).startswith("第二章第三节")
    at.button(key="prev").click().run()
    at.button(key="prev").click().run()
    assert heading(at).startswith("第二章第一节")


def test_readme_deep_link_highlights_its_paragraph(env):
    at = ok(app(page="浏览", section="10.2", p="3"))           # the README's example
    assert '<div class="kb-text kb-para kb-focus" id="p3">' in texts(at)
    assert "推动义务教育均等化" in shown(next(m.value for m in at.markdown if 'id="p3"' in m.value))


@pytest.mark.parametrize("bad", ["99.9", "2.99", "abc", "<b>x</b>"])
def test_a_section_that_does_not_exist_is_named(env, bad):
    at = ok(app(page="浏览", section=bad))
    warn = next(m.value for m in at.markdown if "kb-warn" in m.value)
    assert shown(warn).startswith(f"没有“{bad}”这一节") and "序言" in shown(warn)
    assert heading(at) == "序言"


def test_a_box_is_reachable_from_the_picker_and_the_toc(env):
    at = ok(app(page="浏览"))
    pick = at.selectbox(key="browse_pick")
    labels = list(pick.options)
    box = labels.index("　专栏1-1 “十四五”期间经济社会主要发展目标（第14页）")
    assert labels[box - 1] == "第一章第五节 发展目标（第14页）"         # right after its section
    assert any(o.startswith("　专栏10-1 ") for o in labels)
    pick.set_value("box:1-1").run()
    ok(at)
    assert heading(at) == "第一章第五节 发展目标"
    assert at.query_params["box"] in ("1-1", ["1-1"])
    assert 'id="box-1-1"' in texts(at)
    links = re.findall(r'<a class="kb-toc kb-toc-box" href="([^"]+)"', toc(at))
    assert len(links) == 10                                    # every 专栏 of the outline is a link
    assert html.unescape(links[0]).endswith("section=1.5&box=1-1#box-1-1")


def test_browse_toc_lists_chapters_sections_boxes_with_pages(env):
    at = ok(app(page="浏览"))
    side = shown(toc(at))
    assert "序言" in side
    for n in ("第一章", "第六章", "第十二章"):
        assert n in side
    assert "第二节 加快发展铜材料深加工产业　18" in side
    assert "专栏1-1 “十四五”期间经济社会主要发展目标　14" in side and "专栏10-1" in side
    href = html.unescape(re.search(r'href="([^"]+)"[^>]*>第二节 加快推进教育现代化进程', toc(at)).group(1))
    q = {k: v[0] for k, v in parse_qs(urlparse(href).query).items()}
    assert q == {"page": "浏览", "section": "10.2"}
    at2 = ok(app(**q))                                         # following the link
    assert heading(at2) == "第十章第二节 加快推进教育现代化进程"
    assert "学前三年毛入园率达到97%以上" in shown(texts(at2))


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
    ask(at, "铜材料深加工目标")
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
    assert COPPER_CITE in md
    assert md.index(first) < md.index(items[1]["text"])

    rows = list(csv.reader(io.StringIO(downloads["规划纲要摘录.csv"].decode("utf-8-sig"))))
    assert rows[0] == ["序号", "类型", "引文", "出处", "章节", "页码", "段落ID", "对照"]   # 对照: a pair's other side
    assert [r[0] for r in rows[1:]] == ["1", "2"] and [r[7] for r in rows[1:]] == ["", ""]
    assert rows[1][1] == "原文" and rows[1][2] == first and rows[1][3] == cite and rows[1][4] == "第二章第二节"
    assert rows[1][5] == "第18—19页"
    assert "逐字一致" in texts(at)                               # only text quotations here: the claim holds

    import docx
    d = docx.Document(io.BytesIO(downloads["规划纲要摘录.docx"]))
    paras = [p.text for p in d.paragraphs]
    assert first in paras and f"——{cite}" in paras

    # reorder: move the second up, then remove the (new) first
    at.button(key="up-1").click().run()
    ok(at)
    assert at.session_state["basket"][1]["text"] == first
    md = downloads["规划纲要摘录.md"].decode("utf-8")
    assert md.index(first) > md.index(at.session_state["basket"][0]["text"])
    at.button(key="del-0").click().run()
    assert [i["text"] for i in at.session_state["basket"]] == [first]
    # 清空 asks first (取消 keeps everything), then empties, and 撤销 puts the quotations back
    at.button(key="clear-basket").click().run()
    ok(at)
    assert [i["text"] for i in at.session_state["basket"]] == [first] and "确定清空全部 1 条摘录吗" in texts(at)
    at.button(key="clear-cancel").click().run()
    ok(at)
    assert [i["text"] for i in at.session_state["basket"]] == [first] and "确定清空" not in texts(at)
    at.button(key="clear-basket").click().run()
    at.button(key="clear-confirm").click().run()
    ok(at)
    assert at.session_state["basket"] == []
    assert "摘录为空" in texts(at) and "已清空 1 条摘录" in texts(at)
    at.button(key="undo-clear").click().run()
    ok(at)
    assert [i["text"] for i in at.session_state["basket"]] == [first]


def test_basket_belongs_to_the_browser_not_the_address(env, monkeypatch):
    """A browser's cookie names its basket: a new session from a typed address, a bookmark or an internal link
    (no id in any of them) finds it; another browser does not. (AppTest cannot send cookies: the cookie reader is
    replaced; tests/test_app_journeys.py does this with a real browser and a restarted server.)"""
    monkeypatch.setattr("ui.basket.cookie_id", lambda: "0123456789abcdef0123456789abcdef")
    at = _add_copper(app())
    assert "sid" not in at.query_params
    again = ok(app(page="摘录"))                       # a new session, typed address, same browser
    assert COPPER in shown(texts(again))
    assert COPPER in again.session_state["basket"][0]["text"]
    linked = ok(app(page="浏览", section="10.2", p="3"))   # an internal link: still the same basket
    assert linked.session_state["sid"] == "0123456789abcdef0123456789abcdef"
    monkeypatch.setattr("ui.basket.cookie_id", lambda: "fedcba9876543210fedcba9876543210")
    stranger = ok(app(page="摘录"))                    # another browser starts empty
    assert "摘录为空" in texts(stranger)


def test_a_new_browser_gets_a_cookie_and_an_old_link_keeps_its_basket(env):
    at = _add_copper(app())                             # no cookie yet: an id is made and written to one
    sid = at.session_state["sid"]
    assert re.fullmatch(r"[0-9a-f]{32}", sid)
    assert (env / "baskets" / f"{sid}.json").exists()
    # a link from before the cookie (…?sid=ID) brings its basket into this browser and drops the id from the URL
    old = ok(app(sid=sid, page="摘录"))
    assert COPPER in old.session_state["basket"][0]["text"] and "sid" not in old.query_params


def test_two_tabs_share_one_basket(env, monkeypatch):
    monkeypatch.setattr("ui.basket.cookie_id", lambda: "abcdefabcdefabcdefabcdefabcdefab")
    tab1, tab2 = app(), app(section="10.2")
    _add_copper(tab1)
    key = next(b.key for b in tab2.button if b.key and b.key.startswith("addpara-10.2-"))
    tab2.button(key=key).click().run()                 # tab 2 adds after tab 1: nothing of tab 1 is lost
    assert len(tab2.session_state["basket"]) == 2
    tab1.session_state["page"] = "摘录"
    tab1.run()
    assert len(tab1.session_state["basket"]) == 2


def test_add_whole_paragraph_from_reading_view(env):
    at = ok(app(section="10.2"))
    key = next(b.key for b in at.button if b.key and b.key.startswith("addpara-10.2-"))
    at.button(key=key).click().run()
    [item] = at.session_state["basket"]
    assert item["citation"].endswith("第十章第二节“加快推进教育现代化进程”，第53—54页")


# ---------------------------------------------------------------- 指标

def test_targets_page_tables_and_csv(env, downloads):
    at = ok(app(page="指标"))
    head, rows = table(at, "indicators")
    assert head[:3] == ["序号", "类别", "指标名称"]
    assert len(rows) == 20          # 19 numbered rows; row 8 holds two indicators
    row = dict(zip(head, next(r for r in rows if "每千人拥有执业医师数" in r[2])))
    assert row["2020年基数"] == "3.4" and row["2025年目标"] == "3.7"
    head, rows = table(at, "targets")
    assert head == ["领域", "目标", "数值", "章节", "页码", "原文"]
    copper = dict(zip(head, next(r for r in rows if "铜加工企业达到10家" in r[1])))
    assert copper["数值"] == "10家、100亿元以上" and copper["章节"] == "第二章第二节"
    assert copper["页码"] == "18—19"
    assert "section=2.2" in copper["原文"] and "sid=" not in copper["原文"]
    got = list(csv.reader(io.StringIO(downloads["纲要量化目标.csv"].decode("utf-8-sig"))))
    assert got[0] == ["领域", "目标", "数值", "章节", "页码", "段落ID"]
    assert any(COPPER in r[1] or "铜加工企业达到10家" in r[1] for r in got[1:])
    ind = list(csv.reader(io.StringIO(downloads["专栏1-1主要指标.csv"].decode("utf-8-sig"))))
    assert ind[0][:3] == ["序号", "类别", "指标名称"] and len(ind) == 21


def test_indicator_cells_carry_numbers_for_sorting(env):
    """The table sorts numbers as numbers in the browser: each numeric cell carries its value (85以上 → 85);
    text (按市下达目标) carries none and sorts after the numbers. tests/test_app_journeys.py clicks the head."""
    at = ok(app(page="指标"))
    src = next(m.value for m in at.markdown if 'id="indicators"' in m.value)
    assert '<td data-n="97.0">97以上</td>' in src
    assert "<td>按市下达目标</td>" in src
    assert '<th data-col="0" title="点击排序">序号</th>' in src


# ---------------------------------------------------------------- no index

def test_missing_index_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_INDEX", str(tmp_path / "nowhere"))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    monkeypatch.setenv("KB_CORPUS", str(ROOT / "corpus"))
    at = app()
    assert not at.exception
    [err] = at.error
    assert [b.label for b in at.button] == ["现在建立索引"]
    assert not at.tabs                                  # the pages are not shown
    # the advice works: run exactly the command it names, and the app opens
    command = re.search(r"运行 `([^`]+)` 建立索引", err.value).group(1)
    assert command.startswith(".venv/bin/kb --index ") and " --model hash ingest " in command
    argv = shlex.split(command)
    argv[0] = str(Path(sys.executable).with_name("kb"))     # .venv/bin/kb of the environment running the tests
    subprocess.run(argv, cwd=ROOT, check=True, capture_output=True)
    again = ok(app())
    assert not again.error and [t.label for t in again.tabs] == ["问答", "浏览", "摘录", "指标", "文档", "对比"]


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
    assert [t.label for t in at.tabs] == ["问答", "浏览", "摘录", "指标", "文档", "对比"]


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
    # the answer's citation and the copy buttons name the report too
    assert any(c.startswith("力争铜加工企业营业收入达到80亿元") and f"——《{REPORT_TITLE}》" in c
               for c in copies(at))
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
    assert heading(at2) == "二、（一）壮大铜材料产业"
    page = texts(at2)
    assert "kb-focus" in page and "达到80亿元" in page and '<mark class="kb">' in page
    assert unquote(href).endswith("#p" + q["p"])
    # a link without ?doc= (hl alone) still finds the passage's document
    del q["doc"]
    at3 = ok(app(**q))
    assert at3.selectbox(key="browse_doc").value == REPORT_ID
    assert heading(at3) == "二、（一）壮大铜材料产业"


def test_browse_picker_switches_documents(env2):
    at = ok(app(page="浏览"))
    pick = at.selectbox(key="browse_doc")
    assert pick.value == OUTLINE_ID
    assert len(pick.options) == 2 and any("执行情况的报告" in o for o in pick.options)
    assert heading(at) == "序言"
    pick.set_value(REPORT_ID).run()
    ok(at)
    assert at.query_params["doc"] in (REPORT_ID, [REPORT_ID])
    assert heading(at) == "一、（一）工业经济稳中有进"
    assert "新增专精特新企业3家" in texts(at)
    assert REPORT_TITLE in shown(texts(at))
    side = shown(toc(at))
    assert "一、二〇二二年工作回顾" in side and "（二）民生保障持续加强" in side     # the report's own numbering
    assert "第十章" not in side                               # the outline's TOC is gone
    assert [o for o in at.selectbox(key="browse_pick").options][-1].startswith("二、（二）办好民生实事")
    # next / prev stay inside the report; its deep links carry the document
    at.button(key="next").click().run()
    ok(at)
    assert heading(at) == "一、（二）民生保障持续加强"
    assert "新增学位900个" in texts(at)
    assert f"doc={REPORT_ID}" in texts(at) and "section=1.2" in texts(at)
    # a deep link into the report's section and paragraph
    at2 = ok(app(doc=REPORT_ID, section="2.2", p="1"))
    assert heading(at2) == "二、（二）办好民生实事"
    assert 'id="p1"' in texts(at2) and "kb-focus" in texts(at2)
    # the same section number in the outline is the outline's
    at3 = ok(app(doc=OUTLINE_ID, section="2.2"))
    assert heading(at3) == "第二章第二节 加快发展铜材料深加工产业"


def test_targets_page_has_document_column(env2, downloads):
    at = ok(app(page="指标"))
    head, rows = table(at, "indicators")
    assert head[:4] == ["文件", "序号", "类别", "指标名称"]
    assert len(rows) == 20 and len({r[0] for r in rows}) == 1
    assert "远景目标纲要" in rows[0][0]                        # only the outline has 专栏1-1
    head, rows = table(at, "targets")
    assert head == ["文件", "领域", "目标", "数值", "章节", "页码", "原文"]
    assert REPORT_TITLE in {r[0] for r in rows} and len({r[0] for r in rows}) == 2
    copper = next(r for r in rows if "铜加工企业达到10家" in r[2])
    assert "远景目标纲要" in copper[0] and f"doc={OUTLINE_ID}" in copper[-1]
    report = next(r for r in rows if r[0] == REPORT_TITLE)
    assert f"doc={REPORT_ID}" in report[-1]
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


# ---------------------------------------------------------------- answers beyond one sentence

def test_indicator_row_answers_as_a_table_row_and_is_quoted_as_one(env, downloads):
    at = ok(app(q="每千人拥有执业医师数2025年目标"))
    answer = next(m.value for m in at.markdown if "kb-answer" in m.value)
    assert "<table>" in answer and "<th>2025年目标</th>" in answer and "<td>3&#46;7</td>" in answer
    assert "序号：" not in shown(answer)                        # not the built string
    at.button(key="add-answer").click().run()
    [item] = at.session_state["basket"]
    assert item["kind"] == "row" and ["2025年目标", "3.7"] in item["cells"]
    assert item["citation"].endswith("专栏1-1“‘十四五’期间经济社会主要发展目标”，第14—17页")
    at.session_state["page"] = "摘录"
    at.run()
    ok(at)
    page = texts(at)
    assert "逐字一致" not in page and "按表格行引用" in page      # no verbatim claim for a row
    assert "<th>指标名称</th>" in page
    md = downloads["规划纲要摘录.md"].decode("utf-8")
    assert "| 序号 | 类别 | 指标名称 |" in md and "（表格行）" in md
    rows = list(csv.reader(io.StringIO(downloads["规划纲要摘录.csv"].decode("utf-8-sig"))))
    assert rows[1][1] == "表格行" and "2025年目标：3.7" in rows[1][2]
    import docx
    d = docx.Document(io.BytesIO(downloads["规划纲要摘录.docx"]))
    [t] = d.tables
    assert [c.text for c in t.rows[0].cells][:3] == ["序号", "类别", "指标名称"]
    assert "3.7" in [c.text for c in t.rows[1].cells]
    widths = [c.width for c in t.rows[0].cells]
    assert widths[2] > 2 * widths[0]                      # 指标名称 is wider than 序号
    # A4 (GB/T 9704), the headings are heading styles
    sec = d.sections[0]
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    assert round(sec.top_margin.mm) == 37 and round(sec.left_margin.mm) == 28
    styles = {p.text: p.style.name for p in d.paragraphs}
    assert styles["规划纲要摘录"] == "Title" and styles["摘录1"] == "Heading 1"


def test_measures_question_lists_the_sections_measures(env):
    at = ok(app(q="孩子上幼儿园难怎么解决"))
    block = next(m.value for m in at.markdown if "kb-measures" in m.value)
    text = shown(block)
    assert "纲要中的举措（第十章 持续增进民生福祉 › 第二节 加快推进教育现代化进程）" in text
    for lead in ("普及学前教育。", "推动义务教育均等化。", "加强教师队伍建设。", "持续深化教育改革。"):
        assert f"<b>{esc_(lead)}</b>" in block
    assert block.count("section=10.2") == 4                    # each measure links to its paragraph
    from kb import KnowledgeBase
    doc = KnowledgeBase.open(env_index(), model="hash").document().text
    for li in re.findall(r"<li>(.*?) <a ", block):             # every measure is the outline's own words
        assert shown(li) in doc


def test_a_question_the_outline_does_not_answer_says_so(env):
    """Not vouched for: the page says so plainly, claims nothing (no answer box, no 把握), and marks the closest
    sentence as a candidate where it stands in its passage."""
    from kb import verdict
    at = ok(app(q="全区要建几个5G基站"))
    none = next(m.value for m in at.markdown if "kb-none" in m.value)
    assert shown(none) == verdict.MESSAGES[verdict.NOT_STATED]
    assert not any("kb-answer" in m.value for m in at.markdown)
    page = texts(at)
    assert "把握" not in page and verdict.CANDIDATE_LABEL in page and "kb-candidate" in page
    assert "kb-focus-span" in page                    # the candidate marked inside its passage
    assert not any(b.key == "add-answer" for b in at.button)


@pytest.fixture
def loose(env, monkeypatch):
    """Every answer vouched for (the hash embedder's confidences are not the real model's): to test the wording.
    The app's cached index and answers are dropped before and after, so no other test sees these settings."""
    from ui.loading import cached_ask, load_kb
    cfg = env / "loose.toml"
    cfg.write_text("[verdict]\nvouch_at = 0.0\nvouch_at_other_models = 0.0\n", encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(cfg))
    load_kb.clear()
    cached_ask.clear()
    yield env
    load_kb.clear()
    cached_ask.clear()


def test_a_question_sharing_no_word_with_the_outline_says_it_was_found_by_meaning(loose):
    """沟水发绿有味: none of its words is in the outline; an answer vouched for was found by meaning alone, and the
    page says so (a question with the outline's words does not get the note)."""
    note = "问题里的词在纲要中都没有出现"
    assert note in texts(ok(app(q="沟水发绿有味")))
    assert note not in texts(ok(app(q="老旧小区改造")))


def test_feedback_clicks_are_stored_locally(loose):
    """有帮助 and 答案不对 (pointing to 纲要中没有 or a sentence of the passages shown) are each one line of
    KB_FEEDBACK, with the question and the sentence shown; the buttons then say it was recorded."""
    import json as _json
    store = loose / "feedback.jsonl"
    at = ok(app(q="铜材料深加工目标"))
    ok_button = next(b for b in at.button if b.label == "有帮助")
    ok_button.click().run()
    ok(at)
    assert "已记录反馈：有帮助" in texts(at)
    at = ok(app(q="区里要建地铁吗"))
    at.selectbox(key=next(sb.key for sb in at.selectbox if sb.key and sb.key.endswith("-pick"))).set_value("").run()
    next(b for b in at.button if b.label == "提交").click().run()
    ok(at)
    rows = [_json.loads(line) for line in store.read_text(encoding="utf-8").splitlines()]
    assert [(r["question"], r["said"], r["right"]) for r in rows] == [("铜材料深加工目标", "helpful", ""),
                                                                       ("区里要建地铁吗", "wrong", "")]
    assert rows[0]["answer"] and rows[0]["answer"] in _json.dumps(rows[0], ensure_ascii=False)


def test_a_question_about_something_else_entirely_is_not_answered(env):
    """讲个笑话 is about nothing the outline says: the page says so, answers nothing and still lists the passages
    nearest in meaning."""
    at = ok(app(q="讲个笑话"))
    none = next(m.value for m in at.markdown if "kb-none" in m.value)
    assert shown(none).startswith("这个问题看起来不是在问纲要的内容，纲要中未写明。")
    assert not any("kb-answer" in m.value for m in at.markdown)
    assert "问题里的词在纲要中都没有出现" not in texts(at)
    assert "相关段落 10 条" in texts(at)


# ---------------------------------------------------------------- the original page of a PDF

PDF_PAGES = [["关于加快发展铜产业的实施意见", "", "第一章 总体要求", "第一节 指导思想",
              "坚持以人民为中心的发展思想，推动铜材料产业高质量发展。", "力争到2025年，全区铜加工企业达到10家，",
              "实现营业收入100亿元以上。", "", "— 1 —"],
             ["第二节 主要目标", "新建幼儿园2所，新增学位900个。", "推进老旧小区改造194个。", "", "— 2 —"]]


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory) -> Path:
    from kb import KnowledgeBase

    from .pdfgen import make_pdf
    d = tmp_path_factory.mktemp("pdfdoc")
    (d / "corpus").mkdir()
    make_pdf(d / "corpus" / "plan.pdf", PDF_PAGES)
    KnowledgeBase.sync([d / "corpus"], d / "index", model="hash")
    return d / "index"


def _marked(png: bytes) -> set[int]:
    """Rows of the image holding the marker's colour (orange outline)."""
    from PIL import Image
    img = Image.open(io.BytesIO(png)).convert("RGB")
    w, h = img.size
    px = img.load()
    return {y for y in range(h) for x in range(0, w, 3) if px[x, y] == (212, 136, 6)}


def test_original_page_marks_the_passage_where_it_stands(pdf_index):
    from kb import KnowledgeBase
    from kb import pageview
    kb = KnowledgeBase.open(pdf_index, model="hash")
    src = pageview.source_pdf(kb, "plan")
    pages = pageview.page_texts(src)
    first = next(p for p in kb.passages if "铜加工企业达到10家" in p.text)
    second = next(p for p in kb.passages if "老旧小区" in p.text)
    i1, a1, b1 = pageview.locate(pages, first.text)
    i2, a2, b2 = pageview.locate(pages, second.text)
    assert (i1, i2) == (0, 1)                                   # each on its own physical page
    rows1 = _marked(pageview.render(src, i1, a1, b1))
    rows2 = _marked(pageview.render(src, i2, a2, b2))
    assert rows1 and rows2
    # page 1: three printed lines marked (the passage's three lines), below the title and headings
    scale = 1.6
    assert min(rows1) > (842 - 800 + 3 * 18 - 12) * scale and max(rows1) < (842 - 800 + 7 * 18 + 8) * scale
    assert pageview.locate(pages, "这句话不在文件里") is None


def test_reading_view_shows_the_original_page(pdf_index, tmp_path, monkeypatch):
    point_app_at(pdf_index, tmp_path, monkeypatch)
    from kb import KnowledgeBase
    p = next(p for p in KnowledgeBase.open(pdf_index, model="hash").passages if "铜加工企业" in p.text)
    at = ok(app(page="浏览", section="1.1", hl=p.id, p=str(p.para)))
    [exp] = at.expander
    assert exp.label == "原页图像：PDF 第 1 页（页码 1），引文已标出"
    assert "Image()" in repr(exp)                                # the page image inside it
    # the source changed since it was indexed: say so, show no stale page
    src = pdf_index.parent / "corpus" / "plan.pdf"
    data = src.read_bytes()
    try:
        src.write_bytes(data + b"\n%changed\n")
        at = ok(app(page="浏览", section="1.1", hl=p.id, p=str(p.para)))
        assert not at.expander and "原文件不在服务器上或已改动" in texts(at)
    finally:
        src.write_bytes(data)


def test_a_damaged_basket_file_is_kept_aside_not_overwritten(env, monkeypatch):
    monkeypatch.setattr("ui.basket.cookie_id", lambda: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    path = env / "baskets" / "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'[{"id": "x", "text": "\xe9\x93\x9c')          # cut off mid-write by something else
    at = ok(app(page="摘录"))
    [kept] = list(path.parent.glob("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.damaged-*.json"))
    assert kept.read_bytes() == b'[{"id": "x", "text": "\xe9\x93\x9c'    # nothing lost
    assert "摘录文件无法读取，已原样另存为" in texts(at)
    at = _add_copper(app())
    assert len(at.session_state["basket"]) == 1 and kept.exists()


def test_a_long_question_says_where_it_is_cut(env):
    """The notice names the limit the search really applies (kb's 512 characters), and only above it."""
    from kb import MAX_QUERY_CHARS
    long_q = "老旧小区改造" * 60                     # 360 characters: used whole, no notice
    assert "检索时只使用" not in texts(ok(app(q=long_q)))
    longer = "老旧小区改造" * 100                    # 600 characters
    assert f"问题较长（600 字），检索时只使用前 {MAX_QUERY_CHARS} 字。" in texts(ok(app(q=longer)))


@pytest.mark.parametrize("query, said", [
    ({"page": "浏览", "section": "2.2", "p": "99"}, "本节没有第“99”段"),
    ({"page": "浏览", "section": "2.2", "p": "x"}, "本节没有第“x”段"),
    ({"page": "浏览", "section": "2.5", "box": "9-9"}, "该文件没有“专栏9-9”"),
    ({"page": "不存在"}, "没有“不存在”这个页面"),
])
def test_a_bad_value_in_a_link_is_said_not_ignored(env, query, said):
    """A link's p=, box= and page= that name nothing: the page says so (as a bad section= is) and shows what it can."""
    at = ok(app(**query))
    assert said in html.unescape(texts(at))


def test_good_link_values_say_nothing(env):
    at = ok(app(page="浏览", section="2.2", p="1"))
    page = texts(at)
    assert "本节没有" not in page and "该文件没有" not in page and "这个页面" not in page


def test_in_the_original_marks_the_answer_sentence_not_the_paragraph(loose):
    """The answer's 在原文中查看 carries the sentence (&s=start-end); the reading view marks exactly that sentence
    inside its paragraph. A value that does not fit the passage marks the passage, as before."""
    from urllib.parse import parse_qs, urlsplit
    at = ok(app(q="铜材料深加工目标"))
    meta = next(m.value for m in at.markdown if "出处：" in m.value)
    href = html.unescape(re.search(r'href="([^"]+)"[^>]*>在原文中查看<', meta).group(1))
    params = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    answer = shown(next(m.value for m in at.markdown if "kb-answer" in m.value))
    assert "s" in params
    view = ok(app(**params))
    page = "".join(m.value for m in view.markdown)
    marked = shown("".join(re.findall(r'<span class="kb-focus-span">(.*?)</span>', page)))
    focused = shown(re.search(r'<div class="kb-text kb-para kb-focus"[^>]*>(.*?)<a class="kb-anchor"', page).group(1))
    assert marked == answer and len(focused) > len(marked) and answer in focused   # the sentence, not the paragraph
    params["s"] = "0-99999"                                      # does not fit: the passage is marked, no error
    assert "kb-focus" in "".join(m.value for m in ok(app(**params)).markdown)


def test_add_to_basket_says_it_took(env):
    """加入摘录 becomes 已在摘录 once the quotation is in this browser's basket, on 问答 and in 浏览."""
    at = ok(app(q="老旧小区改造"))
    key = next(b.key for b in at.button if b.key and b.key.startswith("add-") and b.key != "add-answer")
    assert next(b for b in at.button if b.key == key).label == "加入摘录"
    at.button(key=key).click().run()
    ok(at)
    assert next(b for b in at.button if b.key == key).label == "已在摘录"
    assert len(at.session_state["basket"]) == 1
    at.button(key=key).click().run()                  # again: nothing added twice
    assert len(ok(at).session_state["basket"]) == 1


def test_an_indicator_row_can_be_added_from_the_indicator_page(env):
    """指标: any row of 专栏1-1 goes into 摘录 as a row of its table, with its citation."""
    at = ok(app(page="指标"))
    picker = at.selectbox(key="target-row")
    labels = list(picker.options)                     # as shown
    assert any("每千人拥有执业医师数" in lab for lab in labels)
    picker.set_value(next(i for i, lab in enumerate(labels) if "每千人拥有执业医师数" in lab)).run()
    at.button(key="add-target-row").click().run()
    ok(at)
    [item] = at.session_state["basket"]
    assert item["kind"] == "row" and dict(item["cells"])["2025年目标"] == "3.7"
    assert item["citation"].endswith("专栏1-1“‘十四五’期间经济社会主要发展目标”，第14—17页")
    assert next(b for b in at.button if b.key == "add-target-row").label == "已在摘录"
