"""The PostgreSQL backend against a real server (tests/pg_server.py, started once per session by `pg_dsn`)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ingest import tokenize
from kb.store.folder import current_folder
from kb import IndexCorrupt, KnowledgeBase, query
from kb.evaluation import metrics as evaluate
from kb.config import load_config
from kb.errors import BackendUnavailable

from .conftest import OUTLINE, ROOT

pytestmark = pytest.mark.postgres

QUERIES = ("铜材料深加工目标", "孩子上幼儿园难怎么解决", "老旧小区改造", "到十四五末要改造多少个老旧小区",
           "每千人拥有执业医师数2025年目标", "5G基站")
KB = [sys.executable, "-m", "kb.cli"]
EXTRA = ("卫滨区智慧停车专项方案.txt",
         "卫滨区智慧停车专项方案\n\n一、总体目标\n\n到2025年，全区新建智慧停车泊位3000个，建成停车诱导系统一套。\n")


def _corpus(root: Path, extra: bool = False) -> Path:
    corpus = root / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    if extra:
        (corpus / EXTRA[0]).write_text(EXTRA[1], encoding="utf-8")
    return corpus


def _schemas(dsn: str, prefix: str) -> set[str]:
    import psycopg
    with psycopg.connect(dsn) as c:
        return {r[0] for r in c.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (prefix + "%",))}


def _ids(hits):
    return [h.passage.id for h in hits]


@pytest.fixture(scope="module")
def pair(pg_dsn, hash_kb, tmp_path_factory):
    root = tmp_path_factory.mktemp("pgpair")
    KnowledgeBase.sync([_corpus(root)], root / "index", model="hash", backend="postgres")
    return hash_kb, KnowledgeBase.open(root / "index", model="hash"), root


def test_index_folder_records_postgres(pair, pg_dsn):
    _, p, root = pair
    assert p.manifest["backend"] == "postgres" and p.manifest["index_type"] == "pg-exact"
    meta = json.loads((current_folder(root / "index") / "postgres.json").read_text(encoding="utf-8"))
    from psycopg.conninfo import conninfo_to_dict
    assert meta["schema"].startswith(meta["prefix"] + "_") and conninfo_to_dict(meta["dsn"]) == conninfo_to_dict(pg_dsn)
    assert not list((root / "index").glob("*.faiss")) and not list((root / "index").glob("bm25_*"))
    # the sentence signal stays plain files in the folder, as for every backend
    assert (current_folder(root / "index") / "sentences.npy").exists()
    import psycopg
    with psycopg.connect(pg_dsn) as c:
        n, text = c.execute(f'SELECT count(*), max(text) FILTER (WHERE id = 0) FROM "{meta["schema"]}".passages').fetchone()
        assert n == len(p.passages) and text == p.passages[0].text        # verbatim, Chinese intact
        assert c.execute("SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND indexdef LIKE %s",
                         (meta["schema"], "%hnsw%")).fetchone()


def test_password_is_not_written_to_the_index_folder(pair):
    from psycopg.conninfo import conninfo_to_dict
    from kb.store.postgres import public_dsn
    assert conninfo_to_dict(public_dsn("host=db port=5432 user=kb password=s3cret dbname=kb")) == {
        "host": "db", "port": "5432", "user": "kb", "dbname": "kb"}


def test_bm25_in_sql_equals_bm25s(pair):
    """Raw BM25 computed by PostgreSQL against bm25s's, field by field, on the dev questions."""
    from kb.store.postgres import pool
    f, p, _ = pair
    lex = f.store.lexical
    texts = [q.question for q in evaluate.load_questions(ROOT / "eval" / "dev.jsonl")] + list(QUERIES)
    worst, worst_cov, lat = 0.0, 0.0, []
    with pool(p.store.dsn).connection() as conn:
        for text in texts:
            q = query.parse(text)
            words = list(dict.fromkeys(q.terms))
            bis = list(dict.fromkeys(tokenize.bigrams(q.text)))
            t = time.perf_counter()
            raw = p.store.bm25(conn, {"words": words, "bigrams": bis, "titles": words, "section": words},
                               limit=10**6)
            lat.append(time.perf_counter() - t)
            for name, toks in (("words", words), ("bigrams", bis), ("titles", words), ("section", words)):
                want = np.asarray(lex.models[name].get_scores(toks), dtype=np.float64) if toks else None
                docs, scores, ceiling = raw[name]
                got = np.zeros(want.shape if want is not None else 0)
                got[docs] = scores
                if want is None:
                    assert docs.size == 0
                    continue
                # bm25s keeps float32 scores: equal to the float64 SQL up to float32 rounding (relative 1e-6)
                worst = max(worst, float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want)))))
                assert np.allclose(got, want, rtol=1e-6, atol=1e-6), (text, name)
                assert ceiling == pytest.approx(lex._ceiling(name, toks), rel=1e-6, abs=1e-6)
                if ceiling > 0:           # what fusion reads: coverage, in [0, 1]
                    cov = float(np.max(np.abs(got / ceiling - want / lex._ceiling(name, toks))))
                    worst_cov = max(worst_cov, cov)
                    assert cov < 1e-6, (text, name)
                if name != "section":     # passages of one section tie there
                    assert list(np.argsort(-got, kind="stable")[:5]) == list(np.argsort(-want, kind="stable")[:5]), (text, name)
    print(f"BM25 sql vs bm25s: max relative difference {worst:.2e}, coverage {worst_cov:.2e};"
          f" SQL p50 {1000 * np.median(lat):.2f} ms, p95 {1000 * np.percentile(lat, 95):.2f} ms over {len(lat)} queries")


