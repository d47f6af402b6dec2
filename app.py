"""Streamlit front end of the knowledge base: 问答, 浏览, 摘录 and 指标 over the planning outline."""
from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import streamlit as st

from ingest.records import Passage, cn
from kb import BadQuery, Citation, KBError, KnowledgeBase
from kb.targets import extract_targets

INDEX_DIR = os.environ.get("KB_INDEX", "index")
MODEL = os.environ.get("KB_MODEL") or None
CORPUS = os.environ.get("KB_CORPUS", "corpus")
BASKET_DIR = Path(os.environ.get("KB_BASKETS") or Path(tempfile.gettempdir()) / "kb-baskets")

PAGES = ["问答", "浏览", "摘录", "指标"]
EXAMPLES = ["铜材料深加工目标", "到十四五末要改造多少个老旧小区", "孩子上幼儿园难怎么解决",
            "每千人拥有执业医师数2025年目标"]
SHOWN, MORE = 5, 10          # hits shown at once, hits fetched
LONG_QUERY = 200             # above this many characters, say that the query is cut

CSS = """<style>
.block-container {max-width: 1100px; padding-top: 3rem;}
mark.kb {background: #ffe58f; color: inherit; padding: 0 1px; border-radius: 2px;}
.kb-text {line-height: 1.85; font-size: 1.02rem; margin: .2rem 0 .4rem 0; word-break: break-word;}
.kb-answer {font-size: 1.15rem; line-height: 1.8; border-left: 4px solid #c0392b;
            padding: .5rem .9rem; background: rgba(192,57,43,.06); border-radius: 4px;}
.kb-meta {color: #6b6b6b; font-size: .85rem; margin-top: .1rem;}
.kb-para {scroll-margin-top: 4rem; padding: .15rem .4rem; border-radius: 4px;}
.kb-focus {background: #fff4d6; border-left: 4px solid #d48806;}
.kb-focus-span {background: #ffe7ba; border-radius: 2px;}
.st-key-toc button {justify-content: flex-start; text-align: left;}
.st-key-toc button p {text-align: left;}
.kb-anchor {color: #aaa; text-decoration: none; font-size: .8rem; margin-left: .3rem;}
.kb-table {overflow-x: auto; margin: .3rem 0 .8rem 0;}
.kb-table table {border-collapse: collapse; font-size: .88rem; min-width: 640px;}
.kb-table th, .kb-table td {border: 1px solid rgba(0,0,0,.12); padding: .25rem .45rem;}
.kb-table tr {scroll-margin-top: 4rem;}
.kb-sub {font-weight: 600; margin-top: .8rem;}
.kb-box {font-weight: 600; margin-top: 1rem; padding: .3rem .6rem; background: rgba(0,0,0,.04);
         border-radius: 4px;}
@media (max-width: 640px) {
  .block-container {padding-left: .8rem; padding-right: .8rem; padding-top: 2.2rem;}
  .kb-answer {font-size: 1.05rem;}
}
</style>"""

# Characters Markdown would read as syntax even inside our HTML; written as entities they stay text.
_MD = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]$~#|"})


# ---------------------------------------------------------------- rendering helpers (pure)

def esc(text: str) -> str:
    """Escape document text or a query for st.markdown(unsafe_allow_html=True)."""
    return html.escape(text, quote=True).translate(_MD).replace("\n", "<br>")


def mark(text: str, spans, focus: tuple[int, int] | None = None) -> str:
    """Escaped text with the (start, end) spans wrapped in <mark>, and the focus range in a span."""
    n = len(text)
    spans = [(max(0, s), min(n, e)) for s, e in spans or () if s < e]
    cuts = {0, n}
    for s, e in spans + ([focus] if focus else []):
        cuts.update((max(0, min(n, s)), max(0, min(n, e))))
    edges = sorted(cuts)
    out = []
    for a, b in zip(edges, edges[1:]):
        piece = esc(text[a:b])
        if any(s <= a and b <= e for s, e in spans):
            piece = f'<mark class="kb">{piece}</mark>'
        if focus and focus[0] <= a and b <= focus[1]:
            piece = f'<span class="kb-focus-span">{piece}</span>'
        out.append(piece)
    return "".join(out)


