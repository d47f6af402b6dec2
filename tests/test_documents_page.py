"""The 文档 page (AppTest on hash-embedder indexes of their own, which the tests change): the documents listed with
what the ingest found, an upload added through KnowledgeBase.sync and kept as the document's recorded source (so
`kb repair` rebuilds it), a removal only after confirmation, and failed uploads or a held writer lock leaving the
index exactly as it was; a new version replacing a document (or kept beside it for 对比), a bad one changing
nothing. Two tests use a real browser: an upload through the file input, a new version through a row's link."""
from __future__ import annotations

import hashlib
import json
import re
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
    assert head == ["标题（编号）", "版本", "发文机关", "日期", "页数", "结构", "段落", "格式", "加入时间", "入库提示"]
    out = {}
    for r in rows:
        title, meta = r[0].split("\n")
        # an old version kept beside its new one says so under its id: ID-旧版（旧版，已被 ID 取代）
        doc_id = re.sub(r"（旧版，已被 \S+ 取代）$", "", meta)
        assert meta == doc_id or meta == f"{doc_id}（旧版，已被 {doc_id.rsplit('-旧版', 1)[0]} 取代）", meta
        assert r[1] == f"?page=文档&update={doc_id}"            # each row's 更新版本 link, beside its title
        out[doc_id] = [title, doc_id, *r[2:]]
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
    assert "编号有 1 处不连续：第一章之后是第三章" in \
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


# files no page accepts as a document, each with the one line that says why (an upload and a new version alike)
BAD_FILES = [
    ("plan.xlsx", b"PK\x03\x04 a spreadsheet", "只能添加 .txt、.pdf、.docx、.html 文件（这是 .xlsx）"),
    ("notes", b"text", "只能添加 .txt、.pdf、.docx、.html 文件（这是 没有扩展名的文件）"),
    ("empty.txt", b" \n\n ", "文件是空的"),
    ("mojibake.txt", MOJIBAKE, "不是可读的文本（按 UTF-8 读，39% 的字符是替换符"),
    ("random.txt", bytes(range(256)) * 20, "不是文本文件（内容是二进制数据）"),
    ("broken.docx", b"this is not a word file\n" * 10, "不是可读取的 Word 文件（BadZipFile）"),
    ("broken.pdf", b"%PDF-1.4\n garbage\n" * 10, "不是可读取的 PDF"),
    ("one-line.txt", "只是一句话。".encode(), "文件里没有找到正文段落"),
]


