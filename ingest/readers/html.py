"""Read a web page saved from a government site into the article's logical lines.

trafilatura (balanced mode) picks the article out of the page; navigation, breadcrumbs, side bars,
footers, scripts and styles are left behind. Measured on gov-style test pages it beat readability-lxml
(which took the site chrome for the article on a `<br>`-only page and kept date/source bars and
previous/next links). Around it:

Before, the page is prepared so that what trafilatura hands back is faithful to the source:
- whitespace from the HTML source is collapsed as a browser shows it, except that a run holding a line
  break between two Chinese characters becomes nothing (CMS editors hard-wrap Chinese text);
- full-width and no-break spaces (U+3000, U+00A0) are kept (trafilatura would make them ASCII spaces);
- tables used for page layout (holding other tables, headings or forms) and one-column tables (frames
  drawn round a box of text) become plain blocks, so their content reads as ordinary lines;
- `rowspan`/`colspan` of the remaining (data) tables are expanded into repeated cells (trafilatura keeps
  the cells but not the spans); comments are removed with their tails kept.

After, what trafilatura kept of site furniture is dropped: link lists (news lists, menus: entries that
are mostly link text) with their caption, lines made only of the page's link texts, and short lines that
are copyright/ICP footers, date/source/views bars, share/print buttons or previous/next links. Headings
(`<h1>`..`<h6>`) that trafilatura dropped (its fallback path, taken on some long pages, keeps none) are
put back where they stand in the page between extracted lines.

Lines: headings (levels past 3 count as 3; a `<br>` inside one is joined), paragraphs and list items (a
`<br>` ends a line: government pages often hold a whole article in one `<p>` split by `<br>`), and table
rows with one cell per column. The first line is the document title (trafilatura's reading of the
article `<h1>`, `og:title` or `<title>`, without the site name).
"""
from __future__ import annotations

import re
import time
from pathlib import Path

