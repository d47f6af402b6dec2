"""Pure HTML helpers: escaping, term highlighting, blocks, links and the indicator table."""
from __future__ import annotations

import html
import re
from urllib.parse import quote, urlencode

from kb import Passage, subitem_levels, visible
from ui.config import INDICATOR_COLUMNS, LONG_QUERY

CSS = """<style>
.block-container {max-width: 1100px; padding-top: 3rem;}
h2.kb-title {font-size: 1.5rem; margin: 0 0 .3rem 0; padding: 0;}
[data-testid="InputInstructions"] {display: none;}
mark.kb {background: #ffe58f; color: inherit; padding: 0 1px; border-radius: 2px;}
.kb-text {line-height: 1.85; font-size: 1.02rem; margin: .2rem 0 .4rem 0; word-break: break-word;}
.kb-answer {font-size: 1.15rem; line-height: 1.8; border-left: 4px solid #c0392b;
            padding: .5rem .9rem; background: rgba(192,57,43,.06); border-radius: 4px;}
.kb-none {padding: .6rem .9rem; background: rgba(28,131,225,.08); border-radius: 4px; line-height: 1.7;}
.kb-each-title {font-weight: 600; font-size: 1.05rem; margin: .2rem 0 .4rem; line-height: 1.5;}
.kb-warn {padding: .6rem .9rem; background: rgba(255,193,7,.15); border-radius: 4px; line-height: 1.7;}
.kb-meta {color: #6b6b6b; font-size: .85rem; margin-top: .1rem;}
.kb-para {scroll-margin-top: 4rem; padding: .15rem .4rem; border-radius: 4px;}
.kb-focus {background: #fff4d6; border-left: 4px solid #d48806;}
.kb-focus-span {background: #ffe7ba; border-radius: 2px;}
.kb-anchor {color: #aaa; text-decoration: none; font-size: .8rem; margin-left: .3rem;}
.kb-copy {font-size: .85rem; padding: .15rem .7rem; border: 1px solid rgba(49,51,63,.2); border-radius: .5rem;
          background: white; cursor: pointer; margin-left: .3rem;}
.kb-copy:hover {border-color: #c0392b; color: #c0392b;}
.kb-copy.kb-done {border-color: #2e7d32; color: #2e7d32;}
.kb-actions {display: flex; align-items: center; gap: .6rem;}
/* a 对照 pair in 摘录: one entry, its two sides (甲, 乙) marked by a rule on their left */
.kb-pair-head {font-weight: 600; margin: 0 0 .2rem 0;}
[class*="st-key-pair-"] [class*="st-key-item-"] {border-left: 3px solid rgba(192,57,43,.35); padding-left: .7rem;}
.kb-measures {margin: .2rem 0 .6rem 1.2rem; line-height: 1.8;}
.kb-measures li {margin-bottom: .25rem;}
.kb-more {font-size: .82rem; margin-left: .2rem;}
.kb-table {overflow-x: auto; margin: .3rem 0 .8rem 0; -webkit-overflow-scrolling: touch;}
.kb-table table {border-collapse: collapse; font-size: .88rem; min-width: 640px;}
.kb-row table {min-width: 0;}
/* a row's cells keep their words on one line (a phone scrolls the row sideways instead of one character a line) */
.kb-row th, .kb-row td {white-space: nowrap;}
/* the reading view's lines about 40 characters long, as printed pages are */
.kb-para {max-width: 42em;}
.kb-table th, .kb-table td {border: 1px solid rgba(0,0,0,.12); padding: .25rem .45rem; text-align: left;}
.kb-table tr {scroll-margin-top: 4rem;}
.kb-sort th {cursor: pointer; white-space: nowrap; background: rgba(0,0,0,.03);}
.kb-sort th[data-dir=asc]::after {content: " ▲"; font-size: .7rem;}
.kb-sort th[data-dir=desc]::after {content: " ▼"; font-size: .7rem;}
a.kb-cell-link {display: block; white-space: nowrap;}
.kb-scroll-hint {display: none; color: #6b6b6b; font-size: .8rem;}
.kb-sub {font-weight: 600; margin-top: .8rem;}
.kb-candidate {color: #444; border-bottom: 1px dashed #888;}
.kb-box {font-weight: 600; margin-top: 1rem; padding: .3rem .6rem; background: rgba(0,0,0,.04);
         border-radius: 4px; scroll-margin-top: 4rem;}
/* section headings as role=heading divs: Markdown would give an h3 an anchor link made from its text */
.kb-h {font-size: 1.35rem; font-weight: 600; line-height: 1.4; padding: .6rem 0 .2rem 0;}
.kb-toc-title {font-weight: 600; font-size: 1.1rem; margin-bottom: .3rem;}
.kb-tocnav details {margin: .15rem 0;}
.kb-tocnav summary {cursor: pointer; font-size: .92rem; padding: .15rem 0;}
.kb-tocnav details.kb-in-volume {margin-left: 1rem;}
.kb-tocnav details.kb-volume > summary {font-weight: 600;}
.kb-tocnav a.kb-toc {display: block; padding: .12rem 0 .12rem 1rem; font-size: .88rem; text-decoration: none;
                     color: inherit;}
.kb-tocnav a.kb-toc:hover {color: #c0392b;}
.kb-tocnav a.kb-here {font-weight: 600; color: #c0392b;}
.kb-tocnav a.kb-toc-box {padding-left: 2rem; color: #8a5a00;}
/* a section's 1. sub-items, the （1） sub-items under each and the ① under either */
.kb-tocnav a.kb-toc-sub {padding-left: 2rem; font-size: .84rem;}
.kb-tocnav a.kb-toc-sub2 {padding-left: 3rem; font-size: .84rem;}
.kb-tocnav a.kb-toc-sub3 {padding-left: 4rem; font-size: .84rem;}
.kb-subanchor {scroll-margin-top: 4rem;}
/* 加入摘录 under every paragraph of the reading view: shown when the paragraph is pointed at (or tapped) */
[class*="st-key-addpara-"] {height: 0; position: relative; z-index: 1;}
[class*="st-key-addpara-"] button {opacity: 0; transition: opacity .15s; position: absolute; right: 0; top: -2.6rem;
                                   min-height: 0; padding: .1rem .5rem; background: white; width: max-content;
                                   white-space: nowrap;}   /* one line, not 加/入/摘/录 stacked in a strip */
[data-testid="stElementContainer"]:has(.kb-para):hover + [class*="st-key-addpara-"] button,
[class*="st-key-addpara-"]:hover button, [class*="st-key-addpara-"] button:focus {opacity: 1;}
/* printing the reading view or an answer: the text and its citations, not the app around them */
@media print {
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], [data-testid="stBaseButton-secondary"], [data-testid="stBaseButton-primary"],
  [data-testid="stBaseButton-tertiary"], [data-testid="stPopover"], [data-testid="stTextInput"],
  [data-testid="stSelectbox"], [data-testid="stTabs"] [role="tablist"], [data-testid="stForm"],
  [data-testid="stDownloadButton"], .kb-copy, .kb-anchor, [class*="st-key-addpara-"] {display: none !important;}
  .block-container {max-width: none; padding: 0;}
  .kb-answer, .kb-focus, .kb-focus-span, mark.kb {background: none !important; -webkit-print-color-adjust: exact;}
  .kb-answer {border-left: 2pt solid #000;}
  a {color: inherit; text-decoration: none;}
  a[href^="?"], .kb-more {display: none !important;}      /* links within the app mean nothing on paper */
}
@media (min-width: 641px) and (max-width: 1280px) {
  /* a narrow desktop (the sidebar open, the document picker in the row): 搜索 keeps its word, the icon goes */
  [data-testid="stFormSubmitButton"] [data-testid="stIconMaterial"] {display: none;}
  [data-testid="stFormSubmitButton"] button {padding-left: .4rem; padding-right: .4rem;}
}
@media (max-width: 640px) {
  .block-container {padding-left: .8rem; padding-right: .8rem; padding-top: 3.6rem;}
  h2.kb-title {font-size: 1.3rem;}
  .kb-answer {font-size: 1.05rem;}
  .kb-scroll-hint {display: block;}
  /* a phone cannot point: the button stands under its paragraph, never over the text */
  [class*="st-key-addpara-"] {height: auto;}
  [class*="st-key-addpara-"] button {opacity: 1; position: static; margin: -.2rem 0 .4rem auto; display: flex;}
}
</style>"""

