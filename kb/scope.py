"""A search limited to some documents, ranked with those documents' own statistics (issue 23, item 5).

An index of many documents holds one BM25 index and one vocabulary over all of them: a word's idf, each field's
average length and best score (the coverage ceilings), and the words nearest a question in meaning all depend on
which other documents are indexed. A question asked of one document (`doc=`, `kb ask --doc`, 按文件筛选, each
column of 按文件对照) is ranked and judged here with statistics over that document's passages only, exactly as
an index of that document alone would: BM25 of the four lexical fields (bm25s over the same tokens), the `nearby`
words (only the document's own words, with their BM25 weights over its passages) and the idf the verdict reads.
Built in-process from the passages every backend holds, once per set of documents (KnowledgeBase caches it).
"""
from __future__ import annotations

import numpy as np

from ingest.records import Passage

from .config import IndexCfg
from .store.faiss import Lexical
from .store.signals import Vocabulary


class Scope:
    """The statistics of a set of documents within an index: `rows` are their passages (index order), `mask` the
    same as a full-length boolean array; `lexical` and `vocabulary` are built over those passages alone (their
    row r is the index's passage rows[r])."""

    def __init__(self, docs: frozenset[str], rows: np.ndarray, n_total: int, lexical: Lexical,
                 vocabulary: Vocabulary | None):
        self.docs, self.rows, self.n_total = docs, rows, n_total
        self.mask = np.zeros(n_total, dtype=bool)
        self.mask[rows] = True
        self.lexical, self.vocabulary = lexical, vocabulary

    @classmethod
    def build(cls, docs: frozenset[str], passages: list[Passage], vocabulary: Vocabulary | None,
              cfg: IndexCfg) -> "Scope":
        """The scope of `docs` among the index's passages; `vocabulary` is the index's (its word vectors are
        reused: a document's words are a subset of the index's words)."""
        rows = np.asarray([i for i, p in enumerate(passages) if p.doc_id in docs], dtype=np.int64)
        mine = [passages[i] for i in rows]
        return cls(docs, rows, len(passages), Lexical.build(mine, cfg), _restricted(vocabulary, mine, cfg))

    def _full(self, part: np.ndarray, fill: float = 0.0) -> np.ndarray:
        out = np.full(self.n_total, fill, dtype=np.float32)
        out[self.rows] = part
        return out

    def lexical_scores(self, words: list[str], bigrams: list[str]) -> dict[str, np.ndarray]:
        """The four lexical signals (query coverage), full-length, 0 outside the scope."""
        part = self.lexical.scores(words, bigrams, self.rows.size, coverage=True)
        return {name: self._full(s) for name, s in part.items()}

    def nearby(self, qvec: np.ndarray, k: int, query_text: str) -> np.ndarray:
        """The `nearby` signal over the scope's own words, full-length, 0 outside the scope."""
        return self._full(self.vocabulary.scores(qvec, k, query_text, self.rows.size))


def _restricted(vocabulary: Vocabulary | None, passages: list[Passage], cfg: IndexCfg) -> Vocabulary | None:
    """The vocabulary an index of these passages alone would hold: their words, BM25 weights over them (so the
    idf, the ceilings and the words nearest a question are theirs), the vectors taken from the whole index's."""
    if vocabulary is None:
        return None
    words, indptr, rows, weights = Vocabulary.postings(passages, cfg.bm25_k1, cfg.bm25_b)
    at = {w: i for i, w in enumerate(vocabulary.words)}
    keep = [j for j, w in enumerate(words) if w in at]
    if len(keep) < len(words):          # an index tokenised otherwise (older ingest code): keep the shared words
        words = [words[j] for j in keep]
        parts = [(rows[indptr[j]:indptr[j + 1]], weights[indptr[j]:indptr[j + 1]]) for j in keep]
        indptr = np.cumsum([0] + [r.size for r, _ in parts]).astype(np.int64)
        rows = np.concatenate([r for r, _ in parts]) if parts else np.zeros(0, dtype=np.int32)
        weights = np.concatenate([w for _, w in parts]) if parts else np.zeros(0, dtype=np.float32)
    vectors = vocabulary.vectors[[at[w] for w in words]] if words else vocabulary.vectors[:0]
    return Vocabulary(words, vectors, indptr, rows, weights, len(passages))
