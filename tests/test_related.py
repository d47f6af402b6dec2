"""上位依据 / 对照: KnowledgeBase.related, `kb related`, and the app's 对照 panel, on the outline beside a short
provincial text that restates two of its rural measures and says one thing the outline does not (a harbour)."""
import json

import pytest

from kb import KnowledgeBase
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
    assert "其他文件中没有表述同一举措或目标的段落。" in capsys.readouterr().out
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
    assert any(l.startswith("对照：其他文件中的同一举措（") for l in labels)
    at = app(page="浏览", doc="province-rural", hl="province-rural:1.1:p1")
    assert not at.exception
    panel = next(e for e in at.expander if e.label.startswith("对照："))
    assert "持续推进农村人居环境整治" in "\n".join(m.value for m in panel.markdown)
    assert any(b.label == "加入摘录" for b in panel.button)


def test_one_document_has_no_counterparts(hash_kb):
    p = hash_kb.passages[10]
    assert hash_kb.related(p.id) == ()
