"""Ingest on a Ray cluster (kb/cluster.py): the same index as one process, workers killed mid-run, Ray optional
(and the advice to install it, run).

The cluster is real: a head node and a second node, each a `ray start --block` process of its own (tests/ray_cluster.py),
one CPU each, stopped by their process ids at the end."""
from __future__ import annotations

import dataclasses
import importlib.metadata
import importlib.util
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

import ingest
from kb import KnowledgeBase
from kb.cluster import STALL_FOR_TESTS
from kb.store.folder import current, read_index

from . import ray_cluster
from .conftest import OUTLINE, ROOT, environ

COPIES = 10                 # the 10× synthetic corpus of bench/scale.py
BROKEN = "broken.pdf"       # a file in the corpus that does not parse: skipped, and said, the same way on Ray
KB = [sys.executable, "-m", "kb.cli"]


def _ray() -> None:
    """Skip without Ray; not imported here: Ray reads RAY_AUTH_* once, when first imported."""
    if importlib.util.find_spec("ray") is None:
        pytest.skip("pip install '.[ray]' (the ray extra)")


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes of one CPU each on this machine, with a token of their own that this process connects with."""
    _ray()
    root = Path(tempfile.mkdtemp(prefix="kb-ray-"))     # short: Ray's socket paths live under it
    (root / "stall").mkdir()                            # the parse hook's folder (inert while empty)
    c = ray_cluster.start(root, nodes=2, cpus=1, env={STALL_FOR_TESTS: str(root / "stall")})
    try:
        with environ("RAY_AUTH_MODE", c.env["RAY_AUTH_MODE"]), environ("RAY_AUTH_TOKEN", c.env["RAY_AUTH_TOKEN"]):
            if "ray" in sys.modules:
                pytest.skip("ray was imported before the cluster's token was set (run these tests in a session"
                            " that has not imported it)")
            yield c
    finally:
        c.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def corpus10(tmp_path_factory) -> Path:
    from bench import synth
    d = tmp_path_factory.mktemp("corpus10") / "corpus"
    synth.make(COPIES, d)
    (d / BROKEN).write_bytes(b"%PDF-1.7 not really a PDF")
    return d


@pytest.fixture(scope="module")
def single(pg_dsn, corpus10, tmp_path_factory):
    """The 10× corpus ingested into PostgreSQL in this process, as without Ray: (index folder, stats)."""
    index = tmp_path_factory.mktemp("single") / "index"
    stats = KnowledgeBase.sync([corpus10], index, model="hash", backend="postgres")
    return index, stats


def _timeless(doc):
    """A document without its ingest timings (how long parsing took is not part of what was parsed)."""
    return dataclasses.replace(doc, report=dataclasses.replace(doc.report, seconds=()))


def _pg_rows(index: Path) -> tuple[list[str], np.ndarray]:
    """The passages table of the generation an index folder serves: texts and vectors by row id."""
    import psycopg
    from pgvector.psycopg import register_vector
    gen = current(index)
    meta = json.loads((gen.folder / "postgres.json").read_text(encoding="utf-8"))
    with psycopg.connect(os.environ["KB_PG_DSN"]) as c:
        register_vector(c)
        rows = c.execute(f'SELECT id, text, embedding FROM "{meta["schema"]}".passages ORDER BY id').fetchall()
    assert [r[0] for r in rows] == list(range(len(rows)))
    return [r[1] for r in rows], np.stack([np.asarray(r[2].to_numpy(), dtype=np.float32) for r in rows])


def assert_same_index(got: Path, want: Path) -> None:
    """Passage for passage, document for document, vector for vector: the passages', the sentences' and the
    vocabulary's, in the folder and (for PostgreSQL) on the server."""
    g, w = current(got), current(want)
    gp, gd, gv, gh = read_index(g)
    wp, wd, wv, wh = read_index(w)
    assert len(gp) == len(wp) and gp == wp
    assert [_timeless(d) for d in gd] == [_timeless(d) for d in wd]
    assert gh == wh and np.allclose(gv, wv, atol=1e-6)
    for key in ("model", "dimension", "passages", "pipeline"):
        assert g.manifest[key] == w.manifest[key], key
    assert [(d["doc_id"], d["sha256"], d["passages"]) for d in g.manifest["documents"]] == \
           [(d["doc_id"], d["sha256"], d["passages"]) for d in w.manifest["documents"]]
    gk = KnowledgeBase.open(got, model="hash", check_sources=False)
    wk = KnowledgeBase.open(want, model="hash", check_sources=False)
    assert np.array_equal(gk.sentences.owner, wk.sentences.owner)
    assert np.allclose(gk.sentences.vectors, wk.sentences.vectors, atol=1e-6)
    assert gk.vocabulary.words == wk.vocabulary.words
    assert np.allclose(gk.vocabulary.vectors, wk.vocabulary.vectors, atol=1e-6)
    if w.manifest["backend"] == "postgres" and g.manifest["backend"] == "postgres":
        (gt, gx), (wt, wx) = _pg_rows(got), _pg_rows(want)
        assert gt == wt == [p.text for p in wp]
        assert np.allclose(gx, wx, atol=1e-6)
    if g.manifest["backend"] == w.manifest["backend"]:
        q = "到十四五末要改造多少个老旧小区"
        assert [h.passage.id for h in gk.search(q)] == [h.passage.id for h in wk.search(q)]


