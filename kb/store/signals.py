"""What every backend indexes the same way: the text each passage is embedded as, its sentences (the sentence-level
dense signal, plain files in the index folder for every backend) and the token lists of the four lexical fields."""
from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from ingest import tokenize
from ingest.records import Passage


log = logging.getLogger(__name__)


def embed_text(p: Passage) -> str:
    """What the dense model sees: the heading path as context, then the verbatim passage."""
    return f"{p.heading_path}\n{p.text}"


def cosines(vectors: np.ndarray, qvec: np.ndarray) -> np.ndarray:
    """vectors · qvec (unit vectors: cosines) in numpy's own loop, not BLAS: right after onnxruntime encoded the
    query its threads still spin, and a multi-threaded BLAS product competes with them (3934 words: 2.6 ms with
    BLAS, 0.27 ms without, measured on 2 cores)."""
    return np.einsum("ij,j->i", vectors, qvec.astype(np.float32, copy=False))


MIN_SENTENCE = 6          # characters: a shorter last piece says too little to embed alone
GLUE_BELOW = 20           # characters: a shorter sentence is embedded together with the next one


def unit_spans(p: Passage) -> list[tuple[int, int]]:
    """Where a passage's sentence units lie in its text ([start, end) offsets, in order); none for an indicator
    row (one unit already). A lead phrase (铜材料深加工。) or a short sentence is read with the next one, as
    answers are: alone it would match every question naming the topic."""
    from ingest import reads_with_next, sentences
    if p.kind == "row":
        return []
    out, start = [], None
    spans = sentences(p.text)
    for k, (a, b) in enumerate(spans):
        a = a if start is None else start
        if k + 1 < len(spans) and reads_with_next(p.text, (a, b), GLUE_BELOW, p.lead):
            start = a
            continue
        start = None
        if b - a >= MIN_SENTENCE:
            out.append((a, b))
    return out


def sentence_units(passages: list[Passage]) -> tuple[list[str], np.ndarray]:
    """The sentences of the text passages, and the passage each is in: embedded one by one they give the
    sentence-level dense signal (rows sorted by passage)."""
    texts, owner = [], []
    for i, p in enumerate(passages):
        for a, b in unit_spans(p):
            texts.append(p.text[a:b])
            owner.append(i)
    return texts, np.asarray(owner, dtype=np.int32)


RESTATEMENTS = "restatements.npy"


class Sentences:
    """Sentence-level dense signal: a passage scores its best sentence's cosine with the query. A question
    phrased like one sentence of a long paragraph finds it even when the paragraph as a whole reads otherwise.
    Plain files in the index folder for every backend: sentences.npy (vectors), sentence_of.npy (passage), and
    where the index has them restatements.npy: the same sentences embedded by the restatement model (kb/embed/e5.py),
    which 对照 reads."""

    def __init__(self, vectors: np.ndarray, owner: np.ndarray, second: np.ndarray | None = None):
        self.vectors, self.owner, self.second = vectors, owner, second

    def save(self, folder: Path) -> None:
        np.save(folder / "sentences.npy", self.vectors.astype(np.float32))
        np.save(folder / "sentence_of.npy", self.owner.astype(np.int32))
        if self.second is not None:
            np.save(folder / RESTATEMENTS, self.second.astype(np.float32))

    @classmethod
    def load(cls, folder: Path, n_passages: int, dim: int, second_dim: int | None = None) -> "Sentences":
        """second_dim: the restatement vectors' dimension where the manifest records them (else none are read)."""
        vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        owner = np.load(folder / "sentence_of.npy", allow_pickle=False)
        if vectors.ndim != 2 or vectors.shape[1] != dim or owner.shape != (vectors.shape[0],) or (
                owner.size and (owner.min() < 0 or owner.max() >= n_passages)):
            raise ValueError(f"sentences.npy {vectors.shape} / sentence_of.npy {owner.shape} do not fit"
                             f" {n_passages} passages of dimension {dim}")
        second = None
        if second_dim is not None:
            second = np.load(folder / RESTATEMENTS, allow_pickle=False)
            if second.shape != (vectors.shape[0], second_dim):
                raise ValueError(f"{RESTATEMENTS} {second.shape} does not fit {vectors.shape[0]} sentences"
                                 f" of dimension {second_dim}")
        return cls(vectors, owner, second)

    def rows(self, i: int) -> slice:
        """Where passage i's sentences are among the rows."""
        return slice(int(np.searchsorted(self.owner, i, "left")), int(np.searchsorted(self.owner, i, "right")))

    def of_passage(self, i: int, p: Passage, qvec: np.ndarray) -> list[tuple[int, int, float]]:
        """Passage i's sentence units with their cosine to the query: (start, end, cosine) in text order."""
        rows = self.rows(i)
        spans = unit_spans(p)
        if len(spans) != rows.stop - rows.start:   # vectors of another segmentation: no sentence scores
            return []
        cos = cosines(self.vectors[rows], qvec)
        return [(s, e, float(c)) for (s, e), c in zip(spans, cos)]

    def best_pairs(self, mine: np.ndarray, n_total: int, second: bool = False) -> np.ndarray:
        """Full-length array: for each passage, the best cosine between one of its sentences and one of `mine`
        (another passage's sentence vectors; `second`: restatement vectors, compared with the stored ones); -inf for
        a passage without sentences."""
        best = np.full(n_total, -np.inf, dtype=np.float32)
        stored = self.second if second else self.vectors
        if self.owner.size and mine.size:
            np.maximum.at(best, self.owner, (stored @ mine.T.astype(np.float32)).max(axis=1))
        return best

    def scores(self, qvec: np.ndarray, n_total: int) -> np.ndarray:
        """Full-length array: each passage's best sentence cosine, -inf for a passage without sentences."""
        best = np.full(n_total, -np.inf, dtype=np.float32)
        if self.owner.size:
            np.maximum.at(best, self.owner, cosines(self.vectors, qvec))
        return best


