"""A deterministic hash embedder: character n-grams hashed into a fixed dimension, no weights; for fast tests."""
from __future__ import annotations

import hashlib

import numpy as np

from ..query import MAX_QUERY_CHARS

HASH_MODEL = "hash"


class HashEmbedder:
    """Deterministic character-n-gram hashing into a fixed dimension: no weights, for fast tests."""

    def __init__(self, dim: int = 256):
        self.model_id = HASH_MODEL
        self.dim = dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = "".join(text.split())
        grams = [t[i:i + n] for n in (1, 2) for i in range(len(t) - n + 1)]
        for g in grams:
            h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def encode_passages(self, texts, batch_size: int = 32, progress=None) -> np.ndarray:
        out = np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
        if progress:
            progress(1.0)
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._vec(text[:MAX_QUERY_CHARS])
