"""Document text is data everywhere in the app: any text (Markdown, HTML, LaTeX, directives, formula prefixes)
through the app's rendering functions and exports renders as exactly that text and acts on nobody.

Property tests (hypothesis) on the functions, then the whole app (AppTest) on a hostile document."""
from __future__ import annotations

import csv
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ui.export import csv_bytes, export_csv, export_docx, export_markdown, md_text, quotation, safe_cell
from ui.render import attr, copy_button, esc, html_block, link, mark, plain, row_table

from .conftest import OUTLINE

HOSTILE_PIECES = [
    "[登录领取补贴](http://evil.example/a)", "![t](http://evil.example/t.png)", "$x^2$", "$$\\int_0^1$$",
    ":red[红字]", ":material/home:", "<script>window.pwned=1</script>", "<img src=x onerror=alert(1)>",
    "**粗体**", "_斜体_", "`代码`", "~~删除~~", "# 标题", "> 引用", "1. 列表", "- 列表", "| a | b |", "---",
    "=SUM(A1:A9)", "+1", "-2", "@everyone", "\t制表", "javascript:alert(1)", "http://evil.example/b",
    "www.evil.example", "a@b.example", "it's", "&amp;", "&#x27;", "&lt;b&gt;", "\\", "<!-- x -->", "]]>",
    "    缩进四格", "\\[x\\]", "{{x}}", "%s", "铜加工企业达到10家", "“十四五”", "（草案）",
]
# Any Unicode but surrogates and control characters (shown as their pictures, not as the source: kb.visible,
# tests/test_hostile_text.py), plus the hostile pieces glued together.
TEXT = st.lists(st.one_of(st.sampled_from(HOSTILE_PIECES),
                          st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
                          st.sampled_from(["\n", " ", "　"])), max_size=12).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Markdown characters that must never reach Streamlit's Markdown raw (outside character references)
ACTIVE = set("<>&\"'\\`*_[]$~#|:()!{}@.+-=^")
MD = MarkdownIt("commonmark", {"html": True})
TAGS = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")


