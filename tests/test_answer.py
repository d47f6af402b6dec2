"""The answer sentence: the window shown for a long sentence never cuts a clause."""
import re

from kb import answer as answering

LONG = ("加强市政道路设施清洁维护，实现卫生保洁全覆盖、常态化、无死角；开展城区河道和城市黑臭水体治理，实现长治久清治理目标；"
        "持续推进垃圾分类工作，扩大生活垃圾分类覆盖面；加快公厕建设改造步伐，城区新建及升级改造一批公厕；"
        "推进城市管理精细化，提升市容市貌水平，打造干净整洁有序的城市环境，让群众生活更方便、更舒心、更美好。")


def test_the_window_keeps_the_matched_clause_whole():
    spans = answering.highlight(LONG, ["垃圾分类"])
    a, b = answering._window(LONG, spans, 60)
    shown = LONG[a:b]
    assert len(shown) <= 60 and "持续推进垃圾分类工作" in shown
    # it starts after a clause mark (or at the start) and ends at one (or at the end)
    assert a == 0 or re.match(r"[，；、：]", LONG[a - 1])
    assert b == len(LONG) or re.match(r"[，；、：]", LONG[b - 1])


def test_a_short_text_is_shown_whole():
    assert answering._window("推进垃圾分类。", [(2, 6)], 200) == (0, 7)
