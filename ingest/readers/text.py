"""Plain text files: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one as some editors save it),
or GB18030/GBK."""
from __future__ import annotations

import re
from pathlib import Path

from ..errors import BadDocument
from .base import RawDocument, RawLine, RawPage, sha256_bytes


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-16 (BOM), UTF-8 (with or without BOM), UTF-16 without a BOM when it reads as text,
    else GB18030; refuse binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise BadDocument(f"{name}: text has a UTF-16 mark but is not valid UTF-16") from None
    try:
        text = data.decode("utf-8-sig")
        if "\x00" not in text[:4096]:
            return text, "utf-8"
    except UnicodeDecodeError:
        pass
    for enc in ("utf-16-le", "utf-16-be"):          # no BOM: accepted only when it reads as Chinese text
        if len(data) % 2 == 0:
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, enc
    if b"\x00" in data[:4096]:
        raise BadDocument(f"{name}: not a text file (binary content)")
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise BadDocument(f"{name}: text is neither UTF-8 nor GB18030/GBK")


_PLAIN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\s]")


def _looks_like_text(text: str, sample: int = 4000) -> bool:
    """Most characters are Chinese, CJK/full-width punctuation, ASCII or whitespace (not Hangul soup or NULs)."""
    head = text[:sample]
    return bool(head.strip()) and len(_PLAIN.findall(head)) >= 0.95 * len(head)


def read_text(path: Path, data: bytes) -> RawDocument:
    text, enc = decode_text(data, str(path))
    if not text.strip():
        raise BadDocument(f"{path}: the file is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a form feed marks a page break in text saved from a paged source
    pages = tuple(RawPage(tuple(RawLine(l) for l in page.split("\n"))) for page in text.split("\f"))
    return RawDocument(path, pages, len(pages) > 1, sha256_bytes(data), enc)
