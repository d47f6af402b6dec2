"""Settings in one place: the defaults are the dataclasses below; a TOML file named by KB_CONFIG (or passed to
`load_config`) overrides some of them, and is validated whole (file, key and expected type named on error).
The environment (KB_*) is read here and nowhere else in kb/ and ui/: `environment()`. (ingest/, a package that
never imports kb, reads KB_CACHE once, in ingest/readers/pdf.py, for its OCR cache.)

Where the numbers come from is said beside each default (README, "Where the numbers come from").
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError


@dataclass(frozen=True)
class Fusion:
    method: str = "weighted"          # "weighted" (normalised scores) or "rrf"
    lexical_norm: str = "coverage"    # BM25 divided by the query's best achievable score; "minmax" = over candidates
    dense: float = 1.0                # weights chosen by grid search on the dev questions
    words: float = 0.6
    bigrams: float = 0.6
    titles: float = 0.2
    sentences: float = 0.25           # dense cosine of the passage's best sentence; chosen on eval/blind/tune.jsonl
    section: float = 0.6              # BM25 of the passage's whole section (parent context)
    period: float = 0.5               # bonus for the plan period asked about (十三五 review / 十四五 plans); tuned on tune.jsonl
    projects: float = 0.2             # bonus for passages of project boxes (专栏…重点项目) on a question about projects,
                                      # the same malus on any other question (tune hit@1 0.774→0.798; the malus keeps
                                      # 铜材料深加工目标 on its target sentence once `nearby` is on: tune unchanged)
    nearby: float = 0.3               # BM25 over the document words nearest the question in meaning (Vocabulary);
    nearby_words: int = 5             # chosen on tune.jsonl (hit@1 0.798→0.833), then checked once on both test sets
    rrf_k: int = 60
    candidates: int = 100             # per-signal candidates considered for fusion


@dataclass(frozen=True)
class AnswerCfg:
    max_chars: int = 200
    glue_below: int = 40              # characters: a shorter answer sentence (or a lead phrase) is read with the next
                                      # (the sentence signal glues below 20: answering with its units lost 1+1 tuning
                                      # answers, docs/TRUST.md)
    from_hits: int = 1                # sentences are taken from this many top passages (1 measured best on dev + held-out)
    hit_prior: float = 0.5            # how much the passage's rank counts against the sentence's word overlap
    figure_from_hits: int = 3         # a quantity question (多少/几所) also reads the sentences of this many passages
    figure_bonus: float = 0.5         # for a sentence stating a figure in the unit asked
    sentence_dense: float = 2.0       # × the sentence's dense cosine with the question (meaning, not shared words),
                                      # with word overlap as the share of all the question's bigrams: chosen on both
                                      # tuning sets (answer-hit 0.729→0.744), test sets +1 and +2 questions


@dataclass(frozen=True)
class IndexCfg:
    exact_up_to: int = 50000          # passages; above it HNSW (bench/recall.py: exact p50 passes 20 ms near 50k on 2 cores)
    hnsw_m: int = 32
    hnsw_ef_construction: int = 80
    hnsw_ef_search: int = 128         # HNSW recall@10 0.99 at 30k passages (docs/BENCH.md)
    bm25_k1: float = 1.2              # bm25s defaults, used by every backend so that scores agree
    bm25_b: float = 0.75
    exact_search_all_up_to: int = 20000   # an exact dense search scores every passage up to this many ...
    overfetch: int = 4                # ... else asks for candidates × overfetch (room for filters and fusion)


@dataclass(frozen=True)
class VerdictCfg:
    vouch_at: float = 0.7435          # an answer is vouched for from this calibrated confidence on (P(right));
                                      # chosen by bench/calibrate.py on the tuning sets, the highest coverage with
                                      # right-among-shown >= 0.92 there (kb/data/verdict.json "threshold", kept equal)
    vouch_at_other_models: float = 0.8141   # the same for an index of another embedding model than the fit's
                                      # (m3e-small): the fit without the dense feature ("other_models")


@dataclass(frozen=True)
class RelatedCfg:
    # 对照 (KnowledgeBase.related), chosen on eval/related/tune.jsonl with bench/related.py, then measured once on
    # its test part. A passage: the other documents' passages ranked by BM25 with the passage's words as the query ...
    same_measure: float = 0.82        # ... kept when one of their sentences is this close in meaning (cosine) to one
                                      # of the passage's own: the same measure or target, not the same topic
    min_shared: float = 0.1           # ... and they share this much of the passage's words (BM25 query coverage)
    near_best: float = 0.4            # ... and score at least this share of the best kept one.
    # One sentence of it asked alone: kept with the same share of its words when one of their sentences is ...
    sentence_measure: float = 0.78    # ... this close to it, ranked by that coverage + meaning_weight × closeness
    meaning_weight: float = 1.0
    # ... read by both models where the index holds restatement vectors (kb/embed/e5.py): closeness is
    restate_share: float = 0.9        # this share of multilingual-e5-small's cosine, the rest m3e-small's,
    restate_measure: float = 0.91     # kept from this closeness,
    restate_weight: float = 3.0       # ranked by coverage + restate_weight × closeness


@dataclass(frozen=True)
class Config:
    fusion: Fusion = field(default_factory=Fusion)
    answer: AnswerCfg = field(default_factory=AnswerCfg)
    verdict: VerdictCfg = field(default_factory=VerdictCfg)
    related: RelatedCfg = field(default_factory=RelatedCfg)
    index: IndexCfg = field(default_factory=IndexCfg)


_CHOICES = {("fusion", "method"): ("weighted", "rrf"), ("fusion", "lexical_norm"): ("coverage", "minmax")}
_TYPE_WORDS = {float: "a number", int: "a whole number", str: "a string"}


def _section_types() -> dict[str, type]:
    hints = typing.get_type_hints(Config)
    return {f.name: hints[f.name] for f in dataclasses.fields(Config)}


def _check(where: str, section: str, key: str, value, want: type):
    name = f"{where}: [{section}] {key}"
    ok = (isinstance(value, want) and not isinstance(value, bool)) or \
         (want is float and isinstance(value, int) and not isinstance(value, bool))
    if not ok:
        raise ConfigError(f"{name} = {value!r}: expected {_TYPE_WORDS[want]}")
    if want in (int, float) and value < 0:
        raise ConfigError(f"{name} = {value!r}: expected a number ≥ 0")
    choices = _CHOICES.get((section, key))
    if choices and value not in choices:
        raise ConfigError(f"{name} = {value!r}: expected one of {', '.join(choices)}")
    return float(value) if want is float else value


def config_from_dict(data: dict, where: str = "configuration") -> Config:
    """Build a Config from {section: {key: value}} overrides, refusing unknown sections/keys and wrong types."""
    sections = _section_types()
    built = {}
    for section, values in data.items():
        if section not in sections:
            raise ConfigError(f"{where}: unknown section [{section}] (known: {', '.join(sections)})")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{section}] must be a table of settings")
        cls = sections[section]
        hints = typing.get_type_hints(cls)
        kw = {}
        for key, value in values.items():
            if key not in hints:
                raise ConfigError(f"{where}: [{section}] {key}: unknown key (known: {', '.join(hints)})")
            kw[key] = _check(where, section, key, value, hints[key])
        built[section] = cls(**kw)
    return Config(**built)


def load_config(path: str | Path | None = None) -> Config:
    """The defaults, overridden by the file named by `path` or KB_CONFIG, if any."""
    p = path or environment().config
    if not p:
        return Config()
    try:
        with open(p, "rb") as f:
            data = tomllib.load(f)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{p}: not valid TOML: {e}") from None
    except OSError as e:
        raise ConfigError(f"configuration file {p}: {e.strerror or e}") from None
    return config_from_dict(data, str(p))


def config_toml(config: Config) -> str:
    """The settings as a TOML file that `load_config` reads back (for `kb config`)."""
    out = []
    for section in dataclasses.fields(config):
        out.append(f"[{section.name}]")
        for f in dataclasses.fields(getattr(config, section.name)):
            v = getattr(getattr(config, section.name), f.name)
            out.append(f'{f.name} = "{v}"' if isinstance(v, str) else f"{f.name} = {v}")
        out.append("")
    return "\n".join(out)


@dataclass(frozen=True)
class Environment:
    """Every KB_* variable the product reads, read in one place."""
    index: Path                        # KB_INDEX: the index folder (default ./index)
    model: str | None                  # KB_MODEL: embedding model name or path (default: the index's, else m3e-small)
    backend: str | None                # KB_BACKEND: faiss (default), milvus, postgres
    config: str | None                 # KB_CONFIG: a TOML file of overrides
    cache: Path                        # KB_CACHE: ONNX exports and OCR results (default ~/.cache/guihua-kb)
    runtime: str                       # KB_RUNTIME: onnx (default) or torch
    corpus: Path                       # KB_CORPUS: what the app's 建立索引 button ingests (default ./corpus)
    baskets: Path                      # KB_BASKETS: where the app keeps quotation baskets
    feedback: Path                     # KB_FEEDBACK: the file of 答案不对 / 有帮助 clicks (kept here, sent nowhere)
    uploads: Path                      # KB_UPLOADS: where the app's 文档 page keeps uploaded documents, the sources the
                                       # index records for them (default: beside the index, INDEX-uploads/)
    milvus_uri: str | None             # KB_MILVUS_URI, KB_MILVUS_TOKEN, KB_MILVUS_TIMEOUT (seconds)
    milvus_token: str
    milvus_timeout: float
    pg_dsn: str | None                 # KB_PG_DSN: libpq connection string for the postgres backend
    pg_timeout: int                    # KB_PG_TIMEOUT: seconds to connect (default 10)
    pg_pool: int                       # KB_PG_POOL: connections per process (default 8)
    ray: str | None = None             # KB_RAY_ADDRESS: the Ray cluster `kb ingest` parses and embeds on (--ray)


def _whole(e: typing.Mapping[str, str], name: str, default: int, what: str) -> int:
    raw = e.get(name) or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 1:
        raise ConfigError(f"{name}={raw!r}: expected {what}")
    return value


def _beside(folder: Path, tail: str) -> Path:
    """A folder next to `folder`, named after it (index → index-uploads): outside the index, whose writer owns
    every entry of its folder, and tied to this index rather than shared by all in the same parent."""
    folder = folder.absolute()
    return folder.parent / (folder.name + tail)


def environment(env: typing.Mapping[str, str] | None = None) -> Environment:
    e = os.environ if env is None else env
    timeout = e.get("KB_MILVUS_TIMEOUT", "10")
    try:
        milvus_timeout = float(timeout)
    except ValueError:
        raise ConfigError(f"KB_MILVUS_TIMEOUT={timeout!r}: expected a number of seconds") from None
    runtime = (e.get("KB_RUNTIME") or "onnx").lower()
    if runtime not in ("onnx", "torch"):
        raise ConfigError(f"KB_RUNTIME={runtime!r}: expected onnx or torch")
    return Environment(
        index=Path(e.get("KB_INDEX") or "index"),
        model=e.get("KB_MODEL") or None,
        backend=(e.get("KB_BACKEND") or "").lower() or None,
        config=e.get("KB_CONFIG") or None,
        cache=Path(e.get("KB_CACHE") or Path.home() / ".cache" / "guihua-kb"),
        runtime=runtime,
        corpus=Path(e.get("KB_CORPUS") or "corpus"),
        # baskets are the users' work: kept outside temporary folders, so they survive restarts and reboots
        baskets=Path(e.get("KB_BASKETS") or Path.home() / ".local" / "share" / "guihua-kb" / "baskets"),
        feedback=Path(e.get("KB_FEEDBACK") or Path.home() / ".local" / "share" / "guihua-kb" / "feedback.jsonl"),
        uploads=Path(e.get("KB_UPLOADS") or _beside(Path(e.get("KB_INDEX") or "index"), "-uploads")),
        milvus_uri=e.get("KB_MILVUS_URI") or None,
        milvus_token=e.get("KB_MILVUS_TOKEN", ""),
        milvus_timeout=milvus_timeout,
        pg_dsn=e.get("KB_PG_DSN") or None,
        pg_timeout=_whole(e, "KB_PG_TIMEOUT", 10, "a whole number of seconds ≥ 1"),
        pg_pool=_whole(e, "KB_PG_POOL", 8, "a whole number of connections ≥ 1"),
        ray=e.get("KB_RAY_ADDRESS") or None,
    )


def default_index_dir() -> Path:
    return environment().index