def test_signals_match_the_default_backend(pair):
    f, p, _ = pair
    for text in QUERIES:
        q = query.parse(text)
        sf, sp = f.signals(q), p.signals(q)
        assert set(sp) == set(sf) == {"dense", "words", "bigrams", "titles", "section", "sentences", "nearby"}
        for name in sf:
            assert sp[name].shape == sf[name].shape == (len(f.passages),)
            top = np.argsort(-sf[name])[:100]            # what fusion reads: each signal's top candidates
            a, b = sf[name][top], sp[name][top]
            assert np.array_equal(np.isfinite(a), np.isfinite(b)), (text, name)
            assert np.allclose(a[np.isfinite(a)], b[np.isfinite(b)], atol=1e-6), (text, name)
        assert _ids(f.search(text, k=10)) == _ids(p.search(text, k=10)), text
        assert f.ask(text).answer == p.ask(text).answer


def test_filters_search_inside_postgres(pair):
    f, p, _ = pair
    for kw in ({"chapter": 6}, {"chapter": 2, "section": 2}, {"box": "6-3"}):
        got = p.search("老旧小区改造", k=5, **kw)
        assert got and _ids(got) == _ids(f.search("老旧小区改造", k=5, **kw)), kw
    assert all(h.passage.chapter == 6 for h in p.search("老旧小区改造", k=10, chapter=6))


def test_hnsw_path_past_exact_up_to(pg_dsn, hash_kb, tmp_path):
    """Above exact_up_to the dense signal is pgvector's HNSW search (here forced on the outline)."""
    cfg = load_config()
    cfg = replace(cfg, index=replace(cfg.index, exact_up_to=10))
    KnowledgeBase.sync([_corpus(tmp_path)], tmp_path / "index", model="hash", backend="postgres", config=cfg)
    p = KnowledgeBase.open(tmp_path / "index", model="hash", config=cfg)
    assert p.manifest["index_type"] == "pg-hnsw" and p.store.kind == "pg-hnsw"
    for text in QUERIES:
        q = query.parse(text)
        exact, approx = hash_kb.signals(q)["dense"], p.signals(q)["dense"]
        want = set(np.argsort(-exact)[:10])
        got = set(np.argsort(-approx)[:10])
        assert len(want & got) >= 9, text                  # recall@10 of HNSW on 268 vectors
        assert _ids(p.search(text, k=3))[0] == _ids(hash_kb.search(text, k=3))[0]
    assert all(h.passage.chapter == 6 for h in p.search("老旧小区改造", k=5, chapter=6))


