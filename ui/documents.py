"""The 文档 page: the indexed documents with what the ingest found in each, and adding one (an upload) or removing
one through KnowledgeBase.sync, as `kb ingest` and `kb rm` do: one writer at a time, the new index made current in
one step, so a failure or a kill leaves the index as it was.

An uploaded file is kept in the uploads folder (KB_UPLOADS; default `INDEX-uploads/` beside the index) under its
document id: it is the source the index records for the document, the file `kb repair` and a re-ingest read again.
Replacing a document with a new version (each row's 更新版本) is ui/versions.py.
"""
from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import Callable

import streamlit as st

from kb import (SUFFIXES, BadDocument, IndexBusy, KBError, KnowledgeBase, SyncStats, added_at, doc_id_for,
                environment)
from ui.config import settings
from ui.render import esc, html_block, option, plain
from ui.targets import SORT_JS
from ui.wording import zh

WRITE_WAIT = 3.0        # seconds an add or a removal waits for another writer (kb ingest, another visitor)
FORMATS = "、".join(s for s in SUFFIXES if s != ".htm")      # .htm is read too, as .html
BUSY = "索引正由另一个进程写入（kb ingest、kb rm，或另一位访问者正在添加、删除），这次没有改动；等它结束后再试。"
COLUMNS = ["标题（编号）", "发文机关", "日期", "页数", "结构", "段落", "格式", "加入时间", "入库提示"]
UPDATE = "版本"         # the second column, beside the title: each row's 更新版本 link (seen without scrolling)
# the short cells on one line (a wide table scrolls sideways); titles and issuers wrap, and so do the structure
# (12 章、50 节、10 个专栏) and the time added (2026-12-03 / 23:22), so that all ten columns fit a 1366-px screen
CSS = """<style>
#documents td:nth-child(2), #documents td:nth-child(n+4), #documents th {white-space: nowrap;}
#documents td:first-child {min-width: 16em;}
#documents td:nth-child(6), #documents td:nth-child(9) {white-space: normal; min-width: 6.5em;}
</style>"""
SAID = "docs-said"      # session key: what the last add or removal did, shown after the rerun that follows it
NEWER = "新版本"        # the uploads' subfolder a new version goes to when the old one is uploads/ID.suffix (ui/versions.py)

_writing = threading.Lock()     # this server's visitors write one at a time (never the same upload name at once)


class Refused(Exception):
    """Why an add or a removal did not happen, in one line; the index and the uploads folder are as they were
    (`changed`: except that a failure after the new index was made current left the document added)."""

    def __init__(self, message: str, changed: bool = False):
        super().__init__(message)
        self.changed = changed


def uploads_dir() -> Path:
    return environment().uploads


def uploaded(source: Path) -> bool:
    """Whether a recorded source is a file the app uploaded (in the uploads folder, or its 新版本 subfolder)."""
    folder = uploads_dir().resolve()
    return source.parent.resolve() in (folder, folder / NEWER)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _reason(e: Exception, target: Path, name: str) -> str:
    """The ingest's one line about the file, in Chinese (ui/wording.py), without the path it has on the server (the
    page names the upload)."""
    msg = _one_line(str(e))
    for head in (f"{target}: ", f"{target.name}: "):
        if msg.startswith(head):
            msg = msg[len(head):]
            break
    return zh(msg.replace(str(target), name))


def recorded_source(index_dir, doc_id: str) -> str | None | bool:
    """The source the current index records for the document (False: it does not hold it; None: cannot be told),
    read from the current manifest only (no model is loaded)."""
    try:
        return KnowledgeBase.sources(index_dir).get(doc_id, False)
    except Exception:
        return None


def _indexed(index_dir: str | Path, doc_id: str) -> bool | None:
    """Whether the current index holds the document; None when that cannot be told."""
    source = recorded_source(index_dir, doc_id)
    return None if source is None else source is not False


def _model(kb: KnowledgeBase) -> str:
    """The model this index is opened with (the configured one, else the index's own): nothing is re-embedded."""
    return settings().model or kb.manifest["model"]


