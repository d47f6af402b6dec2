"""How far the 把握 can be trusted, from a fresh run: the reliability diagram and the precision/coverage curve of the
blind test sets, as PNG files in docs/, and the figures behind them.

    .venv/bin/python bench/trust.py [--index index] [--out docs]

For each test set (test parts only: eval/blind/test.jsonl, eval/fresh/test.jsonl, eval/kinds/test.jsonl) every
question is asked through KnowledgeBase.ask; an answer is right when it contains a quote (the matching rule of
kb.evaluation.metrics), an unanswerable question answered is wrong. The reliability diagram bins the answers shown
by their 把握 (10 equal-width bins) against the share right; the curve moves the vouching threshold over the
candidates' 把握 (right among answers shown against answerable questions given a right answer), with the shipped
threshold marked.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, open_kb_or_exit  # noqa: E402
from kb.evaluation import metrics as evaluate  # noqa: E402

SETS = {"first test part (eval/blind/test.jsonl)": ROOT / "eval" / "blind" / "test.jsonl",
        "second test set (eval/fresh/test.jsonl)": ROOT / "eval" / "fresh" / "test.jsonl",
        "kinds test part (eval/kinds/test.jsonl)": ROOT / "eval" / "kinds" / "test.jsonl"}


def run(kb, path: Path) -> tuple[evaluate.Report, list[tuple[float, bool, bool]]]:
    """The report of the product, and per question (把握 of its best sentence, right, answerable) for the curve."""
    qs = evaluate.load_questions(path)
    rows: list[tuple[float, bool, bool]] = []

    def product(text: str):
        r = kb.ask(text, k=10)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)

    report = evaluate.evaluate(qs, product, k=10)
    for q in qs:
        r = kb.ask(q.question, k=10)
        best = r.answer or r.candidate
        ans = evaluate.answer_text(r.hits, best)
        right = bool(q.quotes) and ans is not None and evaluate.is_hit(ans, q.quotes)
        rows.append((float(r.confidence or 0.0) if best is not None else -1.0, right, bool(q.quotes)))
    return report, rows


def curve(rows: list[tuple[float, bool, bool]]) -> list[tuple[float, float, float]]:
    """(threshold, right among shown, coverage) as the threshold moves over the candidates' 把握."""
    n_ans = max(sum(a for _, _, a in rows), 1)
    out = []
    for t in sorted({c for c, _, _ in rows if c >= 0}):
        shown = [(c, ok) for c, ok, _ in rows if c >= t]
        if shown:
            out.append((t, sum(ok for _, ok in shown) / len(shown), sum(ok for _, ok in shown) / n_ans))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--out", default=str(ROOT / "docs"))
    a = ap.parse_args()
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit("bench/trust.py: install matplotlib to draw the figures (pip install -e '.[test]')")
    kb = open_kb_or_exit(a.index)
    vouch_at = kb.config.verdict.vouch_at
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    figures = {}
    fig_r, ax_r = plt.subplots(figsize=(6.4, 6))
    fig_c, ax_c = plt.subplots(figsize=(6, 5))
    ax_r.plot([0, 1], [0, 1], color="#999", lw=1, ls="--", label="perfect calibration")
    for (name, path), colour in zip(SETS.items(), ("#c0392b", "#1f77b4", "#2e7d32")):
        report, rows = run(kb, path)
        ece, bins = evaluate.calibration(evaluate.shown_pairs(report))
        figures[name] = {"answerable": report.n, "unanswerable": report.n_none, "shown": report.shown,
                         "answered_precision": report.answered_precision, "coverage": report.coverage,
                         "no_answer_recall": report.no_answer_recall, "ece": ece, "hit@5": report.hit5,
                         "mrr@10": report.mrr10, "bins": bins}
        xs = [b["confidence"] for b in bins]
        ax_r.plot(xs, [b["right"] for b in bins], marker="o", color=colour,
                  label=f"{name.split(' (')[0]}: ECE {ece:.3f}, {report.shown} shown")
        for b in bins:
            ax_r.annotate(str(b["n"]), (b["confidence"], b["right"]), textcoords="offset points", xytext=(4, -10),
                          fontsize=7, color=colour)
        # the same probability over every candidate sentence, shown or not (the whole range of the 把握)
        ece_all, bins_all = evaluate.calibration([(c, ok) for c, ok, _ in rows if c >= 0])
        figures[name]["ece_all_candidates"] = ece_all
        ax_r.plot([b["confidence"] for b in bins_all], [b["right"] for b in bins_all], ls="--", lw=1, marker=".",
                  color=colour, alpha=0.6, label=f"  every candidate, shown or not: ECE {ece_all:.3f}")
        pts = curve(rows)
        ax_c.plot([c for _, _, c in pts], [p for _, p, _ in pts], color=colour, label=name.split(" (")[0])
        at = [pt for pt in pts if pt[0] >= vouch_at]
        if at:
            ax_c.plot([at[0][2]], [at[0][1]], marker="o", color=colour)
    ax_r.axvline(vouch_at, color="#666", lw=1, ls=":", label=f"vouching threshold {vouch_at:.2f}")
    ax_r.set(xlim=(0, 1), ylim=(0, 1.02), xlabel="confidence (mean of the bin)", ylabel="share of those answers right",
             title="Reliability of the confidence, blind test sets\n(solid: answers shown; numbers: answers in the bin)")
    ax_r.legend(fontsize=7, loc="upper left")
    ax_c.axhline(0.90, color="#999", lw=1, ls="--", label="precision target 0.90")
    ax_c.axvline(0.75, color="#bbb", lw=1, ls="--", label="coverage target 0.75")
    ax_c.set(xlim=(0, 1), ylim=(0.3, 1.02), xlabel="answerable questions given a right answer (coverage)",
             ylabel="right among answers shown", title="Precision / coverage as the threshold moves (dot: shipped)")
    ax_c.legend(fontsize=7, loc="lower left")
    for fig, name in ((fig_r, "reliability.png"), (fig_c, "precision_coverage.png")):
        fig.tight_layout()
        fig.savefig(out / name, dpi=110)
        print(f"wrote {out / name}")
    print(json.dumps({k: {kk: (round(v, 4) if isinstance(v, float) else v) for kk, v in f.items() if kk != "bins"}
                      for k, f in figures.items()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
