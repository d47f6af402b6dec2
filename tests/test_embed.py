"""The bundled model is found without importing its package, and the ONNX runtime gives torch's vectors."""
import sys

import numpy as np
import pytest

from kb.embed import DEFAULT_MODEL, bundled_model_path, load_embedder, resolve_model
from kb.embed.hash import HashEmbedder


def test_bundled_model_found_without_import():
    sys.modules.pop("embedding", None)
    path = bundled_model_path()
    assert path is not None and (path / "config.json").exists() and path.name == "m3e-small"
    assert "embedding" not in sys.modules            # its __init__ imports a large unrelated tree
    assert resolve_model(None if False else DEFAULT_MODEL) == ("m3e-small", str(path))


def test_model_is_configurable(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_MODEL", "BAAI/bge-small-zh-v1.5")
    assert resolve_model() == ("BAAI/bge-small-zh-v1.5", "BAAI/bge-small-zh-v1.5")
    assert resolve_model(str(tmp_path)) == (tmp_path.name, str(tmp_path))


def test_hash_embedder_is_deterministic():
    e = HashEmbedder()
    a, b = e.encode_query("铜材料深加工"), HashEmbedder().encode_query("铜材料深加工")
    assert np.allclose(a, b) and abs(np.linalg.norm(a) - 1) < 1e-5
    assert float(a @ e.encode_query("铜材料")) > float(a @ e.encode_query("学前教育"))


@pytest.mark.model
def test_onnx_matches_torch():
    onnx, torch_ = load_embedder("m3e-small", "onnx"), load_embedder("m3e-small", "torch")
    texts = ["铜材料深加工目标", "切实解决\"入园难\"问题。" * 30, "GDP", "卫滨区发展和改革委员会"]
    a, b = onnx.encode_passages(texts), torch_.encode_passages(texts)
    assert a.shape == b.shape == (4, 512)
    assert np.all((a * b).sum(1) > 0.9999)          # padding in a batch changes nothing
    q = onnx.encode_query("孩子上幼儿园难怎么解决")
    assert float(q @ torch_.encode_query("孩子上幼儿园难怎么解决")) > 0.9999
