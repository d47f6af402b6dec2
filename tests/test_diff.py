"""What changed between versions (`kb diff`, KnowledgeBase.diff, the 对比 page): the outline edited in known ways, each
change found and nothing else reported; the CLI, the Word table and the app page on an index of both versions."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

import ingest
from kb import KnowledgeBase
from kb.cli import main
from kb.diff import compare

from .conftest import OUTLINE, build_index

FIGURE = ("生产总值年均增长7%左右", "生产总值年均增长6.5%左右")                 # 第一章第五节
REWORD = ("繁荣卫滨。积极融入双循环新格局,进一步增强", "繁荣卫滨。主动融入双循环新格局,持续增强")     # 第一章第四节
ADDED = "建设铜产业创新中心。联合高校院所共建铜材料研究院，攻关高端铜箔、铜合金关键技术，推动科研成果就地转化。"
RENAMED = ("积极发展战略新兴产业", "大力发展战略性新兴产业")                      # 第二章第三节, TOC and heading
REMOVED = "完善人力资源市场机制。"                                              # 第十章第一节
MOVED = "——坚持求真务实。"                                                     # 第一章第三节: 9th → 2nd
MOVED_BEFORE = "推动\"十四五\"时期经济社会发展"
ACROSS = "集约利用土地资源。"                                                   # 第九章第二节 → 第十章第一节
ACROSS_AFTER = "积极拓展就业空间。"


def _line(text: str, head: str) -> str:
    hits = [ln for ln in text.split("\n") if ln.startswith(head)]
    assert len(hits) == 1, (head, len(hits))
    return hits[0]


def _cut(text: str, head: str) -> tuple[str, str]:
    line = _line(text, head)
    assert text.count(line + "\n\n") == 1
    return text.replace(line + "\n\n", "", 1), line


def _insert_after(text: str, head: str, line: str) -> str:
    anchor = _line(text, head)
    return text.replace(anchor + "\n\n", anchor + "\n\n" + line + "\n\n", 1)


def _insert_before(text: str, head: str, line: str) -> str:
    anchor = _line(text, head)
    return text.replace(anchor + "\n", line + "\n\n" + anchor + "\n", 1)


def _replace(text: str, old: str, new: str, count: int = 1) -> str:
    assert text.count(old) == count, (old, text.count(old))
    return text.replace(old, new)


def figure(t):
    return _replace(t, *FIGURE)


def reword(t):
    return _replace(t, *REWORD)


def add(t):
    return _insert_after(t, "立足全区铜加工产业基础", ADDED)


def remove(t):
    return _cut(t, REMOVED)[0]


def move(t):
    t, line = _cut(t, MOVED)
    return _insert_before(t, MOVED_BEFORE, line)


def move_across(t):
    t, line = _cut(t, ACROSS)
    return _insert_after(t, ACROSS_AFTER, line)


def rename(t):
    t = _replace(t, "\t第三节\t" + RENAMED[0], "\t第三节\t" + RENAMED[1])          # its line of the 目录
    return _replace(t, "第三节 " + RENAMED[0], "第三节 " + RENAMED[1])


EDITS = {"figure": figure, "reword": reword, "add": add, "remove": remove, "move": move,
         "move_across": move_across, "rename": rename}


def edited(*names: str) -> str:
    text = OUTLINE.read_text(encoding="utf-8")
    for n in names:
        text = EDITS[n](text)
    return text


@pytest.fixture(scope="module")
def original():
    doc = ingest.load(OUTLINE)
    return doc, ingest.passages(doc)


def _load(tmp_path: Path, text: str, name: str = "outline-b.txt"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    doc = ingest.load(f)
    return doc, ingest.passages(doc)


def _diff(original, tmp_path, *names):
    a, pa = original
    b, pb = _load(tmp_path, edited(*names))
    return compare(a, b, pa, pb)


def _changed_sections(d):
    return [s for s in d.sections if s.kind != "same"]


def test_a_document_against_itself_has_no_change(original):
    a, pa = original
    d = compare(a, a, pa, pa)
    assert d.changes == () and d.figures == () and not _changed_sections(d)
    assert d.counts()["same"] == 260 and not any(s.renumbered or s.renamed for s in d.sections)


def test_a_changed_figure_is_called_out_with_its_words(original, tmp_path):
    d = _diff(original, tmp_path, "figure")
    [c] = d.changes
    assert c.kind == "reworded" and c.a.text.count("7%左右") == 1 and "6.5%左右" in c.b.text
    [f] = d.figures
    assert (f.subject, f.before, f.after) == ("生产总值年均增长", "7%左右", "6.5%左右")
    assert f.text == "生产总值年均增长7%左右 → 6.5%左右"
    assert f.a.place == f.b.place == "第一章第五节" and f.a.text.endswith("第一章第五节“发展目标”，第14—17页")
    # the changed characters, and only they, are marked on each side
    assert [c.a.text[s:e] for s, e in c.a.spans] == ["7"] and [c.b.text[s:e] for s, e in c.b.spans] == ["6.5"]
    [s] = _changed_sections(d)
    assert s.kind == "changed" and s.b.text == "第一章第五节 发展目标" and not s.renamed


def test_a_changed_cell_of_the_indicator_table_is_a_figure_of_its_row(original, tmp_path):
    a, pa = original
    b, pb = _load(tmp_path, _replace(OUTLINE.read_text(encoding="utf-8"), "\t7左右\t预期性", "\t6.5左右\t约束性"))
    [c] = compare(a, b, pa, pb).changes
    assert c.kind == "reworded" and c.a.citation.place == "第一章第五节专栏1-1"
    assert [(f.subject, f.before, f.after) for f in c.figures] == [
        ("地区生产总值增长（%）（五年年均增长或累计）", "7左右", "6.5左右"),
        ("地区生产总值增长（%）（指标属性）", "预期性", "约束性")]


def test_figures_follow_their_words_not_their_place(original, tmp_path):
    """A figure whose clause was reworded around it is no change; one added to a sentence is (none → it)."""
    text = OUTLINE.read_text(encoding="utf-8")
    text = _replace(text, "全区铜加工企业达到10家,实现营业收入100亿元以上。",
                    "全区铜材料加工企业总数达到10家,实现营业收入100亿元以上,带动就业5000人。")
    a, pa = original
    b, pb = _load(tmp_path, text)
    [c] = compare(a, b, pa, pb).changes
    assert c.kind == "reworded" and c.a.citation.place == "第二章第二节"
    assert [(f.subject, f.before, f.after) for f in c.figures] == [("带动就业", None, "5000人")]
    assert c.figures[0].text == "带动就业（无） → 5000人"


def test_a_reworded_sentence(original, tmp_path):
    d = _diff(original, tmp_path, "reword")
    [c] = d.changes
    assert c.kind == "reworded" and c.a.text.startswith("繁荣卫滨。积极融入") and c.b.text.startswith("繁荣卫滨。主动融入")
    assert c.figures == () and 0.8 < c.similarity < 1
    assert {c.a.text[s:e] for s, e in c.a.spans} == {"积极", "进一步"}
    assert {c.b.text[s:e] for s, e in c.b.spans} == {"主动", "持续"}
    assert c.a.citation.place == c.b.citation.place == "第一章第四节"


def test_an_added_paragraph(original, tmp_path):
    d = _diff(original, tmp_path, "add")
    [c] = d.changes
    assert c.kind == "added" and c.a is None and c.b.text == ADDED
    assert c.b.citation.text.endswith("第二章第二节“加快发展铜材料深加工产业”，第18—19页")
    assert c.b.passage_id.startswith("outline-b:2.2:p2")


def test_a_removed_paragraph(original, tmp_path):
    d = _diff(original, tmp_path, "remove")
    [c] = d.changes
    assert c.kind == "removed" and c.b is None and c.a.text.startswith(REMOVED)
    assert c.a.citation.place == "第十章第一节"


def test_a_paragraph_moved_within_its_section(original, tmp_path):
    d = _diff(original, tmp_path, "move")
    [c] = d.changes
    assert c.kind == "moved" and c.a.text == c.b.text and c.a.text.startswith(MOVED) and c.similarity == 1.0
    assert c.a.citation.place == c.b.citation.place == "第一章第三节"
    assert c.a.passage_id.endswith(":p9") and c.b.passage_id.endswith(":p2")


def test_a_paragraph_moved_to_another_section(original, tmp_path):
    d = _diff(original, tmp_path, "move_across")
    [c] = d.changes
    assert c.kind == "moved" and c.a.text.startswith(ACROSS) and c.a.text == c.b.text
    assert c.a.citation.place == "第九章第二节" and c.b.citation.place == "第十章第一节"
    gone, came = _changed_sections(d)
    assert gone.b.text.startswith("第九章第二节") and gone.moved_out == (c,) and gone.changes == ()
    assert came.b.text.startswith("第十章第一节") and came.changes == (c,)


def test_a_renamed_section_is_still_aligned(original, tmp_path):
    d = _diff(original, tmp_path, "rename")
    assert d.changes == ()
    [s] = _changed_sections(d)
    assert s.renamed and not s.renumbered and s.kind == "changed"
    assert (s.a.text, s.b.text) == ("第二章第三节 积极发展战略新兴产业", "第二章第三节 大力发展战略性新兴产业")
    assert len(s.paragraphs) == 4 and all(p.kind == "same" for p in s.paragraphs)


def test_a_section_renumbered_by_one_removed_before_it(original, tmp_path):
    """The second section of 第二章 dropped: it is the one removal, and every later section of the chapter is paired
    with its old self, renumbered, not renamed, not changed."""
    text = OUTLINE.read_text(encoding="utf-8")
    start = text.index("第二节 加快发展铜材料深加工产业\n")
    end = text.index("第三节 积极发展战略新兴产业\n", start)
    text = text[:start] + text[end:].replace("第三节 积极", "第二节 积极", 1).replace("第四节 推动制造业数字化发展",
                                                                                "第三节 推动制造业数字化发展", 1)
    text = text.replace("第五节 加强专业园区平台建设", "第四节 加强专业园区平台建设")
    a, pa = original
    b, pb = _load(tmp_path, text)
    d = compare(a, b, pa, pb)
    removed = [s for s in d.sections if s.kind == "removed"]
    assert [s.a.text for s in removed] == ["第二章第二节 加快发展铜材料深加工产业"]
    assert [p.kind for p in removed[0].paragraphs] == ["removed"]
    renumbered = [s for s in d.sections if s.renumbered]
    assert [(s.a.text[:6], s.b.text[:6]) for s in renumbered] == [("第二章第三节", "第二章第二节"),
                                                                  ("第二章第四节", "第二章第三节"),
                                                                  ("第二章第五节", "第二章第四节")]
    assert all(s.kind == "same" and not s.renamed for s in renumbered)
    assert [c.kind for c in d.changes] == ["removed"]


def test_every_edit_at_once_each_found_and_nothing_else(original, tmp_path):
    d = _diff(original, tmp_path, *EDITS)
    kinds = sorted((c.kind, (c.b or c.a).citation.place) for c in d.changes)
    assert kinds == [("added", "第二章第二节"), ("moved", "第一章第三节"), ("moved", "第十章第一节"),
                     ("removed", "第十章第一节"), ("reworded", "第一章第五节"), ("reworded", "第一章第四节")]
    assert [(f.before, f.after) for f in d.figures] == [("7%左右", "6.5%左右")]
    assert [s.b.text for s in d.sections if s.renamed] == ["第二章第三节 大力发展战略性新兴产业"]
    assert not any(s.renumbered for s in d.sections)
    n = d.counts()
    assert (n["reworded"], n["added"], n["removed"], n["moved"], n["sections_renamed"]) == (2, 1, 1, 2, 1)
    assert n["same"] == 260 - 5          # every other paragraph of A (2 reworded, 1 removed, 2 moved) is the same
    assert {"kind", "a", "b", "figures", "similarity"} <= set(d.to_json()["sections"][0]["paragraphs"][0])


# ---------------------------------------------------------------- the faces, on an index of both versions

B_ID = "outline-edited"


@pytest.fixture(scope="module")
def both_index(tmp_path_factory) -> Path:
    """The outline and the outline with every edit, in one index (hash embedder)."""
    return build_index(tmp_path_factory, "diff", "hash", {f"{B_ID}.txt": edited(*EDITS).encode("utf-8")})


@pytest.fixture(scope="module")
def both_kb(both_index) -> KnowledgeBase:
    return KnowledgeBase.open(both_index, model="hash")


A_ID = OUTLINE.stem


def test_knowledge_base_diff_cites_through_the_index(both_kb):
    d = both_kb.diff(A_ID, B_ID)
    assert (d.doc_a, d.doc_b) == (A_ID, B_ID) and len(d.changes) == 6 and len(d.figures) == 1
    added = next(c for c in d.changes if c.kind == "added")
    p = both_kb.passage(added.b.passage_id)
    assert p.text == ADDED and added.b.citation == both_kb.citation(p)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_diff_text_json_and_word(capsys, both_index, tmp_path):
    base = ("--index", str(both_index), "--model", "hash", "diff", A_ID, B_ID)
    code, out, err = run(capsys, *base)
    assert code == 0 and err == ""
    assert "生产总值年均增长7%左右 → 6.5%左右" in out
    assert "年均增长[-7-]{+6.5+}%左右" in out
    assert "[新增] " + ADDED in out and "[删除] " + REMOVED in out and out.count("[移动]") == 2
    assert "━━ 第二章第三节 大力发展战略性新兴产业 ━━ [有改动，改名]" in out
    assert "段落：相同 255，改写 2，新增 1，删除 1，移动 2" in out
    code, out, _ = run(capsys, *base, "--json")
    data = json.loads(out)
    assert code == 0 and data["counts"]["reworded"] == 2 and data["figures"][0]["after"] == "6.5%左右"
    assert all(s["kind"] != "same" for s in data["sections"])
    docx_path = tmp_path / "diff.docx"
    code, _, err = run(capsys, *base, "--docx", str(docx_path))
    assert code == 0 and str(docx_path) in err
    import docx
    doc = docx.Document(io.BytesIO(docx_path.read_bytes()))
    figures, paragraphs = doc.tables
    assert [c.text for c in figures.rows[1].cells][1:4] == ["生产总值年均增长", "7%左右", "6.5%左右"]
    cells = [[c.text for c in r.cells] for r in paragraphs.rows]
    assert any(r[1] == "新增" and r[3].startswith(ADDED) and "第二章第二节" in r[3] for r in cells)
    assert any(r[1] == "删除" and r[2].startswith(REMOVED) for r in cells)
    runs = [run for r in paragraphs.rows for c in r.cells for p in c.paragraphs for run in p.runs]
    assert any(r.text == "7" and r.font.strike for r in runs) and any(r.text == "6.5" and r.font.underline for r in runs)


def test_cli_unknown_document_names_kb_ls_and_kb_ls_lists_the_ids(capsys, both_index):
    base = ("--index", str(both_index), "--model", "hash")
    code, out, err = run(capsys, *base, "diff", A_ID, "no-such-doc")
    assert code == 1 and out == "" and err.count("\n") == 1 and "no-such-doc" in err and "`kb ls`" in err
    code, out, _ = run(capsys, *base, "ls")           # the advice works: kb ls gives the ids diff takes
    ids = [line.split("\t")[0] for line in out.splitlines()]
    assert code == 0 and sorted(ids) == sorted([A_ID, B_ID])
    assert run(capsys, *base, "diff", *ids)[0] == 0


def test_cli_same_document_says_nothing_changed(capsys, both_index):
    code, out, _ = run(capsys, "--index", str(both_index), "--model", "hash", "diff", A_ID, A_ID)
    assert code == 0 and "两份文件的正文相同。" in out and "━━" not in out


# ---------------------------------------------------------------- the 对比 page

from .test_app import app, downloads, ok, point_app_at, shown, texts  # noqa: E402,F401  (downloads: a fixture)


@pytest.fixture
def env_both(both_index, tmp_path, monkeypatch):
    return point_app_at(both_index, tmp_path, monkeypatch)


def _pick(at, a: str, b: str):
    at.selectbox(key="cmp_a").set_value(a)
    at.selectbox(key="cmp_b").set_value(b)
    return ok(at.run())


def _tables(at) -> list[str]:
    return [m.value for m in at.markdown if 'class="kb-diff"' in m.value]


def test_compare_page_shows_figures_and_aligned_changes(env_both, downloads):
    at = _pick(ok(app(page="对比")), A_ID, B_ID)
    page = texts(at)
    figures = next(t for t in _tables(at) if 'id="kb-figures"' in t)
    assert "生产总值年均增长7%左右6.5%左右" in shown(figures).replace("\n", "")
    assert "数字和目标的变化（1）" in shown(page)
    tables = "".join(_tables(at))
    assert "<del>7</del>" in tables and "<ins>6&#46;5</ins>" in tables      # the changed characters marked
    assert tables.count('<td class="kb-d-kind">新增</td>') == 1 and ADDED in shown(tables)
    assert "第二章第三节 大力发展战略性新兴产业" in shown(page) and "改名" in shown(page)
    assert "第十四个五年规划" in shown(page) and "第18—19页" in shown(tables)   # each side cited
    assert "相同 255，改写 2，新增 1，删除 1，移动 2" in shown(page)
    # the two versions share their title: each column says which document it is
    assert f"（{A_ID}）" in shown(tables) and f"（{B_ID}）" in shown(tables)
    rows = shown(tables).count("——《")
    at.toggle(key="cmp_changed").set_value(False).run()
    assert shown("".join(_tables(ok(at)))).count("——《") > rows + 400        # every paragraph, both sides
    data = next(v for k, v in downloads.items() if k.endswith(".docx"))
    assert data[:2] == b"PK" and f"对比-{A_ID}-{B_ID}.docx" in downloads


def test_compare_page_with_one_document_says_what_it_needs(hash_index, tmp_path, monkeypatch):
    point_app_at(hash_index, tmp_path, monkeypatch)
    at = ok(app(page="对比"))
    assert "至少有两份文件" in texts(at) and not _tables(at)


HOSTILE = "<script>alert(1)</script> **粗体** $x$ [链接](javascript:1) <img src=x onerror=alert(1)>"


def test_compare_page_shows_document_text_as_text(tmp_path_factory, tmp_path, monkeypatch):
    a = "关于测试工作的通知\n\n一、总体要求\n\n坚持稳中求进，全年目标增长5%左右。\n\n二、保障措施\n\n加强组织领导。\n"
    b = a.replace("5%左右", "6%左右").replace("加强组织领导。", "加强组织领导。\n\n" + HOSTILE)
    index = build_index(tmp_path_factory, "hostile", "hash", {"notice-a.txt": a.encode(), "notice-b.txt": b.encode()})
    point_app_at(index, tmp_path, monkeypatch)
    at = _pick(ok(app(page="对比")), "notice-a", "notice-b")
    html = "".join(m.value for m in at.markdown)
    assert "<script" not in html and "<img" not in html and "**" not in html and "](" not in html
    stored = next(p.text for p in KnowledgeBase.open(index, model="hash").passages if "script" in p.text)
    assert stored.startswith("<script>alert(1)</script>") and stored.endswith("<img src=x onerror=alert(1)>")
    assert stored in shown("".join(_tables(at)))                   # shown exactly as the document holds it
    assert "全年目标增长5%左右 → 6%左右" not in html and "<del>5</del>" in html


def _cmp_url(at) -> tuple[str | None, str | None]:
    got = [at.query_params.get(k) for k in ("a", "b")]
    return tuple(v[-1] if isinstance(v, list) else v for v in got)


def test_compare_page_keeps_its_two_documents_in_the_address(env_both, downloads):
    """Picking a document puts both in the address (?a=&b=, a new history entry): a link opens the same comparison,
    and Back (the earlier address, rerun) shows the earlier pair, not what the page showed before."""
    at = ok(app(page="对比"))
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (B_ID, A_ID)   # the defaults
    _pick(at, A_ID, B_ID)
    assert _cmp_url(at) == (A_ID, B_ID)
    # the link, opened elsewhere: the same two documents, the same comparison
    shared = ok(app(page="对比", a=A_ID, b=B_ID))
    assert (shared.selectbox(key="cmp_a").value, shared.selectbox(key="cmp_b").value) == (A_ID, B_ID)
    assert "数字和目标的变化（1）" in shown(texts(shared)) and f"对比-{A_ID}-{B_ID}.docx" in downloads
    # Back: the entry before the pick (no a=, b=) shows the defaults again; Forward shows the pick
    at.query_params.pop("a")
    at.query_params.pop("b")
    ok(at.run())
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (B_ID, A_ID)
    at.query_params["a"], at.query_params["b"] = A_ID, B_ID
    ok(at.run())
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == (A_ID, B_ID)
    # a link naming only one side: the other side is the first other document
    assert ok(app(page="对比", b=B_ID)).selectbox(key="cmp_a").value == A_ID


@pytest.mark.parametrize("query, said, shows", [
    ({"a": "no-such-doc", "b": B_ID}, "索引中没有“no-such-doc”这份文件", (A_ID, B_ID)),
    ({"a": A_ID, "b": "草案"}, "索引中没有“草案”这份文件", (A_ID, B_ID)),
])
def test_compare_page_says_a_bad_document_in_the_link(env_both, query, said, shows):
    """A 对比 link naming a document the index does not hold: said plainly (as a bad section= is), with what is shown."""
    at = ok(app(page="对比", **query))
    warned = "\n".join(w.value for w in at.warning).replace("\\", "")
    assert said in warned and ("原文显示" if query["a"] not in (A_ID, B_ID) else "新文显示") in warned
    assert (at.selectbox(key="cmp_a").value, at.selectbox(key="cmp_b").value) == shows
    assert not ok(app(page="对比", a=A_ID, b=B_ID)).warning


def test_compare_columns_are_told_apart_when_the_titles_shorten_alike():
    from types import SimpleNamespace
    from ui.compare import column_heads
    draft = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）"
    adopted = "新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要"
    a, b = column_heads(SimpleNamespace(title_a=draft, title_b=adopted, doc_a="纲要-草案", doc_b="纲要"))
    assert a != b and a.endswith("（纲要-草案）") and b.endswith("（纲要）")
    a, b = column_heads(SimpleNamespace(title_a="政府工作报告", title_b="中共中央 国务院关于实施乡村振兴战略的意见",
                                        doc_a="r", doc_b="n"))
    assert a == "《政府工作报告》" and "（" not in b
