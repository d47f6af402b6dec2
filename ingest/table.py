"""Read an indicator table (专栏 1-1) into rows with named columns, merged cells resolved, from either a
structured table (Word, HTML, a ruled PDF table: merged cells already repeated) or tab-separated lines of a
text extraction (merged cells printed once, in the middle of the rows they span)."""
from __future__ import annotations

import re

from .clean import clean_line
from .punct import restore

ATTRS = ("预期性", "约束性")
MERGED = ("类别", "指标属性")           # columns whose cells span several rows in these tables
_EMPTY = ("", "_", "—", "-", "－", "/")
_NUMBER = re.compile(r"[\[［]?\s*[<>≥≤＜＞]?\s*(-?\d+(?:\.\d+)?)")


def number(value: str) -> float | None:
    """The number a cell holds, for sorting: '85以上' → 85, '[2.9]' → 2.9, '≥2.5' → 2.5, '按市下达目标' → None."""
    m = _NUMBER.match(value.strip()) if value else None
    return float(m.group(1)) if m else None


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


def row_text(cells: list[tuple[str, str]]) -> str:
    """A row as one line of text for search and display: '序号：1；类别：经济发展；…'."""
    return "；".join(f"{c}：{v}" for c, v in cells)


def parse_table(lines: list[tuple[str, tuple[str, ...] | None]]
                ) -> tuple[list[str], list[list[tuple[str, str]]], list[int]]:
    """(raw line, cells or None) pairs → (column names, one [(column, value), …] per indicator, the index in
    `lines` where each indicator starts: its page is that line's page)."""
    structured = sum(1 for _, cells in lines if cells) > len(lines) / 2
    indexed = [(k, t, c) for k, (t, c) in enumerate(lines) if c or not structured]
    raw = [list(c) if c else t.split("\t") for _, t, c in indexed]
    header_at = next((i for i, r in enumerate(raw) if any("序号" in c or "指标名称" in c for c in r)), None)
    if header_at is None:
        return [], [], []
    head = raw[header_at]
    body_at = header_at + 1
    # header continuation lines (no row number) extend the column names cell by cell
    while body_at < len(raw) and not re.fullmatch(r"\s*\d+\s*", raw[body_at][0] if raw[body_at] else ""):
        extra = raw[body_at]
        head = [h + (extra[i] if i < len(extra) and extra[i] != h else "") for i, h in enumerate(head)]
        body_at += 1
    columns = [_column_name(h, i) for i, h in enumerate(head)]
    n = len(columns)
    units: list[list[str]] = []           # one per indicator (a numbered row, or a second indicator in it)
    origins: list[int] = []               # where each unit starts in `lines`
    for pos in range(body_at, len(raw)):
        r = raw[pos]
        cells = [restore(clean_line(c)) for c in r][:n]
        cells += [""] * (n - len(cells))
        cells = ["" if c in _EMPTY else c for c in cells]
        if not any(cells) or (units and any("序号" in c or "指标名称" in c for c in cells)):
            continue                       # blank, or the header repeated where the table continues
        if re.fullmatch(r"\d+", cells[0]) and (not units or cells[0] != units[-1][0] or not structured):
            units.append(cells)
            origins.append(indexed[pos][0])
        elif units and structured and cells[0] == units[-1][0]:
            units.append(cells)            # a merged 序号 cell over two indicators (Word, HTML, ruled PDF)
            origins.append(indexed[pos][0])
        elif units and _second_indicator(columns, units[-1], cells):
            cells[0] = units[-1][0]
            units.append(cells)            # row 8: 城镇新增就业人数 [2.9] / 城镇就业（万人） [2.5]
            origins.append(indexed[pos][0])
        elif units:                        # a wrapped line continues the unit above
            units[-1] = [a + b if b and b not in ",，" else a for a, b in zip(units[-1], cells)]
    if structured:                         # a merged cell cut by a page break leaves its rows below empty
        for col in MERGED:
            if col in columns:
                c = columns.index(col)
                for k in range(1, len(units)):
                    units[k][c] = units[k][c] or units[k - 1][c]
    else:
        for col in MERGED:
            if col in columns:
                _spread(units, columns.index(col), ATTRS if col == "指标属性" else None)
    out = []
    for u in units:
        cells = []
        for col, val in zip(columns, u):
            if col == "指标属性":
                val = next((a for a in ATTRS if a in val), "")
            if val:
                cells.append((col, val))
        out.append(cells)
    return columns, out, origins


def _second_indicator(columns: list[str], above: list[str], cells: list[str]) -> bool:
    """A continuation line that is an indicator of its own: a name of its own and a figure in a column where
    the line above has a complete figure too."""
    name = columns.index("指标名称") if "指标名称" in columns else 2
    if len(cells[name]) < 2 or cells[name] in ",，":
        return False
    for c, col in enumerate(columns):
        if col.endswith(("基数", "目标")) or col.startswith("五年"):
            if number(cells[c]) is not None and number(above[c]) is not None:
                return True
    return False


def _spread(units: list[list[str]], c: int, values: tuple[str, ...] | None) -> None:
    """A merged cell printed once in the middle of the rows it spans: give every row its label.

    Each label spans as many rows below as above it (it is centred), never past its neighbours; rows left
    over after a label's span (a table continued on the next page) belong to the label above them."""
    def label_of(v: str) -> str:
        if values is None:
            return v
        return next((a for a in values if a in v), "")

    labels = [label_of(u[c]) for u in units]
    if all(labels):
        return                             # every row has its own value: nothing is merged
    groups: list[list[int]] = []
    for i, v in enumerate(labels):
        if not v:
            continue
        if groups and groups[-1][1] == i - 1 and values is None:
            groups[-1][1] = i
            groups[-1][2] += v
        else:
            groups.append([i, i, v])
    if not groups:
        return
    spans: list[tuple[int, int, str]] = []
    prev_end = -1
    for g, (a, b, text) in enumerate(groups):
        nxt = groups[g + 1][0] if g + 1 < len(groups) else len(units)
        k = min(a - prev_end - 1, nxt - b - 1)
        lo, hi = a - k, b + k
        spans.append((lo, hi, text))
        prev_end = hi
    fill: list[str] = [""] * len(units)
    for lo, hi, text in spans:
        for i in range(lo, hi + 1):
            fill[i] = text
    current = spans[0][2]
    for i in range(len(units)):
        current = fill[i] or current
        units[i][c] = fill[i] or current
