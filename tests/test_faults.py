"""Fault injection on the index folder: damaged files, kills at every step of an ingest, concurrent writers,
readers during swaps, leftovers of the older layout. Each advice a failure gives is run and must repair it.
Hash embedder and chapters of the outline as small documents, so the whole file stays fast."""
from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from kb import IndexBusy, IndexCorrupt, IndexMissing, IndexStale, KnowledgeBase
from kb import knowledge
from kb.store import folder as store
from kb.cli import main
from kb.store.folder import current_folder

from .conftest import OUTLINE

ROOT = Path(__file__).resolve().parent.parent
LINES = OUTLINE.read_text(encoding="utf-8").splitlines(keepends=True)
DOCS = {"manufacturing": LINES[248:302],        # 第二章 推动制造业高质量发展 (铜材料深加工)
        "city": LINES[412:480],                 # 第六章 全面提升城市功能品质 (老旧小区改造)
        "culture": LINES[558:594]}              # 第八章 全面增强文化软实力
QUERY = {"manufacturing": ("铜材料深加工", "铜"), "city": ("老旧小区改造", "老旧小区"),
         "culture": ("公共文化服务", "文化")}
ENV = {**os.environ, "KB_MODEL": "hash", "PYTHONPATH": str(ROOT)}


def _write_doc(corpus: Path, name: str) -> Path:
    f = corpus / f"{name}.txt"
    f.write_text("".join(DOCS[name]), encoding="utf-8")
    return f


def _docs(idx: Path) -> set[str]:
    return {d.doc_id for d in KnowledgeBase.open(idx, model="hash").documents}


def _answers(idx: Path, *names: str) -> None:
    kb = KnowledgeBase.open(idx, model="hash")
    for n in names:
        q, word = QUERY[n]
        assert any(word in h.passage.text and h.passage.doc_id == n for h in kb.search(q, k=3)), (n, q)


def _ingest(idx: Path, *args: str) -> int:
    return main(["--index", str(idx), "--model", "hash", "ingest", *args])


def _tidy(idx: Path) -> None:
    """Only the pointer, the lock, the current generation and at most the one before it; nothing beside."""
    names = sorted(p.name for p in idx.iterdir())
    gens = [n for n in names if n.startswith("g")]
    assert set(names) - set(gens) <= {"CURRENT", ".lock", "SOURCES"}, names
    assert current_folder(idx).name in gens and len(gens) <= 2, names
    assert not [p.name for p in idx.parent.iterdir() if p.name.startswith(f".{idx.name}.")]


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """corpus/ with two documents, indexed in two ingests (so the index has two generations)."""
    root = tmp_path_factory.mktemp("faults")
    corpus = root / "corpus"
    corpus.mkdir()
    _write_doc(corpus, "manufacturing")
    KnowledgeBase.sync([corpus], root / "index", model="hash")
    _write_doc(corpus, "city")
    KnowledgeBase.sync([corpus], root / "index", model="hash")
    return root


def _copy_site(base: Path, root: Path) -> Path:
    """A copy of the base corpus and index under root, the index naming the copied corpus."""
    shutil.copytree(base / "corpus", root / "corpus")
    shutil.copytree(base / "index", root / "index")
    # the copy's manifest names the base corpus; re-ingest once so it names this one (nothing re-embedded)
    assert KnowledgeBase.sync([root / "corpus"], root / "index", model="hash", replace=True).embedded == 0
    return root


@pytest.fixture()
def site(base, tmp_path, monkeypatch) -> Path:
    """A copy of the base corpus and index; the working directory is its root (the advice names `corpus`)."""
    monkeypatch.chdir(_copy_site(base, tmp_path))
    return tmp_path


@pytest.fixture()
def index_copy(base, tmp_path, monkeypatch) -> Path:
    """A copy of the base index only (for tests that leave the corpus alone); the working directory is the
    base's root, whose `corpus` the index names."""
    shutil.copytree(base / "index", tmp_path / "index")
    monkeypatch.chdir(base)
    return tmp_path / "index"


