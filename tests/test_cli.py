"""The `kb` command line as a user runs it: JSON shape, TOC, one-line errors and exit codes."""
import json
import subprocess
import sys

import pytest

from kb.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json(capsys, hash_index):
    code, out, err = run(capsys, "--index", str(hash_index), "--model", "hash", "ask", "铜材料深加工目标", "--json", "-k", "5")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "铜材料深加工目标" and len(data["hits"]) == 5
    h = data["hits"][0]
    assert {"rank", "id", "text", "chapter", "section", "box", "page", "citation", "score"} <= set(h)
    assert {"text", "highlights", "citation", "passage_id"} <= set(data["answer"])
    assert any("全区铜加工企业达到10家" in h["text"] for h in data["hits"])


def test_ask_text_output_has_citations(capsys, hash_index):
    code, out, _ = run(capsys, "--index", str(hash_index), "--model", "hash", "ask", "学前教育", "--chapter", "10")
    assert code == 0 and "答：" in out and "第十章第二节" in out and "第53—54页" in out     # the section's pages: a text file


@pytest.mark.parametrize("q", ["", "   "])
def test_empty_query_exit_2(capsys, hash_index, q):
    code, out, err = run(capsys, "--index", str(hash_index), "--model", "hash", "ask", q)
    assert code == 2 and err.startswith("kb: the query is empty") and err.count("\n") == 1


def test_long_query_works(capsys, hash_index):
    code, out, _ = run(capsys, "--index", str(hash_index), "--model", "hash", "ask", "铜材料" * 3400, "--json")
    assert code == 0 and json.loads(out)["hits"]


def test_toc(capsys, hash_index):
    code, out, _ = run(capsys, "--index", str(hash_index), "--model", "hash", "toc")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].startswith("序言")
    assert sum(1 for l in lines if l.startswith("第") and "章" in l[:5]) == 12
    assert "  第二节 加快发展铜材料深加工产业 …… 18" in lines
    assert "    专栏 1-1 “十四五”期间经济社会主要发展目标 …… 14" in lines
    assert sum(1 for l in lines if l.strip().startswith("专栏")) == 10


def test_missing_index_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "--index", str(tmp_path / "none"), "ask", "铜")
    assert code == 1 and f"build it with `kb --index {tmp_path / 'none'} ingest corpus`" in err and err.count("\n") == 1


def test_ingest_missing_file_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "--index", str(tmp_path / "i"), "--model", "hash", "ingest", str(tmp_path / "nope.txt"))
    assert code == 1 and "nope.txt: no such file" in err and err.count("\n") == 1


def test_ingest_unchanged_is_instant(capsys, hash_index, outline_path):
    code, out, _ = run(capsys, "--index", str(hash_index), "--model", "hash", "ingest", str(hash_index.parent / "corpus"))
    assert code == 0 and "up to date" in out and "nothing re-embedded" in out


