"""Per target, what was last published there: path -> (stamp, size), kept as a journal.

The record is what makes "only what changed" possible without downloading the remote site,
and what makes an interrupted publish finish on the next run: every upload and deletion is
appended (one JSON line, flushed) the moment the target confirms it, so a publish killed at
any point leaves a record that is true of the target; the next run uploads the rest. A
successful run rewrites the journal compactly, atomically.

Lives in the site's .cache/publish/ (local working state, like the rest of .cache). A record
made for another place (the target's bucket, host or folder changed in site.yaml) or a
damaged one is not used: the next publish compares with what the target holds instead.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from .plan import Remote

VERSION = 1


class RecordBusy(Exception):
    """Another publish to the same target is running."""


class Record:
    """The journal of one target, held under an exclusive lock while a publish runs."""

    def __init__(self, folder: Path, name: str, identity: str):
        self.path = folder / f"{name}.jsonl"
        self.identity = identity
        self._journal: IO[str] | None = None
        self.state: Remote = {}

    def load(self) -> Remote | None:
        """What the target holds, as last recorded; None when there is no usable record."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        lines = text.split("\n")
        try:
            head = json.loads(lines[0])
        except ValueError:
            return None
        if not isinstance(head, dict) or head.get("identity") != self.identity or head.get("version") != VERSION:
            return None
        state: Remote = {}
        for line in lines[1:]:
            try:
                row = json.loads(line)
            except ValueError:
                continue  # the last line of a publish killed while writing it
            if isinstance(row, list) and len(row) == 3 and isinstance(row[0], str):
                state[row[0]] = (str(row[1]), int(row[2]))
            elif isinstance(row, list) and len(row) == 1 and isinstance(row[0], str):
                state.pop(row[0], None)
        self.state = state
        return state

    def begin(self, state: Remote) -> None:
        """Start a journal holding `state` (what the target holds now), then append to it."""
        self.state = dict(state)
        self._rewrite()
        self._journal = open(self.path, "a", encoding="utf-8")

    def landed(self, path: str, stamp: str, size: int) -> None:
        """One file is on the target, in this version."""
        self.state[path] = (stamp, size)
        self._append([path, stamp, size])

    def gone(self, path: str) -> None:
        """One file was deleted from the target."""
        self.state.pop(path, None)
        self._append([path])

    def finish(self) -> None:
        """The run succeeded: the journal is rewritten as one compact record."""
        self.close()
        self._rewrite()

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def _append(self, row: list) -> None:
        assert self._journal is not None, "begin() first"
        self._journal.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._journal.flush()  # in the kernel's hands: survives the process being killed

    def _rewrite(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        rows = [json.dumps({"identity": self.identity, "version": VERSION}, ensure_ascii=False)]
        rows += [json.dumps([p, stamp, size], ensure_ascii=False) for p, (stamp, size) in sorted(self.state.items())]
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write("\n".join(rows) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


@contextmanager
def target_lock(folder: Path, name: str) -> Iterator[None]:
    """One publish at a time to one target (from this site folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RecordBusy(name) from None
        yield
    finally:
        os.close(fd)
