"""What the command asks of a target, whatever its kind (s3.py, rsync.py)."""

from __future__ import annotations

import ctypes
import os
import signal
from pathlib import Path
from typing import Callable, Protocol

from .plan import Files, Remote

PR_SET_PDEATHSIG = 1


class PublishError(Exception):
    """The target refused or could not be reached: one line for the editor, in Chinese, no secret."""


class Backend(Protocol):
    """One kind of target. Each call either does all it was asked or raises PublishError;
    the callbacks report every file the target has confirmed, as it does."""

    where: str  # shown to the editor: s3://bucket/prefix/, user@host:/path/

    def stamp(self, path: str, digest: str) -> str:
        """How the record names this version of a file on this kind of target."""

    def probe(self) -> None:
        """Reach the target and prove the credentials, changing nothing."""

    def compare(self, out: Path, files: Files) -> Remote:
        """What the target holds, compared with the output (a first publish, or a lost record):
        files equal to ours get our stamp, others the stamp ""."""

    def upload(self, out: Path, paths: list[str], landed: Callable[[str], None],
               tick: Callable[[], None]) -> None:
        """Send these files; `landed(path)` once each is in place on the target."""

    def delete(self, paths: list[str], gone: Callable[[str], None]) -> None:
        """Delete these files from the target; `gone(path)` once each is."""

    def close(self) -> None:
        """Let go of the connection (always called, after success or failure)."""


def die_with_parent() -> Callable[[], None]:
    """A preexec_fn: the child (rsync) gets SIGTERM when the publish ends, even by SIGKILL,
    so that no upload goes on behind a publish that is no longer there to record it.

    SIGTERM, not SIGKILL (procs.die_with_build, for the build's children): rsync then
    removes its temporary file on the server, and keeps what it had in its partial folder
    for the next run.
    """
    parent = os.getpid()

    def arm() -> None:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):
            return  # not Linux: the child still ends when its pipes close
        if os.getppid() != parent:  # the publish died before the line above took effect
            os._exit(1)

    return arm
