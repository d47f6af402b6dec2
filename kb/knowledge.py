"""KnowledgeBase: the one public entry object — build an index folder, open it, search and answer."""
from __future__ import annotations

import dataclasses
import hashlib
import os
import shlex
import re
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

import ingest
from ingest import tokenize
from ingest.readers import sha256_file
from ingest.records import ARTICLE_REF, CIRCLED, Document, Passage, place_key

from . import answer as answering
from . import query as querying
from . import verdict, versions
from .config import Config, Fusion, default_index_dir, environment, load_config
from .embed import DEFAULT_MODEL, configured_model, e5, load_embedder, resolve_model
from .embed.e5 import E5_DIM, E5_MODEL
from .errors import BadQuery, IndexCorrupt, IndexMissing, IndexStale, KBError, ModelMismatch
from .fusion import fuse, top
from .records import Answer, Citation, Counterpart, DocAnswer, Hit, Place, Result, SyncStats
from .scope import Scope
from .store import backend_name, store_class
from .store import writer
from .store.signals import (RESTATEMENTS, VOCABULARY_FILES, Sentences, Vocabulary, cosines, embed_text, sentence_units,
                            unit_spans)
from .store.folder import (current, current_name, fix, ingest_command, read_for_repair, read_index, read_manifest,
                           read_previous, recorded_sources)
from .store.writer import LOCK_TIMEOUT, write_generation, writer_lock

Progress = Callable[[float, str], None]


def _quiet(frac: float, msg: str) -> None:
    pass


def _short(text: str, limit: int = 30) -> str:
    """A piece of someone's text quoted back in a one-line message: one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def _source_key(path: str | Path) -> str:
    """How a source file is recorded: its absolute path, so `kb` run from any directory finds it (indexes
    written before stored paths relative to the working directory; those are read relative to it)."""
    return str(Path(path).resolve())


def _odd_file(f: Path) -> str | None:
    """Why a named file cannot be a document before it is opened (one line), or None: a name that is not UTF-8 (a
    GBK name from a Windows zip: it cannot be recorded), a symlink loop, a FIFO or device (reading would block)."""
    try:
        str(f).encode("utf-8")
    except UnicodeEncodeError:
        return (f"{os.fsencode(f)!r}: the file name is not valid UTF-8 (a name from another system's encoding):"
                " rename the file")
    try:
        Path(f).resolve(strict=False)
    except (RuntimeError, OSError):
        return f"{f}: a symbolic link that loops or cannot be followed"
    if f.exists() and not f.is_file():
        return f"{f}: not a regular file (a folder, a pipe or a device)" if not f.is_dir() else None
    return None


def _source_folders(manifest: dict) -> list[str]:
    """The folders the index's documents came from, as recorded (absolute), in order of first appearance."""
    return list(dict.fromkeys(str(Path(d["source"]).parent) for d in manifest.get("documents", []) if d.get("source")))


def _ingest_command(index_dir: Path, model: str, manifest: dict) -> str:
    """The command that rebuilds this index with this model from the folders its documents came from, naming the
    index (absolute), so that it works as typed from any working directory."""
    return f"{ingest_command(index_dir, *(_source_folders(manifest) or ['corpus']))} --model {shlex.quote(str(model))}"


# the [index] settings that shape what is written (the others are read when searching)
INDEX_SHAPING = ("exact_up_to", "hnsw_m", "hnsw_ef_construction", "bm25_k1", "bm25_b")


def pipeline_fingerprint(config: Config | None = None) -> str:
    """Hash of everything that turns files into passages and indexes: the ingest code and its data, the store
    code, the stop words (the vocabulary leaves them out) and the [index] settings that shape what is written.
    When it changes, documents are re-parsed and the indexes rebuilt (vectors of unchanged passages are reused)."""
    import ingest as ingest_pkg
    from . import store
    cfg = (config or load_config()).index
    h = hashlib.sha256()
    files = sorted(Path(ingest_pkg.__file__).parent.rglob("*.py")) + sorted(
        (Path(ingest_pkg.__file__).parent / "data").glob("*")) + sorted(Path(store.__file__).parent.glob("*.py")) + [
        querying.DATA / "stopwords.txt"]
    for f in files:
        h.update(f.read_bytes())
    h.update(repr([(k, getattr(cfg, k)) for k in INDEX_SHAPING]).encode())
    return h.hexdigest()[:16]


def _stamp(path: Path) -> list | None:
    """Size and mtime of a source file: when both are unchanged, opening skips re-hashing it."""
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _hash(model_id: str, text: str) -> str:
    return hashlib.sha256(f"{model_id}\x00{text}".encode()).hexdigest()[:32]


