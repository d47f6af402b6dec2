"""Stores behind one interface: the embedded FAISS + bm25s default, Milvus (kb/milvus_store.py) and PostgreSQL
(kb/pg_store.py)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.records import Passage

from .config import Config
from .errors import BackendUnavailable, IndexCorrupt
from .signals import Dense, Lexical

SIGNALS = ("dense", "words", "bigrams", "titles", "section")


class Store(Protocol):
    """What KnowledgeBase needs from a backend. Passage i of the index is row i of every store."""
    name: str
    kind: str                                   # index type, e.g. "flat", "hnsw", "milvus-hnsw"

    def save(self, folder: Path) -> None: ...

    def signals(self, qvec: np.ndarray, words: list[str], bigrams: list[str], n: int,
                candidates: int, allowed: np.ndarray | None) -> dict[str, np.ndarray]:
        """Full-length score arrays, one per name in SIGNALS (higher is better; -inf/0 when absent)."""


class FaissStore:
    """Embedded default: exact FAISS (HNSW past a measured size) and bm25s, all plain files in the index folder."""
    name = "faiss"

    def __init__(self, dense: Dense, lexical: Lexical):
        self.dense, self.lexical = dense, lexical
        self.kind = dense.kind

    @classmethod
    def build(cls, passages: list[Passage], vectors: np.ndarray, config: Config, folder_hint=None) -> "FaissStore":
        return cls(Dense.build(vectors, config.index), Lexical.build(passages))

    def save(self, folder: Path) -> None:
        self.dense.save(folder)
        self.lexical.save(folder)

    @classmethod
    def load(cls, folder: Path, config: Config, n: int, manifest: dict) -> "FaissStore":
        try:
            dense = Dense.load(folder, config.index)
            lexical = Lexical.load(folder)
        except Exception as e:  # noqa: BLE001 — any unreadable index file means the same thing to a user
            raise IndexCorrupt(f"{folder} is damaged ({type(e).__name__}): rebuild it with `kb ingest corpus`") from None
        if dense.index.ntotal != n or lexical.section_of.shape[0] != n:
            raise IndexCorrupt(f"{folder}/dense.faiss holds {dense.index.ntotal} vectors for {n}"
                               " passages: rebuild it with `kb ingest corpus`")
        return cls(dense, lexical)

    def signals(self, qvec, words, bigrams, n, candidates, allowed=None):
        out = {"dense": self.dense.scores(qvec, n, candidates)}
        out.update(self.lexical.scores(words, bigrams, n, coverage=True))
        return out


ALIASES = {"pg": "postgres", "postgresql": "postgres"}


def backend_name(name: str | None = None, recorded: str | None = None) -> str:
    """The backend asked for (argument, then KB_BACKEND), else the one the index folder recorded, else faiss."""
    name = (name or os.environ.get("KB_BACKEND") or recorded or "faiss").lower()
    return ALIASES.get(name, name)


def store_class(name: str):
    if name == "faiss":
        return FaissStore
    if name == "milvus":
        try:
            from .milvus_store import MilvusStore
        except ImportError as e:
            raise BackendUnavailable(f"the milvus backend needs pymilvus (and milvus-lite for a local path):"
                                     f" pip install pymilvus milvus-lite ({e})") from None
        return MilvusStore
    if name == "postgres":
        try:
            from .pg_store import PgStore
        except ImportError as e:
            raise BackendUnavailable(f"the postgres backend needs psycopg 3, psycopg-pool and pgvector:"
                                     f" pip install 'psycopg[binary,pool]' pgvector ({e})") from None
        return PgStore
    raise BackendUnavailable(f"unknown backend {name!r}: use KB_BACKEND=faiss, milvus or postgres")