def test_incremental_add_and_remove(pg_dsn, tmp_path):
    corpus = _corpus(tmp_path)
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="postgres")
    n0 = len(KnowledgeBase.open(tmp_path / "index", model="hash").passages)
    (corpus / EXTRA[0]).write_text(EXTRA[1], encoding="utf-8")
    stats = KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="postgres")
    assert stats.parsed == 1 and stats.reused_docs == 1 and 0 < stats.embedded < 5   # only the new one
    kb = KnowledgeBase.open(tmp_path / "index", model="hash")
    assert len(kb.passages) > n0
    hit = kb.search("智慧停车泊位", k=1)[0]
    assert hit.passage.doc_id == Path(EXTRA[0]).stem and "3000个" in hit.passage.text
    assert kb.ask("智慧停车泊位要建多少个").answer.text.count("3000个") == 1
    KnowledgeBase.sync([], tmp_path / "index", model="hash", backend="postgres", remove=[Path(EXTRA[0]).stem])
    kb = KnowledgeBase.open(tmp_path / "index", model="hash")
    assert len(kb.passages) == n0 and all(h.passage.doc_id != Path(EXTRA[0]).stem for h in kb.search("智慧停车泊位"))
    meta = json.loads((current_folder(tmp_path / "index") / "postgres.json").read_text(encoding="utf-8"))
    assert meta["schema"] in _schemas(pg_dsn, meta["prefix"])


CHILD_KILL = """
import os, signal, sys
from kb.store import postgres as pg_store
from kb import KnowledgeBase
def die(conn, schema):
    print(schema, flush=True)
    os.kill(os.getpid(), signal.SIGKILL if sys.argv[3] == "kill" else 0)
    raise RuntimeError("injected failure before commit")
pg_store._before_commit = die
KnowledgeBase.sync([sys.argv[1]], sys.argv[2], model="hash", backend="postgres")
"""


@pytest.mark.parametrize("how", ["kill", "error"])
def test_failed_or_killed_ingest_leaves_previous_data_served(pg_dsn, tmp_path, how):
    corpus = _corpus(tmp_path)
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="postgres")
    before = KnowledgeBase.open(tmp_path / "index", model="hash")
    meta = json.loads((current_folder(tmp_path / "index") / "postgres.json").read_text(encoding="utf-8"))
    (corpus / EXTRA[0]).write_text(EXTRA[1], encoding="utf-8")
    r = subprocess.run([sys.executable, "-c", CHILD_KILL, str(corpus), str(tmp_path / "index"), how],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode != 0, r.stdout + r.stderr
    dying = r.stdout.split()[0]                                   # the generation it was writing
    assert dying.startswith(meta["prefix"] + "_") and dying != meta["schema"]
    # rolled back: the half-written generation is gone, the served one is intact and still answers
    assert _schemas(pg_dsn, meta["prefix"]) == {meta["schema"]}
    after = KnowledgeBase.open(tmp_path / "index", model="hash")
    assert len(after.passages) == len(before.passages)
    for text in QUERIES[:3]:
        assert _ids(after.search(text, k=5)) == _ids(before.search(text, k=5))
    # and the next ingest goes through
    KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="postgres")
    assert KnowledgeBase.open(tmp_path / "index", model="hash").search("智慧停车泊位", k=1)[0].passage.doc_id == Path(EXTRA[0]).stem


READER = """
import sys, time
from pathlib import Path
from kb import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1], model="hash")
qs = ["老旧小区改造", "铜材料深加工目标", "孩子上幼儿园难怎么解决"]
first = {q: [h.passage.id for h in kb.search(q)] for q in qs}
print("ready", flush=True)
n = bad = 0
while not Path(sys.argv[2]).exists():
    for q in qs:
        n += 1
        bad += [h.passage.id for h in kb.search(q)] != first[q]
print(n, bad, flush=True)
"""


