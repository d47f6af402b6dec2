"""The English lines of the ingest and the kb (a refused file, a report's warnings, a question not searched) in the
app's Chinese.

`kb` and `ingest` speak English to the command line; the app's readers read Chinese. Each line the ingest can say
about a file is matched here and said again in Chinese, its variable parts (a page number, a count, the places
the numbering skips) kept as they are. A line this table does not know is shown as it is, never dropped.
"""
from __future__ import annotations

import re

_GAP = re.compile(r"(.+?) is followed by (.+)")
_FIRST = re.compile(r"the first is (.+)")


# pypdfium2's reasons (`Failed to load document (PDFium: Data format error).`)
_PDFIUM = {"Data format error": "数据格式错误", "Incorrect password error": "密码不对", "File access error": "文件无法访问",
           "Unknown error": "未知错误", "Unsupported security scheme error": "不支持的加密方式",
           "Page not found or content error": "页面缺失或内容错误"}


def _pdfium(text: str) -> str:
    m = re.fullmatch(r"Failed to load (?:document|page) \(PDFium: (.+?)\)\.?", text)
    return f"PDFium：{_PDFIUM[m.group(1)]}" if m and m.group(1) in _PDFIUM else text


def _places(text: str) -> str:
    """`二、 is followed by 四、; the first is 三、…` → `二、之后是四、；第一个是三、…`."""
    out = []
    for part in text.split("; "):
        if m := _GAP.fullmatch(part):
            out.append(f"{m.group(1)}之后是{m.group(2)}")
        elif m := _FIRST.fullmatch(part):
            out.append(f"第一个是{m.group(1)}")
        else:
            out.append(part)
    return "；".join(out)


