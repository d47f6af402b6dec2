"""Ingest on a Ray cluster: documents parsed by Ray tasks, texts embedded by Ray actors that load the model once each.

KnowledgeBase.sync stays the one writer: it hashes the files, decides what is unchanged, takes the writer lock, builds
the store and swaps the generation in, exactly as without Ray. Only two steps are handed to the cluster:

- parsing: one task per document to (re)parse; the file's bytes travel with it (the nodes need no shared folder),
  and a task whose worker dies is run again (Ray's `max_retries`);
- embedding: the texts still to embed, sorted by length and cut into slices, go to one actor per CPU of the cluster;
  an actor that dies is restarted (its model loaded again) and its slices are run again (`max_restarts`,
  `max_task_retries`).

Ray is an optional extra (`pip install '.[ray]'`) imported only here, and only when an address is given.
"""
from __future__ import annotations

import logging
import os
import socket
import tempfile
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Iterable, Iterator

import numpy as np

from .errors import KBError

INSTALL = "pip install '.[ray]'"
RETRIES = 3                 # a parse task, an embedding actor and its slices are each retried this often
SLICE = 128                 # texts per embedding call to an actor: a multiple of the embedders' batches (16, 32)
PARSE_WINDOW = 2            # parse tasks in flight per CPU: bounds the file bytes held in the object store
ACTOR_PREFIX = "kb-embed-"
STALL_FOR_TESTS = "KB_TEST_STALL_PARSE"    # tests only (unset anywhere else): see _stall_for_a_test


def import_ray():
    """The ray module, or KBError saying how to install it."""
    try:
        import ray
    except ImportError:
        raise KBError(f"--ray needs Ray, which is not installed: run `{INSTALL}`") from None
    return ray


def _reachable(address: str, timeout: float = 5.0) -> None:
    """KBError at once when host:port does not answer (ray.init would retry it for minutes); other addresses
    ("auto", "local", ray://…) are left to Ray."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "/" in address:
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout).close()
    except OSError as e:
        raise KBError(f"cannot reach the Ray cluster at {address} ({e.strerror or type(e).__name__}): start one with"
                      " `ray start --head`, or use --ray local") from None


# ---------------------------------------------------------------- what runs on the workers
def _stall_for_a_test(name: str) -> None:
    """A test's hook, inert unless KB_TEST_STALL_PARSE=FOLDER is in the worker's environment: the first attempt to
    parse NAME while FOLDER/NAME.stall exists renames that file to NAME.PID.stalled and waits there (until the file
    is gone, 60 s at most), so the test can kill a worker that is surely inside a parse. A retry finds no .stall."""
    folder = os.environ.get(STALL_FOR_TESTS)
    if not folder:
        return
    mark = Path(folder) / f"{name}.stall"
    taken = mark.with_name(f"{name}.{os.getpid()}.stalled")
    try:
        os.rename(mark, taken)              # atomic: one attempt takes it
    except OSError:
        return
    deadline = time.monotonic() + 60
    while taken.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def parse_file(name: str, data: bytes, meta: bytes | None, where: str, config) -> tuple[str, object]:
    """Parse one document from its bytes in a scratch folder under its own name (the document id and the
    recorded file name come from the name): (this worker's pipeline fingerprint, the Document or the BadDocument
    message, naming the file where it lies on the driver)."""
    import ingest
    from .knowledge import pipeline_fingerprint
    _stall_for_a_test(name)
    with tempfile.TemporaryDirectory(prefix="kb-parse-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        if meta is not None:
            path.with_name(path.stem + ".meta.json").write_bytes(meta)
        try:
            doc: object = ingest.load(path)
        except ingest.BadDocument as e:
            doc = str(e).replace(tmp, where)
    return pipeline_fingerprint(config), doc


class EmbedWorker:
    """One per CPU of the cluster: loads the model once, then embeds slice after slice."""

    def __init__(self, model: str, runtime: str):
        from .embed import load_embedder
        self.embedder, self.error = None, None
        try:
            self.embedder = load_embedder(model, runtime)
        except Exception as e:  # noqa: BLE001 — said by info(), in the driver's words, rather than a dead actor
            self.error = f"{type(e).__name__}: {e}"

    def info(self) -> tuple[str | None, str, int, int]:
        """(why the model did not load, model id, dimension, process id): the driver checks the first three;
        tests kill the process."""
        if self.embedder is None:
            return self.error, "", 0, os.getpid()
        return None, self.embedder.model_id, int(self.embedder.dim), os.getpid()

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.embedder.encode_passages(texts), dtype=np.float32)


# ---------------------------------------------------------------- the driver's side
class RayEngine:
    """A connection to a Ray cluster for one sync, made on first use (an unchanged corpus never connects).
    `address` is what ray.init takes: host:port of a running cluster, "auto", or "local" (a cluster started
    for this run and stopped by close()). A process already connected to Ray uses that connection."""

    def __init__(self, address: str):
        self.address = address
        self._ray = None
        self._started = False
        self._actors: list = []

    def _connect(self):
        if self._ray is not None:
            return self._ray
        ray = import_ray()
        if not ray.is_initialized():
            _reachable(self.address)
            try:
                ray.init(address=self.address, logging_level=logging.ERROR, log_to_driver=False,
                         include_dashboard=False if self.address == "local" else None)
            except (ConnectionError, RuntimeError, ValueError) as e:
                raise KBError(f"cannot reach the Ray cluster at {self.address} ({str(e).splitlines()[0][:160]}):"
                              " start one with `ray start --head`, or use --ray local") from None
            self._started = True
        self._ray = ray
        return ray

    def cpus(self) -> int:
        return max(1, int(self._connect().cluster_resources().get("CPU", 1)))

    def parse(self, files: Iterable[Path], config, fingerprint: str) -> Iterator[object]:
        """Each file's Document (or BadDocument message), in order, parsed on the cluster."""
        files = list(files)
        if not files:
            return
        ray = self._connect()
        task = ray.remote(num_cpus=1, max_retries=RETRIES)(parse_file)
        window = PARSE_WINDOW * self.cpus()
        config_ref = ray.put(config)
        todo, inflight = deque(files), deque()

        def submit():
            f = todo.popleft()
            side = f.with_name(f.stem + ".meta.json")
            meta = side.read_bytes() if side.exists() else None
            inflight.append(task.remote(f.name, f.read_bytes(), meta, str(f.parent), config_ref))

        while todo and len(inflight) < window:
            submit()
        while inflight:
            theirs, doc = self._get(inflight.popleft())
            if theirs != fingerprint:
                raise KBError(f"the Ray workers run other ingest code (pipeline {theirs}, here {fingerprint}):"
                              f" install this version on every node (`{INSTALL}`)")
            if todo:
                submit()
            yield doc

    def _get(self, ref):
        ray = self._ray
        try:
            return ray.get(ref)
        except (ray.exceptions.RayActorError, ray.exceptions.WorkerCrashedError,
                ray.exceptions.NodeDiedError) as e:
            raise KBError(f"a Ray worker died {RETRIES + 1} times; nothing was written"
                          f" ({type(e).__name__}): see the workers' logs, then run the ingest again") from None

    def embedder(self, model: str, runtime: str, model_id: str) -> "RayEmbedder":
        return RayEmbedder(self, model, runtime, model_id)

    def close(self) -> None:
        """Stop this run's actors; disconnect from (and, for "local", stop) a cluster this engine connected to."""
        ray = self._ray
        if ray is None:
            return
        for a in self._actors:
            try:
                ray.kill(a, no_restart=True)
            except Exception:  # noqa: BLE001 — an actor already gone is what we want
                pass
        self._actors.clear()
        if self._started:
            ray.shutdown()
        self._ray = None


