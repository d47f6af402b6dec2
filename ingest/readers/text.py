"""Plain text files: UTF-8 (with or without BOM), UTF-16 with a BOM, or GB18030/GBK."""
from __future__ import annotations

from pathlib import Path

from ..errors import BadDocument
from .base import RawDocument, RawLine, RawPage, sha256_bytes


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-16 (BOM), UTF-8 (with or without BOM), else GB18030; refuse binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise BadDocument(f"{name}: text has a UTF-16 mark but is not valid UTF-16") from None
    if b"\x00" in data[:4096]:
        raise BadDocument(f"{name}: not a text file (binary content)")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise BadDocument(f"{name}: text is neither UTF-8 nor GB18030/GBK")


def read_text(path: Path, data: bytes) -> RawDocument:
    text, enc = decode_text(data, str(path))
    if not text.strip():
        raise BadDocument(f"{path}: the file is empty")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # a form feed marks a page break in text saved from a paged source
    pages = tuple(RawPage(tuple(RawLine(l) for l in page.split("\n"))) for page in text.split("\f"))
    return RawDocument(path, pages, len(pages) > 1, sha256_bytes(data), enc)
