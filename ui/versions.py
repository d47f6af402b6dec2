"""更新版本 on the 文档 page: a new file for an indexed document (the adopted text of a 草案, a corrected file) replaces
it under the same id through KnowledgeBase.sync(new_version=True), as `kb ingest --new-version` does: one writer, the
new index made current in one step, a refused file (wrong format, empty, unreadable, another document) changing
nothing. The old version can be kept as a document of its own (`ID-旧版`) to open in 对比.

The new file is kept in the uploads folder under the document's id. It never overwrites the file the current index
records (a kill before the swap would leave that index with a changed source): when the old version is itself
`uploads/ID.txt`, the new one goes to `uploads/新版本/ID.txt`, and the next update back to `uploads/ID.txt`.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shutil
from pathlib import Path
from typing import Callable

import streamlit as st

from kb import BadDocument, IndexBusy, KBError, KnowledgeBase, NotANewVersion, SyncStats, added_at
from ui import documents as page
from ui.render import html_block, link, option, plain

OLD = "旧版"                # the id of a kept old version: ID-旧版 (ID-旧版-2, … when that is taken)
PICK, ASKED = "docs-update-pick", "update"      # the selectbox's key; the address's ?update=ID (a row's link)
COMPARE = "docs-said-compare"                   # session key: the (old, new) ids to link to 对比 after a kept update


@dataclasses.dataclass(frozen=True)
class Replaced:
    """What an update did: the document's title and passages before and after, how many passages are word for word
    the same, and the id the old version was kept under (None: replaced)."""
    doc_id: str
    title_before: str
    title_after: str
    passages_before: int
    passages_after: int
    same: int
    kept: str | None
    stats: SyncStats

    def summary(self, name: str) -> str:
        """The page's one line about it."""
        title = (f"《{self.title_before}》" if self.title_before == self.title_after
                 else f"《{self.title_before}》→《{self.title_after}》")
        changed = self.passages_after - self.same
        gone = self.passages_before - self.same
        kept = (f"旧版本保留为 {self.kept}，可打开对比查看逐段差异。" if self.kept
                else "旧版本已从索引中替换。")
        return (f"已把{title}（{self.doc_id}）更新为 {name}：段落 {self.passages_before} → {self.passages_after}"
                f"（{self.same} 段未变，{changed} 段新增或改写，{gone} 段删去或改写）。{kept}")


def _old_id(kb: KnowledgeBase, doc_id: str) -> str:
    ids = {d.doc_id for d in kb.documents}
    out, n = f"{doc_id}-{OLD}", 2
    while out in ids:
        out, n = f"{doc_id}-{OLD}-{n}", n + 1
    return out


def _write(path: Path, data: bytes) -> None:
    """path's content becomes data in one step (a temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _tidy(files: list[Path]) -> None:
    """Remove files that are no document's source, and the 新版本 folder once it is empty."""
    for f in files:
        f.unlink(missing_ok=True)
    try:
        (page.uploads_dir() / page.NEWER).rmdir()
    except OSError:
        pass


def replace_document(kb: KnowledgeBase, index_dir: str | Path, doc_id: str, name: str, data: bytes,
                     keep_old: bool = False, progress: Callable[[float, str], None] | None = None) -> Replaced:
    """Replace document doc_id with an uploaded new version of it (kept in the uploads folder as its source, recorded
    as added now); with keep_old, its old version stays in the index as `ID-旧版` (its file copied into the uploads
    folder). Refused with one line otherwise, the index and the uploads folder as they were."""
    name = Path(str(name).replace("\\", "/")).name.strip() or "（无名文件）"
    suffix = Path(name).suffix.lower()
    if suffix not in page.SUFFIXES:
        raise page.Refused(f"{name}：只能添加 {page.FORMATS} 文件（这是 {suffix or '没有扩展名的文件'}）。")
    if not data.strip():
        raise page.Refused(f"{name}：文件是空的。")
    entry = next((d for d in kb.manifest["documents"] if d["doc_id"] == doc_id), None)
    if entry is None:
        raise page.Refused(f"索引里已没有编号 {doc_id} 的文档（可能刚被删除）；刷新本页再看。")
    old = kb.document(doc_id)
    if hashlib.sha256(data).hexdigest() == entry["sha256"]:
        raise page.Refused(f"{name}：与已索引的《{old.title}》（{doc_id}）是同一个文件，没有改动。")
    source = Path(entry["source"])
    if keep_old and not (source.is_file() and hashlib.sha256(source.read_bytes()).hexdigest() == entry["sha256"]):
        raise page.Refused(f"{doc_id}：旧版本的文件（{source.name}）已不在或已改动，无法另存为单独的文档；"
                           "不勾选“保留旧版本”可直接更新。")
    if not page._writing.acquire(timeout=page.WRITE_WAIT):
        raise page.Refused(page.BUSY)
    try:
        folder = page.uploads_dir()
        target = folder / f"{doc_id}{suffix}"
        if target.resolve() == source.resolve():        # never overwrite what the current index records
            target = folder / page.NEWER / target.name
        written = files = [target]
        kept = _old_id(kb, doc_id) if keep_old else None
        try:
            _write(target, data)
            if kept:
                copy = folder / f"{kept}{source.suffix.lower()}"
                written, files = written + [copy], [target, copy]
                _write(copy, source.read_bytes())
                meta = source.with_name(source.stem + ".meta.json")     # the old version's cover, if it had one
                if meta.is_file():
                    written.append(folder / f"{kept}.meta.json")
                    shutil.copyfile(meta, written[-1])
        except OSError as e:
            _tidy(written)
            raise page.Refused(f"{name}：无法保存到上传文件夹 {folder}（{e.strerror or e}），索引没有改动。") from None
        model = page._model(kb)
        try:
            stats = KnowledgeBase.sync(files, index_dir, model=model, progress=progress,
                                       lock_timeout=page.WRITE_WAIT, new_version=True)
        except NotANewVersion as e:
            _tidy(written)
            raise page.Refused(f"{name}：看来不是《{old.title}》的新版本：它的标题是《{e.new_title}》，与现有版本相同的"
                               f"文字只有 {e.shared:.0%}。要加入另一份文件，请把文件改名后用“添加文档”。") from None
        except (KBError, BadDocument) as e:     # refused before anything was written
            _tidy(written)
            raise page.Refused(page.BUSY if isinstance(e, IndexBusy)
                               else f"{name}：{page._reason(e, target, name)}") from None
        except Exception as e:                  # a failure while writing: the index is the old one or the new one
            now = page.recorded_source(index_dir, doc_id)
            if now is not None and now != str(target.resolve()):
                _tidy(written)
                raise page.Refused(f"{name}：{page._reason(e, target, name)}") from None
            done = "已更新，但写入收尾时出错" if now else "出错，索引是否已改动无法确认（刷新本页可见）"
            raise page.Refused(f"{name}：{done}：{page._reason(e, target, name)}", changed=True) from None
        if page.uploaded(source) and source.resolve() != target.resolve():     # no document's source any more
            source.unlink(missing_ok=True)
        _tidy([])
    finally:
        page._writing.release()
    new = KnowledgeBase.open(index_dir, model=model, check_sources=False)
    before = [p.text for p in kb.passages if p.doc_id == doc_id]
    after = [p.text for p in new.passages if p.doc_id == doc_id]
    left = list(before)
    same = 0
    for t in after:
        if t in left:
            left.remove(t)
            same += 1
    return Replaced(doc_id, old.title, new.document(doc_id).title, len(before), len(after), same, kept, stats)