from ..errors import BadDocument
from .base import CJK, RawDocument, RawLine, RawPage, join_pieces, sha256_bytes

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# kept through trafilatura's whitespace trimming by standing in for them with private-use characters
# (ideographic description characters: printable, so trafilatura keeps them, and never in running text)
PROTECT = {"\u3000": "\u2ff0", "\u00a0": "\u2ff1"}
PROTECT_RE = re.compile("[\u3000\u00a0]")
# XML holds no C0 control but tab and line ends, and trafilatura returns nothing at all for a page holding one (&#27;,
# a raw BEL): each stands in as its printable picture (␛, ␇) until the text is out, then is restored, as a .txt keeps
# it (kb.visible shows it as that picture in every face); U+FFFE and U+FFFF, which have none, become U+FFFD.
CONTROLS = {chr(c): chr(0x2400 + c) for c in (*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
RESTORE = {v: k for k, v in (PROTECT | CONTROLS).items()}
RESTORE_RE = re.compile("[" + "".join(RESTORE) + "]")
BREAK = "\n"
RAW_TEXT = {"script", "style", "noscript", "template", "textarea", "pre", "title"}
LAYOUT_INSIDE = ("table", "h1", "h2", "h3", "h4", "h5", "h6", "form", "input", "iframe", "select", "nav")


def read_html(path: Path, data: bytes) -> RawDocument:
    """Read a saved web page's bytes; BadDocument (one line naming the file) when no article is found."""
    t0 = time.perf_counter()
    problems: list[str] = []
    text, _ = decode_html(data, path, problems)
    try:
        import lxml.html
        import trafilatura
    except ImportError:  # pragma: no cover
        raise BadDocument(f"{path}: install trafilatura and lxml to read web pages") from None
    text = XML_DECL.sub("", text)
    if not text.strip():
        raise BadDocument(f"{path}: the page is empty")
    try:
        tree = lxml.html.document_fromstring(text, parser=lxml.html.HTMLParser(huge_tree=True))
    except Exception as e:                    # lxml refuses some garbage outright
        raise BadDocument(f"{path}: not a readable HTML page ({type(e).__name__})") from None
    page_title = HTML_SPACE.sub(" ", tree.findtext(".//title") or "").strip()
    meta = page_meta(HTML_SPACE.sub(" ", tree.text_content()))
    prepare(tree)
    links = {_key(_restore(a.text_content())) for a in tree.iter("a")}
    try:
        units = dom_units(tree)
    except RecursionError:                     # absurdly nested inline markup: no headings to restore
        units = []
    try:
        xml = trafilatura.extract(tree, output_format="xml", include_tables=True, include_formatting=True,
                                  include_comments=False, include_links=True, include_images=False,
                                  with_metadata=True, deduplicate=False)
    except Exception as e:  # pragma: no cover - trafilatura is defensive, but never let it escape
        raise BadDocument(f"{path}: the page could not be parsed ({type(e).__name__})") from None
    lines = restore_headings(split_merged(to_lines(xml, links, page_title), units), units) if xml else []
    if not any(l.level == 0 for l in lines):
        raise BadDocument(f"{path}: no article text found in the page")
    return RawDocument(path=path, pages=(RawPage(lines=tuple(lines)),), paged=False,
                       sha256=sha256_bytes(data), encoding="html", layout=True, problems=tuple(problems),
                       seconds={"extract": time.perf_counter() - t0}, meta=meta)


_SOURCE = re.compile(r"(?:信息来源|来源|发布机构|发文机关)[:：]\s*([\u4e00-\u9fff（）()]{2,30})")
_PUBLISHED = re.compile(r"(?:成文日期|发文日期|发布时间|发布日期)[:：]\s*(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})")


def page_meta(text: str) -> dict:
    """Issuer and date from an article's info bar (来源：… 发布时间：…), which the extraction drops as chrome."""
    meta = {}
    if m := _SOURCE.search(text):
        meta["issuer"] = m.group(1)
    if m := _PUBLISHED.search(text):
        meta["date"] = f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return meta


# -- decoding ----------------------------------------------------------------------------------------

def _codec(name: str) -> str | None:
    import codecs
    name = name.strip().lower()
    if name in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030"):
        return "gb18030"                       # a superset: GBK pages often hold GB18030-only characters
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, path: Path, problems: list[str]) -> tuple[str, str]:
    """Decode by BOM, else the `<meta charset>` it declares, else UTF-8, else GB18030."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc), enc
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        raise BadDocument(f"{path}: not an HTML page (binary content)")
    tried = []
    m = META_CHARSET.search(data[:8192])
    if m:
        declared = _codec(m.group(1).decode("ascii", "replace"))
        if declared:
            tried.append(declared)
    for enc in tried + ["utf-8", "gb18030"]:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if tried and enc != tried[0]:
            problems.append(f"the page declares {tried[0]} but is {enc}")
        return text, enc
    enc = tried[0] if tried else "utf-8"
    problems.append(f"the page is not valid {enc}; undecodable bytes were replaced")
    return data.decode(enc, errors="replace"), enc


# -- preparing the page ------------------------------------------------------------------------------

def prepare(tree) -> None:
    """Unwrap layout tables, expand spans of data tables, collapse source whitespace (in place)."""
    from lxml import etree
    # comments go, their tails stay (trafilatura, given a parsed tree, would lose the text after one)
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    protect_controls(tree)
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    tables = tree.xpath("//table")
    for table in reversed(tables):             # inner tables first
        if _is_layout(table):
            _unwrap(table)
    for table in tree.xpath("//table"):
        expand_spans(table)
    collapse_whitespace(tree)


def protect_controls(tree) -> None:
    """Every control character of the page's text and attributes as its stand-in (CONTROLS), in place."""
    def sub(v: str) -> str:
        return CONTROL_RE.sub(lambda m: CONTROLS.get(m.group(), "\ufffd"), v)
    for el in tree.iter():
        for slot in ("text", "tail"):
            v = getattr(el, slot)
            if v and CONTROL_RE.search(v):
                setattr(el, slot, sub(v))
        for k, v in el.attrib.items():
            if CONTROL_RE.search(v):
                el.set(k, sub(v))


def _rows(table) -> list:
    """The table's own rows (not those of tables nested in it), in order."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _row_cells(tr) -> list:
    return [c for c in tr if isinstance(c.tag, str) and c.tag in ("td", "th")]


def _is_layout(table) -> bool:
    if any(True for _ in table.iter(*LAYOUT_INSIDE) if _ is not table):
        return True
    rows = _rows(table)
    return bool(rows) and all(len(_row_cells(tr)) <= 1 for tr in rows)


def _unwrap(table) -> None:
    """Make a layout table and its rows and cells into divs, so the text reads as blocks."""
    for el in [table, *table.iter("thead", "tbody", "tfoot", "tr", "td", "th", "caption", "colgroup", "col")]:
        if el.tag in ("colgroup", "col"):
            el.drop_tree()
            continue
        if el is not table and next(el.iterancestors("table"), None) is not table:
            continue                           # belongs to a nested data table: left alone
        for attr in ("rowspan", "colspan"):
            el.attrib.pop(attr, None)
        el.tag = "div"


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(re.sub(r"\D.*", "", cell.get(attr, "1").strip()) or 1), 1000))
    except ValueError:
        return 1


def expand_spans(table) -> None:
    """Replace rowspan/colspan by copies of the cell in every row and column it covers."""
    from copy import deepcopy
    rows = _rows(table)
    pending: dict[int, tuple[object, int]] = {}      # column → (cell, rows still to cover)
    for tr in rows:
        out, col = [], 0
        cells = list(_row_cells(tr))
        while cells or any(c >= col for c in pending):
            if col in pending:
                cell, left = pending[col]
                out.append(deepcopy(cell))
                if left > 1:
                    pending[col] = (cell, left - 1)
                else:
                    del pending[col]
                col += 1
                continue
            if not cells:
                out.append(None)               # a gap under a span further right
                col += 1
                continue
            cell = cells.pop(0)
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            cell.attrib.pop("rowspan", None)
            cell.attrib.pop("colspan", None)
            for k in range(cs):
                copy = cell if k == 0 else deepcopy(cell)
                out.append(copy)
                if rs > 1:
                    pending[col] = (copy, rs - 1)
                col += 1
        for child in _row_cells(tr):
            tr.remove(child)
        for cell in out:
            if cell is None:
                cell = tr.makeelement("td", {})
            cell.tail = None
            tr.append(cell)


def _slots(tree) -> list:
    """Every text slot in document order as (element, 'text'|'tail'), skipping raw-text elements;
    iterative, so deeply nested (badly closed) markup cannot exhaust the stack."""
    from lxml import etree
    out, raw = [], 0
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        is_el = isinstance(el.tag, str)
        if event == "start":
            if is_el and el.tag in RAW_TEXT:
                raw += 1
            elif is_el and not raw:
                out.append((el, "text"))
        else:
            if is_el and el.tag in RAW_TEXT:
                raw -= 1
            if el is not tree and not raw:
                out.append((el, "tail"))
    return out


def collapse_whitespace(tree) -> None:
    """Collapse HTML source whitespace: a run with a line break between Chinese characters becomes
    nothing, any other run one space; U+3000 and U+00A0 are protected from later trimming."""
    slots = _slots(tree)
    values = [getattr(el, attr) or "" for el, attr in slots]
    # the nearest non-space character before/after each slot, for runs at slot edges
    prev_char, last = [], ""
    for v in values:
        prev_char.append(last)
        s = v.rstrip(" \t\n\r\f")
        if s:
            last = s[-1]
    next_char, nxt = [""] * len(values), ""
    for i in range(len(values) - 1, -1, -1):
        next_char[i] = nxt
        s = values[i].lstrip(" \t\n\r\f")
        if s:
            nxt = s[0]
    for i, ((el, attr), v) in enumerate(zip(slots, values)):
        if not v:
            continue

        def run(m: re.Match, v=v, i=i) -> str:
            before = v[m.start() - 1] if m.start() > 0 else prev_char[i]
            after = v[m.end()] if m.end() < len(v) else next_char[i]
            if ("\n" in m.group() or "\r" in m.group()) and before and after \
                    and CJK.match(before) and CJK.match(after):
                return ""
            return " "

        new = PROTECT_RE.sub(lambda m: PROTECT[m.group()], HTML_SPACE.sub(run, v))
        if new != v:
            setattr(el, attr, new)


# -- trafilatura's XML to lines ----------------------------------------------------------------------

def _restore(s: str) -> str:
    return RESTORE_RE.sub(lambda m: RESTORE[m.group()], s)


def _text(el, stop=()) -> str:
    """Text of an element with BREAK at each <lb/>; children whose tag is in `stop` are left out."""
    parts = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append(BREAK)
        elif child.tag in stop:
            pass
        elif isinstance(child.tag, str):
            parts.append(_text(child, stop))
        parts.append(child.tail or "")
    return "".join(parts)


def _pieces(el, stop=()) -> list[str]:
    return [p.strip() for p in _restore(_text(el, stop)).split(BREAK) if p.strip()]


def _heading_level(el) -> int:
    m = re.match(r"h(\d)", el.get("rend", "h2"))
    return min(int(m.group(1)), 3) if m else 2


def to_lines(xml: str, links: set[str] = frozenset(), page_title: str = "") -> list[RawLine]:
    """Turn trafilatura's XML (head, p, list/item, table/row/cell, quote, lb) into RawLines."""
    from lxml import etree
    root = etree.fromstring(xml.encode("utf-8"), etree.XMLParser(recover=True, huge_tree=True))
    if root is None:
        return []
    main = root.find("main")
    lines: list[RawLine] = []
    if main is not None:
        drop_link_lists(main)
        _blocks(main, lines)
    title = site_name_off(HTML_SPACE.sub(" ", _restore(root.get("title") or "")).strip())
    short = site_name_off(page_title)
    if title and short != page_title and title in page_title and title not in short:
        title = short                          # trafilatura took the site's name (a logo <h1>)
    lines = [l for l in lines if l.level or l.cells is not None
             or not (is_chrome(l.text) or _all_links(l.text, links))]
    if SITE_ONLY.match(title):
        title = ""                             # the <title> names only the site
    if title and (not lines or _key(lines[0].text) != _key(title)):
        if not any(l.level and _key(l.text) == _key(title) for l in lines[:3]):
            lines.insert(0, RawLine(title, level=1))
    return lines


SITE_TAIL = re.compile(r"^(.+?)\s*(?:[_|｜]|\s[-–—]\s|[-–—]{1,2})\s*([^_|｜\-–—]+)$")
SITE_WORDS = re.compile(r"政府|网站|门户|政务|官网|平台|网$|gov|公开|首页|频道|栏目")


def site_name_off(title: str) -> str:
    """'关于…的通知_渭滨区人民政府' → '关于…的通知': drop trailing parts that name the site or a channel."""
    for _ in range(3):
        m = SITE_TAIL.match(title)
        if not m or not SITE_WORDS.search(m.group(2)) or re.search(r"\d", m.group(2)):
            break
        title = m.group(1).strip()
    return title


def _link_dominated(el) -> bool:
    """Mostly link text (a news headline, a menu entry), as trafilatura marks links with <ref>."""
    total = len(_key("".join(el.itertext())))
    linked = sum(len(_key("".join(r.itertext()))) for r in el.iter("ref"))
    return total > 0 and linked * 2 >= total


def _menu(el) -> bool:
    """Two or more links and (nearly) nothing else: a menu or breadcrumb trail."""
    refs = list(el.iter("ref"))
    total = len(_key("".join(el.itertext())))
    linked = sum(len(_key("".join(r.itertext()))) for r in refs)
    return len(refs) >= 2 and linked >= 0.9 * total


def drop_link_lists(main) -> None:
    """Remove what trafilatura kept of link lists (news lists, related links, menus in side bars):
    a list or table whose entries are nearly all links, a run of three or more link-only paragraphs,
    and the short heading right above such a list. A single link in the article (附件：…) stays."""
    doomed = []
    children = [c for c in main if isinstance(c.tag, str)]
    i = 0
    while i < len(children):
        el = children[i]
        run = 1
        if el.tag in ("list", "table"):
            entries = [e for e in el.iter("item" if el.tag == "list" else "row")
                       if _key("".join(e.itertext()))]
            linky = bool(entries) and sum(map(_link_dominated, entries)) >= 0.8 * len(entries)
        elif el.tag == "p" and _link_dominated(el):
            while i + run < len(children) and children[i + run].tag == "p" and _link_dominated(children[i + run]):
                run += 1
            linky = run >= 3 or (run == 1 and _menu(el))
        else:
            linky = False
        if linky:
            doomed += children[i:i + run]
            if i and children[i - 1].tag == "head" and len(_key("".join(children[i - 1].itertext()))) <= 20:
                doomed.append(children[i - 1])
        i += run
    for el in doomed:
        if el.getparent() is not None:
            el.getparent().remove(el)


FOOTER = re.compile(r"版权所有|版权归|Copyright|©|ICP备|ICP证|公网安备|网站标识码|网站识别码|技术支持[:：]|主办单位[:：]"
                    r"|网站主办|网站维护|维护单位[:：]|主办[:：].{0,40}(承办|协办|办公室)|建议使用.{0,20}浏览器"
                    r"|分辨率\s*\d+\s*[x×*]")
# fields of an article's date/source/views bar; two of them make a line chrome
INFO = re.compile(r"发布时间|发布日期|发文日期|成文日期|信息来源|来源[:：]|作者[:：]|浏览次数|阅读次数|点击数|访问量|"
                  r"字号[:：]|字体[:：]|责任编辑|【?打印本页】?|【打印】|关闭窗口|【关闭】|分享到|扫一扫|收藏本页|加入收藏")
# buttons that make a short line chrome on their own
BUTTONS = re.compile(r"打印本页|【打印】|关闭窗口|【关闭】|分享到|扫一扫|收藏本页|加入收藏|【?字号[:：]?\s*[大中小]")
PREV_NEXT = re.compile(r"^[【\[]?(上一篇|下一篇|上一条|下一条|返回顶部|返回首页)")
SITE_ONLY = re.compile(r"^.{0,20}(人民政府|门户网站|政府网|政务网|网站|官网)$")


def is_chrome(text: str) -> bool:
    """A short line that is site furniture: copyright/ICP footer, the date/source/views bar of an
    article, share and print buttons."""
    if len(text) > 150:
        return False
    if FOOTER.search(text) or PREV_NEXT.match(text):
        return True
    return len(set(INFO.findall(text))) >= 2 or (len(text) <= 30 and bool(BUTTONS.search(text)))


def _all_links(text: str, links: set[str]) -> bool:
    """A line made only of link texts of the page ('首页 政务公开'): a menu flattened by the extractor."""
    tokens = text.split()
    return len(tokens) >= 2 and all(_key(t) in links for t in tokens)


def _key(s: str) -> str:
    return re.sub(r"\s+", "", s)


BLOCKS = ("p", "list", "table", "head", "quote")


def _blocks(parent, lines: list[RawLine]) -> None:
    for el in parent:
        if isinstance(el.tag, str):
            _block(el, lines)


def _block(el, lines: list[RawLine]) -> None:
    tag = el.tag
    if tag == "head":
        text = join_pieces(_pieces(el))
        if text:
            lines.append(RawLine(text, level=_heading_level(el)))
    elif tag == "table":
        _table(el, lines)
    elif tag == "graphic":
        return
    else:                                      # p, list, item, quote, cell, code, stray inline text
        lines += [RawLine(p) for p in _pieces(el, stop=BLOCKS + ("item",))]
        _blocks_nested(el, lines)


def _blocks_nested(el, lines: list[RawLine]) -> None:
    for child in el:
        if isinstance(child.tag, str) and (child.tag in BLOCKS or child.tag == "item"):
            _block(child, lines)


def _table(table, lines: list[RawLine]) -> None:
    grid: list[list[str]] = []
    for row in table.iter("row"):
        if next(row.iterancestors("table"), None) is not table:
            continue
        cells = [c for c in row if c.tag == "cell"]
        grid.append([join_cell(c) for c in cells])
    width = max((len(r) for r in grid), default=0)
    for r in grid:
        cells = tuple(r + [""] * (width - len(r)))
        if any(cells):
            lines.append(RawLine("\t".join(cells), cells=cells))


def join_cell(cell) -> str:
    """A cell's lines (split by <br>, paragraphs or nested tables) on one line, joined by spaces."""
    inner: list[RawLine] = []
    _block(cell, inner)
    return " ".join(l.text.replace("\t", " ").strip() for l in inner if l.text.strip())


# -- headings trafilatura dropped ---------------------------------------------------------------------

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
BLOCK_TAGS = {"html", "body", "div", "p", "li", "ul", "ol", "dl", "dd", "dt", "blockquote", "section", "article",
              "main", "header", "footer", "aside", "nav", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
              "caption", "pre", "center", "form", "figure", "figcaption", "address", *HEADINGS}


def _dom_pieces(el, whole: bool = False) -> list[str]:
    """The element's own text split at <br> (nested blocks left out unless `whole`)."""
    parts = [el.text or ""]

    def walk(e):
        for c in e:
            if isinstance(c.tag, str):
                if c.tag == "br":
                    parts.append(BREAK)
                elif whole or c.tag not in BLOCK_TAGS:
                    parts.append(c.text or "")
                    walk(c)
            parts.append(c.tail or "")

    walk(el)
    return [p.strip() for p in _restore("".join(parts)).split(BREAK) if p.strip()]


def dom_units(tree) -> list[tuple[str, int, str]]:
    """(key, heading level or 0, text) of every text block of the prepared page in document order:
    headings, the own text of other blocks split at <br>, and table rows (key only)."""
    units = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag not in BLOCK_TAGS:
            continue
        if next(el.iterancestors(*HEADINGS, "tr"), None) is not None:
            continue
        if el.tag in HEADINGS:
            text = join_pieces(_dom_pieces(el, whole=True))
            units.append((_key(text), HEADINGS[el.tag], text))
        elif el.tag == "tr":
            units.append(("".join(_key(c.text_content()) for c in el if c.tag in ("td", "th")), 0, ""))
        elif el.tag not in ("td", "th"):
            units += [(_key(p), 0, p) for p in _dom_pieces(el)]
    return [u for u in units if u[0]]


def split_merged(lines: list[RawLine], units: list[tuple[str, int, str]]) -> list[RawLine]:
    """Part the lines that trafilatura's baseline fallback (taken for a page under ~250 characters) ran together:
    a text line that is exactly two or more of the page's own consecutive blocks, headings and paragraphs, becomes
    those blocks again, headings with their level (`<h2>某区植树工作安排</h2><p>一、时间</p><p>三月中旬。</p>` came
    back as one line). A block that repeats the title line above it is not repeated."""
    starts: dict[str, list[int]] = {}
    for i, (key, _, _) in enumerate(units):
        starts.setdefault(key[:1], []).append(i)
    out: list[RawLine] = []
    for line in lines:
        k = _key(line.text)
        found = None
        if not line.level and line.cells is None and k:
            for i in starts.get(k[:1], ()):
                j, at = i, 0
                while j < len(units) and units[j][2] and k.startswith(units[j][0], at):
                    at += len(units[j][0])
                    j += 1
                    if at == len(k):
                        break
                if at == len(k) and j - i >= 2:
                    found = units[i:j]
                    break
        if found is None:
            out.append(line)
            continue
        for key, level, text in found:
            if out and out[-1].level and _key(out[-1].text) == key:
                continue                      # the title line trafilatura put first, from the same <h1>/<h2>
            out.append(RawLine(text, level=min(level, 3)))
    return out


def restore_headings(lines: list[RawLine], units: list[tuple[str, int, str]], gap: int = 3) -> list[RawLine]:
    """Put back the page's <h1>..<h6> that trafilatura dropped (its fallback path keeps no headings):
    a heading is restored where it sits, in the page, between two lines that were extracted, with at
    most `gap` blocks between them (inside the article's flow, not a side bar)."""
    where: dict[str, list[int]] = {}
    for i, (key, _, _) in enumerate(units):
        where.setdefault(key, []).append(i)
    have = {_key(l.text) for l in lines}
    out: list[RawLine] = []
    last = None                                # the page position of the last extracted line placed
    for line in lines:
        pos = next((i for i in where.get(_key(line.text), ()) if last is None or i > last), None)
        if pos is not None and last is not None and 1 < pos - last <= gap + 1:
            for key, level, text in units[last + 1:pos]:
                if level and key not in have and not SITE_ONLY.match(text) and not is_chrome(text):
                    out.append(RawLine(text, level=level))
                    have.add(key)
        out.append(line)
        if pos is not None:
            last = pos
    return out
