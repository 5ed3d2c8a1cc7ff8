"""Memos of pure results that the Builder keeps in .cache/ between runs.

Apart from cache.py, which stores them, so that any stage may keep one: a memo is
plain data in memory; only the engine writes it to disk.
"""

from __future__ import annotations

from typing import Any


class Memo:
    """A module's memo of pure results (key -> value), kept in .cache between runs by the Builder.

    Keys must name everything the value depends on (digests of the inputs), so an
    entry is never stale, only unused: a run keeps the entries it used, and the
    others are dropped when the memo is saved.
    """

    def __init__(self, name: str):
        self.now: dict[Any, Any] = {}  # used or made in this run
        self.before: dict[Any, Any] = {}  # from earlier runs, not yet used in this one
        self.changed = False
        MEMOS[name] = self
        self.load(PENDING.pop(name, {}))  # loaded from .cache before this module was imported

    def get(self, key: Any) -> Any | None:
        hit = self.now.get(key)
        if hit is None:
            hit = self.before.pop(key, None)
            if hit is not None:
                self.now[key] = hit
        return hit

    def __setitem__(self, key: Any, value: Any) -> None:
        self.now[key] = value
        self.changed = True

    def load(self, data: dict) -> None:
        self.before.update(data)

    def rotate(self) -> None:
        """A new run starts: what the last one used becomes 'earlier' again."""
        if self.now:
            self.before.update(self.now)
            self.now = {}

    def export(self) -> dict:
        """What to keep: this run's entries if it used the memo at all, else everything."""
        if self.now:
            if self.before:
                self.changed = True
            self.before = {}
            return self.now
        return self.before


MEMOS: dict[str, Memo] = {}
PENDING: dict[str, dict] = {}  # memos read from .cache whose module is not imported yet
