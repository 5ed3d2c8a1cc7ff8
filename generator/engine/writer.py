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
manifest first, so nothing anyone changed there is trusted. When the output
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
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from ..pages.render import OutputFile

RENAME_EXCHANGE = 2
STATE_MAGIC = b"congress-output-state 1\n"
Manifest = dict[str, tuple[str, int, int, int]]  # path -> (digest, size, mtime_ns, inode)
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
    if out.is_dir() and _load_state(out) is None and any(out.iterdir()):
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
    mine = _stage_path(out).name  # this build's own stage (Stage below)
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
        self.folder = _stage_path(out)
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


def file_digest(data: bytes) -> str:
    """The digest the manifest keeps for a file's bytes."""
    return hashlib.sha1(data).hexdigest()


def _state_path(out: Path) -> Path:
    return out.parent / f".{out.name}.state"


def _spare_path(out: Path) -> Path:
    return out.parent / f".{out.name}.prev"


def _stage_path(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-stage-{os.getpid()}"


def _load_state(out: Path) -> dict | None:
    """The manifest of the published folder and of the spare one; None if missing or damaged."""
    try:
        data = _state_path(out).read_bytes()
    except OSError:
        return None
    head = len(STATE_MAGIC)
    if not data.startswith(STATE_MAGIC) or data[head:head + 9] != b"%08x\n" % zlib.crc32(data[head + 9:]):
        return None
    try:
        state = marshal.loads(data[head + 9:])
    except (ValueError, EOFError, TypeError):
        return None
    return state if isinstance(state, dict) and isinstance(state.get("out"), dict) else None


def _save_state(out: Path, state: dict | None) -> None:
    path = _state_path(out)
    if state is None:
        path.unlink(missing_ok=True)
        return
    payload = marshal.dumps(state)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(STATE_MAGIC + b"%08x\n" % zlib.crc32(payload) + payload)
        os.replace(tmp, path)
    except OSError:  # a full disk: no half-written manifest left beside the output
        tmp.unlink(missing_ok=True)
        raise


def _walk(root: Path) -> dict[str, os.stat_result]:
    """Every non-folder below `root`, by POSIX path relative to it, with its lstat."""
    found: dict[str, os.stat_result] = {}
    todo = [("", str(root))]
    while todo:
        prefix, folder = todo.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                todo.append((rel + "/", entry.path))
            else:
                found[rel] = entry.stat(follow_symlinks=False)
    return found


def _intact(manifest: Manifest, stats: dict[str, os.stat_result]) -> dict[str, str]:
    """path -> digest for the files that are exactly as the manifest recorded them."""
    out: dict[str, str] = {}
    for rel, (digest, size, mtime, ino) in manifest.items():
        st = stats.get(rel)
        if st is not None and st.st_size == size and st.st_mtime_ns == mtime and st.st_ino == ino:
            out[rel] = digest
    return out


@dataclasses.dataclass(frozen=True)
class Published:
    """One look at the published folder: the writer's manifest, and which files are still exactly
    as it recorded them (size, mtime and inode, from one walk; no file read).

    A build takes it once, under the output lock (nothing else writes there meanwhile), and
    every step that asks what is published uses it: the pages the Builder reuses, the summary's
    unchanged count, and write_site itself.
    """

    out: Path
    state: dict | None
    found: int  # files below `out`, as the walk found them
    intact: dict[str, str]  # path -> digest of each file exactly as written

    @classmethod
    def look(cls, out: Path) -> "Published":
        state = _load_state(out)
        stats = _walk(out) if state is not None and out.is_dir() and not out.is_symlink() else {}
        return cls(out, state, len(stats), _intact(state["out"], stats) if state is not None else {})

    @property
    def exact(self) -> bool:
        """The folder holds the manifest's files and nothing else, each as written."""
        return self.state is not None and self.found == len(self.state["out"]) == len(self.intact)

    def token(self) -> str | None:
        """The token of the last write if the folder is exactly as written then (the no-change check)."""
        return self.state.get("token") if self.exact and self.state is not None else None

    def files(self) -> dict[str, tuple[str, Path]]:
        """The files still as written: path -> (digest, file).

        The Builder reuses these bytes for pages whose inputs did not change, instead of
        keeping every page in memory or in its cache.
        """
        return {rel: (digest, self.out / rel) for rel, digest in self.intact.items()}


def output_files(out: Path) -> dict[str, tuple[str, int]] | None:
    """Every file of the output as the last build recorded it: path -> (sha1 digest, size).

    The search index the build added is included. None when there is no manifest (not an
    output of this tool, or damaged). `publish` decides from this what changed.
    """
    state = _load_state(out)
    return None if state is None else {rel: (row[0], row[1]) for rel, row in state["out"].items()}


def written_token(out: Path) -> str | None:
    """The token of the last write, without looking at the folder (just written, under the lock)."""
    state = _load_state(out)
    return state.get("token") if state else None


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
    paths = [safe_relpath(f.path) for f in files]
    if len(set(paths)) != len(paths):
        raise WriteError("同一路径生成了两个文件。")
    want = dict(zip(paths, files))
    digests = {rel: _digest_of(f) for rel, f in want.items()}
    if published is None or published.out != out:
        published = Published.look(out)
    state, intact = published.state, published.intact
    old: Manifest = state["out"] if state else {}
    if published.exact and set(old) == set(want) \
            and all(intact.get(rel) == digest for rel, digest in digests.items()):
        return False  # the output is already exactly this: no write, no swap

    spare = _spare_path(out)
    stage = _stage_path(out)
    inside_stage = str(stage) + os.sep
    staged = {rel: digests[rel] for rel, f in want.items()
              if f.data is None and f.source is not None and str(f.source).startswith(inside_stage)}
    spare_manifest: Manifest | None = state.get("spare") if state else None
    if state is not None and spare_manifest is not None:
        _save_state(out, {**state, "spare": None})  # the spare is about to change: not trusted until done
    have: dict[str, str] = {}
    if spare.is_symlink() or (spare.exists() and not spare.is_dir()):
        spare.unlink()
    elif spare.is_dir():
        if spare_manifest is None:
            shutil.rmtree(spare)
        else:
            stats = _walk(spare)
            have = _intact(spare_manifest, stats)
            gone = [rel for rel in stats if rel not in want or rel not in have]
            for rel in gone:
                (spare / rel).unlink()
                have.pop(rel, None)
            _prune_dirs(spare, gone)
    adopted: list[str] = []
    if not have and staged and stage.is_dir():  # nothing worth keeping: the stage becomes the working folder
        if spare.is_dir():
            shutil.rmtree(spare)
        os.rename(stage, spare)
        have, adopted = dict(staged), list(staged)
    try:
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
        manifest: Manifest = {}
        # only what was placed needs a look: the rest is as the spare's manifest says
        stats = {rel: os.lstat(spare / rel) for rel in placed + adopted}
        for rel in want:
            st = stats.get(rel)
            if st is None:
                manifest[rel] = spare_manifest[rel]  # type: ignore[index]
            else:
                manifest[rel] = (digests[rel], st.st_size, st.st_mtime_ns, st.st_ino)
        if out.exists() or out.is_symlink():
            if not out.is_dir() or out.is_symlink():
                raise WriteError(f"{out} 不是文件夹，拒绝覆盖。")
            if not _exchange(spare, out):  # no atomic exchange: the shortest possible gap
                old_dir = out.parent / f".{out.name}.tmp-old-{os.getpid()}"
                os.rename(out, old_dir)
                os.rename(spare, out)
                os.rename(old_dir, spare)
            kept: Manifest | None = {rel: old[rel] for rel in intact}  # the old site is now the spare
        else:
            os.rename(spare, out)
            kept = None
    except BaseException:
        # The working folder is half made and no longer trusted (the next build would delete it):
        # delete it now, so that a build that failed for want of space leaves that space behind.
        shutil.rmtree(spare, ignore_errors=True)
        try:
            _save_state(out, {**state, "spare": None} if state else None)
        except OSError:
            pass  # the error being raised says what went wrong; the old manifest still stands
        raise
    token = hashlib.sha1(marshal.dumps(sorted(manifest.items()))).hexdigest()
    _save_state(out, {"out": manifest, "spare": kept, "token": token})
    return True
