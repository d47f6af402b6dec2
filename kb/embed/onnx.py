"""Run the configured sentence-transformers model through ONNX Runtime: exported once, cached, a few ms per query instead of ~100 ms of torch overhead (README)."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

from ..config import environment
from ..query import MAX_QUERY_CHARS
from ..errors import ModelUnavailable

MAX_TOKENS = 512


def _threads() -> int:
    """Threads per session: up to 4 cores, or OMP_NUM_THREADS where set (Ray sets it to a worker's CPUs: two
    workers on two cores must not each run two threads)."""
    try:
        n = int(os.environ.get("OMP_NUM_THREADS") or 0)
    except ValueError:
        n = 0
    return max(1, min(4, n or os.cpu_count() or 1))


def cache_dir() -> Path:
    return environment().cache / "onnx"


def _key(model_id: str, location: str) -> str:
    h = hashlib.sha256(f"{model_id}\x00{location}".encode())
    p = Path(location)
    if p.is_dir():
        for f in sorted(p.iterdir()):
            if f.is_file():
                h.update(f"{f.name}:{f.stat().st_size}".encode())
    return f"{Path(model_id).name}-{h.hexdigest()[:12]}"


def export(st_model, target: Path) -> dict:
    """Export the whole sentence-transformers pipeline (encoder + pooling) + L2 normalisation to ONNX."""
    import torch

    tok = st_model.tokenizer
    names = [n for n in ("input_ids", "attention_mask", "token_type_ids") if n in tok.model_input_names]

    class Pipeline(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *tensors):
            out = self.m(dict(zip(names, tensors)))["sentence_embedding"]
            return torch.nn.functional.normalize(out, dim=-1)

    sample = tok(["示例文本"], return_tensors="pt")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".onnx", dir=target.parent)
    os.close(fd)
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Pipeline(st_model).eval(), tuple(sample[n] for n in names), tmp,
                              input_names=names, output_names=["embedding"],
                              dynamic_axes={**{n: {0: "batch", 1: "tokens"} for n in names}, "embedding": {0: "batch"}},
                              opset_version=17, dynamo=False)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    meta = {"inputs": names, "dim": int(st_model.get_embedding_dimension() if hasattr(st_model, "get_embedding_dimension")
                                         else st_model.get_sentence_embedding_dimension()),
            "max_tokens": int(min(st_model.max_seq_length or MAX_TOKENS, MAX_TOKENS))}
    target.with_suffix(".json").write_text(json.dumps(meta), encoding="utf-8")
    return meta


class FastTokenizer:
    """The model's tokenizer.json through the `tokenizers` library alone: the same ids as transformers'
    AutoTokenizer, without importing transformers (which imports torch: ~1 s and ~300 MB per process)."""

    def __init__(self, tok, fallback=None, max_tokens: int = MAX_TOKENS):
        self.tok, self.fallback, self.max_tokens = tok, fallback, max_tokens

    @classmethod
    def load(cls, location: str, max_tokens: int) -> "FastTokenizer":
        path = Path(location) / "tokenizer.json"
        if path.is_file():
            try:
                from tokenizers import Tokenizer
                tok = Tokenizer.from_file(str(path))
                pad_id = tok.token_to_id("[PAD]")
                if pad_id is not None:
                    tok.enable_truncation(max_tokens)
                    tok.enable_padding(pad_id=pad_id, pad_token="[PAD]")
                    return cls(tok, None, max_tokens)
            except Exception:  # noqa: BLE001 — an unusual tokenizer file: transformers reads it
                pass
        from transformers import AutoTokenizer
        return cls(None, AutoTokenizer.from_pretrained(location), max_tokens)

    def __call__(self, texts: list[str]) -> dict[str, np.ndarray]:
        if self.fallback is not None:
            enc = self.fallback(texts, padding=True, truncation=True, max_length=self.max_tokens,
                                return_tensors="np")
            return {k: np.asarray(v) for k, v in enc.items()}
        encs = self.tok.encode_batch(texts)
        return {"input_ids": np.array([e.ids for e in encs], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encs], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encs], dtype=np.int64)}


class OnnxEmbedder:
    """Same vectors as the sentence-transformers model (cosine 1.0 to 6 places), served by onnxruntime."""

    def __init__(self, model_id: str, location: str, query_prefix: str = "", passage_prefix: str = ""):
        try:
            import onnxruntime as ort
        except ImportError:
            raise ModelUnavailable("install onnxruntime to use the onnx backend (or set KB_RUNTIME=torch)") from None
        path = cache_dir() / f"{_key(model_id, location)}.onnx"
        meta_path = path.with_suffix(".json")
        if not (path.exists() and meta_path.exists()):
            from sentence_transformers import SentenceTransformer
            export(SentenceTransformer(location, device="cpu"), path)
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        so = ort.SessionOptions()
        so.intra_op_num_threads = _threads()
        self.session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        self.inputs = meta["inputs"]
        self.max_tokens = meta["max_tokens"]
        self.tokenizer = FastTokenizer.load(location, self.max_tokens)
        self.dim = meta["dim"]
        self.model_id = model_id
        self.query_prefix, self.passage_prefix = query_prefix, passage_prefix
        self.onnx_path = path
        self._lock = threading.Lock()

    def _run(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer(texts)
        feeds = {n: enc[n].astype(np.int64) for n in self.inputs}
        return self.session.run(None, feeds)[0].astype(np.float32)

    def encode_passages(self, texts, batch_size: int = 16, progress=None) -> np.ndarray:
        texts = [self.passage_prefix + t for t in texts]
        # sort by length so each batch pads little; restore the order afterwards
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b:b + batch_size]
            out[idx] = self._run([texts[i] for i in idx])
            if progress:
                progress(min(1.0, (b + batch_size) / max(len(texts), 1)))
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([self.query_prefix + text[:MAX_QUERY_CHARS]])[0]