def html_block(inner: str, cls: str = "kb-text", id_: str | None = None) -> str:
    """One-line HTML block so Markdown leaves its content alone."""
    ident = f' id="{html.escape(id_)}"' if id_ else ""
    return f'<div class="{cls}"{ident}>{inner}</div>'


def anchor(p: Passage) -> str:
    """Paragraph anchor in the reading view: p3 for paragraph 3, else the offset."""
    return f"p{p.para}" if p.para else f"o{p.start}"


def section_key(chapter: int, section: int) -> str:
    return f"{chapter}.{section}"


def parse_section(value: str | None) -> tuple[int, int] | None:
    """'2.2' → (2, 2); '2' → (2, 0); '序言' → (0, 0); anything else → None."""
    if not value:
        return None
    if value.strip() == "序言":
        return (0, 0)
    m = re.fullmatch(r"\s*(\d{1,2})(?:\.(\d{1,2}))?\s*", value)
    return (int(m.group(1)), int(m.group(2) or 0)) if m else None


def place_of(chapter: int, section: int) -> str:
    if chapter == 0:
        return "序言"
    return f"第{cn(chapter)}章" + (f"第{cn(section)}节" if section else "")


def reading_link(p: Passage, sid: str | None = None, q: str | None = None) -> str:
    """Relative link to the passage's place in the reading view (?page=浏览&section=2.2&p=3#p3)."""
    params = {"page": "浏览", "section": section_key(p.chapter, p.section), "hl": p.id}
    if p.para:
        params["p"] = str(p.para)
    if q:
        params["q"] = q[:LONG_QUERY]
    if sid:
        params["sid"] = sid
    return "?" + urlencode(params, quote_via=quote) + "#" + anchor(p)


def link(href: str, label: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}" target="_self">{esc(label)}</a>'


# ---------------------------------------------------------------- basket items and exports (pure)

def item_of_passage(p: Passage, citation: Citation) -> dict:
    return {"id": p.id, "passage_id": p.id, "text": p.text, "citation": citation.text,
            "place": citation.place, "page": p.page}


def item_of_paragraph(text: str, first: Passage) -> dict:
    """A whole paragraph of the reading view (it may span several passages)."""
    c = Citation.of(first)
    return {"id": f"{first.doc_id}:{first.chapter}.{first.section}:para{first.para}",
            "passage_id": first.id, "text": text, "citation": c.text, "place": c.place,
            "page": first.page}


def item_of_answer(answer, p: Passage) -> dict:
    return {"id": f"{answer.passage_id}@{answer.start}", "passage_id": answer.passage_id,
            "text": answer.text, "citation": answer.citation.text,
            "place": answer.citation.place, "page": p.page if p else answer.citation.page}


def quotation(item: dict) -> str:
    """The text a reader pastes: the verbatim quotation, then its citation."""
    return f"{item['text']}\n——{item['citation']}"


def export_markdown(items: list[dict]) -> str:
    lines = ["# 规划纲要摘录", ""]
    for i, it in enumerate(items, 1):
        lines += [f"## 摘录 {i}", "", it["text"], "", f"——{it['citation']}", ""]
    return "\n".join(lines)


def export_csv(items: list[dict]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["序号", "引文", "出处", "章节", "页码", "段落ID"])
    for i, it in enumerate(items, 1):
        w.writerow([i, it["text"], it["citation"], it.get("place", ""), it.get("page") or "",
                    it["passage_id"]])
    return buf.getvalue().encode("utf-8-sig")   # BOM: Excel then reads the Chinese correctly


def export_docx(items: list[dict]) -> bytes:
    try:
        import docx
        from docx.oxml.ns import qn
        from docx.shared import Pt
    except ImportError as e:  # optional dependency
        raise KBError("导出 Word 需要安装 python-docx：pip install python-docx") from e
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    d.add_heading("规划纲要摘录", level=1)
    for i, it in enumerate(items, 1):
        d.add_heading(f"摘录 {i}", level=2)
        d.add_paragraph(it["text"])
        cite = d.add_paragraph()
        cite.add_run(f"——{it['citation']}").italic = True
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- loading (cached per process)

