"""Is this file a .docx the import may open? Decided from its bytes before mammoth reads any of it.

What arrives as "the Word file" is often something else: an old binary .doc, a WPS .wps,
a PDF, a password-protected document (Office encrypts it into an OLE container), a
truncated download, a .docm with macros, a picture linked from the author's disk. And a
zip can be a bomb: a few kilobytes that inflate to gigabytes. Each is refused here with
one Chinese sentence saying what to do; sizes are read from the zip's directory, which
Python's zipfile then holds every part to.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

MAX_FILE = 100 << 20  # bytes on disk: a long report with photos is 10-30 MB
MAX_UNPACKED = 256 << 20  # all parts together, inflated
MAX_XML = 64 << 20  # the XML parts, which mammoth holds in memory as trees
MAX_RATIO = 200  # inflated / packed for any part over RATIO_FLOOR; a report's XML packs 10-30 times
RATIO_FLOOR = 2 << 20
MAX_PARTS = 10_000

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: .doc, .wps, or an encrypted .docx
SAVE_AS = "请在 Word 或 WPS 中打开它，另存为“Word 文档（*.docx）”后再导入。"
MAIN_DOCUMENT = "wordprocessingml.document.main+xml"
EXTERNAL_IMAGE = re.compile(r'<Relationship\b[^>]*?\bType="[^"]*/image"[^>]*>', re.S)
EXTERNAL = re.compile(r'\bTargetMode="External"')
TARGET = re.compile(r'\bTarget="([^"]*)"')


class ImportRefused(Exception):
    """A file the import will not convert; the message is one Chinese sentence with what to do."""


def _ole(data: bytes, suffix: str) -> str:
    head = data[:1 << 20]  # the directory of a small OLE file, where its streams are named in UTF-16
    if any(name.encode("utf-16-le") in head for name in ("EncryptedPackage", "EncryptionInfo")):
        return ("文档设置了打开密码（已加密），无法读取。请在 Word 或 WPS 中打开，取消密码"
                "（Word：文件 → 信息 → 保护文档 → 用密码进行加密，清空密码；WPS：文件 → 文档加密）后另存为 .docx 再导入。")
    if suffix == ".wps":
        return "这是 WPS 文字的旧格式（.wps），无法导入。请在 WPS 中打开它，另存为“Word 文档（*.docx）”后再导入。"
    if suffix in (".xls", ".ppt", ".et", ".dps"):
        return "这不是 Word 文档（是表格或演示文稿），无法导入。"
    return "这是旧版 Word 文档（.doc），无法导入。" + SAVE_AS


def _not_zip(data: bytes, suffix: str) -> str:
    """Why a file that is no zip cannot be imported."""
    if data.startswith(OLE):
        return _ole(data, suffix)
    if data.lstrip().startswith(b"%PDF"):
        return ("这是 PDF 文件，无法导入。请找到原来的 Word 文档（.docx）；实在没有时，可在 WPS 或 Word 中打开 PDF "
                "转成 .docx，仔细核对后再导入。")
    if data.lstrip().startswith(b"{\\rtf"):
        return "这是 RTF 文件（只是文件名像 Word 文档），无法导入。" + SAVE_AS
    if not data:
        return "文件是空的（0 字节）。请重新保存或重新下载这个文件。"
    if suffix in (".doc", ".wps", ".pdf"):
        return {".doc": "这是旧版 Word 文档（.doc），无法导入。" + SAVE_AS,
                ".wps": "这是 WPS 文字的旧格式（.wps），无法导入。" + SAVE_AS,
                ".pdf": "这是 PDF 文件，但内容已损坏，无法导入。"}[suffix]
    return "文件已损坏，或不是 Word 文档（.docx 应是一个完整的压缩包）。" + SAVE_AS


def _sizes(archive: zipfile.ZipFile) -> None:
    """Refuse a zip whose directory says it inflates to far more than a document would."""
    infos = archive.infolist()
    unpacked = sum(i.file_size for i in infos)
    xml = sum(i.file_size for i in infos if i.filename.endswith((".xml", ".rels")))
    bomb = len(infos) > MAX_PARTS or unpacked > MAX_UNPACKED or xml > MAX_XML or any(
        i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if bomb:
        raise ImportRefused(f"文件解压后有 {unpacked >> 20} MB、{len(infos)} 个部分，远超正常的 Word 文档"
                            f"（可能是“压缩炸弹”），已拒绝。" + SAVE_AS)
    if any(i.flag_bits & 0x1 for i in infos):
        raise ImportRefused("文件中的内容加了密码，无法读取。请取消密码后另存为 .docx 再导入。")


def _read(archive: zipfile.ZipFile, name: str) -> str:
    try:
        return archive.read(name).decode("utf-8", "replace")
    except KeyError:
        return ""


def _content(archive: zipfile.ZipFile) -> None:
    """Refuse what is not a plain Word document: macros, templates, spreadsheets, linked pictures."""
    names = {i.filename for i in archive.infolist()}
    types = _read(archive, "[Content_Types].xml")
    if "macroEnabled" in types or any(n.lower().endswith("vbaproject.bin") for n in names):
        raise ImportRefused("文档中含有宏（.docm），为安全起见不导入。请在 Word 中另存为“Word 文档（*.docx）”"
                            "（不含宏）后再导入。")
    if "wordprocessingml.template.main" in types:
        raise ImportRefused("这是 Word 模板（.dotx），不是文档。" + SAVE_AS)
    if MAIN_DOCUMENT not in types:
        what = "表格（Excel）" if "spreadsheetml" in types else "演示文稿（PowerPoint）" if "presentationml" in types \
            else "OpenDocument 文档" if "mimetype" in names else "别的文件"
        raise ImportRefused(f"这不是 Word 文档（像是{what}），无法导入。" + SAVE_AS)
    for name in sorted(n for n in names if n.startswith("word/") and n.endswith(".rels")):
        for relation in EXTERNAL_IMAGE.findall(_read(archive, name)):
            if EXTERNAL.search(relation):
                target = TARGET.search(relation)
                shown = target.group(1) if target else "文档之外"
                raise ImportRefused(f"文档中的图片没有嵌在文件里，而是链接到 {shown}，导入后无法显示。请在 Word 中选中"
                                    f"图片，剪切后用“粘贴选项 → 图片”重新粘贴（或：文件 → 信息 → 编辑指向文件的链接 → "
                                    f"断开链接），保存后再导入。")
    for name in sorted(n for n in names if n.endswith((".xml", ".rels"))):
        with archive.open(name) as part:
            start = part.read(4096)
        if b"<!DOCTYPE" in start or b"<!ENTITY" in start:  # Word never writes one; entity tricks start here
            raise ImportRefused("文件中有 Word 不会写出的内容（DOCTYPE），可能被改动过，已拒绝。" + SAVE_AS)


def check(path: Path) -> bytes:
    """The bytes of a .docx that may be converted; ImportRefused says why not, in Chinese."""
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            raise ImportRefused(f"文件有 {size >> 20} MB，超过导入的上限 {MAX_FILE >> 20} MB。"
                                f"请压缩文档中的图片（Word：图片格式 → 压缩图片）后再导入。")
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRefused(f"无法读取这个文件（{exc.strerror or exc}）。请检查文件是否存在、是否有权限读取。") from None
    if not data.startswith(b"PK"):
        raise ImportRefused(_not_zip(data, suffix))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _sizes(archive)
            _content(archive)
            if archive.testzip() is not None:  # every part inflated once (bounded above) and its CRC checked
                raise zipfile.BadZipFile
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError, NotImplementedError, OSError):
        raise ImportRefused("文件已损坏（压缩包不完整或有错误），无法读取。请重新下载或重新保存后再导入；"
                            "Word 打开时若提示修复，修复后另存为 .docx。") from None
    return data
