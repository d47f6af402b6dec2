"""The 浏览 page: the outline section by section, with a table of contents and deep links to paragraphs."""
from __future__ import annotations

import contextlib
import re

import html
import json
from pathlib import Path
from urllib.parse import quote, urlencode

import streamlit as st

from kb import KBError, KnowledgeBase, Passage, pageview, subitem_levels, unit_pages
from ui.basket import add_button, basket
from ui.cite import item_of_paragraph, item_of_passage
from ui.docs import doc_ids, is_multi, title_of, url_doc
from ui.loading import cached_ask, section_blocks
from ui.related import render_related
from ui.render import (anchor, esc, html_block, link, mark, option, parse_section, plain, section_key, sub_anchor,
                       table_html)


def units(kb: KnowledgeBase, doc) -> list[tuple[int, int, str, int | None]]:
    """Readable units in order: (chapter, section, label, page), 序言 and chapter preambles included."""
    blocks = section_blocks(kb, id(kb), doc.doc_id)
    out = []
    for c in doc.chapters:
        has_pre = any(b.kind not in ("chapter", "section") for b in blocks.get((c.number, 0), ()))
        if c.number == 0 or has_pre:
            out.append((c.number, 0, c.heading or "正文开头", c.page))
        for s in c.sections:
            if s.number == 0:
                continue
            out.append((c.number, s.number, f"{c.ref}{s.heading}", s.page))
    return out


BOX = "box:"      # picker values for a 专栏 box: box:1-1


def readdress(**changes: str | None) -> None:
    """Change the address in one step, one new entry of the browser's history (Back returns to the whole address
    before, never to a half-changed one): each key given is set, or removed when None. Every change of
    st.query_params is a message and an entry, and its one-step `from_dict` refuses (and would drop) `page`, which
    the tabs are bound to: the keys to remove go without a message, then the keys to set in one update."""
    gone = [k for k, v in changes.items() if v is None and k in st.query_params]
    sets = {k: v for k, v in changes.items() if v is not None}
    if gone:
        try:
            from streamlit.runtime.state.session_state_proxy import get_session_state
            with get_session_state().query_params() as qp:
                for k in gone:
                    qp.discard_param_no_forward_msg(k)
                qp.update(sets)
            return
        except (ImportError, AttributeError):      # another Streamlit: the same address, an entry per change
            for k in gone:
                st.query_params.pop(k, None)
    st.query_params.update(sets)


def goto_section(key: str) -> None:
    if key.startswith(BOX):
        box = key[len(BOX):]
        bx = next((b for b in st.session_state.get("browse_boxes", ()) if b[0] == box), None)
        if bx is None:
            return
        readdress(section=section_key(bx[1], bx[2]), box=box, p=None, hl=None)
    else:
        readdress(section=key, box=None, p=None, hl=None)


def on_pick_section() -> None:
    goto_section(st.session_state["browse_pick"])


def on_pick_doc() -> None:
    """Another document: open it at its beginning."""
    readdress(doc=st.session_state["browse_doc"] or None, section=None, p=None, hl=None, box=None)


def numbered_place(kb: KnowledgeBase, asked: str | None, doc: str | None):
    """The place a ?section= names in a document's own numbering (九、（一）, 二、（一）3., 一、2.（1）), or None: a
    section key (2.2), nothing, or no such place (said as for a missing section)."""
    if not asked or parse_section(asked) is not None:
        return None
    try:
        return kb.place(asked, doc)
    except KBError:
        return None


def passage_or_none(kb: KnowledgeBase, pid: str | None) -> Passage | None:
    if not pid:
        return None
    try:
        return kb.passage(pid)
    except (KBError, KeyError):
        return None


