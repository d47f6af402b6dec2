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


@lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.load_userdict(str(USER_DICT))
    tk.initialize()
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
