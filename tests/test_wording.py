"""The app says in Chinese why a file was refused and what the ingest warns of (ui/wording.py): each line below is
what the ingest really says about a real bad file, taken from ingest.load, not typed in."""
from __future__ import annotations

import re
import zipfile
import io

import pytest

import ingest
from ingest.errors import BadDocument
from ui.wording import zh

# words a Chinese line may keep: formats, encodings, names of packages and of Python's errors
KEPT = re.compile(r"UTF|GB18030|GBK|PDF|PDFium|OCR|Word|JSON|doc|docx|pdf|txt|html|htm|xlsx|Errno|FFFD|rapidocr|"
                  r"onnxruntime|pypdfium2|python|trafilatura|lxml|\w*(?:Error|Exception|File)", re.I)


def _english(line: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z]{3,}", line) if not KEPT.fullmatch(w)]


def _docx_without_body() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    return buf.getvalue()


BAD = {
    "empty.txt": b"",
    "binary.txt": bytes(range(256)) * 20,
    "mojibake.txt": ("卫滨区“十四五”规划纲要，全区生产总值年均增长7%左右。" * 40).encode("utf-8").decode("latin-1")
                    .encode("utf-8"),
    "one-line.txt": "只是一句话。".encode(),
    "broken.pdf": b"%PDF-1.4\n garbage\n" * 10,
    "pdf-named.txt": b"%PDF-1.4\n" + b"x" * 100,
    "broken.docx": b"this is not a word file\n" * 10,
    "nobody.docx": _docx_without_body(),
    "empty.html": b"   ",
    "binary.html": b"\x00\x01\x02" * 100,
    "old.doc.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_refused_file_is_said_in_chinese(tmp_path, name):
    f = tmp_path / name
    f.write_bytes(BAD[name])
    with pytest.raises(BadDocument) as e:
        ingest.load(f)
    line = str(e.value)
    for head in (f"{f}: ", f"{name}: "):
        line = line.removeprefix(head)
    said = zh(line)
    assert said != line and not _english(said), (line, said)
    assert re.search(r"[\u4e00-\u9fff]", said)


def test_warnings_are_said_in_chinese_with_the_places_kept(tmp_path):
    """A gap in the numbering, a page the encoding lies about: the places and the names stay as printed."""
    f = tmp_path / "work.txt"
    f.write_text("某区2025年城乡环境卫生整治工作方案\n\n一、整治范围\n\n城区主次干道两侧，全区所有行政村。\n\n"
                 "三、保障措施\n\n成立工作领导小组，区长任组长。\n", encoding="utf-8")
    (w,) = ingest.load(f).report.warnings
    assert zh(w) == "编号有 1 处不连续：一、之后是三、"
    page = tmp_path / "page.html"
    page.write_bytes('<html><head><meta charset="gbk"><title>某区植树工作安排</title></head><body>'
                     '<h1>某区植树工作安排</h1><p>一、时间</p><p>三月中旬，各单位按片区组织。</p><p>二、地点</p>'
                     '<p>河滨公园、卫河北岸，栽植侧柏、国槐和白蜡共一千二百株。</p></body></html>'.encode("utf-8"))
    warnings = ingest.load(page).report.warnings
    assert [zh(w) for w in warnings] == ["网页声明的编码是 gb18030，实际是 utf-8"]


def test_a_line_the_table_does_not_know_is_shown_as_it_is():
    assert zh("something new the ingest says") == "something new the ingest says"
    assert zh("[Errno 28] No space left on device") == "磁盘空间已满（Errno 28）"
    assert zh("[Errno 99] Cannot assign requested address") == "[Errno 99] Cannot assign requested address"


def test_a_question_not_searched_is_said_in_chinese(hash_index):
    """What the kb says of a question it does not search (kb.BadQuery), as the 问答 page shows it."""
    from kb import BadQuery, KnowledgeBase
    kb = KnowledgeBase.open(hash_index, model="hash")
    said = []
    for call in (lambda: kb.search("   "), lambda: kb.place("第九章第九节"), lambda: kb.search("铜材料", doc="没有这份")):
        with pytest.raises(BadQuery) as e:
            call()
        said.append(zh(str(e.value)))
    assert said[0] == "问题里没有可检索的字词：请输入一个问题或几个词"
    assert said[1] == "已索引的文档中没有编号为 第九章第九节 的位置（“浏览”列出各文档的标题）"
    assert said[2].startswith("索引里没有编号为 没有这份 的文档（现有：weibin-14th-five-year-plan-outline")
    assert not any(_english(s.replace("weibin-14th-five-year-plan-outline", "")) for s in said), said
