"""Discover content files and split each into front matter and Markdown body.

Only this module (with config.py) reads the site folder. Parsing is a pure
function of (path, bytes) so it can later be cached by hash and run in a pool.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problems
from . import yamltext
from .keys import nearest

FOLDERS = ("sessions", "reports", "deputies", "voices", "news", "pages", "suggestions",
           "resolutions", "appointments", "notices")
FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$")
# Invisible control characters (pasted from word processors) are not allowed in XML: one in a
# body would make every feed that shows it unreadable. Removed, with a warning naming the line.
CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass
class Document:
    """One content file: where it is, its front matter with field lines, its body."""

    folder: str
    id: str
    path: str  # relative to the site folder, POSIX
    meta: dict[str, Any]
    # field -> 1-based line in the file; inside a field, "entries/0" (its first item), "entries/0/name"
    lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    digest: str = ""  # hash of the file's bytes, set by read_documents

    def line_of(self, name: str) -> int:
        """The line of a field, or of the front matter's start when the field is missing."""
        return self.lines.get(name, 1)

    def line_within(self, name: str, index: int, key: str | None = None) -> int:
        """The line of a list item of a field (or of one key of that item), else the nearest known."""
        item = f"{name}/{index}"
        return self.lines.get(f"{item}/{key}") or self.lines.get(item) or self.line_of(name)