# ---------------------------------------------------------------- damaged files
def _damage(path: Path, how: str) -> None:
    if how == "delete":
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "truncate":
        path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 2)])
    else:
        path.write_bytes(b"\x93NUMPY garbage \x00\xff" * 40)


TARGETS = ["CURRENT", "manifest.json", "passages.jsonl", "documents.jsonl", "embeddings.npy", "hashes.json",
           "sentences.npy", "sentence_of.npy", "dense.faiss", "section_of.npy", "bm25_words",
           "bm25_bigrams/vocab.index.json", "bm25_titles/data.csc.index.npy", "bm25_section/params.index.json",
           "vocabulary.json", "vocabulary.npy", "vocabulary_postings.npz"]


@pytest.mark.parametrize("how", ["delete", "empty", "truncate", "garbage"])
@pytest.mark.parametrize("target", TARGETS)
def test_damaged_file_is_refused_and_a_plain_ingest_repairs_it(index_copy, capsys, target, how):
    idx = index_copy
    if how != "delete" and target == "bm25_words":
        target = "bm25_words/indices.csc.index.npy"
    gen = current_folder(idx)
    vectors = np.load(gen / "embeddings.npy")
    _damage((idx if target == "CURRENT" else gen) / target, how)
    with pytest.raises(IndexCorrupt) as e:
        KnowledgeBase.open(idx, model="hash")
    msg = str(e.value)
    assert msg.endswith(f"repair it with `kb --index {idx} repair`") and "\n" not in msg
    assert main(["--index", str(idx), "--model", "hash", "ask", "老旧小区改造"]) == 1      # one line, no traceback
    assert capsys.readouterr().err.count("\n") == 1
    assert main(["--index", str(idx), "--model", "hash", "repair"]) == 0  # the advice, as written
    out, err = capsys.readouterr()
    assert err.startswith("kb: rebuilt the damaged ") and target.split("/")[0] in err, err
    assert "up to date" not in out
    if target not in ("embeddings.npy", "manifest.json"):              # (without its manifest nothing is trusted)
        assert " 0 embedded" in out, out                               # intact vectors are reused
    assert _docs(idx) == {"manufacturing", "city"}
    _answers(idx, "manufacturing", "city")
    assert np.array_equal(np.load(current_folder(idx) / "embeddings.npy"), vectors)
    _tidy(idx)
    assert _ingest(idx, "corpus") == 0 and "up to date" in capsys.readouterr().out


def test_replace_ingest_over_a_zero_byte_embeddings_file(index_copy, capsys):
    (current_folder(index_copy) / "embeddings.npy").write_bytes(b"")
    assert _ingest(index_copy, "--replace", "corpus") == 0, capsys.readouterr().err
    assert _docs(index_copy) == {"manufacturing", "city"}


def test_the_apps_build_button_repairs_a_damaged_index(index_copy, base, tmp_path, monkeypatch):
    """A garbled dense.faiss: the app gives the CLI's advice (`kb --index … repair`) and its 现在修复索引 button runs
    that same repair."""
    from streamlit.testing.v1 import AppTest
    (current_folder(index_copy) / "dense.faiss").write_bytes(b"garbage" * 100)
    for k, v in {"KB_INDEX": str(index_copy), "KB_MODEL": "hash", "KB_CORPUS": str(base / "corpus"),
                 "KB_BASKETS": str(tmp_path / "baskets")}.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    said = at.error[0].value.replace("\\", "")
    assert not at.exception and "dense.faiss" in said and not at.tabs
    assert f"kb --index {index_copy} repair" in said and at.button[0].label == "现在修复索引"   # one advice, as the CLI's
    at.button[0].click().run()
    assert not at.exception and not at.error and [t.label for t in at.tabs][:2] == ["问答", "浏览"]
    _answers(index_copy, "manufacturing", "city")


