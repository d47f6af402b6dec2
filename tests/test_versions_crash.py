"""SIGKILL in the middle of 更新版本 (a document replaced by a new version under its id): `kb ingest --new-version` and
the 文档 page's replace_document, each run in a process killed at a named step of its write (kb.store.writer's
checkpoints) and three times from outside at a random moment. After each kill the index opens and holds the old
version or the new one, whole (passages, documents, manifest and SOURCES agree, every recorded source is there as
recorded); the same command run again ends with the new version and leaves nothing behind. Hash embedder; real
gallery documents, the 2023 government work report given a new version by known edits. Also: a new version given
after a parser change is the one indexed (it was not)."""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import ingest
from kb import KnowledgeBase
from kb.cli import main
from kb.store.folder import SOURCES, current_folder, read_manifest

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "tests" / "data" / "gallery"
DOC = "gov-work-report-2023"
OTHERS = {"gov-work-report-2024", "central-no1-2018"}
KEPT = f"{DOC}-旧版"
# the new version: one sentence reworded, one paragraph added (the title, 政府工作报告, stays)
OLD_TEXT = (GALLERY / f"{DOC}.txt").read_text(encoding="utf-8")
NEW_TEXT = (OLD_TEXT.replace("本届政府任期即将结束。", "本届政府任期即将届满。", 1)
            + "\n各位代表！让我们紧密团结，奋发图强，努力完成全年目标任务。\n")
SECOND_TEXT = NEW_TEXT.replace("即将届满", "行将届满", 1)        # a version after that one
MARKS = ("本届政府任期即将结束", "本届政府任期即将届满", "本届政府任期行将届满")   # the sentence each version words its way
ENV = {**os.environ, "KB_MODEL": "hash", "PYTHONPATH": str(ROOT)}

# Both scripts log each checkpoint reached and SIGKILL themselves at the one named (g000123 read as g); "-" kills
# nowhere. CLI: the `kb` command line after the two; APP: index, uploads folder, file, keep the old version (0/1),
# document id.
PRELUDE = """
    import os, re, signal, sys
    import kb.store.writer
    target, log = sys.argv[1], sys.argv[2]
    def checkpoint(step):
        with open(log, "a", encoding="utf-8") as f:
            f.write(step + "\\n")
        if re.sub(r"g\\d+", "g", step) == target:
            os.kill(os.getpid(), signal.SIGKILL)
    kb.store.writer.checkpoint = checkpoint
"""
CLI = textwrap.dedent(PRELUDE) + textwrap.dedent("""
    from kb.cli import main
    sys.exit(main(sys.argv[3:]))
""")
APP = textwrap.dedent(PRELUDE) + textwrap.dedent("""
    from pathlib import Path
    index, uploads, new, keep = sys.argv[3:7]
    os.environ.update(KB_INDEX=index, KB_UPLOADS=uploads, KB_MODEL="hash")
    from kb import KnowledgeBase
    from ui.versions import replace_document
    kb = KnowledgeBase.open(index, model="hash", check_sources=False)
    done = replace_document(kb, index, sys.argv[7], Path(new).name, Path(new).read_bytes(), keep_old=keep == "1")
    print(done.summary(Path(new).name))
""")


@dataclasses.dataclass(frozen=True)
class Version:
    """One version of the document: its file's digest, where the index should record it from, its passages, its
    title and the wording of the sentence the versions differ in."""
    sha256: str
    source: str
    passages: tuple[str, ...]
    title: str
    mark: str

    @classmethod
    def of(cls, path: Path, source: Path | None = None) -> "Version":
        doc = ingest.load(path)
        (mark,) = [m for m in MARKS if m in doc.text]
        return cls(doc.sha256, str((source or path).resolve()), tuple(p.text for p in ingest.passages(doc)),
                   doc.title, mark)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """corpus/ with three gallery documents indexed in two ingests (two generations: the write that replaces one
    removes the oldest), and new/ with the 2023 report's new version under the same name (the same id)."""
    root = tmp_path_factory.mktemp("versions-crash")
    (root / "corpus").mkdir()
    for name in [DOC, *sorted(OTHERS)]:
        shutil.copy(GALLERY / f"{name}.txt", root / "corpus")
    KnowledgeBase.sync([root / "corpus" / "central-no1-2018.txt"], root / "index", model="hash")
    KnowledgeBase.sync([root / "corpus"], root / "index", model="hash")
    (root / "new").mkdir()
    (root / "new" / f"{DOC}.txt").write_text(NEW_TEXT, encoding="utf-8")
    return root


