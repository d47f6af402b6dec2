"""Reading the index folder: generations of plain files, each listed with size and checksum in its manifest,
the current one named by the CURRENT pointer file (kb/store/writer.py writes them, one writer at a time).

    index/
      CURRENT            {"generation": "g000007", "manifest_sha256": …, "previous": "g000006"}
      .lock              held by the one writer (filelock; released by the kernel if the writer dies)
      g000007/           manifest.json, passages.jsonl, documents.jsonl, embeddings.npy, hashes.json,
                         sentences.npy, sentence_of.npy, restatements.npy (an index of several documents:
                         对照's second model), and the backend's files (dense.faiss, bm25_*/, …)
      g000006/           the generation before, kept so a reader that resolved it just before the swap finishes

A kill at any instant leaves CURRENT naming a complete, verified generation: the old one until the replace,
the new one after it. The next writer removes what a killed one left (unreferenced generations, pointer temp
files, and the `.NAME.tmp-*` / `.NAME.old-*` folders of the older rename-based layout, whose index it restores).
"""
from __future__ import annotations

import hashlib
import json
import re
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest.records import Block, BoxInfo, Chapter, Document, Passage, Report, Section, TocEntry

from ..errors import IndexCorrupt, IndexMissing

SCHEMA = 7                    # 7: generation folders, CURRENT pointer, per-file sizes and checksums
LEGACY_SCHEMA = 6             # one folder of files renamed into place; still read, converted by the next ingest
MANIFEST = "manifest.json"
POINTER = "CURRENT"
LOCK = ".lock"
SOURCES = "SOURCES"          # index root: every document's recorded source, readable without any generation


def _index_arg(index_dir: str | Path) -> str:
    """--index as advice names it: absolute, so that the line works as typed from any working directory."""
    return f"--index {shlex.quote(str(Path(index_dir).resolve()))}"


def repair_command(index_dir: str | Path) -> str:
    """The one command that repairs this index wherever it is run from: `kb --index /abs/path repair`."""
    return f"kb {_index_arg(index_dir)} repair"


def ingest_command(index_dir: str | Path, *folders: str | Path) -> str:
    """`kb --index /abs/path ingest FOLDER…`: the index named, so that it works from any working directory."""
    return f"kb {_index_arg(index_dir)} ingest " + " ".join(shlex.quote(str(f)) for f in folders)


def index_of(folder: Path) -> Path:
    """The index folder a generation folder belongs to (the folder itself in the older layout)."""
    return folder.parent if GEN.match(folder.name) else folder


def fix(index_dir: str | Path) -> str:
    """The advice every damage ends with: the repair rebuilds each document from its recorded source (or keeps it
    from the last intact generation when the source is gone), reusing intact vectors."""
    return f"repair it with `{repair_command(index_dir)}`"
GEN = re.compile(r"g(\d{6,})$")


@dataclass(frozen=True)
class Generation:
    """One complete index: the folder its files are in and its manifest."""
    index_dir: Path
    folder: Path
    name: str                 # "g000007"; "" for an index folder of the older (schema 6) layout
    manifest: dict

    @property
    def legacy(self) -> bool:
        return not self.name


@dataclass(frozen=True)
class Previous:
    """What a writer finds in the index it is about to replace: every part that is intact, None for the rest."""
    generation: Generation | None
    damaged: tuple[str, ...] = ()
    documents: list[Document] | None = None
    passages: list[Passage] | None = None
    embeddings: np.ndarray | None = None
    hashes: list[str] | None = None
    files: frozenset[str] = field(default_factory=frozenset)

    @property
    def manifest(self) -> dict | None:
        return self.generation.manifest if self.generation else None

    def intact(self, *names: str) -> bool:
        """The named files (or folder prefixes) exist in the previous generation and passed verification."""
        return self.generation is not None and all(
            n in self.files and not any(d == n or d.startswith(n + "/") for d in self.damaged) for n in names)


# ---------------------------------------------------------------- documents as JSON
def doc_to_json(d: Document) -> dict:
    return asdict(d)


def doc_from_json(d: dict) -> Document:
    d = dict(d)
    d["chapters"] = tuple(Chapter(c["number"], c["title"], c["page"], tuple(
        Section(s["chapter"], s["number"], s["title"], s["page"], tuple(s["subheadings"]), s.get("label", ""))
        for s in c["sections"]), c.get("label", ""), c.get("volume", ""), c.get("volume_title", ""),
        c.get("level", "")) for c in d["chapters"])
    d["boxes"] = tuple(BoxInfo(**b) for b in d["boxes"])
    d["blocks"] = tuple(Block(**{**b, "cells": tuple(tuple(c) for c in b["cells"]) if b["cells"] else None})
                        for b in d["blocks"])
    d["toc"] = tuple(TocEntry(**t) for t in d["toc"])
    d["page_breaks"] = tuple(tuple(x) for x in d["page_breaks"])
    d["report"] = Report.from_json(d["report"]) if d.get("report") else None
    return Document(**d)


