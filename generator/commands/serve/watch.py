"""The watcher of `serve`: inotify through watchfiles' Rust backend, batches of the paths that matter.

Two watchers: the site folder itself (site.yaml, and the watched folders appearing or going)
and the folders that hold content, media and the theme, recursively.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from pathlib import Path
from typing import Callable

from watchfiles import Change
from watchfiles._rust_notify import RustNotify  # watchfiles' documented Rust backend

from ...engine.inputs import theme_dirs

TREES = ("content", "media", "templates", "static")  # watched recursively
ROOT_FILES = ("site.yaml",)  # watched through the site folder itself (editors save by rename)
STEP_MS = 5  # the Rust watcher hands over a batch once no new change came for 5-10 ms
MAX_BATCH = 3.0  # never wait longer than this to start a rebuild
TEMP_NAMES = ("~", ".swp", ".swx", ".swo", ".part", ".tmp", ".crdownload", ".kate-swp")


def _force_polling() -> bool:
    """watchfiles' own switch: WATCHFILES_FORCE_POLLING (for file systems without inotify)."""
    value = os.environ.get("WATCHFILES_FORCE_POLLING", "").strip().lower()
    return bool(value) and value not in ("false", "disable", "disabled")


class Watcher:
    """inotify through watchfiles' Rust watcher, handing each batch of relevant paths on.

    Two watchers: the site folder itself, not recursive (site.yaml, and the
    watched folders appearing or going); and the watched folders, recursive
    (restarted when one of them appears). The theme folders of the generator
    are watched too, so a theme change shows at once.
    """

    def __init__(self, site_dir: Path, on_batch: Callable[[set[tuple[Change, Path]]], None]):
        self.site_dir = site_dir
        self.on_batch = on_batch
        self._stop = threading.Event()
        self._tree_stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._restart = threading.Lock()

    def trees(self) -> list[Path]:
        found = [self.site_dir / name for name in ("content", "media")]
        for name in ("templates", "static"):
            found += theme_dirs(self.site_dir, name)
        return sorted({p.resolve() for p in found if p.is_dir()})

    def start(self) -> None:
        self._spawn([self.site_dir], recursive=False, stop=self._stop)
        self._start_trees()

    def stop(self) -> None:
        self._stop.set()
        self._tree_stop.set()

    def _start_trees(self) -> None:
        with self._restart:
            self._tree_stop.set()
            self._tree_stop = threading.Event()
            paths = self.trees()
            if paths:
                self._spawn(paths, recursive=True, stop=self._tree_stop)

    def _spawn(self, paths: list[Path], recursive: bool, stop: threading.Event) -> None:
        # RustNotify puts its inotify watches in place here, before this returns: a change
        # made after start() is never missed.
        notify = RustNotify([str(p) for p in paths], False, _force_polling(), 300, recursive, True)
        thread = threading.Thread(target=self._run, args=(notify, stop), daemon=True,
                                  name=f"watch-{'tree' if recursive else 'site'}")
        self._threads.append(thread)
        thread.start()

    def _run(self, notify: RustNotify, stop: threading.Event) -> None:
        with notify:
            while not (stop.is_set() or self._stop.is_set()):
                try:
                    raw = notify.watch(int(MAX_BATCH * 1000), STEP_MS, 1000, stop)
                except Exception:  # keep watching whatever happens
                    traceback.print_exc()
                    time.sleep(0.5)
                    continue
                if isinstance(raw, str):  # 'timeout', 'stop' or 'signal'
                    continue
                changes = {(Change(kind), Path(path)) for kind, path in raw}
                relevant = {(kind, path) for kind, path in changes if self.relevant(path)}
                if any(kind == Change.added and path.parent == self.site_dir and path.name in TREES
                       for kind, path in relevant):
                    self._start_trees()  # a watched folder appeared: watch inside it too
                if relevant:
                    self.on_batch(relevant)

    def relevant(self, path: Path) -> bool:
        """Whether a changed path can change the site (editors' temporary files cannot)."""
        name = path.name
        if name.startswith((".", "#")) or name.endswith(TEMP_NAMES) or name == "4913":  # 4913: vim's probe
            return False
        if path.parent == self.site_dir:
            return name in ROOT_FILES or name in TREES
        if path.suffix.lower() == ".md" or self.site_dir / "content" not in path.parents:
            return True
        return not path.is_file()  # under content/ only .md files and folders count
