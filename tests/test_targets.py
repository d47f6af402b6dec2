"""kb.targets: quantified targets are found verbatim, with their figures, and look-backs are not."""
from __future__ import annotations

import dataclasses

import pytest

from ingest.records import Passage
from kb.targets import extract_targets, find_values, sentences

COPPER = "力争到\"十四五\"末,全区铜加工企业达到10家,实现营业收入100亿元以上。"


def passage(text: str, *, chapter=2, section=2, section_title="加快发展铜材料深加工产业",
            kind="paragraph", box=None, lead=None, pid="d:2.2:p1", para=1) -> Passage:
    return Passage(id=pid, doc_id="d", doc_title="纲要", text=text, start=0, end=len(text),
                   chapter=chapter, chapter_title="推动制造业高质量发展", section=section,
                   section_title=section_title, box=box, box_title=None, para=para, page=18,
                   kind=kind, lead=lead)


def test_copper_target_is_found_with_its_figures_and_place():
    text = ("进一步鼓励自主创新,加强技术研发,提高装备国产化,促进区域铜材生产水平赶超世界先进水平。"
            + COPPER)
    [t] = extract_targets([passage(text)])
    assert t.text == COPPER
    assert t.values == ("10家", "100亿元以上")
    assert t.place == "第二章第二节"
    assert t.area == "加快发展铜材料深加工产业"
    assert text[t.start:t.start + len(t.text)] == t.text      # verbatim, with its offset
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.area = "x"                                          # frozen


def test_lead_phrase_is_the_area():
    text = ("智能机器人。适应机器人产业发展新趋势。"
            "力争到\"十四五\"末,全区智能机器人企业达到10家,实现营业收入50亿元以上。")
    [t] = extract_targets([passage(text, lead="智能机器人")])
    assert t.area == "智能机器人"
    assert t.values == ("10家", "50亿元以上")


@pytest.mark.parametrize("sentence, values", [
    ("力争到\"十四五\"末,符合改造条件的 194 个老旧小区全部改造到位。", ("194个",)),
    ("到\"十四五\"末,学前三年毛入园率达到97%以上;学前一年毛入园率超过99%;普惠性幼儿园达到85%以上。",
     ("97%以上", "99%", "85%以上")),
    ("\"十四五\"期间,力争实现新增城镇就业人数 2.9 万人以上,城镇失业人员再就业人数 0.9 万人以上,"
     "就业困难人员实现再就业人数 0.4 万人以上,农村劳动力转移就业累计 4 万人以上,城镇登记失业率控制在 4%以内。",
     ("2.9万人以上", "0.9万人以上", "0.4万人以上", "4万人以上", "4%以内")),
    ("\"十四五\"期间,力争职业技能培训3000人,重点扶植1-2所民办培训机构。", ("3000人", "1-2所")),
    ("力争到\"十四五\"末公有产权村室占比达到 80%,明确公有产权村卫生室权属关系。", ("80%",)),
])
def test_real_targets(sentence, values):
    [t] = extract_targets([passage(sentence)])
    assert t.text == sentence
    assert t.values == values


@pytest.mark.parametrize("sentence", [
    # a look back at the last plan, in its own section
    "城镇居民人均可支配收入达到3.7万元。",
    # slogans with numerals are not targets
    "未来十五年,我区将坚持\"两个高质量\",朝着\"四个强区\"\"一个家园\"的奋斗目标迈进。",
    # a target without a figure
    "力争卫河水质持续提升稳定达标。",
])
def test_not_targets(sentence):
    title = "决胜全面建成小康社会取得决定性成就" if "3.7" in sentence else "x"
    assert extract_targets([passage(sentence, section_title=title, chapter=1, section=1)]) == []


def test_lookback_sentence_outside_review_section_is_skipped():
    s = "\"十三五\"期间,城镇累计新增就业3.3万人,城镇登记失业率控制在4%以内。"
    assert extract_targets([passage(s, section_title="促进更高质量更充分就业")]) == []


def test_boxes_and_table_rows_are_left_to_their_own_views():
    row = passage("1 地区生产总值增长(%) 7左右 预期性", kind="row", box="1-1")
    boxed = passage("力争到\"十四五\"末建成10个项目。", box="2-1")
    assert extract_targets([row, boxed]) == []


def test_years_are_not_values():
    assert find_values("到2025年,建成2个产业园,2020年基数为3.4人。") == ("2个", "3.4人")


def test_sentences_are_verbatim_slices():
    text = " 第一句。第二句！\n第三句"
    for off, s in sentences(text):
        assert text[off:off + len(s)] == s
    assert [s for _, s in sentences(text)] == ["第一句。", "第二句！", "第三句"]


def test_empty_and_odd_input():
    assert extract_targets([]) == []
    assert extract_targets([passage("")]) == []
    assert extract_targets([passage("<script>alert(1)</script> 😀 100%")]) == []


def test_bundled_outline(outline_passages):
    targets = extract_targets(outline_passages)
    by_text = {t.text: t for t in targets}
    copper = next(t for t in targets if "铜加工企业达到10家" in t.text)
    assert copper.place == "第二章第二节"
    assert copper.values == ("10家", "100亿元以上")
    assert any("194" in t.text and "194个" in t.values for t in targets)
    assert any(t.place == "第十章第二节" and "97%以上" in t.values for t in targets)
    pid = {p.id: p for p in outline_passages}
    for t in targets:                                  # every target is verbatim from its passage
        p = pid[t.passage_id]
        assert p.text[t.start:t.start + len(t.text)] == t.text
        assert t.values
    # nothing from the look back at the 13th plan (第一章第一节)
    assert not any(t.place == "第一章第一节" for t in targets)
    assert 15 <= len(by_text) <= 80
