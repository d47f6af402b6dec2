"""Settings read from the environment on every run, and the app's fixed constants."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kb import environment

PAGES = ["问答", "浏览", "摘录", "指标", "文档", "对比"]
EXAMPLES = ["铜材料深加工目标", "到十四五末要改造多少个老旧小区", "养老服务有什么举措",
            "每千人拥有执业医师数2025年目标"]
SHOWN, MORE = 5, 10          # hits shown at once, hits fetched
BASKET_COOKIE = "kb_basket"  # names the browser's basket (a file in basket_dir)
LONG_QUERY = 200             # a link into the reading view carries at most this many characters of the query
HISTORY_KEY = "kb_questions" # names this browser's recent questions in its localStorage (ui/history.py)
HISTORY_SIZE = 20            # how many recent questions the browser keeps
INDICATOR_COLUMNS = ["序号", "类别", "指标名称", "2020年基数", "2025年目标", "五年年均增长或累计",
                     "指标属性"]


@dataclass(frozen=True)
class Settings:
    """Where the index, corpus and baskets (KB_BASKETS) live, and which model embeds queries."""
    index_dir: str
    model: str | None
    corpus: str
    basket_dir: Path


def settings() -> Settings:
    """The settings as the environment has them now (read per run, not per import)."""
    env = environment()
    return Settings(index_dir=str(env.index), model=env.model, corpus=str(env.corpus), basket_dir=env.baskets)
