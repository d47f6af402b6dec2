"""The 文档 page (AppTest on hash-embedder indexes of their own, which the tests change): the documents listed with
what the ingest found, an upload added through KnowledgeBase.sync and kept as the document's recorded source (so
`kb repair` rebuilds it), a removal only after confirmation, and failed uploads or a held writer lock leaving the
index exactly as it was. One test uploads through the file input of a real browser."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb import KnowledgeBase
from kb.store.folder import POINTER, current_folder, read_manifest
from ui.docs import short_title

from .conftest import OUTLINE
from .test_app import app, ok, point_app_at, table

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "tests" / "data" / "gallery"
CENTRAL = GALLERY / "central-no1-2018.txt"
CENTRAL_TITLE = "中共中央 国务院关于实施乡村振兴战略的意见"
OUTLINE_ID = "weibin-14th-five-year-plan-outline"
OUTLINE_TITLE = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
# a document whose title is HTML, Markdown and LaTeX, and whose numbering skips a chapter (an ingest warning)
HOSTILE = ("关于<b>测试</b>**加粗**$x$[链接](http://e.com)的实施方案\n\n第一章 总则\n\n推进改革，加快发展。\n\n"
           "第三章 其他\n\n完善制度，强化保障。\n")
HOSTILE_TITLE = "关于<b>测试</b>**加粗**$x$[链接]（http://e.com）的实施方案"   # a title's brackets read full-width


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """An index of its own (the outline and the hostile document, hash embedder) that the app opens; uploads go
    to the default folder beside it (index-uploads/)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    index = tmp_path / "index"
    KnowledgeBase.sync([corpus], index, model="hash")
    point_app_at(index, tmp_path, monkeypatch)
    monkeypatch.delenv("KB_UPLOADS", raising=False)
    return index


def uploads(index: Path) -> Path:
    return index.parent / "index-uploads"


def state(index: Path) -> tuple:
    """Everything an add or a removal could change: the pointer, the current manifest, the generations, the
    uploads folder."""
    gens = sorted(p.name for p in index.iterdir() if p.is_dir())
    up = sorted(p.name for p in uploads(index).iterdir()) if uploads(index).exists() else []
    return (index / POINTER).read_bytes(), (current_folder(index) / "manifest.json").read_bytes(), gens, up


def documents_page():
    return ok(app(page="文档"))


def listed(at) -> dict[str, list[str]]:
    """The documents table as {document id: [title, id, issuer, date, pages, parts, passages, format, added,
    warnings]} (the first cell holds the title and, under it, the id)."""
    head, rows = table(at, "documents")
    assert head == ["标题（编号）", "发文机关", "日期", "页数", "结构", "段落", "格式", "加入时间", "入库提示"]
    out = {}
    for r in rows:
        title, doc_id = r[0].split("\n")
        out[doc_id] = [title, doc_id, *r[1:]]
    return out


def upload(at, name: str, data: bytes):
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))
    at.run()
    next(b for b in at.button if b.label == "加入索引").click()
    return ok(at.run())


def click(at, label: str):
    next(b for b in at.button if b.label == label).click()
    return ok(at.run())


# ---------------------------------------------------------------- the list

def test_lists_every_document_with_what_the_ingest_found(site):
    at = documents_page()
    docs = listed(at)
    assert set(docs) == {OUTLINE_ID, "hostile"}
    m = {d["doc_id"]: d for d in read_manifest(site)["documents"]}
    outline = docs[OUTLINE_ID]
    assert outline[:4] == [OUTLINE_TITLE, OUTLINE_ID, "卫滨区发展和改革委员会", "二〇二一年三月"]
    assert outline[4] == "—"                                  # a text file has no pages of its own
    assert outline[5] == "12 章、50 节、10 个专栏"
    assert outline[6] == str(m[OUTLINE_ID]["passages"]) and outline[7] == "txt" and outline[9] == "无"
    added = time.strftime("%Y-%m-%d", time.localtime())     # recorded in the manifest when it was indexed
    assert m[OUTLINE_ID]["added"].startswith(added) and outline[8].startswith(added)
    # document text is data: the title shows exactly as written, nothing of it read as HTML, Markdown or LaTeX
    hostile = docs["hostile"]
    assert hostile[0] == HOSTILE_TITLE and hostile[9] == "1 条"
    page = "\n".join(m.value for m in at.markdown)
    assert "<b>测试" not in page and "&#60;b&#62;" in page
    assert "the numbering is not continuous in 1 place(s): 第一章 is followed by 第三章" in \
        "\n".join(shown_blocks(at))
    assert any("共 2 个文档" in c.value for c in at.caption)


