"""Settings in one place: defaults from the dataclasses, a KB_CONFIG file validated whole, errors naming file and key."""
import subprocess
import sys
import tomllib

import pytest

from kb import KnowledgeBase
from kb.cli import main
from kb.config import Config, config_from_dict, config_toml, environment, load_config
from kb.errors import ConfigError


def test_defaults_have_one_source(monkeypatch):
    monkeypatch.delenv("KB_CONFIG", raising=False)
    c = load_config()
    assert c == Config()
    assert (c.fusion.section, c.fusion.lexical_norm, c.answer.from_hits) == (0.6, "coverage", 1)


def test_kb_config_prints_a_file_that_reads_back(tmp_path, monkeypatch, capsys):
    f = tmp_path / "kb.toml"
    f.write_text("[fusion]\ndense = 2\nmethod = \"rrf\"\n\n[answer]\nmax_chars = 120\n", encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(f))
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    back = config_from_dict(tomllib.loads(out))
    assert back == load_config() and back.fusion.dense == 2.0 and back.fusion.method == "rrf"
    assert back.answer.max_chars == 120 and back.fusion.words == Config().fusion.words
    assert config_from_dict(tomllib.loads(config_toml(Config()))) == Config()


@pytest.mark.parametrize("text,says", [
    ("[fusion]\nwieght = 2\n", "[fusion] wieght: unknown key (known: method, lexical_norm, dense"),
    ("[fusoin]\ndense = 2\n", "unknown section [fusoin] (known: fusion, answer, verdict, related, index)"),
    ("[fusion]\ndense = \"high\"\n", "[fusion] dense = 'high': expected a number"),
    ("[answer]\nmax_chars = 1.5\n", "[answer] max_chars = 1.5: expected a whole number"),
    ("[answer]\nmax_chars = true\n", "[answer] max_chars = True: expected a whole number"),
    ("[fusion]\nmethod = \"best\"\n", "[fusion] method = 'best': expected one of weighted, rrf"),
    ("[fusion]\ndense = -1\n", "expected a number ≥ 0"),
    ("fusion = 3\n", "[fusion] must be a table of settings"),
    ("[fusion\ndense = 2\n", "not valid TOML"),
])
def test_bad_config_is_refused_naming_file_and_key(tmp_path, text, says):
    f = tmp_path / "我的设置.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_config(f)
    msg = str(e.value)
    assert str(f) in msg and says in msg and "\n" not in msg


def test_cli_says_one_line_for_a_bad_config_and_works_once_fixed(tmp_path, hash_index):
    f = tmp_path / "kb.toml"
    f.write_text("[fusion]\nwieght = 2\n", encoding="utf-8")
    env = {"KB_CONFIG": str(f), "KB_MODEL": "hash", "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-m", "kb.cli", "--index", str(hash_index), "ask", "铜材料深加工"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "wieght: unknown key" in out.stderr and str(f) in out.stderr
    f.write_text("[fusion]\nwords = 0.8\n", encoding="utf-8")
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert out.returncode == 0 and "答：" in out.stdout


def test_api_refuses_a_bad_config_with_the_domain_error(tmp_path, hash_index, monkeypatch):
    f = tmp_path / "kb.toml"
    f.write_text("[index]\nhnsw_m = \"32\"\n", encoding="utf-8")
    monkeypatch.setenv("KB_CONFIG", str(f))
    with pytest.raises(ConfigError, match=r"\[index\] hnsw_m = '32': expected a whole number"):
        KnowledgeBase.open(hash_index, model="hash")


def test_environment_is_read_in_one_place():
    e = environment({"KB_INDEX": "idx", "KB_BACKEND": "Milvus", "KB_MILVUS_TIMEOUT": "2.5"})
    assert (str(e.index), e.backend, e.milvus_timeout, e.runtime, e.model) == ("idx", "milvus", 2.5, "onnx", None)
    with pytest.raises(ConfigError, match="KB_MILVUS_TIMEOUT='soon': expected a number of seconds"):
        environment({"KB_MILVUS_TIMEOUT": "soon"})
    with pytest.raises(ConfigError, match="KB_RUNTIME='gpu': expected onnx or torch"):
        environment({"KB_RUNTIME": "gpu"})


def test_the_app_blames_a_bad_config_not_the_index_and_opens_once_it_is_fixed(tmp_path, hash_index, monkeypatch):
    import shutil

    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT
    index = tmp_path / "index"                 # an index no earlier app test opened (the app caches what it opens)
    shutil.copytree(hash_index, index)
    f = tmp_path / "kb.toml"
    f.write_text("[fusion]\nwieght = 2\n", encoding="utf-8")
    for k, v in {"KB_CONFIG": str(f), "KB_INDEX": str(index), "KB_MODEL": "hash",
                 "KB_BASKETS": str(tmp_path / "baskets")}.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    msg = at.error[0].value.replace("\\", "")
    assert not at.exception and "设置有误" in msg and "wieght: unknown key" in msg and str(f) in msg
    assert "现在建立索引" not in [b.label for b in at.button] and "ingest" not in msg   # no rebuild advice
    f.write_text("[fusion]\nwords = 0.8\n", encoding="utf-8")                     # fixed: the page opens
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.error and [t.label for t in at.tabs][:2] == ["问答", "浏览"]
