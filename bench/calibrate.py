"""Fit the 把握 (kb/verdict.py) on the blind TUNING questions only and write kb/data/verdict.json.

    .venv/bin/python bench/calibrate.py [--index index] [--precision 0.92] [--cv]

The confidence is the probability that the answer sentence shown is right: a logistic regression, unweighted (so
that its output is a probability), of "the answer sentence contains a quote of the question" on the verdict's
features, over every tuning question the product has an answer sentence for; an unanswerable question counts as
wrong when answered. Tuning sets: eval/blind/tune.jsonl, eval/tune2/tune.jsonl, eval/kinds/tune.jsonl.

The threshold (`[verdict] vouch_at`): the lowest confidence from which the answers shown are right at least
`--precision` of the time on the tuning questions, which gives the most right answers. The off-topic margin: the
largest topic gap of an answerable tuning question plus 0.01; eval/tune2/offtopic.jsonl (40 questions about something
else entirely) is measured, not fitted on. `--cv` also reports five-fold cross-validated figures (what the tuning
sets say of questions the fit did not see). No test set is read here.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.common import ROOT, open_kb_or_exit  # noqa: E402
from kb import verdict  # noqa: E402
from kb.evaluation import metrics as evaluate  # noqa: E402

TUNE = (ROOT / "eval" / "blind" / "tune.jsonl", ROOT / "eval" / "tune2" / "tune.jsonl",
        ROOT / "eval" / "kinds" / "tune.jsonl", ROOT / "eval" / "tune3" / "tune.jsonl")
OFFTOPIC = ROOT / "eval" / "tune2" / "offtopic.jsonl"      # measured (how many are refused), not fitted on
MARGIN_ABOVE = 0.01
C = 1.0                     # L2 strength of the logistic regression (sklearn's C)


def collect(kb, questions):
    """Per question: the feature row, whether an answer sentence was found, whether it is right, the topic gap."""
    X, has, right, gaps = [], [], [], []
    for q in questions:
        hits, ans, f = kb.evidence(q.question, k=10)       # exactly what ask() decides from
        X.append([f[k] for k in verdict.FEATURES])
        has.append(ans is not None)
        text = evaluate.answer_text(hits, ans)
        right.append(bool(q.quotes) and text is not None and evaluate.is_hit(text, q.quotes))
        gaps.append(f["topic_gap"])
    return np.array(X, dtype=float), np.array(has), np.array(right), np.array(gaps)


class Fitted:
    """A logistic regression on standardised features (so that the L2 penalty weighs every feature alike), with its
    weights carried back to the raw features: what kb/verdict.py computes."""

    def __init__(self, X: np.ndarray, y: np.ndarray):
        from sklearn.linear_model import LogisticRegression
        self.mean, self.std = X.mean(axis=0), X.std(axis=0)
        self.std[self.std == 0] = 1.0
        m = LogisticRegression(C=C, max_iter=5000).fit((X - self.mean) / self.std, y)
        self.coef = m.coef_[0] / self.std
        self.intercept = float(m.intercept_[0] - (m.coef_[0] * self.mean / self.std).sum())

    def predict(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(X @ self.coef + self.intercept)))


def fit(X: np.ndarray, y: np.ndarray) -> Fitted:
    return Fitted(X, y)


def choose_threshold(p: np.ndarray, right: np.ndarray, answerable: np.ndarray, precision: float):
    """The threshold giving the most right answers with right-among-shown >= precision: (t, precision, coverage)."""
    best = None
    for t in sorted(set(np.round(p, 4))):
        shown = p >= t
        if not shown.any():
            continue
        prec = float(right[shown].mean())
        cov = float((shown & right).sum() / max(answerable.sum(), 1))
        if prec >= precision and (best is None or cov > best[2]):
            best = (float(t), prec, cov)
    return best


def summary(p, right, answerable, t) -> dict:
    shown = p >= t
    ece, _ = evaluate.calibration(list(zip(p[shown].tolist(), right[shown].tolist())))
    return {"shown": int(shown.sum()), "answered_precision": round(float(right[shown].mean()), 3) if shown.any() else None,
            "coverage": round(float((shown & right).sum() / max(answerable.sum(), 1)), 3),
            "no_answer_recall": round(float((~shown & ~answerable).sum() / max((~answerable).sum(), 1)), 3),
            "ece": None if ece is None else round(ece, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--index", default=None)
    ap.add_argument("--precision", type=float, default=0.92)
    ap.add_argument("--cv", action="store_true", help="also report five-fold cross-validated figures")
    ap.add_argument("--dry-run", action="store_true", help="print, do not write kb/data/verdict.json")
    a = ap.parse_args()
    kb = open_kb_or_exit(a.index)
    qs = [q for f in TUNE for q in evaluate.load_questions(f)]
    off = evaluate.load_questions(OFFTOPIC)
    X, has, right, gaps = collect(kb, qs)
    Xo, has_o, _, gaps_o = collect(kb, off)
    answerable = np.array([q.type != "none" for q in qs])
    margin = round(float(gaps[answerable].max()) + MARGIN_ABOVE, 4)
    usable = has & (gaps <= margin)        # what the confidence is computed for (the rest is never answered)
    fits = {}
    # the full model for the index's own embedding model; a second without the dense feature for an index of any
    # other model (its cosines are on another scale: the fit would not hold)
    for name, cols in (("model", list(verdict.FEATURES)), ("other_models", list(verdict.LEXICAL))):
        idx = [verdict.FEATURES.index(c) for c in cols]
        model = fit(X[usable][:, idx], right[usable])
        p = np.zeros(len(qs))
        p[usable] = model.predict(X[usable][:, idx])
        best = choose_threshold(p, right, answerable, a.precision)
        if best is None:
            raise SystemExit(f"no threshold reaches right-among-shown {a.precision} on the tuning questions ({name})")
        t = best[0]
        po = np.zeros(len(off))
        ok_o = has_o & (gaps_o <= margin)
        if ok_o.any():
            po[ok_o] = model.predict(Xo[ok_o][:, idx])
        fitted = {"weights": dict(zip(cols, map(float, model.coef))), "intercept": model.intercept,
                  "threshold": round(t, 4),
                  "tune": {"questions": len(qs), "unanswerable": int((~answerable).sum()),
                           "fitted_rows": int(usable.sum()), **summary(p, right, answerable, t),
                           "offtopic_refused": round(float((po < t).mean()), 3), "offtopic_questions": len(off)}}
        if a.cv:
            rng = np.random.default_rng(20261203)
            fold = rng.integers(0, 5, len(qs))
            pc = np.zeros(len(qs))
            for k in range(5):
                tr, te = usable & (fold != k), usable & (fold == k)
                pc[te] = fit(X[tr][:, idx], right[tr]).predict(X[te][:, idx])
            fitted["tune"]["cross_validated"] = summary(pc, right, answerable, t)
        fits[name] = fitted
    out = {"model": kb.manifest["model"], **fits.pop("model"), "offtopic_margin": margin,
           "other_models": fits["other_models"],
           "fitted_on": " + ".join(str(f.relative_to(ROOT)) for f in TUNE), "fitted": time.strftime("%Y-%m-%d")}
    print(json.dumps(out, ensure_ascii=False, indent=2))
    if not a.dry_run:
        verdict.DATA.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {verdict.DATA.relative_to(ROOT)}; set [verdict] vouch_at = {out['threshold']} and "
              f"vouch_at_other_models = {out['other_models']['threshold']} in kb/config.py")


if __name__ == "__main__":
    main()