def shown_blocks(at) -> list[str]:
    from .test_app import shown
    return [shown(m.value) for m in at.markdown]


def test_an_index_written_before_added_was_recorded_still_lists(site):
    # the manifest of an older version has no "added": the page says — and the next write does not invent one
    gen = current_folder(site)
    m = json.loads((gen / "manifest.json").read_bytes())
    for d in m["documents"]:
        d.pop("added")
    raw = json.dumps(m, ensure_ascii=False, indent=1).encode()
    (gen / "manifest.json").write_bytes(raw)
    ptr = json.loads((site / POINTER).read_bytes())
    ptr["manifest_sha256"] = hashlib.sha256(raw).hexdigest()
    (site / POINTER).write_text(json.dumps(ptr))
    docs = listed(documents_page())
    assert docs[OUTLINE_ID][8] == "—"
    KnowledgeBase.sync([CENTRAL], site, model="hash")
    m = {d["doc_id"]: d for d in read_manifest(site)["documents"]}
    assert m[OUTLINE_ID]["added"] is None and m["central-no1-2018"]["added"]


# ---------------------------------------------------------------- adding

def test_upload_a_text_file_adds_it_keeps_its_source_and_every_page_sees_it(site):
    data = CENTRAL.read_bytes()
    at = upload(documents_page(), CENTRAL.name, data)
    assert not at.error
    assert [s.value.replace("\\", "") for s in at.success] == \
        [f"已加入《{CENTRAL_TITLE}》（central-no1-2018）：现有 3 个文档、{read_manifest(site)['passages']} 段。"]
    docs = listed(at)
    assert docs["central-no1-2018"][:4] == [CENTRAL_TITLE, "central-no1-2018", "—", "2018年1月2日"]
    assert docs["central-no1-2018"][5] == "12 章、49 节"
    assert at.file_uploader[0].value is None                 # the uploader is empty again
    # the file is kept beside the index under its document id, and is the source the index records
    kept = uploads(site) / "central-no1-2018.txt"
    assert kept.read_bytes() == data
    entry = next(d for d in read_manifest(site)["documents"] if d["doc_id"] == "central-no1-2018")
    assert entry["source"] == str(kept.resolve()) and entry["added"]
    # the other pages open the new index (the cached one was dropped)
    browse = ok(app(page="浏览"))
    assert short_title(CENTRAL_TITLE) in browse.selectbox(key="browse_doc").options
    asked = ok(app(q="乡村振兴战略的总要求", doc="central-no1-2018"))
    assert "乡村振兴" in "\n".join(m.value for m in asked.markdown)


def test_kb_repair_rebuilds_an_uploaded_document_from_the_uploads_folder(site):
    upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
    (current_folder(site) / "documents.jsonl").write_text("garbled", encoding="utf-8")
    stats = KnowledgeBase.repair(site, model="hash")
    assert not stats.notes                                   # no source was missing
    kb = KnowledgeBase.open(site, model="hash")
    assert [d.doc_id for d in kb.documents] == ["central-no1-2018", "hostile", OUTLINE_ID]
    assert kb.document("central-no1-2018").title == CENTRAL_TITLE


def test_upload_a_word_file_into_a_configured_folder(site, tmp_path, monkeypatch):
    from . import docgen
    monkeypatch.setenv("KB_UPLOADS", str(tmp_path / "kept"))
    at = upload(documents_page(), "卫滨区纲要.docx", docgen.outline_docx().read_bytes())
    assert not at.error, [e.value for e in at.error]
    row = listed(at)["卫滨区纲要"]
    assert row[0] == OUTLINE_TITLE and row[7] == "docx" and row[5] == "12 章、50 节、10 个专栏"
    assert (tmp_path / "kept" / "卫滨区纲要.docx").exists() and not uploads(site).exists()