@pytest.mark.parametrize("name, data, why", [
    *BAD_FILES,
    (OUTLINE.name, OUTLINE.read_bytes(), f"索引里已有编号 {OUTLINE_ID} 的文档《{OUTLINE_TITLE}》"),
])
def test_a_failed_upload_says_why_in_one_line_and_changes_nothing(site, name, data, why):
    before = state(site)
    at = upload(documents_page(), name, data)
    assert len(at.error) == 1 and not at.success
    assert not at.get("progress")                           # no bar left at 0 % over the error line
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
    assert [e.value.replace("\\", "") for e in at.error] == [f"{CENTRAL.name}：磁盘空间已满（Errno 28）"]
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
@pytest.mark.slow
def test_upload_through_the_file_input_of_a_browser(site, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    from .test_app_journeys import ARTIFACTS, Server, launch, new_page
    server = Server(site, "hash", tmp_path / "baskets", tmp_path / "streamlit.log").start()
    try:
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            page = new_page(browser)
            page.goto(server.base + "/?page=文档")
            page.locator("#documents").wait_for()
            # Streamlit's own uploader words are in Chinese too (Upload, 200MB per file)
            uploader = page.locator("[data-testid=stFileUploader]").first     # 添加文档's (更新版本's is below)
            page.wait_for_function("() => { const u = document.querySelector('[data-testid=stFileUploader]');"
                                   " return u !== null && u.innerText.includes('上传'); }")
            assert "Upload" not in uploader.inner_text() and "per file" not in uploader.inner_text()
            uploader.locator("input[type=file]").set_input_files(str(CENTRAL))
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


# ---------------------------------------------------------------- a new version of a document

# the outline's adopted text, as a 草案 becomes one: the title loses 草案, a target changes, a paragraph is added
ADOPTED = (OUTLINE.read_text(encoding="utf-8").replace("纲要(草案)", "纲要", 1)
           .replace("生产总值年均增长7%左右", "生产总值年均增长6.5%左右", 1)
           + "\n\n本纲要经区人民代表大会审议批准后实施，各部门要切实抓好落实。\n")
ADOPTED_TITLE = OUTLINE_TITLE.replace("（草案）", "")


def update_page(doc_id: str = OUTLINE_ID):
    """The 文档 page as a row's 更新版本 link opens it: that document's update panel first."""
    return ok(app(page="文档", update=doc_id))


def update(at, name: str, data: bytes, keep: bool = False):
    at.file_uploader[0].set_value((name, data, "application/octet-stream"))   # the panel's: first when asked
    if keep:
        at.checkbox(key="docs-keep-old").check()
    at = ok(at.run())
    return click(at, "更新为这个文件")


def entries(index: Path) -> dict[str, dict]:
    return {d["doc_id"]: d for d in read_manifest(index)["documents"]}


def test_a_new_version_replaces_the_document_in_place_and_says_what_changed(site):
    before = entries(site)
    old = KnowledgeBase.open(site, model="hash")
    n_before = sum(1 for p in old.passages if p.doc_id == OUTLINE_ID)
    time.sleep(1.1)                                          # the manifest's added time is to the second
    at = update_page()
    assert at.selectbox(key="docs-update-pick").value == OUTLINE_ID
    at = update(at, "纲要（正式文本）.txt", ADOPTED.encode())
    assert not at.error, [e.value for e in at.error]
    after = entries(site)
    n_after = after[OUTLINE_ID]["passages"]
    (said,) = [s.value.replace("\\", "") for s in at.success]
    assert said.startswith(f"已把《{OUTLINE_TITLE}》→《{ADOPTED_TITLE}》（{OUTLINE_ID}）更新为 纲要（正式文本）.txt："
                           f"段落 {n_before} → {n_after}（")
    # one passage rewritten (the 7% target), one added: the rest word for word the same
    assert f"（{n_before - 1} 段未变，2 段新增或改写，1 段删去或改写）。旧版本已从索引中替换。" in said
    # the same id, the new text, the new file as its recorded source, added now; the other document untouched
    kept = uploads(site) / f"{OUTLINE_ID}.txt"
    assert kept.read_bytes() == ADOPTED.encode()
    assert after[OUTLINE_ID]["source"] == str(kept.resolve()) and after[OUTLINE_ID]["title"] == ADOPTED_TITLE
    assert after[OUTLINE_ID]["added"] > before[OUTLINE_ID]["added"] and after["hostile"] == before["hostile"]
    assert listed(at)[OUTLINE_ID][0] == ADOPTED_TITLE and set(listed(at)) == {OUTLINE_ID, "hostile"}
    kb = KnowledgeBase.open(site, model="hash")
    texts = "\n".join(p.text for p in kb.passages if p.doc_id == OUTLINE_ID)
    assert "生产总值年均增长6.5%左右" in texts and "生产总值年均增长7%左右" not in texts
    assert (site.parent / "corpus" / OUTLINE.name).read_bytes() == OUTLINE.read_bytes()   # not the app's: left alone
    # kb ls names the new source; kb repair rebuilds the new version from it
    from kb.cli import main
    assert main(["--index", str(site), "--model", "hash", "ls"]) == 0
    (current_folder(site) / "documents.jsonl").write_text("garbled", encoding="utf-8")
    assert not KnowledgeBase.repair(site, model="hash").notes
    assert KnowledgeBase.open(site, model="hash").document(OUTLINE_ID).title == ADOPTED_TITLE
    # a second new version of the now uploaded document: never written over the file the index records
    again = ADOPTED.replace("6.5%左右", "6%左右", 1)
    at = update(update_page(), "纲要（修正）.txt", again.encode())
    assert not at.error and at.success
    newer = uploads(site) / "新版本" / f"{OUTLINE_ID}.txt"
    assert entries(site)[OUTLINE_ID]["source"] == str(newer.resolve()) and newer.read_bytes() == again.encode()
    assert not kept.exists()                                 # the old upload is no document's source any more


def test_a_new_version_can_keep_the_old_one_to_compare(site, capsys):
    at = update(update_page(), "纲要.txt", ADOPTED.encode(), keep=True)
    assert not at.error, [e.value for e in at.error]
    old_id = f"{OUTLINE_ID}-旧版"
    assert "旧版本保留为 " + old_id in at.success[0].value.replace("\\", "")
    docs = listed(at)
    assert docs[OUTLINE_ID][0] == ADOPTED_TITLE and docs[old_id][0] == OUTLINE_TITLE
    # the old version's file is copied into the uploads folder and is its source; the corpus file is left alone
    m = entries(site)
    assert m[old_id]["source"] == str((uploads(site) / f"{old_id}.txt").resolve())
    assert (uploads(site) / f"{old_id}.txt").read_bytes() == OUTLINE.read_bytes()
    link = next(m.value for m in at.markdown if "打开对比" in m.value)
    assert f'href="?page=对比&amp;a={old_id}&amp;b={OUTLINE_ID}"' in link
    compare = ok(app(page="对比", a=old_id, b=OUTLINE_ID))
    page = "\n".join(shown_blocks(compare))
    assert "改写 1，新增 1，删除 0" in page                     # the changed target, the added paragraph
    assert "生产总值年均增长7%左右" in page and "生产总值年均增长6.5%左右" in page
    # a second kept version is named apart
    at = update(update_page(), "纲要.txt", ADOPTED.replace("6.5%", "6%", 1).encode(), keep=True)
    assert f"{OUTLINE_ID}-旧版-2" in listed(at)


BAD_VERSIONS = [
    *BAD_FILES,
    ("same.txt", OUTLINE.read_bytes(), f"与已索引的《{OUTLINE_TITLE}》（{OUTLINE_ID}）是同一个文件，没有改动"),
    ("other.txt", CENTRAL.read_bytes(), f"看来不是《{OUTLINE_TITLE}》的新版本：它的标题是《{CENTRAL_TITLE}》"),
]
# every kind with the old version replaced; with the old version kept, one kind of each refusal (the format, the
# reading, the comparison with the indexed version): the path that keeps it is the same for all
KEEP_TOO = {"empty.txt", "broken.pdf", "other.txt"}


@pytest.mark.parametrize("name, data, why, keep", [(*c, False) for c in BAD_VERSIONS]
                         + [(*c, True) for c in BAD_VERSIONS if c[0] in KEEP_TOO])
def test_a_bad_new_version_says_why_in_one_line_and_changes_nothing(site, name, data, why, keep):
    before = state(site)
    source = site.parent / "corpus" / OUTLINE.name
    at = update(update_page(), name, data, keep)
    assert len(at.error) == 1 and not at.success
    assert not at.get("progress")                           # no bar left at 0 % over the error line
    said = at.error[0].value.replace("\\", "")
    assert said.startswith(f"{name}：") and why in said and "\n" not in said
    assert str(uploads(site)) not in said
    assert state(site) == before                              # the index byte for byte, the uploads folder
    assert source.read_bytes() == OUTLINE.read_bytes()
    assert listed(at)[OUTLINE_ID][0] == OUTLINE_TITLE


def test_a_new_version_while_the_index_is_busy_says_so_and_changes_nothing(site, monkeypatch):
    monkeypatch.setattr("ui.documents.WRITE_WAIT", 0.5)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(site)], cwd=ROOT, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        before = state(site)
        at = update(update_page(), "纲要.txt", ADOPTED.encode(), keep=True)
        (error,) = at.error
        assert "索引正由另一个进程写入" in error.value and "没有改动" in error.value
        assert state(site) == before
    finally:
        holder.kill()
        holder.wait()
    at = update(update_page(), "纲要.txt", ADOPTED.encode())
    assert not at.error and listed(at)[OUTLINE_ID][0] == ADOPTED_TITLE


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing (apt install chromium)")
def test_a_new_version_through_a_row_link_in_a_browser_then_compare(site, tmp_path):
    """A row's 更新版本 link opens its panel first; the adopted text uploaded through the file input, the old
    version kept: the page says what changed and links to 对比, which shows the changed target."""
    sync_api = pytest.importorskip("playwright.sync_api")
    from .test_app_journeys import ARTIFACTS, Server, launch, new_page
    adopted = tmp_path / "纲要（正式文本）.txt"
    adopted.write_text(ADOPTED, encoding="utf-8")
    old_id = f"{OUTLINE_ID}-旧版"
    server = Server(site, "hash", tmp_path / "baskets", tmp_path / "streamlit.log").start()
    try:
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            page = new_page(browser)
            page.goto(server.base + "/?page=文档")
            page.locator("#documents").wait_for()
            page.locator("#documents tbody tr", has_text=OUTLINE_ID).get_by_role("link", name="更新版本").click()
            page.get_by_text("选择《" + OUTLINE_TITLE).wait_for()          # the panel, for that document
            page.locator("[data-testid=stFileUploader] input[type=file]").first.set_input_files(str(adopted))
            page.get_by_text("保留旧版本（另存为单独的文档，以便对比）").click()
            button = page.get_by_role("button", name="更新为这个文件")
            button.wait_for()
            shots = [ARTIFACTS, Path("/tmp/docs-helper")]
            for d in shots:
                d.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(d / "documents-update-panel.png"))
            button.click()
            page.get_by_text(f"已把《{OUTLINE_TITLE}》→《{ADOPTED_TITLE}》").wait_for()
            said = page.locator("[data-testid=stAlertContentSuccess]").inner_text()
            assert "段未变，2 段新增或改写，1 段删去或改写" in said and f"旧版本保留为 {old_id}" in said
            titles = {r.split("\n")[1]: r.split("\n")[0]
                      for r in page.locator("#documents tbody tr td:first-child").all_inner_texts()}
            # the kept old version says under its id that the new one supersedes it
            assert titles[OUTLINE_ID] == ADOPTED_TITLE
            assert titles[f"{old_id}（旧版，已被 {OUTLINE_ID} 取代）"] == OUTLINE_TITLE
            for d in shots:
                page.screenshot(path=str(d / "documents-new-version.png"), full_page=True)
            page.get_by_role("link", name=f"打开对比：{old_id} → {OUTLINE_ID}").click()
            page.get_by_text("改写 1，新增 1，删除 0", exact=False).wait_for()
            page.wait_for_function("() => document.body.innerText.includes('生产总值年均增长6.5%左右')"
                                   " && document.body.innerText.includes('生产总值年均增长7%左右')")
            for d in shots:
                page.screenshot(path=str(d / "compare-new-version.png"), full_page=False)
            browser.close()
    finally:
        server.stop()
    m = entries(site)
    assert m[OUTLINE_ID]["source"] == str((uploads(site) / f"{OUTLINE_ID}.txt").resolve())
    assert (uploads(site) / f"{OUTLINE_ID}.txt").read_bytes() == ADOPTED.encode()
    assert (uploads(site) / f"{old_id}.txt").read_bytes() == OUTLINE.read_bytes()


