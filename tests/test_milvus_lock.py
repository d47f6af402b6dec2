"""Two processes on one Milvus Lite database: the second is told the real cause (the file is held), and the
advice (stop the other process) works."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from .conftest import OUTLINE

pytestmark = pytest.mark.milvus

HOLD = """
import sys, time
from kb import KnowledgeBase
kb = KnowledgeBase.open(sys.argv[1], model="hash")
kb.ask("铜材料深加工目标")
print("holding", flush=True)
time.sleep(120)
"""


@pytest.mark.slow
def test_a_lite_file_held_by_another_process_is_named_as_such(tmp_path):
    pytest.importorskip("milvus_lite", reason="pip install pymilvus milvus-lite (the milvus extra)")
    (tmp_path / "corpus").mkdir()
    shutil.copy(OUTLINE, tmp_path / "corpus")
    env = {**os.environ, "KB_MODEL": "hash"}
    kb = [sys.executable, "-m", "kb.cli", "--index", str(tmp_path / "index")]
    built = subprocess.run([*kb, "ingest", "corpus"], cwd=tmp_path, env={**env, "KB_BACKEND": "milvus"},
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "index")], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        second = subprocess.run([*kb, "ask", "铜材料深加工目标"], cwd=tmp_path, env=env, capture_output=True, text=True)
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert "is open in another process" in second.stderr and "cannot reach Milvus" not in second.stderr
        assert second.stderr.count("\n") == 1
    finally:
        holder.kill()
        holder.wait()
    again = subprocess.run([*kb, "ask", "铜材料深加工目标"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and "答：" in again.stdout                 # the other process stopped: it works
