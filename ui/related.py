"""对照: beside a passage, the passages of the other documents that state the same measure or target
(KnowledgeBase.related), for the whole passage or one sentence of it (picked in the panel; the answer's sentence
first), each cited with the sentence that says the same marked, addable to 摘录 on its own or with the passage as one
对照 pair, and linked to that sentence where it stands."""
from __future__ import annotations

import streamlit as st

from kb import KnowledgeBase
from ui.basket import add_button, pair_button
from ui.cite import item_of_passage
from ui.export import quotation
from ui.loading import cached_related
from ui.render import copy_button, esc, html_block, link, mark, option, reading_link


WHOLE = "整段"
LABEL_CHARS = 40            # a sentence in the picker: its first characters


def _picked(flag: str) -> None:
    st.session_state[flag] = True


def _label(n: int, text: str) -> str:
    text = " ".join(text.split())
    return f"第{n}句：" + (text if len(text) <= LABEL_CHARS else text[:LABEL_CHARS] + "…")


def render_related(kb: KnowledgeBase, passage, key: str, expanded: bool = False,
                   sentence: tuple[int, int] | None = None) -> None:
    """An expander 对照 with the counterparts of `passage` in the other documents; nothing when the index holds one
    document, a plain word when no other document states the same. A passage of several sentences offers them in
    a picker (整段 first); `sentence` ([start, end) in the passage: the answer's) is picked to begin with."""
    if len(kb.documents) < 2:
        return
    spans = kb.related_sentences(passage.id)           # what 对照 asks: a lead phrase is read with its sentence
    spans = spans if len(spans) > 1 else []
    pick_key = f"relpick-{key}-{passage.id}"
    start = next((n for n, (a, b) in enumerate(spans, 1) if sentence and a < sentence[1] and sentence[0] < b), 0)
    chosen = st.session_state.get(pick_key, start)
    chosen = chosen if 0 <= chosen <= len(spans) else 0
    asked = passage.text[slice(*spans[chosen - 1])].strip() if chosen else None
    hits = cached_related(kb, id(kb), passage.id, asked)
    whose = f"本段第{chosen}句" if asked else "本段"
    label = (f"对照：其他文件中与{whose}同一举措（{len(hits)}）" if hits
             else f"对照：其他文件中没有与{whose}同一的举措")
    # a new label is a new expander to Streamlit: one the person picked a sentence in stays open
    picked = bool(st.session_state.get(pick_key + "-picked"))
    with st.expander(label, expanded=(expanded and bool(hits)) or picked, icon=":material/compare_arrows:"):
        if spans:
            st.selectbox("对照哪一句", range(len(spans) + 1), index=start, key=pick_key,
                         format_func=lambda n: WHOLE if n == 0 else option(_label(n, passage.text[slice(*spans[n - 1])])),
                         on_change=_picked, args=(pick_key + "-picked",))
        if not hits:
            st.caption(f"其他文件中没有表述与{whose}同一举措或目标的段落（只列同一举措，不列仅主题相近的段落）。")
            return
        this = item_of_passage(kb, passage)
        for h in hits:
            p, c = h.passage, h.citation
            item = item_of_passage(kb, p, c)
            if not asked and len(spans) > 1:        # which sentence of the passage it restates
                st.markdown(html_block("对应本段：" + esc(passage.text[slice(*h.source)].strip()), "kb-meta"),
                            unsafe_allow_html=True)
            st.markdown(html_block(mark(p.text, (), h.match)) + html_block("——" + esc(c.text), "kb-meta kb-cite"),
                        unsafe_allow_html=True)
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                add_button(item, f"rel-{key}-{p.id}")
                pair_button(this, item, f"relpair-{key}-{p.id}")
                st.markdown(html_block(copy_button(quotation(item)) + " "
                                       + link(reading_link(p, sentence=h.match), "在原文中查看 →"), "kb-actions"),
                            unsafe_allow_html=True)
