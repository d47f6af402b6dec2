"""The quotation basket: its items, the session id, and the session's file that survives a reload."""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import streamlit as st

from ingest.records import Passage
from kb import Citation
from ui.config import settings


def item_of_passage(p: Passage, citation: Citation) -> dict:
    return {"id": p.id, "passage_id": p.id, "text": p.text, "citation": citation.text,
            "place": citation.place, "page": p.page}


def item_of_paragraph(text: str, first: Passage) -> dict:
    """A whole paragraph of the reading view (it may span several passages)."""
    c = Citation.of(first)
    return {"id": f"{first.doc_id}:{first.chapter}.{first.section}:para{first.para}",
            "passage_id": first.id, "text": text, "citation": c.text, "place": c.place,
            "page": first.page}


def item_of_answer(answer, p: Passage) -> dict:
    return {"id": f"{answer.passage_id}@{answer.start}", "passage_id": answer.passage_id,
            "text": answer.text, "citation": answer.citation.text,
            "place": answer.citation.place, "page": p.page if p else answer.citation.page}


def session_id() -> str:
    sid = st.query_params.get("sid", "")
    if not re.fullmatch(r"[0-9a-f]{12}", sid or ""):
        sid = uuid.uuid4().hex[:12]
        st.query_params["sid"] = sid
    return sid


def _basket_file(sid: str) -> Path:
    return settings().basket_dir / f"{sid}.json"


def basket() -> list[dict]:
    """The quotation basket; restored from the session's file after a reload."""
    if "basket" not in st.session_state:
        items = []
        try:
            items = json.loads(_basket_file(st.session_state["sid"]).read_text("utf-8"))
        except (OSError, ValueError):
            pass
        st.session_state["basket"] = [i for i in items if isinstance(i, dict) and "text" in i]
    return st.session_state["basket"]


def save_basket() -> None:
    path = _basket_file(st.session_state["sid"])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(st.session_state["basket"], ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        pass  # the basket still lives in the session; only reload-survival is lost


def add_item(item: dict) -> None:
    items = basket()
    if any(i["id"] == item["id"] for i in items):
        st.toast("已在摘录中")
        return
    items.append(item)
    save_basket()
    st.toast(f"已加入摘录（共 {len(items)} 条）")


def move_item(i: int, delta: int) -> None:
    items = basket()
    j = i + delta
    if 0 <= i < len(items) and 0 <= j < len(items):
        items[i], items[j] = items[j], items[i]
        save_basket()


def remove_item(i: int) -> None:
    items = basket()
    if 0 <= i < len(items):
        items.pop(i)
        save_basket()


def clear_basket() -> None:
    basket().clear()
    save_basket()
