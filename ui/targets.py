"""The 指标 page: the main-indicator table (专栏1-1) and every quantified target of the outline, as tables that
sort numbers as numbers (85以上 → 85; text such as 按市下达目标 after the numbers), with CSV downloads."""
from __future__ import annotations

import re

import streamlit as st

from kb import KnowledgeBase
from ui.config import INDICATOR_COLUMNS
from ui.docs import is_multi
from ui.export import csv_bytes
from ui.loading import all_targets
from ui.basket import add_button, basket
from ui.cite import item_of_passage
from ui.render import attr, esc, html_block, link, option, plain, reading_link

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")

# Click a column head to sort by it (again: the other way). Numbers first, by value; then text, in pinyin order.
# One delegated listener per page; no "<" or "&" (st.html's sanitiser would mangle them).
SORT_JS = """<script>(function(){if(window.kbSort)return;window.kbSort=1;
document.addEventListener('click',function(e){var th=e.target.closest('th[data-col]');if(!th)return;
var table=th.closest('table');var col=parseInt(th.getAttribute('data-col'),10);
var dir=th.getAttribute('data-dir')==='asc'?-1:1;
Array.prototype.forEach.call(table.querySelectorAll('th[data-col]'),function(h){h.removeAttribute('data-dir');});
th.setAttribute('data-dir',dir===1?'asc':'desc');
var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=a.cells[col].getAttribute('data-n'),y=b.cells[col].getAttribute('data-n');
if(x!==null){if(y!==null){return dir*(parseFloat(x)-parseFloat(y));}return -1;}if(y!==null){return 1;}
return dir*a.cells[col].textContent.localeCompare(b.cells[col].textContent,'zh');});
rows.forEach(function(r){body.appendChild(r);});});})();</script>"""


def number_key(value: str) -> float | None:
    """The number a cell states, for sorting: 85以上 → 85, [2.9] → 2.9, ≥7.5 → 7.5; None for text."""
    m = _NUMBER.search(str(value or "").replace(",", ""))
    return float(m.group()) if m else None


def sortable_table(table_id: str, columns: list[str], rows: list[list], links: dict[int, int] | None = None) -> str:
    """An escaped HTML table whose heads sort it. links: column → index of the row element holding its href."""
    head = "".join(f'<th data-col="{i}" title="点击排序">{esc(c)}</th>' for i, c in enumerate(columns))
    body = []
    for r in rows:
        cells = []
        for i, c in enumerate(columns):
            v = r[i]
            if links and i in links:
                cells.append(f"<td>{link(r[links[i]], '查看原文', 'kb-cell-link')}</td>")
                continue
            n = number_key(v)
            num = f' data-n="{n}"' if n is not None else ""
            cells.append(f"<td{num}>{esc('' if v is None else str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="kb-scroll-hint">表格较宽，可左右滑动查看全部 {len(columns)} 列</div>'
            f'<div class="kb-table kb-wide"><table class="kb-sort" id="{attr(table_id)}"><thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(body)}</tbody></table></div>')


def indicator_rows(kb: KnowledgeBase) -> list[dict]:
    """The rows of every document's 专栏1-1 table; with several documents each row names its 文件."""
    multi = is_multi(kb)
    return [({"文件": p.doc_title} if multi else {}) | dict(p.cells) for p in indicator_passages(kb)]


def indicator_passages(kb: KnowledgeBase) -> list:
    return [p for p in kb.passages if p.kind == "row" and p.box == "1-1" and p.cells]


def row_label(kb: KnowledgeBase, p) -> str:
    cells = dict(p.cells)
    where = f"《{p.doc_title}》 " if is_multi(kb) else ""
    return f"{where}{cells.get('序号', '')} {cells.get('指标名称', '')}".strip()


def page_targets(kb: KnowledgeBase, sid: str) -> None:
    st.html(SORT_JS, unsafe_allow_javascript=True)
    multi = is_multi(kb)
    st.markdown(html_block("专栏1-1 “十四五”期间经济社会主要发展目标", "kb-h"), unsafe_allow_html=True)
    rows = indicator_rows(kb)
    if rows:
        cols = (["文件"] if multi else []) + [c for c in INDICATOR_COLUMNS if any(c in r for r in rows)]
        cols += [c for r in rows for c in r if c not in cols]
        cols = list(dict.fromkeys(cols))
        table = [[r.get(c, "") for c in cols] for r in rows]     # an empty cell of the printed table stays empty
        st.markdown(sortable_table("indicators", cols, table), unsafe_allow_html=True)
        st.download_button("下载指标表 CSV", csv_bytes(cols, table), file_name="专栏1-1主要指标.csv",
                           mime="text/csv", on_click="ignore", icon=":material/download:")
        # a row into 摘录, quoted as a row of its table with its citation
        basket()
        passages = indicator_passages(kb)
        with st.container(horizontal=True, gap="small", vertical_alignment="bottom"):
            pick = st.selectbox("把一行加入摘录", range(len(passages)), key="target-row",
                                format_func=lambda i: option(row_label(kb, passages[i])))
            add_button(item_of_passage(kb, passages[pick]), "add-target-row")
    else:
        st.caption("索引里没有专栏1-1的表格行。")

    st.markdown(html_block("各文件中的量化目标" if multi else "纲要中的量化目标", "kb-h"),
                unsafe_allow_html=True)
    targets = all_targets(kb, id(kb))
    if not targets:
        st.caption("没有找到量化目标。")
        return
    cols = (["文件"] if multi else []) + ["领域", "目标", "数值", "章节", "页码", "原文"]
    table, csv_rows = [], []
    for t in targets:
        p = kb.passage(t.passage_id)
        pages = kb.citation(p).pages.lstrip("，").removeprefix("第").removesuffix("页")
        row = ([p.doc_title] if multi else []) + [t.area, t.text, "、".join(t.values), t.place, pages]
        table.append(row + [reading_link(p)])
        csv_rows.append(row + [t.passage_id])
    where = f"{len(kb.documents)} 个文件正文中" if multi else "纲要正文中"
    st.caption(f"共 {len(table)} 条：{where}写明数字的“到…末/力争/达到”类目标，逐字摘自原文。点击表头排序。")
    st.markdown(sortable_table("targets", cols, table, links={len(cols) - 1: len(cols) - 1}),
                unsafe_allow_html=True)
    st.download_button("下载量化目标 CSV", csv_bytes(cols[:-1] + ["段落ID"], csv_rows),
                       file_name="纲要量化目标.csv", mime="text/csv", on_click="ignore",
                       icon=":material/download:")
