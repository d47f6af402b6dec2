"""Deterministic synthetic corpora: the outline re-issued for N fictional districts, to measure scale."""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import CORPUS_DIR  # noqa: E402
from ingest.clean import ends_sentence  # noqa: E402
from ingest.structure import BOX, CHAPTER, DASH_HEAD, NOTE, PREFACE, SECTION, SUBHEAD  # noqa: E402

OUTLINE = CORPUS_DIR / "weibin-14th-five-year-plan-outline.txt"
DISTRICT = "卫滨"
STAMP = ".synth.json"
# Characters that read as plausible place names; pairs of them never collide with 卫滨.
NAME_CHARS = "安宝北滨昌城川东丰凤福港广和河红华淮惠吉嘉江金锦景康兰乐林龙隆鹿梅明南宁平浦清庆瑞山尚胜盛顺泰桃天通万西祥新兴阳永裕源岳云长"
# Arabic figures: 300, 6.5, 3.7 (never part of a longer number or a box id such as 2-1).
FIGURE = re.compile(r"(?<![\d.\-－])(\d+(?:\.\d+)?)(?![\d\-－]|\.\d)")
YEAR = re.compile(r"^(19|20)\d\d$")


def district_names(n: int, seed: int = 0) -> list[str]:
    """n distinct 2-character district names (without 区); the first is the real 卫滨."""
    pairs = [a + b for a in NAME_CHARS for b in NAME_CHARS if a != b and a + b != DISTRICT]
    if n - 1 > len(pairs):
        raise ValueError(f"at most {len(pairs) + 1} copies")
    return [DISTRICT] + random.Random(f"names:{seed}").sample(pairs, n - 1)


def _is_structure(chunk: str) -> bool:
    """A heading, box title, note or table chunk: it keeps its place; only paragraphs move."""
    first = chunk.split("\n", 1)[0].strip()
    return ("\t" in chunk or any(p.match(first) for p in (CHAPTER, SECTION, SUBHEAD, BOX, PREFACE, DASH_HEAD, NOTE)))


def _units(chunks: list[str]) -> list[list[str]]:
    """Group blank-line chunks into paragraphs: a chunk not ending a sentence continues into the next."""
    units: list[list[str]] = []
    open_ = False
    for c in chunks:
        if open_ and units:
            units[-1].append(c)
        else:
            units.append([c])
        open_ = not ends_sentence(c.strip().split("\n")[-1])
    return units


def _vary_figures(text: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        s = m.group(1)
        if YEAR.match(s):
            return s
        f = rng.uniform(0.8, 1.25)
        if "." in s:
            decimals = len(s.split(".")[1])
            return f"{max(float(s) * f, 10 ** -decimals):.{decimals}f}"
        return str(max(1, round(int(s) * f)))
    return FIGURE.sub(repl, text)


def reissue(text: str, name: str, rng: random.Random) -> str:
    """The outline for another district: name replaced, figures varied, paragraphs shuffled within sections.
    Front matter and the table of contents keep their shape so the structure parses the same way."""
    lines = text.split("\n")
    body_at = next(i for i, l in enumerate(lines) if PREFACE.match(l.strip()))
    front = "\n".join(lines[:body_at]).replace(DISTRICT, name)
    chunks = [c for c in re.split(r"\n\s*\n", "\n".join(lines[body_at:])) if c.strip()]
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        units = _units(run)
        rng.shuffle(units)
        out.extend(c for u in units for c in u)
        run.clear()

    in_box = False
    for c in chunks:
        if _is_structure(c):
            flush()
            first = c.split("\n", 1)[0].strip()
            in_box = bool(BOX.match(first)) or (in_box and not (CHAPTER.match(first) or SECTION.match(first)))
            out.append(c.replace(DISTRICT, name))
        elif in_box:      # box contents (project lists) stay in order under their box title
            out.append(_vary_figures(c.replace(DISTRICT, name), rng))
        else:
            run.append(_vary_figures(c.replace(DISTRICT, name), rng))
    flush()
    return front + "\n" + "\n\n".join(out) + "\n"


def make(copies: int, out_dir: str | Path, seed: int = 0, source: Path = OUTLINE) -> list[Path]:
    """Write `copies` .txt files into out_dir (copy 0 is the real outline); reuse them when already made."""
    out_dir = Path(out_dir)
    text = source.read_text(encoding="utf-8")
    stamp = {"copies": copies, "seed": seed, "source": hashlib.sha256(text.encode()).hexdigest()[:16],
             "code": hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}
    names = district_names(copies, seed)
    files = [out_dir / source.name] + [out_dir / f"d{i:03d}-{n}区-{source.name}" for i, n in enumerate(names) if i]
    stamp_file = out_dir / STAMP
    if stamp_file.exists() and json.loads(stamp_file.read_text()) == stamp and all(f.exists() for f in files):
        return files
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.txt"):
        old.unlink()
    files[0].write_text(text, encoding="utf-8")
    for i, (f, n) in enumerate(zip(files[1:], names[1:]), 1):
        f.write_text(reissue(text, n, random.Random(f"copy:{seed}:{i}")), encoding="utf-8")
    stamp_file.write_text(json.dumps(stamp))
    return files


def check(files: list[Path]) -> list[str]:
    """Problems found by parsing every file with ingest.load: same chapters, sections and boxes as copy 0."""
    import ingest

    def shape(d):
        return ([(c.number, len(c.sections)) for c in d.chapters], len(d.boxes), len(d.toc))

    ref = shape(ingest.load(files[0]))
    problems = []
    for f in files[1:]:
        try:
            d = ingest.load(f)
        except ingest.BadDocument as e:
            problems.append(str(e))
            continue
        if shape(d) != ref:
            problems.append(f"{f.name}: structure {shape(d)} differs from the outline's {ref}")
        elif not ingest.passages(d):
            problems.append(f"{f.name}: no passages")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=10, help="number of districts (copy 0 is the real outline)")
    ap.add_argument("--out", required=True, help="folder to write the .txt files into")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check", action="store_true", help="parse every file with ingest.load and compare structure")
    args = ap.parse_args(argv)
    if args.copies < 1:
        ap.error("--copies must be at least 1")
    files = make(args.copies, args.out, args.seed)
    print(f"{len(files)} files in {args.out}")
    if args.check:
        problems = check(files)
        for p in problems:
            print(p, file=sys.stderr)
        print(f"checked: {len(files) - 1 - len(problems)} of {len(files) - 1} copies parse like the outline")
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
