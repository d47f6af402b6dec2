"""Which document a page shows: the ?doc= of the URL, document titles short enough for a header line."""
from __future__ import annotations

import streamlit as st

from kb import KnowledgeBase
from ui.render import option


def is_multi(kb: KnowledgeBase) -> bool:
    """More than one document in the index: only then do the pages show document pickers."""
    return len(kb.documents) > 1


def doc_ids(kb: KnowledgeBase) -> list[str]:
    return [d.doc_id for d in kb.documents]


def url_doc(kb: KnowledgeBase) -> str | None:
    """The ?doc= of the URL if it names a document of the index, else None."""
    want = st.query_params.get("doc")
    return want if want in doc_ids(kb) else None


def set_url_doc(doc_id: str | None) -> None:
    if doc_id:
        st.query_params["doc"] = doc_id
    else:
        st.query_params.pop("doc", None)


def short_title(title: str, width: int = 18) -> str:
    """A title for a header line or a picker's option (plain text): without 关于…/（草案）, and its head and tail if
    still long; on one line, a control character shown as its picture (kb.visible, as in every face)."""
    t = option(title).strip()
    if t.startswith("关于") and len(t) > 4:
        t = t[2:]
    for tail in ("（草案）", "(草案)"):
        if t.endswith(tail) and len(t) > len(tail):
            t = t[: -len(tail)]
    if len(t) <= width:
        return t
    head = width // 2 - 1
    return t[:head] + "…" + t[-(width - head - 1):]


def title_of(kb: KnowledgeBase, doc_id: str, short: bool = False) -> str:
    """A document as pickers and headings name it; versions of one text (the same title) told apart by their
    printed date (or id), an earlier one marked 旧版: 全国年节及纪念日放假办法（2007年12月14日，旧版）."""
    try:
        doc = kb.document(doc_id)
    except Exception:          # an unknown id names itself
        return doc_id
    name = short_title(doc.title) if short else doc.title
    if sum(d.title == doc.title for d in kb.documents) > 1:
        name += f"（{doc.date or doc_id}{'，旧版' if doc_id in kb.superseded else ''}）"
    return name