# ---------------------------------------------------------------- checksums
def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def listing(folder: Path) -> dict[str, dict]:
    """Every file under folder but the manifest: relative path → size and sha256."""
    return {p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
            for p in sorted(folder.rglob("*")) if p.is_file() and p.relative_to(folder).as_posix() != MANIFEST}


def verify(gen: Generation) -> list[tuple[str, str]]:
    """Files of a generation that are missing, of the wrong size or checksum: [(file, what is wrong)]."""
    listed = gen.manifest.get("files")
    if not isinstance(listed, dict):
        return [(MANIFEST, "lists no files")]
    bad = []
    for name, want in listed.items():
        p = gen.folder / name
        try:
            size = p.stat().st_size
        except OSError:
            bad.append((name, "missing"))
            continue
        if not isinstance(want, dict) or size != want.get("size"):
            bad.append((name, f"{size} bytes, {want.get('size') if isinstance(want, dict) else '?'} expected"))
        elif _sha256(p) != want.get("sha256"):
            bad.append((name, "checksum differs"))
    return bad


# ---------------------------------------------------------------- resolving the current generation
def pointer(index_dir: Path) -> dict | None:
    """CURRENT as a dict, None when there is none; IndexCorrupt when it is unreadable."""
    try:
        raw = (index_dir / POINTER).read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise IndexCorrupt(f"{index_dir}/{POINTER} cannot be read ({e.strerror}): {fix(index_dir)}") from None
    try:
        ptr = json.loads(raw)
        if not (isinstance(ptr, dict) and GEN.match(str(ptr.get("generation"))) and ptr.get("manifest_sha256")):
            raise ValueError
    except ValueError:
        raise IndexCorrupt(f"{index_dir}/{POINTER} is damaged: {fix(index_dir)}") from None
    return ptr


def current_name(index_dir: Path) -> str | None:
    """The generation CURRENT names (None without one or when it is unreadable): readers compare it to see a swap."""
    try:
        ptr = pointer(Path(index_dir))
    except IndexCorrupt:
        return None
    return ptr["generation"] if ptr else None


def generations(index_dir: Path) -> list[str]:
    try:
        return sorted((p.name for p in index_dir.iterdir() if p.is_dir() and GEN.match(p.name)),
                      key=lambda n: int(n[1:]))
    except OSError:
        return []


def _load_manifest(path: Path, index_dir: Path, sha: str | None = None) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IndexCorrupt(f"{index_dir} is incomplete ({path.parent.name}/{MANIFEST} missing): {fix(index_dir)}") from None
    except OSError as e:
        raise IndexCorrupt(f"{path} cannot be read ({e.strerror}): {fix(index_dir)}") from None
    if sha is not None and hashlib.sha256(raw).hexdigest() != sha:
        raise IndexCorrupt(f"{path} is damaged (checksum differs from {POINTER}): {fix(index_dir)}")
    try:
        m = json.loads(raw)
    except ValueError:
        m = None
    if not isinstance(m, dict):
        raise IndexCorrupt(f"{path} is damaged: {fix(index_dir)}")
    return m


