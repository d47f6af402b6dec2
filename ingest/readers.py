"""Read .txt (UTF-8 or GB18030/GBK) and .pdf (via pypdf) files into pages of raw text."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .errors import BadDocument

SUFFIXES = (".txt", ".pdf")


@dataclass(frozen=True)
class RawDocument:
    path: Path
    pages: tuple[str, ...]   # one entry for a text file, one per page for a PDF
    paged: bool              # True when page numbers are real (PDF)
    sha256: str
    encoding: str


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), else GB18030; refuse binary."""
    if b"\x00" in data[:4096]:
        raise BadDocument(f"{name}: not a text file (binary content)")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise BadDocument(f"{name}: text is neither UTF-8 nor GB18030/GBK")


def read(path: str | Path) -> RawDocument:
    """Read one file; raise BadDocument with a one-line reason on any failure."""
    path = Path(path)
    if not path.exists():
        raise BadDocument(f"{path}: no such file")
    if not path.is_file():
        raise BadDocument(f"{path}: not a file")
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BadDocument(f"{path}: unsupported file type {suffix or '(none)'}; use .txt or .pdf")
    try:
        data = path.read_bytes()
    except OSError as e:
        raise BadDocument(f"{path}: cannot read ({e.strerror or e})") from None
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".txt":
        text, enc = decode_text(data, str(path))
        if not text.strip():
            raise BadDocument(f"{path}: the file is empty")
        return RawDocument(path, (text.replace("\r\n", "\n").replace("\r", "\n"),), False, digest, enc)
    return RawDocument(path, _pdf_pages(path), True, digest, "pdf")


def _pdf_pages(path: Path) -> tuple[str, ...]:
    try:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError
    except ImportError:  # pragma: no cover
        raise BadDocument(f"{path}: install pypdf to read PDF files") from None
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise BadDocument(f"{path}: the PDF is encrypted; save an unencrypted copy and ingest that")
        pages = tuple((p.extract_text() or "").replace("\r\n", "\n") for p in reader.pages)
    except BadDocument:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as e:
        raise BadDocument(f"{path}: not a readable PDF ({type(e).__name__})") from None
    if not pages:
        raise BadDocument(f"{path}: the PDF has no pages")
    if sum(len(p.strip()) for p in pages) < 20:
        raise BadDocument(f"{path}: the PDF has no text layer (scanned images?); run OCR first")
    return pages
