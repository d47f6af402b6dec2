"""对比: two versions of a document side by side (KnowledgeBase.diff): the changed figures first, then each changed
section with its paragraphs aligned and what changed marked, each side cited; the whole as a Word table. The two
documents are in the address (?page=对比&a=DOC&b=DOC): a link shows the same comparison, and Back returns to the
previous pair."""
from __future__ import annotations

import streamlit as st

from kb import DIFF_WORDS, KBError, KnowledgeBase
from ui.docs import doc_ids, short_title, title_of
from ui.render import esc, html_block, plain

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
COMPARE_CSS = """<style>
.kb-diff {overflow-x: auto; margin: .2rem 0 1rem 0;}
.kb-diff table {border-collapse: collapse; width: 100%; table-layout: fixed; font-size: .95rem; min-width: 640px;}
.kb-diff th, .kb-diff td {border: 1px solid rgba(0,0,0,.12); padding: .35rem .5rem; vertical-align: top;
                          line-height: 1.75; word-break: break-word; text-align: left;}
.kb-diff th {background: rgba(0,0,0,.03); font-weight: 600;}
.kb-diff th.kb-d-kind, .kb-diff td.kb-d-kind {width: 4.2em; color: #555; font-size: .85rem;}
.kb-diff del {background: #ffd9d6; text-decoration: line-through;}
.kb-diff ins {background: #d6f5d6; text-decoration: none; border-bottom: 1px solid #2e7d32;}
.kb-diff td.kb-d-gone {background: rgba(192,57,43,.05);}
.kb-diff td.kb-d-new {background: rgba(46,125,50,.06);}
.kb-diff .kb-meta {margin-top: .2rem;}
.kb-d-head {font-weight: 600; font-size: 1.08rem; margin: 1rem 0 .3rem 0;}
.kb-d-badge {font-size: .8rem; font-weight: 400; color: #8a5a00; margin-left: .5rem;}
</style>"""


@st.cache_resource(max_entries=16, show_spinner="正在对比两份文件……")
def cached_diff(_kb: KnowledgeBase, kb_id: int, doc_a: str, doc_b: str):
    return _kb.diff(doc_a, doc_b)


@st.cache_resource(max_entries=16, show_spinner=False)
def cached_docx(_kb: KnowledgeBase, kb_id: int, doc_a: str, doc_b: str) -> bytes:
    return cached_diff(_kb, kb_id, doc_a, doc_b).to_docx()


def marked(text: str, spans, tag: str) -> str:
    """Escaped text with the changed runs wrapped in <del> (the earlier version) or <ins> (the later one)."""
    out, at = [], 0
    for s, e in spans:
        out.append(esc(text[at:s]) + f"<{tag}>{esc(text[s:e])}</{tag}>")
        at = e
    return "".join(out) + esc(text[at:])


