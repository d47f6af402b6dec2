"""The 摘录 page: the collected quotations, reordered or removed, and exported."""
from __future__ import annotations

import streamlit as st

from kb import KBError, KnowledgeBase
from ui.basket import basket, clear_basket, move_item, remove_item, undo_clear
from ui.export import export_csv, export_docx, export_markdown
from ui.render import esc, html_block, row_table


def page_basket(kb: KnowledgeBase, sid: str) -> None:
    items = basket()
    cleared = st.session_state.get("cleared")
    if cleared:
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.caption(f"已清空 {len(cleared)} 条摘录。")
            st.button("撤销", key="undo-clear", icon=":material/undo:", on_click=undo_clear)
    if not items:
        st.info("摘录为空。在「问答」或「浏览」里点“加入摘录”，引文会连同出处收集到这里，"
                "可以排序、删除，并导出为 Markdown、Word 或 CSV。摘录保存在本浏览器名下，刷新、换地址或重开都在。")
        return
    rows = sum(1 for it in items if it.get("kind") == "row")
    claim = "原文引文与纲要逐字一致" if rows < len(items) else ""
    if rows:
        claim += ("；" if claim else "") + f"{rows} 条是表格中的一行，按表格行引用"
    st.caption(f"共 {len(items)} 条。{claim}，均附完整出处。")
    for i, it in enumerate(items):
        with st.container(border=True, key=f"item-{i}"):
            if it.get("kind") == "row":
                st.markdown(html_block(f"{i + 1}. " + esc(f"{it.get('table', '')}（表格行）"))
                            + row_table(it.get("cells") or []), unsafe_allow_html=True)
            else:
                st.markdown(html_block(f"{i + 1}. " + esc(it["text"])), unsafe_allow_html=True)
            st.markdown(html_block("——" + esc(it["citation"]), "kb-meta"), unsafe_allow_html=True)
            with st.container(horizontal=True, gap="small"):
                st.button("上移", key=f"up-{i}", icon=":material/arrow_upward:",
                          disabled=i == 0, on_click=move_item, args=(it["id"], -1))
                st.button("下移", key=f"down-{i}", icon=":material/arrow_downward:",
                          disabled=i == len(items) - 1, on_click=move_item, args=(it["id"], 1))
                st.button("删除", key=f"del-{i}", icon=":material/delete:",
                          on_click=remove_item, args=(it["id"],))
    with st.container(horizontal=True, gap="small"):
        st.download_button("导出 Markdown", export_markdown(items).encode("utf-8"),
                           file_name="规划纲要摘录.md", mime="text/markdown", on_click="ignore",
                           icon=":material/download:")
        try:
            st.download_button("导出 Word", export_docx(items), file_name="规划纲要摘录.docx",
                               mime="application/vnd.openxmlformats-officedocument."
                                    "wordprocessingml.document", on_click="ignore",
                               icon=":material/download:")
        except KBError as e:
            st.caption(str(e))
        st.download_button("导出 CSV", export_csv(items), file_name="规划纲要摘录.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")
        st.button("清空", key="clear-basket", type="tertiary",
                  on_click=lambda: st.session_state.update({"confirm-clear": True}))
    if st.session_state.get("confirm-clear"):
        # every quotation at once, next to the exports: asked first, and undoable after
        st.warning(f"确定清空全部 {len(items)} 条摘录吗？清空后在本页可以撤销。")
        with st.container(horizontal=True, gap="small"):
            st.button("确定清空", key="clear-confirm", type="primary", on_click=clear_basket)
            st.button("取消", key="clear-cancel", on_click=lambda: st.session_state.pop("confirm-clear", None))
