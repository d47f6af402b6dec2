"""Undo text-extraction damage without changing a word: stray spaces, markup residue, split lines."""
from __future__ import annotations

import re

# CJK ideographs, CJK punctuation, full-width forms and curly quotes.
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u2018-\u201d\u2014\u2026"
_SPACE = r"[ \t\u00a0\u3000]+"
_SPACES_NEAR_CJK = re.compile(rf"(?<=[{_CJK}]){_SPACE}|{_SPACE}(?=[{_CJK}])")
_MARKUP = re.compile(r"\*\*")
_BULLET = re.compile(r"^\s*[-•·]\s+(?=——|\S)")
TERMINAL = "。！？；：!?;:…"
_PAGE_FURNITURE = re.compile(r"^[\s\-—–·.]*\d{1,4}[\s\-—–·.]*$|^第\s*\d+\s*页(\s*/?\s*共\s*\d+\s*页)?$")


def clean_line(line: str) -> str:
    """One source line → its cleaned form (spaces beside Chinese removed, markdown residue dropped)."""
    line = _BULLET.sub("", line)
    line = _MARKUP.sub("", line)
    line = _SPACES_NEAR_CJK.sub("", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def is_page_furniture(line: str) -> bool:
    """A running page number such as '- 18 -' or '第3页' that a PDF puts on every page."""
    return bool(_PAGE_FURNITURE.match(line.strip()))


def ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip("\"'”’)）】」』")
    return bool(t) and t[-1] in TERMINAL


def looks_like_running_text(text: str) -> bool:
    """A fragment that was cut mid-paragraph: long, or carrying clause punctuation."""
    return len(text) >= 24 or any(c in text for c in ",，、。;；")
