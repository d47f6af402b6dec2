"""对照: beside a passage, the passages of the other documents that state the same measure or target
(KnowledgeBase.related), each cited, addable to 摘录 on its own or with the passage as one 对照 pair, and linked
to where it stands."""
from __future__ import annotations

import streamlit as st

from kb import KnowledgeBase
from ui.basket import add_button, pair_button
from ui.cite import item_of_passage
from ui.export import quotation
from ui.loading import cached_related
from ui.render import copy_button, esc, html_block, link, reading_link


def render_related(kb: KnowledgeBase, passage, key: str, expanded: bool = False) -> None:
    """An expander 对照 with the counterparts of `passage` in the other documents; nothing when the index holds one
    document, a plain word when no other document states the same."""
    if len(kb.documents) < 2:
        return
    hits = cached_related(kb, id(kb), passage.id)
    label = f"对照：其他文件中的同一举措（{len(hits)}）" if hits else "对照：其他文件中没有同一举措"
    with st.expander(label, expanded=expanded and bool(hits), icon=":material/compare_arrows:"):
        if not hits:
            st.caption("其他文件中没有表述同一举措或目标的段落（只列同一举措，不列仅主题相近的段落）。")
            return
        this = item_of_passage(kb, passage)
        for h in hits:
            p, c = h.passage, h.citation
            item = item_of_passage(kb, p, c)
            st.markdown(html_block(esc(p.text), "kb-text") + html_block("——" + esc(c.text), "kb-meta kb-cite"),
                        unsafe_allow_html=True)
            with st.container(horizontal=True, gap="small", vertical_alignment="center"):
                add_button(item, f"rel-{key}-{p.id}")
                pair_button(this, item, f"relpair-{key}-{p.id}")
                st.markdown(html_block(copy_button(quotation(item)) + " " + link(reading_link(p), "在原文中查看 →"),
                                       "kb-actions"), unsafe_allow_html=True)
