"""Stores behind one interface: the embedded FAISS + bm25s default (faiss.py), Milvus (milvus.py) and PostgreSQL
(postgres.py). The index folder itself (generations, manifest, checksums) is folder.py and writer.py; what every
backend indexes the same way is signals.py."""
from __future__ import annotations

from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.records import Passage

from ..config import Config, environment
from ..errors import BackendUnavailable

SIGNALS = ("dense", "words", "bigrams", "titles", "section")


class Store(Protocol):
    """What KnowledgeBase needs from a backend. Passage i of the index is row i of every store."""
    name: str
    kind: str                                   # index type, e.g. "flat", "hnsw", "milvus-hnsw"

    @classmethod
    def build(cls, passages: list[Passage], vectors: np.ndarray, config: Config, index_dir: Path | None = None) -> "Store":
        """Index the passages (row i = passage i); a server backend writes a new generation beside the served one."""

    @classmethod
    def load(cls, folder: Path, config: Config, n: int, manifest: dict) -> "Store":
        """The store of a generation folder holding n passages; IndexCorrupt (with the command to run) if unusable."""

    def save(self, folder: Path) -> None:
        """Write the store's files (or, for a server, what names its data) into the generation folder."""

    def signals(self, qvec: np.ndarray, words: list[str], bigrams: list[str], n: int,
                candidates: int, allowed: np.ndarray | None) -> dict[str, np.ndarray]:
        """Full-length score arrays, one per name in SIGNALS (higher is better; -inf/0 when absent)."""


ALIASES = {"pg": "postgres", "postgresql": "postgres"}


def backend_name(name: str | None = None, recorded: str | None = None) -> str:
    """The backend asked for (argument, then KB_BACKEND), else the one the index folder recorded, else faiss."""
    name = (name or environment().backend or recorded or "faiss").lower()
    return ALIASES.get(name, name)


def store_class(name: str):
    if name == "faiss":
        from .faiss import FaissStore
        return FaissStore
    if name == "milvus":
        try:
            from .milvus import MilvusStore
        except ImportError as e:
            raise BackendUnavailable(f"the milvus backend needs pymilvus (and milvus-lite for a local path):"
                                     f" pip install pymilvus milvus-lite ({e})") from None
        return MilvusStore
    if name == "postgres":
        try:
            from .postgres import PgStore
        except ImportError as e:
            raise BackendUnavailable(f"the postgres backend needs psycopg 3, psycopg-pool and pgvector:"
                                     f" pip install 'psycopg[binary,pool]' pgvector ({e})") from None
        return PgStore
    raise BackendUnavailable(f"unknown backend {name!r}: use KB_BACKEND=faiss, milvus or postgres")
