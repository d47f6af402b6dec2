"""The 问答 page: a question, its answer sentence with citation, and the most relevant passages."""
from __future__ import annotations

import streamlit as st

from ingest.records import cn
from kb import BadQuery, KBError, KnowledgeBase
from ui.basket import add_item, item_of_answer, item_of_passage
from ui.config import EXAMPLES, LONG_QUERY, SHOWN
from ui.docs import doc_ids, is_multi, set_url_doc, short_title, title_of, url_doc
from ui.export import quotation
from ui.loading import cached_ask
from ui.render import esc, html_block, link, mark, reading_link


def set_query(q: str) -> None:
    st.session_state["q"] = q


def set_chapter() -> None:
    ch = st.session_state.get("ask_ch")
    if ch is None or ch < 0:
        st.query_params.pop("ch", None)
    else:
        st.query_params["ch"] = str(ch)


def set_doc() -> None:
    set_url_doc(st.session_state.get("ask_doc") or None)


def chapter_numbers(kb: KnowledgeBase, doc: str | None) -> list[int]:
    """The chapters the filter offers: the selected document's, or every document's."""
    docs = [kb.document(doc)] if doc else kb.documents
    return sorted({c.number for d in docs for c in d.chapters})


def same_chapters(kb: KnowledgeBase) -> bool:
    """All documents have the same chapters under the same titles (one document always does)."""
    first = [(c.number, c.title) for c in kb.documents[0].chapters]
    return all([(c.number, c.title) for c in d.chapters] == first for d in kb.documents[1:])


def chapter_label(kb: KnowledgeBase, n: int, doc: str | None = None) -> str:
    if n < 0:
        return "全部章节"
    if doc:
        c = kb.document(doc).chapter(n)
    elif same_chapters(kb):
        c = kb.documents[0].chapter(n)
    else:
        c = None          # every document, and their chapters differ: 第X章 alone
    if c is not None:
        return c.heading or "正文开头"
    return "序言" if n == 0 else f"第{cn(n)}章"


def page_ask(kb: KnowledgeBase, sid: str) -> None:
    multi = is_multi(kb)
    doc = url_doc(kb) if multi else None
    if multi:
        st.session_state["ask_doc"] = doc or ""   # the URL is the truth (浏览 may have changed it)
    chapters = chapter_numbers(kb, doc)
    if "ask_ch" not in st.session_state:
        try:
            ch = int(st.query_params.get("ch", -1))
        except ValueError:
            ch = -1
        st.session_state["ask_ch"] = ch if ch in chapters else -1
    elif st.session_state["ask_ch"] not in [-1] + chapters:
        st.session_state["ask_ch"] = -1              # the new document has no such chapter
        st.query_params.pop("ch", None)

    if multi:
        col_q, col_doc, col_ch = st.columns([3, 1.2, 1], vertical_alignment="bottom")
    else:
        col_q, col_ch = st.columns([3, 1], vertical_alignment="bottom")
    with col_q:
        q = st.text_input("问题", key="q", bind="query-params",
                          placeholder="例如：铜材料深加工目标", label_visibility="collapsed")
    if multi:
        with col_doc:
            st.selectbox("按文件筛选", [""] + doc_ids(kb), key="ask_doc", on_change=set_doc,
                         format_func=lambda d: title_of(kb, d, short=True) if d else "全部文件",
                         label_visibility="collapsed")
    with col_ch:
        chapter = st.selectbox("按章筛选", [-1] + chapters, key="ask_ch", on_change=set_chapter,
                               format_func=lambda n: chapter_label(kb, n, doc),
                               label_visibility="collapsed")
    q = q or ""
    if not q.strip():
        st.markdown("**试试这些问题：**")
        with st.container(horizontal=True, gap="small"):
            for i, ex in enumerate(EXAMPLES):
                st.button(ex, key=f"ex{i}", on_click=set_query, args=(ex,))
        st.caption("输入一个问题，按回车。答案句直接引自纲要原文，并注明章节和页码；"
                   "相关段落可以加入摘录，导出为 Markdown、Word 或 CSV。")
        return

    if len(q) > LONG_QUERY:
        st.caption(f"问题较长（{len(q)} 字），检索时只使用前面一部分。")
    try:
        result, secs = cached_ask(kb, id(kb), q, None if chapter < 0 else chapter, doc)
    except BadQuery as e:
        st.warning(f"无法检索这个问题：{e}")
        return
    except KBError as e:
        st.error(f"检索出错：{e}")
        return

    if result.answer:
        a = result.answer
        p = kb.passage(a.passage_id)
        st.markdown(html_block(mark(a.text, a.highlights), "kb-answer"), unsafe_allow_html=True)
        sure = f" · 把握 {result.confidence:.0%}" if result.confidence is not None else ""
        st.markdown(html_block(esc("出处：" + a.citation.text + sure) + " · "
                               + link(reading_link(p, sid, q), "在原文中查看"), "kb-meta"),
                    unsafe_allow_html=True)
        with st.container(horizontal=True, gap="small"):
            st.button("加入摘录", key="add-answer", icon=":material/bookmark_add:",
                      on_click=add_item, args=(item_of_answer(a, p),))
            with st.popover("复制", icon=":material/content_copy:"):
                st.code(quotation(item_of_answer(a, p)), language=None, wrap_lines=True)
    elif result.hits:
        sure = f"（把握 {result.confidence:.0%}）" if result.confidence is not None else ""
        st.info(f"没有找到能直接回答的句子{sure}，下面是最相关的段落。")

    hits = result.hits
    if not hits:
        st.caption("没有找到相关段落。换个说法试试，或者取消章节筛选。" if not doc else
                   "没有找到相关段落。换个说法试试，或者取消文件、章节筛选。")
        return
    st.caption(f"相关段落 {len(hits)} 条 · 用时 {secs:.2f} 秒")
    for hit in hits[:SHOWN]:
        render_hit(kb, hit, result.terms, sid, q)
    if len(hits) > SHOWN:
        with st.expander(f"更多段落（{len(hits) - SHOWN}）"):
            for hit in hits[SHOWN:]:
                render_hit(kb, hit, result.terms, sid, q)


def render_hit(kb: KnowledgeBase, hit, terms, sid: str, q: str) -> None:
    p = hit.passage
    with st.container(border=True, key=f"hit-{hit.rank}"):
        page = f" · 第{p.page}页" if p.page else ""
        where = esc(p.heading_path)
        if is_multi(kb):   # hits may come from several documents: name the document first
            where = f"《{esc(short_title(p.doc_title))}》 " + where
        st.markdown(html_block(f"{hit.rank}. {where}{page}", "kb-meta"),
                    unsafe_allow_html=True)
        st.markdown(html_block(mark(p.text, kb.highlight(p.text, list(terms)))),
                    unsafe_allow_html=True)
        st.markdown(html_block("——" + esc(hit.citation.text), "kb-meta kb-cite"),
                    unsafe_allow_html=True)
        item = item_of_passage(p, hit.citation)
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.button("加入摘录", key=f"add-{p.id}", icon=":material/bookmark_add:",
                      on_click=add_item, args=(item,))
            with st.popover("复制", icon=":material/content_copy:"):
                st.code(quotation(item), language=None, wrap_lines=True)
            st.markdown(link(reading_link(p, sid, q), "在原文中查看 →"), unsafe_allow_html=True)
