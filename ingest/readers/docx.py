"""Read a Word .docx file into logical lines: headings, paragraphs and table rows in document order.

The body is walked as XML (paragraphs, tables, content controls and text boxes interleaved as Word lays
them out), so nothing depends on python-docx's higher-level views, which skip content controls and
text boxes and do not render list numbering. python-docx is used to open the package and reach its
style and numbering parts.

- Heading level: a paragraph's own `w:outlineLvl`, else its style chain's (`Heading 1..9`, `标题 1..9`,
  `Title`/`标题` → 1, or the style's `w:outlineLvl`); levels past 3 count as 3.
- List numbering (`第%1章` with Chinese counting, `（%1）`, `%1.` …) is rendered in front of the text,
  because Word shows it as part of the line and chapter numbers are often made that way.
- A soft line break (`w:br`, `w:cr`) ends a line in a body paragraph; inside a heading the pieces are
  joined (nothing between Chinese characters, one space otherwise).
- Tables: one line per row, one cell per grid column; `w:vMerge`, `w:gridSpan`, `w:hMerge` and
  `w:gridBefore`/`w:gridAfter` are resolved so a merged cell's text is repeated in every row and column
  it covers. A table of one column (a frame drawn round a box of text) yields its paragraphs as lines.
- Text boxes are read after the paragraph that anchors them; deleted revisions, hidden runs, field
  instructions, headers, footers, footnotes and comments are left out.
"""
from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

from ..errors import BadDocument
from .base import RawDocument, RawLine, RawPage, join_pieces, sha256_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, SDT, SDT_CONTENT, CUSTOM_XML = (_w(t) for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent",
                                                                 "customXml"))
T, TAB, PTAB, BR, CR, SYM, NBH = (_w(t) for t in ("t", "tab", "ptab", "br", "cr", "sym", "noBreakHyphen"))
PPR, RPR, R, TXBX = _w("pPr"), _w("rPr"), _w("r"), _w("txbxContent")
# subtrees that hold no visible text of the paragraph (or text read elsewhere)
SKIP = {PPR, RPR, _w("del"), _w("moveFrom"), _w("instrText"), _w("delText"), _w("rt"),
        _w("footnoteReference"), _w("endnoteReference"), _w("commentReference"),
        f"{{{MC}}}Fallback"}
VAL = _w("val")

BREAK = "\n"      # marks a soft line break inside a paragraph's text while it is being collected
HEADING_NAME = re.compile(r"^\s*(?:heading|标题)\s*([1-9])\s*$", re.I)
TITLE_NAME = re.compile(r"^\s*(?:title|标题)\s*$", re.I)
HEADING_ID = re.compile(r"^(?:heading|标题)([1-9])$", re.I)


def read_docx(path: Path, data: bytes) -> RawDocument:
    """Read a .docx file's bytes; raise BadDocument (one line naming the file) when it cannot be read."""
    t0 = time.perf_counter()
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise BadDocument(f"{path}: an old binary Word .doc or an encrypted file, not .docx; "
                          f"save it as an unencrypted .docx and ingest that")
    try:
        import docx
    except ImportError:  # pragma: no cover
        raise BadDocument(f"{path}: install python-docx to read Word files") from None
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        styles = _Styles(document.styles.element)
        numbering = _Numbering(_numbering_element(document), styles)
    except BadDocument:
        raise
    except Exception as e:                    # a damaged zip, a missing part, XML errors, not Word at all
        kind = "BadZipFile" if isinstance(e, zipfile.BadZipFile) else type(e).__name__
        raise BadDocument(f"{path}: not a readable Word file ({kind})") from None
    reader = _Reader(styles, numbering)
    try:
        reader.blocks(body)
    except (ValueError, TypeError, RecursionError) as e:   # malformed attribute values, absurd nesting
        raise BadDocument(f"{path}: not a readable Word file ({type(e).__name__} in the body)") from None
    lines = tuple(reader.lines)
    if not lines:
        raise BadDocument(f"{path}: the Word file has no text")
    return RawDocument(path=path, pages=(RawPage(lines=lines),), paged=False, sha256=sha256_bytes(data),
                       encoding="docx", layout=True, seconds={"extract": time.perf_counter() - t0})


def _numbering_element(document):
    try:
        part = document.part.part_related_by(
            "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering")
    except KeyError:
        return None
    return part.element


def _int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _on(el) -> bool:
    """A w:onOff property: present and not switched off."""
    return el is not None and el.get(VAL, "true") not in ("false", "0", "off")


