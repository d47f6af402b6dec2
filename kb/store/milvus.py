"""The Milvus backend: dense vectors and Milvus's own BM25 over our jieba words and bigrams, behind the Store
protocol of kb/store/__init__.py."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.records import Passage

from ..config import Config, IndexCfg, environment
from ..errors import BackendUnavailable, IndexCorrupt
from .signals import corpora as token_lists
from . import read_meta, write_meta
from .folder import current_folder

try:
    from pymilvus import DataType, Function, FunctionType, MilvusClient
    from pymilvus.exceptions import MilvusException
except ImportError as e:  # backends.store_class turns this into BackendUnavailable naming the packages
    raise ImportError(f"pymilvus is not installed ({e})") from None

log = logging.getLogger(__name__)

META = "milvus.json"
MAX_VARCHAR = 65535            # bytes, Milvus's ceiling for one VARCHAR value
MAX_TOPK = 16384               # Milvus's ceiling for limit (and offset + limit) of one request
MAX_FILTER_IDS = 20000         # a filter longer than this searches unfiltered and leaves the mask to fusion
BM25 = {"metric_type": "BM25"}
BATCH = 500
EMPTY = "∅"                    # stands in for a text with no tokens, as in kb/signals.Lexical
FIX = "rebuild it with `KB_BACKEND=milvus kb ingest corpus --replace`"


def default_uri(index_dir: Path) -> str:
    """Milvus Lite beside (not inside) the index folder, which is written to a temp folder and renamed."""
    index_dir = Path(index_dir).resolve()
    return str(index_dir.parent / f"{index_dir.name}.milvus.db")


def collection_prefix(index_dir: Path) -> str:
    return "kb_" + hashlib.sha1(str(Path(index_dir).resolve()).encode()).hexdigest()[:12]


def is_lite(uri: str) -> bool:
    return "://" not in uri


_clients: dict[str, MilvusClient] = {}


def lite_held_elsewhere(uri: str) -> bool:
    """Whether another process holds Milvus Lite's lock on this database (its LOCK file, an advisory flock)."""
    import fcntl
    lock = Path(uri) / "LOCK"
    try:
        fd = os.open(lock, os.O_RDWR)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    except OSError:
        return True
    finally:
        os.close(fd)


def connect(uri: str) -> MilvusClient:
    """One client per URI per process (Milvus Lite serves a data folder from this process, one per folder)."""
    if uri in _clients:
        return _clients[uri]
    if is_lite(uri) and lite_held_elsewhere(uri):      # asked before Milvus Lite logs a traceback about it
        raise BackendUnavailable(
            f"the Milvus Lite database {uri} is open in another process (Milvus Lite serves one process at a"
            " time): stop the other app or `kb` command using this index, or serve it with a Milvus server"
            " and set KB_MILVUS_URI (docs/MILVUS.md)")
    try:
        if is_lite(uri):
            if not uri.endswith(".db"):
                raise BackendUnavailable(f"KB_MILVUS_URI={uri}: a Milvus Lite path must end in .db")
            client = MilvusClient(uri)
        else:
            env = environment()
            client = MilvusClient(uri=uri, token=env.milvus_token, timeout=env.milvus_timeout)
    except BackendUnavailable:
        raise
    except Exception as e:  # noqa: BLE001 — connection failures come in many types (grpc, MilvusException, OSError)
        hint = ("pip install milvus-lite" if is_lite(uri) and "milvus-lite" in str(e)
                else "start Milvus or set KB_MILVUS_URI")
        raise BackendUnavailable(f"cannot reach Milvus at {uri} ({type(e).__name__}: {str(e).splitlines()[0][:160]}):"
                                 f" {hint}") from None
    _clients[uri] = client
    return client


def term(token: str) -> str:
    """One of our tokens as a term every Milvus analyzer keeps whole and unchanged: its UTF-8 bytes in lowercase
    hex behind a letter (`t` + hex). Milvus 2.5 documents only the standard, jieba and (2.5.11+, special builds)
    lindera tokenizers; standard splits on punctuation and, like Unicode word breaking, may split ideographs;
    whitespace exists from 2.6 on. An ASCII letter-and-digit run is one term for all of them and for Milvus Lite."""
    return "t" + token.encode("utf-8").hex()


