"""`kb diff DOC_A DOC_B`: what changed between two versions, as text, JSON or a Word table (the CLI's face on
KnowledgeBase.diff; every word from kb.DIFF_WORDS)."""
from __future__ import annotations

from pathlib import Path

from . import DIFF_WORDS as WORDS


def inline(change) -> str:
    """A reworded paragraph on one line, wdiff style: …年均增长[-7-]{+6.5+}%左右…."""
    out = []
    for x, y in change.pieces:
        if x == y or "".join(x.split()) == "".join(y.split()):
            out.append(y)
        else:
            out.append((f"[-{x}-]" if x else "") + (f"{{+{y}+}}" if y else ""))
    return "".join(out)


def lines(diff, changed_only: bool = True) -> list[str]:
    """The diff as the terminal shows it: counts, the changed figures, then each changed section's paragraphs."""
    out = [f"《{diff.title_a}》（{diff.doc_a}） → 《{diff.title_b}》（{diff.doc_b}）", diff.summary()]
    if diff.figures:
        out += ["", f"数字和目标的变化（{len(diff.figures)}）："]
        for f in diff.figures:
            out.append(f"  {f.text}")
            out.append(f"     —— 原：{f.a.text if f.a else '—'}")
            out.append(f"     —— 新：{f.b.text if f.b else '—'}")
    if not diff.changes and not any(s.renamed for s in diff.sections):
        out += ["", "两份文件的正文相同。"]
    for s in diff.sections:
        if changed_only and s.kind == "same":
            continue
        a, b = (s.a.text if s.a else "（无）"), (s.b.text if s.b else "（无）")
        flags = [WORDS[s.kind]] + [WORDS[k] for k in ("renamed", "renumbered") if getattr(s, k)]
        out += ["", f"━━ {b if s.b else a} ━━ [{'，'.join(flags)}]"]
        if s.renamed or s.renumbered:
            out.append(f"  原为：{a}")
        for m in s.moved_out:
            out.append(f"  [移出] {m.a.text}\n     —— 移到：{m.b.citation.text}")
        for c in (s.changes if changed_only else s.paragraphs):
            word = WORDS[c.kind]
            if c.a is None:
                out.append(f"  [{word}] {c.b.text}\n     —— {c.b.citation.text}")
            elif c.b is None:
                out.append(f"  [{word}] {c.a.text}\n     —— {c.a.citation.text}")
            else:
                out.append(f"  [{word}] {inline(c) if c.pieces else c.b.text}")
                out.append(f"     —— 原：{c.a.citation.text}\n     —— 新：{c.b.citation.text}")
    return out


def cmd_diff(a) -> int:
    from .cli import _json, _open, _say
    kb = _open(a)
    diff = kb.diff(a.doc_a, a.doc_b)
    if a.docx:
        Path(a.docx).write_bytes(diff.to_docx(changed_only=not a.all))
    if a.json:
        print(_json(diff.to_json(changed_only=not a.all)))
    else:
        _say("\n".join(lines(diff, changed_only=not a.all)))
    if a.docx:
        _say(f"kb: wrote the comparison table to {a.docx}", file=__import__("sys").stderr)
    return 0
