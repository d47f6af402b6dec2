"""The quotation basket, kept per browser: a cookie names the basket, a file on the server holds it.

A 对照 pair (ui/pairs.py) is two adjacent quotations of the same list, so it persists as any quotation does; it is
added with one click, moved as one, and removing one side leaves the other as an ordinary quotation.

The basket survives reloads, typed addresses, bookmarks, internal links (which carry no id), new tabs (they
share the cookie) and server restarts (the file stays in KB_BASKETS). Every run reads the file, so two tabs
see one basket; writes are atomic (a temporary file renamed into place) under a process-wide lock.
"""
from __future__ import annotations

import json
import re
import threading
import time
import uuid
from pathlib import Path

import streamlit as st

from ui.config import BASKET_COOKIE, settings
from ui.pairs import make_pair, normalise, pair_id, units
from ui.render import plain

_ID = re.compile(r"[0-9a-f]{12,32}")
_LOCK = threading.Lock()


def cookie_id() -> str | None:
    """The basket id the browser sent in its cookie, if any (st.context.cookies: read when the page opened)."""
    try:
        value = st.context.cookies.get(BASKET_COOKIE)
    except Exception:          # noqa: BLE001 — no browser (a bare script run): no cookie
        return None
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def session_id() -> str:
    """This browser's basket id: its cookie; else an older link's ?sid=; else a new one. A new id is written to
    the browser's cookie (one year), so the next visit, from any address, finds the same basket."""
    sid = st.session_state.get("sid")
    if sid:
        return sid
    sid = cookie_id()
    if sid is None:
        legacy = st.query_params.get("sid", "")
        sid = legacy if _ID.fullmatch(legacy or "") else uuid.uuid4().hex
        st.session_state["set_cookie"] = True
    st.query_params.pop("sid", None)       # the address no longer carries the basket
    st.session_state["sid"] = sid
    return sid


def remember_browser() -> None:
    """Write the basket cookie into the browser once per session where it was missing."""
    if st.session_state.pop("set_cookie", False):
        sid = st.session_state["sid"]
        st.html("<script>document.cookie=" + json.dumps(f"{BASKET_COOKIE}={sid}")
                + "+';max-age=31536000;path=/;samesite=lax';</script>", unsafe_allow_javascript=True)


def _basket_file(sid: str) -> Path:
    return settings().basket_dir / f"{sid}.json"


def _read(sid: str) -> list[dict]:
    path = _basket_file(sid)
    try:
        items = json.loads(path.read_text("utf-8"))
        if not isinstance(items, list):
            raise ValueError("not a list")
    except FileNotFoundError:
        return []
    except (OSError, ValueError, UnicodeDecodeError):
        # never overwrite what cannot be read: keep it aside and say where
        aside = path.with_name(f"{path.stem}.damaged-{time.strftime('%Y%m%d-%H%M%S')}.json")
        try:
            path.replace(aside)
            st.warning(f"摘录文件无法读取，已原样另存为 {plain(str(aside))}，摘录从空开始。")
        except OSError:
            pass
        return []
    return normalise([i for i in items if isinstance(i, dict) and "text" in i and "id" in i])


def _write(sid: str, items: list[dict]) -> None:
    path = _basket_file(sid)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{uuid.uuid4().hex[:8]}.tmp")
        tmp.write_text(json.dumps(items, ensure_ascii=False), "utf-8")
        tmp.replace(path)
    except OSError:
        st.toast("摘录未能保存到服务器，刷新页面后可能丢失")


def basket() -> list[dict]:
    """The quotation basket as the server has it now (another tab may have changed it)."""
    items = _read(session_id())
    st.session_state["basket"] = items
    return items


def _change(fn) -> list[dict]:
    with _LOCK:
        sid = session_id()
        items = _read(sid)
        fn(items)
        items = normalise(items)        # a pair stays two adjacent sides whatever fn did
        _write(sid, items)
    st.session_state["basket"] = items
    return items