def test_upload_a_pdf_lists_its_pages(site):
    from .pdfgen import make_pdf
    from .test_app import PDF_PAGES
    pdf = site.parent / "plan.pdf"
    make_pdf(pdf, PDF_PAGES)
    at = upload(documents_page(), "铜产业实施意见.pdf", pdf.read_bytes())
    row = listed(at)["铜产业实施意见"]
    assert row[0] == "关于加快发展铜产业的实施意见" and row[4] == "2" and row[7] == "pdf"


# ---------------------------------------------------------------- failures change nothing

MOJIBAKE = CENTRAL.read_text(encoding="utf-8")[:3000].encode("utf-8").decode("latin-1").encode("utf-8")


@pytest.mark.parametrize("name, data, why", [
    ("plan.xlsx", b"PK\x03\x04 a spreadsheet", "只能添加 .txt、.pdf、.docx、.html 文件（这是 .xlsx）"),
    ("notes", b"text", "只能添加 .txt、.pdf、.docx、.html 文件（这是 没有扩展名的文件）"),
    ("empty.txt", b" \n\n ", "文件是空的"),
    ("mojibake.txt", MOJIBAKE, "not readable text (39% of its characters are replacement"),
    ("random.txt", bytes(range(256)) * 20, "not a text file (binary content)"),
    ("broken.docx", b"this is not a word file\n" * 10, "not a readable Word file (BadZipFile)"),
    ("broken.pdf", b"%PDF-1.4\n garbage\n" * 10, "not a readable PDF"),
    ("one-line.txt", "只是一句话。".encode(), "no paragraphs found"),
    (OUTLINE.name, OUTLINE.read_bytes(), f"索引里已有编号 {OUTLINE_ID} 的文档《{OUTLINE_TITLE}》"),
])
def test_a_failed_upload_says_why_in_one_line_and_changes_nothing(site, name, data, why):
    before = state(site)
    at = upload(documents_page(), name, data)
    assert len(at.error) == 1 and not at.success
    said = at.error[0].value.replace("\\", "")
    assert said.startswith(f"{name}：") and why in said and "\n" not in said and said.count(name) == 1 + (name in why)
    assert str(uploads(site)) not in said                    # the server's folder is not the user's business
    assert state(site) == before
    assert set(listed(at)) == {OUTLINE_ID, "hostile"}


@pytest.mark.parametrize("step", ["embedded", "store built", "manifest.json", "sources written"])
def test_a_write_that_fails_before_the_swap_leaves_everything_as_it_was(site, monkeypatch, step):
    import kb.store.writer

    def checkpoint(at):
        if at == step:
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(kb.store.writer, "checkpoint", checkpoint)
    before = state(site)
    at = upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
    assert [e.value.replace("\\", "") for e in at.error] == [f"{CENTRAL.name}：[Errno 28] No space left on device"]
    assert state(site)[:2] == before[:2] and state(site)[3] == []   # the same index; no file left in uploads/


def test_a_write_that_fails_after_the_swap_keeps_the_file_the_index_now_records(site, monkeypatch):
    import kb.store.writer

    def checkpoint(at):
        if at.startswith("pointer replaced"):
            raise OSError(5, "Input/output error")
    monkeypatch.setattr(kb.store.writer, "checkpoint", checkpoint)
    at = upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
    assert "已加入索引，但写入收尾时出错" in at.error[0].value
    monkeypatch.setattr(kb.store.writer, "checkpoint", lambda at: None)
    assert "central-no1-2018" in listed(documents_page())       # the page reopened the index that holds it
    assert (uploads(site) / "central-no1-2018.txt").exists()
    assert KnowledgeBase.open(site, model="hash").document("central-no1-2018").title == CENTRAL_TITLE


# ---------------------------------------------------------------- removing