class _Shown(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "br":
            self.parts.append("\n")


def shown(fragment: str) -> tuple[str, list[str]]:
    p = _Shown()
    p.feed(fragment)
    p.close()
    return "".join(p.parts), p.tags


def lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- the rendering functions

def test_esc_renders_the_source_exactly():
    assert esc("it's") == "it&#39;s"                       # one reference, never escaped twice
    assert shown(esc("it's"))[0] == "it's"
    assert shown(esc("alert('p')"))[0] == "alert('p')"
    assert shown(esc("&#x27; &amp;"))[0] == "&#x27; &amp;"  # references in the source stay text


@FAST
@given(TEXT)
def test_esc_is_exact_and_inert(text):
    out = esc(text)
    assert shown(out) == (lines(text), ["br"] * lines(text).count("\n"))
    raw = re.sub(r"&#\d+;|<br>", "", out)
    assert not ACTIVE & set(raw), raw                       # no syntax character left raw
    # Markdown leaves our HTML block alone: what it renders shows the text and holds no other element
    rendered = MD.render(html_block(out))
    text_shown, tags = shown(rendered)
    assert text_shown.strip("\n") == lines(text).strip("\n") or text_shown == lines(text)
    assert set(tags) <= {"div", "br"}


@FAST
@given(TEXT, st.lists(st.tuples(st.integers(-3, 60), st.integers(-3, 60)), max_size=4),
       st.none() | st.tuples(st.integers(0, 40), st.integers(0, 60)))
def test_mark_shows_the_text_whatever_the_spans(text, spans, focus):
    out = mark(text, spans, focus)
    got, tags = shown(out)
    assert got == lines(text)
    assert set(tags) <= {"mark", "span", "br"}


@FAST
@given(TEXT)
def test_plain_labels_are_literal_markdown(text):
    """Labels (buttons, expanders, captions) go through Markdown: plain() makes every character literal."""
    rendered = MD.renderInline(plain(text))
    got, tags = shown(rendered)
    assert got == " ".join(text.split())
    assert tags == []                                       # no link, image, emphasis, code or HTML


@FAST
@given(TEXT, TEXT)
def test_links_buttons_and_rows_keep_text_as_text(label, value):
    got, tags = shown(link("?page=浏览&section=2.2", label))
    assert got == lines(label) and set(tags) <= {"a", "br"}
    got, tags = shown(copy_button(value))
    assert got == "复制" and tags == ["button"]
    attrs = re.search(r'data-kb-copy="([^"]*)"', copy_button(value)).group(1)
    assert html.unescape(attrs) == value and "\n" not in attrs and "<" not in attrs
    assert html.unescape(attr(value)) == value
    got, tags = shown(row_table([(label, value)]))
    assert got == lines(label) + lines(value)
    assert set(tags) <= {"div", "table", "thead", "tbody", "tr", "th", "td", "br"}


# ---------------------------------------------------------------- exports

def _item(text: str, citation: str = "《纲要》第二章第二节“加快发展铜材料深加工产业”，第18—19页") -> dict:
    return {"id": "x", "passage_id": "doc:2.2:p1", "text": text, "citation": citation, "place": "第二章第二节",
            "page": 18, "pages": "第18—19页", "kind": "text"}


@FAST
@given(TEXT)
def test_markdown_export_renders_the_text_and_nothing_else(text):
    md = md_text(text)
    got, tags = shown(MD.render(md))
    assert "".join(got.split()) == "".join(text.split())    # the same characters (Markdown trims line ends)
    assert set(tags) <= {"p", "br"}, tags                   # no link, image, HTML, heading, list, code, table
    whole = export_markdown([_item(text), _item("正文", citation=text)])
    assert set(shown(MD.render(whole))[1]) <= {"h1", "h2", "p", "br"}


@pytest.mark.parametrize("text", ["学前三年毛入园率达到97%以上", "2020年基数：3.4", "专栏1-1", "1:33:66",
                                  "0.08-0.3mm", "#标题", "-1"])
def test_markdown_export_escapes_only_what_would_be_markup(text):
    """Text that cannot become Markdown is exported as printed (no 97\\%, 3\\.4, 1\\-1) and renders as itself."""
    assert md_text(text) == text
    assert shown(MD.render(md_text(text)))[0].strip() == text


def test_markdown_export_neutralises_script_and_javascript_links():
    md = export_markdown([_item("<script>alert(1)</script>[点此](javascript:alert(1)) ![t](http://evil.example/t.png)")])
    assert "<script>" not in md and "](javascript:" not in md and "![t](" not in md
    rendered = MD.render(md)
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;[点此](javascript:alert(1))" in rendered


@FAST
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_csv_cells_never_run_and_read_back_verbatim(cells):
    data = csv_bytes(["h"] * len(cells), [cells])
    assert data.startswith("\ufeff".encode("utf-8"))
    [head, row] = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    for original, cell in zip(cells, row):
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠"))
        assert cell == original or (cell == "'" + original and original.startswith(("=", "+", "-", "@", "\t",
                                                                                     "\r", "＝", "＋", "－", "＠")))


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)",
                                  "\t=1", "＝1+1"])
def test_owasp_prefix(cell):
    assert safe_cell(cell) == "'" + cell
    assert safe_cell("铜" + cell) == "铜" + cell              # only a leading formula character counts


def test_basket_csv_and_copy_text_keep_the_quotation():
    item = _item("=SUM(A1:A9)坚持以人民为中心")
    rows = list(csv.reader(io.StringIO(export_csv([item]).decode("utf-8-sig"))))
    assert rows[1][2] == "'=SUM(A1:A9)坚持以人民为中心"       # shown by Excel/WPS as the text itself
    assert quotation(item).startswith("=SUM(A1:A9)坚持以人民为中心\n——《纲要》")


