"""OCR bench: seconds per page and character error rate of ingest.readers.ocr on an image-only PDF.

    .venv/bin/python bench/ocr.py                         # makes its own scanned PDF from the outline, 4 pages
    .venv/bin/python bench/ocr.py --pages 8 --dpi 150 200 300 [--rough] [--scan-dpi 300] [--baseline]
    .venv/bin/python bench/ocr.py some-scan.pdf --truth truth.txt   # truth: pages separated by form feed (\\f)

Without a PDF path it prints paragraphs of corpus/weibin-14th-five-year-plan-outline.txt to PDF with headless
chromium (Noto CJK fonts; the pages are split evenly among body sizes 16, 14, 12 and 10.5 pt, i.e. 三号, 四号, 小四
and 五号; the outline's ASCII punctuation is printed full-width, as in the real documents), takes each page's ground
truth from that PDF's text layer, then rasterizes the pages (--scan-dpi, default 150; --rough adds skew, blur,
noise, specks and JPEG) into an image-only PDF with PIL.

CER = Levenshtein distance / reference length over a page's text with all whitespace removed, computed raw and
after NFKC (full-width and ASCII punctuation folded to one width), pooled over pages (sum of edits / sum of lengths).
rapidfuzz computes the distance when installed (and lists the most frequent differences), else a plain DP.

Measured on the 2 shared cores of the dev machine, 8 pages (~690 characters each), rapidocr-onnxruntime 1.4.4:

    scan      render dpi   s/page p50 (cpu)   CER raw   CER nfkc
    150 clean    150          2.07 (2.07)      0.0028    0.0028
                 200          2.10 (2.10)      0.0029    0.0029
                 300          2.10 (2.12)      0.0031    0.0031
    150 rough    150          1.89             0.0034    0.0034
                 200 / 300    1.88             0.0037    0.0037
    300 clean    150          2.16             0.0024    0.0024
                 200          2.15             0.0035    0.0030
                 300          2.22             0.0038    0.0031
    300 rough    150 / 200 / 300  1.9-2.0      0.0034 / 0.0033 / 0.0034
    baseline (rapidocr defaults but no cls: detector at full size, batches of 6, ORT's threads), 150 clean:
                 150          2.82 (cpu 5.43)  0.0034    0.0034
                 200          2.70 (cpu 5.07)  0.0034    0.0034
    7.5 and 9 pt text (300-dpi scan): CER 0.0028 / 0.0030 / 0.0037 at 150 / 200 / 300 dpi: 150 dpi suffices.

Most errors are the recognizer's: a leading —— read as 一, - or nothing, 〇 as O or ○, a few look-alikes
(祉→社, 旧→日, 目→自, 晋→普); at 7.5 pt it emits ASCII , ( ) ; for full-width ones.
"""
from __future__ import annotations

import argparse
import html
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUTLINE = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
SIZES_PT = (16, 14, 12, 10.5)

_CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef“”‘’]"
_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "?": "？", "!": "！"}


# ---------------------------------------------------------------------------------------------- edit distance

def edit_distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein      # a test extra: `make install` has it
    return Levenshtein.distance(a, b)


def squash(text: str, nfkc: bool = False) -> str:
    text = re.sub(r"\s+", "", text)
    return unicodedata.normalize("NFKC", text) if nfkc else text


def opcodes(ref: str, hyp: str) -> list[tuple[str, str, str]]:
    """(kind, ref part, hyp part) for every difference, for the confusion tally."""
    from rapidfuzz.distance import Levenshtein
    out = []
    for op in Levenshtein.opcodes(ref, hyp):
        if op.tag != "equal":
            out.append((op.tag, ref[op.src_start:op.src_end], hyp[op.dest_start:op.dest_end]))
    return out


# ---------------------------------------------------------------------------------------------- test document

