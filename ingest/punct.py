"""Restore the full-width punctuation that text extraction flattened to ASCII, between Chinese characters only."""
from __future__ import annotations

import re

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u2018-\u201d\u2014\u2026"
_CJKISH = f"[{_HAN}{_CJK_PUNCT}]"
_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
# ASCII , ; : ? ! with a Chinese character (or Chinese punctuation) on either side; '%' and a closing
# bracket before it also count (增长6.5%,一二三产业). Digits on both sides (1:33:66, 1,000) never change.
_MARK = re.compile(rf"(?<={_CJKISH})[,;:?!]|(?<=[%）)])[,;:?!](?={_CJKISH})|[,;:?!](?={_CJKISH})")
_HAS_HAN = re.compile(f"[{_HAN}]")


def _parens(text: str) -> str:
    """( … ) → （ … ） when the pair sits next to or holds Chinese text: 增长(%) → 增长（%）, (草案) → （草案）;
    a pair half ASCII, half full-width (OCR: 增长(%）) is made whole."""
    out = list(text)
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "(（":
            stack.append(i)
        elif ch in ")）" and stack:
            j = stack.pop()
            if text[j] == "（" and ch == "）":
                continue
            inner = text[j + 1:i]
            before = text[j - 1] if j else ""
            if _HAS_HAN.search(inner) or (before and _HAS_HAN.match(before)):
                out[j], out[i] = "（", "）"
    return "".join(out)


def _quotes(text: str) -> str:
    """Straight double quotes in Chinese text → “ ” pair by pair (the extraction flattened both to "); a pair
    round ASCII text between ASCII characters (=HYPERLINK("http://x"), code) is left as it is."""
    if '"' not in text or not _HAS_HAN.search(text):
        return text
    at = [i for i, ch in enumerate(text) if ch == '"']
    out = list(text)
    for k in range(0, len(at), 2):
        i = at[k]
        j = at[k + 1] if k + 1 < len(at) else None
        inner = text[i + 1:j] if j is not None else text[i + 1:]
        near = text[i - 1:i] + (text[j + 1:j + 2] if j is not None else "")
        if _HAS_HAN.search(inner) or _HAS_HAN.search(near):
            out[i] = "“"
            if j is not None:
                out[j] = "”"
    return "".join(out)


def restore(text: str) -> str:
    """Full-width ，；：？！（）“” where the original had them; numbers (3.01, 1:33:66, 0.08-0.3mm) untouched."""
    if not _HAS_HAN.search(text):
        return text
    text = _MARK.sub(lambda m: _WIDE[m.group()], text)
    if "(" in text or ")" in text:
        text = _parens(text)
    return _quotes(text)
