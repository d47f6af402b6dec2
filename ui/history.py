"""This browser's recent questions: kept in the browser's localStorage (never on the server), listed in the sidebar of
问答 by a small component (st.components.v2), each a link that asks it again, with 清空记录.

Python says which question was just asked (`remember`); the browser keeps the list (newest first, no duplicates, at
most HISTORY_SIZE), so it survives reloads and server restarts and is this browser's alone. The list is drawn with
DOM text nodes (textContent), so a question is shown as the characters it is, never read as HTML.
"""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from ui.config import HISTORY_KEY, HISTORY_SIZE

# Called on mount and whenever `data` changes (a new question asked): add it, then draw the list. A click on an entry
# asks it again through Python (the trigger `ask`); a click with a modifier key opens its link (?q=…) as links do.
_JS = """
export default function (component) {
  const { data, setTriggerValue, parentElement } = component;
  const KEY = data.key, SIZE = data.size;
  function load() {
    try {
      const v = JSON.parse(localStorage.getItem(KEY) || '[]');
      return Array.isArray(v) ? v.filter((q) => typeof q === 'string' && q.trim() !== '') : [];
    } catch (e) { return []; }
  }
  function save(list) {
    try { if (list.length) localStorage.setItem(KEY, JSON.stringify(list)); else localStorage.removeItem(KEY); }
    catch (e) { /* storage full or disabled: the list is simply not kept */ }
  }
  let root = parentElement.querySelector('.kb-hist');
  if (!root) {
    root = document.createElement('nav');
    root.className = 'kb-hist';
    root.setAttribute('aria-label', '最近的问题');
    parentElement.appendChild(root);
  }
  function draw() {
    const list = load();
    root.textContent = '';
    const title = document.createElement('div');
    title.className = 'kb-hist-title';
    title.textContent = '最近的问题';
    root.appendChild(title);
    if (!list.length) {
      const none = document.createElement('p');
      none.className = 'kb-hist-note';
      none.textContent = '问过的问题会列在这里，只保存在本浏览器中。';
      root.appendChild(none);
      return;
    }
    const ol = document.createElement('ol');
    ol.className = 'kb-hist-list';
    list.forEach((q) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.className = 'kb-hist-q';
      a.href = '?q=' + encodeURIComponent(q);
      a.target = '_self';
      a.title = q;
      a.textContent = q;
      a.addEventListener('click', (e) => {
        if (e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        setTriggerValue('ask', q);
      });
      li.appendChild(a);
      ol.appendChild(li);
    });
    root.appendChild(ol);
    const clear = document.createElement('button');
    clear.type = 'button';
    clear.className = 'kb-hist-clear';
    clear.textContent = '清空记录';
    clear.title = '从本浏览器中删除这些问题';
    clear.addEventListener('click', () => { save([]); draw(); });
    root.appendChild(clear);
    const note = document.createElement('p');
    note.className = 'kb-hist-note';
    note.textContent = '只保存在本浏览器中。';
    root.appendChild(note);
  }
  // an address opened with a question adds it, unless the page was only reloaded or returned to (Back, Forward)
  const nav = (performance.getEntriesByType('navigation')[0] || {}).type;
  if (data.asked && !(data.opened && (nav === 'reload' || nav === 'back_forward'))) {
    save([data.asked].concat(load().filter((q) => q !== data.asked)).slice(0, SIZE));
  }
  draw();
  // another tab of this browser asked or cleared: draw its list
  if (parentElement.kbHistStorage) window.removeEventListener('storage', parentElement.kbHistStorage);
  parentElement.kbHistStorage = (e) => { if (e.key === KEY || e.key === null) draw(); };
  window.addEventListener('storage', parentElement.kbHistStorage);
  return () => window.removeEventListener('storage', parentElement.kbHistStorage);
}
"""

_CSS = """
.kb-hist-title {font-weight: 600; font-size: 1.05rem; margin-bottom: .3rem;}
.kb-hist-list {list-style: none; margin: 0 0 .4rem 0; padding: 0;}
.kb-hist-list li {margin: 0;}
a.kb-hist-q {display: block; padding: .2rem 0; font-size: .9rem; color: inherit; text-decoration: none;
             overflow: hidden; text-overflow: ellipsis; white-space: nowrap;}
a.kb-hist-q:hover {color: #c0392b;}
.kb-hist-clear {font-size: .82rem; padding: .1rem .6rem; border: 1px solid rgba(49,51,63,.2); border-radius: .5rem;
                background: white; cursor: pointer;}
.kb-hist-clear:hover {border-color: #c0392b; color: #c0392b;}
.kb-hist-note {color: #6b6b6b; font-size: .8rem; margin: .3rem 0 0 0;}
"""

_component = st.components.v2.component("kb_question_history", js=_JS, css=_CSS, isolate_styles=False)


def remember(question: str, opened: bool = False) -> None:
    """Add `question` to this browser's list when the list is next drawn (this run); `opened`: it came with the
    address the page was opened with, which adds it unless the page was reloaded or returned to."""
    st.session_state["history_n"] = st.session_state.get("history_n", 0) + 1
    st.session_state["history_asked"] = question
    st.session_state["history_opened"] = opened


def question_history(on_ask: Callable[[str], None]) -> None:
    """This browser's recent questions, in the sidebar; a click calls on_ask(question) before the next run."""
    def clicked() -> None:
        q = (st.session_state.get("history") or {}).get("ask")
        if isinstance(q, str) and q.strip():
            on_ask(q)

    data = {"key": HISTORY_KEY, "size": HISTORY_SIZE,
            "asked": st.session_state.get("history_asked"), "opened": st.session_state.get("history_opened", False),
            "n": st.session_state.get("history_n", 0)}
    with st.sidebar:
        _component(key="history", data=data, on_ask_change=clicked)
