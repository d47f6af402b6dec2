"""Read planning documents (.txt/.pdf/.docx/.html) into structured Documents and citable Passages."""
from __future__ import annotations

from pathlib import Path

from .document import build as _build
from .errors import BadDocument
from .passages import passages, reads_with_next, sentences
from .readers import SUFFIXES, read, unreadable
from .records import Block, BoxInfo, Chapter, Document, Passage, Report, Section, TocEntry, cn

__all__ = ["load", "discover", "passages", "sentences", "reads_with_next", "unreadable", "BadDocument", "Document", "Passage", "Report",
           "Chapter", "Section", "BoxInfo", "Block", "TocEntry", "cn", "SUFFIXES", "read"]


def load(path: str | Path, progress=None) -> Document:
    """Read and parse one file; BadDocument (one line, naming the file) on failure.

    `progress(done, total, message)` is called per page where reading is slow (OCR)."""
    return _build(read(path, progress))


def discover(paths) -> list[Path]:
    """Expand files and folders into the sorted list of readable files they hold (.txt .pdf .docx .html)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out