@st.cache_resource(show_spinner="正在加载索引和模型，首次约需几秒……")
def load_kb(index_dir: str, model: str | None) -> KnowledgeBase:
    kb = KnowledgeBase.open(index_dir=index_dir, model=model)
    try:
        kb.search("铜材料", k=1)   # load the embedder now, not on the first question
    except KBError:
        pass
    return kb


@st.cache_resource(max_entries=512, show_spinner=False)
def cached_ask(_kb: KnowledgeBase, kb_id: int, query: str, chapter: int | None):
    t0 = time.perf_counter()
    result = _kb.ask(query, k=MORE, chapter=chapter)
    return result, time.perf_counter() - t0


@st.cache_resource(show_spinner=False)
def section_blocks(_kb: KnowledgeBase, kb_id: int, doc_id: str) -> dict:
    """(chapter, section) → the document's blocks there, in reading order."""
    out: dict[tuple[int, int], list] = {}
    for b in _kb.document(doc_id).blocks:
        out.setdefault((b.chapter, b.section), []).append(b)
    return out


@st.cache_resource(show_spinner=False)
def all_targets(_kb: KnowledgeBase, kb_id: int):
    return extract_targets(_kb.passages)


def open_or_stop() -> KnowledgeBase:
    """The knowledge base, or a message saying what to run (never a stack trace)."""
    try:
        return load_kb(INDEX_DIR, MODEL)
    except KBError as e:
        problem = str(e)
    except Exception as e:  # a broken install must still read as a sentence
        problem = f"{type(e).__name__}: {e}"
    st.error(f"无法打开索引 “{INDEX_DIR}”：{problem}\n\n"
             "请在项目目录运行 `make index`（即 `.venv/bin/kb ingest`）建立索引，然后刷新本页；"
             "也可以点下面的按钮直接建立。")
    if st.button("现在建立索引", type="primary"):
        bar = st.progress(0.0, text="正在建立索引……")
        try:
            KnowledgeBase.build([CORPUS], index_dir=INDEX_DIR, model=MODEL,
                                progress=lambda f, msg: bar.progress(min(max(float(f), 0.0), 1.0),
                                                                     text=str(msg)))
        except Exception as e:
            st.error(f"建立索引失败：{e}")
            st.stop()
        load_kb.clear()
        st.rerun()
    st.stop()


# ---------------------------------------------------------------- session: id, basket

def session_id() -> str:
    sid = st.query_params.get("sid", "")
    if not re.fullmatch(r"[0-9a-f]{12}", sid or ""):
        sid = uuid.uuid4().hex[:12]
        st.query_params["sid"] = sid
    return sid


def _basket_file(sid: str) -> Path:
    return BASKET_DIR / f"{sid}.json"


def basket() -> list[dict]:
    """The quotation basket; restored from the session's file after a reload."""
    if "basket" not in st.session_state:
        items = []
        try:
            items = json.loads(_basket_file(st.session_state["sid"]).read_text("utf-8"))
        except (OSError, ValueError):
            pass
        st.session_state["basket"] = [i for i in items if isinstance(i, dict) and "text" in i]
    return st.session_state["basket"]