def title_text(p: Passage) -> str:
    return " ".join(x for x in (p.section_title or p.chapter_title, p.subheading, p.box_title, p.lead) if x)


def sections(passages: list[Passage], words: list[list[str]]) -> tuple[list[list[str]], np.ndarray]:
    """Group passages by (document, chapter, section): the parent context each passage inherits (its title's
    words, then each passage's `words`)."""
    keys: dict[tuple, int] = {}
    of = np.zeros(len(passages), dtype=np.int32)
    out: list[list[str]] = []
    for i, p in enumerate(passages):
        k = (p.doc_id, p.chapter, p.section)
        if k not in keys:
            keys[k] = len(out)
            out.append(tokenize.words(p.section_title or p.chapter_title))
        of[i] = keys[k]
        out[keys[k]] += words[i]
    return out, of


def corpora(passages: list[Passage]) -> tuple[dict[str, list[list[str]]], np.ndarray]:
    """The token lists each field indexes (every backend indexes these), and passage → section document."""
    words = [tokenize.words(p.text) for p in passages]          # once: the words field and the sections share them
    section_words, section_of = sections(passages, words)
    return {
        "words": [w or ["∅"] for w in words],
        "bigrams": [tokenize.bigrams(p.text) or ["∅"] for p in passages],
        "titles": [tokenize.words(title_text(p)) or ["∅"] for p in passages],
        "section": [w or ["∅"] for w in section_words],
    }, section_of


VOCABULARY_FILES = ("vocabulary.json", "vocabulary.npy", "vocabulary_postings.npz")


def _vocabulary_word(w: str, stop: frozenset[str]) -> bool:
    return len(w) >= 2 and w not in stop and not any(c.isdigit() or c.isspace() for c in w)