def test_app_processes_and_cli_ingests_share_one_database(pg_dsn, tmp_path):
    """Two serving processes keep answering, unchanged, while the CLI re-ingests twice into the same database;
    the generation they serve is dropped only after they are gone."""
    corpus = _corpus(tmp_path)
    env = {**os.environ, "KB_BACKEND": "postgres", "KB_MODEL": "hash", "KB_PG_DSN": pg_dsn}
    subprocess.run(KB + ["--index", str(tmp_path / "index"), "ingest", str(corpus)], env=env, cwd=ROOT,
                   check=True, capture_output=True, timeout=120)
    served = json.loads((current_folder(tmp_path / "index") / "postgres.json").read_text(encoding="utf-8"))
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(tmp_path / "index"), str(stop)], env=env, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        for r in readers:
            assert r.stdout.readline().strip() == "ready", r.stderr.read()
        (corpus / EXTRA[0]).write_text(EXTRA[1], encoding="utf-8")
        for _ in range(2):          # the second ingest would drop the readers' generation if it were not held
            subprocess.run(KB + ["--index", str(tmp_path / "index"), "ingest", str(corpus), "--replace"], env=env,
                           cwd=ROOT, check=True, capture_output=True, timeout=120)
        assert served["schema"] in _schemas(pg_dsn, served["prefix"])
        time.sleep(0.5)
    finally:
        stop.touch()
        outs = [r.communicate(timeout=60) for r in readers]
    for (out, err), r in zip(outs, readers):
        assert r.returncode == 0, err
        n, bad = map(int, out.split()[-2:])
        assert n > 0 and bad == 0
    new = KnowledgeBase.open(tmp_path / "index", model="hash")
    assert new.search("智慧停车泊位", k=1)[0].passage.doc_id == Path(EXTRA[0]).stem
    subprocess.run(KB + ["--index", str(tmp_path / "index"), "ingest", str(corpus), "--replace"], env=env,
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    assert served["schema"] not in _schemas(pg_dsn, served["prefix"])      # nobody serves it any more


def test_missing_schema_says_what_to_run_and_that_fixes_it(pg_dsn, tmp_path):
    import psycopg
    _corpus(tmp_path)
    env = {**os.environ, "KB_MODEL": "hash", "KB_PG_DSN": pg_dsn}
    env.pop("KB_INDEX", None)
    subprocess.run(KB + ["ingest", "corpus"], env={**env, "KB_BACKEND": "postgres"}, cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    meta = json.loads((current_folder(tmp_path / "index") / "postgres.json").read_text(encoding="utf-8"))
    with psycopg.connect(pg_dsn, autocommit=True) as c:
        c.execute(f'DROP SCHEMA "{meta["schema"]}" CASCADE')
    with pytest.raises(IndexCorrupt, match=r"KB_BACKEND=postgres kb ingest corpus --replace") as e:
        KnowledgeBase.open(tmp_path / "index", model="hash")
    r = subprocess.run(KB + ["ask", "老旧小区改造"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and len(r.stderr.strip().splitlines()) == 1 and "--replace" in r.stderr
    # the advice, word for word, in the folder it names
    advice = str(e.value).split("`")[1].split()
    assert advice[0] == "KB_BACKEND=postgres"
    subprocess.run(KB + advice[2:], env={**env, "KB_BACKEND": "postgres"}, cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    assert KnowledgeBase.open(tmp_path / "index", model="hash").search("老旧小区改造", k=3)
    (current_folder(tmp_path / "index") / "postgres.json").unlink()
    with pytest.raises(IndexCorrupt, match="postgres.json"):
        KnowledgeBase.open(tmp_path / "index", model="hash")


def test_unreachable_server_is_one_sentence(pg_dsn, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PG_DSN", "host=127.0.0.1 port=9 user=postgres dbname=postgres")
    monkeypatch.setenv("KB_PG_TIMEOUT", "2")
    with pytest.raises(BackendUnavailable, match=r"cannot reach PostgreSQL at 127\.0\.0\.1:9/postgres.*make pg"):
        KnowledgeBase.sync([_corpus(tmp_path)], tmp_path / "index", model="hash", backend="postgres")
    assert current_folder(tmp_path / "index") is None          # nothing was written but the writer's lock file


@pytest.mark.slow
def test_missing_dsn_advises_make_pg_and_make_pg_fixes_it(pg_dsn, tmp_path, monkeypatch):
    monkeypatch.delenv("KB_PG_DSN")
    corpus = _corpus(tmp_path)
    with pytest.raises(BackendUnavailable, match=r"needs KB_PG_DSN.*`make pg`"):
        KnowledgeBase.sync([corpus], tmp_path / "index", model="hash", backend="postgres")
    # not under pytest's temp root: every pytest session on this machine resets it to 0700, and as root the
    # server runs as nobody
    home = Path(tempfile.mkdtemp(prefix="kb-make-pg-"))
    home.chmod(0o755)
    data = home / "pgdata"
    make = ["make", "-s", "-C", str(ROOT), "-o", ".venv/.installed", f"PG_DATA={data}"]
    out = subprocess.run(make + ["pg"], capture_output=True, text=True, timeout=120)
    try:
        assert out.returncode == 0, out.stderr
        last = out.stdout.strip().splitlines()[-1]
        assert last.startswith("export KB_PG_DSN='")
        # the line pasted into a shell as it is
        pasted = subprocess.run(["bash", "-c", last + '; printf %s "$KB_PG_DSN"'], capture_output=True, text=True,
                                timeout=10).stdout
        assert pasted.startswith("host=127.0.0.1 ")
        monkeypatch.setenv("KB_PG_DSN", pasted)
        kb = KnowledgeBase.build([corpus], tmp_path / "index", model="hash", backend="postgres")
        want = _ids(kb.search("老旧小区改造", k=3))
        assert any("老旧小区" in h.passage.text for h in kb.search("老旧小区改造", k=3))
        # the server goes away under a serving process: one sentence naming `make pg`, which brings it back
        assert subprocess.run(make + ["pg-stop"], capture_output=True, text=True, timeout=120).returncode == 0
        with pytest.raises(BackendUnavailable, match=r"failed to search .*`make pg`"):
            kb.search("老旧小区改造", k=3)
        again = subprocess.run(make + ["pg"], capture_output=True, text=True, timeout=120)
        assert again.returncode == 0 and again.stdout.strip().splitlines()[-1] == last     # same KB_PG_DSN
        assert _ids(kb.search("老旧小区改造", k=3)) == want
    finally:
        stopped = subprocess.run(make + ["pg-stop"], capture_output=True, text=True, timeout=120)
        from tests.pg_server import pid_of
        gone = pid_of(data) is None
        shutil.rmtree(home, ignore_errors=True)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout and gone


@pytest.mark.model
def test_dev_eval_within_half_a_point_of_faiss(pg_dsn, real_index, dev_path, tmp_path_factory):
    """The real model on the dev set: every metric within 0.005 of the default backend's (vectors reused)."""
    root = tmp_path_factory.mktemp("pg-real")
    shutil.copytree(real_index, root / "index")
    stats = KnowledgeBase.sync([real_index.parent / "corpus"], root / "index", model="m3e-small", backend="postgres")
    assert stats.embedded == 0
    kbs = {"faiss": KnowledgeBase.open(real_index, model="m3e-small"),
           "postgres": KnowledgeBase.open(root / "index", model="m3e-small")}
    qs = evaluate.load_questions(dev_path)
    got = {name: evaluate.evaluate(qs, lambda q, kb=kb: evaluate.result_texts(kb.ask(q, k=10)), k=10).to_json(0, 0, 0)
           for name, kb in kbs.items()}
    print({n: {k: got[n][k] for k in ("hit@1", "hit@5", "mrr@10", "answer_hit")} for n in got})
    for key in ("hit@1", "hit@5", "mrr@10", "answer_hit"):
        assert abs(got["postgres"][key] - got["faiss"][key]) <= 0.005, (key, got)


def test_a_dsn_libpq_cannot_read_is_one_line_and_the_advised_form_works(pg_dsn, tmp_path):
    """KB_PG_DSN copied with its quotes (`"'host=…'"`) is refused in one line showing the form to write; written as
    advised (`make pg`'s last line: export KB_PG_DSN='…', the shell strips the quotes), the same command works."""
    _corpus(tmp_path)
    env = {**os.environ, "KB_MODEL": "hash", "KB_BACKEND": "postgres"}
    env.pop("KB_INDEX", None)
    r = subprocess.run(KB + ["ingest", "corpus"], env={**env, "KB_PG_DSN": f"'{pg_dsn}'"}, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "is not a libpq connection string" in r.stderr and "export KB_PG_DSN='host=" in r.stderr
    advised = subprocess.run(["bash", "-c", f"export KB_PG_DSN='{pg_dsn}'; {' '.join(KB)} ingest corpus"],
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert advised.returncode == 0, advised.stderr