def add_document(kb: KnowledgeBase, index_dir: str | Path, name: str, data: bytes,
                 progress: Callable[[float, str], None] | None = None) -> tuple[str, SyncStats]:
    """Add an uploaded file to the index: (its document id, what the sync did); Refused with one line otherwise,
    leaving the index and the uploads folder as they were. The file is written into the uploads folder (atomically)
    before the index names it, so a kill at any point leaves the old index, or the new one with its source."""
    name = Path(str(name).replace("\\", "/")).name.strip() or "（无名文件）"
    suffix = Path(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise Refused(f"{name}：只能添加 {FORMATS} 文件（这是 {suffix or '没有扩展名的文件'}）。")
    if not data.strip():
        raise Refused(f"{name}：文件是空的。")
    doc_id = doc_id_for(Path(name))
    if doc_id in {d.doc_id for d in kb.documents}:
        raise Refused(f"{name}：索引里已有编号 {doc_id} 的文档《{kb.document(doc_id).title}》；"
                      "这是它的新版本时，用表中那一行的“更新版本”；是另一份文件时，把文件改名后再添加。")
    if not _writing.acquire(timeout=WRITE_WAIT):
        raise Refused(BUSY)
    try:
        folder = uploads_dir()
        target = folder / f"{doc_id}{suffix}"
        tmp = folder / f".upload.tmp-{os.getpid()}"        # not named after the file: its name may be at the limit
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)      # an orphan of an add killed before its index was written is replaced
        except OSError as e:
            tmp.unlink(missing_ok=True)
            raise Refused(f"{name}：无法保存到上传文件夹 {folder}（{e.strerror or e}），索引没有改动。") from None
        try:
            stats = KnowledgeBase.sync([target], index_dir, model=_model(kb), progress=progress,
                                       lock_timeout=WRITE_WAIT)
        except (KBError, BadDocument) as e:     # refused before anything was written: the file is no one's source
            target.unlink(missing_ok=True)
            raise Refused(BUSY if isinstance(e, IndexBusy) else f"{name}：{_reason(e, target, name)}") from None
        except Exception as e:                  # a failure while writing: the index is the old one or the new one
            indexed = _indexed(index_dir, doc_id)
            if indexed is False:
                target.unlink(missing_ok=True)
                raise Refused(f"{name}：{_reason(e, target, name)}") from None
            # in the index, or cannot be told: the file is kept (at worst an orphan the next add of its name replaces)
            done = "已加入索引，但写入收尾时出错" if indexed else "出错，索引是否已改动无法确认（刷新本页可见）"
            raise Refused(f"{name}：{done}：{_reason(e, target, name)}", changed=True) from None
        return doc_id, stats
    finally:
        _writing.release()


def remove_document(kb: KnowledgeBase, index_dir: str | Path, doc_id: str,
                    progress: Callable[[float, str], None] | None = None) -> SyncStats:
    """Remove a document from the index (as `kb rm`); Refused with one line otherwise, the index unchanged. A file
    the app had uploaded for it is deleted once the new index is current (no document's source any more)."""
    source = next((Path(d["source"]) for d in kb.manifest["documents"] if d["doc_id"] == doc_id), None)
    if not _writing.acquire(timeout=WRITE_WAIT):
        raise Refused(BUSY)
    try:
        stats = KnowledgeBase.sync([], index_dir, model=_model(kb), remove=[doc_id], progress=progress,
                                   lock_timeout=WRITE_WAIT)
    except IndexBusy:
        raise Refused(BUSY) from None
    except Exception as e:
        raise Refused(f"{doc_id}：{zh(_one_line(str(e)))}") from None
    finally:
        _writing.release()
    if source is not None and uploaded(source):
        source.unlink(missing_ok=True)
        try:        # an old version's cover (ui/versions.py); none can exist for a name too long to take the suffix
            source.with_name(source.stem + ".meta.json").unlink(missing_ok=True)
        except OSError:
            pass
    return stats


# ---------------------------------------------------------------- what the page shows

def structure(report) -> str:
    """A document's parts as `kb inspect` counts them: 篇, 章, 节, 条 and 专栏 (none of a kind: not said)."""
    parts = ([f"{report.volumes} {report.volume_word}"] if report.volumes else []) + [f"{report.chapters} 章"]
    parts += [f"{report.sections} 节"] if report.sections else []
    parts += [f"{report.articles} 条"] if report.articles else []
    parts += [f"{report.boxes} 个专栏"] if report.boxes else []
    return "、".join(parts)


