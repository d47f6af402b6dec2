"""A document's title as printed on its cover, whatever its file's metadata says (issue 20: a PDF printed by a browser
carries `outline.html` as its title, one printed from Word `Microsoft Word - …`)."""
import pytest

import ingest

from . import docgen

COVER = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"


@pytest.mark.parametrize("junk", ["outline.html", "Microsoft Word - 纲要终稿.docx", "https://example.com/a.pdf", ""])
def test_a_pdf_is_named_by_its_cover_not_its_metadata(tmp_path, junk):
    if not docgen.chromium():
        pytest.skip("chromium is not installed (make system-deps)")
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(str(docgen.outline_browser_pdf())))
    writer.add_metadata({"/Title": junk})
    path = tmp_path / "outline-print.pdf"
    with open(path, "wb") as f:
        writer.write(f)
    assert (PdfReader(str(path)).metadata.title or "") == junk
    doc = ingest.load(path)
    assert doc.title == COVER
    assert (doc.issuer, doc.date) == ("卫滨区发展和改革委员会", "二〇二一年三月")