def full_width(text: str) -> str:
    """The outline's ASCII punctuation as the printed documents have it: full-width next to Chinese text."""
    def sub(m: re.Match) -> str:
        return _FULL[m.group(0)]
    text = re.sub(rf"(?<={_CJK})[,:;()?!]|[,:;()?!](?={_CJK})", sub, text)
    text = re.sub(r"(?<=[\u4e00-\u9fff])\((?=\d)|(?<=\d)\)(?=[\u4e00-\u9fff])", lambda m: _FULL[m.group(0)], text)
    quotes = iter(["“", "”"] * 10000)
    text = re.sub(r'"', lambda m: next(quotes), text)
    return text


def outline_paragraphs(limit_chars: int, skip_chars: int = 0) -> list[tuple[str, bool]]:
    """(text, is_heading) paragraphs of the outline's body, from its first chapter on (less the first skip_chars
    characters' worth of whole paragraphs), about limit_chars long."""
    lines = OUTLINE.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("第一章") and "\t" not in line
                 and not re.search(r"\d\s*$", line))
    out, total = [], 0
    for line in lines[start:]:
        line = re.sub(r"^[-*]\s+", "", line.strip()).replace("**", "")
        line = line.replace("\ufffd", "")                  # the outline's truncated lines end in U+FFFD
        if not line or "\t" in line or not re.search(r"[\u4e00-\u9fff]", line):
            continue
        heading = bool(re.match(r"^第[一二三四五六七八九十]+[章节]", line)) and len(line) < 40
        if skip_chars > 0:
            skip_chars -= len(line)
            continue
        out.append((full_width(line), heading))
        total += len(line)
        if total >= limit_chars:
            break
    return out


