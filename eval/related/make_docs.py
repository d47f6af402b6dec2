"""Rebuild eval/related/docs/*.txt from the three public source files (see README.md):

    python3 eval/related/make_docs.py PROPOSAL.txt NO1-2018.txt government_work_reports.jsonl

Only scraper markup, blank lines, line-edge blanks and the licence footer are dropped; no character
of the documents' own text is changed."""
import json, re, sys, pathlib

OUT = pathlib.Path(__file__).parent / "docs"


def lines_of(text):
    return [l.strip() for l in text.split("\n") if l.strip()]


def proposal(src):  # lwei20000/pythonProject test_wordcloud/data/十四五.txt
    t = open(src, encoding="utf-8").read().replace("\r", "")
    return "\n".join(lines_of(t)) + "\n"


def no1_2018(src):  # YangBingxi/BIT-PythonLearning 关于实施乡村振兴战略的意见.txt
    t = open(src, encoding="utf-8").read().replace("\r", "")
    return "\n".join(lines_of(t)) + "\n"


def gwr2021(src):  # aldohemsn/chinese-political-corpora government_work_reports.jsonl, year 2021
    for l in open(src, encoding="utf-8"):
        d = json.loads(l)
        if d.get("year") == "2021":
            c = d["content"]
            break
    c = c.split("本作品是中华人民共和国的")[0]          # wikisource licence footer
    c = c.replace("\n\u200b\n", "")                     # page-break markers inside sentences
    c = c.replace("\u200b", "")
    c = c.replace("政府工作报\n告", "政府工作报告")        # title split by markup
    c = c.replace("国务院总理\n\u3000李克强", "国务院总理\u3000李克强")
    c = re.sub(r"《\n([^\n》]*)\n》", r"《\1》", c)      # link markup inside book-title marks
    return "\n".join(lines_of(c)) + "\n"


if __name__ == "__main__":
    m = sys.argv[1:]
    OUT.mkdir(exist_ok=True)
    (OUT / "central-14th-fyp-proposal-2020.txt").write_text(proposal(m[0]), encoding="utf-8")
    (OUT / "central-no1-2018.txt").write_text(no1_2018(m[1]), encoding="utf-8")
    (OUT / "gov-work-report-2021.txt").write_text(gwr2021(m[2]), encoding="utf-8")
