"""Per format of the outline: structure found against its table of contents, parse and embed seconds, and the
dev figures beside the text file's; with --ocr also the scan (OCR seconds per page, character error rate).

    .venv/bin/python bench/formats.py [--ocr]

The files are the real-document test files of tests/docgen.py (chromium needed for the PDFs, LibreOffice for
the office PDF). Each format is indexed on its own with the real model (m3e-small) and evaluated on
eval/dev.jsonl exactly as `kb eval` does.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import ingest  # noqa: E402
from bench.common import DEV_SET  # noqa: E402
from kb import KnowledgeBase
from kb.evaluation import metrics as evaluate  # noqa: E402
from tests import docgen  # noqa: E402


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate over the text with whitespace and punctuation removed (the eval matching rule)."""
    from rapidfuzz.distance import Levenshtein
    a, b = evaluate.normalise(reference), evaluate.normalise(hypothesis)
    return Levenshtein.distance(a, b) / max(len(a), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ocr", action="store_true", help="also the image-only scan (minutes: OCR of every page)")
    a = ap.parse_args()
    files = {"txt": docgen.CORPUS}
    if docgen.chromium():
        files["browser-pdf"] = docgen.outline_browser_pdf()
        files["radicals-pdf"] = docgen.outline_radical_pdf()
        if (office := docgen.outline_office_pdf()) is not None:
            files["office-pdf"] = office
    files["docx"] = docgen.outline_docx()
    files["html"] = docgen.outline_saved_html()
    if a.ocr and docgen.chromium():
        files["scan-pdf"] = docgen.outline_scan_pdf()
    qs = evaluate.load_questions(DEV_SET)
    text = ingest.load(docgen.CORPUS).text
    print("| format | pages | 章/节/专栏 | TOC matched | furniture chars | glyphs repaired | parse s | embed s "
          "| dev hit@1 / hit@5 / MRR@10 / answer-hit | notes |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, path in files.items():
        t = time.perf_counter()
        doc = ingest.load(path)
        parse_s = time.perf_counter() - t
        r = doc.report
        with tempfile.TemporaryDirectory() as d:
            corpus = Path(d) / "corpus"
            corpus.mkdir()
            (corpus / path.name).write_bytes(path.read_bytes())
            stats = KnowledgeBase.sync([corpus], Path(d) / "index", model="m3e-small")
            kb = KnowledgeBase.open(Path(d) / "index", model="m3e-small")

            def product(q):
                res = kb.ask(q, k=10)
                return evaluate.result_texts(res)
            got = evaluate.evaluate(qs, product, k=10).to_json(0, 0, 0)
        notes = []
        if r.ocr_pages:
            ocr_s = dict(r.seconds).get("ocr", 0.0)
            notes.append(f"OCR {len(r.ocr_pages)} pages, {ocr_s / len(r.ocr_pages):.1f} s/page "
                         f"(0 when cached), CER {cer(text, doc.text):.3f}")
        rows = sum(1 for p in ingest.passages(doc) if p.kind == "row")
        notes.append(f"{rows} table rows")
        toc = f"{r.toc_matched}/{r.toc_entries}" if r.toc_entries else "no TOC"
        figures = " / ".join(f"{got[k]:.3f}" for k in ("hit@1", "hit@5", "mrr@10", "answer_hit"))
        print(f"| {name} | {r.pages} | {r.chapters}/{r.sections}/{r.boxes} | {toc} | {r.furniture_chars} "
              f"| {r.glyphs_repaired} | {parse_s:.2f} | {stats.embed_s:.1f} | {figures} | {'; '.join(notes)} |")


if __name__ == "__main__":
    main()
