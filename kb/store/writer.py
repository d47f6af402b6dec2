"""Writing the index folder: one writer at a time (a file lock), a new generation made current in one atomic
step (CURRENT replaced with os.replace), and what killed writers left recovered or removed. Layout: kb/store/folder.py."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np

from ingest.records import Document, Passage

from ..errors import IndexBusy, IndexCorrupt, KBError
from .folder import GEN, LOCK, MANIFEST, POINTER, SCHEMA, SOURCES, Generation, doc_to_json, generations, listing, pointer

LOCK_TIMEOUT = 600.0          # seconds a second writer waits for the first before giving up
_held = threading.local()     # index folder → (device, inode) of the lock file this thread holds


def checkpoint(step: str) -> None:
    """Called between the steps of a write; the fault-injection tests replace it to kill the process there."""


@contextmanager
def writer_lock(index_dir: str | Path, timeout: float = LOCK_TIMEOUT,
                on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the index's writer lock: a second writer calls on_wait, waits up to `timeout` seconds, then
    IndexBusy. Once held, whatever killed writers left is recovered or removed."""
    from filelock import FileLock, Timeout
    index_dir = Path(index_dir)
    _restore_legacy(index_dir)
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexCorrupt(f"{index_dir} is a file, not an index folder: name another with --index")
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        if (index_dir / LOCK).is_symlink():
            (index_dir / LOCK).unlink()             # damage: a link (dangling, looping) is never the lock file
        _clear_folder(index_dir / LOCK)             # a folder cannot be a lock, nor held by a writer
    except PermissionError as e:
        raise _not_writable(index_dir, e) from None
    lock = FileLock(str(index_dir / LOCK))
    try:
        try:
            lock.acquire(timeout=0)
        except PermissionError as e:
            raise _not_writable(index_dir, e) from None
        except Timeout:
            if on_wait is not None:
                on_wait()
            lock.acquire(timeout=timeout)
    except Timeout:
        raise IndexBusy(f"another `kb ingest` is writing {index_dir} (waited {timeout:g} s):"
                        " run the command again when it has finished") from None
    key = str(index_dir.resolve())
    held = getattr(_held, "locks", None)
    if held is None:
        held = _held.locks = {}
    try:
        held[key] = _file_id(index_dir / LOCK)
        _clean(index_dir)
        yield
    finally:
        held.pop(key, None)
        lock.release()


def _not_writable(index_dir: Path, e: OSError) -> KBError:
    import shlex
    return KBError(f"{index_dir} is not writable by this user ({e.strerror}): give it write permission"
                        f" (`chmod -R u+w {shlex.quote(str(index_dir))}`) or name another folder with --index")


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _lock_lost(index_dir: Path) -> bool:
    """The lock file this writer holds was deleted or replaced (a "stale lock" clean-up): another writer may have
    taken a new one and be writing too. (False outside writer_lock, as in the layout tests.)"""
    want = getattr(_held, "locks", {}).get(str(index_dir.resolve()))
    return want is not None and _file_id(index_dir / LOCK) != want


def _lost(index_dir: Path) -> IndexBusy:
    return IndexBusy(f"{index_dir}/{LOCK} was deleted or replaced while this ingest was writing, so another writer"
                     " may have started: this ingest changed nothing; run the command again")


def _restore_legacy(index_dir: Path) -> None:
    """The older layout swapped by two renames; a kill between them left the index only in `.NAME.old-*`."""
    if index_dir.exists():
        return
    olds = sorted(index_dir.parent.glob(f".{index_dir.name}.old-*"), key=lambda p: p.stat().st_mtime_ns)
    for old in reversed(olds):
        if (old / MANIFEST).exists():
            try:
                os.rename(old, index_dir)           # atomic; another writer doing the same makes this fail
            except OSError:
                pass
            return