@pytest.mark.slow
@pytest.mark.postgres
def test_ray_ingest_into_postgres_equals_one_process(cluster, single, corpus10, tmp_path):
    want, one = single
    got = tmp_path / "index"
    stats = KnowledgeBase.sync([corpus10], got, model="hash", backend="postgres", ray=cluster.address)
    assert (stats.documents, stats.parsed, stats.passages, stats.embedded) == \
           (one.documents, COPIES, one.passages, one.passages) == (COPIES, COPIES, 2688, 2688)
    assert stats.skipped == one.skipped and len(stats.skipped) == 1
    assert stats.skipped[0].startswith(f"{corpus10 / BROKEN}:")        # named where it lies, not where Ray put it
    assert_same_index(got, want)
    # unchanged documents are skipped as without Ray: nothing parsed, nothing embedded, no cluster needed
    # (named one by one: the broken file would be read again, as it is without Ray)
    again = KnowledgeBase.sync(sorted(corpus10.glob("*.txt")), got, model="hash", backend="postgres",
                               ray="127.0.0.1:1")
    assert again.up_to_date and again.parsed == 0


def _embed_workers(c: ray_cluster.Cluster) -> list[int]:
    """The pids of the embedding actors' processes of this cluster (in its nodes' sessions)."""
    sessions = {p.pid for p in c.nodes}
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            title = (d / "cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
            if title.startswith("ray::EmbedWorker") and os.getsid(int(d.name)) in sessions:
                out.append(int(d.name))
        except (OSError, ProcessLookupError):
            continue
    return sorted(out)


DRIVER_KILLED = """
import os, signal, sys
import kb.store.writer
from kb import KnowledgeBase
kb.store.writer.checkpoint = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == "embedded" else None
KnowledgeBase.sync([sys.argv[1]], sys.argv[2], model="hash", ray=sys.argv[3])
"""


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_worker_is_retried_and_killed_driver_leaves_the_old_index(cluster, single, corpus10, tmp_path):
    """SIGKILL an embedding worker while it holds slices of passages: Ray restarts it (the model loaded again)
    and runs its slices again; the run completes with the same index as one process. Then a driver killed after
    embedding a changed document leaves that index served, and the next run parses only the changed document."""
    want, _ = single
    killed: list[int] = []

    def kill_one(frac: float, msg: str) -> None:
        if msg == "向量化段落" and frac < 0.55 and not killed:
            pids = _embed_workers(cluster)
            assert pids, "no embedding worker found"
            os.kill(pids[-1], signal.SIGKILL)
            killed.append(pids[-1])

    got = tmp_path / "index"
    stats = KnowledgeBase.sync([corpus10], got, model="hash", ray=cluster.address, progress=kill_one)
    assert killed, "no worker was killed: the run ended before it could be"
    assert not Path(f"/proc/{killed[0]}").exists() or b"zombie" in Path(f"/proc/{killed[0]}/status").read_bytes()
    assert stats.embedded == 2688
    assert_same_index(got, want)

    doc = sorted(corpus10.glob("d00*.txt"))[0]
    text = doc.read_text(encoding="utf-8")
    served = current(got).name
    try:
        doc.write_text(text + "\n到2025年，全区新建智慧停车泊位3000个。\n", encoding="utf-8")
        r = subprocess.run([sys.executable, "-c", DRIVER_KILLED, str(corpus10), str(got), cluster.address],
                           capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert r.returncode == -signal.SIGKILL, r.stderr[-1500:]
        gen = current(got)                  # every file checked against its manifest
        assert gen.name == served and read_index(gen)[0] == read_index(current(want))[0]   # the old index, whole
        again = KnowledgeBase.sync([corpus10], got, model="hash", ray=cluster.address)
    finally:
        doc.write_text(text, encoding="utf-8")
    assert (again.parsed, again.reused_docs) == (1, COPIES - 1) and 0 < again.embedded < 10
    assert current(got).name != served and any("智慧停车泊位" in p.text for p in read_index(current(got))[0])


def _in_cluster(c: ray_cluster.Cluster, pid: int) -> bool:
    """Whether a process belongs to one of this cluster's nodes (each node is a session of its own)."""
    try:
        return os.getsid(pid) in {p.pid for p in c.nodes}
    except ProcessLookupError:
        return False


@pytest.mark.slow
def test_killed_parse_worker_is_retried(cluster, tmp_path):
    """SIGKILL the worker process that is parsing a document (held inside parse_file by kb.cluster's test hook until
    killed, so no timing decides it): Ray runs the parse again on another worker, and the run completes with that
    document in the index and the same index as one process."""
    from bench import synth
    corpus = tmp_path / "corpus"
    victim = synth.make(4, corpus)[2]
    want = tmp_path / "single"
    KnowledgeBase.sync([corpus], want, model="hash")
    stall = cluster.root / "stall"
    (stall / f"{victim.name}.stall").touch()
    killed: list[tuple[str, int]] = []
    done = threading.Event()

    def kill_the_stalled() -> None:
        while not done.is_set():
            for f in stall.glob("*.stalled"):
                name, pid, _ = f.name.rsplit(".", 2)
                assert _in_cluster(cluster, int(pid)), f"process {pid} is not a worker of the test cluster"
                os.kill(int(pid), signal.SIGKILL)
                killed.append((name, int(pid)))
                return
            done.wait(0.02)

    watcher = threading.Thread(target=kill_the_stalled, daemon=True)
    watcher.start()
    try:
        got = tmp_path / "index"
        stats = KnowledgeBase.sync([corpus], got, model="hash", ray=cluster.address)
    finally:
        done.set()
        watcher.join(10)
        for f in stall.iterdir():           # a stall not taken, or not killed: released
            f.unlink()
    assert [k[0] for k in killed] == [victim.name], "the worker parsing the document was not killed"
    pid = killed[0][1]
    assert not Path(f"/proc/{pid}").exists() or b"zombie" in Path(f"/proc/{pid}/status").read_bytes()
    assert (stats.documents, stats.parsed, len(stats.skipped)) == (4, 4, 0)
    doc_id = ingest.document.doc_id_for(victim)
    assert doc_id in {d["doc_id"] for d in current(got).manifest["documents"]}
    assert any(p.doc_id == doc_id for p in read_index(current(got))[0])
    assert_same_index(got, want)


@pytest.mark.slow
def test_ray_local_from_the_environment(tmp_path, hash_index):
    """KB_RAY_ADDRESS=local: `kb ingest` starts a cluster for the run, ingests as one process would, and leaves no
    Ray process behind."""
    _ray()
    root = Path(tempfile.mkdtemp(prefix="kb-rl-"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    env = {**os.environ, "KB_RAY_ADDRESS": "local", "RAY_TMPDIR": str(root), "RAY_USAGE_STATS_ENABLED": "0",
           "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": os.urandom(16).hex()}    # no token file in ~/.ray
    try:
        r = subprocess.run([*KB, "--index", str(tmp_path / "index"), "ingest", str(corpus), "--model", "hash"],
                           capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stdout.startswith("indexed 1 documents (1 parsed, 0 unchanged), 268 passages, 268 embedded")
        assert list(root.iterdir()), "no Ray session was started under RAY_TMPDIR"
        assert not _left_running(root), f"Ray processes left running: {_left_running(root)}"
        assert_same_index(tmp_path / "index", hash_index)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _left_running(root: Path) -> list[str]:
    """The processes still running whose command line names root (a --ray local session's RAY_TMPDIR), after
    giving them 10 s to exit (ray.shutdown() has signalled them)."""
    for _ in range(50):
        left = [d.name for d in Path("/proc").iterdir() if d.name.isdigit() and _mentions(d, str(root))]
        if not left:
            break
        time.sleep(0.2)
    return left


def _mentions(proc: Path, text: str) -> bool:
    try:
        return text.encode() in (proc / "cmdline").read_bytes() and b"zombie" not in (proc / "status").read_bytes()
    except OSError:
        return False


def test_without_ray_ray_is_never_imported(tmp_path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "方案.txt").write_text("卫滨区智慧停车专项方案\n\n一、总体目标\n\n到2025年，全区新建智慧停车泊位3000个。\n",
                                            encoding="utf-8")
    code = ("import sys; from kb.cli import main; rc = main(['--index', sys.argv[1], 'ingest', sys.argv[2],"
            " '--model', 'hash']); assert rc == 0, rc; assert 'ray' not in sys.modules, 'ray was imported'")
    env = {k: v for k, v in os.environ.items() if k != "KB_RAY_ADDRESS"}
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "index"), str(tmp_path / "c")],
                       capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-1500:]


def test_unreachable_cluster_is_one_line(tmp_path, corpus):
    _ray()
    port = ray_cluster._free_port()         # nothing listens there
    r = subprocess.run([*KB, "--index", str(tmp_path / "index"), "ingest", str(corpus), "--ray", f"127.0.0.1:{port}",
                        "--model", "hash"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.strip().splitlines() == [f"kb: cannot reach the Ray cluster at 127.0.0.1:{port} (Connection"
                                             " refused): start one with `ray start --head`, or use --ray local"]
    assert not (tmp_path / "index" / "CURRENT").exists()


def _venv_without_ray(where: Path) -> Path:
    """A fresh venv (with its own pip) that sees every package of this environment but Ray and this project,
    through a .pth naming a folder of symlinks: its python. The linked packages lie outside the venv, so its pip
    neither uninstalls nor changes them (it installs anything it needs into the venv's own site-packages)."""
    venv, links = where / "venv", where / "links"
    r = subprocess.run([sys.executable, "-m", "venv", str(venv)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-1500:]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
    project = project.replace("-", "_")
    links.mkdir()
    for e in Path(sysconfig.get_paths()["purelib"]).iterdir():
        n = e.name
        if (n in ("ray", "pip", "__pycache__") or n.startswith(("ray-", "pip-", project, "__editable__"))
                or n.endswith(".pth")):
            continue
        (links / n).symlink_to(e)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "kb-test-links.pth").write_text(f"{links}\n", encoding="utf-8")
    r = subprocess.run([str(python), "-c", "import numpy, faiss, jieba, filelock; import ray"],
                       capture_output=True, text=True, cwd=where)
    assert r.returncode == 1 and r.stderr.strip().endswith("No module named 'ray'"), r.stderr[-1500:]
    return python


@pytest.mark.slow
def test_the_advice_to_install_ray_works(corpus):
    """`kb ingest --ray local` without Ray says to run `pip install '.[ray]'`; that command, run as printed in the
    repository root with the pip of an environment that lacks Ray, installs it, and the same ingest then succeeds.
    This environment is left alone (the one under test is a venv of its own), and so is the repository (setuptools
    is told to build outside it; anything it still leaves is removed)."""
    where = Path(tempfile.mkdtemp(prefix="kb-pip-"))    # short: Ray's socket paths live under it
    site = Path(sysconfig.get_paths()["purelib"])
    ours = sorted(p.name for p in site.iterdir())
    artefacts = {p: {f.name: f.read_bytes() for f in p.iterdir()} for p in ROOT.glob("*.egg-info")}
    had_build = (ROOT / "build").exists()
    try:
        python = _venv_without_ray(where)
        (where / "ray").mkdir()
        env = {**{k: v for k, v in os.environ.items() if k not in ("KB_RAY_ADDRESS", "PYTHONPATH")},
               "RAY_TMPDIR": str(where / "ray"), "RAY_USAGE_STATS_ENABLED": "0",
               "RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": os.urandom(16).hex()}    # no token file in ~/.ray
        ingest_cmd = [str(python), "-m", "kb.cli", "--index", str(where / "index"), "ingest", str(corpus),
                      "--ray", "local", "--model", "hash"]
        r = subprocess.run(ingest_cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert r.returncode == 1 and r.stdout == "", r.stderr[-1500:]
        said = r.stderr.strip().splitlines()
        assert len(said) == 1 and said[0].startswith("kb: --ray needs Ray, which is not installed: run `"), said
        advice = shlex.split(said[0].split("`")[1])
        assert advice[0] == "pip", advice
        assert not (where / "index").exists()

        (where / "build").mkdir()
        (where / "build.cfg").write_text(f"[build]\nbuild_base = {where / 'build'}\n"
                                         f"[egg_info]\negg_base = {where / 'build'}\n", encoding="utf-8")
        t = time.perf_counter()
        r = subprocess.run([str(python.with_name("pip")), *advice[1:]], capture_output=True, text=True, cwd=ROOT,
                           env={**env, "DIST_EXTRA_CONFIG": str(where / "build.cfg")}, timeout=480)
        out = r.stdout + r.stderr
        if r.returncode != 0:       # a skip only when pip cannot even list Ray's versions: no index to install from
            probe = subprocess.run([str(python.with_name("pip")), "index", "versions", "ray"], capture_output=True,
                                   text=True, cwd=ROOT, env=env, timeout=300)
            if probe.returncode != 0:
                last = (probe.stdout + probe.stderr).strip().splitlines()[-1:]
                pytest.skip(f"the package index cannot be reached to install Ray ({' '.join(last)})")
        assert r.returncode == 0, out[-3000:]
        print(f"\n`{shlex.join(advice)}` took {time.perf_counter() - t:.1f} s")
        assert sorted(p.name for p in site.iterdir()) == ours, "pip changed the test run's own environment"

        r = subprocess.run(ingest_cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
        assert r.returncode == 0, r.stderr[-2000:]
        assert r.stdout.startswith("indexed 1 documents (1 parsed, 0 unchanged), 268 passages, 268 embedded")
        assert list((where / "ray").iterdir()), "no Ray session was started under RAY_TMPDIR"
        assert not _left_running(where / "ray"), f"Ray processes left running: {_left_running(where / 'ray')}"
        r = subprocess.run([*KB, "--index", str(where / "single"), "ingest", str(corpus), "--model", "hash"],
                           capture_output=True, text=True, cwd=ROOT, timeout=300)      # one process, no Ray
        assert r.returncode == 0, r.stderr[-2000:]
        assert_same_index(where / "index", where / "single")
    finally:
        if not had_build:
            shutil.rmtree(ROOT / "build", ignore_errors=True)
        for p in set(ROOT.glob("*.egg-info")) - set(artefacts):
            shutil.rmtree(p, ignore_errors=True)
        for p, files in artefacts.items():
            if p.is_dir() and {f.name: f.read_bytes() for f in p.iterdir()} != files:
                for name, data in files.items():
                    (p / name).write_bytes(data)
        shutil.rmtree(where, ignore_errors=True)


def test_missing_ray_says_what_to_install(tmp_path, corpus):
    """Without Ray, --ray is one line naming the extra, before any index is touched; the extra holds a Ray that the
    installed one satisfies (what `pip install '.[ray]'` installs)."""
    code = ("import sys; sys.modules['ray'] = None; from kb.cli import main;"
            " sys.exit(main(['--index', sys.argv[1], 'ingest', sys.argv[2], '--ray', 'local', '--model', 'hash']))")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "index"), str(corpus)],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.strip().splitlines() == ["kb: --ray needs Ray, which is not installed: run `pip install '.[ray]'`"]
    assert not (tmp_path / "index").exists()
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    from packaging.requirements import Requirement
    req = [Requirement(x) for x in extra["ray"] if Requirement(x).name == "ray"]
    assert req, "pyproject.toml has no ray in its [ray] extra"
    _ray()
    assert req[0].specifier.contains(importlib.metadata.version("ray"))