def save_basket() -> None:
    path = _basket_file(st.session_state["sid"])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(st.session_state["basket"], ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        pass  # the basket still lives in the session; only reload-survival is lost


def add_item(item: dict) -> None:
    items = basket()
    if any(i["id"] == item["id"] for i in items):
        st.toast("已在摘录中")
        return
    items.append(item)
    save_basket()
    st.toast(f"已加入摘录（共 {len(items)} 条）")


def move_item(i: int, delta: int) -> None:
    items = basket()
    j = i + delta
    if 0 <= i < len(items) and 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        save_basket()


def remove_item(i: int) -> None:
    items = basket()
    if 0 <= i < len(items):
        items.pop(i)
        save_basket()


def clear_basket() -> None:
    basket().clear()
    save_basket()


# ---------------------------------------------------------------- 问答

def set_query(q: str) -> None:
    st.session_state["q"] = q


def set_chapter() -> None:
    ch = st.session_state.get("ask_ch")
    if ch is None or ch < 0:
        st.query_params.pop("ch", None)
    else:
        st.query_params["ch"] = str(ch)


def chapter_label(kb: KnowledgeBase, n: int) -> str:
    if n < 0:
        return "全部章节"
    if n == 0:
        return "序言"
    c = kb.documents[0].chapter(n)
    return f"第{cn(n)}章 {c.title}" if c else f"第{cn(n)}章"


def page_ask(kb: KnowledgeBase, sid: str) -> None:
    chapters = sorted({c.number for d in kb.documents for c in d.chapters})
    if "ask_ch" not in st.session_state:
        try:
            ch = int(st.query_params.get("ch", -1))
        except ValueError:
            ch = -1
        st.session_state["ask_ch"] = ch if ch in chapters else -1

    col_q, col_ch = st.columns([3, 1], vertical_alignment="bottom")
    with col_q:
        q = st.text_input("问题", key="q", bind="query-params",
                          placeholder="例如：铜材料深加工目标", label_visibility="collapsed")
    with col_ch:
        chapter = st.selectbox("按章筛选", [-1] + chapters, key="ask_ch", on_change=set_chapter,
                               format_func=lambda n: chapter_label(kb, n),
                               label_visibility="collapsed")
    q = q or ""
    if not q.strip():
        st.markdown("**试试这些问题：**")
        with st.container(horizontal=True, gap="small"):
            for i, ex in enumerate(EXAMPLES):
                st.button(ex, key=f"ex{i}", on_click=set_query, args=(ex,))
        st.caption("输入一个问题，按回车。答案句直接引自纲要原文，并注明章节和页码；"
                   "相关段落可以加入摘录，导出为 Markdown、Word 或 CSV。")
        return

    if len(q) > LONG_QUERY:
        st.caption(f"问题较长（{len(q)} 字），检索时只使用前面一部分。")
    try:
        result, secs = cached_ask(kb, id(kb), q, None if chapter < 0 else chapter)
    except BadQuery as e:
        st.warning(f"无法检索这个问题：{e}")
        return
    except KBError as e:
        st.error(f"检索出错：{e}")
        return

    if result.answer:
        a = result.answer
        p = kb.passage(a.passage_id)
        st.markdown(html_block(mark(a.text, a.highlights), "kb-answer"), unsafe_allow_html=True)
        st.markdown(html_block(esc("出处：" + a.citation.text) + " · "
                               + link(reading_link(p, sid, q), "在原文中查看"), "kb-meta"),
                    unsafe_allow_html=True)
        with st.container(horizontal=True, gap="small"):
            st.button("加入摘录", key="add-answer", icon=":material/bookmark_add:",
                      on_click=add_item, args=(item_of_answer(a, p),))
            with st.popover("复制", icon=":material/content_copy:"):
                st.code(quotation(item_of_answer(a, p)), language=None, wrap_lines=True)
    else:
        st.info("没有找到能直接回答的句子，下面是最相关的段落。")

    hits = result.hits
    if not hits:
        st.caption("没有找到相关段落。换个说法试试，或者取消章节筛选。")
        return
    st.caption(f"相关段落 {len(hits)} 条 · 用时 {secs:.2f} 秒")
    for hit in hits[:SHOWN]:
        render_hit(kb, hit, result.terms, sid, q)
    if len(hits) > SHOWN:
        with st.expander(f"更多段落（{len(hits) - SHOWN}）"):
            for hit in hits[SHOWN:]:
                render_hit(kb, hit, result.terms, sid, q)


def render_hit(kb: KnowledgeBase, hit, terms, sid: str, q: str) -> None:
    p = hit.passage
    with st.container(border=True, key=f"hit-{hit.rank}"):
        page = f" · 第{p.page}页" if p.page else ""
        st.markdown(html_block(f"{hit.rank}. {esc(p.heading_path)}{page}", "kb-meta"),
                    unsafe_allow_html=True)
        st.markdown(html_block(mark(p.text, kb.highlight(p.text, list(terms)))),
                    unsafe_allow_html=True)
        st.markdown(html_block("——" + esc(hit.citation.text), "kb-meta kb-cite"),
                    unsafe_allow_html=True)
        item = item_of_passage(p, hit.citation)
        with st.container(horizontal=True, gap="small", vertical_alignment="center"):
            st.button("加入摘录", key=f"add-{p.id}", icon=":material/bookmark_add:",
                      on_click=add_item, args=(item,))
            with st.popover("复制", icon=":material/content_copy:"):
                st.code(quotation(item), language=None, wrap_lines=True)
            st.markdown(link(reading_link(p, sid, q), "在原文中查看 →"), unsafe_allow_html=True)


# ---------------------------------------------------------------- 浏览

def units(kb: KnowledgeBase, doc) -> list[tuple[int, int, str, int | None]]:
    """Readable units in order: (chapter, section, label, page), 序言 and chapter preambles included."""
    blocks = section_blocks(kb, id(kb), doc.doc_id)
    out = []
    for c in doc.chapters:
        has_pre = any(b.kind not in ("chapter", "section") for b in blocks.get((c.number, 0), ()))
        if c.number == 0 or has_pre:
            label = "序言" if c.number == 0 else f"第{cn(c.number)}章 {c.title}"
            out.append((c.number, 0, label, c.page))
        for s in c.sections:
            if s.number == 0:
                continue
            out.append((c.number, s.number, f"第{cn(c.number)}章第{cn(s.number)}节 {s.title}", s.page))
    return out


def goto_section(key: str) -> None:
    st.query_params["section"] = key
    for k in ("p", "hl"):
        st.query_params.pop(k, None)


def on_pick_section() -> None:
    goto_section(st.session_state["browse_pick"])


def page_browse(kb: KnowledgeBase, sid: str) -> None:
    docs = kb.documents
    doc = docs[0]
    if len(docs) > 1:
        ids = [d.doc_id for d in docs]
        want = st.query_params.get("doc", ids[0])
        doc = kb.document(want if want in ids else ids[0])
    order = units(kb, doc)
    keys = [section_key(c, s) for c, s, _, _ in order]
    cur = parse_section(st.query_params.get("section"))
    key = section_key(*cur) if cur else None
    if key not in keys:
        key = keys[0]
    c_no, s_no = parse_section(key)
    idx = keys.index(key)
    labels = {section_key(c, s): (lab, pg) for c, s, lab, pg in order}

    # Table of contents: in the sidebar (collapsed on a phone; the picker below serves there).
    with st.sidebar, st.container(key="toc"):
        st.markdown("#### 目录")
        boxes = {}
        for b in doc.boxes:
            boxes.setdefault((b.chapter, b.section), []).append(b)
        for c in doc.chapters:
            title = "序言" if c.number == 0 else f"第{cn(c.number)}章 {c.title}"
            with st.expander(f"{title}　{c.page or ''}", expanded=(c.number == c_no)):
                for cc, ss, lab, pg in order:
                    if cc != c.number:
                        continue
                    short = lab.split(" ", 1)[-1] if ss else ("本章导语" if cc else "序言")
                    if ss:
                        short = f"第{cn(ss)}节 {short}"
                    k = section_key(cc, ss)
                    st.button(f"{short} · {pg or ''}", key=f"toc-{k}", type="tertiary",
                              on_click=goto_section, args=(k,), disabled=(k == key))
                    for bx in boxes.get((cc, ss), ()):
                        st.caption(f"　专栏{bx.id} {bx.title} · {bx.page or ''}")

    st.session_state["browse_pick"] = key
    st.selectbox("章节", keys, key="browse_pick", on_change=on_pick_section,
                 format_func=lambda k: f"{labels[k][0]}（第{labels[k][1]}页）" if labels[k][1]
                 else labels[k][0], label_visibility="collapsed")

    lab, pg = labels[key]
    st.subheader(lab)
    here = "?" + urlencode({"page": "浏览", "section": key}, quote_via=quote)
    st.markdown(html_block(esc(f"第{pg}页 · " if pg else "") + link(here, "本节链接"), "kb-meta"),
                unsafe_allow_html=True)

    focus = None
    hl = st.query_params.get("hl")
    if hl:
        try:
            focus = kb.passage(hl)
        except (KBError, KeyError):
            focus = None
    try:
        para = int(st.query_params.get("p", 0))
    except ValueError:
        para = 0
    terms: tuple = ()
    q = st.query_params.get("q", "")
    if q and q.strip():
        try:
            terms = cached_ask(kb, id(kb), q, None)[0].terms
        except KBError:
            terms = ()

    passages = [p for p in kb.section_passages(doc.doc_id, c_no, s_no)]
    render_section(kb, doc, section_blocks(kb, id(kb), doc.doc_id).get((c_no, s_no), []),
                   passages, focus, para, terms, key)

    prev_col, next_col = st.columns(2)
    with prev_col:
        if idx > 0:
            st.button(f"← {labels[keys[idx - 1]][0]}", key="prev", on_click=goto_section,
                      args=(keys[idx - 1],))
    with next_col, st.container(horizontal_alignment="right"):
        if idx + 1 < len(keys):
            st.button(f"{labels[keys[idx + 1]][0]} →", key="next", on_click=goto_section,
                      args=(keys[idx + 1],))

    target = anchor(focus) if focus and (focus.chapter, focus.section) == (c_no, s_no) \
        else (f"p{para}" if para else "")
    scroll_to(target)


def render_section(kb, doc, blocks, passages, focus, para, terms, key) -> None:
    text = doc.text
    by_para: dict[int, list[Passage]] = {}
    for p in passages:
        by_para.setdefault(p.para, []).append(p)
    rows: list = []

    def flush_rows():
        if rows:
            st.markdown(table_html(rows, focus, para), unsafe_allow_html=True)
            rows.clear()

    for b in blocks:
        if b.kind in ("chapter", "section"):
            continue
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
            focused = (focus is not None and focus.start < b.end and b.start < focus.end) \
                or (focus is None and para and b.para == para)
            here = "?" + urlencode({"page": "浏览", "section": key, "p": b.para}, quote_via=quote) \
                + "#" + pid
            spans = kb.highlight(body, list(terms)) if terms and focused else ()
            span = None
            if focus is not None and focused and (focus.start > b.start or focus.end < b.end):
                span = (focus.start - b.start, focus.end - b.start)   # one part of a long paragraph
            inner = mark(body, spans, span) + f'<a class="kb-anchor" href="{html.escape(here)}" ' \
                f'target="_self" title="本段链接">¶{b.para or ""}</a>'
            st.markdown(html_block(inner, "kb-text kb-para" + (" kb-focus" if focused else ""),
                                   pid), unsafe_allow_html=True)
            ps = [p for p in by_para.get(b.para, []) if p.start < b.end and b.start < p.end] \
                if b.para else []
            if focused and ps:
                p = focus if focus in ps else ps[0]
                st.button("加入摘录", key=f"add-{p.id}", icon=":material/bookmark_add:",
                          on_click=add_item, args=(item_of_passage(p, Citation.of(p)),))
            elif ps:
                st.button("加入摘录", key=f"addpara-{key}-{b.para}", type="tertiary",
                          icon=":material/bookmark_add:", on_click=add_item,
                          args=(item_of_paragraph(body, ps[0]),))
    flush_rows()


def table_html(rows, focus, para) -> str:
    """Table rows (a box's indicator table) as one escaped HTML table, one anchor per row."""
    cols: list[str] = []
    for b in rows:
        cols += [c for c, _ in b.cells if c not in cols]
    cols.sort(key=lambda c: INDICATOR_COLUMNS.index(c) if c in INDICATOR_COLUMNS else 99)
    head = "".join(f"<th>{esc(c)}</th>" for c in cols)
    body = []
    for b in rows:
        cells = dict(b.cells)
        focused = (focus is not None and focus.start < b.end and b.start < focus.end) \
            or (focus is None and para and b.para == para)
        rid = f"p{b.para}" if b.para else f"o{b.start}"
        cls = ' class="kb-focus"' if focused else ""
        body.append(f'<tr id="{rid}"{cls}>' + "".join(f"<td>{esc(cells.get(c, ''))}</td>" for c in cols)
                    + "</tr>")
    return f'<div class="kb-table"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}' \
           f"</tbody></table></div>"


def scroll_to(anchor_id: str) -> None:
    """Scroll the page to #anchor (the URL's hash wins) once the paragraph has rendered."""
    js_id = json.dumps(anchor_id)
    # No "<" or "&" in the script: the HTML element's sanitiser would mangle it.
    st.html("<script>(function(){var want=(location.hash||'').slice(1)||" + js_id + ";"
            "if(!want)return;var n=0;function go(){var el=document.getElementById(want);"
            "if(el){el.scrollIntoView({block:'center'});}else if(40>n++){setTimeout(go,100);}}"
            "setTimeout(go,150);})();</script>", unsafe_allow_javascript=True)


# ---------------------------------------------------------------- 摘录

def page_basket(kb: KnowledgeBase, sid: str) -> None:
    items = basket()
    if not items:
        st.info("摘录为空。在「问答」或「浏览」里点“加入摘录”，引文会连同出处收集到这里，"
                "可以排序、删除，并导出为 Markdown、Word 或 CSV。")
        return
    st.caption(f"共 {len(items)} 条。每条引文与原文逐字一致，并附完整出处。")
    for i, it in enumerate(items):
        with st.container(border=True):
            st.markdown(html_block(f"{i + 1}. " + esc(it["text"])), unsafe_allow_html=True)
            st.markdown(html_block("——" + esc(it["citation"]), "kb-meta"), unsafe_allow_html=True)
            with st.container(horizontal=True, gap="small"):
                st.button("上移", key=f"up-{i}", icon=":material/arrow_upward:",
                          disabled=i == 0, on_click=move_item, args=(i, -1))
                st.button("下移", key=f"down-{i}", icon=":material/arrow_downward:",
                          disabled=i == len(items) - 1, on_click=move_item, args=(i, 1))
                st.button("删除", key=f"del-{i}", icon=":material/delete:",
                          on_click=remove_item, args=(i,))
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
        st.button("清空", key="clear-basket", on_click=clear_basket, type="tertiary")


# ---------------------------------------------------------------- 指标

INDICATOR_COLUMNS = ["序号", "类别", "指标名称", "2020年基数", "2025年目标", "五年年均增长或累计",
                     "指标属性"]


def indicator_rows(kb: KnowledgeBase) -> list[dict]:
    rows = []
    for p in kb.passages:
        if p.kind == "row" and p.box == "1-1" and p.cells:
            rows.append(dict(p.cells))
    return rows


def page_targets(kb: KnowledgeBase, sid: str) -> None:
    import pandas as pd

    st.subheader("专栏1-1 “十四五”期间经济社会主要发展目标")
    rows = indicator_rows(kb)
    if rows:
        df = pd.DataFrame(rows)
        cols = [c for c in INDICATOR_COLUMNS if c in df.columns] + \
               [c for c in df.columns if c not in INDICATOR_COLUMNS]
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

    st.subheader("纲要中的量化目标")
    targets = all_targets(kb, id(kb))
    if not targets:
        st.caption("没有找到量化目标。")
        return
    recs = []
    for t in targets:
        p = kb.passage(t.passage_id)
        recs.append({"领域": t.area, "目标": t.text, "数值": "、".join(t.values),
                     "章节": t.place, "页码": p.page, "原文": reading_link(p, sid)})
    df = pd.DataFrame(recs)
    st.caption(f"共 {len(df)} 条：纲要正文中写明数字的“到…末/力争/达到”类目标，逐字摘自原文。")
    st.dataframe(df, hide_index=True, key="targets",
                 column_config={"领域": st.column_config.TextColumn(width=150),
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


# ---------------------------------------------------------------- main

def main() -> None:
    st.set_page_config(page_title="规划纲要知识库", page_icon="📘", layout="wide")
    st.html(CSS)
    sid = session_id()
    st.session_state["sid"] = sid
    kb = open_or_stop()

    # A shared reading link (?section=2.2) opens 浏览 even without ?page=.
    if "page" not in st.session_state and "page" not in st.query_params \
            and "section" in st.query_params:
        st.session_state["page"] = "浏览"

    st.markdown("### 规划纲要知识库")
    tabs = st.tabs(PAGES, key="page", bind="query-params")
    for tab, name, page in zip(tabs, PAGES, (page_ask, page_browse, page_basket, page_targets)):
        if tab.open:
            with tab:
                page(kb, sid)


if __name__ == "__main__":
    main()
