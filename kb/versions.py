"""Whether a file given as a new version of an indexed document is one (a 草案's adopted text, a corrected file), not
another document under the same name: the check `KnowledgeBase.sync(new_version=True)` makes before writing."""
from __future__ import annotations

import re

from ingest import BadDocument
from ingest.records import Document

SHINGLE = 8             # characters: two documents of the same kind (the 2023 and 2024 work reports) share ~12% of
SAME_TEXT = 0.3         # their 8-character runs, a 草案 and its adopted text most; below this share it is another one
_DRAFT = re.compile(r"[（(](草案|征求意见稿|送审稿|修订稿|讨论稿|初稿)[）)]")


class NotANewVersion(BadDocument):
    """A file given as a new version of document `doc_id` that is another document: its title differs and it
    shares only `shared` (0–1) of its text with the indexed version. The index is not changed."""

    def __init__(self, message: str, doc_id: str, old_title: str, new_title: str, shared: float):
        super().__init__(message)
        self.doc_id, self.old_title, self.new_title, self.shared = doc_id, old_title, new_title, shared


def _runs(text: str) -> set[int]:
    t = "".join(text.split())
    return {hash(t[i:i + SHINGLE]) for i in range(max(len(t) - SHINGLE + 1, 1))}


def shared_text(old: Document, new: Document) -> float:
    """The share of the shorter document's 8-character runs (spaces ignored) that the other also has."""
    a, b = _runs(old.text), _runs(new.text)
    return len(a & b) / max(min(len(a), len(b)), 1)


def _title(t: str) -> str:
    return "".join(_DRAFT.sub("", t).split())


def check(old: Document, new: Document, source: str) -> None:
    """NotANewVersion unless `new` (read from `source`) is a version of `old`: the same title (a draft mark such as
    （草案） aside) or at least SAME_TEXT of the text in common."""
    if _title(old.title) == _title(new.title):
        return
    shared = shared_text(old, new)
    if shared < SAME_TEXT:
        raise NotANewVersion(f"{source}: not a new version of {old.doc_id} ({old.title}): the title differs"
                             f" ({new.title}) and only {shared:.0%} of the text is the same; add it under another"
                             " name instead", old.doc_id, old.title, new.title, shared)


# ---------------------------------------------------------------- versions side by side in one index

_KEPT = re.compile(r"^(?P<base>.+)-旧版(?:-\d+)?$")           # ID-旧版, ID-旧版-2: an old version kept by 更新版本
_MONTH_DAY = re.compile(r"年\s*(?:([0-9一二三四五六七八九十]{1,3})\s*月)?\s*(?:([0-9一二三四五六七八九十]{1,3})\s*日)?")


def _when(doc: Document) -> tuple[int, int, int]:
    """(year, month, day) of the document's date as printed (2024年11月10日, 二〇二一年三月: its year as the cover
    reader read it), zeros where unknown."""
    from ingest.records import from_cn
    m = _MONTH_DAY.search(doc.date or "")
    rest = []
    for g in (m.group(1, 2) if m else (None, None)):
        try:
            rest.append(from_cn(g) if g else 0)
        except (ValueError, IndexError):
            rest.append(0)
    return (doc.year or 0, *rest)


def superseded(documents) -> dict[str, str]:
    """{old doc id: the id of the version that supersedes it} for the documents of an index that are versions of
    one text: the same title (a draft mark such as （草案） aside) and no two issuers named, or an old version kept by
    更新版本 (ID-旧版) with its base. The current one is the latest by printed date; at the same date the one without
    a draft mark, then the one not kept as 旧版. Copies alike in all three (the same text in two formats) are both
    current. A title issued anew every year (政府工作报告) is no version of last year's."""
    from .records import ANNUAL
    by_id = {d.doc_id: d for d in documents}

    def family(d: Document) -> str:
        kept = _KEPT.match(d.doc_id)
        base = by_id.get(kept.group("base"), d) if kept else d      # a kept 旧版 is in its base's family
        title = _title(base.title)
        # a title issued every year (or none): only the document's own kept 旧版 are its versions
        return "id:" + base.doc_id if not title or ANNUAL.fullmatch(title) else "title:" + title

    families: dict[str, list[Document]] = {}
    for d in documents:
        families.setdefault(family(d), []).append(d)
    out: dict[str, str] = {}
    for ds in families.values():
        issuers = {d.issuer for d in ds if d.issuer}
        if len(ds) < 2 or (len(issuers) > 1 and not any(_KEPT.match(d.doc_id) for d in ds)):
            continue
        rank = lambda d: (_when(d), not _DRAFT.search(d.title or ""), not _KEPT.match(d.doc_id))   # noqa: E731
        current = max(ds, key=rank)
        out |= {d.doc_id: current.doc_id for d in ds if rank(d) < rank(current)}
    return out