def _clean(index_dir: Path) -> None:
    """Under the lock: remove unreferenced generations, pointer temp files and the older layout's leftovers."""
    ptr = _pointer_or_none(index_dir)
    if ptr is not None:
        keep = {ptr["generation"], ptr.get("previous")}
        for name in generations(index_dir):      # a killed writer's unfinished generation, or one it left
            if name not in keep:
                shutil.rmtree(index_dir / name, ignore_errors=True)
    for p in [*index_dir.glob(f".{POINTER}.tmp-*"), *index_dir.glob(f".{SOURCES}.tmp-*")]:
        p.unlink(missing_ok=True)
    for p in [*index_dir.parent.glob(f".{index_dir.name}.tmp-*"), *index_dir.parent.glob(f".{index_dir.name}.old-*")]:
        shutil.rmtree(p, ignore_errors=True)


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def write_generation(index_dir: str | Path, manifest: dict, passages: list[Passage], documents: list[Document],
                     embeddings: np.ndarray, hashes: list[str],
                     extra_writers: Iterable[Callable[[Path], None]] = ()) -> Generation:
    """Write a new generation and make it current. Call inside writer_lock(). A failure before the swap
    removes the new folder and leaves the current index as it was."""
    index_dir = Path(index_dir)
    prev_ptr = _pointer_or_none(index_dir)
    prev_legacy = prev_ptr is None and (index_dir / MANIFEST).exists()
    taken = [p.name for p in index_dir.iterdir() if GEN.match(p.name)]      # a file named like one too
    name = f"g{max([int(g[1:]) for g in taken] + [0]) + 1:06d}"
    folder = index_dir / name
    ptr_tmp = index_dir / f".{POINTER}.tmp-{os.getpid()}"
    swapped = False
    try:
        folder.mkdir()
        checkpoint("mkdir")
        _write_text(folder / "passages.jsonl",
                    "".join(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in passages))
        checkpoint("passages.jsonl")
        _write_text(folder / "documents.jsonl",
                    "".join(json.dumps(doc_to_json(d), ensure_ascii=False) + "\n" for d in documents))
        checkpoint("documents.jsonl")
        np.save(folder / "embeddings.npy", embeddings.astype(np.float32))
        checkpoint("embeddings.npy")
        _write_text(folder / "hashes.json", json.dumps(hashes))
        checkpoint("hashes.json")
        for write in extra_writers:
            write(folder)
            checkpoint(f"extra:{getattr(write, '__qualname__', write)}")
        for p in folder.rglob("*"):
            if p.is_file():
                _fsync(p)
        manifest = {**manifest, "schema": SCHEMA, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                    "files": listing(folder)}
        raw = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        with open(folder / MANIFEST, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        _fsync(folder, directory=True)
        checkpoint("manifest.json")
        if _lock_lost(index_dir):
            raise _lost(index_dir)
        _write_sources(index_dir, name, manifest)
        checkpoint("sources written")
        ptr = {"generation": name, "manifest_sha256": hashlib.sha256(raw).hexdigest(),
               "previous": prev_ptr["generation"] if prev_ptr else None}
        _write_synced(ptr_tmp, json.dumps(ptr) + "\n")
        checkpoint("pointer written")
        if _lock_lost(index_dir):
            raise _lost(index_dir)
        _clear_folder(index_dir / POINTER)
        os.replace(ptr_tmp, index_dir / POINTER)        # the one atomic step: from here the new index is served
        swapped = True
        checkpoint("pointer replaced")
        _fsync(index_dir, directory=True)
    except BaseException as e:
        if not swapped:
            shutil.rmtree(folder, ignore_errors=True)
            ptr_tmp.unlink(missing_ok=True)
            if isinstance(e, OSError) and _lock_lost(index_dir):     # the other writer cleared this one's folder
                raise _lost(index_dir) from None
        raise
    keep = {name, ptr["previous"]}
    for g in generations(index_dir):
        if g not in keep:
            shutil.rmtree(index_dir / g, ignore_errors=True)
            checkpoint(f"removed {g}")
    if prev_legacy:                                   # the older layout's files, now unused
        for p in index_dir.iterdir():
            if p.name in (POINTER, LOCK, SOURCES) or GEN.match(p.name) or p.name.startswith(f".{POINTER}"):
                continue
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        checkpoint("removed the older layout")
    return Generation(index_dir, folder, name, manifest)


def _write_sources(index_dir: Path, name: str, manifest: dict) -> None:
    """SOURCES at the index's root: each document's source path and digest and the model, replaced atomically
    before the pointer, so that a repair knows every document even when a generation or its manifest is lost."""
    rec = {"generation": name, "model": manifest.get("model"),
           "documents": [{k: d.get(k) for k in ("doc_id", "title", "source", "sha256")}
                         for d in manifest.get("documents", [])]}
    tmp = index_dir / f".{SOURCES}.tmp-{os.getpid()}"
    _write_synced(tmp, json.dumps(rec, ensure_ascii=False, indent=1) + "\n")
    _clear_folder(index_dir / SOURCES)
    os.replace(tmp, index_dir / SOURCES)


def _write_synced(path: Path, text: str) -> None:
    """Write a small file and flush it to disk, for an os.replace that must not expose a half-written one."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())


def _clear_folder(path: Path) -> None:
    """Damage: a folder where one of the index's files (CURRENT, SOURCES, .lock) belongs; os.replace and the lock
    cannot take its place, and nothing of the index lives in it."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def _pointer_or_none(index_dir: Path) -> dict | None:
    try:
        return pointer(index_dir)
    except IndexCorrupt:
        return None