def add_item(item: dict) -> None:
    added = []

    def add(items):
        if not any(i["id"] == item["id"] for i in items):
            items.append(item)
            added.append(True)
    items = _change(add)
    st.toast(f"已加入摘录（共 {len(items)} 条）" if added else "已在摘录中")


def add_button(item: dict, key: str, **kw) -> None:
    """加入摘录, or 已在摘录 once the quotation is in this browser's basket (read by the page at the start of the
    run), so a click shows that it took."""
    there = any(i.get("id") == item["id"] for i in st.session_state.get("basket") or ())
    st.button("已在摘录" if there else "加入摘录", key=key,
              icon=":material/bookmark_added:" if there else ":material/bookmark_add:",
              on_click=add_item, args=(item,), **kw)


def pair_in_basket(a: dict, b: dict) -> bool:
    """The pair of a and b is in this browser's basket (as the page read it at the start of the run)."""
    pair = pair_id(a, b)
    return any(i.get("pair") == pair for i in st.session_state.get("basket") or ())


def add_pair(a: dict, b: dict) -> None:
    """Add a and b as one 对照 pair, a first: two adjacent quotations at the end of the basket."""
    added = []

    def add(items):
        pair = pair_id(a, b)
        if not any(i.get("pair") == pair for i in items):
            items.extend(make_pair(a, b))
            added.append(True)
    items = _change(add)
    st.toast(f"已将这组对照的两段加入摘录（共 {len(items)} 条）" if added else "这组对照已在摘录中")


def pair_button(a: dict, b: dict, key: str, **kw) -> None:
    """与本段一并加入摘录: one click adds both sides as a pair; 对照已在摘录 once the pair is in the basket."""
    there = pair_in_basket(a, b)
    st.button("对照已在摘录" if there else "与本段一并加入摘录", key=key,
              icon=":material/bookmark_added:" if there else ":material/compare_arrows:",
              help="把本段和这一段作为一组对照加入摘录：两段相邻，各附完整出处，一起导出", on_click=add_pair,
              args=(a, b), **kw)


def _index(items: list[dict], ident: str) -> int:
    return next((k for k, it in enumerate(items) if it["id"] == ident), -1)


def move_item(ident: str, delta: int) -> None:
    """Move a quotation, or the pair it is a side of, up (-1) or down (+1) past the next quotation or pair; by id,
    so another tab's change cannot make it move the wrong one."""
    def move(items):
        us = units(items)
        i = next((k for k, u in enumerate(us) if any(it["id"] == ident for it in u)), -1)
        j = i + delta
        if i >= 0 and 0 <= j < len(us):
            us[i], us[j] = us[j], us[i]
            items[:] = [it for u in us for it in u]
    _change(move)


def remove_item(ident: str) -> None:
    """Remove one quotation; a side of a pair is removed alone, and the other side stays as an ordinary quotation
    (dropped if that quotation is already in the basket on its own)."""
    side = []

    def remove(items):
        i = _index(items, ident)
        if i >= 0:
            side.append(bool(items.pop(i).get("pair")))
    _change(remove)
    if any(side):
        st.toast("已删除这组对照的一段，另一段作为单条摘录留在摘录中")


def remove_pair(pair: str) -> None:
    """Remove both sides of a pair."""
    def remove(items):
        items[:] = [i for i in items if i.get("pair") != pair]
    _change(remove)


def clear_basket() -> None:
    """Empty the basket, keeping what it held in this session so that 撤销 can put it back."""
    def clear(items):
        st.session_state["cleared"] = list(items)
        items.clear()
    _change(clear)
    st.session_state.pop("confirm-clear", None)


def undo_clear() -> None:
    """Put back what 清空 removed, ahead of anything collected since."""
    kept = st.session_state.pop("cleared", None) or []

    def undo(items):
        ids = {i["id"] for i in items}
        items[:0] = [i for i in kept if i["id"] not in ids]
    _change(undo)
