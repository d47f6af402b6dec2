"""Turn a quote typed by hand into the exact substring of the saved file (punctuation width and
PDF line-internal spaces may differ in the typing; the result is always copied from the file)."""
import pathlib, re

ROOT = pathlib.Path(__file__).resolve().parents[2]
FILES = {
    "weibin-14th-five-year-plan-outline": ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt",
}
for p in sorted((ROOT / "eval" / "related" / "docs").glob("*.txt")):
    FILES[p.stem] = p

_MAP = {"，": ",", "；": ";", "：": ":", "（": "(", "）": ")", "“": '"', "”": '"', "！": "!",
        "％": "%", "＋": "+", "？": "?"}


def _norm(s):
    out, idx = [], []
    for i, ch in enumerate(s):
        if ch in " \t\u3000":
            continue
        out.append(_MAP.get(ch, ch))
        idx.append(i)
    return "".join(out), idx


_cache = {}


def text(doc):
    if doc not in _cache:
        t = FILES[doc].read_text(encoding="utf-8")
        _cache[doc] = (t,) + _norm(t)
    return _cache[doc]


def locate(doc, quote):
    t, n, idx = text(doc)
    q, _ = _norm(quote)
    hits = [m.start() for m in re.finditer(re.escape(q), n)]
    if not hits:
        raise KeyError(f"{doc}: not found: {quote}")
    s = idx[hits[0]]
    e = idx[hits[0] + len(q) - 1] + 1
    exact = t[s:e]
    if "\n" in exact:
        raise ValueError(f"{doc}: crosses a line: {quote}")
    return exact, len(hits)
