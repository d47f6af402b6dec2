"""The app's three users, each walking their journey in a real browser (Chromium through playwright).

- staff ask five questions and check answer, citation and page range;
- a newcomer opens the table of contents, jumps to a 专栏 box and follows a deep link;
- a policy writer fills the basket from three pages, follows internal links, opens the app again from a typed
  address and after a server restart, still has the basket, and exports Markdown, Word and CSV;
- a phone (390×844) sees nothing clipped; a hostile document's text acts on nobody.

The server is started as `make run` starts it (`python -m ui.serve`), against the outline indexed with the real
bundled model. Screenshots go to tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import csv
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
TITLE = "《新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）》"
COPPER = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt install chromium)"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`python -m ui.serve` on a free localhost port; restartable on the same port and basket folder."""

    def __init__(self, index: Path, model: str, baskets: Path, log: Path):
        self.index, self.model, self.baskets, self.log = index, model, baskets, log
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Server":
        env = dict(os.environ, KB_INDEX=str(self.index), KB_MODEL=self.model, KB_BASKETS=str(self.baskets))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "ui.serve", "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        for _ in range(600):
            if self.proc.poll() is not None:
                pytest.fail(f"the app exited with {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        pytest.fail("the app did not come up in 60 s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            self.proc = None


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    d = tmp_path_factory.mktemp("journeys")
    s = Server(real_index, "m3e-small", d / "baskets", d / "streamlit.log").start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def launch(playwright):
    """Debian's Chromium as every browser test runs it (never `playwright install`)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[
        "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"])


def new_page(browser, context=None, **kw):
    ctx = context or browser.new_context(viewport=kw.pop("viewport", {"width": 1280, "height": 900}),
                                         accept_downloads=True, **kw)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    return page


# the answer, or 纲要中没有… with its marked candidate (two unanswered questions in a row differ by the candidate)
RESULT_JS = ("(() => { const e = document.querySelector('.kb-answer, .kb-none');"
             " const c = document.querySelector('.kb-candidate');"
             " return e ? e.innerText + (c ? c.innerText : '') : ''; })()")


IDLE_JS = ("() => { const i = document.querySelector('[data-testid=stTextInput] input');"
           " return i !== null && !i.disabled && !document.querySelector('[data-testid=stStatusWidget]')"
           " && !document.querySelector('[data-stale=\"true\"]'); }")


def ask(page, question: str) -> None:
    """Type a question, press Enter, wait until a new answer (or 纲要中未写明) replaces the previous one. Typing waits
    until the page's run has finished (on a loaded machine a just-opened page is still running its first run)."""
    page.wait_for_function(IDLE_JS)
    before = page.evaluate(RESULT_JS)
    box = page.locator("[data-testid=stTextInput] input")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(f"b => {{ const t = {RESULT_JS}; return t !== '' && t !== b; }}", arg=before)
    page.wait_for_function("q => decodeURIComponent(location.search).includes(q)", arg=question)
    page.wait_for_function("() => !document.querySelector('[data-stale=\\'true\\']')")   # the run has finished


def answer_meta(page) -> str:
    return page.locator(".kb-meta", has_text="出处：").first.inner_text()


# ---------------------------------------------------------------- staff

STAFF = [
    ("铜材料深加工目标", "全区铜加工企业达到10家", "第二章第二节“加快发展铜材料深加工产业”，第18—19页"),
    ("到十四五末要改造多少个老旧小区", "194个老旧小区全部改造到位", "第六章第三节“完善老城区功能品质”，第35—37页"),
    ("养老服务有什么举措", "政府购买居家养老服务", "第十章第五节“完善养老托幼服务体系”，第58—59页"),
    ("每千人拥有执业医师数2025年目标", "3.7", "专栏1-1“‘十四五’期间经济社会主要发展目标”，第14—17页"),
    ("学前三年毛入园率目标", "学前三年毛入园率达到97%以上", "第十章第二节“加快推进教育现代化进程”，第53—54页"),
]


def test_staff_ask_five_questions(server, browser):
    page = new_page(browser)
    page.goto(server.base + "/")
    page.get_by_role("button", name="搜索").wait_for()
    # the page says it is Chinese, Streamlit's skip link is in Chinese, and the question box has the cursor
    page.wait_for_function("() => document.documentElement.lang === 'zh-CN'")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('[data-testid=stTextInput]')")
    # no English hint under the box (Streamlit draws "Press Enter to submit form" when the box has the cursor: the
    # stylesheet hides it)
    assert all(not e.is_visible() for e in page.get_by_text("Press Enter").all())
    page.wait_for_function("() => !Array.from(document.querySelectorAll('a,button'))"
                           ".some(e => e.textContent.trim() === 'Skip to main content')")
    for question, words, cite in STAFF:
        ask(page, question)
        page.locator(".kb-meta", has_text=cite).first.wait_for()
        answer = page.locator(".kb-answer").inner_text()
        assert words in answer, (question, answer)
        meta = answer_meta(page)
        assert f"出处：{TITLE}" in meta and cite in meta, (question, meta)
        assert "把握 " in meta                                  # how sure the answer is
    # the indicator answer is a table row, not a built string
    ask(page, "每千人拥有执业医师数2025年目标")
    assert page.locator(".kb-answer table th", has_text="2025年目标").count() == 1
    assert "序号：" not in page.locator(".kb-answer").inner_text()
    # a measures question lists the section's measures, each linked
    ask(page, "孩子上幼儿园难怎么解决")
    items = page.locator(".kb-measures li")
    assert items.count() == 4 and items.first.locator("b").inner_text() == "普及学前教育。"
    # a question the outline does not answer says so, claims nothing, and marks the closest sentence as a candidate
    ask(page, "全区要建几个5G基站")
    assert page.locator(".kb-none").inner_text().startswith("纲要中没有明确回答这个问题的句子。")
    assert page.locator(".kb-answer").count() == 0 and page.locator(".kb-candidate").count() == 1
    assert "把握" not in page.locator("[data-testid=stMain]").inner_text()
    page.screenshot(path=ARTIFACTS / "journey-staff.png")
    page.context.close()


def test_copy_button_copies_text_and_citation(server, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    page = new_page(browser, ctx)
    page.goto(server.base + "/?q=铜材料深加工目标")
    button = page.locator(".kb-meta .kb-copy").first
    button.wait_for()
    page.wait_for_function("() => window.kbCopy === 1")     # the page's copy listener is in place (COPY_JS)
    button.click()
    page.locator(".kb-copy.kb-done").first.wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{COPPER}\n——{TITLE}第二章第二节“加快发展铜材料深加工产业”，第18—19页"
    ctx.close()


# ---------------------------------------------------------------- Back, Forward and the question history

def wait_shown(page, question: str, words: str) -> None:
    """Until the address, the box and the answer all show `question` (the run after Back or Forward has ended)."""
    page.wait_for_function("""([q, w]) => {
        const box = document.querySelector('[data-testid=stTextInput] input');
        const a = document.querySelector('.kb-answer');
        return new URLSearchParams(location.search).get('q') === q && box !== null && box.value === q
            && a !== null && a.innerText.includes(w) && !document.querySelector('[data-stale="true"]');
    }""", arg=[question, words])


HISTORY_JS = "Array.from(document.querySelectorAll('a.kb-hist-q')).map(a => a.textContent)"


@pytest.mark.slow
def test_back_and_forward_return_to_each_question(server, browser):
    """Each question is a new entry of the browser's history: Back and Forward show each question with its answer
    again, and a page switch is an entry too. A 3,000-character question puts at most 512 characters in the address."""
    page = new_page(browser)
    page.goto(server.base + "/")
    page.get_by_role("button", name="搜索").wait_for()
    start = page.evaluate("history.length")
    asked = STAFF[:3]
    for k, (question, words, _) in enumerate(asked, 1):
        ask(page, question)
        wait_shown(page, question, words)
        assert page.evaluate("history.length") == start + k          # a new entry each time, none replaced
    for question, words, _ in (asked[1], asked[0]):
        page.go_back()
        wait_shown(page, question, words)
    page.go_forward()
    wait_shown(page, asked[1][0], asked[1][1])
    # a page switch is an entry: Back from 浏览 shows the question that was open
    page.get_by_role("tab", name="浏览").click()
    page.locator(".kb-para").first.wait_for()
    page.wait_for_function("() => !document.querySelector('[data-stale=\\'true\\']')")
    assert page.locator(".kb-para mark.kb").count() == 0   # the question's words are not marked in every section
    page.go_back()
    wait_shown(page, asked[1][0], asked[1][1])
    # the history lists them newest first, and an entry asks its question again
    page.wait_for_function(f"n => {HISTORY_JS}.length === n", arg=3)
    assert page.evaluate(HISTORY_JS) == [q for q, _, _ in reversed(asked)]
    page.locator("a.kb-hist-q", has_text=asked[0][0]).click()
    wait_shown(page, asked[0][0], asked[0][1])
    page.wait_for_function(f"q => {HISTORY_JS}[0] === q", arg=asked[0][0])
    assert page.evaluate(HISTORY_JS) == [asked[0][0], asked[2][0], asked[1][0]]   # moved up, not listed twice
    page.go_back()                                          # asked from the history: Back returns as well
    wait_shown(page, asked[1][0], asked[1][1])
    # a 3,000-character question: the address carries the 512 characters the search uses
    long_q = "到十四五末要改造多少个老旧小区" * 200
    box = page.locator("[data-testid=stTextInput] input")
    box.fill(long_q)
    box.press("Enter")
    page.get_by_text("问题较长（3000 字），检索时只使用前 512 字。").wait_for()
    page.wait_for_function("n => (new URLSearchParams(location.search).get('q') || '').length === n", arg=512)
    href = page.evaluate("location.href")
    print(f"\naddress of a 3,000-character question: {len(href)} characters ({len(page.evaluate('location.search'))} "
          "in the query), 512 before percent-encoding")
    assert len(href) < 5000
    page.context.close()


@pytest.mark.slow
def test_question_history_is_this_browsers_escaped_and_clearable(server, browser):
    """The history is kept in this browser (a reload shows it; another browser profile has its own), shows a question
    as its characters (no HTML, no Markdown), and 清空记录 clears it for good."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = new_page(browser, ctx)
    alerts: list[str] = []
    page.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    page.goto(server.base + "/")
    page.locator(".kb-hist").wait_for()
    assert "问过的问题会列在这里" in page.locator(".kb-hist").inner_text()
    hostile = "<img src=x onerror=window.pwned=1>**粗体** $x$ [链接](javascript:alert(1)) 铜材料"
    box = page.locator("[data-testid=stTextInput] input")
    for question in ("铜材料深加工目标", hostile):
        box.fill(question)
        box.press("Enter")
        page.wait_for_function(f"q => {HISTORY_JS}[0] === q", arg=question)
    assert page.evaluate(HISTORY_JS) == [hostile, "铜材料深加工目标"]
    assert page.locator(".kb-hist img, .kb-hist strong, .kb-hist .katex").count() == 0
    assert page.evaluate("window.pwned") is None
    page.reload()
    page.wait_for_function(f"n => {HISTORY_JS}.length === n", arg=2)
    assert page.evaluate(HISTORY_JS) == [hostile, "铜材料深加工目标"]
    other = new_page(browser)                                   # another browser profile: its own, empty list
    other.goto(server.base + "/")
    other.locator(".kb-hist").wait_for()
    assert other.locator("a.kb-hist-q").count() == 0
    other.context.close()
    page.locator(".kb-hist-clear").click()
    page.wait_for_function(f"() => {HISTORY_JS}.length === 0")
    assert page.evaluate("localStorage.getItem('kb_questions')") is None
    page.reload()
    page.locator(".kb-hist").wait_for()
    assert page.locator("a.kb-hist-q").count() == 0 and page.evaluate("window.pwned") is None and not alerts
    ctx.close()


# ---------------------------------------------------------------- newcomer

@pytest.mark.slow
def test_newcomer_toc_box_and_deep_link(server, browser):
    page = new_page(browser)
    page.goto(server.base + "/?page=浏览")
    toc = page.locator("[data-testid=stSidebar] .kb-tocnav")
    toc.wait_for()
    assert toc.locator("summary").count() == 13                 # 序言 and 12 chapters
    assert toc.locator("a.kb-toc-box").count() == 10            # every 专栏 is a link
    # jump to 专栏 2-1 from the table of contents: open its chapter, click the box
    toc.locator("summary", has_text="第二章").click()
    t0 = time.perf_counter()
    toc.locator("a.kb-toc-box", has_text="专栏2-1").click()
    page.locator(".kb-h", has_text="第二章第五节").wait_for()
    page.locator("#box-2-1").wait_for()
    # the box is framed: its title and its paragraphs inside one bordered frame
    frame = page.locator(".st-key-boxframe-2-1")
    assert frame.locator("#box-2-1").count() == 1 and frame.locator(".kb-para").count() >= 2
    assert page.locator(".kb-para").count() > frame.locator(".kb-para").count()   # the section's own text is not
    print(f"\nTOC link to a box: {time.perf_counter() - t0:.2f}s")
    time.sleep(1)
    top = page.evaluate("document.getElementById('box-2-1').getBoundingClientRect().top")
    assert 0 <= top < 200                                       # scrolled to the box: its title at the top
    assert "box=2-1" in page.url
    # the picker has the box as its current entry (boxes are entries of the picker)
    shown = page.locator("[data-testid=stSelectbox]").first.evaluate(
        "e => e.innerText + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value + ' ' "
        "+ (i.getAttribute('aria-label') || '')).join(' ')")
    assert "专栏2-1 制造业高质量发展重点项目（第21页）" in shown, shown
    # the README's deep link lands on paragraph 3 of 10.2 and marks it
    page.goto(server.base + "/?page=浏览&section=10.2&p=3#p3")
    focus = page.locator("#p3.kb-focus")
    focus.wait_for()
    assert focus.inner_text().startswith("推动义务教育均等化。")
    time.sleep(1)
    assert 0 <= page.evaluate("document.getElementById('p3').getBoundingClientRect().top") < 900
    # a section that does not exist is named
    page.goto(server.base + "/?page=浏览&section=2.99")
    assert page.locator(".kb-warn").inner_text().startswith("没有“2.99”这一节")
    page.screenshot(path=ARTIFACTS / "journey-newcomer.png")
    page.context.close()


# ---------------------------------------------------------------- policy writer

def _basket_texts(page, expect: int = 1) -> list[str]:
    """The basket's items once at least `expect` of them are drawn (Streamlit draws them one after another)."""
    page.locator("[class*='st-key-item-']").nth(expect - 1).wait_for()
    return [t for t in page.locator("[class*='st-key-item-']").all_inner_texts()]


@pytest.mark.slow
def test_policy_writer_keeps_the_basket(server, browser, tmp_path):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = new_page(browser, ctx)
    # 1. 问答: the answer
    page.goto(server.base + "/?q=铜材料深加工目标")
    page.locator(".st-key-add-answer button").click()
    page.get_by_text("已加入摘录（共 1 条）").wait_for()
    # 2. its link into the reading view (an internal link: a new page load, no id in the address)
    page.locator(".kb-meta a", has_text="在原文中查看").first.click()
    page.locator(".kb-focus").first.wait_for()
    assert "sid=" not in page.url
    page.locator("[class*='st-key-add-'] button").first.click()
    page.get_by_text("已加入摘录（共 2 条）").wait_for()
    # 3. 浏览 through the table of contents, a paragraph's 加入摘录 shown on hover
    page.locator("summary", has_text="第十章").click()
    page.locator("a.kb-toc", has_text="加快推进教育现代化进程").click()
    page.locator(".kb-h", has_text="第十章第二节").wait_for()
    add = page.locator(".st-key-addpara-10-2-3 button")         # key addpara-10.2-3 as a class name
    opacity = "o => { const b = document.querySelector('.st-key-addpara-10-2-3 button'); " \
              "return b !== null && getComputedStyle(b).opacity === o; }"
    page.mouse.move(5, 890)
    page.wait_for_function(opacity, arg="0")             # hidden while the paragraph is not pointed at
    page.locator("#p3").hover()
    page.wait_for_function(opacity, arg="1")
    box = add.bounding_box()
    assert box["height"] < 40 and box["width"] > 60, box            # one line, not a strip of stacked characters
    add.click()
    page.get_by_text("已加入摘录（共 3 条）").wait_for()
    # 4. an indicator row from 问答, asked on a page opened from a typed address
    page.goto(server.base + "/")
    ask(page, "每千人拥有执业医师数2025年目标")
    page.locator(".st-key-add-answer button").click()
    page.get_by_text("已加入摘录（共 4 条）").wait_for()
    # the app opened again from a typed address, in a new tab: the basket is there
    tab = ctx.new_page()
    tab.goto(server.base + "/?page=摘录")
    items = _basket_texts(tab, 4)
    assert len(items) == 4 and COPPER in items[0] and "推动义务教育均等化" in items[2]
    assert "（表格行）" in items[3]
    assert "按表格行引用" in tab.locator("[data-testid=stCaptionContainer]").first.inner_text()
    # and after a server restart
    server.stop()
    server.start()
    tab.goto(server.base + "/?page=摘录")
    assert len(_basket_texts(tab, 4)) == 4
    tab.screenshot(path=ARTIFACTS / "journey-basket.png")

    def download(label: str) -> bytes:
        with tab.expect_download() as dl:
            tab.get_by_text(label).click()
        return Path(dl.value.path()).read_bytes()

    md = download("导出 Markdown").decode("utf-8")
    assert COPPER in md and f"——{TITLE}第二章第二节“加快发展铜材料深加工产业”，第18—19页" in md
    (ARTIFACTS / "basket.md").write_text(md, "utf-8")
    # each quotation is verbatim from the source: the delivered text file flattened the punctuation (,"), the
    # quotation restores the original's (，“”) and is otherwise the source's characters in order
    from kb import KnowledgeBase
    from kb.evaluation.metrics import normalise
    doc_text = KnowledgeBase.open(server.index, model="m3e-small").document().text
    quote = md.split("## 摘录 2\n\n", 1)[1].split("\n\n——", 1)[0]
    assert COPPER in quote and quote in doc_text
    raw = (ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt").read_text("utf-8")
    assert normalise(COPPER) in normalise(raw) and "，" not in raw
    assert "推动义务教育均等化。" in md and "| 序号 | 类别 | 指标名称 |" in md
    import docx
    d = docx.Document(io.BytesIO(download("导出 Word")))
    paras = [p.text for p in d.paragraphs]
    assert COPPER in paras and any(p.startswith("推动义务教育均等化。") for p in paras)
    assert all(r.italic is False for p in d.paragraphs for r in p.runs)
    assert len(d.tables) == 1 and "3.7" in [c.text for c in d.tables[0].rows[1].cells]
    rows = list(csv.reader(io.StringIO(download("导出 CSV").decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["原文", "原文", "原文", "表格行"]
    assert rows[1][2] == COPPER and rows[1][5] == "第18—19页"
    ctx.close()


# ---------------------------------------------------------------- phone and tables

def test_phone_nothing_clipped(server, browser):
    page = new_page(browser, viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(server.base + "/?q=铜材料深加工目标")
    page.locator(".kb-answer").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=ARTIFACTS / "journey-ask-390.png")
    # an indicator row on the phone: each cell on one line, the row scrolls sideways inside its box
    ask(page, "每千人拥有执业医师数2025年目标")
    cell = page.locator(".kb-answer .kb-row td").nth(2)
    cell.wait_for()
    assert cell.bounding_box()["height"] < 40, cell.bounding_box()          # not one character a line
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.goto(server.base + "/?page=浏览&section=2.2")          # 浏览 has a sidebar: its toggle sits top left
    page.locator(".kb-h").wait_for()
    title = page.locator("h2.kb-title").bounding_box()
    toggles = page.locator("[data-testid=stExpandSidebarButton], [data-testid=stSidebarCollapsedControl], "
                           "[data-testid=stSidebarCollapseButton]")
    assert toggles.count() >= 1
    for k in range(toggles.count()):
        if not toggles.nth(k).is_visible():
            continue
        t = toggles.nth(k).bounding_box()
        overlap = not (t["y"] + t["height"] <= title["y"] or title["y"] + title["height"] <= t["y"]
                       or t["x"] + t["width"] <= title["x"] or title["x"] + title["width"] <= t["x"])
        assert not overlap, (t, title)                          # the title is not under the sidebar toggle
    assert title["y"] >= 0 and title["x"] >= 0 and title["x"] + title["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=ARTIFACTS / "journey-browse-390.png")
    # a phone cannot point: each paragraph's 加入摘录 stands under it, opaque, over no text
    add = page.locator("[class*='st-key-addpara-'] button").first
    para = page.locator(".kb-para").first.bounding_box()
    b = add.bounding_box()
    assert add.evaluate("e => getComputedStyle(e).opacity") == "1" and b["height"] < 40
    assert b["y"] >= para["y"] + para["height"] - 2, (b, para)
    page.goto(server.base + "/?page=指标")
    hint = page.locator(".kb-scroll-hint").first
    hint.wait_for()
    assert hint.is_visible() and "左右滑动" in hint.inner_text()
    wide = page.locator(".kb-wide").first
    assert wide.evaluate("e => e.scrollWidth > e.clientWidth")       # the table scrolls inside its box
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.screenshot(path=ARTIFACTS / "journey-targets-390.png")
    page.context.close()


def test_indicator_table_sorts_numbers_as_numbers(server, browser):
    page = new_page(browser)
    page.goto(server.base + "/?page=指标")
    table = page.locator("#indicators")
    table.wait_for()
    table.locator("th", has_text="2025年目标").click()
    values = table.locator("tbody tr td:nth-child(5)").all_inner_texts()
    numbers = [v for v in values if any(ch.isdigit() for ch in v)]
    keys = [float(re.search(r"\d+(?:\.\d+)?", v).group()) for v in numbers]
    assert keys == sorted(keys) and values[:len(numbers)] == numbers     # numbers first, by value
    assert "按市下达目标" in values[len(numbers):] or not [v for v in values if "按市" in v]
    # 查看原文 in the targets table opens in this tab, the whole cell clickable
    link = page.locator("#targets a.kb-cell-link").first
    assert link.get_attribute("target") == "_self"
    assert link.evaluate("a => getComputedStyle(a).display") == "block"
    page.context.close()


# ---------------------------------------------------------------- a hostile document

@pytest.mark.slow
def test_hostile_document_acts_on_nobody(browser, tmp_path_factory):
    from .conftest import build_index
    from .test_app_fuzz import HOSTILE
    index = build_index(tmp_path_factory, "hostile-browser", "hash", {"hostile.txt": HOSTILE.encode("utf-8")})
    d = tmp_path_factory.mktemp("hostile-server")
    srv = Server(index, "hash", d / "baskets", d / "streamlit.log").start()
    try:
        page = new_page(browser)
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for url in ("/?page=浏览&doc=hostile&section=1.1", "/?page=浏览&doc=hostile&section=1.2",
                    "/?q=铜加工企业达到10家&doc=hostile"):
            page.goto(srv.base + url)
            page.locator(".kb-h, .kb-answer, .kb-none").first.wait_for()
            time.sleep(1)
            assert page.evaluate("window.pwned") is None        # no script of the document ran
            assert page.locator(".katex").count() == 0          # no LaTeX
            bad = page.locator("a[href*='evil'], a[href^='javascript'], img[src*='evil']")
            assert bad.count() == 0, bad.evaluate_all("es => es.map(e => e.outerHTML)")
            body = page.locator("[data-testid=stMain]").inner_text()
            assert "[点此](javascript:alert(1))" in body or "指导思想" in body
        page.goto(srv.base + "/?page=浏览&doc=hostile&section=1.1")
        page.locator(".kb-h").wait_for()
        assert page.locator(".kb-h").inner_text() == "一、（一）指导思想！[t](http://evil.example/t.png)"
        side = page.locator("[data-testid=stSidebar]").inner_text()
        assert "[登录领取补贴](http://evil.example/a)" in side
        # the next-section button label shows its heading literally (Markdown label escaped)
        assert page.locator(".st-key-next button").inner_text().startswith("一、（二）主要目标：blue[蓝] $$\\int$$")
        assert not [u for u in requests if "evil.example" in u]    # no outside URL fetched
        page.screenshot(path=ARTIFACTS / "journey-hostile.png", full_page=True)
        page.context.close()
    finally:
        srv.stop()


@pytest.mark.slow
def test_a_server_restart_says_so_in_chinese_with_the_right_command(server, browser):
    """The server stops: Streamlit's connection dialog reads in Chinese and names `make run` (the README's command),
    not "streamlit run yourscript.py". Started again, the page reconnects by itself, and this browser's question
    history is still there (it lives in the browser)."""
    host = server.base.replace("127.0.0.1", "localhost")  # Streamlit names its command only for localhost
    page = new_page(browser)
    page.goto(host + "/?q=铜材料深加工目标")
    page.locator(".kb-answer").wait_for()
    page.wait_for_function(f"q => {HISTORY_JS}[0] === q", arg="铜材料深加工目标")
    server.stop()
    try:
        dialog = page.locator("[role=dialog]")
        dialog.get_by_text("与服务器的连接已断开").wait_for()
        text = dialog.inner_text()
        print("\nconnection dialog:", text.replace("\n", " / "))
        assert "make run" in text and "知识库服务已停止或正在重启" in text
        assert "streamlit run" not in text and "Connection error" not in text and "Streamlit" not in text
        assert dialog.locator("[aria-label=关闭]").count() == 1
        assert not dialog.locator("[data-testid=stElementToolbarButton]").is_visible()   # it would copy the wrong one
        page.screenshot(path=ARTIFACTS / "journey-server-stopped.png")
    finally:
        server.start()
    dialog.wait_for(state="detached")                             # reconnected: the dialog goes by itself
    page.reload()
    page.locator(".kb-answer").wait_for()
    page.wait_for_function(f"q => {HISTORY_JS}[0] === q", arg="铜材料深加工目标")
    page.context.close()


def test_printing_shows_the_text_not_the_app(server, browser):
    """A printed answer or section: the sidebar, the buttons, the question box and the tabs are not printed; the
    answer, the passages and their citations are."""
    page = new_page(browser)
    page.goto(server.base + "/?page=浏览&section=2.2")
    page.locator(".kb-h", has_text="第二章第二节").wait_for()
    page.emulate_media(media="print")
    hidden = "s => { const e = document.querySelector(s); return e === null || getComputedStyle(e).display === 'none'; }"
    page.wait_for_function(IDLE_JS.replace("i !== null && !i.disabled && ", ""))     # the page's run has finished
    for sel in ("[data-testid=stSidebar]", "[data-testid=stBaseButton-secondary]", "[data-testid=stSelectbox]"):
        page.wait_for_function(hidden, arg=sel)          # a condition, not a race with what is still being drawn
    assert page.locator(".kb-para").first.is_visible() and page.locator(".kb-h").is_visible()
    page.goto(server.base + "/?q=铜材料深加工目标")
    page.locator(".kb-answer, .kb-none").first.wait_for()
    page.wait_for_function(hidden, arg="[data-testid=stTextInput]")
    page.wait_for_function(hidden, arg="[role=tablist]")
    assert page.locator(".kb-cite").first.is_visible()
    page.context.close()


# ---------------------------------------------------------------- a 对照 pair, and a 对比 link

def _key_class(key: str) -> str:
    """The class Streamlit gives an element with this key (st-key- and the key, other characters as -)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


@pytest.mark.slow
def test_a_pair_goes_into_the_basket_and_out_together(browser, tmp_path_factory):
    """A policy writer reading a city's text opens its 对照 panel, adds the passage and the outline's counterpart as
    one pair with one click; 摘录 (opened again from a typed address) shows them as one entry, 甲 and 乙, and each
    export holds both sides, adjacent, each with its citation. Then 对比: a pick goes into the address, Back returns."""
    from .conftest import build_index
    from .test_related import CITY, CITY_P, OUTLINE_CITE, OUTLINE_P
    index = build_index(tmp_path_factory, "pair-browser", "hash", {"city-copper.txt": CITY.encode("utf-8")})
    d = tmp_path_factory.mktemp("pair-server")
    srv = Server(index, "hash", d / "baskets", d / "streamlit.log").start()
    try:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = new_page(browser, ctx)
        page.goto(srv.base + f"/?page=浏览&doc=city-copper&hl={CITY_P}")
        # (by role: Streamlit keeps a hidden copy of a button with a tooltip for measuring)
        add = page.locator(f".{_key_class('relpair-focus-' + OUTLINE_P)}").get_by_role("button")
        assert add.inner_text().strip().endswith("与本段一并加入摘录")
        add.click()
        page.get_by_text("已将这组对照的两段加入摘录（共 2 条）").wait_for()
        page.locator(f".{_key_class('relpair-focus-' + OUTLINE_P)}").get_by_role("button", name="对照已在摘录").wait_for()

        page.goto(srv.base + "/?page=摘录")                  # a typed address: the pair persisted, as a pair
        sides = _basket_texts(page, 2)
        assert len(sides) == 2 and page.locator("[class*='st-key-pair-']").count() == 1
        assert sides[0].startswith("甲") and "力争到“十四五”末" in sides[0] and "《某市铜产业发展实施意见》" in sides[0]
        assert sides[1].startswith("乙") and OUTLINE_CITE in sides[1]
        head = page.locator("[class*='st-key-pair-'] .kb-pair-head").inner_text()
        assert head == "1. 对照：两份文件中的同一举措"
        assert "其中 1 组对照" in page.locator("[data-testid=stCaptionContainer]").first.inner_text()
        page.locator("[class*='st-key-pair-']").screenshot(path=ARTIFACTS / "journey-pair.png")
        page.screenshot(path=ARTIFACTS / "journey-pair-page.png", full_page=True)

        def download(label: str) -> bytes:
            with page.expect_download() as dl:
                page.get_by_text(label).click()
            return Path(dl.value.path()).read_bytes()

        md = download("导出 Markdown").decode("utf-8")
        one, other = md.split("### 对照1甲\n\n", 1)[1].split("### 对照1乙\n\n")
        assert "## 摘录 1（对照）" in md and one.startswith("力争到“十四五”末") and "——《某市铜产业发展实施意见》" in one
        assert other.startswith("进一步鼓励自主创新") and other.rstrip().endswith(OUTLINE_CITE)
        rows = list(csv.reader(io.StringIO(download("导出 CSV").decode("utf-8-sig"))))
        assert [(r[0], r[6], r[7]) for r in rows[1:]] == [("1甲", CITY_P, "1乙"), ("1乙", OUTLINE_P, "1甲")]
        import docx
        paras = [p.text for p in docx.Document(io.BytesIO(download("导出 Word"))).paragraphs]
        at = paras.index("摘录1（对照）")
        assert paras[at + 1] == "对照1甲" and paras[at + 4] == "对照1乙" and paras[at + 6].endswith(OUTLINE_CITE)

        # 对比: the picked documents go into the address (a new entry), and Back shows the pair before
        page.goto(srv.base + "/?page=对比")
        page.locator("[data-testid=stSelectbox]").first.wait_for()
        page.locator("[data-testid=stSelectbox]").nth(1).click()
        page.locator("[role=option]", has_text="（city-copper）").click()     # 新文 = 原文: the same document
        page.wait_for_function("() => new URLSearchParams(location.search).get('b') === 'city-copper'")
        assert "a=city-copper" in page.url
        page.get_by_text("两边是同一份文件").wait_for()
        page.go_back()                                         # one entry back: the address before the pick
        page.wait_for_function("() => location.search === '?page=' + encodeURIComponent('对比')")
        page.wait_for_function("() => document.querySelectorAll('[data-testid=stSelectbox] input')[1].value"
                               ".endsWith('（weibin-14th-five-year-plan-outline）')")
        page.get_by_text("段落：相同").wait_for()
        page.go_forward()
        page.get_by_text("两边是同一份文件").wait_for()
        ctx.close()
    finally:
        srv.stop()
