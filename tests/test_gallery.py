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


@pytest.mark.parametrize("name, title, issuer, date", [
    ("central-no1-2018", "中共中央 国务院关于实施乡村振兴战略的意见", None, "2018年1月2日"),
    ("gov-work-report-2024", "政府工作报告", "国务院总理 李强", "2024年3月5日"),
    ("gov-work-report-2023", "政府工作报告", "国务院总理 李克强", "2023年3月5日"),
    ("notice-zhejiang-zhandao-wajue", "浙江省物价局、省财政厅关于城市道路占道、挖掘收费有关问题的通知",
     "浙江省物价局 浙江省财政厅", "二○○七年五月八日"),
])
def test_titles_issuers_and_dates_as_printed(name, title, issuer, date):
    """The issuers' space kept in a title (中共中央 国务院关于…), a report's speaker and date from the lines under its
    title (——2024年3月5日在…会议上), a notice's document number kept out of its title and its two signing issuers
    read from the signature; each the same as the document's own expected file says (spaces aside)."""
    doc = ingest.load(GALLERY / f"{name}.txt")
    exp = expected(name)
    assert (doc.title, doc.issuer, doc.date) == (title, issuer, date)
    assert doc.title == exp["title"]
    assert "".join((doc.issuer or "").split()) == "".join((exp["issuer"] or "").split())
    assert doc.date == exp["date"]


def test_a_report_issued_every_year_is_cited_with_its_year(tmp_path):
    from kb import KnowledgeBase
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("gov-work-report-2023", "gov-work-report-2024"):
        (corpus / f"{name}.txt").write_bytes((GALLERY / f"{name}.txt").read_bytes())
    kb = KnowledgeBase.build([corpus], tmp_path / "index", model="hash")
    cites = {h.citation.text.split("》")[0] + "》" for h in kb.search("政府工作任务", k=10)}
    assert cites <= {"2023年《政府工作报告》", "2024年《政府工作报告》"} and len(cites) == 2
    item = next(p for p in kb.passages if p.doc_id == "gov-work-report-2023" and p.section)
    assert item.chapter_ref == "一、" and item.section_ref == "（一）"
    assert kb.citation(item).text.startswith("2023年《政府工作报告》一、（一）“创新宏观调控，保持经济运行在合理区间”")