def test_removing_asks_first_and_cancel_keeps_the_document(site):
    at = documents_page()
    before = state(site)
    at.selectbox(key="docs-pick").select("hostile")
    at = click(ok(at.run()), "删除…")
    (warning,) = at.warning
    assert "确定从索引中删除" in warning.value and "原文件不会删除" in warning.value
    assert state(site) == before                             # asking removed nothing
    at = click(at, "取消")
    assert not at.warning and state(site) == before
    at = click(at, "删除…")
    at = click(at, "确认删除")
    assert [s.value.replace("\\", "") for s in at.success][0].startswith(f"已删除《{HOSTILE_TITLE}》（hostile）：剩 1 个文档")
    assert set(listed(at)) == {OUTLINE_ID}
    assert [d["doc_id"] for d in read_manifest(site)["documents"]] == [OUTLINE_ID]
    assert (site.parent / "corpus" / "hostile.txt").exists()  # a source the app did not upload is left alone
    # one document left: it cannot be removed (an index is never empty)
    assert next(b for b in at.button if b.label == "删除…").disabled


def test_removing_an_uploaded_document_deletes_its_kept_file(site):
    at = upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
    at.selectbox(key="docs-pick").select("central-no1-2018")
    at = click(ok(at.run()), "删除…")
    assert "它上传时保存的文件也会删除" in at.warning[0].value
    at = click(at, "确认删除")
    assert "central-no1-2018" not in listed(at)
    assert not (uploads(site) / "central-no1-2018.txt").exists()
    assert ok(app(page="浏览")).selectbox(key="browse_doc").options == [short_title(HOSTILE_TITLE),
                                                                         short_title(OUTLINE_TITLE)]


# ---------------------------------------------------------------- another writer holds the lock

HOLD = ("import sys, time\nfrom kb.store.writer import writer_lock\n"
        "with writer_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(120)\n")


def test_a_busy_index_says_so_and_changes_nothing_then_the_retry_works(site, monkeypatch):
    monkeypatch.setattr("ui.documents.WRITE_WAIT", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(site)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"    # as a running `kb ingest` holds it
        before = state(site)
        at = upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
        (error,) = at.error
        assert "索引正由另一个进程写入" in error.value and "没有改动" in error.value
        assert state(site) == before
        at.selectbox(key="docs-pick").select("hostile")
        at = click(click(ok(at.run()), "删除…"), "确认删除")
        assert "索引正由另一个进程写入" in at.error[0].value and state(site) == before
    finally:
        holder.kill()
        holder.wait()
    # what the message advises (try again when the other writer has finished) works
    at = upload(documents_page(), CENTRAL.name, CENTRAL.read_bytes())
    assert not at.error and "central-no1-2018" in listed(at)


# ---------------------------------------------------------------- in a real browser

CHROMIUM = "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt install chromium)")
def test_upload_through_the_file_input_of_a_browser(site, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from .test_app_journeys import ARTIFACTS, Server, new_page
    server = Server(site, "hash", tmp_path / "baskets", tmp_path / "streamlit.log").start()
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"])
            page = new_page(browser)
            page.goto(server.base + "/?page=文档")
            page.locator("#documents").wait_for()
            # Streamlit's own uploader words are in Chinese too (Upload, 200MB per file)
            uploader = page.locator("[data-testid=stFileUploader]")
            page.wait_for_function("() => { const u = document.querySelector('[data-testid=stFileUploader]');"
                                   " return u !== null && u.innerText.includes('上传'); }")
            assert "Upload" not in uploader.inner_text() and "per file" not in uploader.inner_text()
            page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(CENTRAL))
            page.get_by_role("button", name="加入索引").click()
            page.get_by_text("已加入《中共中央 国务院关于实施乡村振兴战略的意见》").wait_for()
            row = page.locator("#documents tbody tr", has_text="central-no1-2018")
            assert row.locator("td").nth(0).inner_text().split("\n") == [CENTRAL_TITLE, "central-no1-2018"]
            titles = [t.split("\n")[0] for t in page.locator("#documents tbody tr td:first-child").all_inner_texts()]
            assert HOSTILE_TITLE in titles                    # shown as written, in the browser too
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "documents-upload.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
    assert (uploads(site) / "central-no1-2018.txt").read_bytes() == CENTRAL.read_bytes()
    assert "central-no1-2018" in {d["doc_id"] for d in read_manifest(site)["documents"]}