def _previous_sentences(folder: Path, passages: list[Passage], dim: int, model_id: str, second_dim: int | None
                        ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Sentence vectors of the index being replaced, and its restatement vectors (second_dim: where it has them),
    by hash: unchanged sentences are never re-embedded."""
    try:
        old = Sentences.load(folder, len(passages), dim, second_dim)
    except (OSError, ValueError, EOFError):
        return {}, {}
    texts, owner = sentence_units(passages)
    if len(texts) != old.vectors.shape[0] or not np.array_equal(owner, old.owner):
        return {}, {}
    second = {} if old.second is None else {_hash(E5_MODEL, t): v for t, v in zip(texts, old.second)}
    return {_hash(model_id, t): v for t, v in zip(texts, old.vectors)}, second


def _mix(first: np.ndarray, second: np.ndarray, share: float) -> np.ndarray:
    """Closeness read by both models: `share` of the restatement model's cosine, the rest m3e-small's; -inf where
    either has none (a passage without sentences)."""
    both = np.isfinite(first) & np.isfinite(second)
    with np.errstate(invalid="ignore"):
        return np.where(both, share * second + (1.0 - share) * first, -np.inf)


def _restatement_dim(manifest: dict) -> int | None:
    """The dimension of the index's restatement vectors (restatements.npy), None where it has none."""
    r = manifest.get("restatements")
    return int(r["dimension"]) if isinstance(r, dict) and RESTATEMENTS in manifest.get("files", {}) else None


def _previous_vocabulary(folder: Path, dim: int, model_id: str) -> dict[str, np.ndarray]:
    """Word vectors of the index being replaced, by hash: words already embedded are never embedded again."""
    try:
        old = Vocabulary.load(folder, 2 ** 31 - 1, dim)
    except (OSError, ValueError, EOFError, KeyError):
        return {}
    return {_hash(model_id, w): v for w, v in zip(old.words, old.vectors)}


def _embed_reusing(texts: list[str], model_id: str, embedder, prev: dict[str, np.ndarray], report
                   ) -> tuple[np.ndarray, list[str], int]:
    """Vectors for texts, reusing those of unchanged texts (by hash); (vectors, hashes, how many embedded)."""
    hashes = [_hash(model_id, t) for t in texts]
    todo = [i for i, h in enumerate(hashes) if h not in prev]
    fresh = dict(zip(todo, embedder.encode_passages([texts[i] for i in todo], progress=report)))
    vecs = np.zeros((len(texts), embedder.dim), dtype=np.float32)
    for i, h in enumerate(hashes):
        vecs[i] = fresh[i] if i in fresh else prev[h]
    return vecs, hashes, len(todo)


OPEN_ATTEMPTS = 10        # a reader retries when a writer swapped the generation it was reading
SCOPES_KEPT = 64          # statistics of this many document sets are kept, and of every single document (built in
                          # ~2 ms a passage, tokenising it; together about one more copy of the lexical index)

_PROJECT_BOX = re.compile(r"项目|工程")
_UNDER = "（" + CIRCLED       # what opens the number of a sub-item's own sub-items: （1）, ①


class KnowledgeBase:
    """An opened index: passages, documents, vectors and lexical indexes, ready to search."""

    def __init__(self, index_dir: Path, manifest: dict, passages: list[Passage], documents: list[Document],
                 embedder, store, config: Config, sentences: Sentences | None = None,
                 vocabulary: Vocabulary | None = None):
        self.index_dir = Path(index_dir)
        self.generation = ""                  # the generation folder opened ("" for the older layout)
        self.sentences = sentences
        self.vocabulary = vocabulary          # None for an index written before it existed (no `nearby` signal)
        self.manifest = manifest
        self.passages = passages
        self.documents = documents
        self.embedder = embedder
        self.store = store
        self.config = config
        self._by_id = {p.id: i for i, p in enumerate(passages)}
        self._kinds: np.ndarray | None = None   # the everyday kinds of question, embedded on first use
        self._citations: dict[str, Citation] = {}
        self._docs = {d.doc_id: d for d in documents}
        # versions of one text side by side (a law before and after its revision, ID-旧版 kept by 更新版本): a search
        # of every document searches the current ones; an earlier version only when asked of by name
        self.superseded = versions.superseded(documents)
        self._versioned = set(self.superseded) | set(self.superseded.values())     # cited with their date
        self._current_docs = frozenset(d.doc_id for d in documents if d.doc_id not in self.superseded)
        self._current = np.array([p.doc_id not in self.superseded for p in passages], dtype=bool) \
            if self.superseded else None
        self._scopes: dict[frozenset[str], Scope] = {}      # per set of documents searched alone (kb/scope.py)
        self._scope_lock = threading.Lock()
        self._meta = {
            "chapter": np.array([p.chapter for p in passages], dtype=np.int32),
            "section": np.array([p.section for p in passages], dtype=np.int32),
            "box": np.array([p.box or "" for p in passages], dtype=object),
            "doc": np.array([p.doc_id for p in passages], dtype=object),
            # 3. / 2.（1） / "", as matched (3、 and 3． of a document that prints them are 3. here)
            "subitem": np.array([place_key(p.subitem_ref) for p in passages], dtype=object),
            # about the period a plan reviews: its 成就/回顾 section, or text naming the 十三五 period
            "past": np.array([querying.looks_back(p.section_title, p.text) for p in passages],
                             dtype=bool),
            # inside a box listing projects (专栏2-1 制造业高质量发展重点项目, …重大工程)
            "project_box": np.array([bool(p.box) and bool(_PROJECT_BOX.search(p.box_title or "")) for p in passages],
                                    dtype=bool),
        }

    # ---------------------------------------------------------------- open / build
    @classmethod
    def open(cls, index_dir: str | Path | None = None, model: str | None = None,
             config: Config | None = None, check_sources: bool = True) -> "KnowledgeBase":
        """Open the current generation of an index folder, every file verified against its manifest;
        IndexMissing / IndexStale / ModelMismatch / IndexCorrupt say what to run. A writer swapping in a new
        generation meanwhile is not damage: the reader opens the new one."""
        index_dir = Path(index_dir or default_index_dir())
        config = config or load_config()
        attempts = 0
        while True:
            seen = current_name(index_dir)
            try:
                return cls._open_current(index_dir, model, config, check_sources)
            except (IndexCorrupt, IndexMissing):
                attempts += 1
                if attempts == OPEN_ATTEMPTS or current_name(index_dir) == seen:    # damage, not a swap
                    raise

    @classmethod
    def _open_current(cls, index_dir: Path, model, config: Config, check_sources: bool) -> "KnowledgeBase":
        gen = current(index_dir)
        manifest = gen.manifest
        wanted = model or environment().model or manifest.get("model")
        model_id, _ = resolve_model(wanted)
        if model_id != manifest.get("model"):
            raise ModelMismatch(f"{index_dir} was built with model {manifest.get('model')!r} but {model_id!r} is"
                                f" configured: run `{_ingest_command(index_dir, wanted, manifest)}`"
                                f" or set KB_MODEL={manifest.get('model')}")
        if check_sources:
            for d in manifest.get("documents", []):
                src = Path(d["source"])
                if src.exists() and _stamp(src) != d.get("stamp") and sha256_file(src) != d["sha256"]:
                    raise IndexStale(f"{src} changed since the index was built:"
                                     f" run `{ingest_command(index_dir, src.parent)}`")
        passages, documents, _emb, _hashes = read_index(gen)
        embedder = load_embedder(wanted)
        if embedder.dim != manifest["dimension"]:
            raise ModelMismatch(f"model {model_id!r} gives {embedder.dim}-dim vectors, the index holds"
                                f" {manifest['dimension']}: rebuild with `{_ingest_command(index_dir, wanted, manifest)}`")
        store = store_class(manifest.get("backend", "faiss")).load(gen.folder, config, len(passages), manifest)
        try:
            sentences = Sentences.load(gen.folder, len(passages), manifest["dimension"], _restatement_dim(manifest))
        except (OSError, ValueError, EOFError) as e:
            raise IndexCorrupt(f"{index_dir} is damaged ({type(e).__name__}: sentence vectors):"
                               f" {fix(index_dir)}") from None
        vocabulary = None
        if all(f in manifest.get("files", {}) for f in VOCABULARY_FILES):
            try:
                vocabulary = Vocabulary.load(gen.folder, len(passages), manifest["dimension"])
            except (OSError, ValueError, EOFError, KeyError) as e:
                raise IndexCorrupt(f"{index_dir} is damaged ({type(e).__name__}: vocabulary):"
                                   f" {fix(index_dir)}") from None
        kb = cls(index_dir, manifest, passages, documents, embedder, store, config, sentences, vocabulary)
        kb.generation = gen.name
        return kb

    @classmethod
    def build(cls, paths: Iterable[str | Path], index_dir: str | Path | None = None, *, model: str | None = None,
              progress: Progress | None = None, config: Config | None = None, replace: bool = False,
              remove: Iterable[str] = (), backend: str | None = None) -> "KnowledgeBase":
        """Ingest files/folders into the index (as `sync`) and open it."""
        stats = cls.sync(paths, index_dir, model=model, progress=progress, config=config, replace=replace,
                         remove=remove, backend=backend)
        return cls.open(index_dir, model=model or stats.model, config=config, check_sources=False)

    @classmethod
    def sync(cls, paths: Iterable[str | Path], index_dir: str | Path | None = None, *, model: str | None = None,
             progress: Progress | None = None, config: Config | None = None, replace: bool = False,
             remove: Iterable[str] = (), backend: str | None = None, lock_timeout: float = LOCK_TIMEOUT,
             ray: str | None = None, new_version: bool = False) -> SyncStats:
        """Bring the index folder up to date: unchanged documents are not re-parsed, unchanged passages not
        re-embedded; documents already in the index are kept unless replace=True; `remove` names documents to
        drop. Returns what was done (SyncStats). One writer at a time:
        a second one waits up to lock_timeout seconds for the first, then IndexBusy. Damaged files of the
        current index are rebuilt; what is intact is reused (vectors are never computed twice).
        `ray`: the address of a Ray cluster ("host:port", "auto", or "local" for one started for this call) that
        parses and embeds (kb/cluster.py); this process still decides, locks and writes. Needs the [ray] extra.
        `new_version`: each file given replaces the indexed document of its id even when that was read from another
        file (which is left where it is), recorded as added now; all or none: a file that cannot be read, or that is
        another document (kb/versions.py: NotANewVersion), is the error and nothing is written."""
        index_dir = Path(index_dir or default_index_dir())
        progress = progress or _quiet
        engine = None
        if ray:
            from .cluster import RayEngine, import_ray
            import_ray()                        # missing: said before anything is locked or read
            engine = RayEngine(ray)
        try:
            with writer_lock(index_dir, lock_timeout, on_wait=lambda: progress(0.0, "等待另一个写入索引的进程结束")):
                return cls._sync_locked(paths, index_dir, model, progress, config or load_config(),
                                        replace, remove, backend, engine=engine, new_version=new_version)
        finally:
            if engine is not None:
                engine.close()

    @staticmethod
    def sources(index_dir: str | Path | None = None) -> dict[str, str]:
        """Each document of the current index and the source it was read from ({doc_id: path}), from the current
        manifest alone: no model is loaded and no file verified. IndexMissing / IndexCorrupt when there is none."""
        manifest = read_manifest(Path(index_dir or default_index_dir()))
        return {d["doc_id"]: d["source"] for d in manifest["documents"]}

    @classmethod
    def repair(cls, index_dir: str | Path | None = None, *, model: str | None = None,
               progress: Progress | None = None, config: Config | None = None,
               lock_timeout: float = LOCK_TIMEOUT) -> SyncStats:
        """Rebuild a damaged (or any) index from what it records, losing no document: every document is read again
        from its recorded source (whichever folder it came from), reusing the vectors of the newest generation
        that is intact; a document whose source is gone is kept from that generation, and said
        (SyncStats.notes). The model is the one the index was built with unless one is named."""
        index_dir = Path(index_dir or default_index_dir())
        progress = progress or _quiet
        config = config or load_config()
        with writer_lock(index_dir, lock_timeout, on_wait=lambda: progress(0.0, "等待另一个写入索引的进程结束")):
            recorded, recorded_model = recorded_sources(index_dir)    # (the manifests of every generation too)
            prev = read_for_repair(index_dir)
            if not recorded:
                raise IndexMissing(f"{index_dir} records no documents to repair from: build it with"
                                   f" `{ingest_command(index_dir, 'corpus')}` (or your documents' folder)")
            same = (prev.manifest or {}).get("pipeline") == pipeline_fingerprint(config)
            held = {d.doc_id for d in prev.documents or ()} if same else set()
            present = [d for d in recorded if Path(d["source"]).is_file()]
            gone = [d for d in recorded if not Path(d["source"]).is_file()]
            wanted = {d["doc_id"] for d in recorded}
            notes = [f"{d['doc_id']}: its source {d['source']} is gone; kept as indexed in {prev.generation.name}"
                     for d in gone if d["doc_id"] in held]
            notes += [f"{d['doc_id']}: its source {d['source']} is gone and no intact generation holds it: lost"
                      for d in gone if d["doc_id"] not in held]
            stats = cls._sync_locked([d["source"] for d in present], index_dir, model or recorded_model, progress,
                                     config, False, sorted(held - wanted), None, prev=prev,
                                     allow_empty=not present)
        return dataclasses.replace(stats, notes=tuple(notes))

    @classmethod
    def _sync_locked(cls, paths, index_dir: Path, model, progress: Progress, config: Config, replace: bool,
                     remove, backend: str | None, prev=None, allow_empty: bool = False, engine=None,
                     new_version: bool = False) -> dict:
        t0 = time.perf_counter()
        remove = list(remove)
        model_id, _ = resolve_model(configured_model(model))
        fingerprint = pipeline_fingerprint(config)
        recovered: list[dict] = []
        if prev is None:
            prev = read_previous(index_dir)
            if prev.damaged and (prev.generation is None or prev.documents is None) and not replace:
                # the current generation's manifest or folder is lost: a plain ingest does what `kb repair` does
                # for the documents it is not given (their recorded sources, an older intact generation)
                recovered, _ = recorded_sources(index_dir)
                older = read_for_repair(index_dir)
                if older.generation is not None:
                    prev = dataclasses.replace(older, damaged=tuple(dict.fromkeys(prev.damaged + older.damaged)))
        pm = prev.manifest or {}
        prev_sources: dict[str, str] = {d["doc_id"]: _source_key(d["source"]) for d in pm.get("documents", [])}
        stamps: dict[str, list | None] = {d["doc_id"]: d.get("stamp") for d in pm.get("documents", [])}
        same_pipeline = pm.get("pipeline") == fingerprint
        prev_docs: dict[str, Document] = {}
        if same_pipeline and prev.documents is not None:
            prev_docs = {d.doc_id: d for d in prev.documents}
        prev_passages = prev.passages
        if prev_passages is None and same_pipeline and prev.documents is not None:
            prev_passages = [p for d in prev.documents for p in ingest.passages(d)]   # same parser, same passages
        prev_vecs: dict[str, np.ndarray] = {}
        prev_sentences: dict[str, np.ndarray] = {}
        prev_second: dict[str, np.ndarray] = {}
        prev_words: dict[str, np.ndarray] = {}
        if pm.get("model") == model_id:
            hashes = prev.hashes
            if hashes is None and prev_passages is not None and prev.embeddings is not None:
                hashes = [_hash(model_id, embed_text(p)) for p in prev_passages]     # hashes.json is derivable
            if prev.embeddings is not None and hashes is not None and len(hashes) == len(prev.embeddings):
                prev_vecs = dict(zip(hashes, prev.embeddings))
            if prev_passages is not None and prev.intact("sentences.npy", "sentence_of.npy"):
                second_dim = _restatement_dim(pm) if prev.intact(RESTATEMENTS) else None
                prev_sentences, prev_second = _previous_sentences(prev.generation.folder, prev_passages,
                                                                  int(pm["dimension"]), model_id, second_dim)
            if prev.intact(*VOCABULARY_FILES):
                prev_words = _previous_vocabulary(prev.generation.folder, int(pm["dimension"]), model_id)
        recorded = pm.get("backend") or ("milvus" if "milvus.json" in prev.files else None)
        backend = backend_name(backend, recorded)
        writer.checkpoint("read previous")
        files = ingest.discover(paths)
        # the ids new versions replace: never read again from their recorded (old) sources below, after the new file
        claimed = {ingest.document.doc_id_for(f) for f in files} if new_version else set()
        # a folder given that holds no document is said, not passed over as "up to date"
        kinds = "、".join(sorted(ingest.SUFFIXES))
        notes = tuple(f"{p}: no {kinds} file in this folder; nothing was added from it"
                      for p in paths if Path(p).is_dir() and not ingest.discover([p]))
        if recovered:
            keep = {d["doc_id"] for d in recovered}
            prev_docs = {k: v for k, v in prev_docs.items() if k in keep}      # not those removed since
            prev_sources = {k: v for k, v in prev_sources.items() if k in keep}
            given = {_source_key(f) for f in files if not _odd_file(f)}
            files += [Path(d["source"]) for d in recovered
                      if d["doc_id"] not in prev_docs and d["doc_id"] not in remove and d["doc_id"] not in claimed
                      and Path(d["source"]).is_file() and _source_key(d["source"]) not in given]
        if prev_sources and not prev_docs and not replace:
            # the parser changed (or documents.jsonl is damaged): documents indexed earlier are parsed again
            given = {_source_key(f) for f in files}
            files += [Path(src) for doc_id, src in prev_sources.items()
                      if src not in given and doc_id not in remove and doc_id not in claimed and Path(src).exists()]
        if not files and not remove and not prev_docs and not allow_empty:
            raise ingest.BadDocument(f"no {kinds} files in {', '.join(map(str, paths)) or '(nothing given)'}")
        docs: dict[str, Document] = {} if replace else dict(prev_docs)
        sources: dict[str, str] = {} if replace else dict(prev_sources)
        for doc_id in remove:
            if doc_id not in docs and doc_id not in sources:
                raise KBError(f"no document {doc_id!r} in {index_dir}: see `kb ls`")
            docs.pop(doc_id, None)
            sources.pop(doc_id, None)
        parsed = reused = 0
        skipped: list[str] = []
        reports: list[Document] = []            # documents parsed in this run, each with its ingest report
        jobs: list[tuple] = []                  # with a cluster: (file, doc id, source key, the id's previous source)
        t_parse = time.perf_counter()
        for i, f in enumerate(files):
            progress(0.3 * i / max(len(files), 1), f"读取 {f.name}")
            refused = _odd_file(f)
            if refused is None:
                doc_id = ingest.document.doc_id_for(f)
                key = _source_key(f)
                if (doc_id in sources and sources[doc_id] != key and Path(sources[doc_id]).exists() and f.exists()
                        and not new_version):
                    raise ingest.BadDocument(f"{f}: another file ({sources[doc_id]}) already has the id {doc_id!r};"
                                             " rename one, or give --new-version to replace that document with it")
                stamps[doc_id] = _stamp(f)      # taken before hashing: a later edit changes it
                try:
                    digest = sha256_file(f) if f.exists() else None
                except OSError as e:            # not readable by this user (chmod 000), a folder named .txt …
                    refused = ingest.unreadable(f, e)
            if refused is not None:             # named alone it is the error; in a folder the others go on
                if len(files) == 1 or new_version:     # new versions: all or none
                    raise ingest.BadDocument(refused) from None
                skipped.append(refused)
                continue
            if doc_id in prev_docs and prev_docs[doc_id].sha256 == digest and prev_sources.get(doc_id) == key:
                docs[doc_id] = prev_docs[doc_id]
                reused += 1
            elif engine is not None:            # parsed on the cluster, below; the id is claimed now
                jobs.append((f, doc_id, key, sources.get(doc_id)))
                sources[doc_id] = key
                continue
            else:
                try:
                    docs[doc_id] = ingest.load(f, progress=lambda k, n, msg, i=i: progress(
                        0.3 * (i + k / max(n, 1)) / max(len(files), 1), f"{f.name}: {msg}"))
                    reports.append(docs[doc_id])
                except ingest.BadDocument as e:
                    if len(files) == 1 or new_version:
                        raise
                    skipped.append(str(e))      # one bad file in a folder does not stop the others
                    continue
                parsed += 1
            sources[doc_id] = key
        there = engine.parse([j[0] for j in jobs], config, fingerprint) if jobs else ()
        for k, ((f, doc_id, key, before), doc) in enumerate(zip(jobs, there)):
            progress(0.3 * (k + 1) / len(jobs), f"读取 {f.name}")
            if isinstance(doc, str):            # the BadDocument message
                if len(files) == 1 or new_version:
                    raise ingest.BadDocument(doc)
                skipped.append(doc)
                if before is None:
                    sources.pop(doc_id, None)
                else:
                    sources[doc_id] = before
                continue
            docs[doc_id] = doc
            reports.append(doc)
            parsed += 1
        t_parse = time.perf_counter() - t_parse
        renewed = set()                         # new versions (other text) of indexed documents: added now
        if new_version:
            from .versions import check
            indexed = {d.doc_id: d for d in prev.documents or ()}
            for d in reports:
                if d.doc_id in indexed and d.sha256 != indexed[d.doc_id].sha256:
                    check(indexed[d.doc_id], d, sources[d.doc_id])
                    renewed.add(d.doc_id)
        writer.checkpoint("parsed")
        if not docs:
            raise ingest.BadDocument("nothing left to index")
        # 对照's restatement vectors: where there are other documents to compare with, for the model their share
        # of the closeness was chosen with. The model is loaded (0.2 s) only where it decides something: an unchanged
        # index that has the vectors keeps them (对照 reads stored vectors, not the model)
        wants_restate = model_id == DEFAULT_MODEL and len(docs) >= 2
        has_restate = _restatement_dim(pm) is not None
        unchanged = (prev.generation is not None and not prev.generation.legacy and not prev.damaged
                     and prev_passages is not None and parsed == 0 and not remove and not replace
                     and pm.get("model") == model_id and pm.get("backend", "faiss") == backend and same_pipeline
                     and set(d["doc_id"] for d in pm.get("documents", [])) == set(docs)
                     and bool(prev_sentences or not sentence_units(prev_passages)[0])
                     and prev.intact(*VOCABULARY_FILES)
                     and ((has_restate or not e5.available()) if wants_restate else not has_restate))
        if unchanged:
            progress(1.0, "索引已是最新")
            return SyncStats(model_id, len(docs), pm["passages"], parsed=0, reused_docs=reused, up_to_date=True,
                             skipped=tuple(skipped), seconds=time.perf_counter() - t0, parse_s=t_parse,
                             notes=notes)
        ordered = [docs[k] for k in sorted(docs)]
        passages = [p for d in ordered for p in ingest.passages(d)]
        embedder = (load_embedder(configured_model(model)) if engine is None
                    else engine.embedder(configured_model(model), environment().runtime, model_id))
        progress(0.3, "向量化")
        t_embed = time.perf_counter()
        vecs, hashes, embedded = _embed_reusing([embed_text(p) for p in passages], model_id, embedder, prev_vecs,
                                                lambda f: progress(0.3 + 0.4 * f, "向量化段落"))
        sent_texts, sent_owner = sentence_units(passages)
        sent_vecs, _, _ = _embed_reusing(sent_texts, model_id, embedder, prev_sentences,
                                         lambda f: progress(0.7 + 0.15 * f, "向量化句子"))
        restate = wants_restate and e5.available()
        second = None
        if restate:
            second, _, _ = _embed_reusing(sent_texts, E5_MODEL, e5.E5Embedder, prev_second,
                                          lambda f: progress(0.85 + 0.02 * f, "向量化句子（对照）"))
        sentences = Sentences(sent_vecs, sent_owner, second)
        words, indptr, rows, weights = Vocabulary.postings(passages, config.index.bm25_k1, config.index.bm25_b)
        word_vecs, _, _ = _embed_reusing(words, model_id, embedder, prev_words,
                                         lambda f: progress(0.87 + 0.03 * f, "向量化词表"))
        vocabulary = Vocabulary(words, word_vecs, indptr, rows, weights, len(passages))
        t_embed = time.perf_counter() - t_embed
        writer.checkpoint("embedded")
        progress(0.9, "建立索引")
        t_index = time.perf_counter()
        store = store_class(backend).build(passages, vecs, config, index_dir)
        writer.checkpoint("store built")
        # when each document entered the index, kept while it stays (None: indexed before this was recorded)
        added = {d["doc_id"]: d.get("added") for d in pm.get("documents", [])}
        now = datetime.now().astimezone().isoformat(timespec="seconds")
        manifest = {
            "model": model_id, "dimension": int(embedder.dim), "passages": len(passages),
            "index_type": store.kind, "backend": backend, "pipeline": fingerprint,
            "documents": [{"doc_id": d.doc_id, "title": d.title, "source": sources[d.doc_id], "sha256": d.sha256,
                           "stamp": stamps.get(d.doc_id),
                           "added": now if d.doc_id in renewed else added.get(d.doc_id, now),
                           "passages": sum(1 for p in passages if p.doc_id == d.doc_id), "chars": len(d.text)}
                          for d in ordered],
        }
        if second is not None:
            manifest["restatements"] = {"model": E5_MODEL, "dimension": E5_DIM}
        write_generation(index_dir, manifest, passages, ordered, vecs, hashes,
                         extra_writers=(store.save, sentences.save, vocabulary.save))
        t_index = time.perf_counter() - t_index
        progress(1.0, "完成")
        return SyncStats(model_id, len(ordered), len(passages), parsed=parsed, reused_docs=reused, embedded=embedded,
                         skipped=tuple(skipped), repaired=tuple(prev.damaged), reports=tuple(reports),
                         seconds=time.perf_counter() - t0, parse_s=t_parse, embed_s=t_embed, index_s=t_index,
                         notes=notes)

    # ---------------------------------------------------------------- search
    def _allowed(self, chapter=None, section=None, box=None, doc=None, subitem=None) -> np.ndarray | None:
        if chapter is None and section is None and box is None and doc is None and not subitem:
            return self._current
        m = np.ones(len(self.passages), dtype=bool) if doc is not None or self._current is None \
            else self._current.copy()
        if chapter is not None:
            m &= self._meta["chapter"] == int(chapter)
        if section is not None:
            m &= self._meta["section"] == int(section)
        if box is not None:
            m &= self._meta["box"] == str(box)
        if doc is not None:
            m &= self._meta["doc"] == str(doc)
            if not m.any() and str(doc) not in self._docs:
                ids = "、".join(d.doc_id for d in self.documents[:8]) + ("…" if len(self.documents) > 8 else "")
                raise BadQuery(f"no document {str(doc)!r} in this index (documents: {ids}; `kb ls` lists them)")
        if subitem:            # a sub-item with those under it: 2. holds 2.（1） and 2.（1）①, not 20.
            want = place_key(str(subitem))
            m &= np.array([r == want or (r.startswith(want) and r[len(want)] in _UNDER)
                           for r in self._meta["subitem"]], dtype=bool)
        return m

    def _scope(self, doc: str | None) -> Scope | None:
        """The statistics to rank and judge a search limited to document `doc` with: those of its passages alone
        (kb/scope.py), as an index of that document alone would; None when the search is not limited to some
        documents (or they are all the index holds: its own statistics are theirs). Built once per set."""
        if doc is None and not self.superseded:
            return None
        docs = frozenset([str(doc)]) if doc is not None else self._current_docs
        if not docs & self._docs.keys() or self._docs.keys() <= docs:
            return None
        with self._scope_lock:
            scope = self._scopes.get(docs)
            if scope is None:
                if len(self._scopes) >= max(SCOPES_KEPT, len(self.documents)):
                    self._scopes.pop(next(iter(self._scopes)))
                scope = self._scopes[docs] = Scope.build(docs, self.passages, self.vocabulary, self.config.index)
            return scope

    def place(self, ref: str, doc: str | None = None) -> Place:
        """A place named in a document's own numbering (九、（一）, 第三章第二节, 第二篇第一章, 序言, a sub-item: 二、（一）3.,
        一、2.（1）) → its Place (doc id, chapter, section or None, sub-item), for --section and the app's links; a
        sub-item's number is found typed as 3., 3、 or 3．, and named in the Place as the document prints it.
        BadQuery when no document has it, or when it is not one place (name the document, or the 篇: 第一章 comes
        again in every 篇 of some plans)."""
        want = place_key(str(ref))          # 一、2.(1) typed with ASCII brackets; 3、 / 3． / 3. for a sub-item
        found = []
        for d in self.documents:
            if doc is not None and d.doc_id != doc:
                continue
            for c in d.chapters:
                if place_key(c.ref) == want or (c.volume and place_key(c.label) == want):
                    found.append(Place(d.doc_id, c.number, None, "", c.ref))
                for s in c.sections:
                    if s.number and s.ref and (place_key(c.ref + s.ref) == want
                                               or (c.volume and place_key(c.label + s.ref) == want)):
                        found.append(Place(d.doc_id, c.number, s.number, "", c.ref + s.ref))
                    head = c.ref + (s.ref if s.number else "")
                    for sub, _ in s.subitems:
                        article = ARTICLE_REF.match(sub) is not None      # 第九条: numbered through the document
                        if place_key(head + sub) == want or (article and place_key(sub) == want) or (
                                c.volume and place_key(c.label + s.ref + sub) == want):
                            found.append(Place(d.doc_id, c.number, s.number, sub, sub if article else head + sub))
        if not found:
            where = f"document {doc}" if doc else "the indexed documents"
            raise BadQuery(f"no place numbered {ref} in {where} (kb toc lists each document's headings)")
        if len(found) > 1:
            names = "; ".join(f"{f.doc} {f.ref}" for f in found[:6])
            hint = "name the document with --doc" if len({f.doc for f in found}) > 1 else "name its 篇 too"
            raise BadQuery(f"{ref} is more than one place ({names}): {hint}")
        return found[0]

    def _sentence_cosines(self, qvec: np.ndarray | None):
        """For answering: a hit's sentence units with their cosine to the query (None without sentence vectors)."""
        if self.sentences is None or not self.config.answer.sentence_dense or qvec is None:
            return None
        return lambda h: self.sentences.of_passage(self._by_id[h.passage.id], h.passage, qvec)

    def signals(self, q: querying.Query, allowed: np.ndarray | None = None,
                qvec: np.ndarray | None = None, scope: Scope | None = None) -> dict[str, np.ndarray]:
        """Every signal's score for every passage (dense: cosine of the top candidates, -inf elsewhere). With a
        scope (a search limited to some documents), the lexical and `nearby` signals are computed with those
        documents' statistics, in-process for every backend (the store gives the dense signal only)."""
        n = len(self.passages)
        qvec = self.embedder.encode_query(q.text) if qvec is None else qvec
        words, bis = self._query_words(q)
        out = self.store.signals(qvec, *(([], []) if scope else (words, bis)), n, self.config.fusion.candidates,
                                 allowed)
        if scope is not None:
            out.update(scope.lexical_scores(words, bis))
        if self.sentences is not None and self.config.fusion.sentences:
            out["sentences"] = self.sentences.scores(qvec, n)
        if self.vocabulary is not None and self.config.fusion.nearby:
            k = self.config.fusion.nearby_words
            out["nearby"] = (self.vocabulary.scores(qvec, k, q.text, n) if scope is None
                             else scope.nearby(qvec, k, q.text))
        return out

    @staticmethod
    def _query_words(q: querying.Query) -> tuple[list[str], list[str]]:
        """The words and bigrams the lexical signals look for: the question's and its synonym-table expansions'."""
        words = list(q.terms)
        for e in q.expansions:
            words += tokenize.words(e)
        bis = tokenize.bigrams(q.text)
        for e in q.expansions:
            bis += tokenize.bigrams(e)
        return words, bis

    def _hits(self, q: querying.Query, k: int, allowed, fusion: Fusion | None = None,
              signals: dict[str, np.ndarray] | None = None, scope: Scope | None = None) -> list[Hit]:
        if not self.passages:
            return []
        f = fusion or self.config.fusion
        sig = self.signals(q, allowed, scope=scope) if signals is None else signals
        fused = fuse(sig, f, allowed)
        if q.period and f.period:
            past = self._meta["past"]
            fused = fused + f.period * (past if q.period == "past" else ~past)
        if f.projects:         # project boxes list project names: they answer questions about projects, little else
            fused = fused + (f.projects if q.asks_projects else -f.projects) * self._meta["project_box"]
        hits = []
        for rank, i in enumerate(top(fused, k), 1):
            p = self.passages[i]
            d = float(sig["dense"][i])
            lex = float(sig["words"][i])
            hits.append(Hit(rank, p, float(fused[i]), d if np.isfinite(d) else None,
                            lex if lex > 0 else None, self.citation(p)))
        return hits

    def query_signals(self, query: str, doc: str | None = None) -> dict[str, np.ndarray]:
        """Every signal's scores for a query (the ranking hook: compute once, then rank it under many fusion
        settings with `search`/`ask(..., fusion=…, signals=…)`, as bench/tune.py does); `doc`: as asked of that
        document (pass the same `doc` to `search`/`ask`)."""
        return self.signals(querying.parse(query), self._allowed(doc=doc), scope=self._scope(doc))

    def search(self, query: str, k: int = 10, chapter: int | None = None, section: int | None = None,
               box: str | None = None, doc: str | None = None, subitem: str | None = None, *,
               fusion: Fusion | None = None, signals: dict[str, np.ndarray] | None = None) -> list[Hit]:
        """Ranked passages for a query; BadQuery when it is empty. `subitem` (3., 2.（1）: with its chapter and section,
        as `place` gives them) keeps to one sub-item. `fusion` overrides the configured weights, `signals` reuses
        what query_signals computed (both for tuning)."""
        q = querying.parse(query)
        return self._hits(q, max(1, int(k)), self._allowed(chapter, section, box, doc, subitem), fusion, signals,
                          self._scope(doc))

    def ask(self, query: str, k: int = 10, chapter: int | None = None, section: int | None = None,
            box: str | None = None, doc: str | None = None, subitem: str | None = None, *,
            fusion: Fusion | None = None, signals: dict[str, np.ndarray] | None = None) -> Result:
        """Search, the answer sentence(s) with highlights and citation, and the verdict: the answer is vouched for
        (`Result.answer`) only when its calibrated confidence reaches the threshold; otherwise it is the
        `candidate`, marked among the closest passages and never claimed."""
        q = querying.parse(query)
        hits, ans, feats = self._answer(q, k, self._allowed(chapter, section, box, doc, subitem), fusion, signals,
                                        self._scope(doc))
        on_topic = not verdict.off_topic(feats["topic_gap"])
        shares = bool(feats["shares_words"])
        model = self.manifest["model"]
        conf = verdict.confidence(feats, model) if hits and ans is not None and on_topic else 0.0
        code = verdict.decide(bool(hits), ans, conf, on_topic, shares, verdict.vouch_at(self.config.verdict, model))
        vouched = code in (verdict.ANSWERED, verdict.BY_MEANING)
        ms = ()
        if hits and answering.asks_for_measures(q.raw):
            best = hits[0].passage
            ms = answering.measures(best, self.section_passages(best.doc_id, best.chapter, best.section))
        return Result(q.raw, tuple(hits), ans if vouched else None, tuple(answering.terms_for_highlight(q)), vouched,
                      conf, shares, on_topic, code, None if vouched or not on_topic else ans, ms,
                      tuple(self.superseded.items()) if doc is None else ())

    def related(self, passage_id: str, k: int = 3, sentence: str | None = None) -> tuple[Counterpart, ...]:
        """上位依据 / 对照: the passages of the other documents that state the same measure or target as this passage,
        or as one `sentence` of it (a piece of its text: the sentence(s) it falls in are asked), best first, each
        with its citation and the two sentences that say the same; none when no other document says the same
        (never the nearest unrelated passage). BadQuery when `sentence` is not in the passage.

        A passage is read as a question against the other documents: their passages are ranked by BM25 with its
        words as the query, and one is kept when one of its sentences is as close in meaning to one of this
        passage's as a restatement is, it shares enough of the words, and it scores near the best. A sentence is
        asked alone the same way, ranked by its words' coverage and that closeness together ([related] settings:
        each way was chosen on the gold set's tuning part, where it beat the other)."""
        p = self.passage(passage_id)
        i = self._by_id[p.id]
        # the other documents: not this one's other versions (the same text again), nor any superseded version
        current = self.superseded.get(p.doc_id, p.doc_id)
        skip = {p.doc_id, current} | self.superseded.keys()
        others = ~np.isin(self._meta["doc"], list(skip))
        where = None if sentence is None else answering.locate(p.text, sentence)
        if sentence is not None and where is None:
            raise BadQuery(f"passage {p.id} has no sentence “{_short(sentence)}”: give a piece of its own text")
        if not others.any() or self.sentences is None:
            return ()
        units, vecs, mine2 = self._units(p, i)
        asked = p.text
        if where is not None:
            pick = [u for u, (a, b) in enumerate(units) if a < where[1] and where[0] < b]
            if pick:
                units, vecs = [units[u] for u in pick], vecs[pick]
                mine2 = None if mine2 is None else mine2[pick]
            else:                           # a piece too short to be a sentence unit of its own: itself
                units, mine2 = [where], None
                vecs = np.asarray(self.embedder.encode_passages([p.text[where[0]:where[1]]]), dtype=np.float32)
            asked = p.text[units[0][0]:units[-1][1]]
        cfg, n = self.config.related, len(self.passages)
        q = querying.parse(asked[:querying.MAX_QUERY_CHARS])
        words = np.where(others, self.store.signals(vecs.mean(axis=0), *self._query_words(q), n,
                                                    self.config.fusion.candidates, others)["words"], 0.0)
        close = self.sentences.best_pairs(vecs, n)
        mine2 = None if sentence is None else self._restatements(p, units, mine2)
        if sentence is None:
            score = np.where(others & (close >= cfg.same_measure) & (words >= cfg.min_shared), words, -np.inf)
        elif mine2 is None:                 # an index without restatement vectors: m3e-small's closeness alone
            score = np.where(others & (close >= cfg.sentence_measure) & (words >= cfg.min_shared),
                             words + cfg.meaning_weight * close, -np.inf)
        else:
            close = _mix(close, self.sentences.best_pairs(mine2, n, second=True), cfg.restate_share)
            score = np.where(others & (close >= cfg.restate_measure) & (words >= cfg.min_shared),
                             words + cfg.restate_weight * close, -np.inf)
        order = [int(j) for j in np.argsort(-score)[:max(1, int(k))] if np.isfinite(score[j])]
        if sentence is None:
            order = [j for j in order if score[j] >= cfg.near_best * score[order[0]]]
        out = []
        for r, j in enumerate(order, 1):
            theirs, their_vecs, theirs2 = self._units(self.passages[j], j)
            pair = vecs @ their_vecs.T
            theirs2 = None if mine2 is None else self._restatements(self.passages[j], theirs, theirs2)
            if theirs2 is not None:
                pair = _mix(pair, mine2 @ theirs2.T, cfg.restate_share)
            mine_at, their_at = np.unravel_index(int(np.argmax(pair)), (len(units), len(theirs)))
            out.append(Counterpart(r, self.passages[j], float(score[j]), float(close[j]), float(words[j]),
                                   self.citation(self.passages[j]), units[mine_at], theirs[their_at]))
        return tuple(out)

    def related_sentences(self, passage_id: str) -> list[tuple[int, int]]:
        """The sentences of a passage that `related` asks one by one ([start, end) spans, in order): its sentence
        units, a lead phrase or a short sentence read with the next one; none for an indicator row (one unit, asked
        whole, as is a passage whose stored sentences are of another segmentation). Asking any piece of a span asks
        that span, so a picker offers exactly these."""
        p = self.passage(passage_id)
        stored = self._stored_units(p, self._by_id[p.id])
        return stored[0] if stored else []

    def _stored_units(self, p: Passage, i: int) -> tuple[list[tuple[int, int]], slice] | None:
        """A passage's sentence units ([start, end) spans) and their rows among the stored sentences; None for an
        indicator row, an index without sentence vectors, or one whose sentences are of another segmentation."""
        if self.sentences is None:
            return None
        spans, rows = unit_spans(p), self.sentences.rows(i)
        return (spans, rows) if spans and len(spans) == rows.stop - rows.start else None

    def _restatements(self, p: Passage, units: list[tuple[int, int]], stored: np.ndarray | None
                      ) -> np.ndarray | None:
        """The restatement vectors of these units of p (kb/embed/e5.py): `stored` (their stored rows) where the units
        are stored sentences, else embedded now (a short piece, an indicator row); None for an index without them,
        or where the restatement model is missing and a unit would need it."""
        if self.sentences is None or self.sentences.second is None:
            return None
        if stored is not None:
            return stored
        return e5.encode([p.text[a:b] for a, b in units]) if e5.available() else None

    def _units(self, p: Passage, i: int) -> tuple[list[tuple[int, int]], np.ndarray, np.ndarray | None]:
        """A passage's sentence units ([start, end) spans), their stored vectors and their stored restatement
        vectors (None where the index has none); an indicator row (or a passage whose stored sentences are of
        another segmentation) is one unit, its passage vector, without a restatement vector."""
        stored = self._stored_units(p, i)
        if stored is None:
            qvec = np.asarray(self.embedder.encode_passages([embed_text(p)])[0], dtype=np.float32)
            return [(0, len(p.text))], qvec[None, :], None
        spans, rows = stored
        second = self.sentences.second
        return spans, self.sentences.vectors[rows], None if second is None else second[rows]

    @staticmethod
    def asks_each(query: str) -> bool:
        """A question put to every document by its wording (各文件对…怎么说): the faces answer it per document."""
        return querying.per_document(query) is not None

    def ask_each(self, query: str, k: int = 5) -> tuple[DocAnswer, ...]:
        """The question put to every document: each document's best vouched-for sentence (or its verdict that it
        does not say), side by side, in the index's order of documents. A question phrased for it
        (各文件对农村厕所改造怎么说) is asked as its topic (农村厕所改造)."""
        topic = querying.per_document(query) or query
        querying.parse(topic)                               # BadQuery for an empty one, before any search
        return tuple(DocAnswer(d.doc_id, d.title, self.ask(topic, k=k, doc=d.doc_id)) for d in self.documents
                     if d.doc_id in self._current_docs)

    def evidence(self, query: str, k: int = 10) -> tuple[list[Hit], Answer | None, dict[str, float]]:
        """What `ask` decides from: the hits, the answer sentence before the verdict, and the verdict's features
        (with `topic_gap`): bench/calibrate.py fits the confidence and the off-topic margin on exactly these."""
        q = querying.parse(query)
        hits, ans, feats = self._answer(q, k, None, None, None)
        return hits, ans, feats

    def _topic_gap(self, qvec: np.ndarray, signals: dict[str, np.ndarray], scope: Scope | None = None) -> float:
        """The question's cosine to the nearest everyday kind of question (kb/data/offtopic.txt) less its cosine to the
        nearest sentence of the documents (the best passage's dense cosine for an index without sentences)."""
        if self._kinds is None:
            kinds = np.asarray(self.embedder.encode_passages(list(verdict.offtopic_kinds())), dtype=np.float32)
            self._kinds = kinds / np.maximum(np.linalg.norm(kinds, axis=1, keepdims=True), 1e-12)
        near = signals.get("sentences")
        near = signals["dense"] if near is None else near
        if scope is not None:                   # the sentences of the documents asked, as their index alone has
            near = near[scope.mask]
        finite = near[np.isfinite(near)]
        if not finite.size:             # nothing indexed to compare with: no grounds to call the question off topic
            return -1.0
        return float(np.max(cosines(self._kinds, qvec), initial=-1.0)) - float(finite.max())

    def _answer(self, q: querying.Query, k: int, allowed, fusion: Fusion | None,
                signals: dict[str, np.ndarray] | None, scope: Scope | None = None
                ) -> tuple[list[Hit], Answer | None, dict[str, float]]:
        """The hits, the answer sentence before the verdict, and the verdict's features. The query is encoded
        once: ranking, the answer's sentences and the topic gap share it (a tuning run passes its signals). With a
        scope, the statistics (BM25, the nearby words, the idf the verdict reads, the sentences the topic gap
        compares with) are those of the documents asked."""
        qvec = self.embedder.encode_query(q.text)
        if signals is None:
            signals = self.signals(q, allowed, qvec, scope)
        hits = self._hits(q, max(1, int(k)), allowed, fusion, signals)
        cosines_of = self._sentence_cosines(qvec)
        ans = answering.extract(q, hits, self.config.answer, cosines_of)
        ans_cos = None
        if ans is not None and cosines_of is not None:
            src = next((h for h in hits if h.passage.id == ans.passage_id), None)
            if src is not None:
                ans_cos = answering.best_cosine(cosines_of(src), ans.start, ans.start + len(ans.text))
        idf, rarest = (), 1.0
        vocabulary = self.vocabulary if scope is None else scope.vocabulary
        if vocabulary is not None:
            idf = tuple((w, vocabulary.idf(w)) for w in dict.fromkeys(q.terms) if len(w) >= 2)
            rarest = vocabulary.idf("")
        ev = verdict.Evidence(ans_cos, bool(np.max(signals["words"], initial=0.0) > 0),
                              self._topic_gap(qvec, signals, scope), idf, rarest)
        return hits, ans, verdict.features(q, hits, ans, ev)

    # ---------------------------------------------------------------- reading
    def document(self, doc_id: str | None = None) -> Document:
        if doc_id is None:
            return self.documents[0]
        try:
            return self._docs[doc_id]
        except KeyError:
            raise KBError(f"no document {doc_id!r}: see `kb ls`") from None

    def passage(self, pid: str) -> Passage:
        try:
            return self.passages[self._by_id[pid]]
        except KeyError:
            raise KBError(f"no passage {pid!r}") from None

    def citation(self, p: Passage) -> Citation:
        """The passage's citation with the pages it really has (Citation.of with its document), computed once."""
        c = self._citations.get(p.id)
        if c is None:
            c = Citation.of(p, self._docs.get(p.doc_id))
            if p.doc_id in self._versioned:                    # versions side by side: told apart by their date
                c = dataclasses.replace(c, doc_version=self._docs[p.doc_id].date or p.doc_id)
            self._citations[p.id] = c
        return c

    def section_passages(self, doc_id: str, chapter: int, section: int) -> list[Passage]:
        return [p for p in self.passages if p.doc_id == doc_id and p.chapter == chapter and p.section == section]

    @staticmethod
    def highlight(text: str, terms) -> list[tuple[int, int]]:
        return answering.highlight(text, terms)

    def targets(self):
        from .targets import extract_targets
        return extract_targets(self.passages)

    def diff(self, doc_a: str, doc_b: str):
        """What changed from document doc_a to doc_b (two versions: a 草案 and its adopted text): every section and
        paragraph of either, aligned, classified same / reworded / added / removed / moved, each side cited, the
        changed figures called out (kb/diff.py Diff). KBError naming `kb ls` for an unknown id."""
        from .diff import compare
        a, b = self.document(doc_a), self.document(doc_b)
        return compare(a, b, [p for p in self.passages if p.doc_id == a.doc_id],
                       [p for p in self.passages if p.doc_id == b.doc_id], self.citation)
