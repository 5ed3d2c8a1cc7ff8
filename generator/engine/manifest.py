"""What the writer keeps beside the output: its manifest, the spare folder, the stage.

The manifest (`.public.state`) records every published file's digest and its size, mtime
and inode as written, and the same of the spare folder (`.public.prev`, the generation
swapped out last time). A file whose size, mtime and inode still match is trusted
without being read; anything else is not. Reading it writes nothing; `save_state` is
called by the writer alone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import marshal
import os
import zlib
from pathlib import Path

STATE_MAGIC = b"congress-output-state 1\n"
Manifest = dict[str, tuple[str, int, int, int]]  # path -> (digest, size, mtime_ns, inode)


def file_digest(data: bytes) -> str:
    """The digest the manifest keeps for a file's bytes."""
    return hashlib.sha1(data).hexdigest()


def state_path(out: Path) -> Path:
    return out.parent / f".{out.name}.state"


def spare_path(out: Path) -> Path:
    return out.parent / f".{out.name}.prev"


def stage_path(out: Path) -> Path:
    return out.parent / f".{out.name}.tmp-stage-{os.getpid()}"


def load_state(out: Path) -> dict | None:
    """The manifest of the published folder and of the spare one; None if missing or damaged."""
    try:
        data = state_path(out).read_bytes()
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


def save_state(out: Path, state: dict | None) -> None:
    path = state_path(out)
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


def walk(root: Path) -> dict[str, os.stat_result]:
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


def intact_files(manifest: Manifest, stats: dict[str, os.stat_result]) -> dict[str, str]:
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
        state = load_state(out)
        stats = walk(out) if state is not None and out.is_dir() and not out.is_symlink() else {}
        return cls(out, state, len(stats), intact_files(state["out"], stats) if state is not None else {})

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
    state = load_state(out)
    return None if state is None else {rel: (row[0], row[1]) for rel, row in state["out"].items()}


def written_token(out: Path) -> str | None:
    """The token of the last write, without looking at the folder (just written, under the lock)."""
    state = load_state(out)
    return state.get("token") if state else None
