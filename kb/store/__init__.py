"""Stores behind one interface: the embedded FAISS + bm25s default (faiss.py), Milvus (milvus.py) and PostgreSQL
(postgres.py). The index folder itself (generations, manifest, checksums) is folder.py and writer.py; what every
backend indexes the same way is signals.py."""
from __future__ import annotations

import importlib
import json

from pathlib import Path
from typing import Protocol

import numpy as np

from ingest.records import Passage

from ..config import Config, environment
from ..errors import BackendUnavailable, IndexCorrupt

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


# backend → (module of kb/store/, class, what to install when its client library is missing)
BACKENDS = {
    "faiss": ("faiss", "FaissStore", None),
    "milvus": ("milvus", "MilvusStore", "the milvus backend needs pymilvus (and milvus-lite for a local path):"
                                        " pip install pymilvus milvus-lite"),
    "postgres": ("postgres", "PgStore", "the postgres backend needs psycopg 3, psycopg-pool and pgvector:"
                                        " pip install 'psycopg[binary,pool]' pgvector"),
}


def store_class(name: str):
    if name not in BACKENDS:
        raise BackendUnavailable(f"unknown backend {name!r}: use KB_BACKEND=faiss, milvus or postgres")
    module, cls, needs = BACKENDS[name]
    try:
        mod = importlib.import_module(f"{__name__}.{module}")
    except ImportError as e:
        if needs is None:
            raise
        raise BackendUnavailable(f"{needs} ({e})") from None
    return getattr(mod, cls)


def write_meta(folder: Path, name: str, meta: dict) -> None:
    """A server backend's note in the generation folder: what names its data (URI, collections, schema)."""
    (Path(folder) / name).write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")


def read_meta(folder: Path, name: str, what: str, fix: str, required: tuple[str, ...] = ()) -> dict:
    """The note write_meta wrote, holding at least the `required` keys; IndexCorrupt (with the command that fixes
    it) when missing or damaged."""
    try:
        meta = json.loads((Path(folder) / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexCorrupt(f"{folder} has no {name} ({what}): {fix}") from None
    except (OSError, ValueError):
        raise IndexCorrupt(f"{folder}/{name} is damaged: {fix}") from None
    if not isinstance(meta, dict) or any(k not in meta for k in required):
        raise IndexCorrupt(f"{folder}/{name} is damaged: {fix}")
    return meta
