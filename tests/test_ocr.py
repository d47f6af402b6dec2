"""ingest.readers.ocr: a scanned (image-only) page becomes visual lines in points, in reading order, with real text.

The page is drawn with PIL in a Noto CJK font at 150 dpi (a typical office scan), saved as an image-only PDF and
OCRed through pypdfium2 as the PDF reader does (clean page, rough page, blank page): about 3 s on 2 cores."""
from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from ingest.readers import ocr
from ingest.readers.base import VisualLine

needs_ocr = pytest.mark.skipif(not ocr.available() or importlib.util.find_spec("pypdfium2") is None,
                               reason="rapidocr_onnxruntime (or pypdfium2) is not installed")

SCAN_DPI = 150
PAGE_W, PAGE_H = 595, 842                      # A4 in points
PX = SCAN_DPI / 72

HEADING = "第一节 决胜全面建成小康社会取得决定性成就"
# The outline's text, wrapped at 26 characters a line as the page prints it (16 pt on A4); full-width punctuation.
BODY = [
    "　　“十三五”期间，面对错综复杂的外部环境和艰巨繁重的",
    "国内改革发展稳定任务，全区上下坚持以习近平新时代中国",
    "特色社会主义思想为指导，坚定不移贯彻新发展理念，全面",
    "建成小康社会如期实现。",
    "　　综合实力显著增强。2020年地区生产总值突破300亿元，",
    "年均增长6.5%，一二三产业比重调整为1：33：66。社会消费品",
    "零售总额年均增长7%，固定资产投资年均增长11.3%。",
]
TABLE_ROW = ("地区生产总值", "300亿元", "6.5%")   # cells far apart on one line: the detector boxes each
# A rough scan (page 2): 12 pt text, skewed 0.4°, blurred, noisy, JPEG-compressed.
ROUGH = [
    "产业转型成效明显。倾力打造高端装备专业园区、特色商业区、铁西区",
    "域改造、南环区域开发“四大平台”，加快发展装备制造、现代服务、两",
    "改地产、商贸物流“四大产业”，新引进项目120个，总投资达到380亿元。",
    "三大攻坚战取得实效。现行标准下农村贫困人口实现脱贫，饮水安全全",
    "面达标，农村存量危房全部清零，新时代脱贫攻坚目标任务胜利完成。",
    "城乡面貌明显改善。深入推进铁西和南部区域整体开发，高标准打造以",
    "东方文化商业步行街为主线的百城提质示范区。17个棚改（城中村）项",
    "目有序推进，150余个老旧小区完成改造提升。",
]


def cer(ref: str, hyp: str) -> float:
    """Levenshtein distance / reference length, whitespace removed, punctuation folded to one width (NFKC)."""
    from rapidfuzz.distance import Levenshtein
    a = unicodedata.normalize("NFKC", re.sub(r"\s+", "", ref))
    b = unicodedata.normalize("NFKC", re.sub(r"\s+", "", hyp))
    return Levenshtein.distance(a, b) / max(1, len(a))


def cjk_font(size_px: int):
    """A Noto CJK (Simplified Chinese face) font from fontconfig, or None."""
    from PIL import ImageFont

    if not shutil.which("fc-list"):
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True).stdout
    files = sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()},
                   key=lambda f: ("Regular" not in f, "Serif" not in f, f))
    for f in files:
        for index in range(10):
            try:
                font = ImageFont.truetype(f, size_px, index=index)
            except OSError:
                break
            if font.getname()[0].endswith(" SC"):
                return font
    return None


@pytest.fixture(scope="module")
def scan(tmp_path_factory) -> tuple[Path, list[tuple[str, float]]]:
    """A 3-page image-only PDF (clean page, rough page, blank page) and each clean line's (text, top y in points)."""
    import io

    import numpy as np
    from PIL import Image, ImageDraw, ImageFilter

    font = cjk_font(round(16 * PX))
    if font is None:
        pytest.skip("no Noto CJK font found by fc-list :lang=zh")
    img = Image.new("L", (round(PAGE_W * PX), round(PAGE_H * PX)), 255)
    d = ImageDraw.Draw(img)
    drawn: list[tuple[str, float]] = []
    y = 100.0                                                            # points
    w = d.textlength(HEADING, font=font) / PX
    d.text(((PAGE_W - w) / 2 * PX, y * PX), HEADING, font=font, fill=0)
    drawn.append((HEADING, y))
    y += 40
    for line in BODY:
        d.text((80 * PX, y * PX), line, font=font, fill=0)
        drawn.append((line, y))
        y += 28
    y += 12
    for x, cell in zip((80, 300, 460), TABLE_ROW):
        d.text((x * PX, y * PX), cell, font=font, fill=0)
    drawn.append(("\t".join(TABLE_ROW), y))

    rough = Image.new("L", img.size, 255)
    d = ImageDraw.Draw(rough)
    small = cjk_font(round(12 * PX))
    for i, line in enumerate(ROUGH):
        d.text((80 * PX, (90 + 22 * i) * PX), line, font=small, fill=0)
    rough = rough.rotate(0.4, resample=Image.BICUBIC, fillcolor=255).filter(ImageFilter.GaussianBlur(0.6))
    a = np.asarray(rough, dtype=np.float32) * 0.85 + 25 + np.random.default_rng(0).normal(0, 12, rough.size[::-1])
    buf = io.BytesIO()
    Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L").save(buf, "JPEG", quality=55)
    rough = Image.open(io.BytesIO(buf.getvalue())).convert("L")

    blank = Image.new("L", img.size, 255)
    pdf = tmp_path_factory.mktemp("ocr") / "scan.pdf"
    img.save(pdf, save_all=True, append_images=[rough, blank], resolution=float(SCAN_DPI))
    return pdf, drawn


