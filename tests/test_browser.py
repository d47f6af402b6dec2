"""The app in a real browser: ask, follow the link into the reading view, collect, download.

Starts `streamlit run app.py` on a free localhost port against an index built with the real
bundled model, drives Debian's chromium through playwright and saves screenshots to
tests/artifacts/ (git-ignored).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
QUESTION = "铜材料深加工目标"
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


@pytest.fixture(scope="module")
def server(real_index, tmp_path_factory):
    """`streamlit run app.py` on localhost; yields (base url, seconds from launch to healthy)."""
    port = _free_port()
    env = dict(os.environ, KB_INDEX=str(real_index), KB_MODEL="m3e-small",
               KB_BASKETS=str(tmp_path_factory.mktemp("baskets")))
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with {proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("streamlit did not become healthy in 60 s")
        yield base, time.perf_counter() - t0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-gpu"])
        yield b
        b.close()


def test_ask_read_collect_download(server, browser, real_index):
    base, to_healthy = server
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.set_default_timeout(60_000)

    t0 = time.perf_counter()
    page.goto(base + "/")
    box = page.locator("[data-testid=stTextInput] input")
    box.wait_for()
    example = page.get_by_role("button", name=QUESTION)                 # an example question
    example.wait_for()                   # the script run that renders it may finish after the input box
    first_load = time.perf_counter() - t0
    print(f"\nserver healthy after {to_healthy:.1f}s; first page usable after {first_load:.1f}s more")
    assert example.is_visible()

    # ask
    t0 = time.perf_counter()
    box.fill(QUESTION)
    box.press("Enter")
    page.locator(".kb-answer").wait_for()
    print(f"first question answered in {time.perf_counter() - t0:.2f}s")
    assert "q=" in page.url and QUESTION in unquote(page.url)            # shareable link
    hit = page.locator("[class*='st-key-hit-']", has_text="第二章第二节").first
    hit.wait_for()
    assert hit.locator(".kb-cite").inner_text().endswith("第二章第二节“加快发展铜材料深加工产业”，第18页")
    assert page.locator(".kb-answer mark").count() > 0
    page.screenshot(path=ARTIFACTS / "ask-1280.png")

    t0 = time.perf_counter()
    box.fill("到十四五末要改造多少个老旧小区")
    box.press("Enter")
    page.get_by_text("194").first.wait_for()
    print(f"warm question answered in {time.perf_counter() - t0:.2f}s")
    page.goto(base + "/?q=" + QUESTION)                                 # the shared link
    hit = page.locator("[class*='st-key-hit-']", has_text="第二章第二节").first
    hit.wait_for()

    # follow the link into the reading view
    hit.get_by_text("在原文中查看").click()
    focus = page.locator(".kb-focus").first
    focus.wait_for()
    assert "section=2.2" in page.url
    heading = page.get_by_role("heading", name="第二章第二节 加快发展铜材料深加工产业")
    heading.wait_for()
    assert heading.is_visible()
    assert "铜加工企业达到10家" in focus.inner_text()
    time.sleep(1)
    assert focus.is_visible()
    page.screenshot(path=ARTIFACTS / "browse-1280.png")

    # add it to the basket, open the basket, download the Markdown
    page.locator("[class*='st-key-add-'] button").first.click()
    page.get_by_text("已加入摘录").first.wait_for()
    page.get_by_role("tab", name="摘录").click()
    page.get_by_text("导出 Markdown").wait_for()
    page.reload()                                                       # the basket survives
    page.get_by_text("导出 Markdown").wait_for()
    page.screenshot(path=ARTIFACTS / "basket-1280.png")
    with page.expect_download() as dl:
        page.get_by_text("导出 Markdown").click()
    md = Path(dl.value.path()).read_text("utf-8")
    (ARTIFACTS / "basket.md").write_text(md, "utf-8")

    from kb import KnowledgeBase
    kb = KnowledgeBase.open(real_index, model="m3e-small")
    doc_text = kb.document().text
    quote = md.split("## 摘录 1\n\n", 1)[1].split("\n\n——", 1)[0]
    assert COPPER in quote
    assert quote in doc_text                                           # verbatim from the source
    # the delivered text file flattened the punctuation (,"); the quotation restores the original's (，“”) and
    # is otherwise the source's characters in order
    from kb.evaluate import normalise
    raw = (ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt").read_text("utf-8")
    assert normalise(COPPER) in normalise(raw) and "，" not in raw
    assert "——《" in md and "第二章第二节“加快发展铜材料深加工产业”，第18页" in md
    page.close()


def test_phone_width(server, browser):
    base, _ = server
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.set_default_timeout(60_000)
    page.goto(base + "/?q=" + QUESTION)
    page.locator(".kb-answer").wait_for()
    # nothing overflows sideways at phone width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    page.screenshot(path=ARTIFACTS / "ask-390.png")
    page.goto(base + "/?section=10.1&p=5#p5")
    page.locator("#p5.kb-focus").wait_for()
    time.sleep(1)
    top = page.evaluate("document.getElementById('p5').getBoundingClientRect().top")
    assert 0 <= top < 844                                               # scrolled to the paragraph
    page.screenshot(path=ARTIFACTS / "browse-390.png")
    page.close()
