"""Records every reader returns: logical lines grouped in pages, before any structure is parsed."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RawLine:
    """One logical line of a source: a heading, a whole paragraph (wrapped lines already joined where the
    reader knows the layout), a line of a text file, or a table row."""
    text: str                                 # the line's text as extracted (tabs between cells for a table row)
    level: int = 0                            # 1..3 when the source marks it as a heading (Word style, <h1>..<h3>)
    cells: tuple[str, ...] | None = None      # a table row: one string per column; a merged cell's text is
                                              # repeated in every row it spans


@dataclass(frozen=True)
class VisualLine:
    """A line as laid out on a page (PDF text layer or OCR): its text and box in points, origin top-left."""
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class RawPage:
    lines: tuple[RawLine, ...]
    printed: int | None = None                # the page number printed on the page (footer/header), if any
    ocr: bool = False                         # the text came from OCR
    dropped_chars: int = 0                    # characters removed as running headers, footers and page numbers


@dataclass(frozen=True)
class RawDocument:
    path: Path
    pages: tuple[RawPage, ...]                # one page for .txt/.docx/.html, one per page for a PDF
    paged: bool                               # True when the pages are real (PDF)
    sha256: str
    encoding: str                             # "utf-8", "gb18030", "pdf", "docx", "html"
    layout: bool = False                      # True when lines are already whole paragraphs (from layout or markup)
    problems: tuple[str, ...] = ()            # e.g. "page 7: OCR found no text" (reported, never silent)
    seconds: dict = field(default_factory=dict, compare=False)   # reader timings: {"extract": 0.4, "ocr": 12.0}
    meta: dict = field(default_factory=dict, compare=False)      # what the container says: {"issuer", "date"}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2018-\u201d\u2026\u2014]")


def join_pieces(pieces: list[str]) -> str:
    """Join pieces of one logical line: nothing between Chinese characters, one space otherwise."""
    out = ""
    for piece in (p.strip() for p in pieces):
        if not piece:
            continue
        if out and not (CJK.match(out[-1]) and CJK.match(piece[0])):
            out += " "
        out += piece
    return out
