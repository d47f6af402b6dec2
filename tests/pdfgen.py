"""Make small Chinese PDFs for tests with reportlab's built-in CID font (no font files needed)."""
from __future__ import annotations

from pathlib import Path


def make_pdf(path: Path, pages: list[list[str]], encrypt: str | None = None, image_only: bool = False) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
    for lines in pages:
        if image_only:
            c.rect(72, 600, 300, 150, fill=1)       # a "scan": shapes, no text layer
        else:
            c.setFont("STSong-Light", 11)
            y = 800
            for line in lines:
                c.drawString(60, y, line)
                y -= 18
        c.showPage()
    c.save()
    return path