def terms(tokens: list[str]) -> str:
    """A field's text: the tokens bm25s indexes (kb/store/signals.corpora), encoded, space-separated."""
    return " ".join(term(t) for t in tokens)


ANALYZER = {"tokenizer": "standard"}     # documented in Milvus 2.5 and implemented by Milvus Lite


def _clip(text: str) -> str:
    b = text.encode("utf-8")
    if len(b) <= MAX_VARCHAR:
        return text or term(EMPTY)
    log.warning("text of %d bytes clipped to Milvus's VARCHAR limit", len(b))
    return b[:MAX_VARCHAR].decode("ascii", errors="ignore").rsplit(" ", 1)[0]     # whole terms only


def _bm25_field(schema, name: str, analyzer: dict) -> None:
    schema.add_field(name, DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True, analyzer_params=analyzer)
    schema.add_field(f"{name}_bm25", DataType.SPARSE_FLOAT_VECTOR)
    schema.add_function(Function(name=f"{name}_fn", function_type=FunctionType.BM25,
                                 input_field_names=[name], output_field_names=[f"{name}_bm25"]))


def _bm25_index(params, name: str, cfg: IndexCfg) -> None:
    # k1, b as the default backend's bm25s (config.IndexCfg); Milvus's IDF is Lucene's, as is bm25s's default
    params.add_index(field_name=f"{name}_bm25", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                     params={"bm25_k1": cfg.bm25_k1, "bm25_b": cfg.bm25_b})


