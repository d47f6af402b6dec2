"""The 问答 page: a question, its answer (a sentence, a table row or a list of measures) with citation and how sure
it is, and the most relevant passages."""
from __future__ import annotations

import streamlit as st

from kb import MAX_QUERY_CHARS, BadQuery, KBError, KnowledgeBase, chapter_name, environment, feedback, sentences, verdict
from ui.basket import add_button, basket
from ui.cite import item_of_answer, item_of_passage
from ui.config import EXAMPLES, SHOWN
from ui.docs import doc_ids, is_multi, set_url_doc, short_title, title_of, url_doc
from ui.export import quotation
from ui.history import question_history, remember
from ui.loading import cached_ask
from ui.related import render_related
from ui.render import COPY_JS, copy_button, esc, html_block, link, mark, option, plain, reading_link, row_table
from ui.wording import zh


def put_question(q: str) -> None:
    """Ask `q` (the box, an example, an entry of the history): the box shows it and the address carries it as a new
    entry of the browser's history, so Back returns to the previous question. Streamlit pushes an entry when the
    script changes st.query_params (a widget bound to the address would replace the entry instead). The address
    carries what the search uses, at most MAX_QUERY_CHARS characters, not a 3,000-character question."""
    st.session_state["q"] = q
    carried = q[:MAX_QUERY_CHARS] if q.strip() else ""
    if carried:
        st.query_params["q"] = carried
        remember(carried)
    else:
        st.query_params.pop("q", None)
    st.session_state["q_url"] = carried


def submit_question() -> None:
    put_question(st.session_state.get("q") or "")


def follow_address() -> None:
    """The address is the truth for the question: on opening, after Back or Forward (Streamlit reruns with that
    entry's address) and on coming back from another page, the box shows the address's question."""
    url_q = st.query_params.get("q", "")
    if st.session_state.get("q_url") != url_q or "q" not in st.session_state:
        opened = "q_url" not in st.session_state
        st.session_state["q"] = url_q
        st.session_state["q_url"] = url_q
        if opened and url_q.strip():         # a link opened: this browser asked it (ui/history.py: not a reload)
            remember(url_q[:MAX_QUERY_CHARS], opened=True)


def set_chapter() -> None:
    ch = st.session_state.get("ask_ch")
    if ch is None or ch < 0:
        st.query_params.pop("ch", None)
    else:
        st.query_params["ch"] = str(ch)


def set_doc() -> None:
    set_url_doc(st.session_state.get("ask_doc") or None)


def set_each() -> None:
    if st.session_state.get("ask_each"):
        st.query_params["each"] = "1"
    else:
        st.query_params.pop("each", None)


EACH_SHOWN = 2            # passages under each document's answer, side by side


def render_each(kb: KnowledgeBase, q: str) -> None:
    """按文件对照: the question put to every document, each document's answer (or its plain word that it does not
    say) with its closest passages, side by side (stacked for more than three documents)."""
    try:
        answers = kb.ask_each(q, k=EACH_SHOWN)
    except BadQuery as e:
        st.warning(f"无法检索这个问题：{plain(zh(str(e)))}")
        return
    st.html(COPY_JS, unsafe_allow_javascript=True)
    st.caption(f"按文件对照：同一个问题在 {len(answers)} 份文件中各自的回答（“{plain(answers[0].result.query)}”）")
    cols = st.columns(len(answers), gap="medium") if len(answers) <= 3 else [st.container() for _ in answers]
    for i, (col, a) in enumerate(zip(cols, answers)):
        res = a.result
        with col:
            st.markdown(html_block(esc(f"《{a.title}》"), "kb-each-title"), unsafe_allow_html=True)
            message = verdict.EACH_MESSAGES[res.verdict]
            if res.answer:
                if message:
                    st.caption(plain(message))
                render_answer(kb, res.answer, res.query, f"把握 {res.confidence:.0%}", key=f"-each{i}")
            elif message:
                st.markdown(html_block(esc(message), "kb-none"), unsafe_allow_html=True)
            if res.candidate is not None:
                render_candidate(kb, res.candidate, res.query)
            for hit in res.hits[:EACH_SHOWN]:
                render_hit(kb, hit, res.terms, res.query, res.candidate, key=f"-each{i}", said=res.answer)


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
        return option(c.heading) or "正文开头"
    return chapter_name(n)