def test_every_listed_file_is_verified(index_copy):
    """Not only the files above: flip one byte of each file the manifest lists and the open refuses it."""
    idx = index_copy
    gen = current_folder(idx)
    listed = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert {"embeddings.npy", "documents.jsonl", "dense.faiss", "section_of.npy", "sentences.npy",
            "sentence_of.npy", "bm25_words/vocab.index.json", "vocabulary.json", "vocabulary.npy",
            "vocabulary_postings.npz"} <= set(listed)
    for name, meta in listed.items():
        p = gen / name
        assert p.stat().st_size == meta["size"]
        raw = bytearray(p.read_bytes())
        raw[len(raw) // 2] ^= 0x01                                      # same size, one bit off
        p.write_bytes(bytes(raw))
        with pytest.raises(IndexCorrupt, match=f"{name}: checksum differs"):
            KnowledgeBase.open(idx, model="hash")
        raw[len(raw) // 2] ^= 0x01
        p.write_bytes(bytes(raw))
    KnowledgeBase.open(idx, model="hash")


def test_stray_generations_and_temp_files_are_cleaned(site):
    idx = site / "index"
    (idx / "g999999").mkdir()                                           # a killed writer's unfinished generation
    (idx / "g999999" / "passages.jsonl").write_text("{}", encoding="utf-8")
    (idx / ".CURRENT.tmp-123").write_text("{}", encoding="utf-8")
    (site / ".index.tmp-1-2").mkdir()                                   # the older layout's leftovers
    assert KnowledgeBase.open(idx, model="hash").generation == current_folder(idx).name   # readers ignore them
    KnowledgeBase.sync(["corpus"], idx, model="hash")
    _tidy(idx)


# ---------------------------------------------------------------- kills at every step
KILLER = textwrap.dedent("""
    import os, signal, sys
    import kb.store.writer
    target, log = int(sys.argv[1]), sys.argv[2]
    steps = []
    def checkpoint(step):
        steps.append(step)
        with open(log, "a", encoding="utf-8") as f:
            f.write(step + "\\n")
        if len(steps) - 1 == target:
            os.kill(os.getpid(), signal.SIGKILL)
    kb.store.writer.checkpoint = checkpoint
    from kb.cli import main
    sys.exit(main(sys.argv[3:]))
""")


def _killed_ingest(site: Path, target: int, *args: str) -> tuple[int, list[str]]:
    log = site / f"steps-{target}.log"
    script = site / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    p = subprocess.run([sys.executable, str(script), str(target), str(log), "--index", "index", "--model", "hash",
                        "ingest", *args], cwd=site, env=ENV, capture_output=True, text=True, timeout=120)
    return p.returncode, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


@pytest.fixture(scope="module")
def steps(base, tmp_path_factory) -> list[str]:
    """The checkpoints of an ingest that adds a document (and removes the oldest generation)."""
    site = _copy_site(base, tmp_path_factory.mktemp("steps"))
    _write_doc(site / "corpus", "culture")
    rc, names = _killed_ingest(site, -1, "corpus")
    assert rc == 0, names
    assert {"parsed", "embedded", "store built", "manifest.json", "pointer written", "pointer replaced"} <= set(names)
    assert any(n.startswith("removed g") for n in names) and any(n.startswith("extra:") for n in names)
    return names


@pytest.mark.slow
def test_kill_at_every_step_leaves_an_index_and_the_next_ingest_completes(site, steps, capsys):
    idx = site / "index"
    swap = steps.index("pointer replaced")
    for k, step in enumerate(steps):
        _write_doc(site / "corpus", "culture")
        rc, seen = _killed_ingest(site, k, "corpus")
        assert rc == -signal.SIGKILL and re.sub(r"g\d+", "g", seen[-1]) == re.sub(r"g\d+", "g", step), (k, rc, seen)
        # the previous index until the pointer is replaced, the new one from then on; never neither
        want = {"manufacturing", "city"} | ({"culture"} if k >= swap else set())
        assert _docs(idx) == want, (step, _docs(idx))
        _answers(idx, *want)
        assert _ingest(idx, "corpus") == 0, step
        capsys.readouterr()
        assert _docs(idx) == {"manufacturing", "city", "culture"}, step
        _tidy(idx)
        KnowledgeBase.sync([], idx, model="hash", remove=["culture"])   # back to the two documents
        (site / "corpus" / "culture.txt").unlink()


# ---------------------------------------------------------------- concurrent writers
WRITER = textwrap.dedent("""
    import sys, time
    import kb.store.writer
    def checkpoint(step):
        if step == "store built":
            time.sleep(0.5)                       # hold the lock long enough for the other writer to arrive
    kb.store.writer.checkpoint = checkpoint
    from kb.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_two_concurrent_writers_both_land(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a, b = _write_doc(corpus, "manufacturing"), _write_doc(corpus, "city")
    script = tmp_path / "slow_writer.py"
    script.write_text(WRITER, encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, str(script), "--index", "index", "--model", "hash", "ingest", str(f)],
                              cwd=tmp_path, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for f in (a, b)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert _docs(tmp_path / "index") == {"manufacturing", "city"}
    _answers(tmp_path / "index", "manufacturing", "city")


def test_a_writer_that_cannot_wait_is_refused_and_the_advice_works(site):
    from filelock import FileLock
    idx = site / "index"
    _write_doc(site / "corpus", "culture")
    held = FileLock(str(idx / ".lock"))
    held.acquire()
    try:
        t, said = time.perf_counter(), []
        with pytest.raises(IndexBusy, match=r"another `kb ingest` is writing .*run the command again when it has finished"):
            KnowledgeBase.sync(["corpus"], idx, model="hash", lock_timeout=0.3, progress=lambda f, m: said.append(m))
        assert time.perf_counter() - t < 5 and said == ["等待另一个写入索引的进程结束"]
    finally:
        held.release()
    assert _docs(idx) == {"manufacturing", "city"}                     # nothing lost, nothing half-written
    assert KnowledgeBase.sync(["corpus"], idx, model="hash", lock_timeout=0.3).documents == 3   # again: done
    _tidy(idx)


# ---------------------------------------------------------------- readers during swaps
SWAPPER = textwrap.dedent("""
    import sys
    from kb import KnowledgeBase
    for i in range(int(sys.argv[1])):
        KnowledgeBase.sync(["corpus/city.txt"] if i % 2 else ["corpus"], "index", model="hash", replace=True)
    print("done")
""")


@pytest.mark.slow
def test_readers_during_100_swaps_see_no_error(site):
    idx = site / "index"
    script = site / "swapper.py"
    script.write_text(SWAPPER, encoding="utf-8")
    writer = subprocess.Popen([sys.executable, str(script), "100"], cwd=site, env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    errors, seen, opens = [], set(), 0
    try:
        while writer.poll() is None:
            try:
                kb = KnowledgeBase.open(idx, model="hash")
                assert kb.search("老旧小区改造", k=1)[0].passage.doc_id == "city"
                seen.add(kb.generation)
                opens += 1
            except Exception as e:  # noqa: BLE001 — every failure counts, whatever it is
                errors.append(f"{type(e).__name__}: {e}")
    finally:
        out, err = writer.communicate(timeout=300)
    assert writer.returncode == 0 and out.strip() == "done", err
    assert errors == [], errors[:3]
    assert opens > 50 and len(seen) > 10, (opens, len(seen))          # the reads really overlapped the swaps
    _tidy(idx)


def test_a_reader_whose_generation_is_removed_mid_open_opens_the_new_one(index_copy, monkeypatch):
    """Two swaps while a reader is between resolving CURRENT and reading the files: its generation is gone;
    that is not damage, the reader opens the new one."""
    real, raced = knowledge.read_index, []

    def racing(gen):
        if not raced:
            raced.append(gen.name)
            for _ in range(2):
                KnowledgeBase.sync(["corpus"], index_copy, model="hash", replace=True)
        return real(gen)
    monkeypatch.setattr(knowledge, "read_index", racing)
    kb = KnowledgeBase.open(index_copy, model="hash")
    assert raced and not (index_copy / raced[0]).exists() and kb.generation == current_folder(index_copy).name
    assert kb.search("老旧小区改造", k=1)[0].passage.doc_id == "city"


# ---------------------------------------------------------------- the older layout
def _legacy(site: Path) -> Path:
    """Turn the index into the older layout: one folder of files, schema 6, no pointer, no checksums."""
    idx = site / "index"
    gen = current_folder(idx)
    m = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))
    m["schema"] = store.LEGACY_SCHEMA
    del m["files"]
    m["documents"] = [{**d, "source": os.path.relpath(d["source"], site)} for d in m["documents"]]  # as it stored them
    legacy = site / "legacy"
    shutil.copytree(gen, legacy)
    (legacy / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(idx)
    legacy.rename(idx)
    return idx


def test_older_layout_is_read_and_converted_without_re_embedding(site, capsys):
    idx = _legacy(site)
    kb = KnowledgeBase.open(idx, model="hash")
    assert kb.generation == "" and {d.doc_id for d in kb.documents} == {"manufacturing", "city"}
    assert _ingest(idx, "corpus") == 0
    assert " 0 embedded" in capsys.readouterr().out
    assert _docs(idx) == {"manufacturing", "city"}
    _tidy(idx)


def test_an_index_of_an_unknown_schema_is_rebuilt_by_the_advised_command(site, capsys):
    idx = _legacy(site)
    m = json.loads((idx / "manifest.json").read_text(encoding="utf-8"))
    (idx / "manifest.json").write_text(json.dumps({**m, "schema": 5}), encoding="utf-8")
    with pytest.raises(IndexCorrupt, match=r"schema 5, need 7\): repair it with `kb --index \S+ repair`"):
        KnowledgeBase.open(idx, model="hash")
    assert main(["--index", str(idx), "--model", "hash", "repair"]) == 0
    assert _docs(idx) == {"manufacturing", "city"}
    _tidy(idx)


def test_kill_between_the_older_layouts_two_renames_is_recovered(site, capsys):
    """The older layout moved the index aside, then the new one in: killed between, only `.index.old-*` held it."""
    idx = _legacy(site)
    idx.rename(site / ".index.old-4242-1")
    (site / ".index.tmp-4242").mkdir()
    with pytest.raises(IndexMissing, match=r"build it with `kb --index \S+ ingest corpus`") as e:
        KnowledgeBase.open(idx, model="hash")
    (site / "elsewhere").mkdir()
    _write_doc(site / "elsewhere", "culture")
    assert _ingest(idx, "elsewhere") == 0                       # another folder: the old index's documents stay
    assert " 0 embedded" not in capsys.readouterr().out
    assert _docs(idx) == {"manufacturing", "city", "culture"}
    _tidy(idx)
    assert f"kb --index {idx} ingest corpus" in str(e.value)


# ---------------------------------------------------------------- sources, ids, removal, backend
def test_stale_check_works_from_another_directory(site, monkeypatch):
    idx = site / "index"
    m = json.loads((current_folder(idx) / "manifest.json").read_text(encoding="utf-8"))
    assert all(Path(d["source"]).is_absolute() for d in m["documents"])
    elsewhere = site / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    (site / "corpus" / "city.txt").write_text("第六章 城市\n\n全区改造老旧小区200个。\n", encoding="utf-8")
    with pytest.raises(IndexStale, match="city.txt changed") as e:
        KnowledgeBase.open(idx, model="hash")
    advised = shlex.split(str(e.value).split("`")[1])        # kb --index /…/index ingest /…/corpus: works from here
    assert advised[:3] == ["kb", "--index", str(idx)] and advised[3:] == ["ingest", str(site / "corpus")]
    assert main(advised[1:] + ["--model", "hash"]) == 0
    assert any("200个" in h.passage.text for h in KnowledgeBase.open(idx, model="hash").search("老旧小区", k=3))


def test_relative_and_absolute_paths_are_the_same_source(site):
    idx = site / "index"
    again = KnowledgeBase.sync([str((site / "corpus").resolve())], idx, model="hash")
    assert again.up_to_date and again.embedded == 0
    assert KnowledgeBase.sync(["./corpus/../corpus/city.txt"], idx, model="hash").up_to_date


def test_missing_file_is_not_an_id_clash(site, capsys):
    assert _ingest(site / "index", "other/city.txt") == 1
    err = capsys.readouterr().err
    assert "no such file" in err and "already has the id" not in err


def test_rm_after_a_pipeline_change(site, monkeypatch, capsys):
    monkeypatch.setattr(knowledge, "pipeline_fingerprint", lambda *_: "a-newer-parser")
    assert main(["--index", "index", "--model", "hash", "rm", "city"]) == 0, capsys.readouterr().err
    assert _docs(site / "index") == {"manufacturing"}
    _answers(site / "index", "manufacturing")


# ---------------------------------------------------------------- repair that loses no document (issue 22)
def _two_folder_site(tmp_path: Path) -> Path:
    """An index named kbdata holding a document from corpus/ and one from other/ (two ingests)."""
    for folder, name in (("corpus", "manufacturing"), ("other", "city")):
        (tmp_path / folder).mkdir()
        _write_doc(tmp_path / folder, name)
    idx = tmp_path / "kbdata"
    KnowledgeBase.sync([tmp_path / "corpus"], idx, model="hash")
    KnowledgeBase.sync([tmp_path / "other"], idx, model="hash")
    assert _docs(idx) == {"manufacturing", "city"}
    return idx


def _flip_one_digit(path: Path, key: str) -> None:
    ptr = json.loads(path.read_text())
    s = ptr[key]
    ptr[key] = s[:-1] + ("0" if s[-1] != "0" else "1")
    path.write_text(json.dumps(ptr))


REPAIRS = {
    "manifest deleted": lambda idx, g: (g / "manifest.json").unlink(),
    "manifest emptied": lambda idx, g: (g / "manifest.json").write_bytes(b""),
    "manifest truncated": lambda idx, g: (g / "manifest.json").write_bytes((g / "manifest.json").read_bytes()[:200]),
    "manifest garbled": lambda idx, g: (g / "manifest.json").write_bytes(b"\x93garbage\xff" * 30),
    "manifest bit-flipped": lambda idx, g: (g / "manifest.json").write_bytes(
        (lambda b: b[:100] + bytes([b[100] ^ 1]) + b[101:])((g / "manifest.json").read_bytes())),
    "generation deleted": lambda idx, g: shutil.rmtree(g),
    "CURRENT names a missing generation": lambda idx, g: (idx / "CURRENT").write_text(
        (idx / "CURRENT").read_text().replace(g.name, "g000099")),
    "CURRENT checksum digit": lambda idx, g: _flip_one_digit(idx / "CURRENT", "manifest_sha256"),
    "CURRENT deleted": lambda idx, g: (idx / "CURRENT").unlink(),
    "CURRENT garbled": lambda idx, g: (idx / "CURRENT").write_bytes(b"\x00\xff" * 20),
    "CURRENT a directory": lambda idx, g: ((idx / "CURRENT").unlink(), (idx / "CURRENT").mkdir()),
}


@pytest.mark.parametrize("damage", list(REPAIRS))
def test_the_advised_repair_loses_no_document_from_any_folder(tmp_path, monkeypatch, capsys, damage):
    """The advice names the index (absolute) and one command; run exactly as printed from another working
    directory, it brings back both documents (the one from other/ too), reusing intact vectors."""
    idx = _two_folder_site(tmp_path)
    gen = current_folder(idx)
    REPAIRS[damage](idx, gen)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["--index", str(idx), "--model", "hash", "ask", "老旧小区改造"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    advice = re.search(r"`(kb [^`]+)`", err).group(1)
    assert advice == f"kb --index {idx} repair", err
    assert main(shlex.split(advice)[1:] + ["--model", "hash"]) == 0
    out = capsys.readouterr().out
    assert _docs(idx) == {"manufacturing", "city"}
    assert not re.search(r" [1-9]\d* embedded", out) or damage in ("generation deleted", "manifest deleted",
                                                                      "manifest emptied", "manifest truncated",
                                                                      "manifest garbled", "manifest bit-flipped",
                                                                      "CURRENT names a missing generation",
                                                                      "CURRENT checksum digit"), out
    _answers(idx, "manufacturing", "city")
    KnowledgeBase.open(idx, model="hash")


def test_a_document_whose_source_is_gone_is_kept_from_the_last_intact_generation(tmp_path, capsys):
    idx = _two_folder_site(tmp_path)
    shutil.rmtree(current_folder(idx))                        # the newest generation is lost ...
    (tmp_path / "corpus" / "manufacturing.txt").unlink()      # ... and one source is gone
    assert main(["--index", str(idx), "--model", "hash", "repair"]) == 0
    err = capsys.readouterr().err
    assert "manufacturing: its source" in err and "is gone; kept as indexed in g" in err
    assert _docs(idx) == {"manufacturing", "city"}
    _answers(idx, "manufacturing", "city")


def test_a_writer_whose_lock_file_is_deleted_stops_and_loses_nothing(tmp_path, monkeypatch):
    """A "stale lock" clean-up deletes .lock while a writer embeds; a second writer takes a new lock and lands. The
    first notices before its swap, changes nothing and says to run again; run again, both documents are there."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a, b = _write_doc(corpus, "manufacturing"), _write_doc(corpus, "city")
    idx = tmp_path / "index"
    KnowledgeBase.sync([a], idx, model="hash")
    from kb.store import writer

    def meddle(step, done=[]):
        if step == "embedded" and not done:
            done.append(step)
            (idx / ".lock").unlink()
            subprocess.run([sys.executable, "-m", "kb.cli", "--index", str(idx), "--model", "hash", "ingest", str(b)],
                           check=True, capture_output=True, env=ENV, cwd=tmp_path)
    monkeypatch.setattr(writer, "checkpoint", meddle)
    with pytest.raises(IndexBusy, match="was deleted or replaced while this ingest was writing.*run the command again"):
        KnowledgeBase.sync([a, b], idx, model="hash")
    monkeypatch.setattr(writer, "checkpoint", lambda step: None)
    assert _docs(idx) == {"manufacturing", "city"}            # the other writer's work stands
    KnowledgeBase.sync([a, b], idx, model="hash")             # the advice: run again
    assert _docs(idx) == {"manufacturing", "city"}
    _answers(idx, "manufacturing", "city")


def test_a_file_this_user_cannot_read_is_one_line_with_what_makes_it_readable(tmp_path, monkeypatch, capsys):
    """chmod 000 (simulated: the suite may run as root, whom permissions do not stop): named alone it is refused
    with one line giving the chmod that makes it readable; in a folder it is skipped and the others are indexed.
    The advised chmod, run as printed, makes it readable (for a user permissions stop)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    a, b = _write_doc(corpus, "manufacturing"), _write_doc(corpus, "city")
    a.chmod(0)
    real = knowledge.sha256_file

    def denied(path):
        if Path(path) == a and not os.stat(a).st_mode & 0o400:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)
    monkeypatch.setattr(knowledge, "sha256_file", denied)
    idx = tmp_path / "index"
    assert main(["--index", str(idx), "--model", "hash", "ingest", str(a)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot read (permission denied)" in err and "Errno" not in err, err
    assert main(["--index", str(idx), "--model", "hash", "ingest", str(corpus)]) == 1      # the other one is indexed
    assert "kb: skipped" in capsys.readouterr().err and _docs(idx) == {"city"}
    advice = re.search(r"`(chmod [^`]+)`", err).group(1)
    subprocess.run(advice, shell=True, check=True)
    assert main(["--index", str(idx), "--model", "hash", "ingest", str(corpus)]) == 0
    assert _docs(idx) == {"manufacturing", "city"}


def test_an_index_folder_this_user_cannot_write_is_one_line(tmp_path, monkeypatch, capsys):
    from filelock import FileLock
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_doc(corpus, "city")

    def refuse(self, *a, **kw):
        raise PermissionError(13, "Permission denied", self.lock_file)
    monkeypatch.setattr(FileLock, "acquire", refuse)
    assert main(["--index", str(tmp_path / "idx"), "--model", "hash", "ingest", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not writable by this user" in err and "chmod -R u+w" in err, err


@pytest.mark.parametrize("what", ["index is a file", ".lock is a folder"])
def test_an_index_path_that_is_a_file_or_a_lock_that_is_a_folder(tmp_path, capsys, what):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _write_doc(corpus, "city")
    idx = tmp_path / "kbdata"
    if what == "index is a file":
        idx.write_text("not an index")
        assert main(["--index", str(idx), "--model", "hash", "ingest", str(corpus)]) == 1
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is a file, not an index folder" in err and "Errno" not in err
        assert idx.read_text() == "not an index"                 # nothing of the user's is touched
    else:
        KnowledgeBase.sync([corpus], idx, model="hash")
        (idx / ".lock").unlink()
        (idx / ".lock").mkdir()
        assert main(["--index", str(idx), "--model", "hash", "ingest", str(corpus)]) == 0
        assert (idx / ".lock").is_file() and _docs(idx) == {"city"}


@pytest.mark.parametrize("damage", ["generation deleted", "manifest garbled"])
def test_a_plain_ingest_into_a_damaged_index_keeps_the_documents_it_recorded(tmp_path, capsys, damage):
    """Not the advised repair but another folder: `kb ingest fifth/` into an index whose current manifest or
    generation is lost adds the new document and keeps the others (read again from their recorded sources)."""
    idx = _two_folder_site(tmp_path)
    REPAIRS[damage](idx, current_folder(idx))
    (tmp_path / "fifth").mkdir()
    _write_doc(tmp_path / "fifth", "culture")
    assert main(["--index", str(idx), "--model", "hash", "ingest", str(tmp_path / "fifth")]) == 0
    assert _docs(idx) == {"manufacturing", "city", "culture"}
    _answers(idx, "manufacturing", "city", "culture")


def test_odd_files_and_odd_arguments_are_one_line(tmp_path, capsys):
    """A pipe named .txt (reading would block), a symlink loop, a name that is not UTF-8 beside a good file, an index
    folder killed before its first pointer, an argparse error: one line each, nothing hangs, the good file lands."""
    idx = tmp_path / "index"
    os.mkfifo(tmp_path / "f.txt")
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    for name, said in (("f.txt", "not a regular file"), ("a.txt", "a symbolic link that loops")):
        assert main(["--index", str(idx), "--model", "hash", "ingest", str(tmp_path / name)]) == 1
        err = capsys.readouterr().err
        assert said in err and err.count("\n") == 1, err
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    _write_doc(mixed, "city")
    (mixed / os.fsdecode(b"\xb9\xe6\xbb\xae.txt")).write_text("第一章 规划\n\n全区改造老旧小区。\n", encoding="utf-8")
    assert main(["--index", str(idx), "--model", "hash", "ingest", str(mixed)]) == 1
    assert "the file name is not valid UTF-8" in capsys.readouterr().err and _docs(idx) == {"city"}
    named = str(mixed / os.fsdecode(b"\xb9\xe6\xbb\xae.txt"))               # named alone: found, refused in one line
    assert main(["--index", str(idx), "--model", "hash", "ingest", named]) == 1
    err = capsys.readouterr().err
    assert "the file name is not valid UTF-8" in err and err.count("\n") == 1, err
    (tmp_path / "F" / "g000001").mkdir(parents=True)
    assert main(["--index", str(tmp_path / "F"), "--model", "hash", "ask", "老旧小区"]) == 1
    advice = re.search(r"`(kb [^`]+)`", capsys.readouterr().err).group(1)
    assert advice.endswith(" ingest corpus")
    with pytest.raises(SystemExit) as e:
        main(["ask", "-k", "abc", "x"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("kb: argument -k") and err.count("\n") == 1
