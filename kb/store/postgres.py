"""The PostgreSQL backend: pgvector for the dense signal and BM25 computed in SQL over postings of exactly the
jieba words, bigrams, titles and sections that bm25s indexes, behind the Store protocol of kb/store/__init__.py.

Each ingest writes a new generation (one schema: passages, postings, stats) in one transaction; the index
folder's postgres.json names the generation it serves, so the folder rename stays the one commit point.
A process serving a generation holds a shared advisory lock on it; old generations are dropped only when
nobody holds one.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
import weakref
from collections import Counter
from pathlib import Path

import numpy as np

from ingest.records import Passage

from ..config import Config, IndexCfg, environment
from ..errors import BackendUnavailable, ConfigError, IndexCorrupt
from .signals import corpora as token_lists
from . import read_meta, write_meta
from .folder import current_folder

try:
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo
    from pgvector.psycopg import register_vector
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError as e:  # backends.store_class turns this into BackendUnavailable naming the packages
    raise ImportError(f"psycopg 3 / pgvector / psycopg-pool are not installed ({e})") from None

META = "postgres.json"
FIX = "rebuild it with `KB_BACKEND=postgres kb ingest corpus --replace`"
FIELDS = ("words", "bigrams", "titles", "section")     # postings.field is the position in this tuple


# ---------------------------------------------------------------- settings (KB_PG_*, read in kb/config.py)
def configured_dsn() -> str | None:
    """KB_PG_DSN, checked: one that libpq cannot read (quotes copied with it, a stray word) is refused in one line
    that shows the form to write."""
    dsn = environment().pg_dsn
    if dsn:
        checked(dsn, "KB_PG_DSN")
    return dsn


def checked(dsn: str, what: str) -> str:
    try:
        conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as e:
        msg = str(e).strip().splitlines()[0][:160] if str(e).strip() else "not a connection string"
        raise ConfigError(f"{what}={dsn!r} is not a libpq connection string ({msg}): write it without the outer"
                          " quotes, as `export KB_PG_DSN='host=127.0.0.1 port=5432 user=postgres dbname=postgres'`"
                          " (`make pg` prints that line for the local server)") from None
    return dsn


def _timeout() -> int:
    return environment().pg_timeout


def _pool_size() -> int:
    return environment().pg_pool


def public_dsn(dsn: str) -> str:
    """The DSN without its password: what the index folder records (libpq finds the password in
    PGPASSWORD or ~/.pgpass, or KB_PG_DSN gives it)."""
    d = conninfo_to_dict(dsn)
    d.pop("password", None)
    return make_conninfo(**d)


def where(dsn: str) -> str:
    try:
        d = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "KB_PG_DSN (not a connection string)"
    return f"{d.get('host', 'localhost')}:{d.get('port', 5432)}/{d.get('dbname', d.get('user', ''))}"


def generation_prefix(index_dir: Path) -> str:
    return "kb_" + hashlib.sha1(str(Path(index_dir).resolve()).encode()).hexdigest()[:12]


def lock_key(schema: str) -> int:
    return int.from_bytes(hashlib.sha1(schema.encode()).digest()[:8], "big", signed=True)


# ---------------------------------------------------------------- connections, one set per DSN per process
_lock = threading.Lock()
_pools: dict[str, ConnectionPool] = {}
_holders: dict[str, tuple[psycopg.Connection, threading.Lock]] = {}


def _connect(dsn: str, **kw) -> psycopg.Connection:
    try:
        return psycopg.connect(dsn, connect_timeout=_timeout(), **kw)
    except psycopg.Error as e:
        msg = str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
        raise BackendUnavailable(f"cannot reach PostgreSQL at {where(dsn)} ({msg}): start it (`make pg` for a local"
                                 " one) or set KB_PG_DSN") from None


def _configure(conn: psycopg.Connection) -> None:
    register_vector(conn)
    conn.commit()


def pool(dsn: str) -> ConnectionPool:
    """Queries of this process share one pool per DSN (threads each take a connection)."""
    with _lock:
        if dsn not in _pools:
            _connect(dsn).close()                          # fail now with a sentence, not in the pool's thread
            # check: a connection broken by a server restart is replaced before use, not handed to a query
            _pools[dsn] = ConnectionPool(dsn, min_size=1, max_size=_pool_size(), configure=_configure,
                                         check=ConnectionPool.check_connection, timeout=_timeout(),
                                         kwargs={"connect_timeout": _timeout()}, open=True, name="kb-pg")
        return _pools[dsn]


def _holder(dsn: str) -> tuple[psycopg.Connection, threading.Lock]:
    """The connection that holds this process's advisory locks (session locks live as long as it does)."""
    with _lock:
        h = _holders.get(dsn)
        if h is None or h[0].closed:
            h = _holders[dsn] = (_connect(dsn, autocommit=True), threading.Lock())
        return h


