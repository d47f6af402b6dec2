"""Turn the tab-separated lines of an indicator table (专栏 1-1) into rows with named columns."""
from __future__ import annotations

import re

from .clean import clean_line

ATTRS = ("预期性", "约束性")


def _column_name(cell: str, index: int) -> str:
    c = re.sub(r"\s", "", cell)
    year = re.search(r"(20\d\d)年", c)
    if "序" in c:
        return "序号"
    if "类别" in c:
        return "类别"
    if "名称" in c:
        return "指标名称"
    if "属性" in c:
        return "指标属性"
    if "年均" in c or "累计" in c:
        return "五年年均增长或累计"
    if year and "目标" in c:
        return f"{year.group(1)}年目标"
    if year:
        return f"{year.group(1)}年基数" if "基数" in c or index == 3 else f"{year.group(1)}年目标"
    return c or f"列{index + 1}"


def parse_table(raw_lines: list[str]) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """Return (column names, rows as [(column, value), …]) from raw tab-separated lines."""
    header_at = next((i for i, l in enumerate(raw_lines) if "序号" in l or "指标名称" in l), None)
    if header_at is None:
        return [], []
    head = raw_lines[header_at].split("\t")
    body_at = header_at + 1
    # header continuation lines (no leading row number) extend the column names cell by cell
    while body_at < len(raw_lines) and not re.match(r"^\s*\d+\s*\t", raw_lines[body_at]):
        extra = raw_lines[body_at].split("\t")
        head = [h + (extra[i] if i < len(extra) else "") for i, h in enumerate(head)]
        body_at += 1
    columns = [_column_name(h, i) for i, h in enumerate(head)]
    n = len(columns)
    rows: list[list[str]] = []
    for raw in raw_lines[body_at:]:
        cells = [clean_line(c) for c in raw.split("\t")][:n]
        cells += [""] * (n - len(cells))
        if re.fullmatch(r"\d+", cells[0]):
            rows.append(cells)
        elif rows:                                  # a wrapped row continues the previous one
            rows[-1] = [a + b if b and b not in ",，" else a for a, b in zip(rows[-1], cells)]
    _fill_categories(columns, rows)
    out = []
    for r in rows:
        cells = []
        for col, val in zip(columns, r):
            val = "" if val in ("_", "—", "-") else val
            if col == "指标属性":
                val = next((a for a in ATTRS if a in val), "")
            if val:
                cells.append((col, val))
        out.append(cells)
    return columns, out


def _fill_categories(columns: list[str], rows: list[list[str]]) -> None:
    """类别 is a merged cell whose label is spread over a few rows: join it and fill the group."""
    if "类别" not in columns:
        return
    c = columns.index("类别")
    labels: list[str | None] = [None] * len(rows)
    i = 0
    while i < len(rows):
        if rows[i][c]:
            j, label = i, ""
            while j < len(rows) and rows[j][c]:
                label += rows[j][c]
                j += 1
            for k in range(i, j):
                labels[k] = label
            i = j
        else:
            i += 1
    first = next((x for x in labels if x), None)
    current = first
    for k, x in enumerate(labels):
        current = x or current
        rows[k][c] = current or ""