def rows(kb: KnowledgeBase) -> list[list[tuple]]:
    """One row per indexed document, in COLUMNS order, each cell (text, its sort key or None to sort as text; the
    first: the title and the document id): the document's cover, the ingest's report and the manifest's entry."""
    entries = {d["doc_id"]: d for d in kb.manifest.get("documents", [])}
    out = []
    for d in kb.documents:
        r, m = d.report, entries.get(d.doc_id, {})
        paged = r is not None and d.paged
        added = m.get("added")
        try:
            when = datetime.fromisoformat(added).timestamp() if added else None
        except (TypeError, ValueError):
            when = None
        passages = m.get("passages")
        out.append([(d.title, d.doc_id), (d.issuer or "—", None), (d.date or "—", None),
                    (str(r.pages) if paged else "—", r.pages if paged else None),
                    (structure(r) if r is not None else "—", r.chapters if r is not None else None),
                    (str(passages) if passages is not None else "—", passages),
                    (r.source_format if r is not None else "—", None),
                    (added_at(added), when),
                    ((f"{len(r.warnings)} 条" if r.warnings else "无") if r is not None else "无报告（旧版索引）",
                     len(r.warnings) if r is not None else None)])
    return out


def _cell(text: str, key: float | None) -> str:
    return f'<td data-n="{float(key)}">{esc(text)}</td>' if key is not None else f"<td>{esc(text)}</td>"


