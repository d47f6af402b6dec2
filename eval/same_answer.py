#!/usr/bin/env python3
"""Keep only the questions whose answer is not the answer of a question in other files.

    python3 eval/same_answer.py ALL.jsonl OUT.jsonl --against eval/blind/test.jsonl eval/fresh/test.jsonl

A question is dropped when one of its quotes shares at least half of the shorter span with a quote of the other
files (normalised as the matching rule does: no whitespace, no punctuation). Unanswerable questions (no quotes)
are all kept. Used twice: the second tuning set keeps no test question's answer (tuning on it would be tuning on
that answer), and eval/fresh/novel.jsonl keeps the second test set's questions whose answers no tuning question has.
"""
import argparse
import json
import unicodedata
from difflib import SequenceMatcher


def norm(t):
    return "".join(c for c in t if not c.isspace() and not unicodedata.category(c).startswith("P"))


def same_answer(a, b):
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size / max(1, min(len(a), len(b))) >= 0.5


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--against", nargs="+", required=True)
    a = ap.parse_args()
    others = [norm(q) for f in a.against for line in open(f, encoding="utf-8") for q in json.loads(line)["quotes"]]
    kept, dropped = [], 0
    for line in open(a.src, encoding="utf-8"):
        r = json.loads(line)
        if any(same_answer(norm(q), t) for q in r["quotes"] for t in others):
            dropped += 1
        else:
            kept.append(r)
    with open(a.dst, "w", encoding="utf-8") as f:
        for r in kept:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{a.src}: kept {len(kept)}, dropped {dropped} whose answer is another file's")


if __name__ == "__main__":
    main()
