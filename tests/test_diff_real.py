"""What changed between versions, on real pairs of a document as its office revised it (tests/data/versions/, from
the LawRefBook/Laws repository: a State Council regulation whose thresholds were raised, the national holidays with
春节 and 劳动节 lengthened, the Foreign Trade Law with its 第九条 deleted and every article after it renumbered).
Each pair's expected changes were written from the two texts before the diff ran on them; the test checks that each
is found, that nothing else is reported, and that titles, dates and articles are read as printed."""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata
from pathlib import Path

import pytest

import ingest
from kb import BadQuery, KnowledgeBase
from kb.cli import main, report_lines
from kb.diff import compare
from kb.records import Citation, cn

DATA = Path(__file__).parent / "data" / "versions"
PAIRS = sorted(p.name.removesuffix(".expected.json") for p in DATA.glob("*.expected.json"))


def fold(text: str) -> str:
    """Half- and full-width forms alike, spaces gone: the cleaner prints （一） for a source's (一)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module", params=PAIRS)
def pair(request):
    exp = json.loads((DATA / f"{request.param}.expected.json").read_text(encoding="utf-8"))
    a, b = ingest.load(DATA / exp["a"]), ingest.load(DATA / exp["b"])
    pa, pb = ingest.passages(a), ingest.passages(b)
    return exp, a, b, compare(a, b, pa, pb)


def test_there_are_three_real_pairs():
    assert PAIRS == ["concentration-thresholds", "foreign-trade-law", "public-holidays"]


def test_title_issuer_and_date_as_printed(pair):
    exp, a, b, _ = pair
    assert a.title == b.title == exp["title"]
    assert a.issuer == b.issuer == exp["issuer"]
    assert (a.date, b.date) == (exp["date_a"], exp["date_b"])       # the latest line of each text's history


def _matches(change, want) -> bool:
    if change.kind != want["kind"]:
        return False
    if want.get("before") and not (change.a and fold(want["before"]) in fold(change.a.text)):
        return False
    return not want.get("after") or bool(change.b and fold(want["after"]) in fold(change.b.text))


def test_every_change_found_and_nothing_else(pair):
    exp, _, _, d = pair
    reported = list(d.changes)
    for want in exp["changes"]:
        hits = [c for c in reported if _matches(c, want)]
        assert len(hits) == 1, (want, [c.kind for c in reported])
        if "place_a" in want:
            assert hits[0].a.citation.place == want["place_a"]
        if "place_b" in want:
            assert hits[0].b.citation.place == want["place_b"]
    unexplained = [c for c in reported if not any(_matches(c, w) for w in exp["changes"])]
    assert unexplained == []
    assert not any(s.renamed or s.kind in ("added", "removed", "moved") for s in d.sections)


def test_figures_that_changed_each_in_its_place(pair):
    exp, _, _, d = pair
    assert [[f.before, f.after] for f in d.figures] == exp["figures"]


def test_articles_renumbered_are_not_rewordings(pair):
    exp, _, _, d = pair
    want = exp["renumbered"]
    moved = [list(p.numbers) for p in d.renumbered]
    if isinstance(want, list):
        assert moved == want
        return
    # every article after the one deleted: the same text under the number before (or reworded where a
    # cross-reference changed too, 依照本法第十六条 → 第十五条), none left out and none other
    both = moved + [list(c.numbers) for c in d.changes if all(c.numbers) and c.numbers[0] != c.numbers[1]]
    expected = [[f"第{cn(n)}条", f"第{cn(n + want['by'])}条"] for n in range(want["first"], want["last"] + 1)]
    assert sorted(both) == sorted(expected)
    assert len(moved) > 50 and f"条文改号 {len(moved)}（第十条 → 第九条 至 第七十条 → 第六十九条）" in d.summary()


def test_an_article_is_cited_as_the_law_cites_it(pair):
    exp, a, _, _ = pair
    ps = ingest.passages(a)
    first = next(p for p in ps if p.subitem_ref == "第一条")
    assert Citation.of(first, a).text.startswith(f"《{exp['title']}》第一条")
    assert first.text.startswith("第一条 ") and first.text in (DATA / exp["a"]).read_text(encoding="utf-8")   # as printed
    # every article the text prints at the start of a line is a place of its own, in order
    printed = re.findall(r"^(第[一二三四五六七八九十百]+条) ", (DATA / exp["a"]).read_text(encoding="utf-8"), re.M)
    numbers = [s for c in a.chapters for sec in c.sections for s in sec.subheadings]
    assert numbers == printed == [f"第{cn(n)}条" for n in range(1, len(printed) + 1)] and len(printed) >= 5
    assert a.report.articles == len(printed) and f"、{len(printed)} 条、" in report_lines(a)[0]


@pytest.fixture(scope="module")
def laws_kb(tmp_path_factory):
    """An index of both versions of the three texts (hash embedder)."""
    root = tmp_path_factory.mktemp("laws")
    corpus = root / "corpus"
    corpus.mkdir()
    for f in DATA.glob("*.txt"):
        (corpus / f.name).write_bytes(f.read_bytes())
    KnowledgeBase.sync([corpus], root / "index", model="hash")
    return root / "index", KnowledgeBase.open(root / "index", model="hash")


def test_an_article_is_a_place_by_its_number_alone(laws_kb):
    _, kb = laws_kb
    place = kb.place("第九条", doc="foreign-trade-law-2016")
    assert (place.chapter, place.subitem, place.ref) == (2, "第九条", "第九条")
    hits = kb.search("备案登记", k=5, doc="foreign-trade-law-2016", chapter=place.chapter, section=place.section,
                     subitem=place.subitem)
    assert hits and all(h.citation.place == "第九条" for h in hits)
    assert any("备案登记" in h.passage.text for h in hits)
    with pytest.raises(BadQuery, match="more than one place .*name the document with --doc"):
        kb.place("第九条")                      # both versions have one


def test_cli_section_by_article_and_diff(laws_kb, capsys):
    index, _ = laws_kb
    assert main(["--index", str(index), "--model", "hash", "ask", "营业额", "--doc", "concentration-thresholds-2024",
                 "--section", "第三条"]) == 0
    out = capsys.readouterr().out
    assert "《国务院关于经营者集中申报标准的规定》（2024年1月22日）第三条" in out and "第四条" not in out
    assert main(["--index", str(index), "--model", "hash", "diff", "foreign-trade-law-2016",
                 "foreign-trade-law-2022", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["counts"]["removed"] == 2 and d["counts"]["reworded"] == 7 and d["counts"]["renumbered"] == 56


# ---------------------------------------------------------------- versions side by side in one index

def test_the_index_knows_which_version_is_current(laws_kb):
    _, kb = laws_kb
    assert kb.superseded == {"concentration-thresholds-2018": "concentration-thresholds-2024",
                             "foreign-trade-law-2016": "foreign-trade-law-2022",
                             "public-holidays-2013": "public-holidays-2024"}


def test_every_document_asked_answers_from_the_current_version_and_says_what_it_left_out(laws_kb):
    _, kb = laws_kb
    res = kb.ask("春节放假几天")
    assert all(h.passage.doc_id not in kb.superseded for h in res.hits)
    assert res.hits[0].passage.doc_id == "public-holidays-2024" and "放假4天" in res.hits[0].passage.text
    assert ("public-holidays-2013", "public-holidays-2024") in res.skipped
    assert "public-holidays-2013（已被 public-holidays-2024 取代）" in res.versions_note
    # the versions of the documents it found named, the others counted
    top = kb.ask("春节放假几天", k=3)
    assert {h.passage.doc_id for h in top.hits} == {"public-holidays-2024"}
    assert top.versions_note == "未检索较早的版本：public-holidays-2013（已被 public-holidays-2024 取代）；另有 2 份"
    # cited with the date that tells the versions apart
    assert res.hits[0].citation.text.startswith("《全国年节及纪念日放假办法》（2024年11月10日）第二条")
    assert res.to_json()["skipped_versions"][2] == {"doc_id": "public-holidays-2013",
                                                    "superseded_by": "public-holidays-2024"}


def test_an_earlier_version_is_searched_when_named(laws_kb):
    _, kb = laws_kb
    res = kb.ask("春节放假几天", doc="public-holidays-2013")
    assert res.skipped == () and res.versions_note == ""
    assert res.hits and all(h.passage.doc_id == "public-holidays-2013" for h in res.hits)
    assert "放假3天" in res.hits[0].passage.text
    assert res.hits[0].citation.text.startswith("《全国年节及纪念日放假办法》（2007年12月14日）第二条")


def test_per_document_answers_and_counterparts_leave_versions_out(laws_kb):
    _, kb = laws_kb
    assert [a.doc_id for a in kb.ask_each("营业额")] == ["concentration-thresholds-2024", "foreign-trade-law-2022",
                                                      "public-holidays-2024"]
    p = next(h.passage for h in kb.search("春节", k=3, doc="public-holidays-2024"))
    assert all(h.passage.doc_id not in ("public-holidays-2013", "public-holidays-2024") for h in kb.related(p.id))


def test_versions_by_id_and_never_by_an_annual_title():
    from kb.versions import superseded
    gallery = Path(__file__).parent / "data" / "gallery"
    reports = [ingest.load(gallery / f"gov-work-report-{y}.txt") for y in (2023, 2024)]
    assert reports[0].title == reports[1].title and superseded(reports) == {}      # 政府工作报告: a new one each year
    new = ingest.load(DATA / "public-holidays-2024.txt")
    old = dataclasses.replace(ingest.load(DATA / "public-holidays-2013.txt"), doc_id=f"{new.doc_id}-旧版")
    assert superseded([new, old]) == {f"{new.doc_id}-旧版": new.doc_id}
    # a kept 旧版 of the same date is still the old one; a 草案 loses to its adopted text of the same date
    same_day = dataclasses.replace(old, date=new.date)
    assert superseded([same_day, new]) == {same_day.doc_id: new.doc_id}
    draft = dataclasses.replace(new, doc_id="draft", title=new.title + "（草案）")
    assert superseded([new, draft]) == {"draft": new.doc_id}
    other = dataclasses.replace(new, doc_id="other", issuer="某省人民政府")   # the same title from another office
    assert superseded([new, other]) == {}


def test_the_app_tells_versions_apart_and_says_what_it_left_out(laws_kb, tmp_path, monkeypatch):
    from .test_app import app, point_app_at, texts
    point_app_at(laws_kb[0], tmp_path, monkeypatch)
    at = app(q="春节放假几天")
    shown = texts(at)
    assert "放假4天" in shown and "未检索较早的版本" in shown and "在文件筛选中选定它" in shown
    picker = next(s for s in at.selectbox if "全部文件" in s.options)
    assert "全国年节及纪念日放假办法（2007年12月14日，旧版）" in picker.options
    assert "全国年节及纪念日放假办法（2024年11月10日）" in picker.options
    docs = texts(app(page="文档")).replace("&#45;", "-")          # the page escapes - as Markdown could read it
    assert "public-holidays-2013（旧版，已被 public-holidays-2024 取代）</span>" in docs
    assert "public-holidays-2024</span>" in docs


def test_copies_of_one_version_are_both_current():
    from kb.versions import superseded
    new = ingest.load(DATA / "public-holidays-2024.txt")
    assert superseded([new, dataclasses.replace(new, doc_id="the-same-as-docx")]) == {}


def test_cli_versions_note_and_its_advice_run_as_printed(laws_kb, capsys):
    index, _ = laws_kb
    assert main(["--index", str(index), "--model", "hash", "ask", "春节放假几天", "-k", "3"]) == 0
    out = capsys.readouterr().out
    line = out.strip().splitlines()[-1]
    assert line == ("（未检索较早的版本：public-holidays-2013（已被 public-holidays-2024 取代）；另有 2 份。"
                    "要检索较早的版本，用 --doc 指定它。）")
    assert "春节，放假4天" in out and "春节，放假3天" not in out
    # the advice, as printed: --doc with the earlier version's id
    assert main(["--index", str(index), "--model", "hash", "ask", "春节放假几天", "-k", "3",
                 "--doc", "public-holidays-2013"]) == 0
    out = capsys.readouterr().out
    assert "春节，放假3天" in out and "《全国年节及纪念日放假办法》（2007年12月14日）第二条" in out and "未检索" not in out
