"""The 指标 page: the main-indicator table (专栏1-1) and every quantified target of the outline."""
from __future__ import annotations

import streamlit as st

from kb import KnowledgeBase
from ui.config import INDICATOR_COLUMNS
from ui.docs import is_multi
from ui.loading import all_targets
from ui.render import reading_link


def indicator_rows(kb: KnowledgeBase) -> list[dict]:
    """The rows of every document's 专栏1-1 table; with several documents each row names its 文件."""
    multi = is_multi(kb)
    rows = []
    for p in kb.passages:
        if p.kind == "row" and p.box == "1-1" and p.cells:
            rows.append(({"文件": p.doc_title} if multi else {}) | dict(p.cells))
    return rows


def page_targets(kb: KnowledgeBase, sid: str) -> None:
    import pandas as pd

    st.subheader("专栏1-1 “十四五”期间经济社会主要发展目标")
    rows = indicator_rows(kb)
    if rows:
        df = pd.DataFrame(rows)
        first = ["文件"] if "文件" in df.columns else []
        cols = first + [c for c in INDICATOR_COLUMNS if c in df.columns] + \
            [c for c in df.columns if c not in INDICATOR_COLUMNS and c not in first]
        df = df[cols].fillna("")          # an empty cell of the printed table stays empty
        if "序号" in df.columns:
            # numbers sort as numbers; "8" and "8" (two rows of one indicator) stay text-free
            df["序号"] = pd.to_numeric(df["序号"], errors="coerce").astype("Int64")
        st.dataframe(df, hide_index=True, key="indicators")
        st.download_button("下载指标表 CSV", df.to_csv(index=False).encode("utf-8-sig"),
                           file_name="专栏1-1主要指标.csv", mime="text/csv", on_click="ignore",
                           icon=":material/download:")
    else:
        st.caption("索引里没有专栏1-1的表格行。")

    multi = is_multi(kb)
    st.subheader("各文件中的量化目标" if multi else "纲要中的量化目标")
    targets = all_targets(kb, id(kb))
    if not targets:
        st.caption("没有找到量化目标。")
        return
    recs = []
    for t in targets:
        p = kb.passage(t.passage_id)
        recs.append(({"文件": p.doc_title} if multi else {})
                    | {"领域": t.area, "目标": t.text, "数值": "、".join(t.values),
                       "章节": t.place, "页码": p.page, "原文": reading_link(p, sid)})
    df = pd.DataFrame(recs)
    where = f"{len(kb.documents)} 个文件正文中" if multi else "纲要正文中"
    st.caption(f"共 {len(df)} 条：{where}写明数字的“到…末/力争/达到”类目标，逐字摘自原文。")
    st.dataframe(df, hide_index=True, key="targets",
                 column_config={"文件": st.column_config.TextColumn(width=160),
                                "领域": st.column_config.TextColumn(width=150),
                                "目标": st.column_config.TextColumn(width=420),
                                "数值": st.column_config.TextColumn(width=150),
                                "章节": st.column_config.TextColumn(width=110),
                                "页码": st.column_config.NumberColumn(width=50),
                                "原文": st.column_config.LinkColumn(display_text="查看原文",
                                                                   width=80)})
    st.download_button("下载量化目标 CSV",
                       df.drop(columns=["原文"]).assign(段落ID=[t.passage_id for t in targets])
                       .to_csv(index=False).encode("utf-8-sig"),
                       file_name="纲要量化目标.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:")