def test_ingest_of_a_folder_without_documents_says_so(capsys, hash_index, tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    (empty / "指标.xlsx").write_bytes(b"PK\x03\x04")
    code, out, err = run(capsys, "--index", str(hash_index), "--model", "hash", "ingest", str(empty))
    assert code == 0 and "up to date" in out            # the documents indexed before stay
    assert f"kb: {empty}: no .docx、.htm、.html、.pdf、.txt file in this folder; nothing was added from it" in err
    # into an index that holds nothing yet: the one-line error names every kind of file read
    code, _, err = run(capsys, "--index", str(tmp_path / "新索引"), "--model", "hash", "ingest", str(empty))
    assert code == 1 and f"no .docx、.htm、.html、.pdf、.txt files in {empty}" in err and err.count("\n") == 1


def test_ask_with_a_document_the_index_lacks_is_one_line(capsys, hash_index):
    assert main(["--index", str(hash_index), "--model", "hash", "ask", "老旧小区", "--doc", "weibin-outline"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.strip().splitlines() == [
        "kb: no document 'weibin-outline' in this index (documents: weibin-14th-five-year-plan-outline; `kb ls` lists"
        " them)"]
    assert main(["--index", str(hash_index), "ls"]) == 0          # the advice: the ids, first field of each line
    ids = [line.split("\t")[0] for line in capsys.readouterr()[0].splitlines() if line.strip()]
    assert "weibin-14th-five-year-plan-outline" in ids
    assert main(["--index", str(hash_index), "--model", "hash", "ask", "老旧小区", "--doc",
                 "weibin-14th-five-year-plan-outline"]) == 0
    assert "老旧小区" in capsys.readouterr()[0]


def test_ls_keeps_a_document_with_a_line_feed_in_its_name_on_one_line(capsys, tmp_path, outline_path):
    folder = tmp_path / "文件"
    folder.mkdir()
    (folder / "纲要\n附件.txt").write_text(outline_path.read_text(encoding="utf-8"), encoding="utf-8")
    index = str(tmp_path / "索引")
    assert run(capsys, "--index", index, "--model", "hash", "ingest", str(folder))[0] == 0
    code, out, _ = run(capsys, "--index", index, "--model", "hash", "ls")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 1 and lines[0].startswith("纲要-附件\t") and lines[0].count("\t") == 4
    assert lines[0].endswith(f"{folder}/纲要␊附件.txt")


def test_console_script_is_installed():
    out = subprocess.run([sys.executable, "-m", "kb.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "ingest" in out.stdout and "eval" in out.stdout


def test_bad_file_in_a_folder_is_skipped_not_fatal(capsys, tmp_path, outline_path):
    from .pdfgen import make_pdf
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("第一章 总则\n\n全区新建口袋公园10个。\n", encoding="utf-8")
    make_pdf(corpus / "scan.pdf", [[]], image_only=True)
    make_pdf(corpus / "locked.pdf", [["第一章 保密"]], encrypt="pw")
    code, out, err = run(capsys, "--index", str(tmp_path / "i"), "--model", "hash", "ingest", str(corpus))
    assert code == 1 and "indexed 1 documents" in out
    assert "kb: skipped" in err and "scan.pdf: the PDF has no text layer" in err and "locked.pdf: the PDF is encrypted" in err
    lines = err.splitlines()
    assert sum(l.startswith("kb: skipped ") for l in lines) == 2        # one line per bad file
    assert [l for l in lines if not l.startswith("kb: skipped ")] == ["kb: scan.pdf: OCR page 1: " + l.split(": ")[-1]
                                                                      for l in lines if "OCR page" in l]
    assert any(l.startswith("kb: scan.pdf: OCR page 1: ") and l.endswith(" s") for l in lines)  # the scan was tried


def test_inspect_reports_what_the_ingest_found(capsys, hash_index):
    code, out, _ = run(capsys, "--index", str(hash_index), "--model", "hash", "inspect")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ("weibin-14th-five-year-plan-outline [txt] 1 页：12 章、50 节、10 个专栏，目录 63/63 一致")
    assert "标题：新乡市卫滨区国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要（草案）" in lines
    assert "发文：卫滨区发展和改革委员会  二〇二一年三月" in lines
    assert "可疑字符（部首区、私用区、U+FFFD）：0" in lines
    code, _, err = run(capsys, "--index", str(hash_index), "--model", "hash", "inspect", "nope")
    assert code == 1 and err == "kb: no document 'nope': see `kb ls`\n"


def test_ingest_warns_when_structure_disagrees_with_the_toc(capsys, tmp_path):
    from .test_cleanup import TOC_AFTER
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "plan.txt").write_text(TOC_AFTER, encoding="utf-8")
    code, out, err = run(capsys, "--index", str(tmp_path / "idx"), "--model", "hash", "ingest", str(tmp_path / "c"))
    assert code == 0
    assert "plan [txt] 1 页：2 章、3 节、0 个专栏，目录 5/6 一致" in out
    assert err == ("kb: warning: plan.txt: structure disagrees with the document's table of contents in 1 place(s): "
                   "目录有 第二章第二节“现代服务业”（第2页），正文中没有\n")
    code, out, _ = run(capsys, "--index", str(tmp_path / "idx"), "--model", "hash", "inspect", "plan")
    assert "与目录不一致：目录有 第二章第二节“现代服务业”（第2页），正文中没有" in out


def test_ocr_pages_are_listed_as_ranges():
    from kb.cli import _ranges
    assert _ranges((1, 2, 3, 7, 9, 10)) == "1–3, 7, 9–10"
    assert _ranges(tuple(range(1, 73))) == "1–72"


def test_index_and_model_are_accepted_after_the_subcommand(capsys, hash_index):
    before = run(capsys, "--index", str(hash_index), "--model", "hash", "ask", "铜材料深加工目标", "--json")
    after = run(capsys, "ask", "铜材料深加工目标", "--json", "--index", str(hash_index), "--model", "hash")
    assert before[0] == after[0] == 0 and json.loads(before[1]) == json.loads(after[1])


def _kb(args, cwd, env=None, **kw):
    import os
    return subprocess.run([sys.executable, "-m", "kb.cli", *args], capture_output=True, cwd=cwd,
                          env={**os.environ, **(env or {})}, **kw)


@pytest.mark.model
@pytest.mark.slow
def test_model_mismatch_advice_works_as_typed(tmp_path, outline_path):
    """The advice `kb --index /abs/索引 ingest /abs/corpus --model X` (the index and the folders its documents came
    from named, options after the subcommand as users type them) rebuilds the index, run from another directory."""
    import re
    import shutil
    (tmp_path / "corpus").mkdir()
    shutil.copy(outline_path, tmp_path / "corpus")
    import shlex
    assert _kb(["--model", "hash", "--index", "纲要 索引", "ingest", "corpus"], tmp_path).returncode == 0
    out = _kb(["--index", "纲要 索引", "ask", "铜材料深加工目标"], tmp_path, {"KB_MODEL": "m3e-small"}, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    advice = re.search(r"`(kb [^`]+)`", out.stderr).group(1)
    assert advice == (f"kb --index {shlex.quote(str(tmp_path / '纲要 索引'))} ingest {tmp_path / 'corpus'}"
                      " --model m3e-small")                          # the index it was about, its documents' folder
    (tmp_path / "elsewhere").mkdir()
    fixed = _kb(shlex.split(advice)[1:], tmp_path / "elsewhere", text=True)
    assert fixed.returncode == 0, fixed.stderr
    again = _kb(["--index", "纲要 索引", "ask", "铜材料深加工目标"], tmp_path, {"KB_MODEL": "m3e-small"}, text=True)
    assert again.returncode == 0 and "全区铜加工企业达到10家" in again.stdout


def _vouching(tmp_path) -> dict:
    """The environment of a `kb` child whose answers are all vouched for: the hash embedder's confidences are not
    the real model's, and these tests are about the output's plumbing (a closed pipe, bad bytes), not the verdict."""
    import os
    cfg = tmp_path / "vouch.toml"
    cfg.write_text("[verdict]\nvouch_at = 0.0\nvouch_at_other_models = 0.0\n", encoding="utf-8")
    return {**os.environ, "KB_CONFIG": str(cfg)}


def test_a_closed_pipe_ends_quietly(hash_index, tmp_path):
    """`kb ask … | head -1`: no Broken pipe message, exit 0."""
    import os
    r, w = os.pipe()
    p = subprocess.Popen([sys.executable, "-m", "kb.cli", "--index", str(hash_index), "--model", "hash",
                          "ask", "铜材料", "-k", "10"], stdout=w, stderr=subprocess.PIPE, cwd=tmp_path,
                         env=_vouching(tmp_path))
    os.close(w)
    with os.fdopen(r, "rb") as f:
        first = f.readline()
    err = p.communicate(timeout=120)[1].decode()
    assert first.decode().startswith("答：") and p.returncode == 0 and err == ""


def test_bytes_that_are_not_utf8_are_replaced_not_fatal(hash_index, tmp_path):
    import os
    out = subprocess.run([os.fsencode(sys.executable), b"-m", b"kb.cli", b"--index", os.fsencode(hash_index),
                          b"--model", b"hash", b"ask", b"\xff\xe9\x93\x9c\xe6\x9d\x90\xe6\x96\x99"],   # \xff + 铜材料
                         capture_output=True, cwd=tmp_path, env=_vouching(tmp_path))
    err = out.stderr.decode()
    assert out.returncode == 0 and "surrogates" not in err and "not UTF-8" in err and err.count("\n") == 1
    assert "答：" in out.stdout.decode()


@pytest.mark.parametrize("q", ["铜\ud800材料", "\udcff铜材料", "铜材料\x00\x1b[31m"])
def test_api_takes_any_python_string(hash_kb, q):
    import json as _json
    r = hash_kb.ask(q)
    _json.dumps(r.to_json(), ensure_ascii=False).encode("utf-8")    # nothing unencodable comes back
    assert r.hits and "铜" in r.hits[0].passage.text


# a 草案 and its adopted text: the title loses （草案）, a figure changes, a chapter is added
DRAFT = ("关于推进口袋公园建设的实施方案（草案）\n\n第一章 总体要求\n\n到2025年，全区新建口袋公园10个，绿地率达到38%。\n\n"
         "坚持以人民为中心，统筹城市更新和生态修复。\n\n第二章 主要任务\n\n利用边角地、闲置地建设口袋公园，完善健身和休憩设施。\n\n"
         "加强日常管护，建立长效管理机制。\n")
ADOPTED = (DRAFT.replace("（草案）", "").replace("口袋公园10个", "口袋公园12个")
           + "\n第三章 保障措施\n\n强化资金保障，落实部门责任分工。\n")


def test_ingest_a_new_version_of_a_document_from_another_file(capsys, tmp_path):
    """`kb ingest` of a file whose id another file holds says so and names --new-version; with it the file replaces
    the document (its source and added time now the new file's), `kb ls` and `kb repair` agree, the old file stays;
    a file that is another document altogether is refused and the index is unchanged."""
    import time
    from kb import KnowledgeBase
    from kb.store.folder import POINTER, current_folder, read_manifest
    from .conftest import OUTLINE
    index, corpus, adopted = tmp_path / "index", tmp_path / "corpus", tmp_path / "adopted"
    corpus.mkdir(), adopted.mkdir()
    (corpus / "plan.txt").write_text(DRAFT, encoding="utf-8")
    (corpus / OUTLINE.name).write_bytes(OUTLINE.read_bytes())
    (adopted / "plan.txt").write_text(ADOPTED, encoding="utf-8")
    args = ("--index", str(index), "--model", "hash")
    assert run(capsys, *args, "ingest", str(corpus))[0] == 0
    before = {d["doc_id"]: d for d in read_manifest(index)["documents"]}
    time.sleep(1.1)                                             # the manifest's added time is to the second
    code, _, err = run(capsys, *args, "ingest", str(adopted / "plan.txt"))
    assert code == 1 and err.count("\n") == 1
    assert f"another file ({corpus / 'plan.txt'}) already has the id 'plan'" in err and "--new-version" in err
    # what the message advises works
    code, out, err = run(capsys, *args, "ingest", str(adopted / "plan.txt"), "--new-version")
    assert code == 0 and "1 parsed" in out, err
    after = {d["doc_id"]: d for d in read_manifest(index)["documents"]}
    assert after["plan"]["source"] == str((adopted / "plan.txt").resolve())
    assert after["plan"]["title"] == "关于推进口袋公园建设的实施方案" and after["plan"]["added"] > before["plan"]["added"]
    assert after[OUTLINE.stem] == before[OUTLINE.stem]          # the other document untouched, its added kept
    kb = KnowledgeBase.open(index, model="hash")
    texts = [p.text for p in kb.passages if p.doc_id == "plan"]
    assert any("口袋公园12个" in t for t in texts) and not any("口袋公园10个" in t for t in texts)
    assert (corpus / "plan.txt").read_text(encoding="utf-8") == DRAFT     # the old file is left where it was
    code, out, _ = run(capsys, *args, "ls")
    line = next(l for l in out.splitlines() if l.startswith("plan\t"))
    assert line.endswith(f"\t关于推进口袋公园建设的实施方案\t{(adopted / 'plan.txt').resolve()}")
    (current_folder(index) / "documents.jsonl").write_text("garbled", encoding="utf-8")
    assert run(capsys, *args, "repair")[0] == 0                  # rebuilt from the new version's file
    assert KnowledgeBase.open(index, model="hash").document("plan").title == "关于推进口袋公园建设的实施方案"
    # another document under the same name is not a new version: refused, nothing written
    other = tmp_path / "other"
    other.mkdir()
    (other / "plan.txt").write_bytes((OUTLINE.parents[1] / "tests/data/gallery/central-no1-2018.txt").read_bytes())
    state = ((index / POINTER).read_bytes(), sorted(p.name for p in index.iterdir()))
    code, _, err = run(capsys, *args, "ingest", str(other / "plan.txt"), "--new-version")
    assert code == 1 and err.count("\n") == 1
    assert "not a new version of plan (关于推进口袋公园建设的实施方案): the title differs" in err
    assert ((index / POINTER).read_bytes(), sorted(p.name for p in index.iterdir())) == state