def toc_html(doc, order, current: str, base: dict) -> str:
    """The table of contents as links (one HTML block: cheap to draw, opens in a new tab on demand), 专栏
    boxes included under their section; the current chapter unfolded."""
    boxes: dict[tuple[int, int], list] = {}
    for b in doc.boxes:
        boxes.setdefault((b.chapter, b.section), []).append(b)
    cur = parse_section(current) or (0, 0)
    out = []
    for c in doc.chapters:
        title = c.printed_heading or "正文开头"          # under its 篇 in a plan of 篇 / 章 / 节, as printed
        rows = []
        for cc, ss, _, pg in order:
            if cc != c.number:
                continue
            sec = doc.section(cc, ss) if ss else None
            short = sec.heading if sec else (("本篇导语" if c.level == "篇" else "本章导语") if cc else title)
            k = section_key(cc, ss)
            href = "?" + urlencode({**base, "section": k}, quote_via=quote)
            cls = "kb-toc kb-here" if k == current else "kb-toc"
            rows.append(link(href, f"{short}　{pg}" if pg else short, cls))
            for ref, sub in (doc.section(cc, ss).subitems if doc.section(cc, ss) else ()):
                # the section's 1. sub-items, the （1） under each and the ① under either, each a link to its anchor
                depth = min(len(subitem_levels(ref)), 3)
                rows.append(link(f"{href}#{sub_anchor(ref)}", sub,
                                 "kb-toc kb-toc-sub" + (str(depth) if depth > 1 else "")))
            for bx in boxes.get((cc, ss), ()):
                href = "?" + urlencode({**base, "section": k, "box": bx.id}, quote_via=quote) + f"#box-{bx.id}"
                rows.append(link(href, f"专栏{bx.id} {bx.title}" + (f"　{bx.page}" if bx.page else ""),
                                 "kb-toc kb-toc-box"))
        is_open = " open" if c.number == cur[0] else ""
        kind = ' class="kb-volume"' if c.level == "篇" else (' class="kb-in-volume"' if c.volume else "")
        out.append(f"<details{kind}{is_open}><summary>{esc(title)}{esc('　' + str(c.page)) if c.page else ''}"
                   f"</summary>{''.join(rows)}</details>")
    return '<nav class="kb-tocnav">' + "".join(out) + "</nav>"