@pytest.fixture()
def site(base, tmp_path) -> Path:
    """A copy of the base index (its sources stay in the base's corpus, which nothing here changes)."""
    shutil.copytree(base / "index", tmp_path / "index")
    return tmp_path


def _log(site: Path) -> Path:
    return site / "steps.log"


def _steps(site: Path) -> list[str]:
    return _log(site).read_text(encoding="utf-8").splitlines() if _log(site).exists() else []


def _cli_args(site: Path, base: Path) -> list[str]:
    return ["--index", str(site / "index"), "--model", "hash", "ingest", "--new-version",
            str(base / "new" / f"{DOC}.txt")]


def _app_args(site: Path, new: Path, keep: bool) -> list[str]:
    return [str(site / "index"), str(site / "uploads"), str(new), "1" if keep else "0", DOC]


def _run(site: Path, script: str, step: str, args: list[str]) -> subprocess.CompletedProcess:
    (site / "run.py").write_text(script, encoding="utf-8")
    _log(site).unlink(missing_ok=True)
    return subprocess.run([sys.executable, str(site / "run.py"), step, str(_log(site)), *args], cwd=site, env=ENV,
                          capture_output=True, text=True, timeout=120)


def _killed_from_outside(site: Path, script: str, args: list[str], rng: random.Random) -> tuple[int, str]:
    """Run the script (killing itself nowhere) and SIGKILL it from here at a random moment of its write: up to 0.25 s
    (about twice its length on an idle machine) after it logs "store built", the step before the new generation's
    first file. Returns the exit status and a line that says when it was killed."""
    (site / "run.py").write_text(script, encoding="utf-8")
    _log(site).unlink(missing_ok=True)
    p = subprocess.Popen([sys.executable, str(site / "run.py"), "-", str(_log(site)), *args], cwd=site, env=ENV,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while "store built" not in _steps(site) and p.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    delay = rng.uniform(0.0, 0.25)
    time.sleep(delay)
    p.send_signal(signal.SIGKILL)
    rc = p.wait(timeout=60)
    return rc, f"killed {delay:.3f} s after store built, rc {rc}, after {_steps(site)[-1:]}"


def _expected(seen: list[str], got: str, why: str) -> None:
    """Killed before the pointer's temporary file was written: the old version; once the swap was logged: the new
    one; in between (the os.replace itself) either."""
    if "pointer written" not in seen:
        assert got == "old", why
    if "pointer replaced" in seen:
        assert got == "new", why


def held(site: Path, old: Version, new: Version, keep: bool = False) -> str:
    """Which version the index holds ('old' or 'new'), after checking it holds that one whole and nothing else
    changed: the documents, the passages, the manifest and SOURCES agree; every recorded source is there as
    recorded; the old version kept as ID-旧版 only with the new one in and keep-old asked."""
    idx = site / "index"
    kb = KnowledgeBase.open(idx, model="hash")              # every file verified against the manifest
    doc = kb.document(DOC)
    name = "new" if doc.sha256 == new.sha256 else "old"
    v = new if name == "new" else old
    assert doc.sha256 == v.sha256 and doc.title == v.title
    assert tuple(p.text for p in kb.passages if p.doc_id == DOC) == v.passages
    m = read_manifest(idx)
    entries = {d["doc_id"]: d for d in m["documents"]}
    want = {DOC} | OTHERS | ({KEPT} if keep and name == "new" else set())
    assert {d.doc_id for d in kb.documents} == set(entries) == want, (name, set(entries))
    assert (entries[DOC]["sha256"], entries[DOC]["source"], entries[DOC]["passages"]) == \
        (v.sha256, v.source, len(v.passages))
    if KEPT in want:                                        # the old version whole under its own id
        assert kb.document(KEPT).sha256 == old.sha256
        assert tuple(p.text for p in kb.passages if p.doc_id == KEPT) == old.passages
    assert len(kb.passages) == m["passages"] == sum(d["passages"] for d in m["documents"])
    for d in m["documents"]:                                # nothing recorded is lost or changed
        assert hashlib.sha256(Path(d["source"]).read_bytes()).hexdigest() == d["sha256"], d["doc_id"]
    # the sentence the versions word differently is found as the version held words it, and only so
    hit = kb.search(v.mark, k=1)[0].passage
    assert hit.doc_id == DOC and v.mark in hit.text
    assert not [p.text for p in kb.passages if p.doc_id == DOC and any(m in p.text for m in MARKS if m != v.mark)]
    rec = json.loads((idx / SOURCES).read_text(encoding="utf-8"))
    sources = {d["doc_id"]: (d["source"], d["sha256"]) for d in rec["documents"]}
    if rec["generation"] == current_folder(idx).name:
        assert sources == {k: (d["source"], d["sha256"]) for k, d in entries.items()}
    else:       # killed between SOURCES and the pointer: SOURCES records the generation it was about to make current
        assert name == "old" and rec["generation"] > current_folder(idx).name, (name, rec["generation"])
        assert sources[DOC] == (new.source, new.sha256)
    return name


def tidy(site: Path) -> None:
    """Only the pointer, the lock, SOURCES (naming the current generation), the current generation and at most the
    one before it: no unfinished generation, no temporary file, nothing beside the folder."""
    idx = site / "index"
    names = sorted(p.name for p in idx.iterdir())
    gens = [n for n in names if re.fullmatch(r"g\d{6}", n)]
    assert set(names) - set(gens) <= {"CURRENT", ".lock", "SOURCES"}, names
    assert current_folder(idx).name in gens and len(gens) <= 2, names
    assert json.loads((idx / SOURCES).read_text(encoding="utf-8"))["generation"] == current_folder(idx).name
    assert not [p.name for p in site.iterdir() if p.name.startswith(".index")]


def tidy_uploads(site: Path, orphan: set[str] = frozenset()) -> None:
    """The uploads folder holds the files the index records as sources and nothing else (but `orphan`)."""
    up = (site / "uploads").resolve()
    recorded = {str(Path(d["source"]).relative_to(up)) for d in read_manifest(site / "index")["documents"]
                if Path(d["source"]).is_relative_to(up)}
    there = {str(p.relative_to(up)) for p in up.rglob("*") if p.is_file() or not any(p.iterdir())}
    assert there == recorded | orphan, (there, recorded)


# ---------------------------------------------------------------- kb ingest --new-version

# the steps that matter (of 17): the new version read and checked, nothing written; a generation half written; one
# written whole but not recorded; SOURCES replaced before the pointer; the pointer's temporary file written; the
# swap just made; the oldest generation being removed. The rest are the same kind of step as one of these.
CLI_STEPS = ["parsed", "documents.jsonl", "manifest.json", "sources written", "pointer written", "pointer replaced",
             "removed g"]
FAST = {"sources written"}          # make test runs this one (1-3 s each); make test-all all of them


@pytest.mark.parametrize("step", [s if s in FAST else pytest.param(s, marks=pytest.mark.slow) for s in CLI_STEPS])
def test_kb_ingest_new_version_killed_at_a_step_leaves_one_version_and_the_rerun_completes(base, site, step, capsys):
    old, new = Version.of(base / "corpus" / f"{DOC}.txt"), Version.of(base / "new" / f"{DOC}.txt")
    p = _run(site, CLI, step, _cli_args(site, base))
    assert p.returncode == -signal.SIGKILL and re.sub(r"g\d+", "g", _steps(site)[-1]) == step, (p, _steps(site))
    got = held(site, old, new)
    assert got == ("new" if CLI_STEPS.index(step) >= CLI_STEPS.index("pointer replaced") else "old"), step
    assert main(_cli_args(site, base)) == 0                 # the same command again
    capsys.readouterr()
    assert held(site, old, new) == "new"
    tidy(site)
    assert (base / "corpus" / f"{DOC}.txt").read_text(encoding="utf-8") == OLD_TEXT   # the old file left alone


KILLS = 3           # random kills from outside per face (each on a fresh copy of the index)


@pytest.mark.slow
def test_kb_ingest_new_version_killed_from_outside_at_random_moments(base, site, capsys):
    old, new = Version.of(base / "corpus" / f"{DOC}.txt"), Version.of(base / "new" / f"{DOC}.txt")
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for k in range(KILLS):
        run = site / str(k)
        shutil.copytree(base / "index", run / "index")
        rc, why = _killed_from_outside(run, CLI, _cli_args(run, base), rng)
        why = f"seed {seed}, kill {k}: {why}"
        _expected(_steps(run), held(run, old, new), why)
        assert main(_cli_args(run, base)) == 0, why
        capsys.readouterr()
        assert held(run, old, new) == "new", why
        tidy(run)


# ---------------------------------------------------------------- the 文档 page's 更新版本 (ui/versions.py)

def _replace_here(site: Path, new: Path, keep: bool, monkeypatch) -> str:
    """replace_document in this process, as the page's button calls it: its summary line, or the Refused one."""
    from ui.documents import Refused
    from ui.versions import replace_document
    monkeypatch.setenv("KB_INDEX", str(site / "index"))
    monkeypatch.setenv("KB_UPLOADS", str(site / "uploads"))
    monkeypatch.setenv("KB_MODEL", "hash")
    kb = KnowledgeBase.open(site / "index", model="hash", check_sources=False)
    try:
        return replace_document(kb, site / "index", DOC, new.name, new.read_bytes(), keep_old=keep).summary(new.name)
    except Refused as e:
        return str(e)


# (step, keep the old version, the old version is itself an upload). The page writes its files into the uploads
# folder before the write and deletes the old upload after it: killed with its files written and the index not
# yet touched; with SOURCES ahead of the pointer; just after the swap (the old version kept, or the old upload not
# yet deleted, which then stays as the one orphan the next update of the document writes over).
APP_CASES = [("parsed", True, False), ("sources written", True, False), ("pointer replaced", True, False),
             ("removed g", False, True)]
APP_FAST = {("pointer replaced", True, False)}


@pytest.mark.parametrize("step, keep, uploaded", [c if c in APP_FAST else pytest.param(*c, marks=pytest.mark.slow)
                                                  for c in APP_CASES])
def test_the_pages_new_version_killed_at_a_step_leaves_one_version_and_the_rerun_completes(
        base, site, step, keep, uploaded, monkeypatch):
    uploads = site / "uploads"
    old = Version.of(base / "corpus" / f"{DOC}.txt")
    new_file = site / "纲要新版.txt"
    new_file.write_text(NEW_TEXT, encoding="utf-8")
    if uploaded:            # the document's current version came through the page: uploads/ID.txt
        said = _replace_here(site, new_file, False, monkeypatch)
        assert said.startswith("已把"), said
        old = Version.of(new_file, uploads / f"{DOC}.txt")
        new_file.write_text(SECOND_TEXT, encoding="utf-8")
    target = uploads / ("新版本" if uploaded else "") / f"{DOC}.txt"
    new = Version.of(new_file, target)
    p = _run(site, APP, step, _app_args(site, new_file, keep))
    assert p.returncode == -signal.SIGKILL and re.sub(r"g\d+", "g", _steps(site)[-1]) == step, (p, _steps(site))
    swapped = step in ("pointer replaced", "removed g")
    assert held(site, old, new, keep) == ("new" if swapped else "old")
    # in the uploads folder: what the index records, and at most the files this update writes before its write
    # (the new version, the old one's copy: orphans its rerun writes over) or the old upload it deletes after
    if swapped:
        tidy_uploads(site, orphan={f"{DOC}.txt"} if uploaded else set())
    else:
        tidy_uploads(site, orphan={str(target.relative_to(uploads))} | ({f"{KEPT}.txt"} if keep else set()))
    said = _replace_here(site, new_file, keep, monkeypatch)     # the same button again
    if swapped:             # refused before the writer lock: the killed write's last leftover goes with the next write
        assert said == f"{new_file.name}：与已索引的《{new.title}》（{DOC}）是同一个文件，没有改动。"
        KnowledgeBase.sync([], site / "index", model="hash")
    else:
        assert said.startswith(f"已把《{old.title}》（{DOC}）更新为 {new_file.name}："), said
    assert held(site, old, new, keep) == "new"
    tidy(site)
    tidy_uploads(site, orphan={f"{DOC}.txt"} if uploaded and swapped else set())


@pytest.mark.slow
def test_the_pages_new_version_killed_from_outside_at_random_moments(base, site, monkeypatch):
    old = Version.of(base / "corpus" / f"{DOC}.txt")
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    for k in range(KILLS):
        run = site / str(k)
        shutil.copytree(base / "index", run / "index")
        new_file = run / "纲要新版.txt"
        new_file.write_text(NEW_TEXT, encoding="utf-8")
        new = Version.of(new_file, run / "uploads" / f"{DOC}.txt")
        rc, why = _killed_from_outside(run, APP, _app_args(run, new_file, True), rng)
        why = f"seed {seed}, kill {k}: {why}"
        got = held(run, old, new, keep=True)
        _expected(_steps(run), got, why)
        said = _replace_here(run, new_file, True, monkeypatch)
        assert said.startswith("已把") or "是同一个文件，没有改动" in said and got == "new", (why, said)
        KnowledgeBase.sync([], run / "index", model="hash")   # a refused rerun writes nothing (see above)
        assert held(run, old, new, keep=True) == "new", why
        tidy(run)
        tidy_uploads(run)


# ---------------------------------------------------------------- a new version after a parser change

@pytest.mark.parametrize("face", ["cli", "page", "page, the old version an upload"])
def test_a_new_version_after_a_parser_change_is_the_one_indexed(base, site, face, monkeypatch, capsys):
    """With the parser changed since the index was built every document is read again from its recorded source,
    but not the one being replaced: its old file, read after the new one, took its place back (while the command
    said it had updated it), and the page then deleted the old upload that the index recorded again."""
    from kb import knowledge
    old = Version.of(base / "corpus" / f"{DOC}.txt")
    new_file = site / "纲要新版.txt"
    target = site / "uploads" / f"{DOC}.txt"
    if face.endswith("upload"):
        new_file.write_text(NEW_TEXT, encoding="utf-8")
        assert _replace_here(site, new_file, False, monkeypatch).startswith("已把")
        old = Version.of(new_file, target)
        target = site / "uploads" / "新版本" / f"{DOC}.txt"
    monkeypatch.setattr(knowledge, "pipeline_fingerprint", lambda *_: "a-newer-parser")
    if face == "cli":
        new = Version.of(base / "new" / f"{DOC}.txt")
        assert main(_cli_args(site, base)) == 0
        capsys.readouterr()
    else:
        new_file.write_text(SECOND_TEXT if face.endswith("upload") else NEW_TEXT, encoding="utf-8")
        new = Version.of(new_file, target)
        assert _replace_here(site, new_file, False, monkeypatch).startswith(f"已把《{old.title}》（{DOC}）更新为")
        tidy_uploads(site)
    assert held(site, old, new) == "new"
    tidy(site)