def current(index_dir: str | Path, check: bool = True) -> Generation:
    """The generation CURRENT names, its manifest checked against the pointer and (check=True) every file
    against the manifest; an index folder of the older layout is returned as it is (it has no checksums).
    IndexMissing / IndexCorrupt say what to run."""
    index_dir = Path(index_dir)
    ptr = pointer(index_dir)
    if ptr is None:
        if (index_dir / MANIFEST).exists():
            m = _load_manifest(index_dir / MANIFEST, index_dir)
            if m.get("schema") != LEGACY_SCHEMA:
                raise IndexCorrupt(f"{index_dir} was written by another version (schema {m.get('schema')},"
                                   f" need {SCHEMA}): {fix(index_dir)}")
            return Generation(index_dir, index_dir, "", m)
        if index_dir.is_dir() and any(p.name != LOCK for p in index_dir.iterdir()):
            if not recorded_sources(index_dir)[0]:     # a first ingest killed before its pointer: nothing to repair
                raise IndexMissing(f"{index_dir} holds no finished index yet: build it with"
                                   f" `{ingest_command(index_dir, 'corpus')}` (or your documents' folder)")
            raise IndexCorrupt(f"{index_dir} has no {POINTER} (no current index): {fix(index_dir)}")
        raise IndexMissing(f"no index at {index_dir}: build it with `{ingest_command(index_dir, 'corpus')}`"
                           " (or your documents' folder)")
    name = ptr["generation"]
    m = _load_manifest(index_dir / name / MANIFEST, index_dir, ptr["manifest_sha256"])
    if m.get("schema") != SCHEMA:
        raise IndexCorrupt(f"{index_dir} was written by another version (schema {m.get('schema')}, need {SCHEMA}): {fix(index_dir)}")
    gen = Generation(index_dir, index_dir / name, name, m)
    if check:
        bad = verify(gen)
        if bad:
            f, what = bad[0]
            more = f" and {len(bad) - 1} more" if len(bad) > 1 else ""
            raise IndexCorrupt(f"{index_dir} is damaged ({f}: {what}{more}): {fix(index_dir)}")
    return gen


def read_manifest(index_dir: str | Path) -> dict:
    """The current manifest (checked against CURRENT, files not verified)."""
    return current(index_dir, check=False).manifest


def current_folder(index_dir: str | Path) -> Path | None:
    """The folder of the current generation, or None when there is no readable one (for backends' own files)."""
    try:
        return current(index_dir, check=False).folder
    except (IndexCorrupt, IndexMissing):
        return None


# ---------------------------------------------------------------- reading
def _passages(folder: Path) -> list[Passage]:
    with open(folder / "passages.jsonl", encoding="utf-8") as f:
        return [Passage.from_json(json.loads(l)) for l in f if l.strip()]


def _documents(folder: Path) -> list[Document]:
    with open(folder / "documents.jsonl", encoding="utf-8") as f:
        return [doc_from_json(json.loads(l)) for l in f if l.strip()]


def _embeddings(folder: Path, m: dict) -> np.ndarray:
    emb = np.load(folder / "embeddings.npy", allow_pickle=False)
    if emb.ndim != 2 or emb.shape[0] != m.get("passages") or emb.shape[1] != m.get("dimension"):
        raise ValueError(f"{emb.shape} vectors for {m.get('passages')} passages of dimension {m.get('dimension')}")
    return emb


def _hashes(folder: Path, m: dict) -> list[str]:
    hashes = json.loads((folder / "hashes.json").read_text(encoding="utf-8"))
    if not isinstance(hashes, list) or len(hashes) != m.get("passages"):
        raise ValueError(f"hashes.json does not hold {m.get('passages')} hashes")
    return hashes


def _vectors(folder: Path, m: dict) -> tuple[np.ndarray, list[str]]:
    return _embeddings(folder, m), _hashes(folder, m)


_UNREADABLE = (OSError, ValueError, TypeError, KeyError, EOFError, AttributeError)


def read_index(gen: Generation) -> tuple[list[Passage], list[Document], np.ndarray, list[str]]:
    """Load and cross-check the files of a generation; IndexCorrupt with what to run when anything is off."""
    m, folder = gen.manifest, gen.folder
    try:
        passages = _passages(folder)
        documents = _documents(folder)
        emb, hashes = _vectors(folder, m)
    except FileNotFoundError as e:
        raise IndexCorrupt(f"{gen.index_dir} is incomplete ({Path(e.filename).name} missing): {fix(gen.index_dir)}") from None
    except _UNREADABLE as e:
        raise IndexCorrupt(f"{gen.index_dir} is damaged ({type(e).__name__}: {str(e)[:120]}): {fix(gen.index_dir)}") from None
    if len(passages) != m.get("passages"):
        raise IndexCorrupt(f"{gen.index_dir} is inconsistent ({len(passages)} passages, manifest says"
                           f" {m.get('passages')}): {fix(gen.index_dir)}")
    if not documents or {d.doc_id for d in documents} != {d.get("doc_id") for d in m.get("documents", [])}:
        raise IndexCorrupt(f"{gen.index_dir} is inconsistent ({len(documents)} documents in documents.jsonl,"
                           f" {len(m.get('documents', []))} in the manifest): {fix(gen.index_dir)}")
    return passages, documents, emb, hashes