def _cell(side, tag: str, cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    if side is None:
        return f"<td{c}></td>"
    return (f"<td{c}>{marked(side.text, side.spans, tag)}"
            f'<div class="kb-meta kb-cite">——{esc(side.citation.text)}</div></td>')


def _row(kind: str, a: str, b: str) -> str:
    return f'<tr><td class="kb-d-kind">{esc(kind)}</td>{a}{b}</tr>'


def column_heads(diff) -> tuple[str, str]:
    """The two columns' headers: each document's short title, and its id when both shorten alike (a 草案 and its
    adopted text lose only （草案）), so that the reader knows which side is which."""
    a, b = short_title(diff.title_a), short_title(diff.title_b)
    if a == b:
        return f"《{a}》（{diff.doc_a}）", f"《{b}》（{diff.doc_b}）"
    return f"《{a}》", f"《{b}》"


def section_table(s, head_a: str, head_b: str, changed_only: bool) -> str:
    """One section's paragraphs as a three-column table: the change, the earlier text, the later text."""
    rows = []
    for m in s.moved_out:
        rows.append(_row("移出", _cell(m.a, "del", "kb-d-gone"),
                         f'<td class="kb-meta">移到{esc(m.b.citation.place)}（见该节）</td>'))
    for p in (s.changes if changed_only else s.paragraphs):
        rows.append(_row(DIFF_WORDS[p.kind], _cell(p.a, "del", "kb-d-gone" if p.b is None else ""),
                         _cell(p.b, "ins", "kb-d-new" if p.a is None else "")))
    if not rows:
        return ""
    return (f'<div class="kb-diff"><table><thead><tr><th class="kb-d-kind">变化</th><th>{esc(head_a)}</th>'
            f'<th>{esc(head_b)}</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def figures_table(diff) -> str:
    rows = "".join(
        f"<tr><td>{esc(f.subject)}</td><td><del>{esc(f.before or '（无）')}</del></td>"
        f"<td><ins>{esc(f.after or '（无）')}</ins></td>"
        f'<td class="kb-meta">原：{esc(f.a.text if f.a else "—")}<br>新：{esc(f.b.text if f.b else "—")}</td></tr>'
        for f in diff.figures)
    return (f'<div class="kb-diff" id="kb-figures"><table><thead><tr><th>内容</th><th style="width:9em">原</th>'
            f'<th style="width:9em">新</th><th>出处</th></tr></thead><tbody>{rows}</tbody></table></div>')


SIDES = (("a", "cmp_a", "原文"), ("b", "cmp_b", "新文"))      # the address's key, the picker's key, its name


def set_url_pair() -> None:
    """A document picked: both sides go into the address from the script, a new entry of the browser's history (Back
    returns to the previous pair), as a question does on 问答."""
    st.query_params.update({param: st.session_state[key] for param, key, _ in SIDES})   # one entry, not two


def url_pair(ids: list[str]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """The two documents the address names (?a=, ?b=), each defaulting to the first document the other side is not;
    and the (side's name, value) of each side whose value names no document of the index, to be said."""
    asked = {param: st.query_params.get(param) for param, _, _ in SIDES}
    good = {param: v for param, v in asked.items() if v in ids}
    bad = [(name, asked[param]) for param, _, name in SIDES if asked[param] and param not in good]
    a = good.get("a") or next(d for d in ids if d != good.get("b"))
    b = good.get("b") or next(d for d in ids if d != a)
    return {"a": a, "b": b}, bad


def page_compare(kb: KnowledgeBase, sid: str) -> None:
    st.html(COMPARE_CSS)
    ids = doc_ids(kb)
    if len(ids) < 2:
        st.info("对比需要索引中至少有两份文件（例如一份草案和它的正式文本）：在「文档」页或用 `kb ingest` 加入另一份。")
        return
    label = lambda d: f"{title_of(kb, d, short=True)}（{d}）"      # noqa: E731
    chosen, bad = url_pair(ids)
    for param, key, _ in SIDES:               # the address is the truth (a link, Back or Forward brought it)
        st.session_state[key] = chosen[param]
    left, right = st.columns(2)
    a = left.selectbox("原文（较早的版本）", ids, key="cmp_a", format_func=label, on_change=set_url_pair)
    b = right.selectbox("新文（较晚的版本）", ids, key="cmp_b", format_func=label, on_change=set_url_pair)
    for name, value in bad:                   # a link naming a document the index does not hold: said, not ignored
        shows = a if name == "原文" else b
        st.warning(f"索引中没有“{plain(value)}”这份文件（有：{plain('、'.join(ids))}），{name}显示"
                   f"“{plain(label(shows))}”。")
    changed_only = st.toggle("只看有变化的段落", value=True, key="cmp_changed")
    if a == b:
        st.info("两边是同一份文件：请选两份不同的文件。")
        return
    try:
        diff = cached_diff(kb, id(kb), a, b)
    except KBError as e:
        st.error(f"无法对比：{plain(str(e))}")
        st.stop()
    st.markdown(html_block(esc(diff.summary() + "。"), "kb-meta"), unsafe_allow_html=True)
    st.download_button("导出 Word 对比表", data=cached_docx(kb, id(kb), a, b), file_name=f"对比-{a}-{b}.docx",
                       mime=DOCX_MIME, icon=":material/download:", key="cmp_docx")
    if diff.figures:
        st.markdown(html_block(esc(f"数字和目标的变化（{len(diff.figures)}）"), "kb-d-head"), unsafe_allow_html=True)
        st.markdown(figures_table(diff), unsafe_allow_html=True)
    if not diff.changes and not any(s.kind != "same" for s in diff.sections):
        st.markdown(html_block(esc("两份文件的正文相同。"), "kb-none"), unsafe_allow_html=True)
    head_a, head_b = column_heads(diff)
    for s in diff.sections:
        if changed_only and s.kind == "same":
            continue
        flags = [DIFF_WORDS[s.kind]] + [DIFF_WORDS[k] for k in ("renamed", "renumbered") if getattr(s, k)]
        name = (s.b or s.a).text
        was = f"（原为：{s.a.text}）" if s.a and s.b and (s.renamed or s.renumbered) else ""
        st.markdown(html_block(esc(name) + f'<span class="kb-d-badge">{esc("，".join(flags) + was)}</span>',
                               "kb-d-head"), unsafe_allow_html=True)
        table = section_table(s, head_a, head_b, changed_only)
        if table:
            st.markdown(table, unsafe_allow_html=True)