# Every character HTML or Markdown could read as syntax becomes a numeric character reference, in one pass: the
# browser shows the character itself and nothing reads it as a link, emphasis, math (KaTeX), a :color[directive],
# an autolink (http:// www. a@b) or a table. One pass, so an entity is never escaped twice (it's, not it&amp;#x27;s).
_ESC_TABLE = str.maketrans({c: f"&#{ord(c)};" for c in "&<>\"'\\`*_[]$~#|:()!{}@.+-=^"}
                           | {"\n": "<br>", "\r": "<br>"})
# Markdown labels (buttons, expanders, captions) take no HTML: a backslash before every ASCII punctuation
# character makes it literal (CommonMark), and Streamlit's :color[] / :material/ directives need the colon.
_PLAIN_TABLE = str.maketrans({c: "\\" + c for c in "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})


def esc(text: str) -> str:
    """Document text or a query as HTML that renders exactly as the source, for st.markdown(unsafe_allow_html); a
    control character is shown as its picture (␛, ␇: kb.visible, as in every export)."""
    return visible(str(text).replace("\r\n", "\n").replace("\r", "\n")).translate(_ESC_TABLE)


def plain(text: str) -> str:
    """Document text as a Markdown label (st.button, st.expander, st.caption) that shows it literally (a control
    character as its picture)."""
    return " ".join(visible(str(text)).split()).translate(_PLAIN_TABLE)


def option(text: str) -> str:
    """Document text as a picker's option (st.selectbox shows it as plain text): on one line (a line feed or tab as a
    space), a control character as its picture (kb.visible), nothing escaped."""
    return re.sub(r"[\n\t]+", " ", visible(str(text)))


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


def sub_anchor(ref: str) -> str:
    """A sub-item's anchor in the reading view: sub-3 for 3. (3、, 3．), sub-2-1 for 2.（1）, sub-3-c1 for 3．①,
    sub-a1b05 for a law's 第一百零五条 (one hex digit a numeral character)."""
    out, above = [], ""
    for level in subitem_levels(ref):
        own, above = level[len(above):], level
        if own.startswith("第") and own.endswith("条"):
            out.append("a" + "".join(f"{'零一二三四五六七八九十百千〇'.find(c):x}" for c in own[1:-1]))
            continue
        digits = "".join(re.findall(r"[0-9]", own))
        out.append(digits or f"c{ord(own[0]) - ord('①') + 1}")
    return "sub-" + "-".join(out)


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


def reading_link(p: Passage, q: str | None = None, sentence: tuple[int, int] | None = None) -> str:
    """Relative link to the passage's place in the reading view (?page=浏览&doc=…&section=2.2&p=3#p3); with
    `sentence` (offsets inside the passage) the reading view marks that sentence (&s=12-48), not the paragraph."""
    params = {"page": "浏览", "doc": p.doc_id, "section": section_key(p.chapter, p.section), "hl": p.id}
    if p.para:
        params["p"] = str(p.para)
    if sentence:
        params["s"] = f"{sentence[0]}-{sentence[1]}"
    if q:
        params["q"] = q[:LONG_QUERY]
    return "?" + urlencode(params, quote_via=quote) + "#" + anchor(p)


def attr(value: str) -> str:
    """A value for an HTML attribute: quotes, ampersands and line ends as references (a blank line would end
    the Markdown HTML block)."""
    return html.escape(str(value), quote=True).replace("\r", "&#13;").replace("\n", "&#10;")


def link(href: str, label: str, cls: str = "") -> str:
    c = f' class="{attr(cls)}"' if cls else ""
    return f'<a{c} href="{attr(href)}" target="_self">{esc(label)}</a>'


def copy_button(text: str) -> str:
    """A one-click 复制 button: copies text (the quotation and its citation) to the clipboard (COPY_JS)."""
    return f'<button class="kb-copy" type="button" data-kb-copy="{attr(text)}" title="复制引文和出处">复制</button>'


# One delegated listener for every 复制 button of the page (no "<" or "&": st.html's sanitiser would mangle them).
COPY_JS = """<script>(function(){if(window.kbCopy)return;window.kbCopy=1;
document.addEventListener('click',function(e){var b=e.target.closest('[data-kb-copy]');if(!b)return;
var t=b.getAttribute('data-kb-copy');function done(){b.textContent='已复制';b.classList.add('kb-done');
setTimeout(function(){b.textContent='复制';b.classList.remove('kb-done');},1500);}
function fallback(){var a=document.createElement('textarea');a.value=t;a.style.position='fixed';
document.body.appendChild(a);a.select();try{document.execCommand('copy');}catch(x){}a.remove();done();}
if(navigator.clipboard){navigator.clipboard.writeText(t).then(done,fallback);}else{fallback();}});})();</script>"""


# The page is Chinese: its language for screen readers, fonts and translation offers, Streamlit's own "Skip to main
# content" link in Chinese, and its connection-error dialog (the server stopped or is restarting) in Chinese with the
# command that starts this app (`make run`, not Streamlit's "streamlit run yourscript.py"; the dialog's copy button,
# which would copy Streamlit's command, is hidden). Only a text node's value is changed, never a node React owns
# replaced. The question box takes the cursor when the page opens on 问答 with no question. Once per page (the guard
# survives reruns); no "<" or "&" (st.html's sanitiser would mangle them).
LOCALE_JS = """<script>(function(){var d=document;d.documentElement.lang='zh-CN';
var T={'Skip to main content':'跳到正文','Connection error':'与服务器的连接已断开',
'Is Streamlit still running? If you accidentally stopped Streamlit, just restart it in your terminal:':
'知识库服务已停止或正在重启。请在服务器上的项目文件夹中运行下面的命令启动它，启动后本页会自动重新连接：',
'streamlit run yourscript.py':'make run',
'Streamlit server is not responding. Are you connected to the internet?':
'知识库服务没有响应：它可能已停止或正在重启，也可能是网络不通。请在服务器上的项目文件夹中运行 make run 启动它，启动后本页会自动重新连接。',
'Close':'关闭','Upload':'上传','Browse files':'选择文件','Drag and drop file here':'把文件拖到这里',
'200MB per file':'每个文件不超过 200MB','Limit 200MB per file':'每个文件不超过 200MB'};
function text(root){var w=d.createTreeWalker(root,NodeFilter.SHOW_TEXT),n,v;
while((n=w.nextNode())){v=T[n.nodeValue.trim()];if(v){n.nodeValue=v;}}}
function fix(){d.querySelectorAll('[data-testid=stFileUploader]').forEach(text);d.querySelectorAll('a,button').forEach(function(a){if(a.textContent.trim()==='Skip to main content')
{text(a);}});d.querySelectorAll('[role=dialog]').forEach(function(g){text(g);
g.querySelectorAll('[aria-label=Close]').forEach(function(b){b.setAttribute('aria-label','关闭');});
g.querySelectorAll('[data-testid=stErrorCodeBlock]').forEach(function(c){if(c.textContent.trim()==='make run'){
c.querySelectorAll('[data-testid=stElementToolbarButton]').forEach(function(b){b.style.display='none';});}});});}
fix();if(window.kbLocale)return;window.kbLocale=1;
new MutationObserver(fix).observe(d.body,{childList:true,subtree:true,characterData:true});
var p=new URLSearchParams(location.search);if(!p.get('q')){if(!p.get('page')||p.get('page')==='问答'){
var n=0,t=setInterval(function(){var i=d.querySelector('[data-testid=stTextInput] input');
if(i){i.focus();clearInterval(t);}else if(++n>50){clearInterval(t);}},100);}}})();</script>"""


# Switching pages (问答, 浏览, …) is a new entry of the browser's history, as asking a question is: the tabs are
# bound to ?page=, which Streamlit writes by replacing the current entry, so a copy of the current address is pushed
# first, as the press begins (the tabs select on press, before a click). Back then returns to the page, and the
# question, that was open. Once per page; no "<" or "&" (st.html's sanitiser would mangle them).
TABS_JS = """<script>(function(){if(window.kbTabs)return;window.kbTabs=1;
var KEYS=['ArrowLeft','ArrowRight','Home','End'];
function keep(){history.pushState(history.state,'',location.href);}
document.addEventListener('pointerdown',function(e){var t=e.target.closest('[data-testid=stTabs] [role=tab]');
if(t){if(e.button===0){if(t.getAttribute('aria-selected')!=='true')keep();}}},true);
document.addEventListener('keydown',function(e){if(e.target.closest('[data-testid=stTabs] [role=tablist]')){
if(KEYS.indexOf(e.key)!==-1)keep();}},true);})();</script>"""


def row_table(cells, cls: str = "kb-table kb-row") -> str:
    """One table row (an indicator of 专栏1-1) as a small two-line table: column names over values."""
    head = "".join(f"<th>{esc(c)}</th>" for c, _ in cells)
    body = "".join(f"<td>{esc(v)}</td>" for _, v in cells)
    return f'<div class="{cls}"><table><thead><tr>{head}</tr></thead><tbody><tr>{body}</tr></tbody>' \
           f"</table></div>"


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
