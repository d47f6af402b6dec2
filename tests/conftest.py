"""Shared fixtures: the real outline, a fast index with the hash embedder, and (once) the real model's index."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import ingest
from kb import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
OUTLINE = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
DEV = ROOT / "eval" / "dev.jsonl"


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


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory) -> Path:
    """An index of the outline built with the deterministic hash embedder (no model weights, ~1 s)."""
    return build_index(tmp_path_factory, "hash", "hash")


@pytest.fixture(scope="session")
def hash_kb(hash_index) -> KnowledgeBase:
    return KnowledgeBase.open(hash_index, model="hash")


@pytest.fixture(scope="session", params=["faiss", "milvus"])
def any_kb(request, hash_kb, tmp_path_factory) -> KnowledgeBase:
    """The hash-embedder outline index on each backend: behaviour tests run on both."""
    if request.param == "faiss":
        return hash_kb
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