def documents_table(kb: KnowledgeBase) -> str:
    """The documents as an escaped HTML table whose heads sort it (SORT_JS: numbers by their key, text in pinyin),
    each row ending with its 更新版本 link (ui/versions.py)."""
    from ui.versions import row_link
    heads = [f'<th data-col="{i + (i > 0)}" title="点击排序">{esc(c)}</th>' for i, c in enumerate(COLUMNS)]
    head = heads[0] + f"<th>{esc(UPDATE)}</th>" + "".join(heads[1:])        # data-col: the cell's index
    later = lambda i: f"（旧版，已被 {kb.superseded[i]} 取代）" if i in kb.superseded else ""     # noqa: E731
    body = "".join(f'<tr><td>{esc(row[0][0])}<br><span class="kb-meta">{esc(row[0][1] + later(row[0][1]))}</span></td>'
                   f"<td>{row_link(row[0][1])}</td>" + "".join(_cell(v, k) for v, k in row[1:]) + "</tr>"
                   for row in rows(kb))
    return (f'<div class="kb-scroll-hint">表格较宽，可左右滑动查看全部 {len(COLUMNS) + 1} 列</div>'
            f'<div class="kb-table kb-wide"><table class="kb-sort" id="documents"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def warnings_html(kb: KnowledgeBase) -> str:
    """The ingest's warnings, under each document's title (escaped: titles and warnings are the documents' text)."""
    out = []
    for d in kb.documents:
        if d.report is not None and d.report.warnings:
            items = "".join(f"<li>{esc(zh(w))}</li>" for w in d.report.warnings)
            out.append(html_block(f"《{esc(d.title)}》（{esc(d.doc_id)}）", "kb-sub")
                       + f'<ul class="kb-measures">{items}</ul>')
    return "".join(out)


class Bar:
    """A progress bar for a sync, called as its progress callback; it never raises: a click during the write makes
    Streamlit raise at the bar's next update, and the write must finish (or fail) whole. The click is kept
    (`pending`) and honoured once the write is over."""

    def __init__(self, text: str):
        self.bar = st.progress(0.0, text=plain(text))
        self.pending: Exception | None = None

    def __call__(self, frac: float, msg: str) -> None:
        if self.pending is not None:
            return
        try:
            self.bar.progress(min(max(float(frac), 0.0), 1.0), text=plain(msg))
        except Exception as e:          # Streamlit's rerun or stop request
            self.pending = e

    def clear(self) -> None:
        """A refused write: the bar goes (the error line under it says why), never left at 0 % or half-way."""
        try:
            self.bar.empty()
        except Exception:               # pragma: no cover - a rerun under way: the page is redrawn anyway
            pass


def _done(message: str, pending: Exception | None) -> None:
    """After a write: every page opens the new index (all cached results dropped), the message shown after."""
    st.session_state[SAID] = message
    st.session_state["docs-upload-n"] = st.session_state.get("docs-upload-n", 0) + 1    # an empty uploader
    st.session_state.pop("docs-confirm", None)
    st.cache_resource.clear()
    if pending is not None:
        raise pending
    st.rerun()


def page_documents(kb: KnowledgeBase, sid: str) -> None:
    st.html(SORT_JS, unsafe_allow_javascript=True)
    st.html(CSS)
    from ui import versions
    said = st.session_state.pop(SAID, None)
    if said:
        st.success(plain(said))
    versions.said_compare()
    index_dir = settings().index_dir
    asked = st.query_params.get(versions.ASKED) in {d.doc_id for d in kb.documents}
    if asked:                       # a row's 更新版本 link: its panel first, where the page opens
        versions.panel(kb, index_dir)
    n = sum(int(d.get("passages", 0)) for d in kb.manifest.get("documents", []))
    st.markdown(html_block("已索引的文档", "kb-h"), unsafe_allow_html=True)
    st.caption(f"共 {len(kb.documents)} 个文档、{n} 段。点击表头排序；“页数”只对按页排版的 PDF 给出。")
    st.markdown(documents_table(kb), unsafe_allow_html=True)
    notes = warnings_html(kb)
    if notes:
        st.markdown(html_block("入库提示", "kb-h"), unsafe_allow_html=True)
        st.markdown(notes, unsafe_allow_html=True)

    st.markdown(html_block("添加文档", "kb-h"), unsafe_allow_html=True)
    folder = uploads_dir()
    st.markdown(html_block(f"上传的文件保存在 <code>{esc(str(folder))}</code>，以文档编号命名；索引把它记作这份文档的来源，"
                           "<code>kb repair</code> 和重新入库都从这里读取（设置 <code>KB_UPLOADS</code> 可换文件夹）。",
                           "kb-meta"), unsafe_allow_html=True)
    up = st.file_uploader(f"选择一个 {FORMATS} 文件", key=f"docs-upload-{st.session_state.get('docs-upload-n', 0)}",
                          help="文档编号取自文件名；已有同一编号的文档时，用下面的“更新版本”换成新版本，或把文件改名。")
    if up is not None and st.button("加入索引", type="primary", key="docs-add", icon=":material/upload_file:"):
        show = Bar(f"正在加入 {up.name}……")
        try:
            doc_id, stats = add_document(kb, index_dir, up.name, up.getvalue(), show)
        except Refused as e:
            show.clear()
            if e.changed:
                st.cache_resource.clear()       # the next run opens the index that holds it
            st.error(plain(str(e)))
        else:
            doc = next((d for d in stats.reports if d.doc_id == doc_id), None)
            title = doc.title if doc is not None else doc_id
            warned = f"；入库提示 {len(doc.report.warnings)} 条，见上表下方" if doc and doc.report and doc.report.warnings else ""
            _done(f"已加入《{title}》（{doc_id}）：现有 {stats.documents} 个文档、{stats.passages} 段{warned}。",
                  show.pending)

    if not asked:
        versions.panel(kb, index_dir)

    st.markdown(html_block("删除文档", "kb-h"), unsafe_allow_html=True)
    ids = [d.doc_id for d in kb.documents]
    with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
        pick = st.selectbox("要从索引中删除的文档", ids, key="docs-pick",
                            format_func=lambda i: option(f"《{kb.document(i).title}》 {i}"))
        st.button("删除…", key="docs-remove", icon=":material/delete:", disabled=len(ids) < 2,
                  on_click=lambda: st.session_state.update({"docs-confirm": pick}))
    if len(ids) < 2:
        st.caption("索引里只有这一个文档：不能删除（索引不能为空）；可以先添加别的文档。")
    target = st.session_state.get("docs-confirm")
    if target in ids:
        doc = kb.document(target)
        m = next((d for d in kb.manifest["documents"] if d["doc_id"] == target), {})
        kept = uploaded(Path(m.get("source", "")))
        st.warning(plain(f"确定从索引中删除《{doc.title}》（{target}，{m.get('passages', '?')} 段）吗？"
                         + ("它上传时保存的文件也会删除。" if kept else "原文件不会删除，以后可以用 kb ingest 再加入。")))
        with st.container(horizontal=True, gap="small"):
            yes = st.button("确认删除", key="docs-confirm-yes", type="primary")
            st.button("取消", key="docs-confirm-no", on_click=lambda: st.session_state.pop("docs-confirm", None))
        if yes:
            show = Bar(f"正在删除 {target}……")
            try:
                stats = remove_document(kb, index_dir, target, show)
            except Refused as e:
                show.clear()
                st.error(plain(str(e)))
            else:
                _done(f"已删除《{doc.title}》（{target}）：剩 {stats.documents} 个文档、{stats.passages} 段。",
                      show.pending)