class _Styles:
    """Paragraph styles: name, parent, outline level and numbering, looked up through `w:basedOn`."""

    def __init__(self, root):
        self.by_id: dict[str, object] = {}
        self.default: str | None = None
        for st in root.iter(_w("style")):
            if st.get(_w("type")) != "paragraph":
                continue
            sid = st.get(_w("styleId"))
            self.by_id[sid] = st
            if st.get(_w("default")) in ("1", "true", "on"):
                self.default = sid

    def chain(self, sid: str | None):
        seen = set()
        sid = sid if sid in self.by_id else self.default
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            st = self.by_id[sid]
            yield sid, st
            based = st.find(_w("basedOn"))
            sid = based.get(VAL) if based is not None else None

    def level(self, sid: str | None) -> int | None:
        """The heading level a style gives (0 = body text), or None when it says nothing."""
        for style_id, st in self.chain(sid):
            name_el = st.find(_w("name"))
            name = name_el.get(VAL, "") if name_el is not None else ""
            m = HEADING_NAME.match(name) or HEADING_ID.match(style_id or "")
            if m:
                return int(m.group(1))
            if TITLE_NAME.match(name) or (style_id or "").lower() == "title":
                return 1
            lvl = st.find(f"{PPR}/{_w('outlineLvl')}")
            if lvl is not None:
                return _outline(lvl)
        return None

    def num_pr(self, sid: str | None):
        for style_id, st in self.chain(sid):
            num = st.find(f"{PPR}/{_w('numPr')}")
            if num is not None:
                return style_id, num
        return None, None


def _outline(el) -> int:
    try:
        v = int(el.get(VAL, "9"))
    except ValueError:
        return 0
    return v + 1 if 0 <= v < 9 else 0