def page_ask(kb: KnowledgeBase, sid: str) -> None:
    basket()                  # what this browser has collected: 加入摘录 says 已在摘录 for those
    multi = is_multi(kb)
    doc = url_doc(kb) if multi else None
    if multi:
        st.session_state["ask_doc"] = doc or ""   # the URL is the truth (浏览 may have changed it)
    chapters = chapter_numbers(kb, doc)
    try:                      # the URL is the truth for the chapter too (Back may have brought another)
        ch = int(st.query_params.get("ch", -1))
    except ValueError:
        ch = -1
    if ch not in chapters:
        if ch >= 0 and "ask_ch" in st.session_state:
            st.query_params.pop("ch", None)          # the new document has no such chapter
        ch = -1
    st.session_state["ask_ch"] = ch
    follow_address()
    question_history(put_question)

    if multi:
        col_q, col_doc, col_ch = st.columns([3, 1.2, 1], vertical_alignment="bottom")
    else:
        col_q, col_ch = st.columns([3, 1], vertical_alignment="bottom")
    with col_q, st.form("ask-form", border=False, enter_to_submit=True):
        # the button keeps its whole word 搜索 beside the question box when the document picker shares the row
        c_in, c_go = st.columns([3, 1] if multi else [5, 1], vertical_alignment="bottom", gap="small")
        with c_in:
            q = st.text_input("问题", key="q", placeholder="例如：铜材料深加工目标", label_visibility="collapsed")
        with c_go:
            st.form_submit_button("搜索", type="primary", icon=":material/search:", width="stretch",
                                  on_click=submit_question)
    if multi:
        with col_doc:
            st.selectbox("按文件筛选", [""] + doc_ids(kb), key="ask_doc", on_change=set_doc,
                         format_func=lambda d: title_of(kb, d, short=True) if d else "全部文件",
                         label_visibility="collapsed")
    with col_ch:
        chapter = st.selectbox("按章筛选", [-1] + chapters, key="ask_ch", on_change=set_chapter,
                               format_func=lambda n: chapter_label(kb, n, doc),
                               label_visibility="collapsed")
    each = False
    if multi and not doc:
        st.session_state["ask_each"] = st.query_params.get("each") == "1"     # the address is the truth
        each = st.toggle("按文件对照", key="ask_each", on_change=set_each,
                         help="同一个问题在每份文件中各自回答，并排对照（问“各文件对……怎么说”时自动对照）")
    q = q or ""
    if not q.strip():
        st.markdown("**试试这些问题：**")
        with st.container(horizontal=True, gap="small"):
            for i, ex in enumerate(EXAMPLES):
                st.button(ex, key=f"ex{i}", on_click=put_question, args=(ex,))
        st.caption("输入一个问题，按回车或点“搜索”。答案句直接引自纲要原文，并注明章节和页码；"
                   "问“有什么举措”“怎么做”时列出该节的各项举措；相关段落可以加入摘录，导出为 Markdown、Word 或 CSV。")
        return

    if len(q) > MAX_QUERY_CHARS:
        st.caption(f"问题较长（{len(q)} 字），检索时只使用前 {MAX_QUERY_CHARS} 字。")
    if multi and not doc and (each or KnowledgeBase.asks_each(q)):
        render_each(kb, q)
        return
    try:
        result, secs = cached_ask(kb, id(kb), q, None if chapter < 0 else chapter, doc)
    except BadQuery as e:
        st.warning(f"无法检索这个问题：{plain(zh(str(e)))}")
        return
    except KBError as e:
        st.error(f"检索出错：{plain(str(e))}")
        return
    st.html(COPY_JS, unsafe_allow_javascript=True)

    titles = [kb.document(doc).title] if doc else [d.title for d in kb.documents if d.doc_id not in kb.superseded]
    message = verdict.messages_for(titles)[result.verdict]
    if result.answer:
        if message:
            st.caption(plain(message))
        render_answer(kb, result.answer, q, f"把握 {result.confidence:.0%}")
    elif message and result.hits:
        # not vouched for: said plainly, and nothing below may read as the answer
        st.markdown(html_block(esc(message), "kb-none"), unsafe_allow_html=True)
    if result.candidate is not None:
        render_candidate(kb, result.candidate, q)
    hits = result.hits
    if result.measures:
        render_measures(kb, result.measures, hits[0].passage, q)
    if hits:
        render_feedback(result)
    if not hits:
        st.caption("没有找到相关段落。换个说法试试，或者取消章节筛选。" if not doc else
                   "没有找到相关段落。换个说法试试，或者取消文件、章节筛选。")
        return
    st.caption(f"相关段落 {len(hits)} 条 · 用时 {secs:.2f} 秒")
    if result.versions_note:
        st.caption(plain(f"{result.versions_note}。要检索较早的版本，在文件筛选中选定它。"))
    for hit in hits[:SHOWN]:
        render_hit(kb, hit, result.terms, q, result.candidate, said=result.answer)
    if len(hits) > SHOWN:
        with st.expander(f"更多段落（{len(hits) - SHOWN}）"):
            for hit in hits[SHOWN:]:
                render_hit(kb, hit, result.terms, q, result.candidate, said=result.answer)