def _newest_readable(index_dir: Path) -> Generation | None:
    """Without a usable CURRENT: the newest generation folder whose manifest reads (for a writer to reuse)."""
    for name in reversed(generations(index_dir)):
        try:
            m = _load_manifest(index_dir / name / MANIFEST, index_dir)
        except IndexCorrupt:
            continue
        if m.get("schema") == SCHEMA:
            return Generation(index_dir, index_dir / name, name, m)
    return None


def read_previous(index_dir: str | Path) -> Previous:
    """Everything intact in the index a writer is about to replace. Never raises for damage: what is damaged
    is rebuilt, what is intact (above all the vectors) is reused."""
    index_dir = Path(index_dir)
    try:
        gen = current(index_dir, check=False)
    except IndexMissing:
        return Previous(None)
    except IndexCorrupt:
        if current_name(index_dir) is not None:
            # the manifest CURRENT names is damaged: nothing of that generation can be verified, and an older
            # generation is older content (documents removed since would come back); rebuild from the sources
            return Previous(None, damaged=(MANIFEST,))
        gen = _newest_readable(index_dir)           # CURRENT itself is damaged or gone: the newest generation
        if gen is None:
            return Previous(None, damaged=(POINTER,))
        return _previous(gen, [POINTER])
    return _previous(gen, [])


def read_for_repair(index_dir: str | Path) -> Previous:
    """What a repair starts from: the current generation's intact parts when its manifest reads; when the manifest
    CURRENT names is damaged or its folder gone, the newest older generation that reads (its intact files verified),
    so that its documents and vectors are kept and reused rather than rebuilt from nothing."""
    index_dir = Path(index_dir)
    try:
        current(index_dir, check=False)
        return read_previous(index_dir)
    except (IndexCorrupt, IndexMissing):
        pass
    bad = current_name(index_dir)
    what = (f"{bad}/{MANIFEST}" if (index_dir / bad).is_dir() else bad) if bad else POINTER
    for name in reversed(generations(index_dir)):
        if name == bad:
            continue
        try:
            m = _load_manifest(index_dir / name / MANIFEST, index_dir)
        except IndexCorrupt:
            continue
        if m.get("schema") == SCHEMA:
            return _previous(Generation(index_dir, index_dir / name, name, m), [what])
    return Previous(None, damaged=(what,))


def recorded_sources(index_dir: str | Path) -> tuple[list[dict], str | None]:
    """Every document the index last held, with its source path and digest ({doc_id, source, sha256}), and the
    model it was embedded with: from the index's SOURCES file, else from the newest generation's manifest that
    still reads (its checksum aside). ([], None) when nothing records them."""
    index_dir = Path(index_dir)
    try:
        rec = json.loads((index_dir / SOURCES).read_text(encoding="utf-8"))
        docs = rec["documents"]
        if isinstance(docs, list) and all(isinstance(d, dict) and d.get("doc_id") and d.get("source") for d in docs):
            return docs, rec.get("model")
    except (OSError, ValueError, KeyError, TypeError):
        pass
    manifests = [index_dir / name / MANIFEST for name in reversed(generations(index_dir))]
    for path in manifests + [index_dir / MANIFEST]:     # the last: an index folder of the older layout
        try:
            m = json.loads(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(m, dict) and isinstance(m.get("documents"), list):
            return [d for d in m["documents"] if isinstance(d, dict) and d.get("doc_id") and d.get("source")], \
                m.get("model")
    return [], None


def _previous(gen: Generation, damaged: list[str]) -> Previous:
    if gen.legacy:
        files = {p.relative_to(gen.folder).as_posix() for p in gen.folder.rglob("*") if p.is_file()}
    else:
        files = set(gen.manifest.get("files") or {})
        damaged += [f for f, _ in verify(gen)]
        if "files" not in gen.manifest:
            damaged.append(MANIFEST)
    m = gen.manifest
    prev = {}
    for key, names, read in (("documents", ("documents.jsonl",), lambda: _documents(gen.folder)),
                             ("passages", ("passages.jsonl",), lambda: _passages(gen.folder)),
                             ("embeddings", ("embeddings.npy",), lambda: _embeddings(gen.folder, m)),
                             ("hashes", ("hashes.json",), lambda: _hashes(gen.folder, m))):
        if any(n in damaged or n not in files for n in names):
            continue
        try:
            prev[key] = read()
        except _UNREADABLE:
            damaged += names
    if "passages" in prev and len(prev["passages"]) != m.get("passages"):
        damaged.append("passages.jsonl")
        del prev["passages"]
    return Previous(gen, tuple(dict.fromkeys(damaged)), prev.get("documents"), prev.get("passages"),
                    prev.get("embeddings"), prev.get("hashes"), frozenset(files))
