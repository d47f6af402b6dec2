"""Users' doubts as test cases: each 答案不对 / 有帮助 click, stored locally (KB_FEEDBACK, a JSONL file; nothing is
sent anywhere), and exported as an evaluation question file that `kb eval` reads."""
from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock

from .errors import KBError

HELPFUL = "helpful"            # 有帮助: the answer shown is right
WRONG = "wrong"                # 答案不对: `right` is the sentence the person points to, or "" for 纲要中没有


@dataclass(frozen=True)
class Feedback:
    question: str
    verdict: str               # the verdict code shown (kb/verdict.py)
    answer: str                # the answer (or candidate) sentence shown, "" when none
    where: str                 # its citation place (第二章第二节), for reading
    said: str                  # HELPFUL or WRONG
    right: str = ""            # WRONG: the sentence that answers it ("" = the outline does not answer it)
    at: str = ""               # when (local time, ISO 8601)


def record(path: Path, fb: Feedback) -> None:
    """Append one click to the feedback file (created with its folder; one writer at a time)."""
    if fb.said not in (HELPFUL, WRONG):
        raise KBError(f"feedback must be {HELPFUL!r} or {WRONG!r}, not {fb.said!r}")
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = asdict(fb) | {"at": fb.at or time.strftime("%Y-%m-%dT%H:%M:%S")}
    with FileLock(str(path) + ".lock"):
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())


def read(path: Path) -> list[Feedback]:
    """The clicks recorded so far; a line that cannot be read is refused with its number."""
    if not path.is_file():
        return []
    out = []
    fields = set(Feedback.__dataclass_fields__)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            out.append(Feedback(**{k: str(v) for k, v in obj.items() if k in fields}))
        except (ValueError, TypeError) as e:
            raise KBError(f"{path}:{n}: not a feedback line ({e})") from None
    return out


def as_questions(items: list[Feedback]) -> list[dict]:
    """The clicks as evaluation questions (eval/dev.jsonl's format): 有帮助 → the answer shown is the quote; 答案不对
    → the sentence pointed to, or an unanswerable question ("type": "none") for 纲要中没有. The latest click on a
    question wins."""
    latest: dict[str, Feedback] = {}
    for fb in items:
        latest[fb.question] = fb
    out = []
    for i, fb in enumerate(latest.values(), 1):
        quote = fb.answer if fb.said == HELPFUL else fb.right
        if fb.said == HELPFUL and not quote:
            continue                    # 有帮助 with nothing shown: nothing to test
        out.append({"id": f"fb-{i:03d}", "question": fb.question, "quotes": [quote] if quote else [],
                    "where": fb.where, "type": "feedback" if quote else "none"})
    return out


def export(path: Path, out: Path) -> int:
    """Write the recorded clicks to `out` as a question file; returns how many questions."""
    qs = as_questions(read(path))
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in qs), encoding="utf-8")
        tmp.replace(out)
    except OSError as e:
        raise KBError(f"cannot write {out}: {e.strerror or e}") from None
    return len(qs)
