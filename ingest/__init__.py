"""Read planning documents (.txt/.pdf) into structured Documents and citable Passages."""
from __future__ import annotations

from pathlib import Path

from .document import build as _build
from .errors import BadDocument
from .passages import passages, sentences
from .readers import SUFFIXES, read
from .records import Block, BoxInfo, Chapter, Document, Passage, Section, TocEntry, cn

__all__ = ["load", "discover", "passages", "sentences", "BadDocument", "Document", "Passage",
           "Chapter", "Section", "BoxInfo", "Block", "TocEntry", "cn", "SUFFIXES"]


def load(path: str | Path) -> Document:
    """Read and parse one file; BadDocument (one line, naming the file) on failure."""
    return _build(read(path))


def discover(paths) -> list[Path]:
    """Expand files and folders into the sorted list of .txt/.pdf files they hold."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out