def render_answer(kb: KnowledgeBase, a, q: str, sure: str, key: str = "") -> None:
    p = kb.passage(a.passage_id)
    c = a.citation
    item = item_of_answer(kb, a)
    if item["kind"] == "row":
        # an indicator row answers as a row of its table, not as a sentence built from its cells
        st.markdown(html_block(esc(f"答：{item['table']}中的一行") + row_table(p.cells), "kb-answer"),
                    unsafe_allow_html=True)
    else:
        st.markdown(html_block(mark(a.text, a.highlights), "kb-answer"), unsafe_allow_html=True)
    # the 把握 says what it means where it is shown (a calibrated probability: docs/TRUST.md)
    sure_html = (f' · <span title="{esc(SURE_MEANS)}">{esc(sure)}</span>') if sure else ""
    st.markdown(html_block(esc("出处：" + c.text) + sure_html + " · "
                           + link(reading_link(p, q, (a.start, a.start + len(a.text))), "在原文中查看") + " "
                           + copy_button(quotation(item)),
                           "kb-meta"), unsafe_allow_html=True)
    add_button(item, f"add-answer{key}")


SURE_MEANS = "把握是校准过的概率：在没有用于调校的盲测问题上，把握为 80% 的答案大约 80% 是对的。"


def render_candidate(kb: KnowledgeBase, c, q: str) -> None:
    """The closest sentence of an unvouched answer: labelled a candidate, in the muted style of a passage (not the
    answer's), with where it stands, and no 把握 or 加入摘录 that would make it read as the answer."""
    p = kb.passage(c.passage_id)
    st.markdown(html_block(f'<div class="kb-sub">{esc(verdict.CANDIDATE_LABEL)}</div>'
                           f'<span class="kb-candidate">{esc(c.text)}</span>', "kb-text")
                + html_block(esc("位置：" + c.citation.text) + " · "
                             + link(reading_link(p, q, (c.start, c.start + len(c.text))), "在原文中查看"),
                             "kb-meta"), unsafe_allow_html=True)


