"""`python build.py import` on what is not a .docx it may open: one Chinese line, exit 1, nothing written.

Old binary Word (.doc), WPS's own .wps, a PDF, RTF saved as .doc, a password-protected
document (an OLE container), a truncated download, an empty file, a zip bomb, a .docm
with macros, a picture linked from the author's disk, a spreadsheet renamed .docx. Then
failures while the files are being put in place: a disk error, Ctrl-C, a name taken in
a race — each leaves content/ and media/ exactly as they were.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import docx_samples as S
from tests.conftest import PROJECT, snapshot, write_site
from test_import_docx import import_

from generator.commands.docx import write as import_writer


def _renamed_spreadsheet() -> bytes:
    return S.rezip(S.simple_document(), lambda name, blob: blob.replace(
        b"wordprocessingml.document.main+xml", b"spreadsheetml.sheet.main+xml") if name == "[Content_Types].xml"
        else blob)


def _doctype() -> bytes:
    return S.rezip(S.simple_document(), lambda name, blob: blob.replace(
        b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1) if name == "word/document.xml" else blob)


def _truncated() -> bytes:
    data = S.simple_document()
    return data[: len(data) * 2 // 3]


def _bad_crc() -> bytes:
    data = bytearray(S.simple_document())
    at = data.find(b"word/document.xml") + 40  # inside the part's compressed bytes
    data[at] ^= 0xFF
    return bytes(data)


BAD = {  # file name -> (bytes, words the one line must contain)
    "旧文档.doc": (lambda: S.ole_container("WordDocument"), ["旧版 Word 文档（.doc）", "另存为“Word 文档（*.docx）”"]),
    "金山.wps": (lambda: S.ole_container("WordDocument"), ["WPS 文字的旧格式（.wps）", "另存为"]),
    "加密.docx": (lambda: S.ole_container("EncryptedPackage"), ["打开密码", "取消密码", "另存为 .docx"]),
    "扫描件.pdf": (lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", ["PDF 文件", "原来的 Word 文档"]),
    "富文本.doc": (lambda: b"{\\rtf1\\ansi hello}", ["RTF 文件", "另存为"]),
    "下载一半.docx": (_truncated, ["已损坏", "重新下载"]),
    "改坏了.docx": (_bad_crc, ["已损坏"]),
    "空文件.docx": (lambda: b"", ["是空的"]),
    "炸弹.docx": (S.zip_bomb, ["压缩炸弹", "已拒绝"]),
    "宏.docm": (S.macro_document, ["含有宏", "不含宏"]),
    "宏改名.docx": (S.macro_document, ["含有宏"]),
    "链接图片.docx": (S.external_image_document, ["链接到 file:///C:/photos/meeting.jpg", "重新粘贴"]),
    "表格.docx": (_renamed_spreadsheet, ["不是 Word 文档", "Excel"]),
    "实体.docx": (_doctype, ["DOCTYPE", "已拒绝"]),
    "缺正文.docx": (lambda: S.rezip(S.simple_document(), lambda name, blob: None if name == "word/document.xml"
                                    else blob), ["无法解析", "另存为 .docx"]),
}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {"media/已有.png": S.png()})


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_input_is_refused_in_one_line(site: Path, tmp_path: Path, name: str):
    make, words = BAD[name]
    source = tmp_path / name
    source.write_bytes(make())
    before = snapshot(site)
    started = time.monotonic()
    result = import_(site, source)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"未导入 {source}："), result.stderr
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in result.stderr
    assert snapshot(site) == before  # nothing written, not even a temporary file
    assert time.monotonic() - started < 60  # the bomb is refused from the zip's directory, not inflated


def test_refused_through_the_real_command_line(site: Path, tmp_path: Path):
    """The same through `python build.py import` in its own process: no traceback reaches the terminal."""
    (tmp_path / "a.doc").write_bytes(S.ole_container("WordDocument"))
    (tmp_path / "b.docx").write_bytes(S.zip_bomb())
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "import", str(tmp_path / "a.doc"),
                             str(tmp_path / "b.docx"), str(tmp_path / "missing.docx"), "--site", str(site)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stdout == ""
    assert [line.split("：")[0] for line in result.stderr.splitlines()] == [
        f"未导入 {tmp_path}/missing.docx", f"未导入 {tmp_path}/a.doc", f"未导入 {tmp_path}/b.docx"]


def test_no_site_is_a_usage_error(tmp_path: Path):
    (tmp_path / "a.docx").write_bytes(S.simple_document())
    result = import_(tmp_path / "nowhere", tmp_path / "a.docx")
    assert result.returncode == 2 and "没有 site.yaml" in result.stderr


# -- failures while placing the files ---------------------------------------------------------

def _fail_on_markdown(exc: BaseException):
    real = import_writer._move

    def move(temporary: Path, final: Path) -> None:
        if final.suffix == ".md":  # the pictures are in place by now: the worst moment
            raise exc
        real(temporary, final)
    return move


@pytest.mark.parametrize("exc, code, said", [
    (OSError(28, "No space left on device"), 1, "磁盘空间不足"),
    (KeyboardInterrupt(), 130, "已中断"),
    (FileExistsError(17, "File exists", "x", None, "y"), 1, "已经存在，没有覆盖"),
])
def test_a_failure_while_placing_leaves_nothing(site: Path, tmp_path: Path, monkeypatch, exc, code, said):
    source = tmp_path / "word.docx"
    source.write_bytes(S.word_document())
    before = snapshot(site)
    monkeypatch.setattr(import_writer, "_move", _fail_on_markdown(exc))
    result = import_(site, source)
    assert result.returncode == code and said in result.stderr and "Traceback" not in result.stderr
    assert snapshot(site) == before
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_dir()) == ["content", "media"]


def test_a_file_system_without_hard_links_still_never_overwrites(site: Path, tmp_path: Path, monkeypatch):
    def no_links(*args, **kwargs):
        raise OSError(1, "Operation not permitted")
    monkeypatch.setattr(os, "link", no_links)
    source = tmp_path / "word.docx"
    source.write_bytes(S.word_document())
    assert import_(site, source).returncode == 0
    again = import_(site, source, name="关于城市更新工作情况的报告")
    assert again.returncode == 1 and "已经存在" in again.stderr
    assert not [p for p in site.rglob(".*") if p.is_file()]  # no temporary file left
