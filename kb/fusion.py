"""Combine per-signal scores into one ranking: weighted normalised scores or reciprocal rank fusion."""
from __future__ import annotations

import numpy as np

from .config import Fusion


def _top(scores: np.ndarray, n: int) -> np.ndarray:
    """The n best, best first; ties (passages of one section share its `section` score) go to the earlier passage,
    so a document's passages rank alike in an index of it alone and among others (argpartition picks any)."""
    n = min(n, scores.size)
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    if n < scores.size:
        nth = scores[np.argpartition(-scores, n - 1)[n - 1]]
        above = np.flatnonzero(scores > nth)
        idx = np.union1d(above, np.flatnonzero(scores == nth)[:n - above.size])
    else:
        idx = np.arange(scores.size)
    return idx[np.argsort(-scores[idx], kind="stable")]


def normalise(scores: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """Min-max over a signal's own candidates; 0 for everything else and for a flat signal."""
    out = np.zeros_like(scores, dtype=np.float32)
    if candidates.size == 0:
        return out
    vals = scores[candidates]
    hi, lo = float(vals.max()), float(vals.min())
    if hi <= 0 and lo <= 0:
        return out
    if hi - lo < 1e-9:
        out[candidates] = 1.0
        return out
    out[candidates] = (vals - lo) / (hi - lo)
    return out


def fuse(signals: dict[str, np.ndarray], cfg: Fusion, allowed: np.ndarray | None = None) -> np.ndarray:
    """signals: name → full score array (higher is better; -inf or 0 where absent)."""
    n = next(iter(signals.values())).size
    fused = np.zeros(n, dtype=np.float32)
    for name, scores in signals.items():
        w = float(getattr(cfg, name, 0.0))
        if w == 0:
            continue
        s = scores.astype(np.float32, copy=True)
        if allowed is not None:
            s[~allowed] = -np.inf
        s[~np.isfinite(s)] = -np.inf
        cosine = name in ("dense", "sentences")
        positive = s > (-np.inf if cosine else 0)
        cand = _top(np.where(positive, s, -np.inf), cfg.candidates)
        cand = cand[positive[cand]]
        if cfg.method == "rrf":
            fused[cand] += w / (cfg.rrf_k + np.arange(1, cand.size + 1))
        elif not cosine and cfg.lexical_norm == "coverage":
            # lexical scores arrive as query coverage in [0, 1]: a weak match stays weak
            out = np.zeros_like(fused)
            out[cand] = np.clip(s[cand], 0, 1)
            fused += w * out
        else:
            fused += w * normalise(np.where(positive, s, 0), cand)
    if allowed is not None:
        fused[~allowed] = -np.inf
    return fused


def top(scores: np.ndarray, k: int) -> list[int]:
    idx = _top(scores, k)
    return [int(i) for i in idx if np.isfinite(scores[i]) and scores[i] > 0]
