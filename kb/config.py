"""Settings: kb/config.toml defaults, overridden by a KB_CONFIG file and KB_* environment variables."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

DEFAULTS = Path(__file__).parent / "config.toml"


@dataclass(frozen=True)
class Fusion:
    method: str = "weighted"
    lexical_norm: str = "minmax"      # "minmax" over candidates, or "coverage" (share of the query's best score)
    dense: float = 1.0
    words: float = 0.6
    bigrams: float = 0.6
    titles: float = 0.2
    sentences: float = 0.25           # dense cosine of the passage's best sentence
    section: float = 0.0
    period: float = 0.0               # bonus for the plan period the question asks about (十三五 achieved / 十四五 planned)
    rrf_k: int = 60
    candidates: int = 100


@dataclass(frozen=True)
class AnswerCfg:
    max_chars: int = 200
    from_hits: int = 3
    hit_prior: float = 0.5            # how much the passage's rank counts against the sentence's word overlap
    figure_from_hits: int = 3         # a quantity question (多少/几所) also reads the sentences of this many passages
    figure_bonus: float = 0.5         # for a sentence stating a figure in the unit asked


@dataclass(frozen=True)
class IndexCfg:
    exact_up_to: int = 50000
    hnsw_m: int = 32
    hnsw_ef_search: int = 128


@dataclass(frozen=True)
class Config:
    fusion: Fusion = field(default_factory=Fusion)
    answer: AnswerCfg = field(default_factory=AnswerCfg)
    index: IndexCfg = field(default_factory=IndexCfg)

    def with_fusion(self, **kw) -> "Config":
        return replace(self, fusion=replace(self.fusion, **kw))


def load_config(path: str | Path | None = None) -> Config:
    """Read the defaults, then the file named by `path` or KB_CONFIG, if any."""
    data: dict = {}
    for p in (DEFAULTS, path or os.environ.get("KB_CONFIG")):
        if p:
            with open(p, "rb") as f:
                for k, v in tomllib.load(f).items():
                    data.setdefault(k, {}).update(v)
    return Config(Fusion(**data.get("fusion", {})), AnswerCfg(**data.get("answer", {})),
                  IndexCfg(**data.get("index", {})))


def default_index_dir() -> Path:
    return Path(os.environ.get("KB_INDEX", "index"))