class _Numbering:
    """Renders list labels (`第一章`, `（二）`, `3.`) with Word's counters, kept per abstract list."""

    def __init__(self, root, styles: _Styles):
        self.abstract: dict[str, dict[int, object]] = {}
        self.nums: dict[str, tuple[str, dict[int, object], dict[int, int]]] = {}
        self.counts: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for an in root.findall(_w("abstractNum")):
            self.abstract[an.get(_w("abstractNumId"))] = {int(l.get(_w("ilvl"), "0")): l
                                                         for l in an.findall(_w("lvl"))}
        for num in root.findall(_w("num")):
            aid = num.find(_w("abstractNumId"))
            if aid is None:
                continue
            lvls, starts = {}, {}
            for ov in num.findall(_w("lvlOverride")):
                i = int(ov.get(_w("ilvl"), "0"))
                so = ov.find(_w("startOverride"))
                if so is not None:
                    starts[i] = int(so.get(VAL, "0"))
                if ov.find(_w("lvl")) is not None:
                    lvls[i] = ov.find(_w("lvl"))
            self.nums[num.get(_w("numId"))] = (aid.get(VAL), lvls, starts)

    def _lvl(self, num_id: str, i: int):
        aid, lvls, _ = self.nums[num_id]
        return lvls.get(i) if i in lvls else self.abstract.get(aid, {}).get(i)

    def _start(self, num_id: str, i: int) -> int:
        starts = self.nums[num_id][2]
        if i in starts:
            return starts[i]
        lvl = self._lvl(num_id, i)
        st = lvl.find(_w("start")) if lvl is not None else None
        return int(st.get(VAL, "1")) if st is not None else 1

    def ilvl_for_style(self, num_id: str, style_id: str) -> int:
        aid = self.nums[num_id][0]
        for i, lvl in self.abstract.get(aid, {}).items():
            ps = lvl.find(_w("pStyle"))
            if ps is not None and ps.get(VAL) == style_id:
                return i
        return 0

    def label(self, num_id: str, ilvl: int) -> str:
        """Advance the list's counter at `ilvl` and return the label with its suffix ('' for bullets)."""
        if num_id not in self.nums or num_id == "0":
            return ""
        aid, _, starts = self.nums[num_id]
        counts = self.counts.setdefault(aid, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for i in starts:
                if 0 <= i < 9:
                    counts[i] = None
        ilvl = min(max(ilvl, 0), 8)
        counts[ilvl] = self._start(num_id, ilvl) if counts[ilvl] is None else counts[ilvl] + 1
        for i in range(ilvl + 1, 9):
            counts[i] = None
        lvl = self._lvl(num_id, ilvl)
        if lvl is None:
            return ""
        fmt = _prop(lvl, "numFmt", "decimal")
        text = _prop(lvl, "lvlText", None)
        if fmt == "bullet" or fmt == "none" or not text:
            return ""
        legal = _on(lvl.find(_w("isLgl")))

        def one(m: re.Match) -> str:
            i = int(m.group(1)) - 1
            n = counts[i] if counts[i] is not None else self._start(num_id, i)
            f = "decimal" if legal else _prop(self._lvl(num_id, i), "numFmt", "decimal")
            return format_number(n, f)

        out = re.sub(r"%([1-9])", one, text)
        suff = _prop(lvl, "suff", "tab")
        return out + ("" if suff == "nothing" else " ")


def _prop(lvl, tag: str, default):
    el = lvl.find(_w(tag)) if lvl is not None else None
    return el.get(VAL, default) if el is not None else default


CN_DIGITS = "〇一二三四五六七八九"
CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"


def _chinese(n: int, digits: str = CN_DIGITS, units: str = "十百千") -> str:
    if n < 0 or n >= 10000:
        return str(n)
    if n < 10:
        return digits[n]
    out, zero = "", False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d, n = divmod(n, power)
        if d:
            if zero and out:
                out += "零" if digits is CN_DIGITS else digits[0]
            out += digits[d] + unit
            zero = False
        else:
            zero = True
    if out.startswith(digits[1] + units[0]) and digits is CN_DIGITS:
        out = out[1:]                        # 十一, not 一十一
    return out


def _alpha(n: int, upper: bool) -> str:
    if n <= 0:
        return str(n)
    letter = chr((n - 1) % 26 + (65 if upper else 97))
    return letter * ((n - 1) // 26 + 1)       # Word's A..Z, AA..ZZ


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                 (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def format_number(n: int, fmt: str) -> str:
    """A list counter in one of Word's number formats (decimal for the ones not handled)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "taiwaneseCountingThousand", "koreanCounting"):
        return _chinese(n)
    if fmt == "chineseLegalSimplified":
        return _chinese(n, CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(CN_DIGITS[int(c)] for c in str(n))
    if fmt in ("ideographTraditional",) and 1 <= n <= 10:
        return "甲乙丙丁戊己庚辛壬癸"[n - 1]
    if fmt in ("ideographZodiac",) and 1 <= n <= 12:
        return "子丑寅卯辰巳午未申酉戌亥"[n - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= n <= 20:
        return chr(0x2488 + n - 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("upperLetter", "lowerLetter"):
        return _alpha(n, fmt == "upperLetter")
    if fmt in ("upperRoman", "lowerRoman"):
        r = _roman(n)
        return r if fmt == "upperRoman" else r.lower()
    return str(n)


class _Reader:
    def __init__(self, styles: _Styles, numbering: _Numbering):
        self.styles = styles
        self.numbering = numbering
        self.lines: list[RawLine] = []

    # -- block level -------------------------------------------------------------------------------
    def blocks(self, parent) -> None:
        """Paragraphs and tables under a body, cell, text box or content control, in order."""
        for child in parent:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag == SDT:
                content = child.find(SDT_CONTENT)
                if content is not None:
                    self.blocks(content)
            elif tag == CUSTOM_XML:
                self.blocks(child)

    def paragraph(self, p) -> None:
        level, pieces, boxes = self.paragraph_text(p)
        if level:
            text = join_pieces(pieces)
            if text:
                self.lines.append(RawLine(text, level=level))
        else:
            for piece in pieces:
                piece = piece.strip()
                if piece:
                    self.lines.append(RawLine(piece))
        for box in boxes:
            self.blocks(box)

    def paragraph_text(self, p) -> tuple[int, list[str], list]:
        """(heading level, text pieces split at soft line breaks, text boxes anchored in it)."""
        ppr = p.find(PPR)
        sid = None
        level = None
        num_id = ilvl = None
        if ppr is not None:
            ps = ppr.find(_w("pStyle"))
            sid = ps.get(VAL) if ps is not None else None
            ol = ppr.find(_w("outlineLvl"))
            if ol is not None:
                level = _outline(ol)
            num = ppr.find(_w("numPr"))
            if num is not None:
                nid, il = num.find(_w("numId")), num.find(_w("ilvl"))
                num_id = nid.get(VAL) if nid is not None else None
                ilvl = _int(il.get(VAL)) if il is not None else None
        if level is None:
            level = self.styles.level(sid) or 0
        if num_id is None:
            style_id, num = self.styles.num_pr(sid)
            if num is not None:
                nid, il = num.find(_w("numId")), num.find(_w("ilvl"))
                num_id = nid.get(VAL) if nid is not None else None
                if ilvl is None and il is not None:
                    ilvl = _int(il.get(VAL))
                elif ilvl is None and num_id in self.numbering.nums:
                    ilvl = self.numbering.ilvl_for_style(num_id, style_id)
        label = self.numbering.label(num_id, ilvl or 0) if num_id else ""
        buf: list[str] = [label]
        boxes: list = []
        self.inline(p, buf, boxes)
        pieces = "".join(buf).split(BREAK)
        return min(level, 3), pieces, boxes

    def inline(self, el, buf: list[str], boxes: list) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in SKIP:
                continue
            if tag == T or tag == f"{{{M}}}t":
                buf.append((child.text or "").replace("\r", BREAK))
            elif tag in (TAB, PTAB):
                buf.append("\t")
            elif tag in (BR, CR):
                buf.append(BREAK)
            elif tag == NBH:
                buf.append("\u2011")
            elif tag == SYM:
                try:
                    ch = chr(int(child.get(_w("char"), ""), 16))
                except ValueError:
                    continue
                if not ("\ue000" <= ch <= "\uf8ff"):   # symbol-font glyphs have no Unicode meaning
                    buf.append(ch)
            elif tag == TXBX:
                boxes.append(child)
            elif tag == R:
                rpr = child.find(RPR)
                if rpr is not None and _on(rpr.find(_w("vanish"))):
                    continue
                self.inline(child, buf, boxes)
            elif tag in (P, TBL):
                continue                       # block content only appears inside text boxes
            else:
                self.inline(child, buf, boxes)

    # -- tables ------------------------------------------------------------------------------------
    def table(self, tbl) -> None:
        rows = [tr for tr in _rows(tbl)]
        if rows and all(len(_cells(tr)) == 1 and not any(_grid_skip(tr)) for tr in rows):
            for tr in rows:                    # a frame: its content is ordinary text
                self.blocks(_cells(tr)[0])
            return
        grid: list[list[str]] = []
        for tr in rows:
            row: list[str] = []
            before, after = _grid_skip(tr)
            row += [""] * before
            for tc in _cells(tr):
                tcpr = tc.find(_w("tcPr"))
                span, vmerge, hmerge = 1, None, None
                if tcpr is not None:
                    gs = tcpr.find(_w("gridSpan"))
                    if gs is not None:
                        try:
                            span = max(1, int(gs.get(VAL, "1")))
                        except ValueError:
                            span = 1
                    vm = tcpr.find(_w("vMerge"))
                    if vm is not None:
                        vmerge = vm.get(VAL, "continue")
                    hm = tcpr.find(_w("hMerge"))
                    if hm is not None:
                        hmerge = hm.get(VAL, "continue")
                col = len(row)
                if vmerge == "continue" and grid and col < len(grid[-1]):
                    text = grid[-1][col]
                    self.cell_text(tc)             # keep list counters in step
                elif hmerge == "continue" and row:
                    text = row[-1]
                    self.cell_text(tc)
                else:
                    text = self.cell_text(tc)
                row += [text] * span
            row += [""] * after
            grid.append(row)
        width = max((len(r) for r in grid), default=0)
        for row in grid:
            cells = tuple(row + [""] * (width - len(row)))
            if any(cells):
                self.lines.append(RawLine("\t".join(cells), cells=cells))

    def cell_text(self, tc) -> str:
        """All text of a cell (nested tables included) on one line: its lines joined by spaces."""
        inner = _Reader(self.styles, self.numbering)
        inner.blocks(tc)
        return " ".join(l.text.replace("\t", " ").strip() for l in inner.lines if l.text.strip())


def _rows(tbl):
    for child in tbl:
        if child.tag == TR:
            yield child
        elif child.tag in (SDT, CUSTOM_XML):
            inner = child.find(SDT_CONTENT) if child.tag == SDT else child
            if inner is not None:
                yield from (tr for tr in inner if tr.tag == TR)


def _cells(tr) -> list:
    out = []
    for child in tr:
        if child.tag == TC:
            out.append(child)
        elif child.tag in (SDT, CUSTOM_XML):
            inner = child.find(SDT_CONTENT) if child.tag == SDT else child
            if inner is not None:
                out += [tc for tc in inner if tc.tag == TC]
    return out


def _grid_skip(tr) -> tuple[int, int]:
    trpr = tr.find(_w("trPr"))
    if trpr is None:
        return 0, 0
    out = []
    for tag in ("gridBefore", "gridAfter"):
        el = trpr.find(_w(tag))
        try:
            out.append(int(el.get(VAL, "0")) if el is not None else 0)
        except ValueError:
            out.append(0)
    return out[0], out[1]
