"""The only module that writes the published site: whole or not at all.

The new site is made in a folder beside the output and swapped in with one
atomic rename (renameat2 RENAME_EXCHANGE on Linux), so a reader or a crash
never sees half a site. A lock keeps two builds off one output.

Only changed bytes are written. A manifest beside the output (`.public.state`)
records every published file's digest and its size, mtime and inode as written.
The folder swapped out by one build is kept (`.public.prev`) and becomes the
next build's working folder: it is brought up to date by replacing only the
files that differ (each by write-then-rename, never in place, since unchanged
files are hard links shared with the published folder), checked against its own
manifest first, so nothing anyone changed there is trusted (manifest.py). When the output
already holds exactly the wanted files, nothing is written and nothing swapped.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import fcntl
import hashlib
import marshal
import os
import posixpath
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from .manifest import Manifest, Published, file_digest, intact_files, load_state, save_state, spare_path, stage_path, walk

if TYPE_CHECKING:
    from ..pages.render import OutputFile

RENAME_EXCHANGE = 2
_libc: ctypes.CDLL | None = None


class WriteError(Exception):
    """The output could not be written; the message is for the editor, in Chinese."""


class OutputRefused(WriteError):
    """The --out given is no place for a site (the site folder itself, a project): a usage error."""


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)  # the C library this Python already uses
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
        raise OutputRefused(f"输出文件夹 {out} 包含网站文件夹本身，会被整个替换。请用 --out 指定一个单独的文件夹。")
    for name in ("content", "media", "templates", "static", ".cache"):  # the editor's own files
        folder = (site_r / name).resolve()
        if out_r == folder or folder in out_r.parents:
            raise OutputRefused(f"输出文件夹 {out} 在网站的 {name}/ 文件夹里，发布时会替换掉其中编辑写的文件。"
                                f"请用 --out 指定 {name}/ 以外的文件夹，如 {site_dir / 'public'}。")
    for marker in ("site.yaml", ".git", "content"):
        if (out_r / marker).exists():
            raise OutputRefused(f"输出文件夹 {out} 中有 {marker}，看起来不是生成的网站，拒绝覆盖。请用 --out 指定一个单独的文件夹。")
    if out.is_symlink():
        raise OutputRefused(f"输出文件夹 {out} 是一个链接（指向 {os.readlink(out)}），发布时只会替换链接本身。"
                            "请用 --out 指定真实的文件夹。")
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"{out} 是一个文件，不是文件夹，拒绝覆盖。请用 --out 指定一个文件夹。")
    # A folder the writer did not make (no manifest beside it) is somebody's: publishing would
    # swap it out and the next build would delete it. Only an empty one may become the output.
    if out.is_dir() and load_state(out) is None and any(out.iterdir()):
        raise OutputRefused(f"输出文件夹 {out} 中已有文件，但它不是本工具生成的网站（旁边没有 .{out.name}.state），"
                            "发布会把它整个替换掉。请用 --out 指定一个新的或空的文件夹；确实要用这个文件夹，"
                            "请先把其中的文件移走。")


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
    mine = stage_path(out).name  # this build's own stage (Stage below)
    return [p for p in out.parent.iterdir() if p.name.startswith(prefix) and p.name != mine]


class Stage:
    """Where a build's processes put pages the moment they are rendered: no page is held in memory.

    A folder beside the output (same file system), laid out as the output will be, so that
    publishing a staged page is a rename, and a build with no usable previous generation
    (a cold one) takes the whole stage as its working folder in one rename: the folders
    and files were made by the rendering processes, in parallel. write_site does either;
    the pipeline removes what is left when the build ends, good or bad.
    """

    def __init__(self, out: Path):
        self.folder = stage_path(out)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)

    def put(self, rel: str, data: bytes) -> tuple[Path, str]:
        """Write one page at its output path (from any of the build's processes): (file, digest)."""
        path = self.folder / safe_relpath(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(data)
        return path, file_digest(data)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _digest_of(f: OutputFile) -> str:
    digest = getattr(f, "digest", "")
    if digest:
        return digest
    if f.data is not None:
        return file_digest(f.data)
    return file_digest(f.source.read_bytes())  # type: ignore[union-attr]


def _inside(path: Path, folders: tuple[Path, ...]) -> bool:
    return any(folder in path.parents for folder in folders)


def link_or_copy(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (one inode, no bytes copied), or a copy where links fail."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _place(f: OutputFile, target: Path, linkable: tuple[Path, ...], stage: Path | None = None) -> None:
    """Put one file at `target` by write-then-rename: never into an existing inode."""
    if f.data is None and stage is not None and stage in Path(f.source).parents:  # type: ignore[arg-type]
        try:
            os.replace(f.source, target)  # type: ignore[arg-type]  # a staged page: moved, not copied
            return
        except OSError:
            pass  # moved already (two pages with one file) or elsewhere: copy below
    tmp = target.with_name(f".~{target.name}.part")
    if f.data is not None:
        with open(tmp, "wb") as handle:
            handle.write(f.data)
    else:
        source = Path(f.source)  # type: ignore[arg-type]
        if _inside(source, linkable):  # our own output: share the inode
            tmp.unlink(missing_ok=True)
            link_or_copy(source, tmp)
        else:  # an editor's static or media file: a copy, so later edits never reach the site
            shutil.copyfile(source, tmp)
    os.replace(tmp, target)


def _make_parent(root: Path, rel: str, made: set[str]) -> None:
    parent = posixpath.dirname(rel)
    if not parent or parent in made:
        return
    target = root / parent
    try:
        target.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file stands where a folder must go
        probe = root
        for part in parent.split("/"):
            probe = probe / part
            if probe.is_symlink() or (probe.exists() and not probe.is_dir()):
                probe.unlink()
                break
        target.mkdir(parents=True, exist_ok=True)
    made.add(parent)


def _prune_dirs(root: Path, removed: list[str]) -> None:
    """Remove the folders that deleting `removed` left empty."""
    parents = sorted({posixpath.dirname(rel) for rel in removed if "/" in rel}, key=len, reverse=True)
    for parent in parents:
        while parent:
            try:
                (root / parent).rmdir()
            except OSError:
                break
            parent = posixpath.dirname(parent)


def write_site(out: Path, files: list[OutputFile], published: Published | None = None) -> bool:
    """Publish `files` as the whole content of `out`; True if anything changed.

    Must be called under `output_lock`. Leftovers of a killed build are removed
    first; on any failure the previous output stays exactly as it was.
    `published`: the build's look at `out`, taken under the same lock (else one is taken here).
    """
    for stale in _leftovers(out):
        shutil.rmtree(stale, ignore_errors=True)
    want, digests = _wanted(files)
    if published is None or published.out != out:
        published = Published.look(out)
    state, intact = published.state, published.intact
    old: Manifest = state["out"] if state else {}
    if published.exact and set(old) == set(want) \
            and all(intact.get(rel) == digest for rel, digest in digests.items()):
        return False  # the output is already exactly this: no write, no swap

    spare = spare_path(out)
    stage = stage_path(out)
    staged = _staged(want, digests, stage)
    spare_manifest: Manifest | None = state.get("spare") if state else None
    if state is not None and spare_manifest is not None:
        save_state(out, {**state, "spare": None})  # the spare is about to change: not trusted until done
    have, adopted = _working_folder(spare, stage, spare_manifest, want, staged)
    try:
        placed = _fill(spare, out, stage, want, digests, have, intact)
        manifest = _manifest_of(spare, want, digests, placed + adopted, spare_manifest)
        kept = _swap_in(spare, out, old, intact)
    except BaseException:
        # The working folder is half made and no longer trusted (the next build would delete it):
        # delete it now, so that a build that failed for want of space leaves that space behind.
        shutil.rmtree(spare, ignore_errors=True)
        try:
            save_state(out, {**state, "spare": None} if state else None)
        except OSError:
            pass  # the error being raised says what went wrong; the old manifest still stands
        raise
    token = hashlib.sha1(marshal.dumps(sorted(manifest.items()))).hexdigest()
    save_state(out, {"out": manifest, "spare": kept, "token": token})
    return True


def _wanted(files: list[OutputFile]) -> tuple[dict[str, OutputFile], dict[str, str]]:
    """The files by their checked output path, and each one's digest; two on one path is refused."""
    paths = [safe_relpath(f.path) for f in files]
    if len(set(paths)) != len(paths):
        raise WriteError("同一路径生成了两个文件。")
    want = dict(zip(paths, files))
    return want, {rel: _digest_of(f) for rel, f in want.items()}


def _staged(want: dict[str, OutputFile], digests: dict[str, str], stage: Path) -> dict[str, str]:
    """The pages the rendering processes already put in the stage: path -> digest."""
    inside_stage = str(stage) + os.sep
    return {rel: digests[rel] for rel, f in want.items()
            if f.data is None and f.source is not None and str(f.source).startswith(inside_stage)}


def _working_folder(spare: Path, stage: Path, spare_manifest: Manifest | None, want: dict[str, OutputFile],
                    staged: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Make the spare folder the working one: what it holds still as recorded and still wanted
    stays, the rest goes; with nothing worth keeping, the stage takes its place.

    Returns (path -> digest of what the folder holds, the staged paths it took over).
    """
    have: dict[str, str] = {}
    if spare.is_symlink() or (spare.exists() and not spare.is_dir()):
        spare.unlink()
    elif spare.is_dir():
        if spare_manifest is None:
            shutil.rmtree(spare)
        else:
            stats = walk(spare)
            have = intact_files(spare_manifest, stats)
            gone = [rel for rel in stats if rel not in want or rel not in have]
            for rel in gone:
                (spare / rel).unlink()
                have.pop(rel, None)
            _prune_dirs(spare, gone)
    if not have and staged and stage.is_dir():  # nothing worth keeping: the stage becomes the working folder
        if spare.is_dir():
            shutil.rmtree(spare)
        os.rename(stage, spare)
        return dict(staged), list(staged)
    return have, []


def _fill(spare: Path, out: Path, stage: Path, want: dict[str, OutputFile], digests: dict[str, str],
          have: dict[str, str], intact: dict[str, str]) -> list[str]:
    """Place every wanted file the working folder lacks; returns the paths placed."""
    spare.mkdir(exist_ok=True)
    made: set[str] = set()
    linkable = (out.resolve(), spare.resolve())
    placed: list[str] = []
    for rel, f in want.items():
        digest = digests[rel]
        if have.get(rel) == digest:
            continue
        placed.append(rel)
        _make_parent(spare, rel, made)
        target = spare / rel
        if target.is_dir() and not target.is_symlink():  # a folder stands where a file must go
            shutil.rmtree(target)
        if intact.get(rel) == digest:  # the published copy has these bytes: share it
            f = dataclasses.replace(f, data=None, source=out / rel, digest=digest)
        _place(f, target, linkable, stage)
    return placed


def _manifest_of(spare: Path, want: dict[str, OutputFile], digests: dict[str, str], changed: list[str],
                 spare_manifest: Manifest | None) -> Manifest:
    """The working folder's manifest: only what was placed needs a look, the rest is as recorded."""
    manifest: Manifest = {}
    stats = {rel: os.lstat(spare / rel) for rel in changed}
    for rel in want:
        st = stats.get(rel)
        if st is None:
            manifest[rel] = spare_manifest[rel]  # type: ignore[index]
        else:
            manifest[rel] = (digests[rel], st.st_size, st.st_mtime_ns, st.st_ino)
    return manifest


def _swap_in(spare: Path, out: Path, old: Manifest, intact: dict[str, str]) -> Manifest | None:
    """The working folder becomes the output in one exchange; returns the manifest of the new spare."""
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise WriteError(f"{out} 不是文件夹，拒绝覆盖。")
        if not _exchange(spare, out):  # no atomic exchange: the shortest possible gap
            old_dir = out.parent / f".{out.name}.tmp-old-{os.getpid()}"
            os.rename(out, old_dir)
            os.rename(spare, out)
            os.rename(old_dir, spare)
        return {rel: old[rel] for rel in intact}  # the old site is now the spare
    os.rename(spare, out)
    return None
