"""Plain text files: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one as some editors save it),
or GB18030/GBK; random bytes and mojibake are refused."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import BadDocument
from .base import RawDocument, RawLine, RawPage, sha256_bytes


# More than this share of a text's (non-space) characters odd, and it is not text: random bytes, or a file in an
# encoding it is not (GB18030 reads any run of high bytes as ideographs, most of them ones no document uses).
UNREADABLE = 0.2
# Odd in any text: control characters other than tab, line breaks and form feed (the page break), private use, U+FFFD.
_ODD = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\ufffd]")


def decode_text(data: bytes, name: str, problems: list[str] | None = None) -> tuple[str, str]:
    """Decode bytes as UTF-16 (BOM), UTF-8 (with or without BOM), UTF-16 without a BOM when it reads as text,
    else GB18030; a file with a few bytes of neither is read with those bytes as U+FFFD (said in `problems`).
    Refuse binary, and text that is mostly odd characters (random bytes, another encoding) with one line."""
    problems = [] if problems is None else problems
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return _readable(data.decode("utf-16"), "utf-16", name), "utf-16"
        except UnicodeDecodeError:
            raise BadDocument(f"{name}: text has a UTF-16 mark but is not valid UTF-16") from None
    try:
        text = data.decode("utf-8-sig")
        if "\x00" not in text[:4096]:
            return _readable(text, "utf-8", name), "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("utf-16-le", "utf-16-be"):          # no BOM: accepted only when it reads as Chinese text
        if len(data) % 2 == 0:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text) and _odd_share(text, "gb18030") <= UNREADABLE:
                return text, enc
    if b"\x00" in data[:4096]:
        raise BadDocument(f"{name}: not a text file (binary content)")
    try:
        text = data.decode("gb18030")
        if _odd_share(text, "gb18030") <= UNREADABLE:
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    # neither decodes cleanly (or GB18030 reads as nonsense): the better of the two with bad bytes as U+FFFD
    share, text, enc = min((_odd_share(t, e), t, e) for e in ("utf-8", "gb18030")
                           for t in [data.decode(e if e == "gb18030" else "utf-8-sig", "replace")])
    if share > UNREADABLE:
        raise BadDocument(f"{name}: not readable text: neither UTF-8 nor GB18030/GBK ({share:.0%} of its characters "
                          "would be replacement, control, private-use or rare characters)")
    bad = text.count("\ufffd")
    if bad:
        problems.append(f"{bad} byte sequence(s) are not valid {_LABEL[enc]}; each is read as U+FFFD (\ufffd)")
    return text, enc


_LABEL = {"utf-8": "UTF-8", "utf-16": "UTF-16", "gb18030": "GB18030/GBK"}


def _readable(text: str, enc: str, name: str) -> str:
    """The text, or BadDocument when more than UNREADABLE of its characters are odd."""
    share = _odd_share(text, enc)
    if share > UNREADABLE:
        raise BadDocument(f"{name}: not readable text ({share:.0%} of its characters are replacement, control, "
                          f"private-use or rare characters when read as {_LABEL[enc]})")
    return text


def _odd_share(text: str, enc: str) -> float:
    """The share of the non-space characters that are odd: control, private use, U+FFFD; read as GB18030 also any
    character that is neither ASCII, a GB2312 symbol or level-1 ideograph, nor a Big5 symbol or frequent ideograph
    (real documents: under 1%; random high bytes: 30-90%)."""
    chars = len(text) - len(_SPACE.findall(text))
    if not chars:
        return 0.0
    if enc == "gb18030":
        odd = len(_SPACE.sub("", text).translate(_common()))
    else:
        odd = len(_ODD.findall(text))
    return odd / chars


_SPACE = re.compile(r"\s")


@lru_cache(maxsize=1)
def _common() -> dict[int, None]:
    """A str.translate table deleting the characters Chinese text is made of (ASCII but controls, the symbols and
    level-1 ideographs of GB2312, the symbols and frequent ideographs of Big5 for traditional text)."""
    keep = {chr(c) for c in range(0x20, 0x7f)}
    for enc, leads, trails, last in (("gb2312", range(0xA1, 0xD8), range(0xA1, 0xFF), b"\xd7\xf9"),
                                     ("big5", range(0xA1, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)],
                                      b"\xc6\x7e")):
        for a in leads:
            for b in trails:
                pair = bytes((a, b))
                if pair <= last:
                    try:
                        keep.add(pair.decode(enc))
                    except UnicodeDecodeError:
                        pass
    return dict.fromkeys(map(ord, keep))


_PLAIN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\s]")


def _looks_like_text(text: str, sample: int = 4000) -> bool:
    """Most characters are Chinese, CJK/full-width punctuation, ASCII or whitespace (not Hangul soup or NULs)."""
    head = text[:sample]
    return bool(head.strip()) and len(_PLAIN.findall(head)) >= 0.95 * len(head)


def read_text(path: Path, data: bytes) -> RawDocument:
    problems: list[str] = []
    text, enc = decode_text(data, str(path), problems)
    if not text.strip():
        raise BadDocument(f"{path}: the file is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a form feed marks a page break in text saved from a paged source
    pages = tuple(RawPage(tuple(RawLine(l) for l in page.split("\n"))) for page in text.split("\f"))
    return RawDocument(path, pages, len(pages) > 1, sha256_bytes(data), enc, problems=tuple(problems))