def parse_document(path: str, folder: str, raw: bytes, problems: Problems) -> Document | None:
    """Turn a file's bytes into a Document, recording problems instead of raising."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        problems.error(path, "文件不是 UTF-8 编码（可能是 GBK）。", line=line,
                       fix="用编辑器把文件另存为 UTF-8 编码。")
        return None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        problems.error(path, "文件中有空字符（\\0），不是正常的文本文件。", fix="检查文件是否损坏，重新保存为纯文本。")
        return None
    control = CONTROL.search(text)
    if control:
        problems.warn(path, f"文件中有不可见的控制字符 U+{ord(control.group()):04X}，已删去。",
                      line=text.count("\n", 0, control.start()) + 1,
                      fix="通常是从 Word 等处复制来的；在编辑器中删去这一处，警告就会消失。")
        text = CONTROL.sub("", text)
    lines = text.split("\n")
    if not lines or not FENCE.match(lines[0]) or lines[0].startswith("..."):
        problems.error(path, "文件开头没有 front matter。", line=1,
                       fix="第一行写 ---，接着写 title: 等字段，再用一行 --- 结束，然后是正文。")
        return None
    end = next((i for i in range(1, len(lines)) if FENCE.match(lines[i])), None)
    if end is None:
        problems.error(path, "front matter 没有结束的 --- 行。", line=1,
                       fix="在最后一个字段之后加一行 ---。")
        return None
    try:
        meta, key_lines = yamltext.load("\n".join(lines[1:end]))
    except yamltext.YamlSyntaxError as exc:
        for each in exc.all():
            problems.error(path, f"front matter 的 YAML 格式有误：{each.explain(offset=1)}。",
                           line=each.line + 1 if each.line else None,
                           fix=each.fix(1, "检查缩进、冒号后的空格和引号是否成对；含冒号的文字要加引号"))
        return None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        problems.error(path, "front matter 应是“字段: 值”的列表。", line=2,
                       fix="每行写一个字段，如 title: 标题。")
        return None
    field_lines = {"/".join(map(str, k)): v + 1 for k, v in key_lines.items() if len(k) == 1 or
                   (len(k) <= 3 and not isinstance(k[1], str))}  # a field's items, and their keys
    field_lines.update({f"{k[0]}[{k[1]}]": v + 1 for k, v in key_lines.items()  # list items: people[1]
                        if len(k) == 2 and isinstance(k[1], int)})
    doc_id = Path(path).name[:-3]
    return Document(folder=folder, id=doc_id, path=path, meta={str(k): v for k, v in meta.items()},
                    lines=field_lines, body="\n".join(lines[end + 1:]), body_line=end + 2)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root)
        return True
    except (ValueError, OSError, RuntimeError):
        return False


def _unreadable_name(site_dir: Path, path: Path, problems: Problems) -> bool:
    """A name that is not UTF-8 (GBK, from a zip made on Windows) is refused, shown as best it can be.

    Python lists such a name with surrogates in it, which no page, message or hash can hold.
    """
    name = path.name
    try:
        name.encode("utf-8")
        return False
    except UnicodeEncodeError:
        rel = path.relative_to(site_dir).as_posix().encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        problems.error(rel, "文件名或文件夹名不是 UTF-8 编码（可能是 GBK，常见于 Windows 上打包的压缩文件），无法使用。",
                       fix="重新输入这个名字（把它改名），或用支持 UTF-8 文件名的工具重新解压。")
        return True


# A content file saved under another extension: .MD, .markdown, .md.txt, .txt
ALMOST_MARKDOWN = re.compile(r"\.(md|markdown|mdown|mkd|mkdn|txt)(\.(txt|md))?$", re.I)


def discover(site_dir: Path, problems: Problems) -> list[tuple[str, str, Path]]:
    """List (folder, relative path, absolute path) of every content file, sorted.

    Symlinks that lead outside the site folder are refused: a content folder
    must never publish a file from elsewhere on the machine.
    """
    root = site_dir.resolve()
    content = site_dir / "content"
    found: list[tuple[str, str, Path]] = []
    if not content.is_dir():
        problems.error("content", "找不到 content 文件夹。", fix="在网站文件夹中建立 content/，其中放 sessions/、deputies/ 等子文件夹。")
        return found
    for entry in sorted(os.listdir(content)):
        full = content / entry
        if _unreadable_name(site_dir, full, problems):
            continue
        if entry.startswith(".") or not full.is_dir():
            if entry.endswith(".md"):
                problems.warn(f"content/{entry}", "这个文件不在任何内容文件夹里，没有发布。",
                              fix=f"移到 {'、'.join(FOLDERS)} 之一中。")
            continue
        if entry not in FOLDERS:
            guess = nearest(entry, FOLDERS)
            problems.warn(f"content/{entry}", "未知的内容文件夹，其中的文件没有发布。",
                          fix=f"是不是想用 {guess}？" if guess else f"可用的文件夹：{'、'.join(FOLDERS)}")
            continue
        if not _inside(full, root):
            problems.error(f"content/{entry}", "这个文件夹是指向网站文件夹之外的链接，不能使用。",
                           fix="把内容复制到网站文件夹中，不要用符号链接。")
            continue
        found.extend(_files_in(site_dir, root, entry, full, problems))
    return found


def _files_in(site_dir: Path, root: Path, entry: str, full: Path, problems: Problems) -> list[tuple[str, str, Path]]:
    """The .md files below one content folder, sorted; links leading outside the site folder refused."""
    found: list[tuple[str, str, Path]] = []
    for dirpath, dirnames, filenames in os.walk(full, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not _unreadable_name(site_dir, Path(dirpath, d), problems))
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)) and not _inside(Path(dirpath, d), root):
                rel = Path(dirpath, d).relative_to(site_dir).as_posix()
                problems.error(rel, "这个文件夹是指向网站文件夹之外的链接，不能使用。",
                               fix="把内容复制到网站文件夹中，不要用符号链接。")
                dirnames.remove(d)
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            if not name.endswith(".md"):
                almost = ALMOST_MARKDOWN.search(name)
                if almost:  # 讲话.MD, 讲话.markdown, 讲话.md.txt (Windows hides the last part)
                    shown = Path(dirpath, name).relative_to(site_dir).as_posix()
                    problems.warn(shown, "这个文件的扩展名不是 .md，没有发布。",
                                  fix=f"改名为 {name[:almost.start()]}.md（扩展名用小写的 .md）。")
                continue
            abs_path = Path(dirpath, name)
            if _unreadable_name(site_dir, abs_path, problems):
                continue
            rel = abs_path.relative_to(site_dir).as_posix()
            # folders below were checked on the way down (links to them are not followed),
            # so only a file that is itself a link can lead outside: resolve just those
            if os.path.islink(abs_path) and not _inside(abs_path, root):
                problems.error(rel, "这个文件是指向网站文件夹之外的链接，不能使用。",
                               fix="把文件复制到网站文件夹中，不要用符号链接。")
                continue
            found.append((entry, rel, abs_path))
    return found


@dataclass
class Parsed:
    """A file's parse result, kept between builds while the file is unchanged."""

    stat: tuple[int, int]  # (mtime_ns, size)
    digest: str  # hash of the bytes: part of every page fingerprint that shows this file
    document: Document | None
    problems: list = field(default_factory=list)


def read_parsed(folder: str, rel: str, abs_path: Path, known: Parsed | None = None) -> Parsed:
    """One content file, parsed; `known` (its last Parsed) is kept while its size and mtime
    are the same, and its document while its bytes are. Raises OSError when it cannot be read."""
    st = abs_path.stat()
    key = (st.st_mtime_ns, st.st_size)
    if known is not None and known.stat == key:
        return known
    raw = abs_path.read_bytes()  # size or mtime changed: read, then compare bytes
    digest = hashlib.blake2b(raw, digest_size=16).hexdigest()
    if known is not None and known.digest == digest:
        return Parsed(key, digest, known.document, known.problems)
    local = Problems()
    return Parsed(key, digest, parse_document(rel, folder, raw, local), local.items)


