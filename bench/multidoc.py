"""The outline's blind test sets with other documents indexed beside it (issue 23, item 5).

    .venv/bin/python bench/multidoc.py [--workdir /tmp/guihua-multidoc] [--reuse]

Builds two indexes with the default model: the outline alone, and the outline with the eight gallery documents
(tests/data/gallery/) and the two central texts of the related gold set (eval/related/docs/: the 2020 十四五
proposal and the 2021 政府工作报告). Then asks every question of the three blind test parts and the off-topic set
three ways: the outline alone; the eleven documents with the question limited to the outline (`doc=`, what the
app's 按文件筛选 and `kb ask --doc` do); the eleven documents unrestricted. Prints one line of figures per set and
way (the matching rule of kb.evaluation.metrics), and for the questions limited to the outline how many get the
same top 5 passages, the same answer sentence and the same verdict and 把握 as in the outline's own index.
`--reuse` opens the two indexes a previous run left in --workdir instead of building them.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT  # noqa: E402
from kb import KnowledgeBase  # noqa: E402
from kb.evaluation import metrics as evaluate  # noqa: E402

OUTLINE = ROOT / "corpus" / "weibin-14th-five-year-plan-outline.txt"
GALLERY = ("central-no1-2018", "city-15th-plan-guangzhou", "gov-work-report-2023", "gov-work-report-2024",
           "implementation-opinion-anhui-rcep", "national-15th-plan", "notice-zhejiang-zhandao-wajue",
           "province-15th-plan-beijing")      # the eight measured in docs/ACROSS.md (the gallery grows)
OTHERS = [ROOT / "tests" / "data" / "gallery" / f"{name}.txt" for name in GALLERY] + [
    ROOT / "eval" / "related" / "docs" / "central-14th-fyp-proposal-2020.txt",
    ROOT / "eval" / "related" / "docs" / "gov-work-report-2021.txt"]
SETS = ("eval/blind/test.jsonl", "eval/fresh/test.jsonl", "eval/kinds/test.jsonl", "eval/offtopic/test.jsonl")
KEYS = ("hit@1", "hit@5", "mrr@10", "answer_hit", "answered_precision", "no_answer_recall", "ece", "shown")


def build(folder: Path, files: list[Path]) -> KnowledgeBase:
    corpus = folder / "corpus"
    corpus.mkdir(parents=True)
    for f in files:
        shutil.copy(f, corpus / f.name)
    KnowledgeBase.build([corpus], index_dir=folder / "index")
    return KnowledgeBase.open(index_dir=folder / "index")


def same_as_alone(alone: KnowledgeBase, many: KnowledgeBase, path: str, doc: str) -> dict:
    """Questions asked of `doc` in `many` answered as in `alone`: the same top 5, answer (or candidate) sentence,
    verdict and 把握 (to 1e-3)."""
    n = top5 = answer = verdict = 0
    for q in evaluate.load_questions(ROOT / path):
        a, m = alone.ask(q.question, k=5), many.ask(q.question, k=5, doc=doc)
        sa, sm = a.answer or a.candidate, m.answer or m.candidate
        n += 1
        top5 += [h.passage.id for h in a.hits] == [h.passage.id for h in m.hits]
        answer += (sa and sa.text) == (sm and sm.text)
        verdict += a.verdict == m.verdict and abs(a.confidence - m.confidence) < 1e-3
    return {"questions": n, "same top 5": top5, "same answer": answer, "same verdict and 把握": verdict}


def figures(kb: KnowledgeBase, path: str, doc: str | None) -> dict:
    qs = evaluate.load_questions(ROOT / path)

    def product(q):
        r = kb.ask(q, k=10, doc=doc)
        return (*evaluate.result_texts(r), r.answerable, r.confidence)
    got = evaluate.evaluate(qs, product, k=10).to_json(0, 0, 0)
    return {k: got.get(k) for k in KEYS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--reuse", action="store_true", help="open the indexes a previous run left in --workdir")
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="guihua-multidoc-"))
    if a.reuse and (work / "alone" / "index").exists() and (work / "many" / "index").exists():
        alone = KnowledgeBase.open(index_dir=work / "alone" / "index")
        many = KnowledgeBase.open(index_dir=work / "many" / "index")
    else:
        shutil.rmtree(work, ignore_errors=True)
        alone = build(work / "alone", [OUTLINE])
        many = build(work / "many", [OUTLINE, *OTHERS])
    outline = alone.documents[0].doc_id
    print(f"{len(many.documents)} documents, {len(many.passages)} passages (the outline alone: {len(alone.passages)})")
    for path in SETS:
        for name, kb, doc in (("outline alone", alone, None), ("11 docs, doc=outline", many, outline),
                              ("11 docs, all", many, None)):
            f = figures(kb, path, doc)
            print(f"{path:28s} {name:22s} " + "  ".join(f"{k} {'–' if v is None else round(v, 3)}"
                                                        for k, v in f.items()))
        same = same_as_alone(alone, many, path, outline)
        print(f"{path:28s} {'doc=outline vs alone':22s} " + "  ".join(f"{k} {v}" for k, v in same.items()))


if __name__ == "__main__":
    main()
