"""The basket items built from passages, answers and paragraphs, with kb's citations (honest pages)."""
from __future__ import annotations

from kb import Answer, Citation, KnowledgeBase, Passage


def row_table_title(p: Passage) -> str:
    return f"专栏{p.box} {p.box_title}" if p.box and p.box_title else (f"专栏{p.box}" if p.box else "表格")


def _item(kb: KnowledgeBase, ident: str, p: Passage, text: str, c: Citation | None) -> dict:
    c = c or kb.citation(p)            # hits and answers carry kb's citation (honest pages) already
    item = {"id": ident, "passage_id": p.id, "text": text, "citation": c.text, "place": c.place,
            "page": c.page, "pages": c.pages.lstrip("，"), "kind": "text"}
    if p.kind == "row" and p.cells:
        # a table row is quoted as a row of its table (with the table's citation), not as running text
        item |= {"kind": "row", "cells": [list(cell) for cell in p.cells], "table": row_table_title(p)}
    return item


def item_of_passage(kb: KnowledgeBase, p: Passage, c: Citation | None = None) -> dict:
    return _item(kb, p.id, p, p.text, c)


def item_of_paragraph(kb: KnowledgeBase, text: str, first: Passage) -> dict:
    """A whole paragraph of the reading view (it may span several passages)."""
    return _item(kb, f"{first.doc_id}:{first.chapter}.{first.section}:para{first.para}", first, text, None)


def item_of_answer(kb: KnowledgeBase, a: Answer) -> dict:
    p = kb.passage(a.passage_id)
    return _item(kb, f"{a.passage_id}@{a.start}", p, a.text, a.citation)
