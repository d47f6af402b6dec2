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
