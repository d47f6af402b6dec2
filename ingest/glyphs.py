"""Repair look-alike code points that PDF text layers put in place of ideographs (⼗ → 十, ⺠ → 民)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Kangxi Radicals, CJK Radicals Supplement, CJK Compatibility Ideographs (+ Supplement).
SUSPECT = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")
# What is still suspicious after repair: radicals without an equivalent, private use, U+FFFD.
LEFTOVER = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf\ue000-\uf8ff\ufffd]")


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    """Every suspect code point → its unified ideograph (radicals supplement from the UCD table, the rest by NFKC)."""
    table: dict[int, str] = {}
    for line in (Path(__file__).parent / "data" / "radicals.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            src, dst, _ = line.split("\t", 2)
            table[ord(src)] = dst
    for lo, hi in ((0x2F00, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)):
        for cp in range(lo, hi + 1):
            n = unicodedata.normalize("NFKC", chr(cp))
            if n != chr(cp) and len(n) == 1:
                table[cp] = n
    return table


def repair(text: str) -> str:
    """Map radical and compatibility look-alikes to the unified ideographs; nothing else changes."""
    if not SUSPECT.search(text):
        return text
    return text.translate(_table())


_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "—": "-", "－": "-"})


def comparable(ch: str) -> str:
    """A character (or a text) as two copies of a text are compared (a passage and its printed PDF page, a passage
    and a quotation copied from either): NFKC, look-alike glyphs repaired, quotes and dashes plain, whitespace
    dropped. A character may give zero, one or more characters."""
    s = unicodedata.normalize("NFKC", repair(ch)).translate(_PLAIN)
    return "".join(c for c in s if not c.isspace())


def leftovers(text: str) -> int:
    """Characters that still look wrong: unmapped radicals, private-use code points, U+FFFD."""
    return len(LEFTOVER.findall(text))