class MilvusStore:
    """Passage i is primary key i of the passage collection; sections live in a second collection."""
    name = "milvus"

    def __init__(self, client: MilvusClient, uri: str, passages: str, sections: str, section_of: np.ndarray,
                 kind: str, ef: int, prefix: str, cfg: IndexCfg = IndexCfg()):
        self.cfg = cfg
        self.client, self.uri = client, uri
        self.passages, self.sections = passages, sections
        self.section_of = section_of
        self.kind, self.ef, self.prefix = kind, ef, prefix
        self._best: dict[tuple[str, str], dict[str, float]] = {}

    # ---------------------------------------------------------------- build / save / load
    @classmethod
    def build(cls, passages: list[Passage], vectors: np.ndarray, config: Config, index_dir=None) -> "MilvusStore":
        """Create a fresh generation of collections and insert everything; the live generation is left alone."""
        index_dir = Path(index_dir or "index")
        uri = environment().milvus_uri or default_uri(index_dir)
        lite = is_lite(uri)
        if lite:
            uri = str(Path(uri).resolve())
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
        client = connect(uri)
        prefix = collection_prefix(index_dir)
        live = set()
        try:
            live = set(json.loads((current_folder(index_dir) / META).read_text(encoding="utf-8"))["collections"].values())
        except (OSError, ValueError, KeyError, TypeError):
            pass
        gen = f"{prefix}_{time.time_ns():x}"
        names = {"passages": f"{gen}_p", "sections": f"{gen}_s"}
        try:
            for old in client.list_collections():   # leftovers of earlier builds of this folder
                if old.startswith(prefix + "_") and old not in live:
                    client.drop_collection(old)
            n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
            hnsw = n > config.index.exact_up_to
            schema = MilvusClient.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("dense", DataType.FLOAT_VECTOR, dim=int(dim))
            schema.add_field("section", DataType.INT64)
            _bm25_field(schema, "words", ANALYZER)
            _bm25_field(schema, "titles", ANALYZER)
            _bm25_field(schema, "bigrams", ANALYZER)
            params = client.prepare_index_params()
            if hnsw:
                params.add_index(field_name="dense", index_type="HNSW", metric_type="COSINE",
                                 params={"M": config.index.hnsw_m, "efConstruction": config.index.hnsw_ef_construction})
            else:
                params.add_index(field_name="dense", index_type="FLAT", metric_type="COSINE", params={})
            for f in ("words", "titles", "bigrams"):
                _bm25_index(params, f, config.index)
            client.create_collection(names["passages"], schema=schema, index_params=params, consistency_level="Strong")

            corpora, section_of = token_lists(passages)
            sschema = MilvusClient.create_schema(auto_id=False)
            sschema.add_field("id", DataType.INT64, is_primary=True)
            _bm25_field(sschema, "text", ANALYZER)
            sparams = client.prepare_index_params()
            _bm25_index(sparams, "text", config.index)
            client.create_collection(names["sections"], schema=sschema, index_params=sparams, consistency_level="Strong")

            rows = [{"id": i, "dense": vectors[i].astype(np.float32).tolist(), "section": int(section_of[i]),
                     "words": _clip(terms(corpora["words"][i])), "titles": _clip(terms(corpora["titles"][i])),
                     "bigrams": _clip(terms(corpora["bigrams"][i]))} for i in range(len(passages))]
            for s in range(0, len(rows), BATCH):
                client.insert(names["passages"], rows[s:s + BATCH])
            srows = [{"id": j, "text": _clip(terms(t))} for j, t in enumerate(corpora["section"])]
            for s in range(0, len(srows), BATCH):
                client.insert(names["sections"], srows[s:s + BATCH])
            for c in names.values():
                client.flush(c)
        except MilvusException as e:
            for c in names.values():
                try:
                    client.drop_collection(c)
                except MilvusException:
                    pass
            raise BackendUnavailable(f"Milvus at {uri} refused the index ({e.message if hasattr(e, 'message') else e})") from None
        return cls(client, uri, names["passages"], names["sections"], section_of,
                   "milvus-hnsw" if hnsw else "milvus-flat", config.index.hnsw_ef_search, prefix, config.index)

    def save(self, folder: Path) -> None:
        write_meta(folder, META, {"uri": self.uri, "collections": {"passages": self.passages, "sections": self.sections},
                                  "kind": self.kind, "prefix": self.prefix})

    @classmethod
    def load(cls, folder: Path, config: Config, n: int, manifest: dict) -> "MilvusStore":
        folder = Path(folder)
        meta = read_meta(folder, META, "Milvus connection", FIX, required=("uri", "collections"))
        uri, cols = meta["uri"], meta["collections"]
        if not isinstance(cols, dict) or "passages" not in cols or "sections" not in cols:
            raise IndexCorrupt(f"{folder}/{META} is damaged: {FIX}")
        passages, sections = cols["passages"], cols["sections"]
        if is_lite(uri) and not Path(uri).exists():
            raise IndexCorrupt(f"the Milvus Lite database {uri} of {folder} is gone: {FIX}")
        client = connect(uri)
        try:
            for c in (passages, sections):
                if not client.has_collection(c):
                    raise IndexCorrupt(f"Milvus at {uri} has no collection {c} for {folder}: {FIX}")
            client.load_collection(passages)
            client.load_collection(sections)
            count = int(client.query(passages, filter="", output_fields=["count(*)"])[0]["count(*)"])
            if count != n:
                raise IndexCorrupt(f"Milvus collection {passages} holds {count} passages, {folder} has {n}: {FIX}")
            section_of = np.zeros(n, dtype=np.int64)
            for lo in range(0, n, MAX_TOPK):       # by primary-key range: Milvus caps one query at MAX_TOPK rows
                for r in client.query(passages, filter=f"id >= {lo} and id < {lo + MAX_TOPK}",
                                      output_fields=["id", "section"], limit=MAX_TOPK):
                    section_of[r["id"]] = r["section"]
        except MilvusException as e:
            raise BackendUnavailable(f"Milvus at {uri} failed to open {passages} ({getattr(e, 'message', e)}):"
                                     f" check the server or {FIX}") from None
        kind = meta.get("kind", "milvus-flat")
        return cls(client, uri, passages, sections, section_of, kind, config.index.hnsw_ef_search,
                   meta.get("prefix", ""), config.index)

    # ---------------------------------------------------------------- search
    def _search(self, collection: str, anns: str, data: list, limit: int, params: dict, filter: str = "") -> list:
        return self.client.search(collection, data=data, anns_field=anns, limit=limit, filter=filter,
                                  search_params=params, output_fields=["id"])

    def _ceiling(self, collection: str, field: str, toks: list[str]) -> float:
        """Sum over the query's terms of the best BM25 score each reaches alone (cached per term): dividing
        by it gives query coverage, as kb/signals.Lexical.scores(coverage=True) does."""
        best = self._best.setdefault((collection, field), {})
        todo = [t for t in toks if t not in best]
        if todo:
            res = self._search(collection, f"{field}_bm25", [term(t) for t in todo], 1, BM25)
            if len(best) > 100_000:
                best.clear()
            best.update({t: (abs(r[0]["distance"]) if len(r) else 0.0) for t, r in zip(todo, res)})
        return sum(best[t] for t in toks)

    def _bm25(self, collection: str, field: str, toks: list[str], n_total: int, limit: int,
              filter: str = "") -> np.ndarray:
        out = np.zeros(n_total, dtype=np.float32)
        if n_total == 0 or not toks:
            return out
        res = self._search(collection, f"{field}_bm25", [terms(toks)], min(limit, n_total, MAX_TOPK), BM25, filter)
        if not res[0]:
            return out
        ceiling = self._ceiling(collection, field, toks)
        if ceiling > 0:
            for hit in res[0]:
                out[hit["id"]] = abs(hit["distance"]) / ceiling   # Milvus Lite reports BM25 negated, as a distance
        return out

    def _dense(self, qvec: np.ndarray, n: int, limit: int, filter: str = "") -> np.ndarray:
        out = np.full(n, -np.inf, dtype=np.float32)
        if n == 0:
            return out
        k = min(limit, n, MAX_TOPK)
        params = {"metric_type": "COSINE", "params": {"ef": max(self.ef, k)} if self.kind == "milvus-hnsw" else {}}
        res = self._search(self.passages, "dense", [np.asarray(qvec, dtype=np.float32).ravel().tolist()], k,
                           params, filter)
        for hit in res[0]:
            out[hit["id"]] = hit["distance"]
        return out

    def signals(self, qvec: np.ndarray, words: list[str], bigrams: list[str], n: int,
                candidates: int, allowed: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Full-length arrays like FaissStore.signals. Fusion looks at each signal's top `candidates`, so that is
        all Milvus is asked for; with a filter (`allowed`), Milvus searches only the allowed passages."""
        words, bigrams = list(dict.fromkeys(words)), list(dict.fromkeys(bigrams))
        limit, flt = max(candidates, 1), ""
        if allowed is not None:
            ids = np.flatnonzero(allowed)
            if ids.size <= MAX_FILTER_IDS:
                flt = f"id in [{','.join(map(str, ids))}]"
            else:
                limit = max(candidates * self.cfg.overfetch, 1)
        n_sec = int(self.section_of.max()) + 1 if n else 0
        jobs = {
            "dense": (self._dense, qvec, n, limit, flt),
            "words": (self._bm25, self.passages, "words", words, n, limit, flt),
            "bigrams": (self._bm25, self.passages, "bigrams", bigrams, n, limit, flt),
            "titles": (self._bm25, self.passages, "titles", words, n, limit, flt),
            "section": (self._bm25, self.sections, "text", words, n_sec, n_sec),
        }
        futures = {name: _pool().submit(*job) for name, job in jobs.items()}
        out = {name: f.result() for name, f in futures.items()}
        out["section"] = out["section"][self.section_of] if n else np.zeros(0, dtype=np.float32)
        return out


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """The five searches of a query go out together (gRPC calls release the GIL)."""
    return ThreadPoolExecutor(max_workers=5, thread_name_prefix="kb-milvus")
