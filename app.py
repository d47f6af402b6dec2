"""Streamlit front end of the knowledge base: 问答, 浏览, 摘录, 指标, 文档 and 对比 over the planning documents.

Run with `python -m ui.serve` (warms the index as the server starts; `make run`) or `streamlit run app.py`.
This file only wires the pages together; they live in ui/.
"""
from __future__ import annotations

import streamlit as st

from ui.ask import page_ask
from ui.basket import remember_browser, session_id
from ui.browse import page_browse
from ui.compare import page_compare
from ui.documents import page_documents
from ui.config import PAGES, settings
from ui.loading import open_or_stop
from ui.quotes import page_basket
from ui.render import CSS, LOCALE_JS, TABS_JS, plain
from ui.targets import page_targets


def main() -> None:
    st.set_page_config(page_title="规划纲要知识库", page_icon="📘", layout="wide")
    st.html(CSS)
    st.html(LOCALE_JS, unsafe_allow_javascript=True)
    st.html(TABS_JS, unsafe_allow_javascript=True)
    sid = session_id()
    remember_browser()
    st.markdown('<h2 class="kb-title">规划纲要知识库</h2>', unsafe_allow_html=True)
    kb = open_or_stop(settings())

    # A shared reading link (?section=2.2) opens 浏览 even without ?page=.
    if "page" not in st.session_state and "page" not in st.query_params \
            and "section" in st.query_params:
        st.session_state["page"] = "浏览"

    asked = st.query_params.get("page")
    bad_page = asked if asked and asked not in PAGES else None
    tabs = st.tabs(PAGES, key="page", bind="query-params")
    if bad_page:             # a link to a page that does not exist: said, not ignored
        st.warning(f"没有“{plain(bad_page)}”这个页面（有：{'、'.join(PAGES)}），已打开「问答」。")
    for tab, name, page in zip(tabs, PAGES, (page_ask, page_browse, page_basket, page_targets, page_documents,
                                         page_compare)):
        if tab.open:
            with tab:
                page(kb, sid)


if __name__ == "__main__":
    main()