# (pattern of the whole line, the Chinese line: a format string over the pattern's groups, or a function of the match)
_LINES: list[tuple[re.Pattern, object]] = [(re.compile(p, re.S), z) for p, z in [
    # the report's warnings (ingest/document.py)
    (r"structure disagrees with the document's table of contents in (\d+) place\(s\): (.*)",
     lambda m: f"结构与文档自带的目录有 {m.group(1)} 处不一致：{m.group(2).replace('; ', '；')}"),
    (r"the numbering is not continuous in (\d+) place\(s\): (.*)",
     lambda m: f"编号有 {m.group(1)} 处不连续：{_places(m.group(2))}"),
    (r"(\d+) suspicious character\(s\) left \(radicals, private use or U\+FFFD\)",
     "仍有 {0} 个可疑字符（部首、私用区字符或 U+FFFD）"),
    # what a reader noticed (ingest/readers)
    (r"page (\d+): cannot be read \((.*)\)", "第 {0} 页无法读取（{1}）"),
    (r"page (\d+): no text layer and OCR is not installed", "第 {0} 页没有文字层，且未安装 OCR"),
    (r"page (\d+): OCR failed \((.*)\)", "第 {0} 页 OCR 识别失败（{1}）"),
    (r"page (\d+): OCR found no text", "第 {0} 页 OCR 没有识别出文字"),
    (r"the page declares (\S+) but is (\S+)", "网页声明的编码是 {0}，实际是 {1}"),
    (r"the page is not valid (\S+); undecodable bytes were replaced", "网页不是有效的 {0} 编码，无法解码的字节已替换"),
    (r"(\d+) byte sequence\(s\) are not valid (.+?); each is read as U\+FFFD \(.\)",
     "有 {0} 处字节不是有效的 {1} 编码，每处读作 U+FFFD（\ufffd）"),
    # why a file was refused (ingest, kb)
    (r"no such file", "文件不存在"),
    (r"not a file", "不是文件"),
    (r"unsupported file type (.+?); use (.+)", "不支持的文件类型 {0}；可用 {1}"),
    (r"the file is empty", "文件是空的"),
    (r"a PDF file named (\S+): rename it to \.pdf", "这是 PDF 文件，扩展名却是 {0}：改成 .pdf 再添加"),
    (r"no text found", "文件里没有文字"),
    (r"no paragraphs found", "文件里没有找到正文段落"),
    (r"unreadable metadata \((.*)\)", "元数据文件无法读取（{0}）"),
    (r"metadata must be a JSON object", "元数据文件必须是一个 JSON 对象"),
    (r"text has a UTF-16 mark but is not valid UTF-16", "文本带 UTF-16 标记，但不是有效的 UTF-16"),
    (r"not a text file \(binary content\)", "不是文本文件（内容是二进制数据）"),
    (r"not readable text: neither UTF-8 nor GB18030/GBK \((\d+%) of its characters would be replacement, control, "
     r"private-use or rare characters\)",
     "不是可读的文本：既不是 UTF-8，也不是 GB18030/GBK（{0} 的字符会是替换符、控制符、私用区或生僻字符）"),
    (r"not readable text \((\d+%) of its characters are replacement, control, private-use or rare characters when "
     r"read as (.+)\)", "不是可读的文本（按 {1} 读，{0} 的字符是替换符、控制符、私用区或生僻字符）"),
    (r"an old binary Word \.doc or an encrypted file, not \.docx; save it as an unencrypted \.docx and ingest that",
     "这是旧版 Word .doc 文件或加密文件，不是 .docx：另存为未加密的 .docx 再添加"),
    (r"install python-docx to read Word files", "读取 Word 文件需要安装 python-docx"),
    (r"not a readable Word file \((.+) in the body\)", "不是可读取的 Word 文件（正文中出现 {0}）"),
    (r"not a readable Word file \((.+)\)", "不是可读取的 Word 文件（{0}）"),
    (r"the Word file has no text", "Word 文件里没有文字"),
    (r"install trafilatura and lxml to read web pages", "读取网页需要安装 trafilatura 和 lxml"),
    (r"the page is empty", "网页是空的"),
    (r"not a readable HTML page \((.+)\)", "不是可读取的网页（{0}）"),
    (r"the page could not be parsed \((.+)\)", "网页无法解析（{0}）"),
    (r"no article text found in the page", "网页里没有找到正文"),
    (r"not an HTML page \(binary content\)", "不是网页文件（内容是二进制数据）"),
    (r"install pypdfium2 to read PDF files", "读取 PDF 需要安装 pypdfium2"),
    (r"the PDF is encrypted; save an unencrypted copy and ingest that", "PDF 已加密：另存一份未加密的副本再添加"),
    (r"not a readable PDF \(no page can be read: (.*)\)", "不是可读取的 PDF（没有一页能读出：{0}）"),
    (r"not a readable PDF \((.*)\)", lambda m: f"不是可读取的 PDF（{_pdfium(m.group(1))}）"),
    (r"the PDF has no pages", "PDF 没有页面"),
    (r"the PDF has no text layer \(scanned images\?\); install rapidocr-onnxruntime==1\.4\.4 to read it with OCR",
     "PDF 没有文字层（扫描件？）：安装 rapidocr-onnxruntime==1.4.4 后可用 OCR 识别"),
    (r"the PDF has no text layer and OCR found no text in it \(blank or unreadable scan\?\)",
     "PDF 没有文字层，OCR 也没有识别出文字（空白或无法辨认的扫描件？）"),
    (r"nothing left to index", "索引里将一份文档也不剩"),
    # why a question was not searched (kb.BadQuery)
    (r"the query is empty: type a question or a few words", "问题里没有可检索的字词：请输入一个问题或几个词"),
    (r"no document '(.+)' in this index \(documents: (.+); `kb ls` lists them\)", "索引里没有编号为 {0} 的文档（现有：{1}）"),
    (r"no place numbered (.+) in the indexed documents \(kb toc lists each document's headings\)",
     "已索引的文档中没有编号为 {0} 的位置（“浏览”列出各文档的标题）"),
    (r"no place numbered (.+) in document (.+) \(kb toc lists each document's headings\)",
     "文档 {1} 中没有编号为 {0} 的位置（“浏览”列出它的标题）"),
    (r"(.+) is more than one place \((.+)\): name the document with --doc", "{0} 指多处（{1}）：请先选定文档"),
    (r"(.+) is more than one place \((.+)\): name its 篇 too", "{0} 指多处（{1}）：请连同篇一起写"),
]]


# the system's errors a write can end in (OSError's `[Errno N] text`), said in Chinese with the number kept
_ERRNO = re.compile(r"\[Errno (\d+)\] ([^:]+?)(?:: (.*))?")
_ERRNOS = {28: "磁盘空间已满", 122: "超出磁盘配额", 13: "没有权限", 1: "不允许的操作", 30: "文件系统是只读的",
           5: "读写出错", 2: "文件或文件夹不存在", 36: "文件名太长", 24: "打开的文件太多", 12: "内存不足"}


def zh(line: str) -> str:
    """One line of the ingest in Chinese; a line the table does not know, as it is."""
    m = _ERRNO.fullmatch(line)
    if m and int(m.group(1)) in _ERRNOS:
        return f"{_ERRNOS[int(m.group(1))]}（Errno {m.group(1)}）" + (f"：{m.group(3)}" if m.group(3) else "")
    for pattern, said in _LINES:
        m = pattern.fullmatch(line)
        if m:
            return said(m) if callable(said) else said.format(*m.groups())
    return line
