"""Pure HTML helpers: escaping, term highlighting, blocks, links and the indicator table."""
from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

from ingest.records import Passage
from ui.config import INDICATOR_COLUMNS, LONG_QUERY


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


def reading_link(p: Passage, sid: str | None = None, q: str | None = None) -> str:
    """Relative link to the passage's place in the reading view (?page=浏览&doc=…&section=2.2&p=3#p3)."""
    params = {"page": "浏览", "doc": p.doc_id, "section": section_key(p.chapter, p.section), "hl": p.id}
    if p.para:
        params["p"] = str(p.para)
    if q:
        params["q"] = q[:LONG_QUERY]
    if sid:
        params["sid"] = sid
    return "?" + urlencode(params, quote_via=quote) + "#" + anchor(p)


def link(href: str, label: str) -> str:
    return f'<a href="{html.escape(href, quote=True)}" target="_self">{esc(label)}</a>'


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