@settings(max_examples=25, deadline=None)
@given(TEXT)
def test_word_export_keeps_text_verbatim_in_fangsong_without_italics(text):
    import docx
    d = docx.Document(io.BytesIO(export_docx([_item(text)])))
    paras = [p.text for p in d.paragraphs]
    assert text.replace("\r\n", "\n").replace("\r", "\n") in [p.replace("\r", "\n") for p in paras] or \
        "".join(text.split()) in ["".join(p.split()) for p in paras]
    for p in d.paragraphs:
        for r in p.runs:
            assert r.italic is False
    from docx.oxml.ns import qn
    body = next(p for p in d.paragraphs if p.text.startswith("——"))
    assert body.runs[0].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])   # a Word file each
@given(TEXT, TEXT)
def test_a_pair_exports_both_sides_as_text_and_nothing_else(one, other):
    """A 对照 pair of any two texts: Markdown shows each side exactly, under its own heading, and makes no markup of
    it; CSV cells never run; Word holds each side verbatim."""
    from ui.pairs import make_pair
    import docx
    pair = make_pair(_item(one) | {"id": "a", "passage_id": "a:1.1:p1"},
                     _item(other, citation=other or "《乙》") | {"id": "b", "passage_id": "b:1.1:p1"})
    md = export_markdown(pair)
    got, tags = shown(MD.render(md))
    assert set(tags) <= {"h1", "h2", "h3", "p", "br"}, tags
    assert tags.count("h3") == 2 and md.index("### 对照1甲") < md.index("### 对照1乙")
    flat = "".join(got.split())
    assert "".join(one.split()) in flat and "".join(other.split()) in flat
    rows = list(csv.reader(io.StringIO(export_csv(pair).decode("utf-8-sig"), newline="")))
    assert [r[0] for r in rows[1:]] == ["1甲", "1乙"] and [r[-1] for r in rows[1:]] == ["1乙", "1甲"]
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)
    paras = ["".join(p.text.split()) for p in docx.Document(io.BytesIO(export_docx(pair))).paragraphs]
    assert "".join(one.split()) in paras and "".join(other.split()) in paras


# ---------------------------------------------------------------- the whole app on a hostile document

HOSTILE = """关于$x^2$和:red[红字]的实施意见<script>window.pwned=1</script>

一、总体要求[登录领取补贴](http://evil.example/a)

（一）指导思想![t](http://evil.example/t.png)
=SUM(A1:A9) 坚持以人民为中心，<img src=x onerror="window.pwned=2">推进发展，it's `code` ~~删~~。
（二）主要目标:blue[蓝] $$\\int$$
+1 力争到2025年，全区铜加工企业达到10家，[点此](javascript:alert(1)) @everyone &amp; &#x27;。
-2 新增学位900个，www.evil.example 和 http://evil.example/b 都不是链接。
"""


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> Path:
    from .conftest import build_index
    return build_index(tmp_path_factory, "hostile", "hash", {"hostile.txt": HOSTILE.encode("utf-8")})