def page_browse(kb: KnowledgeBase, sid: str) -> None:
    basket()                  # what this browser has collected: 加入摘录 says 已在摘录 for those
    multi = is_multi(kb)
    focus = passage_or_none(kb, st.query_params.get("hl"))
    asked = st.query_params.get("section")
    placed = numbered_place(kb, asked, url_doc(kb) if multi else None)
    doc = kb.documents[0]
    if multi:
        # ?doc= picks the document; a link with only ?hl= (older links) opens the passage's document, one with a
        # place in a document's own numbering (?section=二、（一）3.) the document that has it
        want = url_doc(kb) or (focus.doc_id if focus else None) or (placed.doc if placed else None)
        doc = kb.document(want) if want else doc
    if focus is not None and focus.doc_id != doc.doc_id:
        focus = None      # offsets of another document must not mark this one
    order = units(kb, doc)
    keys = [section_key(c, s) for c, s, _, _ in order]
    cur = parse_section(asked)
    key = section_key(*cur) if cur else None
    if placed is not None and placed.doc == doc.doc_id:       # 二、（一）3.: its section, scrolled to the sub-item
        key = section_key(placed.chapter, placed.section or 0)
        if key not in keys:                                   # a chapter without text of its own: its first section
            key = next((k for (c, _, _, _), k in zip(order, keys) if c == placed.chapter), key)
    missing = bool(asked) and key not in keys
    if key not in keys:
        key = keys[0]
    c_no, s_no = parse_section(key)
    idx = keys.index(key)
    labels = {section_key(c, s): (lab, pg) for c, s, lab, pg in order}
    base = {"page": "浏览", "doc": doc.doc_id} if multi else {"page": "浏览"}
    box_here = st.query_params.get("box")
    st.session_state["browse_boxes"] = [(b.id, b.chapter, b.section) for b in doc.boxes]

    # Table of contents: in the sidebar (collapsed on a phone; the picker below serves there).
    with st.sidebar, st.container(key="toc"):
        st.markdown(html_block("目录", "kb-toc-title") + (html_block(esc(title_of(kb, doc.doc_id, short=True)),
                                                                    "kb-meta") if multi else ""),
                    unsafe_allow_html=True)
        st.markdown(toc_html(doc, order, key, base), unsafe_allow_html=True)

    by_section: dict[str, list] = {}
    for b in doc.boxes:
        by_section.setdefault(section_key(b.chapter, b.section), []).append(b)
    pick, box_labels, sub_labels = [], {}, {}
    for k in keys:              # 1. / （1） sub-items and 专栏 boxes in the picker, right after their section
        pick.append(k)
        c, s = parse_section(k)
        sec = doc.section(c, s)
        for ref, sub in (sec.subitems if sec else ()):          # picked by their place: 二、（一）3.
            place = doc.chapter(c).ref + (sec.ref if s else "") + ref
            sub_labels[place] = "　" * len(subitem_levels(ref)) + sub
            pick.append(place)
        for b in by_section.get(k, ()):
            box_labels[BOX + b.id] = f"　专栏{b.id} {b.title}" + (f"（第{b.page}页）" if b.page else "")
            pick.append(BOX + b.id)
    here_box = BOX + box_here if box_here and (BOX + box_here) in box_labels else None
    here_sub = placed.ref if placed is not None and placed.ref in sub_labels else None
    st.session_state["browse_pick"] = here_box or here_sub or key
    if multi:
        st.session_state["browse_doc"] = doc.doc_id
        col_doc, col_sec = st.columns([1, 2], vertical_alignment="bottom")
        with col_doc:
            st.selectbox("文件", doc_ids(kb), key="browse_doc", on_change=on_pick_doc,
                         format_func=lambda d: title_of(kb, d, short=True),
                         label_visibility="collapsed")
    else:
        col_sec = st.container()
    with col_sec:
        st.selectbox("章节", pick, key="browse_pick", on_change=on_pick_section,
                     format_func=lambda k: option(box_labels[k] if k in box_labels else sub_labels[k] if k in sub_labels
                                                  else (f"{labels[k][0]}（第{labels[k][1]}页）" if labels[k][1] else labels[k][0])),
                     label_visibility="collapsed")

    if missing:
        st.markdown(html_block(esc(f"没有“{asked}”这一节（该文件共 {len(keys)} 个章节单元），"
                                   f"下面显示“{labels[key][0]}”。请从目录中选择。"), "kb-warn"),
                    unsafe_allow_html=True)
    lab, pg = labels[key]
    head = (html_block(esc(doc.title), "kb-meta") if multi else "") + f'<div class="kb-h" role="heading" aria-level="3">{esc(lab)}</div>'
    st.markdown(head, unsafe_allow_html=True)
    here = "?" + urlencode({**base, "section": key}, quote_via=quote)
    first, last = unit_pages(doc, c_no, s_no) if not doc.paged else (pg, None)
    pages = "" if not first else (f"第{first}页 · " if doc.paged or last == first else
                                  f"第{first}页起 · " if last is None else f"第{first}—{last}页 · ")
    st.markdown(html_block(esc(pages) + link(here, "本节链接"), "kb-meta"), unsafe_allow_html=True)

    if box_here and here_box is None:
        known = "、".join(b.id for b in doc.boxes) or "无"
        st.markdown(html_block(esc(f"该文件没有“专栏{box_here}”（有：{known}），下面显示本节。"), "kb-warn"),
                    unsafe_allow_html=True)
    asked_p = st.query_params.get("p")
    try:
        para = int(asked_p or 0)
    except ValueError:
        para = -1
    paras = sorted({p.para for p in kb.section_passages(doc.doc_id, c_no, s_no) if p.para})
    if asked_p and para not in paras and not missing:
        st.markdown(html_block(esc(f"本节没有第“{asked_p}”段（本节共 {len(paras)} 段），下面从头显示。"), "kb-warn"),
                    unsafe_allow_html=True)
        para = 0
    terms: tuple = ()
    # the question's words are marked on a passage's link from 问答 (?hl=…&q=…); the address also keeps the question
    # while another page is open (so 问答 shows it again), where its words mean nothing
    q = st.query_params.get("q", "") if focus is not None else ""
    if q and q.strip():
        try:
            terms = cached_ask(kb, id(kb), q, None)[0].terms
        except KBError:
            terms = ()

    passages = [p for p in kb.section_passages(doc.doc_id, c_no, s_no)]
    marked = sentence_span(st.query_params.get("s"), focus)
    if focus is not None and (focus.chapter, focus.section) == (c_no, s_no):
        # the passage a link opened: its counterparts (those of the sentence the link marks, if it marks one)
        render_related(kb, focus, "focus", expanded=True,
                       sentence=marked and (marked[0] - focus.start, marked[1] - focus.start))
    elif focus is None and para > 0:
        # a paragraph's link (its ¶): the counterparts of its (first) passage, folded
        of_para = [p for p in passages if p.para == para]
        if of_para:
            render_related(kb, of_para[0], f"para{para}")
    # a link to a sub-item (?section=一、2.（3）) marks its heading paragraph, as a link to a paragraph marks that one
    sub = sub_anchor(placed.subitem) if placed is not None and placed.subitem and placed.doc == doc.doc_id else None
    render_section(kb, doc, section_blocks(kb, id(kb), doc.doc_id).get((c_no, s_no), []),
                   passages, focus, para, terms, key, base, marked, sub)

    prev_col, next_col = st.columns(2)
    with prev_col:
        if idx > 0:
            st.button(f"← {plain(labels[keys[idx - 1]][0])}", key="prev", on_click=goto_section,
                      args=(keys[idx - 1],))
    with next_col, st.container(horizontal_alignment="right"):
        if idx + 1 < len(keys):
            st.button(f"{plain(labels[keys[idx + 1]][0])} →", key="next", on_click=goto_section,
                      args=(keys[idx + 1],))

    if focus and (focus.chapter, focus.section) == (c_no, s_no):
        target = anchor(focus)
    elif para:
        target = f"p{para}"
    elif sub:
        target = sub
    elif here_box:
        target = f"box-{box_here}"
    else:
        target = ""
    scroll_to(target)


