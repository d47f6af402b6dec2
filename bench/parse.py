"""Parse time per format of the outline, against the floor of pypdf's plain text extraction of the same PDF.

Builds the real-document test files (tests/docgen.py: browser- and office-printed PDFs, Word, saved web page;
needs chromium, and LibreOffice for the office PDF), then times `ingest.load` on each, interleaved with the
peer, several rounds, and prints medians and the ratio to the peer. OCR is measured separately
(bench/ocr.py) because it costs seconds per page.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ingest  # noqa: E402
from tests import docgen  # noqa: E402


def pypdf_text(path: Path) -> int:
    """The floor: pypdf's text extraction of every page, nothing else (what the product did before)."""
    from pypdf import PdfReader
    return sum(len(p.extract_text() or "") for p in PdfReader(str(path)).pages)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    files = {"txt": docgen.CORPUS, "docx": docgen.outline_docx(), "html": docgen.outline_saved_html()}
    if docgen.chromium():
        files["browser-pdf"] = docgen.outline_browser_pdf()
        if (office := docgen.outline_office_pdf()) is not None:
            files["office-pdf"] = office
    times: dict[str, list[float]] = {k: [] for k in files}
    peer: list[float] = []
    stages: dict[str, dict] = {}
    for _ in range(a.rounds):
        for name, path in files.items():
            t = time.perf_counter()
            doc = ingest.load(path)
            times[name].append(time.perf_counter() - t)
            stages[name] = dict(doc.report.seconds) | {"pages": doc.report.pages, "passages": len(ingest.passages(doc))}
        if "browser-pdf" in files:
            t = time.perf_counter()
            pypdf_text(files["browser-pdf"])
            peer.append(time.perf_counter() - t)
    print(f"{'format':<12} {'pages':>5} {'passages':>8} {'parse s (median)':>17}  stages")
    for name, ts in times.items():
        s = stages[name]
        detail = ", ".join(f"{k} {v:.2f}" for k, v in s.items() if k not in ("pages", "passages"))
        print(f"{name:<12} {s['pages']:>5} {s['passages']:>8} {statistics.median(ts):>17.2f}  {detail}")
    if peer:
        ours = statistics.median(times["browser-pdf"])
        floor = statistics.median(peer)
        print(f"\nbrowser PDF: ingest.load {ours:.2f} s (structure, tables, layout included) vs pypdf text "
              f"extraction alone {floor:.2f} s: ratio {ours / floor:.2f}")


if __name__ == "__main__":
    main()
