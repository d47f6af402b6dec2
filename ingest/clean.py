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
# '— 12 —', '- 12 -', '12', '第12页', '第 12 页 共 67 页', '12 / 67', '·12·' (and OCR's '12一')
_PAGE_NO = re.compile(r"^[\s\-—–·.•一－~]*(\d{1,4})[\s\-—–·.•一－~]*$|^第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"
                      r"|^(\d{1,4})\s*/\s*\d{1,4}$")


def clean_line(line: str) -> str:
    """One source line → its cleaned form (spaces beside Chinese removed, markdown residue dropped)."""
    line = _BULLET.sub("", line)
    line = _MARKUP.sub("", line)
    line = _SPACES_NEAR_CJK.sub("", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def page_number(text: str) -> int | None:
    """The page number a running footer/header line prints, or None when the line is something else."""
    m = _PAGE_NO.match(text.strip())
    if not m:
        return None
    return int(next(g for g in m.groups() if g))


def is_page_furniture(line: str) -> bool:
    """A running page number such as '- 18 -' or '第3页' that a PDF puts on every page."""
    return page_number(line) is not None


def ends_sentence(text: str) -> bool:
    t = text.rstrip().rstrip("\"'”’)）】」』")
    return bool(t) and t[-1] in TERMINAL


def looks_like_running_text(text: str) -> bool:
    """A fragment that was cut mid-paragraph: long, or carrying clause punctuation."""
    return len(text) >= 24 or any(c in text for c in ",，、。;；")