@pytest.fixture(scope="module")
def lines(scan) -> list[VisualLine]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(scan[0]))
    try:
        assert not doc[0].get_textpage().get_text_bounded().strip()      # really image-only
        return ocr.ocr_page(doc[0])
    finally:
        doc.close()


def test_available_matches_the_installed_package_and_import_is_lazy():
    import sys

    assert ocr.available() is (importlib.util.find_spec("rapidocr_onnxruntime") is not None)
    code = "import sys; import ingest.readers.ocr; print('rapidocr_onnxruntime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.stdout.strip() == "False", out.stderr[-2000:]


@needs_ocr
def test_each_printed_line_is_one_visual_line_with_its_text(scan, lines):
    _, drawn = scan
    assert len(lines) == len(drawn), [v.text for v in lines]
    for (text, top), v in zip(drawn, lines):
        assert cer(text, v.text) < 0.08, (text, v.text)
        assert abs(v.y0 - top) < 8, (text, v.y0, top)                   # points, not pixels


@needs_ocr
def test_whole_page_text_is_accurate(scan, lines):
    _, drawn = scan
    ref = "".join(t for t, _ in drawn)
    hyp = "".join(v.text for v in lines)
    assert cer(ref, hyp) < 0.03, hyp
    assert "习近平新时代中国" in hyp and "小康社会" in hyp


@needs_ocr
def test_lines_are_in_reading_order_within_the_page_box(lines):
    assert [v.y0 for v in lines] == sorted(v.y0 for v in lines)
    for v in lines:
        assert 0 <= v.x0 < v.x1 <= PAGE_W and 0 <= v.y0 < v.y1 <= PAGE_H, v
        assert 8 < v.y1 - v.y0 < 30, v                                   # a 16 pt line is ~16-22 pt tall
    heading = lines[0]
    assert abs((heading.x0 + heading.x1) / 2 - PAGE_W / 2) < 15         # centered, in points
    assert all(75 <= v.x0 <= 120 for v in lines[1:])                     # body and table start at the margin


@needs_ocr
def test_cells_on_one_line_are_merged_left_to_right_with_spaces(lines):
    row = lines[-1]
    assert row.text.split() == list(TABLE_ROW), row.text
    assert row.x0 < 85 and row.x1 > 460


@needs_ocr
def test_rough_scan_is_still_read_accurately(scan):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(scan[0]))
    try:
        lines = ocr.ocr_page(doc[1])
    finally:
        doc.close()
    assert len(lines) == len(ROUGH), [v.text for v in lines]
    assert cer("".join(ROUGH), "".join(v.text for v in lines)) < 0.04, [v.text for v in lines]
    assert [v.y0 for v in lines] == sorted(v.y0 for v in lines)


@needs_ocr
def test_blank_page_gives_no_lines(scan):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(scan[0]))
    try:
        assert ocr.ocr_page(doc[2]) == []
    finally:
        doc.close()


def test_unrenderable_page_raises_ocr_error():
    class Broken:
        def render(self, **kwargs):
            raise RuntimeError("Failed to load page.")

    with pytest.raises(ocr.OcrError, match="render"):
        ocr.ocr_page(Broken())


def test_merge_lines_joins_split_boxes_and_orders_lines():
    boxes = [
        (300, 101, 500, 117, "第二行右半"),          # same line as the next box, detected separately
        (80, 100, 298, 118, "第二行左半"),
        (80, 60, 500, 78, "第一行"),
        (80, 140, 200, 158, "甲"), (400, 141, 500, 157, "乙"),   # far apart: a space between
    ]
    out = ocr.merge_lines(boxes)
    assert [v.text for v in out] == ["第一行", "第二行左半第二行右半", "甲 乙"]
    assert out[1] == VisualLine("第二行左半第二行右半", 80, 100, 500, 118)


def test_merge_lines_keeps_close_but_distinct_lines_apart():
    # tight line spacing: boxes overlap by less than half their height, so they stay separate lines
    boxes = [(80, 100, 500, 120, "上"), (80, 112, 500, 132, "下")]
    assert [v.text for v in ocr.merge_lines(boxes)] == ["上", "下"]