def make_html(paragraphs: list[tuple[str, bool]], size_pt: float) -> str:
    body = []
    for text, heading in paragraphs:
        t = html.escape(text)
        body.append(f"<h2>{t}</h2>" if heading else f"<p>{t}</p>")
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 26mm 25mm 28mm; }}
body {{ font-family: "Noto Serif CJK SC", serif; font-size: {size_pt}pt; line-height: 1.55; color: #000; }}
p {{ margin: 0; text-indent: 2em; text-align: justify; }}
h2 {{ font-family: "Noto Sans CJK SC", sans-serif; font-size: {size_pt}pt; font-weight: bold; margin: 0.4em 0;
      text-align: center; }}
</style></head><body>{''.join(body)}</body></html>"""


def print_pdf(html_text: str, out: Path, work: Path) -> None:
    src = work / (out.stem + ".html")
    src.write_text(html_text, encoding="utf-8")
    cmd = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
           f"--print-to-pdf={out}", src.as_uri()]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)


def degrade(image, seed: int):
    """A rough office scan: a slight skew, blur, sensor noise, a dirt speck or two, and JPEG compression."""
    import io

    import numpy as np
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    image = image.rotate(float(rng.uniform(-0.6, 0.6)), resample=Image.BICUBIC, fillcolor=255, expand=False)
    image = image.filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(image, dtype=np.float32)
    a = a * 0.85 + 25 + rng.normal(0, 12, a.shape)                    # grey paper, noise
    for _ in range(int(rng.integers(3, 8))):                          # specks
        y, x = int(rng.integers(0, a.shape[0] - 6)), int(rng.integers(0, a.shape[1] - 6))
        a[y:y + int(rng.integers(2, 6)), x:x + int(rng.integers(2, 6))] = 40
    image = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=55)
    return Image.open(io.BytesIO(buf.getvalue())).convert("L")


def make_scan(n_pages: int, work: Path, scan_dpi: int = 150,
              rough: bool = False) -> tuple[Path, list[str], list[float]]:
    """An image-only PDF of n_pages pages, each page's ground truth, and each page's body font size in points."""
    import pypdfium2 as pdfium

    images, truths, sizes = [], [], []
    used = 0                                        # characters of the outline printed so far
    per_size = -(-n_pages // len(SIZES_PT))
    for k, size in enumerate(SIZES_PT):
        want = min(per_size, n_pages - len(truths))
        if want <= 0:
            break
        chars_per_page = int(620 * (16 / size) ** 2)
        paras = outline_paragraphs(chars_per_page * (want + 1), used)
        text_pdf = work / f"text-{k}.pdf"
        print_pdf(make_html(paras, size), text_pdf, work)
        src = "".join(squash(t) for t, _ in paras)
        doc = pdfium.PdfDocument(str(text_pdf))
        got = "".join(squash(doc[i].get_textpage().get_text_bounded()) for i in range(len(doc)))
        if got != src:                        # the text layer must be exactly what was printed
            raise SystemExit(f"text layer of {text_pdf} differs from the source paragraphs")
        for i in range(min(want, len(doc))):
            page = doc[i]
            truths.append(page.get_textpage().get_text_bounded())
            image = page.render(scale=scan_dpi / 72, grayscale=True).to_pil().convert("L")
            images.append(degrade(image, seed=len(images)) if rough else image)
            sizes.append(size)
            used += len(squash(truths[-1]))
        doc.close()
    scan = work / "scan.pdf"
    images[0].save(scan, save_all=True, append_images=images[1:], resolution=float(scan_dpi))
    return scan, truths, sizes


# ---------------------------------------------------------------------------------------------- bench

def import_ocr():
    """ingest.readers.ocr (imported here, not at the top: rapidocr's import is slow)."""
    from ingest.readers import ocr
    return ocr


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pdf", nargs="?", help="an image-only PDF (default: make one from the outline)")
    ap.add_argument("--truth", help="ground truth for PDF: a UTF-8 text file, pages separated by form feeds")
    ap.add_argument("--pages", type=int, default=4, help="pages to OCR (default 4)")
    ap.add_argument("--dpi", type=int, nargs="+", default=[150, 200], help="render resolutions to compare")
    ap.add_argument("--scan-dpi", type=int, default=150, help="resolution of the generated scan (default 150)")
    ap.add_argument("--rough", action="store_true", help="make the generated scan rough (skew, noise, JPEG)")
    ap.add_argument("--min-score", type=float, default=None, help="box score threshold (default: the module's)")
    ap.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                    help="override an engine parameter of ingest.readers.ocr.ENGINE_PARAMS (repeatable)")
    ap.add_argument("--baseline", action="store_true",
                    help="rapidocr's own defaults instead (detector at full size, batches of 6, default threads)")
    ap.add_argument("--keep", help="keep the generated PDF and truth in this folder")
    ap.add_argument("--show", action="store_true", help="print recognized lines and the differences")
    args = ap.parse_args(argv)

    ocr = import_ocr()

    if not ocr.available():
        print("rapidocr_onnxruntime is not installed", file=sys.stderr)
        return 1
    if args.baseline:
        ocr.ENGINE_PARAMS.clear()
        ocr.ENGINE_PARAMS["text_score"] = 0.0
        ocr.DET_DPI = 10 ** 6                      # the detector sees the page at full size
    for kv in args.param:
        key, _, value = kv.partition("=")
        ocr.ENGINE_PARAMS[key] = {"true": True, "false": False}.get(value.lower(), value)
        try:
            ocr.ENGINE_PARAMS[key] = int(value)
        except ValueError:
            try:
                ocr.ENGINE_PARAMS[key] = float(value)
            except ValueError:
                pass
    min_score = ocr.MIN_SCORE if args.min_score is None else args.min_score

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run(args, ocr, work, min_score)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args: argparse.Namespace, ocr, work: Path, min_score: float) -> int:
    import pypdfium2 as pdfium

    sizes: list[float | None]
    if args.pdf:
        pdf = Path(args.pdf)
        truths = (Path(args.truth).read_text(encoding="utf-8").split("\f") if args.truth else [])
        sizes_file = Path(args.truth).with_suffix(".sizes") if args.truth else None
        sizes = ([float(x) for x in sizes_file.read_text().split()] if sizes_file and sizes_file.exists()
                 else [None] * args.pages)
    else:
        t = time.perf_counter()
        pdf, truths, sizes = make_scan(args.pages, work, args.scan_dpi, args.rough)
        (work / "truth.txt").write_text("\f".join(truths), encoding="utf-8")
        (work / "truth.sizes").write_text(" ".join(f"{x:g}" for x in sizes))
        print(f"made {pdf} ({len(truths)} pages, scan {args.scan_dpi} dpi) in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    ocr._get_engine()
    print(f"engine load {time.perf_counter() - t:.2f} s; params {ocr.ENGINE_PARAMS}; detector at "
          f"{ocr.DET_DPI if ocr.DET_DPI < 10 ** 6 else 'full'} dpi; min score {min_score}")
    doc = pdfium.PdfDocument(str(pdf))
    n = min(args.pages, len(doc))
    header = (f"{'dpi':>4} {'s/page p50':>10} {'max':>6} {'cpu p50':>7} {'CER raw':>8} {'CER nfkc':>8} "
              f"{'lines':>6}")
    rows = []
    confusions: dict[tuple[str, str], int] = {}
    for dpi in args.dpi:
        secs, cpus, edits_raw, edits_n, ref_len, n_lines = [], [], 0, 0, 0, 0
        per_size: dict[float, list[int]] = {}
        for i in range(n):
            page = doc[i]
            t, c = time.perf_counter(), time.process_time()
            lines = ocr.ocr_page(page, dpi=dpi) if args.min_score is None else _ocr_with(page, dpi, min_score)
            secs.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
            n_lines += len(lines)
            hyp = "".join(v.text for v in lines)
            if i < len(truths):
                ref = truths[i]
                r, h = squash(ref), squash(hyp)
                rn, hn = squash(ref, True), squash(hyp, True)
                e, en = edit_distance(r, h), edit_distance(rn, hn)
                edits_raw, edits_n, ref_len = edits_raw + e, edits_n + en, ref_len + len(r)
                if sizes[i] is not None:
                    acc = per_size.setdefault(sizes[i], [0, 0, 0])
                    acc[0] += e
                    acc[1] += en
                    acc[2] += len(r)
                for op in opcodes(r, h):
                    confusions[op[1:]] = confusions.get(op[1:], 0) + 1
                if args.show:
                    print(f"--- dpi {dpi} page {i + 1}: CER raw {e / max(1, len(r)):.4f} nfkc {en / max(1, len(rn)):.4f}")
                    for v in lines:
                        print(f"  [{v.x0:6.1f} {v.y0:6.1f} {v.x1:6.1f} {v.y1:6.1f}] {v.text}")
                    for op in opcodes(rn, hn):
                        print(f"  {op[0]:8} {op[1]!r} -> {op[2]!r}")
        cer = f"{edits_raw / ref_len:.4f}" if ref_len else "-"
        cern = f"{edits_n / ref_len:.4f}" if ref_len else "-"
        rows.append(f"{dpi:>4} {statistics.median(secs):>10.2f} {max(secs):>6.2f} {statistics.median(cpus):>7.2f} "
                    f"{cer:>8} {cern:>8} {n_lines:>6}")
        for size, (e, en, length) in sorted(per_size.items(), reverse=True):
            rows.append(f"{'':>4} {f'{size:g} pt body':>25} {e / length:>8.4f} {en / length:>8.4f}")
    print(header)
    print("\n".join(rows))
    if confusions:
        top = sorted(confusions.items(), key=lambda kv: -kv[1])[:25]
        print("most frequent differences (reference -> OCR), all dpi pooled:")
        print("  " + "  ".join(f"{a!r}->{b!r}×{c}" for (a, b), c in top))
    return 0


def _ocr_with(page, dpi: int, min_score: float):
    """ocr_page with another score threshold (the bench's --min-score)."""
    ocr = import_ocr()
    image, scale = ocr.render(page, dpi)
    return ocr.ocr_image(image, scale, min_score=min_score)


if __name__ == "__main__":
    raise SystemExit(main())
