"""The kb additions the app uses: page ranges in citations, and the measures list of a section."""
from __future__ import annotations

from dataclasses import replace

import pytest

from kb import Citation, asks_for_measures, measures


def test_citation_pages_say_what_is_known(outline_passages):
    c = Citation.of(next(p for p in outline_passages if "铜加工企业达到10家" in p.text))
    assert c.text.endswith("第二章第二节“加快发展铜材料深加工产业”，第18页")        # as before: one page
    assert replace(c, page_end=19).text.endswith("，第18—19页")
    assert replace(c, page_end=18).text.endswith("，第18页")                       # a range of one page
    assert replace(c, page_open=True).text.endswith("，第18页起")
    assert replace(c, page=None).pages == ""


@pytest.mark.parametrize("q, yes", [("养老服务有什么举措", True), ("孩子上幼儿园难怎么解决", True),
                                    ("如何推进乡村振兴", True), ("怎么发展总部经济", True),
                                    ("铜材料深加工目标", False), ("到十四五末要改造多少个老旧小区", False)])
def test_measures_questions(q, yes):
    assert asks_for_measures(q) is yes


def test_measures_are_the_sections_lead_phrases_verbatim(outline_passages):
    section = [p for p in outline_passages if (p.chapter, p.section) == (10, 2)]
    best = next(p for p in section if p.lead == "普及学前教育")
    ms = measures(best, section)
    assert [m.lead for m in ms] == ["普及学前教育。", "推动义务教育均等化。", "加强教师队伍建设。", "持续深化教育改革。"]
    by_id = {p.id: p for p in outline_passages}
    for m in ms:
        p = by_id[m.passage_id]
        assert p.text[m.start:m.start + len(m.text)] == m.text          # verbatim, with its offset
        assert p.text.startswith(m.lead) and m.text and m.lead not in m.text[:len(m.lead)]


def test_a_section_without_lead_phrases_lists_its_best_paragraphs_sentences(outline_passages):
    section = [p for p in outline_passages if (p.chapter, p.section) == (10, 5)]
    best = next(p for p in section if p.kind == "paragraph")
    ms = measures(best, section)
    assert len(ms) >= 2 and all(m.lead == "" for m in ms)
    assert all(best.text[m.start:m.start + len(m.text)] == m.text for m in ms)


def test_one_measure_is_no_list(outline_passages):
    p = next(p for p in outline_passages if p.kind == "paragraph" and "。" not in p.text[:-1] and not p.lead)
    assert measures(p, [p]) == ()