class Vocabulary:
    """The documents' own words, each embedded, with where it occurs: the `nearby` signal. A question worded
    unlike the text (车没地方放 for 停车场) is embedded, the document words nearest to it in meaning are taken, and
    passages score their BM25 over those words, as query coverage (0..1). Nothing is typed in by hand: the words
    and their neighbourhoods come from the corpus and the embedding model. Plain files in the index folder for every
    backend: vocabulary.json (words), vocabulary.npy (their vectors), vocabulary_postings.npz (word → passages)."""

    def __init__(self, words: list[str], vectors: np.ndarray, indptr: np.ndarray, rows: np.ndarray,
                 weights: np.ndarray, n_passages: int):
        self.words, self.vectors = words, vectors
        self.indptr, self.rows, self.weights = indptr, rows, weights
        self.n_passages = n_passages
        self._df: dict[str, int] | None = None
        self.ceiling = np.zeros(len(words), dtype=np.float32)      # a word's best BM25 in any passage
        nonempty = np.diff(indptr) > 0
        if weights.size:
            self.ceiling[nonempty] = np.maximum.reduceat(weights, indptr[:-1][nonempty])

    @staticmethod
    def postings(passages: list[Passage], k1: float, b: float
                 ) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The vocabulary (words of two characters or more, no figures, no stop words) and, per word, the passages
        it occurs in with its BM25 weight there (bm25s' formula and parameters, over the same jieba tokens)."""
        from collections import Counter
        from ..query import stopwords
        stop = stopwords()
        docs = [Counter(tokenize.words(p.text)) for p in passages]
        lengths = np.array([sum(c.values()) for c in docs], dtype=np.float32)
        avg = float(lengths.mean()) if lengths.size else 1.0
        by_word: dict[str, list[tuple[int, int]]] = {}
        for i, c in enumerate(docs):
            for w, tf in c.items():
                if _vocabulary_word(w, stop):
                    by_word.setdefault(w, []).append((i, tf))
        words = sorted(by_word)
        n = len(passages)
        indptr, rows, weights = [0], [], []
        for w in words:
            occ = by_word[w]
            idf = np.log(1 + (n - len(occ) + 0.5) / (len(occ) + 0.5))
            for i, tf in occ:
                rows.append(i)
                weights.append(idf * tf / (tf + k1 * (1 - b + b * lengths[i] / max(avg, 1e-9))))
            indptr.append(len(rows))
        return (words, np.asarray(indptr, dtype=np.int64), np.asarray(rows, dtype=np.int32),
                np.asarray(weights, dtype=np.float32))

    def save(self, folder: Path) -> None:
        (folder / "vocabulary.json").write_text(json.dumps(self.words, ensure_ascii=False), encoding="utf-8")
        np.save(folder / "vocabulary.npy", self.vectors.astype(np.float32))
        np.savez(folder / "vocabulary_postings.npz", indptr=self.indptr, rows=self.rows, weights=self.weights)

    @classmethod
    def load(cls, folder: Path, n_passages: int, dim: int) -> "Vocabulary":
        words = json.loads((folder / "vocabulary.json").read_text(encoding="utf-8"))
        vectors = np.load(folder / "vocabulary.npy", allow_pickle=False)
        with np.load(folder / "vocabulary_postings.npz", allow_pickle=False) as z:
            indptr, rows, weights = z["indptr"], z["rows"], z["weights"]
        if (not isinstance(words, list) or vectors.ndim != 2 or vectors.shape != (len(words), dim)
                or indptr.shape != (len(words) + 1,) or rows.shape != weights.shape or indptr[-1] != rows.size
                or (rows.size and (rows.min() < 0 or rows.max() >= n_passages))):
            raise ValueError(f"vocabulary files ({len(words)} words, vectors {vectors.shape}, {rows.size} postings)"
                             f" do not fit {n_passages} passages of dimension {dim}")
        return cls(words, vectors, indptr, rows, weights, n_passages)

    def idf(self, word: str) -> float:
        """How rare a word is in the documents (BM25's idf over passages; a word they never use is the rarest)."""
        if self._df is None:
            self._df = dict(zip(self.words, np.diff(self.indptr).tolist()))
        n = self.n_passages
        return float(np.log(1 + (n - self._df.get(word, 0) + 0.5) / (self._df.get(word, 0) + 0.5)))

    def _nearest(self, qvec: np.ndarray, k: int, query_text: str) -> list[int]:
        if k <= 0 or not self.words:
            return []
        sims = cosines(self.vectors, qvec)
        m = min(len(self.words), 4 * k)
        order = np.argpartition(-sims, m - 1)[:m]
        order = order[np.argsort(-sims[order], kind="stable")]
        return [int(i) for i in order if self.words[i] not in query_text][:k]

    def nearest(self, qvec: np.ndarray, k: int, query_text: str) -> list[str]:
        """The k document words nearest to the query in meaning, leaving out those the query already says."""
        return [self.words[i] for i in self._nearest(qvec, k, query_text)]

    def scores(self, qvec: np.ndarray, k: int, query_text: str, n_total: int) -> np.ndarray:
        """Each passage's BM25 over the nearest words, divided by the best it could reach (query coverage)."""
        out = np.zeros(n_total, dtype=np.float32)
        ids = self._nearest(qvec, k, query_text)
        ceiling = float(sum(self.ceiling[i] for i in ids))
        if ceiling <= 0:
            return out
        for i in ids:
            a, b = self.indptr[i], self.indptr[i + 1]
            np.add.at(out, self.rows[a:b], self.weights[a:b])
        return out / ceiling