def render_feedback(result) -> None:
    """有帮助 / 答案不对 under every answer: a click is stored locally (kb.feedback, KB_FEEDBACK) with the question
    and the sentence shown; 答案不对 asks which sentence of the passages shown is right, or 纲要中没有."""
    shown = result.answer or result.candidate
    key = f"fb-{abs(hash((result.query, shown.text if shown else '')))}"
    if st.session_state.get(key):
        st.caption(f"已记录反馈：{st.session_state[key]}。谢谢！")
        return
    with st.container(horizontal=True, gap="small", vertical_alignment="center"):
        st.caption("这个回答：" if result.answer is not None else "这个结果：")
        if shown is not None:
            st.button("有帮助", key=key + "-ok", icon=":material/thumb_up:", on_click=save_feedback,
                      args=(key, result, feedback.HELPFUL, ""))
        with st.popover("答案不对", icon=":material/thumb_down:"):
            options = [""] + [s for h in result.hits[:SHOWN] for s in sentence_texts(h.passage.text)]
            st.selectbox("哪一句才是答案？", options, key=key + "-pick",
                         format_func=lambda s: "纲要中没有" if not s else option(s))
            st.button("提交", key=key + "-send", on_click=save_feedback,
                      args=(key, result, feedback.WRONG, None))


def sentence_texts(text: str) -> list[str]:
    return [text[a:b].strip() for a, b in sentences(text) if text[a:b].strip()]


def save_feedback(key: str, result, said: str, right: str | None) -> None:
    if right is None:
        right = st.session_state.get(key + "-pick") or ""
    shown = result.answer or result.candidate
    try:
        feedback.record(environment().feedback, feedback.Feedback(
            result.query, result.verdict, shown.text if shown else "", shown.citation.place if shown else "", said,
            right))
    except (OSError, KBError) as e:
        st.toast(f"反馈未能保存：{plain(str(e))}")
        return
    st.session_state[key] = "有帮助" if said == feedback.HELPFUL else ("纲要中没有" if not right else "已指出正确的句子")


def render_measures(kb: KnowledgeBase, ms, best, q: str) -> None:
    """The measures of the best section, each its lead phrase and sentence, verbatim, with a link."""
    where = best.heading_path
    items = []
    for m in ms:
        p = kb.passage(m.passage_id)
        lead = f'<b>{esc(m.lead)}</b>' if m.lead else ""
        items.append(f"<li>{lead}{esc(m.text)} {link(reading_link(p, q), '原文 →', 'kb-more')}</li>")
    st.markdown(html_block(f'<div class="kb-sub">{esc("纲要中的举措（" + where + "）")}</div>'
                           f'<ol class="kb-measures">{"".join(items)}</ol>', "kb-list"),
                unsafe_allow_html=True)


def render_hit(kb: KnowledgeBase, hit, terms, q: str, candidate=None, key: str = "", said=None) -> None:
    """One passage found, cited, with its 对照 (for the sentence answered or marked as the candidate when it is in
    this passage, else for the passage)."""
    p = hit.passage
    c = hit.citation
    item = item_of_passage(kb, p, hit.citation)
    with st.container(border=True, key=f"hit{key}-{hit.rank}"):
        where = esc(p.heading_path) + esc(c.pages.replace("，", " · "))
        if is_multi(kb):   # hits may come from several documents: name the document first
            where = f"《{esc(short_title(p.doc_title))}》 " + where
        st.markdown(html_block(f"{hit.rank}. {where}", "kb-meta"), unsafe_allow_html=True)
        if item["kind"] == "row":
            st.markdown(row_table(p.cells), unsafe_allow_html=True)
        else:
            focus = None
            if candidate is not None and candidate.passage_id == p.id:   # the candidate, marked where it stands
                focus = (candidate.start, candidate.start + len(candidate.text))
            st.markdown(html_block(mark(p.text, kb.highlight(p.text, list(terms)), focus)), unsafe_allow_html=True)
            if focus:
                st.caption(plain("底色标出的是" + verdict.CANDIDATE_LABEL))
        st.markdown(html_block("——" + esc(c.text), "kb-meta kb-cite"), unsafe_allow_html=True)
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            add_button(item, f"add-{p.id}")
            st.markdown(html_block(copy_button(quotation(item)) + " "
                                   + link(reading_link(p, q), "在原文中查看 →"), "kb-actions"),
                        unsafe_allow_html=True)
        shown = next((a for a in (said, candidate) if a is not None and a.passage_id == p.id and a.kind != "row"),
                      None)
        render_related(kb, p, f"hit{key}-{hit.rank}", sentence=shown and (shown.start, shown.start + len(shown.text)))
