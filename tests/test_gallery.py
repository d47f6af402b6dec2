"""Real public documents (tests/data/gallery/, sources in tests/data/gallery/README.md), each with the headings
written from the document itself (`*.expected.json`, by people who never ran the parser)."""
import json
from pathlib import Path

import pytest

import ingest

GALLERY = Path(__file__).parent / "data" / "gallery"
DOCS = sorted(p.stem for p in GALLERY.glob("*.txt"))
# documents numbered 一、 / （一） (work reports, a 中央一号文件, an implementation opinion): parts and items must come
# out exactly as printed. The 篇/章/节 plans are not read at three levels yet (issue 20).
PARTS = ["central-no1-2018", "gov-work-report-2023", "gov-work-report-2024", "implementation-opinion-anhui-rcep",
         "notice-zhejiang-zhandao-wajue"]


def expected(name: str) -> dict:
    return json.loads((GALLERY / f"{name}.expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DOCS)
def test_every_expected_heading_is_in_its_document(name):
    """The data itself: each expected heading is printed in the excerpt, in order (spaces and line breaks aside: a
    heading may be wrapped over two lines)."""
    text = "".join((GALLERY / f"{name}.txt").read_text(encoding="utf-8").split())
    pos = 0
    for h in expected(name)["headings"]:
        title = "".join(h["title"].split("。")[0].split())
        at = text.find(title, pos)
        assert at >= 0, (name, h)
        pos = at


@pytest.mark.parametrize("name", PARTS)
def test_parts_and_items_as_printed(name):
    """Titles with commas (三、提升农业发展质量，培育乡村发展新动能), run-in item titles ending in 。 with the body on
    the same line, numbering that runs on across parts: every part and item, in order, with its number."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    got = []
    for c in doc.chapters:
        if c.number:
            got.append((1, c.label, c.title))
        got += [(2, s.label, s.title) for s in c.sections if s.number]
    want = [(int(h["level"]), h["number"], h["title"].rstrip("。")) for h in expected(name)["headings"]
            if int(h["level"]) in (1, 2)]
    assert [(lv, title.rstrip("。")) for lv, _, title in got] == [(lv, title) for lv, _, title in want]
    assert [label for _, label, _ in got] == [number for _, number, _ in want]


def test_a_numbering_gap_is_named_and_never_accepted_silently(tmp_path):
    """二、 then 四、: the ingest keeps what the document says and warns, naming the gap (kb ingest and kb inspect print
    the report's warnings)."""
    text = (GALLERY / "gov-work-report-2024.txt").read_text(encoding="utf-8")
    broken = text.replace("\n三、2024年政府工作任务", "\n四、2024年政府工作任务")
    assert broken != text
    f = tmp_path / "report.txt"
    f.write_text(broken, encoding="utf-8")
    warnings = ingest.load(f).report.warnings
    assert any("not continuous" in w and "二、 is followed by 四、" in w for w in warnings), warnings
    assert not [w for w in ingest.load(GALLERY / "gov-work-report-2024.txt").report.warnings if "continuous" in w]
