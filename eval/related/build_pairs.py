"""Build pairs.jsonl / test.jsonl / tune.jsonl from pairs_src.py (quotes copied from the files)."""
import json, pathlib, sys
sys.path.insert(0, str(pathlib.Path(__file__).parent))
from locate import locate
from pairs_src import PAIRS

HERE = pathlib.Path(__file__).parent
rows, problems = [], []
for i, (doc, q, cps, note) in enumerate(PAIRS, 1):
    try:
        exact, n = locate(doc, q)
        if n != 1:
            problems.append(f"rel-{i:03d}: source quote found {n} times (normalised): {q}")
        out = []
        for d, cq in cps:
            ce, _ = locate(d, cq)
            out.append({"doc": d, "quote": ce})
    except (KeyError, ValueError) as e:
        problems.append(f"rel-{i:03d}: {e}")
        continue
    rows.append({"id": f"rel-{i:03d}", "doc": doc, "quote": exact, "counterparts": out, "note": note})
for p in problems:
    print(p)
if problems:
    sys.exit(1)


def dump(path, rs):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs), encoding="utf-8")


dump(HERE / "pairs.jsonl", rows)
dump(HERE / "test.jsonl", [r for r in rows if int(r["id"][-1]) % 2 == 0])
dump(HERE / "tune.jsonl", [r for r in rows if int(r["id"][-1]) % 2 == 1])
print(len(rows), "rows")
