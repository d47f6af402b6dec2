"""The outline's blind test sets with other documents indexed beside it (issue 23, item 5).

    .venv/bin/python bench/multidoc.py [--workdir /tmp/guihua-multidoc]

Builds two indexes with the default model: the outline alone, and the outline with the eight gallery documents
(tests/data/gallery/) and the two central texts of the related gold set (eval/related/docs/: the 2020 十四五
proposal and the 2021 政府工作报告). Then asks every question of the three blind test parts and the off-topic set
three ways: the outline alone; the eleven documents with the question limited to the outline (`doc=`, what the
app's 按文件筛选 and `kb ask --doc` do); the eleven documents unrestricted. Prints one line of figures per set and
way (the matching rule of kb.evaluation.metrics).
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
OTHERS = sorted((ROOT / "tests" / "data" / "gallery").glob("*.txt")) + [
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
    a = ap.parse_args()
    work = Path(a.workdir or tempfile.mkdtemp(prefix="guihua-multidoc-"))
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


if __name__ == "__main__":
    main()
