"""The embedded default backend: exact FAISS (HNSW past a measured size) and bm25s, all plain files in the
index folder."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ingest.records import Passage

from ..config import Config, IndexCfg
from ..errors import IndexCorrupt
from .folder import fix, index_of
from .signals import corpora as token_lists

log = logging.getLogger(__name__)


class FaissStore:
    """Embedded default: exact FAISS (HNSW past a measured size) and bm25s, all plain files in the index folder."""
    name = "faiss"

    def __init__(self, dense: Dense, lexical: Lexical):
        self.dense, self.lexical = dense, lexical
        self.kind = dense.kind

    @classmethod
    def build(cls, passages: list[Passage], vectors: np.ndarray, config: Config, index_dir=None) -> "FaissStore":
        return cls(Dense.build(vectors, config.index), Lexical.build(passages, config.index))

    def save(self, folder: Path) -> None:
        self.dense.save(folder)
        self.lexical.save(folder)

    @classmethod
    def load(cls, folder: Path, config: Config, n: int, manifest: dict) -> "FaissStore":
        try:
            dense = Dense.load(folder, config.index)
            lexical = Lexical.load(folder)
        except Exception as e:  # noqa: BLE001 — any unreadable index file means the same thing to a user
            raise IndexCorrupt(f"{folder} is damaged ({type(e).__name__}): {fix(index_of(folder))}") from None
        if dense.index.ntotal != n or lexical.section_of.shape[0] != n:
            raise IndexCorrupt(f"{folder}/dense.faiss holds {dense.index.ntotal} vectors for {n}"
                               f" passages: {fix(index_of(folder))}")
        return cls(dense, lexical)

    def signals(self, qvec, words, bigrams, n, candidates, allowed=None):
        out = {"dense": self.dense.scores(qvec, n, candidates)}
        out.update(self.lexical.scores(words, bigrams, n, coverage=True))
        return out


class Dense:
    """Inner-product search over normalised vectors: exact (flat) up to a size, HNSW beyond it."""

    def __init__(self, index, kind: str, cfg: IndexCfg):
        self.index, self.kind, self.cfg = index, kind, cfg

    @classmethod
    def build(cls, vectors: np.ndarray, cfg: IndexCfg) -> "Dense":
        import faiss
        dim = vectors.shape[1]
        if vectors.shape[0] > cfg.exact_up_to:
            index = faiss.IndexHNSWFlat(dim, cfg.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = cfg.hnsw_ef_construction
            kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        if vectors.shape[0]:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        if kind == "hnsw":
            index.hnsw.efSearch = cfg.hnsw_ef_search
        return cls(index, kind, cfg)

    def save(self, folder: Path) -> None:
        import faiss
        faiss.write_index(self.index, str(folder / "dense.faiss"))

    @classmethod
    def load(cls, folder: Path, cfg: IndexCfg) -> "Dense":
        import faiss
        index = faiss.read_index(str(folder / "dense.faiss"))
        kind = "hnsw" if hasattr(index, "hnsw") else "flat"
        if kind == "hnsw":
            faiss.downcast_index(index).hnsw.efSearch = cfg.hnsw_ef_search
        return cls(index, kind, cfg)

    def scores(self, qvec: np.ndarray, n_total: int, candidates: int) -> np.ndarray:
        """Full-length array: cosine for the top candidates, -inf elsewhere."""
        out = np.full(n_total, -np.inf, dtype=np.float32)
        if n_total == 0:
            return out
        k = n_total if self.kind == "flat" and n_total <= self.cfg.exact_search_all_up_to \
            else min(candidates * self.cfg.overfetch, n_total)
        sims, ids = self.index.search(qvec.reshape(1, -1).astype(np.float32), k)
        ok = ids[0] >= 0
        out[ids[0][ok]] = sims[0][ok]
        return out


class Lexical:
    """Four bm25s indexes: jieba words of the text, character bigrams of the text, words of the titles, and the
    words of the passage's whole section (parent context)."""
    FIELDS = ("words", "bigrams", "titles", "section")

    def __init__(self, models: dict, section_of: np.ndarray):
        self.models = models
        self.section_of = section_of      # passage index → index of its section document

    @classmethod
    def build(cls, passages: list[Passage], cfg: IndexCfg) -> "Lexical":
        import bm25s
        corpora, section_of = token_lists(passages)
        models = {}
        for name, corpus in corpora.items():
            m = bm25s.BM25(k1=cfg.bm25_k1, b=cfg.bm25_b)
            if corpus:
                m.index(corpus, show_progress=False)
            models[name] = m
        return cls(models, section_of)

    def save(self, folder: Path) -> None:
        for name, m in self.models.items():
            m.save(str(folder / f"bm25_{name}"), show_progress=False)
        np.save(folder / "section_of.npy", self.section_of)

    @classmethod
    def load(cls, folder: Path) -> "Lexical":
        import bm25s
        return cls({name: bm25s.BM25.load(str(folder / f"bm25_{name}"), show_progress=False)
                    for name in cls.FIELDS}, np.load(folder / "section_of.npy"))

    def _ceiling(self, name: str, toks: list[str]) -> float:
        """The best score each query token reaches in any document, summed: what a passage holding
        every query term at its best would score. Dividing by it turns BM25 into query coverage."""
        cache = self.__dict__.setdefault("_token_max", {})
        m = self.models[name]
        if name not in cache:
            sc = m.scores
            data, indptr = np.asarray(sc["data"]), np.asarray(sc["indptr"])
            tmax = np.zeros(len(indptr) - 1, dtype=np.float32)
            nonempty = np.diff(indptr) > 0
            tmax[nonempty] = np.maximum.reduceat(data, indptr[:-1][nonempty]) if data.size else 0
            cache[name] = tmax
        vocab = m.vocab_dict
        return float(sum(cache[name][vocab[t]] for t in toks if t in vocab))

    def scores(self, words: list[str], bis: list[str], n_total: int, coverage: bool = False) -> dict[str, np.ndarray]:
        out = {}
        words = list(dict.fromkeys(words))
        bis = list(dict.fromkeys(bis))
        for name, toks in (("words", words), ("bigrams", bis), ("titles", words), ("section", words)):
            m = self.models[name]
            if n_total == 0 or not toks:
                out[name] = np.zeros(n_total, dtype=np.float32)
                continue
            scores = np.asarray(m.get_scores(toks), dtype=np.float32)
            if coverage:
                ceiling = self._ceiling(name, toks)
                scores = scores / ceiling if ceiling > 0 else scores * 0
            out[name] = scores[self.section_of] if name == "section" else scores
        return out
