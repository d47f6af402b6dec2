"""Documents numbered their own way (一、/（一）/1.): every level found, item titles that run on into their
paragraph included, and the document's own numbering kept in headings and citations."""
import json
from pathlib import Path

import pytest

import ingest
from kb import KnowledgeBase

DATA = Path(__file__).parent / "data"
POLICY = DATA / "policy_doc.txt"
EXPECTED = json.loads((DATA / "policy_doc.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def policy():
    return ingest.load(POLICY)


def test_cover_title_issuer_and_date(policy):
    assert policy.title == EXPECTED["title"]          # the issuers' own spacing kept: '…区委 卫滨区人民政府关于…'
    assert policy.issuer == EXPECTED["issuer"] and policy.date == EXPECTED["date"] and policy.year == 2021


def test_every_part_and_item_in_its_own_numbering(policy):
    parts = [c for c in policy.chapters if c.number]
    assert [(c.ref, c.number, c.title) for c in parts] == \
        [(p["label"], p["number"], p["title"]) for p in EXPECTED["parts"]]
    for c, p in zip(parts, EXPECTED["parts"]):
        assert [(s.ref, s.number, s.title) for s in c.sections] == \
            [(i["label"], i["number"], i["title"]) for i in p["items"]], c.ref
    assert sum(len(c.sections) for c in parts) == 49
    assert policy.report.sections == 49 and policy.report.chapters == 12


def test_run_on_items_keep_their_text_and_sub_items_are_found(policy):
    ps = ingest.passages(policy)
    for p in EXPECTED["parts"]:
        for item in p["items"]:
            first = next(x for x in ps if x.chapter == p["number"] and x.section == item["number"])
            assert first.text.startswith(item["first_words"]), (p["label"], item["label"], first.text[:20])
            sec = policy.section(p["number"], item["number"])
            subs = [s.split(".", 1)[1] for s in sec.subheadings]
            assert subs == [s["title"] for s in item.get("subitems", [])], (p["label"], item["label"])
    preamble = [x for x in ps if x.chapter == 0]
    assert preamble and preamble[0].chapter_ref == ""          # no 序言 heading: not called 序言


def test_citation_uses_the_documents_numbering(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / POLICY.name).write_bytes(POLICY.read_bytes())
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash")
    kb = KnowledgeBase.open(tmp_path / "index", model="hash")
    hit = next(h for h in kb.search("巩固和完善农村基本经营制度", k=5) if (h.passage.chapter, h.passage.section) == (9, 1))
    assert hit.citation.text.startswith(f"《{EXPECTED['title']}》九、（一）“巩固和完善农村基本经营制度”")
    assert hit.passage.heading_path.startswith("九、深化农村改革 › （一）巩固和完善农村基本经营制度")
    assert "第九章" not in hit.citation.text
