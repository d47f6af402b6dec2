#!/usr/bin/env python3
"""Check that every quote of an evaluation jsonl file occurs inside ONE line of the corpus.

Matching rule (same as eval/DEV-README.md): remove every whitespace character and
every Unicode punctuation character (category P*) from both the quote and the line; the
normalised quote must be a substring of the normalised line.

Usage: python3 eval/check_quotes.py eval/heldout.jsonl [--corpus corpus/weibin-14th-five-year-plan-outline.txt]
Exit status 0 when every quote matches and every record is well formed, 1 otherwise.
"""
import argparse
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CORPUS = os.path.join(HERE, "..", "corpus", "weibin-14th-five-year-plan-outline.txt")
TYPES = {"keyword", "question", "paraphrase", "number", "list", "quote", "colloquial", "project",
         "table", "period", "measures", "yesno", "what", "none"}
FIELDS = ["id", "question", "quotes", "where", "type"]
OPTIONAL = {"kind"}      # eval/kinds: which kind of question (yesno, what, person, procedure, fee, figure, plan_absent)


def norm(text):
    return "".join(c for c in text
                   if not c.isspace() and not unicodedata.category(c).startswith("P"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("jsonl")
    ap.add_argument("--corpus", default=DEFAULT_CORPUS)
    args = ap.parse_args()

    with open(args.corpus, encoding="utf-8") as f:
        lines = [norm(l) for l in f.read().splitlines()]

    failures = []
    n_items = n_quotes = 0
    seen_ids = set()
    with open(args.jsonl, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            try:
                item = json.loads(raw)
            except json.JSONDecodeError as e:
                failures.append(f"line {lineno}: invalid JSON ({e})")
                continue
            n_items += 1
            qid = item.get("id", f"<line {lineno}>")
            if [k for k in item if k not in OPTIONAL] != FIELDS:
                failures.append(f"{qid}: fields {list(item.keys())}, expected {FIELDS}")
            if qid in seen_ids:
                failures.append(f"{qid}: duplicate id")
            seen_ids.add(qid)
            if item.get("type") not in TYPES:
                failures.append(f"{qid}: unknown type {item.get('type')!r}")
            quotes = item.get("quotes")
            if item.get("type") == "none":         # the outline does not answer it: no quote
                if quotes != []:
                    failures.append(f"{qid}: a 'none' question has \"quotes\": []")
                continue
            if not isinstance(quotes, list) or not 1 <= len(quotes) <= 3:
                failures.append(f"{qid}: quotes must be a list of 1-3 strings")
                continue
            for q in quotes:
                n_quotes += 1
                nq = norm(q)
                if not nq:
                    failures.append(f"{qid}: empty quote after normalisation: {q!r}")
                    continue
                hits = [i + 1 for i, l in enumerate(lines) if nq in l]
                if not hits:
                    failures.append(f"{qid}: NOT FOUND in any single line: {q}")

    for msg in failures:
        print("FAIL", msg)
    print(f"{n_items} questions, {n_quotes} quotes, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
