"""jieba tokens (with this domain's user dictionary) and character bigrams for the lexical index."""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

USER_DICT = Path(__file__).parent / "data" / "userdict.txt"
_WORD = re.compile(r"[\w\u4e00-\u9fff]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_lock = threading.Lock()
# jieba's HMM (finalseg.viterbi) copies its best path at every character, so a run of Han characters that its
# dictionary cannot cut costs time quadratic in the run's length (a 200,000-character run: minutes). Planning
# text's longest run between two punctuation marks is under 50 characters; a longer run is cut every RUN characters.
RUN = 100
_LONG_RUN = re.compile("[\u4e00-\u9fd5]{%d,}" % (RUN + 1))


CACHE_FORMAT = 1          # of the prefix dictionary's cache file below


class _PrefixDict:
    """jieba's prefix dictionary (word or word prefix → frequency), read one first character at a time from a cache
    file instead of whole: jieba unmarshals all ~500,000 entries before its first cut (0.9 s on an idle 2-core
    machine, 2.5 s under load, in every `kb` command and before an app's first answer), where a question needs a
    few dozen. The cuts are jieba's own, on the same entries (a test compares them on every gallery document).
    Only what jieba's Tokenizer uses of its FREQ dict: `in`, `[]`, `.get`, `[]=` (its user dictionary)."""

    def __init__(self, blob: bytes):
        import marshal
        n = int.from_bytes(blob[:8], "little")
        self._index, self.total = marshal.loads(blob[8:8 + n])
        self._data = memoryview(blob)[8 + n:]
        self._buckets: dict[str, dict[str, int]] = {}

    @staticmethod
    def pack(freq: dict[str, int], total: int) -> bytes:
        import marshal
        buckets: dict[str, dict[str, int]] = {}
        for w, f in freq.items():
            buckets.setdefault(w[0], {})[w] = f
        index, parts, at = {}, [], 0
        for ch, d in buckets.items():
            b = marshal.dumps(d)
            index[ch] = (at, at + len(b))
            at += len(b)
            parts.append(b)
        head = marshal.dumps((index, total))
        return len(head).to_bytes(8, "little") + head + b"".join(parts)

    def _bucket(self, ch: str) -> dict[str, int]:
        b = self._buckets.get(ch)
        if b is None:
            import marshal
            span = self._index.get(ch)
            b = self._buckets[ch] = marshal.loads(self._data[span[0]:span[1]]) if span else {}
        return b

    def __contains__(self, w: str) -> bool:
        return bool(w) and w in self._bucket(w[0])

    def __getitem__(self, w: str) -> int:
        return self._bucket(w[0])[w]

    def get(self, w: str, default=None):
        return self._bucket(w[0]).get(w, default) if w else default

    def __setitem__(self, w: str, freq: int) -> None:
        self._bucket(w[0])[w] = freq


def _prefix_dict(tk) -> _PrefixDict:
    """The prefix dictionary of jieba's default dictionary: from its cache file in the temp folder (named for jieba's
    version and dictionary file, its payload checked by SHA-256), else built with jieba's own gen_pfdict and cached
    (written atomically; an unwritable temp folder only costs the building again next time)."""
    import hashlib
    import os
    import tempfile

    import jieba
    dict_file = Path(jieba.__file__).parent / "dict.txt"
    st = dict_file.stat()
    key = hashlib.sha256(f"{CACHE_FORMAT}|{jieba.__version__}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()
    path = Path(tempfile.gettempdir()) / f"kb-jieba-{key[:16]}.cache"
    try:
        raw = path.read_bytes()
        blob, digest = raw[:-32], raw[-32:]
        if hashlib.sha256(blob).digest() == digest:
            return _PrefixDict(blob)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    freq, total = tk.gen_pfdict(tk.get_dict_file())
    blob = _PrefixDict.pack(freq, total)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob + hashlib.sha256(blob).digest())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass
    return _PrefixDict(blob)


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    with tk.lock:
        tk.FREQ = _prefix_dict(tk)
        tk.total = tk.FREQ.total
        tk.initialized = True          # jieba's initialize() would unmarshal the whole dictionary
    tk.load_userdict(str(USER_DICT))
    return tk


def words(text: str) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without punctuation and spaces."""
    text = _LONG_RUN.sub(lambda m: " ".join(m[0][i:i + RUN] for i in range(0, len(m[0]), RUN)), text)
    with _lock:
        toks = _tokenizer().lcut_for_search(text)
    return [t.lower() for t in toks if t.strip() and _WORD.search(t)]


def bigrams(text: str) -> list[str]:
    """Overlapping character bigrams of the text's letters and digits (punctuation and spaces dropped)."""
    t = "".join(ch.lower() for ch in text if ch.isalnum())
    return [t[i:i + 2] for i in range(len(t) - 1)] or ([t] if t else [])
