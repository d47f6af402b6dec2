"""Citations with honest pages, and the basket items built from passages, answers and paragraphs."""
from __future__ import annotations

from dataclasses import replace

from ingest.records import Document, Passage
from kb import Answer, Citation, KnowledgeBase


def unit_pages(doc: Document, chapter: int, section: int) -> tuple[int | None, int | None]:
    """(first, last) page of a section (or a chapter's preamble) in a document whose pages come from its table
    of contents: it starts on its own page and runs to the page where the next unit starts (that page included:
    the next unit may start halfway down it). The last unit's end is unknown: (first, None)."""
    order: list[tuple[int, int, int | None]] = []
    for c in doc.chapters:
        order.append((c.number, 0, c.page))
        order += [(c.number, s.number, s.page) for s in c.sections if s.number]
    pos = next((i for i, (cc, ss, _) in enumerate(order) if (cc, ss) == (chapter, section)), None)
    if pos is None:
        return None, None
    first = order[pos][2]
    nxt = next((pg for _, _, pg in order[pos + 1:] if pg), None)
    if first is None:
        return None, None
    return first, (max(first, nxt) if nxt else None)


def citation(kb: KnowledgeBase, p: Passage, base: Citation | None = None) -> Citation:
    """The passage's citation with the pages it really has: its own page(s) in a PDF, the section's page range
    where the document gives only section pages (a text file cites 第1—5页 or 第69页起, never a guessed page)."""
    c = base or Citation.of(p)
    try:
        doc = kb.document(p.doc_id)
    except Exception:           # noqa: BLE001 — an unknown document keeps the page it has
        return c
    if doc.paged and doc.page_breaks:
        first = doc.page_at(p.start, p.page)
        last = doc.page_at(max(p.start, p.end - 1), first)
        return replace(c, page=first, page_end=last if last and first and last > first else None)
    if not p.page:
        return c
    first, last = unit_pages(doc, p.chapter, p.section)
    if first is None:
        return c
    return replace(c, page=first, page_end=last if last is not None else 0, page_open=last is None)


def row_table_title(p: Passage) -> str:
    return f"专栏{p.box} {p.box_title}" if p.box and p.box_title else (f"专栏{p.box}" if p.box else "表格")


def _item(kb: KnowledgeBase, ident: str, p: Passage, text: str, c: Citation) -> dict:
    c = citation(kb, p, c)
    item = {"id": ident, "passage_id": p.id, "text": text, "citation": c.text, "place": c.place,
            "page": c.page, "pages": c.pages.lstrip("，"), "kind": "text"}
    if p.kind == "row" and p.cells:
        # a table row is quoted as a row of its table (with the table's citation), not as running text
        item |= {"kind": "row", "cells": [list(cell) for cell in p.cells], "table": row_table_title(p)}
    return item


def item_of_passage(kb: KnowledgeBase, p: Passage, c: Citation | None = None) -> dict:
    return _item(kb, p.id, p, p.text, c or Citation.of(p))


def item_of_paragraph(kb: KnowledgeBase, text: str, first: Passage) -> dict:
    """A whole paragraph of the reading view (it may span several passages)."""
    return _item(kb, f"{first.doc_id}:{first.chapter}.{first.section}:para{first.para}", first, text,
                 Citation.of(first))


def item_of_answer(kb: KnowledgeBase, a: Answer) -> dict:
    p = kb.passage(a.passage_id)
    return _item(kb, f"{a.passage_id}@{a.start}", p, a.text, a.citation)