# ---------------------------------------------------------------- what the page shows

def row_link(doc_id: str) -> str:
    """The 更新版本 link of a row of the documents table: the page with that document's update panel open."""
    return link(f"?page=文档&{ASKED}={doc_id}", "更新版本", "kb-update")


def compare_link(old: str, new: str) -> str:
    return link(f"?page=对比&a={old}&b={new}", f"打开对比：{old} → {new}")


def said_compare() -> None:
    """After an update that kept the old version: the link to 对比 of the two versions."""
    pair = st.session_state.pop(COMPARE, None)
    if pair:
        st.markdown(html_block(compare_link(*pair), "kb-sub"), unsafe_allow_html=True)


def panel(kb: KnowledgeBase, index_dir) -> None:
    """更新版本: pick a document (a row's link picks it), upload its new version, keep the old one or not."""
    ids = [d.doc_id for d in kb.documents]
    asked = st.query_params.get(ASKED)
    if asked in ids and st.session_state.get("docs-update-asked") != asked:
        st.session_state[PICK] = asked                  # a row's link, once: the selectbox can be changed after
        st.session_state["docs-update-asked"] = asked
    st.markdown(html_block("更新版本", "kb-h"), unsafe_allow_html=True)
    st.markdown(html_block("有了一份文件的新版本（草案的正式文本、改正后的文件）：上传它，替换索引中的旧版本，文档编号不变。"
                           "勾选“保留旧版本”时，旧版本另存为 <code>编号-旧版</code>，可在对比页逐段比较两版。", "kb-meta"),
                unsafe_allow_html=True)
    pick = st.selectbox("要更新的文档", ids, key=PICK,
                        format_func=lambda i: option(f"《{kb.document(i).title}》 {i}"))
    m = next((d for d in kb.manifest["documents"] if d["doc_id"] == pick), {})
    source = Path(m.get("source", ""))
    st.caption(plain(f"现在的版本：{m.get('passages', '?')} 段，来自 {source.name}，加入于 {added_at(m.get('added'))}。"))
    up = st.file_uploader(f"选择《{plain(kb.document(pick).title)}》新版本的 {page.FORMATS} 文件",
                          key=f"docs-new-{st.session_state.get('docs-upload-n', 0)}")
    keep = st.checkbox("保留旧版本（另存为单独的文档，以便对比）", key="docs-keep-old",
                       disabled=not source.is_file(),
                       help=None if source.is_file() else "旧版本的文件已不在，无法另存。")
    if up is not None and st.button("更新为这个文件", type="primary", key="docs-replace",
                                    icon=":material/published_with_changes:"):
        show = page.Bar(f"正在用 {up.name} 更新 {pick}……")
        try:
            done = replace_document(kb, index_dir, pick, up.name, up.getvalue(), keep and source.is_file(), show)
        except page.Refused as e:
            show.clear()
            if e.changed:
                st.cache_resource.clear()
            st.error(plain(str(e)))
        else:
            if done.kept:
                st.session_state[COMPARE] = (done.kept, done.doc_id)
            st.query_params.pop(ASKED, None)
            st.session_state.pop("docs-update-asked", None)
            page._done(done.summary(Path(up.name).name), show.pending)