def read_documents(site_dir: Path, problems: Problems, cache: dict[str, Parsed] | None = None,
                   found: list[tuple[str, str, Path]] | None = None) -> list[Document]:
    """Read and parse every content file of a site; ids unique within each folder.

    With a `cache` (kept by a long-lived Builder), a file whose size and mtime
    are unchanged is not read again, nor parsed again if its bytes are the same;
    its earlier problems are reported again.
    `found` is a listing from `discover` the caller kept (it then reports its problems).
    """
    documents: list[Document] = []
    seen: dict[tuple[str, str], str] = {}
    fresh: dict[str, Parsed] = {}
    for folder, rel, abs_path in (discover(site_dir, problems) if found is None else found):
        try:
            parsed = read_parsed(folder, rel, abs_path, cache.get(rel) if cache is not None else None)
        except OSError as exc:
            problems.error(rel, f"无法读取文件：{exc.strerror}。")
            continue
        fresh[rel] = parsed
        problems.items.extend(parsed.problems)
        doc = parsed.document
        if doc is None:
            continue
        doc.digest = parsed.digest
        key2 = (folder, doc.id)
        if key2 in seen:
            problems.error(rel, f"文件名（id）“{doc.id}”与 {seen[key2]} 重复；同一内容文件夹中 id 必须唯一，子文件夹也算在内。",
                           fix="给其中一个文件改名。")
            continue
        seen[key2] = rel
        documents.append(doc)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    return documents


# Files a browser would run as a page of this site, with its address and cookies: never published from media/.
ACTIVE_SUFFIXES = (".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".php", ".jsp", ".asp", ".aspx")
SVG_ACTIVE = re.compile(rb"<script|<foreignobject|\son[a-z]+\s*=|javascript:|<iframe|<embed|<object", re.I)


def check_media(files: dict[str, Path], problems: Problems) -> None:
    """Web pages, scripts and SVG images with script in media/ are errors: opened from the site's
    own address they would run there (the pages' Content-Security-Policy does not cover them)."""
    for rel, path in files.items():
        if not rel.startswith("media/"):
            continue
        suffix = path.suffix.lower()
        if suffix in ACTIVE_SUFFIXES:
            problems.error(rel, "网页和脚本文件不能放在 media/ 中发布：读者打开时，它会在本站的网址下运行。",
                           fix="要提供的是文件本身，请压缩成 .zip 或转成 PDF 后再放进 media/；要发布的是内容，请写成 Markdown 页面。")
        elif suffix in (".svg", ".svgz"):
            try:
                data = path.read_bytes()
                if suffix == ".svgz":
                    import gzip
                    data = gzip.decompress(data)
            except (OSError, EOFError, ValueError):
                continue  # unreadable: published as it is, or reported where it is read
            if SVG_ACTIVE.search(data):
                problems.error(rel, "这个 SVG 图片里含有脚本（<script>、onload= 之类）或嵌入的网页，在本站的网址下打开时会运行。",
                               fix="用作图工具另存为不含脚本的 SVG，或导出为 PNG 后再放进 media/。")


def discover_assets(site_dir: Path, folder: str, problems: Problems) -> dict[str, Path]:
    """Files under media/ (or static/) to publish as they are: site-relative path -> file.

    Links that lead outside the site folder are refused, like content ones.
    """
    root = site_dir.resolve()
    base = site_dir / folder
    found: dict[str, Path] = {}
    if not base.is_dir():
        return found
    if not _inside(base, root):
        problems.error(folder, "这个文件夹是指向网站文件夹之外的链接，不能使用。", fix="把文件复制到网站文件夹中。")
        return found
    for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and not _unreadable_name(site_dir, Path(dirpath, d), problems))
        for d in list(dirnames):  # links to folders are not followed: one leading outside is an error
            if os.path.islink(os.path.join(dirpath, d)) and not _inside(Path(dirpath, d), root):
                problems.error(Path(dirpath, d).relative_to(site_dir).as_posix(),
                               "这个文件夹是指向网站文件夹之外的链接，不能使用。", fix="把文件复制到网站文件夹中。")
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            abs_path = Path(dirpath, name)
            if _unreadable_name(site_dir, abs_path, problems):
                continue
            rel = abs_path.relative_to(site_dir).as_posix()
            if (os.path.islink(abs_path) and not _inside(abs_path, root)) or not abs_path.is_file():
                problems.error(rel, "这是指向网站文件夹之外（或无效）的链接，不能发布。", fix="把文件本身复制到这里。")
                continue
            found[rel] = abs_path
    return found