class RayEmbedder:
    """What _embed_reusing needs of an embedder (dim, encode_passages), with the work spread over actors,
    started on first use: one per CPU of the cluster, each loading the model once."""

    def __init__(self, engine: RayEngine, model: str, runtime: str, model_id: str):
        self.engine, self.model, self.runtime, self.model_id = engine, model, runtime, model_id
        self._dim: int | None = None
        self._actors: list = []

    def _start(self) -> list:
        if self._actors:
            return self._actors
        eng = self.engine
        ray = eng._connect()
        run = uuid.uuid4().hex[:8]
        Worker = ray.remote(EmbedWorker)
        self._actors = [Worker.options(name=f"{ACTOR_PREFIX}{run}-{i}", num_cpus=1, max_restarts=RETRIES,
                                       max_task_retries=RETRIES).remote(self.model, self.runtime)
                        for i in range(eng.cpus())]
        eng._actors += self._actors
        infos = [eng._get(a.info.remote()) for a in self._actors]
        for error, theirs, _dim, _pid in infos:
            if error:
                raise KBError(f"a Ray worker cannot load model {self.model!r}: {error}")
            if theirs != self.model_id:
                raise KBError(f"the Ray workers load model {theirs!r}, here {self.model_id!r}:"
                              " install the same model on every node")
        self._dim = infos[0][2]
        return self._actors

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._start()
        return self._dim

    def encode_passages(self, texts, batch_size: int = 16, progress=None) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        actors = self._start()
        ray = self.engine._ray
        # sorted by length as the embedders sort, so each slice is padded little and batched as in one process
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        slices = deque(order[b:b + SLICE] for b in range(0, len(order), SLICE))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        inflight: dict = {}
        done = 0

        def submit(actor):
            if slices:
                idx = slices.popleft()
                inflight[actor.encode.remote([texts[i] for i in idx])] = (actor, idx)

        for a in actors:            # two slices each: an actor never waits for the driver between slices
            submit(a)
            submit(a)
        while inflight:
            ready, _ = ray.wait(list(inflight), num_returns=1)
            actor, idx = inflight.pop(ready[0])
            out[idx] = self.engine._get(ready[0])
            done += len(idx)
            submit(actor)
            if progress:
                progress(done / len(texts))
        return out
