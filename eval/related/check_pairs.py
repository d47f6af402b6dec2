"""Independent check of pairs.jsonl / test.jsonl / tune.jsonl against the saved texts."""
import json, pathlib, re, sys, collections

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
files = {"weibin-14th-five-year-plan-outline": ROOT / "corpus/weibin-14th-five-year-plan-outline.txt"}
files.update({p.stem: p for p in (HERE / "docs").glob("*.txt")})
texts = {k: v.read_text(encoding="utf-8") for k, v in files.items()}
err = []


def ok_quote(where, doc, q, unique):
    if doc not in texts:
        err.append(f"{where}: unknown doc {doc}"); return
    if len(q) < 8: err.append(f"{where}: shorter than 8: {q}")
    if "\n" in q: err.append(f"{where}: newline in quote")
    n = texts[doc].count(q)
    if n == 0: err.append(f"{where}: not in {doc}: {q}")
    if unique and n > 1: err.append(f"{where}: {n} times in {doc}: {q}")
    if unique:  # also unique once blanks are ignored
        sq = re.sub(r"\s", "", q)
        if re.sub(r"\s", "", texts[doc]).count(sq) > 1:
            err.append(f"{where}: not unique once blanks are removed: {q}")


rows = [json.loads(l) for l in open(HERE / "pairs.jsonl", encoding="utf-8")]
ids = [r["id"] for r in rows]
if len(set(ids)) != len(ids): err.append("duplicate ids")
for r in rows:
    if not re.fullmatch(r"rel-\d{3}", r["id"]): err.append(f"bad id {r['id']}")
    if set(r) != {"id", "doc", "quote", "counterparts", "note"}: err.append(f"{r['id']}: keys {sorted(r)}")
    ok_quote(r["id"], r["doc"], r["quote"], True)
    for j, c in enumerate(r["counterparts"]):
        if c["doc"] == r["doc"]: err.append(f"{r['id']}: counterpart in the same document")
        ok_quote(f"{r['id']}/{j}", c["doc"], c["quote"], False)
    if not r["note"].strip(): err.append(f"{r['id']}: empty note")

test = [json.loads(l) for l in open(HERE / "test.jsonl", encoding="utf-8")]
tune = [json.loads(l) for l in open(HERE / "tune.jsonl", encoding="utf-8")]
if [r for r in rows if int(r["id"][-1]) % 2 == 0] != test: err.append("test.jsonl is not the even-digit ids")
if [r for r in rows if int(r["id"][-1]) % 2 == 1] != tune: err.append("tune.jsonl is not the odd-digit ids")

with_cp = sum(1 for r in rows if r["counterparts"])
from_outline = sum(1 for r in rows if r["doc"] == "weibin-14th-five-year-plan-outline")
if len(rows) < 100: err.append("fewer than 100 lines")
if with_cp < 80: err.append("fewer than 80 lines with counterparts")
if len(rows) - with_cp < 20: err.append("fewer than 20 lines without counterparts")
if from_outline < 60: err.append("fewer than 60 lines from the outline")

for e in err: print(e)
print(f"{len(rows)} lines, {with_cp} with counterparts, {len(rows)-with_cp} without, {from_outline} from the outline")
for name, rs in (("test", test), ("tune", tune)):
    print(name, len(rs), "lines,", sum(1 for r in rs if r["counterparts"]), "with,", sum(1 for r in rs if not r["counterparts"]), "without")
print(collections.Counter((r["doc"], "with" if r["counterparts"] else "without") for r in rows))
print(collections.Counter(c["doc"] for r in rows for c in r["counterparts"]))
sys.exit(1 if err else 0)