def _hold(dsn: str, schema: str) -> None:
    conn, lk = _holder(dsn)
    with lk:
        conn.execute("SELECT pg_advisory_lock_shared(%s)", (lock_key(schema),))


def _release(dsn: str, schema: str) -> None:
    h = _holders.get(dsn)
    if h is None or h[0].closed:
        return
    try:
        with h[1]:
            h[0].execute("SELECT pg_advisory_unlock_shared(%s)", (lock_key(schema),))
    except Exception:  # noqa: BLE001 — clean-up at exit or after a lost connection: the server drops the lock itself
        pass


def drop_stale(dsn: str, prefix: str, keep: set[str]) -> list[str]:
    """Drop this index's generations that are neither kept nor served by any process; the names dropped."""
    dropped = []
    with _connect(dsn, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s",
                                            (prefix.replace("_", r"\_") + r"\_%",))]
        for name in names:
            if name in keep:
                continue
            key = lock_key(name)
            if conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()[0]:
                try:
                    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))
                    dropped.append(name)
                finally:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
    return dropped


def _ensure_vector(dsn: str) -> None:
    with _connect(dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
            return
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.errors.UniqueViolation:
            pass                                            # another process created it at the same moment
        except psycopg.Error as e:
            raise BackendUnavailable(f"PostgreSQL at {where(dsn)} cannot create the pgvector extension"
                                     f" ({str(e).strip().splitlines()[0][:160]}): install pgvector on the server"
                                     " and run `CREATE EXTENSION vector` as a superuser") from None


# ---------------------------------------------------------------- what is indexed
def postings(passages: list[Passage]) -> tuple[list[tuple[int, str, int, int, int]], list[tuple[int, int, float]],
                                               np.ndarray]:
    """Rows (field, term, doc, tf, doc length) and (field, documents, mean length) from the very corpora
    bm25s indexes (kb/store/signals.corpora), and passage → section document."""
    corpora, section_of = token_lists(passages)
    rows, stats = [], []
    for f, name in enumerate(FIELDS):
        docs = corpora[name]
        for d, toks in enumerate(docs):
            for term, tf in Counter(toks).items():
                rows.append((f, term, d, tf, len(toks)))
        stats.append((f, len(docs), float(np.mean([len(t) for t in docs])) if docs else 1.0))
    return rows, stats, section_of


SCHEMA_SQL = """
CREATE SCHEMA {s};
CREATE TABLE {s}.passages (
    id       integer PRIMARY KEY,          -- row i of the index folder's passages.jsonl
    pid      text NOT NULL,                -- Passage.id
    doc_id   text NOT NULL,
    chapter  integer NOT NULL,
    sec      integer NOT NULL,
    box      text,
    page     integer,
    section  integer NOT NULL,             -- the passage's section document (postings field 3)
    text     text NOT NULL,
    embedding vector({dim}) NOT NULL
);
CREATE TEMP TABLE kb_tf (field smallint, term text, doc integer, tf integer, dl integer) ON COMMIT DROP;
CREATE TABLE {s}.stats (field smallint PRIMARY KEY, n integer NOT NULL, avgdl double precision NOT NULL);
CREATE TABLE {s}.postings (
    field  smallint NOT NULL,              -- 0 words, 1 bigrams, 2 titles, 3 section
    term   text NOT NULL,
    docs   integer[] NOT NULL,             -- the documents holding the term, ascending
    scores double precision[] NOT NULL,    -- BM25 of the term in each of them
    best   double precision NOT NULL,      -- max(scores): the term's share of a query's ceiling
    PRIMARY KEY (field, term)
);
"""

# BM25 computed by PostgreSQL from the term frequencies, at ingest as bm25s does (its "eager" index): document
# frequency counted over the postings, Lucene's IDF, Robertson's TF part (bm25s's "lucene" method).
SCORE_SQL = """
INSERT INTO {s}.postings (field, term, docs, scores, best)
SELECT field, term, array_agg(doc ORDER BY doc), array_agg(score ORDER BY doc), max(score)
FROM (SELECT t.field, t.term, t.doc,
             ln(1 + (st.n - t.df + 0.5) / (t.df + 0.5)) * t.tf / (t.tf + %(k1)s * (1 - %(b)s + %(b)s * t.dl / st.avgdl))
             AS score
      FROM (SELECT *, count(*) OVER (PARTITION BY field, term) AS df FROM kb_tf) t
      JOIN {s}.stats st ON st.field = t.field) x
GROUP BY field, term
"""

INDEX_SQL = """
CREATE INDEX ON {s}.passages USING hnsw (embedding vector_ip_ops) WITH (m = {m}, ef_construction = 80);
ANALYZE {s}.passages;
ANALYZE {s}.postings;
"""

# A query's BM25 per (field, document): the sum of its terms' scores; each field's ceiling (the sum of each
# term's best score, for query coverage); the top `limit` documents per field (every section).
BM25_SQL = """
WITH q(field, term) AS (SELECT * FROM unnest(%(f)s::smallint[], %(t)s::text[])),
p AS MATERIALIZED (SELECT p.field, p.docs, p.scores, p.best
                   FROM q JOIN {s}.postings p ON p.field = q.field AND p.term = q.term),
c AS (SELECT field, sum(best) AS ceiling FROM p GROUP BY field),
d AS MATERIALIZED (SELECT p.field, u.doc, sum(u.score) AS score
                   FROM p CROSS JOIN LATERAL unnest(p.docs, p.scores) AS u(doc, score) GROUP BY p.field, u.doc)
SELECT c.field, t.doc, t.score, c.ceiling FROM c CROSS JOIN LATERAL (
    SELECT d.doc, d.score FROM d
    WHERE d.field = c.field AND (c.field = 3 OR %(allowed)s::integer[] IS NULL OR d.doc = ANY(%(allowed)s::integer[]))
    ORDER BY d.score DESC, d.doc
    LIMIT CASE WHEN c.field = 3 THEN NULL ELSE %(limit)s END) t
"""


class PgStore:
    """Passage i is row id i of the generation's passages table; sections are postings field 3."""
    name = "postgres"

    def __init__(self, dsn: str, schema: str, section_of: np.ndarray, kind: str, ef: int, prefix: str, dim: int,
                 cfg: IndexCfg = IndexCfg()):
        self.k1, self.b = cfg.bm25_k1, cfg.bm25_b        # as the default backend's bm25s (Lucene IDF, Robertson TF)
        self.dsn, self.schema, self.section_of = dsn, schema, section_of
        self.kind, self.ef, self.prefix, self.dim = kind, ef, prefix, dim
        _hold(dsn, schema)
        self._finalizer = weakref.finalize(self, _release, dsn, schema)
        self._s = sql.Identifier(schema)

    # ---------------------------------------------------------------- build / save / load
    @classmethod
    def build(cls, passages: list[Passage], vectors: np.ndarray, config: Config, index_dir=None) -> "PgStore":
        """Write a fresh generation in one transaction; the generation being served is left alone."""
        dsn = configured_dsn()
        if not dsn:
            raise BackendUnavailable("KB_BACKEND=postgres needs KB_PG_DSN (a libpq DSN such as 'host=127.0.0.1"
                                     " port=5432 user=kb dbname=kb'): start a local server with `make pg`")
        index_dir = Path(index_dir or "index")
        prefix = generation_prefix(index_dir)
        live = set()                  # the schema served now (readers of older ones hold advisory locks)
        try:
            live.add(json.loads((current_folder(index_dir) / META).read_text(encoding="utf-8"))["schema"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        _ensure_vector(dsn)
        drop_stale(dsn, prefix, live)
        n, dim = vectors.shape if vectors.ndim == 2 and vectors.shape[0] else (0, vectors.shape[-1] if vectors.ndim == 2 else 0)
        if not dim:
            raise BackendUnavailable("the postgres backend needs at least one passage with a vector")
        schema = f"{prefix}_{time.time_ns():x}"
        s = sql.Identifier(schema)
        rows, stats, section_of = postings(passages)
        with _connect(dsn) as conn:
            register_vector(conn)
            conn.commit()                                   # the type lookup opened a transaction
            try:
                with conn.transaction():
                    conn.execute("SET LOCAL maintenance_work_mem = '512MB'")
                    conn.execute(sql.SQL(SCHEMA_SQL).format(s=s, dim=sql.Literal(int(dim))))
                    with conn.cursor().copy(sql.SQL("COPY {}.passages (id, pid, doc_id, chapter, sec, box, page, section,"
                                                    " text, embedding) FROM STDIN WITH (FORMAT BINARY)").format(s)) as cp:
                        cp.set_types(["int4", "text", "text", "int4", "int4", "text", "int4", "int4", "text", "vector"])
                        for i, p in enumerate(passages):
                            cp.write_row((i, p.id, p.doc_id, p.chapter, p.section, p.box, p.page, int(section_of[i]),
                                          p.text, np.asarray(vectors[i], dtype=np.float32)))
                    with conn.cursor().copy("COPY kb_tf (field, term, doc, tf, dl) FROM STDIN") as cp:
                        for r in rows:
                            cp.write_row(r)
                    with conn.cursor().copy(sql.SQL("COPY {}.stats (field, n, avgdl) FROM STDIN").format(s)) as cp:
                        for r in stats:
                            cp.write_row(r)
                    conn.execute(sql.SQL(SCORE_SQL).format(s=s), {"k1": config.index.bm25_k1, "b": config.index.bm25_b})
                    conn.execute(sql.SQL(INDEX_SQL).format(s=s, m=sql.Literal(int(config.index.hnsw_m))))
                    _before_commit(conn, schema)
                    # served from the moment it commits: a concurrent ingest's clean-up must not drop it
                    _hold(dsn, schema)
            except psycopg.Error as e:
                _release(dsn, schema)
                raise BackendUnavailable(f"PostgreSQL at {where(dsn)} refused the index"
                                         f" ({str(e).strip().splitlines()[0][:200]}); the index served before is"
                                         " unchanged") from None
        kind = "pg-hnsw" if n > config.index.exact_up_to else "pg-exact"
        store = cls(dsn, schema, np.asarray(section_of, dtype=np.int64), kind, config.index.hnsw_ef_search, prefix, int(dim),
                    config.index)
        _release(dsn, schema)                               # the store now holds its own lock
        return store

    def save(self, folder: Path) -> None:
        write_meta(folder, META, {"dsn": public_dsn(self.dsn), "schema": self.schema, "kind": self.kind,
                                  "prefix": self.prefix, "dimension": self.dim})

    @classmethod
    def load(cls, folder: Path, config: Config, n: int, manifest: dict) -> "PgStore":
        folder = Path(folder)
        meta = read_meta(folder, META, "PostgreSQL connection", FIX, required=("schema", "dsn"))
        schema = meta["schema"]
        dsn = configured_dsn() or checked(meta["dsn"], f"the DSN recorded in {folder}")
        try:
            with pool(dsn).connection() as conn:
                if not conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone():
                    raise IndexCorrupt(f"PostgreSQL at {where(dsn)} has no schema {schema} for {folder}: {FIX}")
                rows = conn.execute(sql.SQL("SELECT section FROM {}.passages ORDER BY id").format(
                    sql.Identifier(schema))).fetchall()
        except (psycopg.Error, PoolTimeout) as e:
            raise BackendUnavailable(f"PostgreSQL at {where(dsn)} failed to open {schema} ({type(e).__name__}):"
                                     " check the server (`make pg` starts the local one)") from None
        if len(rows) != n:
            raise IndexCorrupt(f"PostgreSQL schema {schema} holds {len(rows)} passages, {folder} has {n}: {FIX}")
        section_of = np.array([r[0] for r in rows], dtype=np.int64)
        kind = "pg-hnsw" if n > config.index.exact_up_to else "pg-exact"
        return cls(dsn, schema, section_of, kind, config.index.hnsw_ef_search, meta.get("prefix", ""),
                   int(meta.get("dimension", manifest.get("dimension", 0))), config.index)

    # ---------------------------------------------------------------- search
    def bm25(self, conn, terms: dict[str, list[str]], limit: int, allowed: np.ndarray | None = None
             ) -> dict[str, tuple[np.ndarray, np.ndarray, dict[int, float]]]:
        """Raw BM25 per field: (document ids, scores, {field: ceiling}) computed by PostgreSQL."""
        f, t = [], []
        for name, toks in terms.items():
            for tok in dict.fromkeys(toks):
                f.append(FIELDS.index(name))
                t.append(tok)
        out: dict[str, tuple[list, list]] = {name: ([], []) for name in terms}
        ceilings: dict[str, float] = {}
        if f:
            ids = None if allowed is None else [int(i) for i in np.flatnonzero(allowed)]
            for field, doc, score, ceiling in conn.execute(
                    sql.SQL(BM25_SQL).format(s=self._s),
                    {"f": f, "t": t, "k1": self.k1, "b": self.b, "allowed": ids, "limit": limit}):
                name = FIELDS[field]
                out[name][0].append(doc)
                out[name][1].append(score)
                ceilings[name] = ceiling
        return {name: (np.asarray(d, dtype=np.int64), np.asarray(s, dtype=np.float64), ceilings.get(name, 0.0))
                for name, (d, s) in out.items()}

    def _dense(self, conn, qvec: np.ndarray, n: int, limit: int, allowed: np.ndarray | None) -> np.ndarray:
        out = np.full(n, -np.inf, dtype=np.float32)
        if n == 0:
            return out
        k = min(limit, n)
        if self.kind == "pg-hnsw":       # approximate, as FAISS past exact_up_to; ef at least the rows asked
            conn.execute(sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(min(max(self.ef, k), 1000))))
            if allowed is not None:
                conn.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        else:                            # exact, as FAISS's flat index below exact_up_to
            conn.execute("SET LOCAL enable_indexscan = off")
        q = np.asarray(qvec, dtype=np.float32).ravel()
        flt = sql.SQL("") if allowed is None else sql.SQL("WHERE id = ANY(%(ids)s::integer[])")
        query = sql.SQL("SELECT id, -(embedding <#> %(q)s) FROM {}.passages {} ORDER BY embedding <#> %(q)s"
                        " LIMIT %(k)s").format(self._s, flt)
        params = {"q": q, "k": k}
        if allowed is not None:
            params["ids"] = [int(i) for i in np.flatnonzero(allowed)]
        for i, sim in conn.execute(query, params):
            out[i] = sim
        return out

    def signals(self, qvec: np.ndarray, words: list[str], bigrams: list[str], n: int,
                candidates: int, allowed: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Full-length arrays like FaissStore.signals: the top `candidates` of each signal (what fusion looks
        at), every section; with a filter, only the allowed passages. One transaction, two statements."""
        limit = max(candidates, 1)
        n_sec = int(self.section_of.max()) + 1 if n else 0
        out = {}
        try:
            with pool(self.dsn).connection() as conn:
                with conn.transaction():
                    out["dense"] = self._dense(conn, qvec, n, limit, allowed)
                    raw = self.bm25(conn, {"words": words, "bigrams": bigrams, "titles": words, "section": words},
                                    limit, allowed)
        except (psycopg.Error, PoolTimeout) as e:
            raise BackendUnavailable(f"PostgreSQL at {where(self.dsn)} failed to search {self.schema}"
                                     f" ({type(e).__name__}: {str(e).strip().splitlines()[0][:160] if str(e).strip() else ''}):"
                                     " check the server (`make pg` starts the local one)") from None
        for name, (docs, scores, ceiling) in raw.items():
            size = n_sec if name == "section" else n
            arr = np.zeros(size, dtype=np.float32)
            if ceiling > 0 and docs.size:
                arr[docs] = scores / ceiling
            out[name] = arr[self.section_of] if name == "section" and n else (
                arr if name != "section" else np.zeros(0, dtype=np.float32))
        return out


def _before_commit(conn, schema: str) -> None:
    """Fault-injection point for the tests (a kill between filling a generation and committing it)."""
