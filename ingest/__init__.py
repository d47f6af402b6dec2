"""Read planning documents (.txt/.pdf/.docx/.html) into structured Documents and citable Passages."""
from __future__ import annotations

import os
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
    """Expand files and folders into the sorted list of readable files they hold (.txt .pdf .docx .html); a folder
    this user cannot list (chmod 000) is BadDocument, one line saying so, never taken for an empty one."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in _files(p) if f.suffix.lower() in SUFFIXES)
        else:
            out.append(p)
    return out


def _files(folder: Path):
    """The files under a folder, as rglob finds them (links to folders not followed)."""
    def refuse(e: OSError):
        raise BadDocument(unreadable(Path(e.filename), e))
    for root, _, names in os.walk(folder, onerror=refuse):
        yield from (f for f in (Path(root) / n for n in names) if f.is_file())