def sentence_span(value: str | None, focus) -> tuple[int, int] | None:
    """&s=12-48 of a link: the answer sentence inside the focused passage, as document offsets (None if it does
    not fit the passage: the passage is marked then)."""
    m = re.fullmatch(r"(\d{1,6})-(\d{1,6})", value or "")
    if not m or focus is None:
        return None
    a, b = int(m.group(1)), int(m.group(2))
    return (focus.start + a, focus.start + b) if 0 <= a < b <= len(focus.text) else None


def render_section(kb, doc, blocks, passages, focus, para, terms, key, base=None,
                   sentence: tuple[int, int] | None = None, sub: str | None = None) -> None:
    """The section's blocks in reading order; `focus` (a passage), else `para` (a paragraph number), else `sub` (a
    sub-item's anchor: the paragraph that opens it) is marked."""
    base = base or {"page": "浏览"}
    text = doc.text
    by_para: dict[int, list[Passage]] = {}
    for p in passages:
        by_para.setdefault(p.para, []).append(p)
    rows: list = []

    def flush_rows():
        if rows:
            st.markdown(table_html(rows, focus, para), unsafe_allow_html=True)
            if focus is not None and focus.kind == "row" \
                    and any(focus.start < b.end and b.start < focus.end for b in rows):
                original_page(kb, doc, focus)
            rows.clear()

    frame, frame_box = None, None            # a 专栏 box: its title, paragraphs and table inside one frame
    subs_seen: set[str] = set()              # the 1. / （1） / ① sub-items anchored so far (at their first paragraph)
    for b in blocks:
        if b.kind in ("chapter", "section"):
            continue
        if frame is not None and b.box != frame_box:         # the box ends: its table rows go in its frame
            with frame:
                flush_rows()
            frame = None
        if b.kind == "box":
            flush_rows()
            frame, frame_box = st.container(border=True, key=f"boxframe-{b.box}"), b.box
        with frame if frame is not None else contextlib.nullcontext():
            if b.kind == "row" and b.cells:
                rows.append(b)
                continue
            flush_rows()
            body = text[b.start:b.end]
            if b.kind == "subheading":
                st.markdown(html_block(esc(body), "kb-sub"), unsafe_allow_html=True)
            elif b.kind == "box":
                st.markdown(html_block(esc(body), "kb-box", f"box-{b.box}"), unsafe_allow_html=True)
            elif b.kind == "note":
                st.markdown(html_block(esc(body), "kb-meta"), unsafe_allow_html=True)
            else:
                pid = f"p{b.para}" if b.para else f"o{b.start}"
                new = [r for r in subitem_levels(b.subitem_ref) if r not in subs_seen]     # anchored here
                subs_seen.update(new)
                focused = (focus is not None and focus.start < b.end and b.start < focus.end) \
                    or (focus is None and para and b.para == para) \
                    or (focus is None and not para and sub is not None and sub in map(sub_anchor, new))
                here = "?" + urlencode({**base, "section": key, "p": b.para}, quote_via=quote) \
                    + "#" + pid
                spans = kb.highlight(body, list(terms)) if terms and focused else ()
                span = None
                if focused and sentence and b.start <= sentence[0] and sentence[1] <= b.end:
                    span = (sentence[0] - b.start, sentence[1] - b.start)  # the answer sentence, where it stands
                elif focus is not None and focused and (focus.start > b.start or focus.end < b.end):
                    span = (focus.start - b.start, focus.end - b.start)   # one part of a long paragraph
                inner = mark(body, spans, span) + f'<a class="kb-anchor" href="{html.escape(here)}" ' \
                    f'target="_self" title="本段链接">¶{b.para or ""}</a>'
                inner = "".join(f'<span class="kb-subanchor" id="{sub_anchor(r)}"></span>' for r in new) + inner
                st.markdown(html_block(inner, "kb-text kb-para" + (" kb-focus" if focused else ""),
                                       pid), unsafe_allow_html=True)
                ps = [p for p in by_para.get(b.para, []) if p.start < b.end and b.start < p.end] \
                    if b.para else []
                if focused and ps:
                    p = focus if focus in ps else ps[0]
                    add_button(item_of_passage(kb, p), f"add-{p.id}")
                    if focus is not None:
                        original_page(kb, doc, p)
                elif ps:
                    add_button(item_of_paragraph(kb, body, ps[0]), f"addpara-{key}-{b.para}", type="tertiary")
    with frame if frame is not None else contextlib.nullcontext():
        flush_rows()


