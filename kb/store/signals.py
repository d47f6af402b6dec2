"""What every backend indexes the same way: the text each passage is embedded as, its sentences (the sentence-level
dense signal, plain files in the index folder for every backend) and the token lists of the four lexical fields."""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from ingest import tokenize
from ingest.records import Passage


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

def corpora(passages: list[Passage]) -> tuple[dict[str, list[list[str]]], np.ndarray]:
    """The token lists each field indexes (every backend indexes these), and passage → section document."""
    section_words, section_of = sections(passages)
    return {
        "words": [tokenize.words(p.text) or ["∅"] for p in passages],
        "bigrams": [tokenize.bigrams(p.text) or ["∅"] for p in passages],
        "titles": [tokenize.words(title_text(p)) or ["∅"] for p in passages],
        "section": [w or ["∅"] for w in section_words],
    }, section_of
