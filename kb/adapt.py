"""Adapt the embedding model to a corpus with training pairs made from the corpus's own structure.

No questions and no labels: each pair joins a short text to the passage it belongs to, and
MultipleNegativesRankingLoss (the other passages of a batch are the negatives) teaches the model to find it.

* heading → passage: the most specific title above a paragraph (section, sub-heading or 专栏 title) and the
  paragraph's text (without the heading path, so the match is not a copy);
* lead → rest: a bold lead phrase (`加强农村生活垃圾治理`) and its paragraph after the lead, as indexed;
* clause → rest (inverse cloze): a short sentence or clause and its paragraph with that clause cut out, as indexed.

Indicator-table rows are left out (their names already match lexically). Runs on the CPU in a few minutes;
the model is written atomically to `<cache>/models/m3e-small-<corpus hash>` unless --out says otherwise:

    python -m kb.adapt [--out DIR] [--epochs N] [--seed S]
    KB_MODEL=<that folder> kb ingest corpus
"""
from __future__ import annotations

import argparse
import hashlib
import math
import os
import random
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import ingest
from ingest.records import Passage

from .embed import DEFAULT_MODEL, resolve_model

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "weibin-14th-five-year-plan-outline.txt"
_CLAUSE_END = re.compile(r"[，；：。！？;:!?]")
_EDGE_PUNCT = "，；：。！？、;:!?,.—- "
MIN_CLAUSE, MAX_CLAUSE = 8, 40      # characters of an inverse-cloze anchor


@dataclass(frozen=True)
class Pair:
    """One training example: a short anchor and the positive it should retrieve; `group` is the source passage."""
    anchor: str
    positive: str
    kind: str        # "heading" | "lead" | "clause"
    group: str


@dataclass(frozen=True)
class Recipe:
    """The training settings; defaults are the recipe chosen on the tuning questions."""
    epochs: int = 1
    lr: float = 2e-5
    batch_size: int = 32
    max_seq_length: int = 256
    clauses_per_passage: int = 4
    warmup: float = 0.1
    seed: int = 0


def cache_root() -> Path:
    return Path(os.environ.get("KB_CACHE", Path.home() / ".cache" / "guihua-kb"))


def corpus_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def corpus_passages(paths: list[Path]) -> list[Passage]:
    """The passages `kb ingest` would index for these files."""
    return [p for f in ingest.discover(paths) for p in ingest.passages(ingest.load(f))]


def _strip(s: str) -> str:
    return s.strip().strip(_EDGE_PUNCT).strip()


def _title(p: Passage) -> str:
    """The most specific heading above a passage, without its numbering."""
    if p.box:
        return _strip(p.box_title or "")
    if p.subheading:
        return _strip(p.subheading)
    return _strip(p.section_title or p.chapter_title)


def _clauses(text: str) -> list[tuple[int, int]]:
    """Spans of whole sentences, or of runs of clauses within a long sentence, MIN_CLAUSE..MAX_CLAUSE chars long."""
    out: list[tuple[int, int]] = []
    for s, e in ingest.sentences(text):
        if e - s <= MAX_CLAUSE:
            if e - s >= MIN_CLAUSE:
                out.append((s, e))
            continue
        start = s
        for m in _CLAUSE_END.finditer(text, s, e):
            if m.end() - start >= MIN_CLAUSE:
                if m.end() - start <= MAX_CLAUSE:
                    out.append((start, m.end()))
                start = m.end()
    return out


def make_pairs(passages: list[Passage], clauses_per_passage: int, rng: random.Random) -> list[Pair]:
    """Heading, lead and inverse-cloze pairs for every paragraph and 专栏 passage (table rows are skipped)."""
    pairs: list[Pair] = []
    for p in passages:
        if p.kind == "row":
            continue
        context = p.heading_path
        body, offset = p.text, 0
        title = _title(p)
        if len(title) >= 2:
            pairs.append(Pair(title, p.text, "heading", p.id))
        if p.lead and p.text.startswith(p.lead):
            offset = len(p.lead)
            while offset < len(body) and body[offset] in _EDGE_PUNCT:
                offset += 1
            rest = body[offset:]
            if len(rest) >= MIN_CLAUSE and _strip(p.lead) != title:
                pairs.append(Pair(_strip(p.lead), f"{context}\n{rest}", "lead", p.id))
        spans = [(s, e) for s, e in _clauses(body) if s >= offset]
        for s, e in rng.sample(spans, min(clauses_per_passage, len(spans))):
            rest = body[:s] + body[e:]
            if len(_strip(rest)) >= MIN_CLAUSE:
                pairs.append(Pair(_strip(body[s:e]), f"{context}\n{rest}", "clause", p.id))
    return pairs


