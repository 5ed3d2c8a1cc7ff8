"""The only module that writes the published site: whole or not at all.

The new site is built in a temporary folder beside the output and swapped in
with one atomic rename (renameat2 RENAME_EXCHANGE on Linux), so a reader or
a crash never sees half a site. A lock keeps two builds off one output.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import posixpath
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from .render import OutputFile

RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


class WriteError(Exception):
    """The output could not be written; the message is for the editor, in Chinese."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def safe_relpath(path: str) -> str:
    """Refuse any output path that could land outside the output folder."""
    norm = posixpath.normpath(path)
    if not path or "\x00" in path or norm.startswith(("../", "/")) or norm in ("..", ".") \
            or posixpath.isabs(path) or "\\" in path:
        raise WriteError(f"拒绝写入输出文件夹之外的路径：{path!r}")
    return norm


def check_output_dir(out: Path, site_dir: Path) -> None:
    """Refuse outputs that would replace the site itself or another project."""
    out_r, site_r = out.resolve(), site_dir.resolve()
    if out_r == site_r or out_r in site_r.parents:
        raise WriteError(f"输出文件夹 {out} 包含网站文件夹本身，会被整个替换。请用 --out 指定一个单独的文件夹。")
    for marker in ("site.yaml", ".git", "content"):
        if (out_r / marker).exists():
            raise WriteError(f"输出文件夹 {out} 中有 {marker}，看起来不是生成的网站，拒绝覆盖。请用 --out 指定一个单独的文件夹。")


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder for the length of a build."""
    out.parent.mkdir(parents=True, exist_ok=True)
    lock_path = out.parent / f".{out.name}.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WriteError(f"另一个构建正在写入 {out}，请等它结束后再试。") from None
        yield
    finally:
        os.close(fd)


def _leftovers(out: Path) -> list[Path]:
    prefix = f".{out.name}.tmp-"
    return [p for p in out.parent.iterdir() if p.name.startswith(prefix)]


def _same(out: Path, files: list[OutputFile]) -> bool:
    """True when the output already holds exactly these files with these bytes."""
    if not out.is_dir():
        return False
    wanted = {f.path for f in files}
    existing = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() or p.is_symlink()}
    if wanted != existing:
        return False
    for f in files:
        target = out / f.path
        data = f.data if f.data is not None else f.source.read_bytes()  # type: ignore[union-attr]
        if target.stat().st_size != len(data) or target.read_bytes() != data:
            return False
    return True


def write_site(out: Path, files: list[OutputFile],
               before_swap: Callable[[Path], None] | None = None) -> bool:
    """Publish `files` as the whole content of `out`; True if anything changed.

    Must be called under `output_lock`. Leftovers of a killed build are removed
    first; on any failure the previous output stays exactly as it was.
    """
    for stale in _leftovers(out):
        shutil.rmtree(stale, ignore_errors=True)
    paths = [safe_relpath(f.path) for f in files]
    if len(set(paths)) != len(paths):
        raise WriteError("同一路径生成了两个文件。")
    if before_swap is None and _same(out, files):
        return False
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    try:
        tmp.mkdir()
        made: set[str] = set()
        for f, rel in zip(files, paths):
            target = tmp / rel
            parent = posixpath.dirname(rel)
            if parent and parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            if f.data is not None:
                target.write_bytes(f.data)
            else:
                shutil.copyfile(f.source, target)  # type: ignore[arg-type]
        if before_swap is not None:
            before_swap(tmp)
        if out.exists():
            if not out.is_dir() or out.is_symlink():
                raise WriteError(f"{out} 不是文件夹，拒绝覆盖。")
            if _exchange(tmp, out):
                shutil.rmtree(tmp, ignore_errors=True)
            else:  # no atomic exchange: the shortest possible gap
                old = out.parent / f".{out.name}.tmp-old-{os.getpid()}"
                os.rename(out, old)
                os.rename(tmp, out)
                shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return True
