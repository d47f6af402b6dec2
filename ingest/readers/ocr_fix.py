"""Systematic OCR slips on printed Chinese, corrected by rules that hold for any document (not by a list of
this document's words): a character the recognizer confuses with a look-alike is replaced when only the
look-alike makes words with its neighbours (jieba's dictionary decides), and a few layout conventions."""
from __future__ import annotations

import re

# what PP-OCR reads → what the page prints (measured on scans of the outline: bench/formats.py --ocr)
LOOK_ALIKES = {"几": "儿", "社": "祉", "○": "〇", "O": "〇", "由": "田"}
_DASHES = re.compile(r"^[一-]{2}(?=[\u4e00-\u9fff“])")                      # '——坚持…' read as '一一坚持…'
_YEAR = re.compile(r"(^|[^〇零一二三四五六七八九十])二([一二三四五六七八九])([〇零一二三四五六七八九])年")  # 二三五年
_NUMERALS = "〇一二三四五六七八九"


def _score(text: str) -> float:
    """Log-probability of jieba's best segmentation of text (its dictionary's word frequencies)."""
    from ingest import tokenize
    tk = tokenize._tokenizer()
    route: dict = {}
    tk.calc(text, tk.get_DAG(text), route)
    return route[0][0]


def _better(text: str, i: int, alt: str) -> bool:
    """Whether `alt` at position i reads better than the character read: a circle between Chinese numerals is
    the numeral zero; otherwise the look-alike must make the words around it more likely by a clear margin."""
    ch = text[i]
    if ch in "○O":
        return (i > 0 and text[i - 1] in _NUMERALS) or (i + 1 < len(text) and text[i + 1] in _NUMERALS)
    a, b = max(0, i - 4), min(len(text), i + 5)
    window = text[a:b]
    k = i - a
    return _score(window[:k] + alt + window[k + 1:]) > _score(window) + 3.0


def fix(text: str) -> str:
    text = _DASHES.sub("——", text)
    if any(c in text for c in LOOK_ALIKES):
        chars = list(text)
        for i, ch in enumerate(text):
            alt = LOOK_ALIKES.get(ch)
            if alt and _better(text, i, alt):
                chars[i] = alt
        text = "".join(chars)
    return _YEAR.sub(r"\1二〇\2\3年", text)
