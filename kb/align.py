"""Order-keeping one-to-one alignment of two sequences, and how alike two texts are: what `kb diff` aligns with."""
from __future__ import annotations

import bisect
import re
from typing import Callable

_SPACE = re.compile(r"\s+")


def norm(text: str) -> str:
    """Text without its whitespace: a PDF's line breaks and a typist's spaces are no change."""
    return _SPACE.sub("", text)


def grams(norm: str) -> frozenset[str]:
    """The set of character bigrams of a normalised text (the text itself when shorter than two)."""
    return frozenset(norm[i:i + 2] for i in range(len(norm) - 1)) or frozenset([norm] if norm else [])


def similarity(a: str, b: str) -> float:
    """How alike two texts are (0..1): Dice of their character-bigram sets, whitespace ignored."""
    return dice(grams(norm(a)), grams(norm(b)))


def dice(a: frozenset, b: frozenset) -> float:
    """2|A∩B| / (|A| + |B|); two empty sets are alike."""
    if not a or not b:
        return float(a == b)
    return 2 * len(a & b) / (len(a) + len(b))


def pair(na: int, nb: int, exact: Callable[[int], object], exact_b: Callable[[int], object],
         score: Callable[[int, int], float | None]) -> dict[int, tuple[int, float]]:
    """A one-to-one pairing of A's items with B's: identical ones first (in order), then the most alike above
    their threshold (score None below it), nearer relative positions first among equals. {i: (j, score)}."""
    out: dict[int, tuple[int, float]] = {}
    queues: dict[object, list[int]] = {}
    for j in range(nb):
        queues.setdefault(exact_b(j), []).append(j)
    taken = set()
    for i in range(na):
        q = queues.get(exact(i))
        if q:
            j = q.pop(0)
            out[i] = (j, 1.0)
            taken.add(j)
    cands = []
    for i in range(na):
        if i in out:
            continue
        for j in range(nb):
            if j not in taken:
                s = score(i, j)
                if s is not None:
                    cands.append((-s, abs(i / max(na, 1) - j / max(nb, 1)), i, j))
    for neg, _, i, j in sorted(cands):
        if i not in out and j not in taken:
            out[i] = (j, -neg)
            taken.add(j)
    return out


def in_order(pairs: dict[int, tuple[int, float]]) -> set[int]:
    """The A items of the longest run of pairs that keeps its order in both versions; the others moved."""
    items = sorted((i, j) for i, (j, _) in pairs.items())
    tails, ends, prev, idx = [], [], [None] * len(items), []      # patience sorting
    for k, (_, j) in enumerate(items):
        pos = bisect.bisect_left(ends, j)
        if pos:
            prev[k] = tails[pos - 1]
        if pos == len(tails):
            tails.append(k)
            ends.append(j)
        else:
            tails[pos], ends[pos] = k, j
    k = tails[-1] if tails else None
    while k is not None:
        idx.append(items[k][0])
        k = prev[k]
    return set(idx)


def merge(na: int, nb: int, pairs: dict[int, tuple[int, float]]) -> list[tuple[int | None, int | None, bool]]:
    """(i, j, moved) in B's order, an item of A only (removed) placed after the A item it followed."""
    keep = in_order(pairs)
    by_j = {j: i for i, (j, _) in pairs.items()}
    out, nxt = [], 0
    for j in range(nb):
        i = by_j.get(j)
        if i is not None and i in keep:
            for r in range(nxt, i):
                if r not in pairs:
                    out.append((r, None, False))
            nxt = max(nxt, i + 1)
        out.append((i, j, i is not None and i not in keep))
    out += [(r, None, False) for r in range(nxt, na) if r not in pairs]
    return out