@pytest.mark.parametrize("step", ["parsed", "manifest.json"])
def test_a_new_version_whose_write_fails_before_the_swap_leaves_everything_as_it_was(site, monkeypatch, step):
    import kb.store.writer

    def checkpoint(at):
        if at == step:
            raise OSError(28, "No space left on device")
    monkeypatch.setattr(kb.store.writer, "checkpoint", checkpoint)
    before = state(site)
    at = update(update_page(), "纲要.txt", ADOPTED.encode(), keep=True)
    assert [e.value.replace("\\", "") for e in at.error] == ["纲要.txt：磁盘空间已满（Errno 28）"]
    assert state(site) == before                              # the same index; nothing new in the uploads folder


@pytest.mark.parametrize("told", [True, False])
def test_a_new_version_whose_write_fails_after_the_swap_says_so_and_loses_nothing(site, monkeypatch, told):
    """The new index is current, then finishing fails: one line says the document was updated (or, when the index
    cannot be read back, that whether it was cannot be told), and every file it may now record is kept."""
    import kb.store.writer

    def checkpoint(at):
        if at == "pointer replaced":
            raise OSError(5, "Input/output error")
    monkeypatch.setattr(kb.store.writer, "checkpoint", checkpoint)
    sources = KnowledgeBase.__dict__["sources"]
    if not told:
        def unreadable(index_dir=None):
            raise OSError(5, "Input/output error")
        monkeypatch.setattr(KnowledgeBase, "sources", staticmethod(unreadable))
    at = update(update_page(), "纲要.txt", ADOPTED.encode(), keep=True)
    done = "已更新，但写入收尾时出错" if told else "出错，索引是否已改动无法确认（刷新本页可见）"
    assert [e.value.replace("\\", "") for e in at.error] == [f"纲要.txt：{done}：读写出错（Errno 5）"]
    assert not at.success
    monkeypatch.setattr(kb.store.writer, "checkpoint", lambda at: None)
    monkeypatch.setattr(KnowledgeBase, "sources", sources)
    # nothing lost: the new version under its id, read from the upload it records; the old one kept as ID-旧版
    old_id = f"{OUTLINE_ID}-旧版"
    m = entries(site)
    assert m[OUTLINE_ID]["source"] == str((uploads(site) / f"{OUTLINE_ID}.txt").resolve())
    assert m[old_id]["source"] == str((uploads(site) / f"{old_id}.txt").resolve())
    assert (uploads(site) / f"{OUTLINE_ID}.txt").read_bytes() == ADOPTED.encode()
    assert (uploads(site) / f"{old_id}.txt").read_bytes() == OUTLINE.read_bytes()
    assert (site.parent / "corpus" / OUTLINE.name).read_bytes() == OUTLINE.read_bytes()
    docs = listed(ok(at.run()))                               # the page reopened the index that holds them
    assert docs[OUTLINE_ID][0] == ADOPTED_TITLE and docs[old_id][0] == OUTLINE_TITLE
    assert not KnowledgeBase.repair(site, model="hash").notes    # every recorded source is there
    assert KnowledgeBase.open(site, model="hash").document(OUTLINE_ID).title == ADOPTED_TITLE
