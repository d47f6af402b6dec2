"""The retrieval signals of the embedded backend: FAISS dense vectors and bm25s over words, bigrams and titles."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ingest import tokenize
from ingest.records import Passage

from .config import IndexCfg

log = logging.getLogger(__name__)


def embed_text(p: Passage) -> str:
    """What the dense model sees: the heading path as context, then the verbatim passage."""
    return f"{p.heading_path}\n{p.text}"


MIN_SENTENCE = 6          # characters: a shorter last piece says too little to embed alone
GLUE_BELOW = 20           # characters: a shorter sentence is embedded together with the next one


def sentence_units(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """The sentences of the text passages (indicator rows are one unit already), and the passage each is in:
    embedded one by one they give the sentence-level dense signal."""
    from ingest import sentences
    texts, owner = [], []
    for i, p in enumerate(passages):
        if p.kind == "row":
            continue
        start = None
        spans = sentences(p.text)
        for k, (a, b) in enumerate(spans):
            a = a if start is None else start
            # a lead phrase (铜材料深加工。) or a short sentence is read with the next one, as answers are:
            # alone it would match every question naming the topic
            if k + 1 < len(spans) and (b - a < GLUE_BELOW or p.text[a:b].rstrip("。").strip() == (p.lead or "")):
                start = a
                continue
            start = None
            if b - a >= MIN_SENTENCE:
                texts.append(p.text[a:b])
                owner.append(i)
    return texts, np.asarray(owner, dtype=np.int32)


class Sentences:
    """Sentence-level dense signal: a passage scores its best sentence's cosine with the query. A question
    phrased like one sentence of a long paragraph finds it even when the paragraph as a whole reads otherwise.
    Plain files in the index folder for every backend: sentences.npy (vectors), sentence_of.npy (passage)."""

    def __init__(self, vectors: np.ndarray, owner: np.ndarray):
        self.vectors, self.owner = vectors, owner

    def save(self, folder: Path) -> None:
        np.save(folder / "sentences.npy", self.vectors.astype(np.float32))
        np.save(folder / "sentence_of.npy", self.owner.astype(np.int32))

    @classmethod
    def load(cls, folder: Path, n_passages: int, dim: int) -> "Sentences":
        vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        owner = np.load(folder / "sentence_of.npy", allow_pickle=False)
        if vectors.ndim != 2 or vectors.shape[1] != dim or owner.shape != (vectors.shape[0],) or (
                owner.size and (owner.min() < 0 or owner.max() >= n_passages)):
            raise ValueError(f"sentences.npy {vectors.shape} / sentence_of.npy {owner.shape} do not fit"
                             f" {n_passages} passages of dimension {dim}")
        return cls(vectors, owner)

    def scores(self, qvec: np.ndarray, n_total: int) -> np.ndarray:
        """Full-length array: each passage's best sentence cosine, -inf for a passage without sentences."""
        best = np.full(n_total, -np.inf, dtype=np.float32)
        if self.owner.size:
            np.maximum.at(best, self.owner, self.vectors @ qvec.astype(np.float32))
        return best


def title_text(p: Passage) -> str:
    return " ".join(x for x in (p.section_title or p.chapter_title, p.subheading, p.box_title, p.lead) if x)


class Dense:
    """Inner-product search over normalised vectors: exact (flat) up to a size, HNSW beyond it."""

    def __init__(self, index, kind: str):
        self.index, self.kind = index, kind

    @classmethod
    def build(cls, vectors: np.ndarray, cfg: IndexCfg) -> "Dense":
        import faiss
        dim = vectors.shape[1]
        if vectors.shape[0] > cfg.exact_up_to:
            index = faiss.IndexHNSWFlat(dim, cfg.hnsw_m, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            kind = "hnsw"
        else:
            index = faiss.IndexFlatIP(dim)
            kind = "flat"
        if vectors.shape[0]:
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        if kind == "hnsw":
            index.hnsw.efSearch = cfg.hnsw_ef_search
        return cls(index, kind)

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
        return cls(index, kind)

    def scores(self, qvec: np.ndarray, n_total: int, candidates: int) -> np.ndarray:
        """Full-length array: cosine for the top candidates, -inf elsewhere."""
        out = np.full(n_total, -np.inf, dtype=np.float32)
        if n_total == 0:
            return out
        k = n_total if self.kind == "flat" and n_total <= 20000 else min(candidates * 4, n_total)
        sims, ids = self.index.search(qvec.reshape(1, -1).astype(np.float32), k)
        ok = ids[0] >= 0
        out[ids[0][ok]] = sims[0][ok]
        return out


class Lexical:
    """Three bm25s indexes: jieba words of the text, character bigrams of the text, words of the titles."""
    FIELDS = ("words", "bigrams", "titles", "section")

    def __init__(self, models: dict, section_of: np.ndarray):
        self.models = models
        self.section_of = section_of      # passage index → index of its section document

    @staticmethod
    def sections(passages: list[Passage]) -> tuple[list[list[str]], np.ndarray]:
        """Group passages by (document, chapter, section): the parent context each passage inherits."""
        keys: dict[tuple, int] = {}
        of = np.zeros(len(passages), dtype=np.int32)
        words: list[list[str]] = []
        for i, p in enumerate(passages):
            k = (p.doc_id, p.chapter, p.section)
            if k not in keys:
                keys[k] = len(words)
                words.append(tokenize.words(p.section_title or p.chapter_title))
            of[i] = keys[k]
            words[keys[k]] += tokenize.words(p.text)
        return words, of

    @classmethod
    def corpora(cls, passages: list[Passage]) -> tuple[dict[str, list[list[str]]], np.ndarray]:
        """The token lists each field indexes (every backend indexes these), and passage → section document."""
        section_words, section_of = cls.sections(passages)
        return {
            "words": [tokenize.words(p.text) or ["∅"] for p in passages],
            "bigrams": [tokenize.bigrams(p.text) or ["∅"] for p in passages],
            "titles": [tokenize.words(title_text(p)) or ["∅"] for p in passages],
            "section": [w or ["∅"] for w in section_words],
        }, section_of

    @classmethod
    def build(cls, passages: list[Passage]) -> "Lexical":
        import bm25s
        corpora, section_of = cls.corpora(passages)
        models = {}
        for name, corpus in corpora.items():
            m = bm25s.BM25(k1=1.2, b=0.75)
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
