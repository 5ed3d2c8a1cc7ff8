"""The rebuilding half of `serve`: one Builder kept alive, the preview folder kept in step with it.

`Preview` rebuilds what changed and syncs the folder (feeds, sitemap and the search index
only when asked for); `Rebuilder` is the one thread that takes the watcher's batches,
merges those arriving together and rebuilds once. Bad content never raises: the last good
pages stay, with the errors shown over them.
"""

from __future__ import annotations

import html
import os
import queue
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from watchfiles import Change

from ...engine.builder import Builder, BuildOutput
from ...engine.writer import WriteError
from ...errors import BuildFailed, Problem
from ...outputs.searchupdate import LiveIndex
from .preview import PreviewFolder
from .watch import MAX_BATCH

BULK_PATHS = 3  # a batch of more paths than this (or a folder) is a bulk change:
BULK_QUIET = 0.2  # ... wait until nothing more came for this long, then rebuild once
MAX_SHOWN = 30  # errors listed in the page; the terminal has all of them
DEBUG = bool(os.environ.get("CONGRESS_PREVIEW_DEBUG"))  # print every batch of changes the watcher hands over


def say(text: str, stream=None) -> None:
    print(text, file=stream or sys.stdout, flush=True)


class Preview:
    """One preview session: the Builder kept alive, the output folder, the current errors."""

    def __init__(self, site_dir: Path, root: Path | None = None):
        self.site_dir = site_dir.resolve()
        self.root = (root or Path(tempfile.mkdtemp(prefix="congress-preview-"))).resolve()
        self.builder = Builder(self.site_dir, include_drafts=True)
        self.folder = PreviewFolder(self.root)
        self.errors: list[Problem] = []
        self.generation = 0  # bumped by every rebuild, good or bad
        self.good = 0  # the generation of the pages in the folder
        self.site = None  # the model of the last good build
        self.last_changed: list[str] = []  # files the last good rebuild rewrote or removed
        self._warned: set[Problem] = set()  # warnings already printed
        self.lock = threading.RLock()
        self._discovery_for = -1  # generation whose feeds, sitemap and open data are in the folder
        self._discovery_paths: set[str] = set()
        self._search_for = -1  # generation whose search index is in the folder
        self._index = LiveIndex()  # patched page by page as saves come

    # -- rebuilding ------------------------------------------------------------
    def rebuild(self, changed: set[Path] | None = None, progress: Callable[[int, int], None] | None = None
                ) -> tuple[list[str], bool]:
        """Rebuild what changed and sync the folder; never raises for bad content.

        Returns (paths changed in the folder, whether the errors shown changed).
        """
        with self.lock:
            started = time.perf_counter()
            before = self.errors
            if changed and changed & {self.site_dir / "templates", self.site_dir / "static"}:
                # the site's own theme folder appeared or went: its loader starts afresh
                self.builder = Builder(self.site_dir, include_drafts=True)
            self.builder.progress = progress
            try:
                result = self.builder.build(changed) if changed is not None else self.builder.build()
            except BuildFailed as failed:
                self.generation += 1
                self.errors = failed.problems.errors
                for p in failed.problems.warnings + self.errors:
                    say(p.format(), sys.stderr)
                say(f"发现 {len(self.errors)} 个错误：浏览器中每个页面的顶部都列出了它们；"
                     f"改好并保存后自动刷新。预览仍显示上一次成功的版本。", sys.stderr)
                return [], self.errors != before
            except Exception as exc:  # a bug or a file vanishing mid-read: report, keep serving
                self.generation += 1
                traceback.print_exc()
                self.errors = [Problem("（预览服务器）", None, None, f"生成时出现意外错误：{type(exc).__name__}: {exc}",
                                       fix="再保存一次文件；如果错误仍在，请把终端中的信息发给技术人员。")]
                return [], True
            finally:
                self.builder.progress = None
                if progress is not None and hasattr(progress, "close"):
                    progress.close()
            try:
                changed_files = self.folder.sync(result.files, layer="site")
            except (OSError, WriteError) as exc:  # disk full, folder removed...: say so, keep serving
                self.generation += 1
                self.errors = [Problem("（预览文件夹）", None, None, f"无法写入预览文件：{exc}",
                                       fix="检查磁盘空间，然后再保存一次文件。")]
                return [], True
            self.last_changed = changed_files
            self.generation += 1
            self.good = self.generation
            self.site = result.site
            self.errors = []
            warnings = result.problems.warnings
            for p in warnings:
                if p not in self._warned:  # each warning once, not again on every save
                    say(p.format(), sys.stderr)
            self._warned = set(warnings)
            if before:
                say("错误已全部改正。")
            say(summary(result, changed_files, time.perf_counter() - started))
            return changed_files, bool(before)

    # -- files made on demand ----------------------------------------------------
    def discovery_stale(self, rel: str) -> bool:
        """Whether file `rel` may be a feed, sitemap or open-data file older than the pages."""
        if self.site is None or self._discovery_for == self.good or rel.endswith(".html"):
            return False
        return rel in self._discovery_paths or not (self.root / rel).is_file()

    def ensure_discovery(self) -> None:
        """Write feeds, sitemap, robots.txt and open data for the current pages."""
        from ...outputs.discovery import discovery_files  # feeds and the sitemap: only when asked for
        with self.lock:
            if self.site is None or self._discovery_for == self.good:
                return
            try:
                files = discovery_files(self.site)
            except Exception:  # never let a feed bug take the preview down
                traceback.print_exc()
                files = []
            self.folder.sync(files, layer="discovery")
            self._discovery_paths = {f.path for f in files}
            self._discovery_for = self.good

    def search_stale(self) -> bool:
        return self.site is not None and self._search_for != self.good

    def ensure_search(self) -> None:
        """Bring the search index up to date with the current pages, once per change."""
        with self.lock:
            if not self.search_stale():
                return
            try:
                files = self._index.refresh(self.site)
            except Exception:  # never let an index bug take the preview down
                traceback.print_exc()
                files = []
            self.folder.sync(files, layer="search")
            self._search_for = self.good

    # -- what the browser sees ---------------------------------------------------
    def error_banner(self) -> bytes:
        """The errors as a block placed before <main> of every page, in Chinese."""
        errors = self.errors
        if not errors:
            return b""
        items = []
        for p in errors[:MAX_SHOWN]:
            where = html.escape(p.path) + (f"，第 {p.line} 行" if p.line else "")
            what = f"字段 <strong>{html.escape(p.field)}</strong>：" if p.field else ""
            quoted = self._source_line(p)
            items.append(
                f"<li><strong>{where}</strong><br>{what}{html.escape(p.message)}"
                + (f"<code>{html.escape(quoted)}</code>" if quoted else "")
                + (f"<br>改法：{html.escape(p.fix)}" if p.fix else "") + "</li>")
        more = f"<p>还有 {len(errors) - MAX_SHOWN} 个错误，见终端。</p>" if len(errors) > MAX_SHOWN else ""
        return (f'<section class="preview-errors" role="alert" lang="zh-CN" aria-labelledby="preview-errors-title">'
                f'<h2 id="preview-errors-title">内容有 {len(errors)} 个错误，下面仍是上一次成功生成的页面</h2>'
                f"<ol>{''.join(items)}</ol>{more}<p>改好并保存后，本页会自动刷新。</p></section>").encode("utf-8")

    def _source_line(self, p: Problem) -> str:
        """The text of the line an error names, so the editor sees what to change."""
        if not p.line:
            return ""
        try:
            path = (self.site_dir / p.path).resolve()
            path.relative_to(self.site_dir)
            with open(path, encoding="utf-8", errors="replace") as handle:
                for number, text in enumerate(handle, 1):
                    if number == p.line:
                        return f"{p.line}: {text.rstrip()}"[:300]
        except (OSError, ValueError):
            pass
        return ""


