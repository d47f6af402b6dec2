"""对照 pairs in the basket: two quotations from different documents that state the same measure, kept as two
adjacent items sharing a pair id, so that they are shown, moved, exported and removed together.

A side is an ordinary quotation (text, citation, place, pages) with `pair` (the pair's id) and `own_id` (its id as a
quotation on its own) added; its `id` names the pair and the side. The basket file stays a list of quotations, so a
pair persists as any quotation does.
"""
from __future__ import annotations

SIDES = "甲乙"                     # the two sides of a pair, as the page and every export name them


def pair_id(a: dict, b: dict) -> str:
    """One id for the pair of quotations a and b, whichever was shown first (a pair added from either side is the
    same pair)."""
    return "pair:" + "|".join(sorted((a["id"], b["id"])))


def make_pair(a: dict, b: dict) -> list[dict]:
    """The two sides of a new pair, a first."""
    pair = pair_id(a, b)
    return [{**it, "id": f"{pair}#{n}", "pair": pair, "own_id": it["id"]} for n, it in enumerate((a, b), 1)]


def single(side: dict) -> dict:
    """A side left alone (its other side removed): an ordinary quotation again, under its own id."""
    out = {k: v for k, v in side.items() if k not in ("pair", "own_id")}
    out["id"] = side.get("own_id") or side["id"]
    return out


def normalise(items: list[dict]) -> list[dict]:
    """The basket with every pair as two adjacent sides (a second side found later is brought up to its first), a
    side without its other side made an ordinary quotation, and no id twice (the first kept)."""
    sides: dict[str, list[dict]] = {}
    for it in items:
        if it.get("pair"):
            sides.setdefault(it["pair"], []).append(it)
    out: list[dict] = []
    seen: set[str] = set()
    done: set[str] = set()
    for it in items:
        pair = it.get("pair")
        if pair:
            if pair in done:
                continue
            done.add(pair)
            group: list[dict] = []
            for s in sides[pair]:
                if s["id"] not in seen and all(s["id"] != g["id"] for g in group):
                    group.append(s)
            group = group[:2]
            if len(group) == 2:
                out.extend(group)
                seen.update(s["id"] for s in group)
                continue
            it = single(it)
        if it["id"] not in seen:
            out.append(it)
            seen.add(it["id"])
    return out


def units(items: list[dict]) -> list[list[dict]]:
    """The basket as it is shown and exported: each unit a single quotation or the two sides of a pair."""
    out: list[list[dict]] = []
    for it in items:
        if it.get("pair") and out and len(out[-1]) == 1 and out[-1][0].get("pair") == it["pair"]:
            out[-1].append(it)
        else:
            out.append([it])
    return out


def labels(items: list[dict]) -> list[str]:
    """Each quotation's number as the page and every export give it: 1, 2, … for a unit; 3甲 and 3乙 for the sides
    of the third unit when it is a pair."""
    out: list[str] = []
    for n, unit in enumerate(units(items), 1):
        out += [str(n)] if len(unit) == 1 else [f"{n}{s}" for s in SIDES[:len(unit)]]
    return out
