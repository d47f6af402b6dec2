"""The index folder: plain files plus manifest.json, written to a temporary folder and renamed into place."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ingest.records import Block, BoxInfo, Chapter, Document, Passage, Report, Section, TocEntry

from .errors import IndexCorrupt, IndexMissing

SCHEMA = 6
MANIFEST = "manifest.json"
FILES = ("manifest.json", "passages.jsonl", "documents.jsonl", "embeddings.npy", "hashes.json")


def doc_to_json(d: Document) -> dict:
    return asdict(d)


def doc_from_json(d: dict) -> Document:
    d = dict(d)
    d["chapters"] = tuple(Chapter(c["number"], c["title"], c["page"], tuple(
        Section(s["chapter"], s["number"], s["title"], s["page"], tuple(s["subheadings"]), s.get("label", ""))
        for s in c["sections"]), c.get("label", "")) for c in d["chapters"])
    d["boxes"] = tuple(BoxInfo(**b) for b in d["boxes"])
    d["blocks"] = tuple(Block(**{**b, "cells": tuple(tuple(c) for c in b["cells"]) if b["cells"] else None})
                        for b in d["blocks"])
    d["toc"] = tuple(TocEntry(**t) for t in d["toc"])
    d["page_breaks"] = tuple(tuple(x) for x in d["page_breaks"])
    d["report"] = Report.from_json(d["report"]) if d.get("report") else None
    return Document(**d)


def write_index(index_dir: Path, manifest: dict, passages: list[Passage], documents: list[Document],
                embeddings: np.ndarray, hashes: list[str], extra_writers=()) -> None:
    """Write every file into a sibling temp folder, then swap it in; a crash leaves the old index intact."""
    index_dir = Path(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{index_dir.name}.tmp-", dir=index_dir.parent))
    try:
        with open(tmp / "passages.jsonl", "w", encoding="utf-8") as f:
            for p in passages:
                f.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
        with open(tmp / "documents.jsonl", "w", encoding="utf-8") as f:
            for d in documents:
                f.write(json.dumps(doc_to_json(d), ensure_ascii=False) + "\n")
        np.save(tmp / "embeddings.npy", embeddings.astype(np.float32))
        (tmp / "hashes.json").write_text(json.dumps(hashes), encoding="utf-8")
        for write in extra_writers:
            write(tmp)
        manifest = {**manifest, "schema": SCHEMA, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        old = None
        if index_dir.exists():
            old = index_dir.with_name(f".{index_dir.name}.old-{os.getpid()}-{time.time_ns()}")
            os.rename(index_dir, old)
        os.rename(tmp, index_dir)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_manifest(index_dir: Path) -> dict:
    index_dir = Path(index_dir)
    path = index_dir / MANIFEST
    if not path.exists():
        if index_dir.exists() and any(index_dir.iterdir()):
            raise IndexCorrupt(f"{index_dir} has no manifest.json: rebuild it with `kb ingest corpus`")
        raise IndexMissing(f"no index at {index_dir}: build it with `kb ingest corpus` (or `make index`)")
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexCorrupt(f"{path} is damaged: rebuild the index with `kb ingest corpus`") from None
    if not isinstance(m, dict) or m.get("schema") != SCHEMA:
        raise IndexCorrupt(f"{index_dir} was written by another version (schema {m.get('schema') if isinstance(m, dict) else '?'},"
                           f" need {SCHEMA}): rebuild it with `kb ingest corpus`")
    return m


def read_index(index_dir: Path) -> tuple[dict, list[Passage], list[Document], np.ndarray, list[str]]:
    """Load and cross-check the files; IndexCorrupt with what to run when anything is off."""
    index_dir = Path(index_dir)
    m = read_manifest(index_dir)
    fix = "rebuild the index with `kb ingest corpus`"
    try:
        with open(index_dir / "passages.jsonl", encoding="utf-8") as f:
            passages = [Passage.from_json(json.loads(l)) for l in f if l.strip()]
        with open(index_dir / "documents.jsonl", encoding="utf-8") as f:
            documents = [doc_from_json(json.loads(l)) for l in f if l.strip()]
        emb = np.load(index_dir / "embeddings.npy", allow_pickle=False)
        hashes = json.loads((index_dir / "hashes.json").read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise IndexCorrupt(f"{index_dir} is incomplete ({Path(e.filename).name} missing): {fix}") from None
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise IndexCorrupt(f"{index_dir} is damaged ({type(e).__name__}): {fix}") from None
    n = m.get("passages")
    if len(passages) != n or emb.shape[0] != n or len(hashes) != n:
        raise IndexCorrupt(f"{index_dir} is inconsistent ({len(passages)} passages, {emb.shape[0]} vectors,"
                           f" manifest says {n}): {fix}")
    if emb.ndim != 2 or emb.shape[1] != m.get("dimension"):
        raise IndexCorrupt(f"{index_dir} vectors have dimension {emb.shape[-1]}, manifest says {m.get('dimension')}: {fix}")
    return m, passages, documents, emb, hashes