def batches(pairs: list[Pair], size: int, rng: random.Random) -> list[list[Pair]]:
    """Shuffled batches in which no anchor text and no source passage occurs twice (no false in-batch negatives)."""
    pending = pairs[:]
    rng.shuffle(pending)
    out: list[list[Pair]] = []
    while pending:
        batch: list[Pair] = []
        anchors: set[str] = set()
        groups: set[str] = set()
        rest: list[Pair] = []
        for pair in pending:
            if len(batch) < size and pair.anchor not in anchors and pair.group not in groups:
                batch.append(pair)
                anchors.add(pair.anchor)
                groups.add(pair.group)
            else:
                rest.append(pair)
        if len(batch) > 1:
            out.append(batch)
        pending = rest if len(batch) > 1 else []
    return out


def seed_everything(seed: int) -> None:
    import torch
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(pairs: list[Pair], base: str, recipe: Recipe, log=print):
    """Fine-tune the sentence-transformers model at `base` on the pairs; return the model."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.losses import MultipleNegativesRankingLoss

    seed_everything(recipe.seed)
    rng = random.Random(recipe.seed)
    model = SentenceTransformer(base, device="cpu")
    model.max_seq_length = recipe.max_seq_length
    loss_fn = MultipleNegativesRankingLoss(model)
    plan = [batches(pairs, recipe.batch_size, rng) for _ in range(recipe.epochs)]
    steps = sum(len(b) for b in plan)
    warmup = max(1, int(steps * recipe.warmup))
    optimizer = torch.optim.AdamW(model.parameters(), lr=recipe.lr, weight_decay=0.01)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (steps - s) / max(1, steps - warmup))))
    features_of = getattr(model, "preprocess", None) or model.tokenize   # `tokenize` before sentence-transformers 6
    model.train()
    step = 0
    for epoch, epoch_batches in enumerate(plan, 1):
        total = 0.0
        for batch in epoch_batches:
            features = [features_of([x.anchor for x in batch]), features_of([x.positive for x in batch])]
            loss = loss_fn(features, torch.zeros(len(batch)))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            total += loss.item()
            step += 1
            if step % 10 == 0 or step == steps:
                log(f"  step {step}/{steps}  loss {loss.item():.3f}")
        log(f"epoch {epoch}: mean loss {total / max(1, len(epoch_batches)):.3f}")
    model.eval()
    return model


def save_atomically(model, target: Path) -> None:
    """Write the model to a temporary folder beside `target`, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        model.save(str(tmp))
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m kb.adapt", description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_CORPUS], help="corpus files or folders")
    ap.add_argument("--out", type=Path, help="model folder (default: <cache>/models/m3e-small-<corpus hash>)")
    ap.add_argument("--base", default=DEFAULT_MODEL, help="model to start from (name or folder)")
    ap.add_argument("--epochs", type=int, default=Recipe.epochs)
    ap.add_argument("--lr", type=float, default=Recipe.lr)
    ap.add_argument("--clauses", type=int, default=Recipe.clauses_per_passage,
                    help="inverse-cloze pairs per passage (0: headings and leads only)")
    ap.add_argument("--seed", type=int, default=Recipe.seed)
    args = ap.parse_args(argv)

    import torch
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    recipe = Recipe(epochs=args.epochs, lr=args.lr, clauses_per_passage=args.clauses, seed=args.seed)
    files = ingest.discover(args.paths)
    passages = corpus_passages(files)
    pairs = make_pairs(passages, recipe.clauses_per_passage, random.Random(recipe.seed))
    kinds = {k: sum(p.kind == k for p in pairs) for k in ("heading", "lead", "clause")}
    print(f"{len(passages)} passages -> {len(pairs)} pairs {kinds}; {recipe}")
    _, base = resolve_model(args.base)
    t0 = time.perf_counter()
    model = train(pairs, base, recipe)
    seconds = time.perf_counter() - t0
    out = args.out or cache_root() / "models" / f"m3e-small-{corpus_hash(files)}"
    save_atomically(model, out)
    print(f"trained in {seconds:.0f} s ({math.ceil(seconds / 60)} min); saved {out}")


if __name__ == "__main__":
    main()
