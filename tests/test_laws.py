"""A law as its legislature prints it (tests/data/laws/: the Civil Procedure Law, 2023 text, from the LawRefBook/Laws
repository): 编 / 章 / 节 / 条 read in the order the text prints them, its title, enacting body and latest
revision date, and each article cited by its number alone."""
from __future__ import annotations

import re
from pathlib import Path

import ingest
from kb.cli import report_lines
from kb.records import Citation

LAW = Path(__file__).parent / "data" / "laws" / "civil-procedure-law-2023.txt"
NUMERAL = "一二三四五六七八九十百千零〇"


def printed_headings() -> list[tuple[str, str]]:
    """Every 编, 章, 节 and 条 the text opens a line with, in order, by a plain scan of its lines."""
    out = []
    for line in LAW.read_text(encoding="utf-8").splitlines():
        m = re.match(rf"^(第[{NUMERAL}]+)([编章节条])[ \u3000]", line)
        if m:
            out.append((m.group(2), m.group(1) + m.group(2)))
    return out


def parsed_headings(doc) -> list[tuple[str, str]]:
    out = []
    for c in doc.chapters:
        if c.number:
            out.append(("编" if c.level == "篇" else "章", c.label))
        for s in c.sections:
            if s.number:
                out.append(("节", s.label))
            out += [("条", sub) for sub in s.subheadings]
    return out


def test_every_level_read_as_printed():
    doc = ingest.load(LAW)
    want = printed_headings()
    assert [k for k, _ in want].count("条") == 306 and [k for k, _ in want].count("编") == 4
    assert parsed_headings(doc) == want
    assert report_lines(doc)[0].endswith("1 页：4 编、27 章、20 节、306 条、0 个专栏，无目录")
    assert doc.report.warnings == ()


def test_title_enacting_body_and_latest_revision():
    doc = ingest.load(LAW)
    assert (doc.title, doc.issuer, doc.date) == ("中华人民共和国民事诉讼法", "全国人民代表大会", "2023年9月1日")


def test_an_article_under_its_part_chapter_and_section_is_cited_by_its_number():
    doc = ingest.load(LAW)
    p = next(p for p in ingest.passages(doc) if p.subitem_ref == "第二十条")
    assert p.heading_path.startswith("第一编 总则") and p.heading_path.endswith("› 第二章 管辖 › 第一节 级别管辖 › 第二十条")
    assert Citation.of(p, doc).text == "《中华人民共和国民事诉讼法》第二十条"
    assert p.text.startswith("第二十条 ") and p.text in LAW.read_text(encoding="utf-8")
