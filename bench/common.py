"""Shared helpers of the benches: paths, the raw corpus, the dev questions, the model, percentiles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
DEV_SET = ROOT / "eval" / "dev.jsonl"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def raw_corpus_text(corpus_dir: Path = CORPUS_DIR) -> str:
    """All raw .txt files of the corpus folder, in name order, joined by a blank line."""
    files = sorted(corpus_dir.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {corpus_dir}")
    return "\n\n".join(f.read_text(encoding="utf-8") for f in files)


def load_model(name: str | None = None) -> Any:
    """The SentenceTransformer the product uses (kb.embed.load_model: bundled m3e-small by default)."""
    from kb.embed import load_model as core_load
    return core_load(name)


def open_kb_or_exit(index_dir: str | None = None) -> Any:
    """KnowledgeBase.open() with defaults; on a missing/unusable index print one line and exit 1."""
    try:
        from kb import KnowledgeBase, KBError
    except ImportError as e:
        print(f"the kb core is not importable yet ({e}); run `make index` once it is", file=sys.stderr)
        raise SystemExit(1) from None
    try:
        return KnowledgeBase.open(index_dir=index_dir) if index_dir else KnowledgeBase.open()
    except KBError as e:
        name = type(e).__name__
        hint = "run `make index` (or `kb ingest`) first" if name in {"IndexMissing", "IndexStale"} else ""
        said = "make index" in str(e) or "kb ingest" in str(e)
        print(f"{name}: {e}" + (f" -- {hint}" if hint and not said else ""), file=sys.stderr)
        raise SystemExit(1) from None


def percentile_ms(seconds: list[float], q: float) -> float:
    """The q-th percentile of durations given in seconds, in milliseconds."""
    return float(np.percentile(np.asarray(seconds) * 1000.0, q)) if seconds else float("nan")


def format_rows(header: list[str], rows: list[list[str]]) -> str:
    """A plain aligned text table: first column left-aligned, the rest right-aligned."""
    table = [header, *rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *(line(r) for r in rows)])
