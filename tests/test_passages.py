"""Passages are verbatim, non-empty, bounded, and every long paragraph is split only at sentence ends."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ingest
from ingest.passages import split_paragraph


def test_every_passage_is_verbatim(outline_doc, outline_passages):
    assert len(outline_passages) > 200
    for p in outline_passages:
        assert outline_doc.text[p.start:p.end] == p.text
        assert p.text.strip() == p.text and p.text


def test_long_paragraphs_split_at_sentence_ends(outline_passages):
    for p in outline_passages:
        if p.kind == "paragraph" and len(p.text) > 300:
            # only a single sentence (with its short lead phrase) may run past the limit
            from ingest.passages import sentences
            assert len([s for s in sentences(p.text) if s[1] - s[0] > 20]) <= 1, p.id
        if "-" in p.id.rsplit(":", 1)[1] and p.kind != "row":
            assert p.text[-1] in "。！？；;\"”", p.id


def test_quote_spanning_a_lead_phrase_stays_whole(outline_passages):
    assert any("发展动能转换滞后。区域经济总量偏小" in p.text for p in outline_passages)


def test_ids_are_unique_and_stable(outline_doc, outline_passages):
    ids = [p.id for p in outline_passages]
    assert len(ids) == len(set(ids))
    again = ingest.passages(outline_doc)
    assert [p.id for p in again] == ids


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
SENT = st.builds(lambda a, p: a + p, st.text(HAN, min_size=1, max_size=60), st.sampled_from(["。", "；", "！", "，", ""]))
PARA = st.lists(SENT, min_size=1, max_size=12).map("".join)


@given(PARA)
def test_split_covers_paragraph_in_order(text):
    spans = split_paragraph(text, 80)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert all(s < e for s, e in spans)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(PARA, min_size=1, max_size=6), st.lists(st.sampled_from([" ", "\t", "", "  "]), min_size=1))
def test_any_document_yields_verbatim_nonempty_passages(tmp_path_factory, paras, spaces):
    body = []
    for i, para in enumerate(paras):
        sp = spaces[i % len(spaces)]
        body.append(f"第{ingest.cn(i % 3 + 1)}章 测试章节{i}" if i % 2 == 0 else "")
        body.append(para[: len(para) // 2] + sp + para[len(para) // 2:] + "。")
    f = tmp_path_factory.mktemp("gen") / "gen.txt"
    f.write_text("\n\n".join(body), encoding="utf-8")
    doc = ingest.load(f)
    ps = ingest.passages(doc)
    assert ps
    for p in ps:
        assert doc.text[p.start:p.end] == p.text and p.text.strip()
