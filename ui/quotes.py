"""The 摘录 page: the collected quotations and 对照 pairs, reordered or removed, and exported."""
from __future__ import annotations

import streamlit as st

from kb import KBError, KnowledgeBase
from ui.basket import basket, clear_basket, move_item, remove_item, remove_pair, undo_clear
from ui.export import export_csv, export_docx, export_markdown
from ui.pairs import SIDES, units
from ui.render import esc, html_block, row_table


def _quote(it: dict, head: str) -> None:
    """One quotation: its number or side (HTML), the text (a table row as a row table), its full citation."""
    if it.get("kind") == "row":
        st.markdown(html_block(f"{head} " + esc(f"{it.get('table', '')}（表格行）"))
                    + row_table(it.get("cells") or []), unsafe_allow_html=True)
    else:
        st.markdown(html_block(f"{head} " + esc(it["text"])), unsafe_allow_html=True)
    st.markdown(html_block("——" + esc(it["citation"]), "kb-meta"), unsafe_allow_html=True)


def _moves(first: dict, k: int, u: int, n: int) -> None:
    """上移 and 下移 for the unit (a quotation or a pair) whose first quotation is items[k], the u-th of n units."""
    st.button("上移", key=f"up-{k}", icon=":material/arrow_upward:", disabled=u == 0, on_click=move_item,
              args=(first["id"], -1))
    st.button("下移", key=f"down-{k}", icon=":material/arrow_downward:", disabled=u == n - 1, on_click=move_item,
              args=(first["id"], 1))


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
    groups = units(items)
    pairs = sum(1 for g in groups if len(g) == 2)
    st.caption(f"共 {len(items)} 条" + (f"（其中 {pairs} 组对照，每组两段）" if pairs else "") + f"。{claim}，均附完整出处。")
    k = 0
    for u, unit in enumerate(groups):
        if len(unit) == 1:
            it = unit[0]
            with st.container(border=True, key=f"item-{k}"):
                _quote(it, f"{u + 1}.")
                with st.container(horizontal=True, gap="small"):
                    _moves(it, k, u, len(groups))
                    st.button("删除", key=f"del-{k}", icon=":material/delete:", on_click=remove_item, args=(it["id"],))
        else:
            # a 对照 pair: one numbered entry, its two sides adjacent, moved, exported and deleted together
            with st.container(border=True, key=f"pair-{k}"):
                st.markdown(html_block(esc(f"{u + 1}. 对照：两份文件中的同一举措"), "kb-pair-head"),
                            unsafe_allow_html=True)
                for j, (side, it) in enumerate(zip(SIDES, unit)):
                    with st.container(key=f"item-{k + j}"):
                        _quote(it, f"<b>{side}</b>")
                        st.button("只删除这一段", key=f"del-{k + j}", icon=":material/remove:", type="tertiary",
                                  on_click=remove_item, args=(it["id"],),
                                  help="另一段留在摘录中，成为单条摘录")
                with st.container(horizontal=True, gap="small"):
                    _moves(unit[0], k, u, len(groups))
                    st.button("删除这组对照", key=f"delpair-{k}", icon=":material/delete:", on_click=remove_pair,
                              args=(unit[0]["pair"],))
        k += len(unit)
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
