"""Open the knowledge base once per process (or say what to run) and cache what the pages repeat."""
from __future__ import annotations

import shlex
import threading
import time

import streamlit as st

from kb import ConfigError, IndexCorrupt, KBError, KnowledgeBase
from ui.config import MORE, Settings
from ui.render import plain


@st.cache_resource(show_spinner="正在打开索引……")
def load_kb(index_dir: str, model: str | None) -> KnowledgeBase:
    kb = KnowledgeBase.open(index_dir=index_dir, model=model)
    # The answer's lazy tables (jieba's dictionary, the idf look-up …) are filled by one question in the background:
    # the page is usable as soon as the index is open, and a question typed meanwhile only waits for the rest.
    threading.Thread(target=_first_question, args=(kb,), name="kb-first-question", daemon=True).start()
    return kb


def _first_question(kb: KnowledgeBase) -> None:
    try:
        kb.ask("铜材料深加工目标")
    except Exception:  # noqa: BLE001 — a warm-up only: the page's own question will say what is wrong
        pass


@st.cache_resource(max_entries=512, show_spinner=False)
def cached_ask(_kb: KnowledgeBase, kb_id: int, query: str, chapter: int | None,
               doc: str | None = None):
    t0 = time.perf_counter()
    result = _kb.ask(query, k=MORE, chapter=chapter, doc=doc)
    return result, time.perf_counter() - t0


@st.cache_resource(max_entries=2048, show_spinner=False)
def cached_related(_kb: KnowledgeBase, kb_id: int, passage_id: str, sentence: str | None = None) -> tuple:
    return _kb.related(passage_id, sentence=sentence)


@st.cache_resource(show_spinner=False)
def section_blocks(_kb: KnowledgeBase, kb_id: int, doc_id: str) -> dict:
    """(chapter, section) → the document's blocks there, in reading order."""
    out: dict[tuple[int, int], list] = {}
    for b in _kb.document(doc_id).blocks:
        out.setdefault((b.chapter, b.section), []).append(b)
    return out


@st.cache_resource(show_spinner=False)
def all_targets(_kb: KnowledgeBase, kb_id: int):
    return _kb.targets()


def warm_up(cfg: Settings) -> KnowledgeBase:
    """Everything a first visit needs, computed once per process (ui/serve.py calls it as the server starts)."""
    kb = load_kb(cfg.index_dir, cfg.model)
    for d in kb.documents:
        section_blocks(kb, id(kb), d.doc_id)
    all_targets(kb, id(kb))
    return kb


def repair_command(cfg: Settings) -> str:
    """The command that (re)builds the index this app opens (tests/test_app.py runs it)."""
    model = f" --model {shlex.quote(cfg.model)}" if cfg.model else ""
    return f".venv/bin/kb --index {shlex.quote(cfg.index_dir)}{model} ingest {shlex.quote(cfg.corpus)}"


def open_or_stop(cfg: Settings) -> KnowledgeBase:
    """The knowledge base, or a message saying what to run (never a stack trace)."""
    try:
        return load_kb(cfg.index_dir, cfg.model)
    except ConfigError as e:               # the settings, not the index: rebuilding would not help
        st.error(f"设置有误，索引未打开：{plain(str(e))}\n\n请改正后刷新本页（`kb config` 列出现在生效的设置）。")
        st.stop()
    except KBError as e:
        problem = str(e)
        damaged = isinstance(e, IndexCorrupt)
    except Exception as e:  # a broken install must still read as a sentence
        problem = f"{type(e).__name__}: {e}"
        damaged = False
    if damaged:       # the error names the repair (`kb --index … repair`): the button runs that same repair
        st.error(f"无法打开索引 “{plain(cfg.index_dir)}”：{plain(problem)}\n\n"
                 "修复会从每个文件记录的来源重新读取（来源已不在的保留上一版），可以运行上面的命令，"
                 "也可以点下面的按钮直接修复，然后刷新本页。")
    else:
        st.error(f"无法打开索引 “{plain(cfg.index_dir)}”：{plain(problem)}\n\n"
                 f"请在项目目录运行 `{repair_command(cfg)}` 建立索引，然后刷新本页；"
                 "也可以点下面的按钮直接建立。")
    if st.button("现在修复索引" if damaged else "现在建立索引", type="primary"):
        bar = st.progress(0.0, text="正在修复索引……" if damaged else "正在建立索引……")
        show = lambda f, msg: bar.progress(min(max(float(f), 0.0), 1.0), text=str(msg))  # noqa: E731
        try:
            if damaged:
                KnowledgeBase.repair(cfg.index_dir, model=cfg.model, progress=show)
            else:
                KnowledgeBase.build([cfg.corpus], index_dir=cfg.index_dir, model=cfg.model, progress=show)
        except Exception as e:
            st.error(f"建立索引失败：{e}")
            st.stop()
        load_kb.clear()
        st.rerun()
    st.stop()