@st.cache_resource(max_entries=8, show_spinner=False)
def _page_texts(path: str, mtime: float):
    return pageview.page_texts(Path(path))


@st.cache_resource(max_entries=64, show_spinner=False)
def _page_png(path: str, mtime: float, index: int, first: int, last: int) -> bytes:
    return pageview.render(Path(path), index, first, last)


def original_page(kb: KnowledgeBase, doc, p: Passage) -> None:
    """For a PDF: the printed page as an image with the passage marked where it stands (在原文中查看)."""
    if not doc.paged:
        return
    try:
        src = pageview.source_pdf(kb, doc.doc_id)
        if src is None:
            st.caption("原文件不在服务器上或已改动，无法显示原页图像。")
            return
        mtime = src.stat().st_mtime
        pages = _page_texts(str(src), mtime)
        near = (p.page - 1) if p.page else None
        found = pageview.locate_row(pages, p.cells, near) if p.kind == "row" and p.cells \
            else pageview.locate(pages, p.text, near)
        if found is None:
            st.caption("在原文件中没有找到这段文字的位置。")
            return
        index, first, last = found
        png = _page_png(str(src), mtime, index, first, last)
    except Exception as e:  # noqa: BLE001 — a damaged PDF must not break the reading view
        st.caption(f"无法显示原页图像：{plain(type(e).__name__)}")
        return
    with st.expander(f"原页图像：PDF 第 {index + 1} 页（页码 {p.page or '—'}），引文已标出", expanded=True):
        st.image(png, width="stretch")


def scroll_to(anchor_id: str) -> None:
    """Scroll the page to #anchor (the URL's hash wins) once the paragraph has rendered."""
    js_id = json.dumps(anchor_id)
    # No "<" or "&" in the script: the HTML element's sanitiser would mangle it.
    st.html("<script>(function(){var want=(location.hash||'').slice(1)||" + js_id + ";"
            "if(!want)return;var n=0;function go(){var el=document.getElementById(want);"
            # a box's title goes to the top (its frame follows); a paragraph to the middle, with what leads to it
            "if(el){el.scrollIntoView({block:want.indexOf('box-')===0?'start':'center'});}"
            "else if(40>n++){setTimeout(go,100);}}"
            "setTimeout(go,150);})();</script>", unsafe_allow_javascript=True)