def summary(result: BuildOutput, changed: list[str], seconds: float) -> str:
    """The build's summary line for one preview update: pages written by kind, unchanged, warnings, time."""
    from ..messages import summary_line
    written = Counter(result.kinds[path] for path in changed if path in result.kinds)
    unchanged = len(result.kinds) - sum(written.values())
    return "预览已更新：" + summary_line(written, unchanged, len(result.problems.warnings), seconds)


def _age(path: Path) -> str:
    """How long ago a file was written (debug output: the watcher's delay)."""
    try:
        return f"（{(time.time_ns() - path.stat().st_mtime_ns) / 1e6:.0f} 毫秒前写入）"
    except OSError:
        return ""


@dataclass
class Rebuilder:
    """Takes batches from the watcher, merges those that arrive together, rebuilds once."""

    preview: Preview
    on_done: Callable[[list[str], bool], None]  # (changed paths, errors changed)
    on_idle: Callable[[], None]
    submitted: int = 0  # batches handed over
    completed: int = 0  # batches whose rebuild has finished
    _queue: "queue.Queue[set[tuple[Change, Path]]]" = field(default_factory=queue.Queue)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)

    @property
    def busy(self) -> bool:
        return self.completed < self.submitted

    def submit(self, batch: set[tuple[Change, Path]]) -> None:
        with self._lock:
            self.submitted += 1
            self._queue.put(batch)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True, name="rebuild").start()

    def stop(self) -> None:
        self._stop.set()
        self._queue.put(set())

    def _bulk(self, batch: set[tuple[Change, Path]]) -> bool:
        return len({p for _, p in batch}) > BULK_PATHS or any(p.is_dir() for _, p in batch)

    def _collect(self, first: set[tuple[Change, Path]]) -> tuple[set[tuple[Change, Path]], int]:
        """The first batch and every batch that follows it closely: one rebuild for all."""
        batch, taken = set(first), 1
        deadline = time.monotonic() + MAX_BATCH
        while time.monotonic() < deadline:
            quiet = BULK_QUIET if self._bulk(batch) else 0.002
            try:
                more = self._queue.get(timeout=quiet)
            except queue.Empty:
                break
            batch |= more
            taken += 1
        return batch, taken

    def _run(self) -> None:
        while not self._stop.is_set():
            first = self._queue.get()
            if self._stop.is_set():
                return
            batch, taken = self._collect(first)
            if DEBUG:
                say("变化：" + "、".join(sorted(f"{kind.name} {path}{_age(path)}" for kind, path in batch)), sys.stderr)
            try:
                changed, errors_changed = self.preview.rebuild({p for _, p in batch})
                self.on_done(changed, errors_changed)
            except Exception:  # the thread must outlive any bug
                traceback.print_exc()
            finally:
                with self._lock:
                    self.completed += taken
                self.on_idle()
