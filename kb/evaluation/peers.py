"""The five baseline retrievers of the evaluation README (grep, bm25, dense-chunk, dense-para, hybrid-rrf)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .metrics import normalise

__all__ = [
    "Peer",
    "GrepPeer",
    "BM25Peer",
    "DensePeer",
    "RRFPeer",
    "build_peers",
    "raw_lines",
    "raw_chunks",
]


class Peer(Protocol):
    name: str

    def search(self, query: str, k: int = 10) -> list[str]: ...


def raw_lines(raw_text: str) -> list[str]:
    """The non-empty lines of the raw corpus text, stripped."""
    return [ln.strip() for ln in raw_text.splitlines() if ln.strip()]


def raw_chunks(raw_text: str, size: int = 250, overlap: int = 50) -> list[str]:
    """Fixed-size character windows over the raw text (the common RAG default)."""
    step = size - overlap
    out = []
    for start in range(0, max(len(raw_text) - overlap, 1), step):
        chunk = raw_text[start:start + size]
        if chunk.strip():
            out.append(chunk)
    return out


def _bigrams(s: str) -> set[str]:
    """Distinct character bigrams of the text with whitespace and punctuation removed (the matching rule's normalise)."""
    s = normalise(s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


@dataclass
class GrepPeer:
    """Rank raw lines by the number of distinct character bigrams they share with the query (ties: reading order)."""

    lines: list[str]
    name: str = "grep"
    _grams: list[set[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._grams = [_bigrams(ln) for ln in self.lines]

    def search(self, query: str, k: int = 10) -> list[str]:
        q = _bigrams(query)
        if not q:
            return []
        scores = [len(q & g) for g in self._grams]
        order = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], i))
        return [self.lines[i] for i in order[:k]]


def _jieba_tokens(text: str) -> list[str]:
    import jieba

    return [t for t in jieba.lcut_for_search(text) if t.strip() and any(ch.isalnum() for ch in t)]


@dataclass
class BM25Peer:
    """jieba `lcut_for_search` tokens, BM25 (bm25s defaults) over raw lines."""

    lines: list[str]
    name: str = "bm25"
    _bm25: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import bm25s

        import jieba

        jieba.setLogLevel(logging.WARNING)
        self._bm25 = bm25s.BM25()
        self._bm25.index([_jieba_tokens(ln) or ["\u2205"] for ln in self.lines], show_progress=False)
        self._vocab = set(self._bm25.vocab_dict)

    def ranked(self, query: str, k: int = 10) -> list[int]:
        toks = [t for t in _jieba_tokens(query) if t in self._vocab]
        if not toks:
            return []
        scores = self._bm25.get_scores(toks)
        order = np.argsort(-scores, kind="stable")[:k]
        return [int(i) for i in order if scores[i] > 0]

    def search(self, query: str, k: int = 10) -> list[str]:
        return [self.lines[i] for i in self.ranked(query, k)]


@dataclass
class DensePeer:
    """A sentence-transformers model over the given texts, exact inner product on normalised vectors (FAISS)."""

    texts: list[str]
    model: Any
    name: str = "dense"
    batch_size: int = 64
    _index: Any = field(init=False, repr=False)

    def __post_init__(self) -> None:
        import faiss

        emb = self.encode(self.texts)
        self._index = faiss.IndexFlatIP(emb.shape[1])
        self._index.add(emb)

    def encode(self, texts: list[str]) -> np.ndarray:
        emb = self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(emb, dtype=np.float32)

    def ranked(self, query: str, k: int = 10) -> list[int]:
        if not query.strip():
            return []
        _, idx = self._index.search(self.encode([query]), min(k, len(self.texts)))
        return [int(i) for i in idx[0] if i >= 0]

    def search(self, query: str, k: int = 10) -> list[str]:
        return [self.texts[i] for i in self.ranked(query, k)]


@dataclass
class RRFPeer:
    """Reciprocal rank fusion of a BM25 and a dense ranking over the same raw lines."""

    lines: list[str]
    bm25: BM25Peer
    dense: DensePeer
    name: str = "hybrid-rrf"
    rrf_k: int = 60
    depth: int | None = None  # how deep each ranking is fused; None = every line

    def search(self, query: str, k: int = 10) -> list[str]:
        depth = self.depth or len(self.lines)
        fused: dict[int, float] = {}
        for ranking in (self.bm25.ranked(query, depth), self.dense.ranked(query, depth)):
            for r, i in enumerate(ranking, start=1):
                fused[i] = fused.get(i, 0.0) + 1.0 / (self.rrf_k + r)
        order = sorted(fused, key=lambda i: (-fused[i], i))
        return [self.lines[i] for i in order[:k]]


def build_peers(raw_text: str, model: Any = None) -> list[Peer]:
    """The README's peers over the raw corpus text; with model=None only grep and bm25 (no embeddings)."""
    lines = raw_lines(raw_text)
    grep = GrepPeer(lines)
    bm25 = BM25Peer(lines)
    if model is None:
        return [grep, bm25]
    chunk = DensePeer(raw_chunks(raw_text), model, name="dense-chunk")
    para = DensePeer(lines, model, name="dense-para")
    return [grep, bm25, chunk, para, RRFPeer(lines, bm25, para)]
