"""A sentence-transformers model run by torch on the CPU (KB_RUNTIME=torch; the ONNX export falls back to it)."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from ..errors import ModelUnavailable
from ..query import MAX_QUERY_CHARS



class STEmbedder:
    """A sentence-transformers model on the CPU, loaded once; thread-safe encoding."""

    def __init__(self, model_id: str, location: str, query_prefix: str = "", passage_prefix: str = ""):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:  # pragma: no cover
            raise ModelUnavailable("install sentence-transformers to embed text") from None
        if Path(location).exists():          # a local model never needs the hub
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            self.model = SentenceTransformer(location, device="cpu")
        except Exception as e:  # noqa: BLE001 — any loader failure becomes one line for the user
            raise ModelUnavailable(f"cannot load embedding model {model_id!r}: {str(e).splitlines()[0][:200]}") from None
        self.model_id = model_id
        self.dim = int(self.model.get_embedding_dimension() if hasattr(self.model, "get_embedding_dimension")
                       else self.model.get_sentence_embedding_dimension())
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self._lock = threading.Lock()

    def encode_passages(self, texts, batch_size: int = 32, progress=None) -> np.ndarray:
        texts = [self.passage_prefix + t for t in texts]
        out = []
        for i in range(0, len(texts), batch_size):
            with self._lock:
                out.append(self.model.encode(texts[i:i + batch_size], normalize_embeddings=True,
                                             convert_to_numpy=True, show_progress_bar=False))
            if progress:
                progress(min(1.0, (i + batch_size) / max(len(texts), 1)))
        if not out:
            return np.zeros((0, self.dim), np.float32)
        return np.concatenate(out).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self.model.encode([self.query_prefix + text[:MAX_QUERY_CHARS]], normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return v[0].astype(np.float32)