@pytest.fixture
def hostile_env(hostile_index, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_INDEX", str(hostile_index))
    monkeypatch.setenv("KB_MODEL", "hash")
    monkeypatch.setenv("KB_BASKETS", str(tmp_path / "baskets"))
    return tmp_path


def _run(**query):
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _inert(at) -> None:
    """Nothing the document says reaches the page as markup: every HTML block shows only our own elements, and
    every Markdown label of the page (buttons, captions, options) holds the text escaped."""
    ours = {"div", "br", "mark", "span", "a", "h2", "b", "ol", "li", "table", "thead", "tbody", "tr", "th",
            "td", "button", "nav", "details", "summary", "p", "strong"}
    for m in list(at.markdown) + list(at.sidebar.markdown):
        _, tags = shown(m.value)
        assert set(tags) <= ours, (set(tags) - ours, m.value[:200])
        for href in re.findall(r'href="([^"]*)"', m.value):
            assert html.unescape(href).startswith("?"), href        # only our own relative links
        assert "<script" not in m.value and "<img" not in m.value
    for b in at.button:
        assert "](http" not in b.label and "$x" not in b.label and ":red[" not in b.label
    for c in at.caption:
        assert "](http" not in c.value and "<script" not in c.value


def test_hostile_document_in_every_page(hostile_env, downloads_store):
    doc = "hostile"
    at = _run(q="铜加工企业达到10家", doc=doc)
    _inert(at)
    page = "\n".join(m.value for m in at.markdown)
    assert shown(page)[0].count("[点此](javascript:alert(1))") >= 1   # the text itself is shown
    browse = _run(page="浏览", doc=doc, section="1.1")
    _inert(browse)
    head = next(m.value for m in browse.markdown if "kb-h" in m.value)
    assert "一、（一）指导思想！[t](http://evil.example/t.png)" in shown(head)[0]
    assert "关于$x^2$和：red[红字]的实施意见<script>window.pwned=1</script>" in shown(
        "\n".join(m.value for m in browse.markdown))[0]
    assert "[登录领取补贴](http://evil.example/a)" in shown("\n".join(m.value for m in browse.sidebar.markdown))[0]
    _inert(_run(page="浏览", doc=doc, section="1.2"))
    targets = _run(page="指标")
    _inert(targets)
    # the basket: add the formula passage, export everything
    at = _run(q="坚持以人民为中心", doc=doc)
    key = next(b.key for b in at.button if b.key and b.key.startswith("add-hostile:"))
    at.button(key=key).click().run()
    at.session_state["page"] = "摘录"
    at.run()
    _inert(at)
    md = downloads_store["规划纲要摘录.md"].decode("utf-8")
    rendered = MD.render(md)
    assert "<script" not in rendered and "<a " not in rendered and "<img" not in rendered
    rows = list(csv.reader(io.StringIO(downloads_store["规划纲要摘录.csv"].decode("utf-8-sig"))))
    assert all(not c.startswith(("=", "+", "-", "@")) for r in rows for c in r)
    tgt = list(csv.reader(io.StringIO(downloads_store["纲要量化目标.csv"].decode("utf-8-sig"))))
    assert all(not c.startswith(("=", "+", "-", "@")) for r in tgt for c in r)


def test_a_hostile_pair_on_the_basket_page(hostile_env, monkeypatch):
    """A 对照 pair of hostile text in this browser's basket file: 摘录 shows both sides as text, makes no markup."""
    import json

    from ui.pairs import make_pair
    sid = "0123abcd" * 4
    monkeypatch.setattr("ui.basket.cookie_id", lambda: sid)
    one, other = HOSTILE.splitlines()[5], HOSTILE.splitlines()[7]
    pair = make_pair(_item(one) | {"id": "a", "passage_id": "hostile:1.1:p1"},
                     _item(other, citation="《关于$x^2$的意见》[点此](javascript:alert(1))") | {"id": "b"})
    (hostile_env / "baskets").mkdir()
    (hostile_env / "baskets" / f"{sid}.json").write_text(json.dumps(pair, ensure_ascii=False), "utf-8")
    at = _run(page="摘录")
    _inert(at)
    page = shown("\n".join(m.value for m in at.markdown))[0]
    assert one in page and other in page and "——《关于$x^2$的意见》[点此](javascript:alert(1))" in page
    assert "1. 对照：两份文件中的同一举措" in page


@pytest.fixture
def downloads_store(monkeypatch):
    from .test_app import Downloads
    Downloads.files = {}
    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Downloads)
    return Downloads.files


def test_outline_is_untouched_by_escaping():
    """The real outline through esc and back: every character as it was (a regression on real Chinese text)."""
    text = OUTLINE.read_text("utf-8")
    assert shown(esc(text))[0] == lines(text)


def test_page_css_and_scripts_survive_the_html_sanitiser():
    """st.html's sanitiser mangles "<" and "&" inside a style or script: one there disables what follows."""
    from ui.render import COPY_JS, CSS, LOCALE_JS, TABS_JS
    from ui.targets import SORT_JS
    for block in (CSS, COPY_JS, SORT_JS, LOCALE_JS, TABS_JS):
        inner = re.sub(r"^<(style|script)>|</(style|script)>$", "", block.strip())
        assert "<" not in inner and "&" not in inner
