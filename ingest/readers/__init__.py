"""Readers: one per file format, each turning a file into pages of logical lines (RawDocument)."""
from __future__ import annotations

from pathlib import Path

from ..errors import BadDocument
from .base import RawDocument, RawLine, RawPage, VisualLine, sha256_file

SUFFIXES = (".txt", ".pdf", ".docx", ".html", ".htm")


def unreadable(path: str | Path, e: OSError) -> str:
    """One line for a file the system will not let this user read, with what makes it readable."""
    import shlex
    if isinstance(e, PermissionError):
        mode = "u+rx" if Path(path).is_dir() else "u+r"      # a folder is listed (r) and entered (x)
        return (f"{path}: cannot read (permission denied): let this user read it"
                f" (`chmod {mode} {shlex.quote(str(path))}`) or take it out of the folder")
    return f"{path}: cannot read ({e.strerror or e})"


def read(path: str | Path, progress=None) -> RawDocument:
    """Read one file; raise BadDocument with a one-line reason on any failure.

    `progress(done, total, message)` is called per page where reading is slow (OCR)."""
    path = Path(path)
    if not path.exists():
        raise BadDocument(f"{path}: no such file")
    if not path.is_file():
        raise BadDocument(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadDocument(f"{path}: unsupported file type {suffix or '(none)'}; use "
                          + ", ".join(SUFFIXES[:-1]))
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadDocument(unreadable(path, e)) from None
    if not data.strip():
        raise BadDocument(f"{path}: the file is empty")
    if suffix != ".pdf" and data.startswith(b"%PDF-"):     # read as text it would be PDF syntax, not the document
        raise BadDocument(f"{path}: a PDF file named {suffix}: rename it to .pdf")
    if suffix == ".txt":
        from .text import read_text
        return read_text(path, data)
    if suffix == ".pdf":
        from .pdf import read_pdf
        return read_pdf(path, data, progress)
    if suffix == ".docx":
        from .docx import read_docx
        return read_docx(path, data)
    from .html import read_html
    return read_html(path, data)


__all__ = ["read", "RawDocument", "RawPage", "RawLine", "VisualLine", "SUFFIXES", "sha256_file"]
