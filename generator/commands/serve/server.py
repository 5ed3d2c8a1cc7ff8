"""`python build.py serve`: a live preview built on the livereload package.

How a save reaches the browser:

  inotify (watchfiles' Rust watcher, two threads: the site folder itself for
  site.yaml, and content/ media/ templates/ static/ recursively)
    -> batches of changed paths -> one rebuild thread, which merges batches
       arriving together (a git pull, a folder copied in) into one rebuild
    -> Builder.build(changed): only the changed files are read again and only
       the pages whose inputs changed are rendered again
    -> PreviewFolder.sync: only changed files are rewritten (atomically) in a
       temporary folder, never over the published public/
    -> one livereload "reload" message to every connected tab.

livereload's own watcher (polling every 800 ms, and only once a browser has
connected) is not used: saves are rebuilt at once, browser or not, and an
HTTP request that arrives while a rebuild is queued or running waits for it,
so a page fetched right after a save already shows the save.

Bad content never stops the server: the last good pages stay, with the errors
shown on top of every page (file, line, field, the fix) until a good save.
Feeds, the sitemap, open data and the search index are made when first asked
for after a change.
"""

from __future__ import annotations

import datetime as dt
import gc
import html
import mimetypes
import os
import queue
import shutil
import signal
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import httpserver, ioloop, locks, netutil, web
from watchfiles import Change
from watchfiles._rust_notify import RustNotify  # watchfiles' documented Rust backend

from ...engine.builder import Builder, BuildOutput, theme_dirs
from ...engine.writer import WriteError
from ...errors import BuildFailed, Problem
from ...model.urls import SEARCH_INDEX_DIR
from ...outputs.searchindex import LiveIndex
from .preview import PreviewFolder

TREES = ("content", "media", "templates", "static")  # watched recursively
ROOT_FILES = ("site.yaml",)  # watched through the site folder itself (editors save by rename)
MAX_URL = 2048
STEP_MS = 5  # the Rust watcher hands over a batch once no new change came for 5-10 ms
BULK_PATHS = 3  # a batch of more paths than this (or a folder) is a bulk change:
BULK_QUIET = 0.2  # ... wait until nothing more came for this long, then rebuild once
MAX_BATCH = 3.0  # never wait longer than this to start a rebuild
WAIT_FOR_BUILD = 15.0  # a request waits at most this long for a queued rebuild
TEMP_NAMES = ("~", ".swp", ".swx", ".swo", ".part", ".tmp", ".crdownload", ".kate-swp")
EMPTY_PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>'
              '<body><main><p>还没有成功生成的页面。</p></main></body></html>').encode("utf-8")
ERRORS_CSS = (".preview-errors{background:#fff0f0;color:#5a0000;border:4px solid #b00020;margin:1rem;"
              "padding:1rem 1.5rem;font-size:1.05rem;line-height:1.7;position:relative;z-index:1000}"
              ".preview-errors h2{margin:0 0 .5rem;color:#8a0000;font-size:1.3rem}"
              ".preview-errors li{margin:.6rem 0}"
              ".preview-errors code{display:block;white-space:pre-wrap;background:#fff;border:1px solid #e0b4b4;"
              "padding:.2rem .5rem;margin:.2rem 0;color:#222}")
MAX_SHOWN = 30  # errors listed in the page; the terminal has all of them
DEBUG = bool(os.environ.get("CONGRESS_PREVIEW_DEBUG"))  # print every batch of changes the watcher hands over


def _say(text: str, stream=None) -> None:
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
                    _say(p.format(), sys.stderr)
                _say(f"发现 {len(self.errors)} 个错误：浏览器中每个页面的顶部都列出了它们；"
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
                    _say(p.format(), sys.stderr)
            self._warned = set(warnings)
            if before:
                _say("错误已全部改正。")
            _say(summary(result, changed_files, time.perf_counter() - started))
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


# -- watching -------------------------------------------------------------------

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


def _age(path: Path) -> str:
    """How long ago a file was written (debug output: the watcher's delay)."""
    try:
        return f"（{(time.time_ns() - path.stat().st_mtime_ns) / 1e6:.0f} 毫秒前写入）"
    except OSError:
        return ""


# -- the rebuild thread -----------------------------------------------------------

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
                _say("变化：" + "、".join(sorted(f"{kind.name} {path}{_age(path)}" for kind, path in batch)), sys.stderr)
            try:
                changed, errors_changed = self.preview.rebuild({p for _, p in batch})
                self.on_done(changed, errors_changed)
            except Exception:  # the thread must outlive any bug
                traceback.print_exc()
            finally:
                with self._lock:
                    self.completed += taken
                self.on_idle()


# -- HTTP -------------------------------------------------------------------------

class State:
    """What the handlers share: the preview, the rebuilder, the port, a condition to wait on."""

    def __init__(self, preview: Preview, port: int = 0):
        self.preview = preview
        self.port = port
        self.rebuilder: Rebuilder | None = None
        self.reloads = 0
        self.settled = locks.Condition()

    async def wait_for_build(self) -> None:
        """Wait (bounded) while a save is being rebuilt, so no request sees a stale page."""
        rebuilder = self.rebuilder
        if rebuilder is None or not rebuilder.busy:
            return
        deadline = time.monotonic() + WAIT_FOR_BUILD
        while rebuilder.busy and time.monotonic() < deadline:
            await self.settled.wait(timeout=dt.timedelta(seconds=0.25))  # woken by the rebuild thread


class PreviewHandler(web.RequestHandler):
    """Serves the preview folder, refusing anything outside it, injecting the reload script."""

    def initialize(self, state: State) -> None:
        self.state = state
        self.preview = state.preview

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    async def get(self, raw: str) -> None:
        await self.state.wait_for_build()
        found = self._locate(raw)
        if found is None:
            return
        rel, path = found
        if path.is_dir():
            path = path / "index.html"
            rel = f"{rel}/index.html" if rel else "index.html"
        loop = ioloop.IOLoop.current()
        if rel.startswith(SEARCH_INDEX_DIR + "/") and self.preview.search_stale():
            await loop.run_in_executor(None, self.preview.ensure_search)
        elif self.preview.discovery_stale(rel):
            await loop.run_in_executor(None, self.preview.ensure_discovery)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return self._not_found()
        if path.suffix == ".html":
            data = self._inject(data)
        ctype = {".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm",
                 ".svg": "image/svg+xml", ".json": "application/json", ".xml": "application/xml",
                 ".pf_meta": "application/octet-stream"}.get(path.suffix) \
            or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/json", "application/xml"):
            ctype += "; charset=utf-8"
        self.set_header("Content-Type", ctype)
        self.finish(data)

    async def head(self, raw: str) -> None:
        await self.get(raw)

    def _locate(self, raw: str) -> tuple[str, Path] | None:
        """The site-relative path and file a request names, or None after answering it."""
        uri_path = unquote(self.request.path)
        if len(self.request.uri or "") > MAX_URL or "\x00" in uri_path or "\\" in uri_path:
            self.send_error(400)
            return None
        rel = unquote(raw)
        parts = [p for p in rel.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts) or rel.startswith("/"):
            self.send_error(404)
            return None
        root = self.preview.root
        target = root.joinpath(*parts) if parts else root
        try:
            resolved = target.resolve()
            resolved.relative_to(root)
        except (ValueError, OSError, RuntimeError):
            self.send_error(404)
            return None
        if resolved.is_dir() and raw and not raw.endswith("/"):
            self.redirect(self.request.path + "/", permanent=False)
            return None
        return "/".join(parts), resolved

    def _not_found(self) -> None:
        self.set_status(404)
        page = self.preview.root / "404.html"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        body = page.read_bytes() if page.is_file() else EMPTY_PAGE
        self.finish(self._inject(body))

    def _inject(self, data: bytes) -> bytes:
        script = f'<script src="/livereload.js?port={self.state.port}"></script>'.encode()
        banner = self.preview.error_banner()
        if banner:
            style = b'<link rel="stylesheet" href="/__preview__/errors.css">'
            data = data.replace(b"</head>", style + b"</head>", 1)
            at = data.find(b"<main")
            data = data[:at] + banner + data[at:] if at >= 0 else data.replace(b"</body>", banner + b"</body>", 1)
        at = data.rfind(b"</body>")
        return data[:at] + script + data[at:] if at >= 0 else data + script


class ErrorsCSS(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(ERRORS_CSS)


class StatusHandler(web.RequestHandler):
    """A small JSON state for tests and tools: rebuild generation, reloads sent, errors."""

    def initialize(self, state: State) -> None:
        self.state = state

    def get(self) -> None:
        p, r = self.state.preview, self.state.rebuilder
        self.set_header("Cache-Control", "no-store")
        self.finish({"generation": p.generation, "good": p.good, "errors": len(p.errors),
                     "reloads": self.state.reloads, "busy": bool(r and r.busy),
                     "browsers": len(LiveReloadHandler.waiters), "changed": p.last_changed[:500]})


class _NoPolling:
    """Stands in for livereload's polling watcher, which is never started: ours pushes reloads."""

    filepath = "*"
    _tasks = {"preview": None}

    def start(self, callback) -> bool:
        return True

    def examine(self):
        return None, None


def _quiet_log(handler: web.RequestHandler) -> None:
    if handler.get_status() >= 500:
        _say(f"服务器错误 {handler.get_status()}：{handler.request.method} {handler.request.uri}", sys.stderr)


def make_app(state: State) -> web.Application:
    """The tornado application: livereload's socket and script, our status, CSS and files."""
    LiveReloadHandler.watcher = _NoPolling()
    LiveReloadHandler.live_css = False
    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r"/__preview__/errors.css", ErrorsCSS),
        (r"/__preview__/status.json", StatusHandler, {"state": state}),
        (r"/(.*)", PreviewHandler, {"state": state}),
    ], log_function=_quiet_log, websocket_ping_interval=20)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          progress: Callable[[int, int], None] | None = None) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); the preview folder is temporary, never public/."""
    preview = Preview(site_dir)
    try:
        sockets = netutil.bind_sockets(port, address=host)
    except OSError as exc:
        _say(f"错误：无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）。端口可能已被占用，"
             f"请用 --port 换一个，如 --port {port + 1 if port else 8001}。", sys.stderr)
        shutil.rmtree(preview.root, ignore_errors=True)
        return 1
    port = sockets[0].getsockname()[1]
    state = State(preview, port)
    loop = ioloop.IOLoop.current()
    watcher: Watcher | None = None
    rebuilder: Rebuilder | None = None
    try:
        _say("正在生成预览……")
        preview.rebuild(progress=progress)
        gc.collect()
        gc.freeze()  # the model kept for updates is long-lived: keep the collector's passes short

        def reload_browsers(changed: list[str], errors_changed: bool) -> None:
            if changed or errors_changed:
                state.reloads += 1
                loop.add_callback(LiveReloadHandler.reload_waiters, "*")

        rebuilder = Rebuilder(preview, reload_browsers, lambda: loop.add_callback(state.settled.notify_all))
        state.rebuilder = rebuilder
        rebuilder.start()
        watcher = Watcher(preview.site_dir, rebuilder.submit)
        watcher.start()
        server = httpserver.HTTPServer(make_app(state))
        server.add_sockets(sockets)
        shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
        _say(f"预览地址：http://{shown}:{port}/ （草稿和未到日期的内容带标记显示；保存文件后浏览器自动刷新；"
             f"按 Ctrl-C 停止）")
        _say(f"预览文件放在临时文件夹 {preview.root}，停止后自动删除；发布用的 public/ 不会被改动。")
        if host not in ("127.0.0.1", "localhost", "::1"):
            _say(f"注意：监听地址是 {host}，同一网络中的其他电脑也能看到预览（包括草稿）。", sys.stderr)
        signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
        try:
            loop.start()
        except KeyboardInterrupt:
            pass
        _say("预览已停止。")
        return 0
    finally:
        if watcher is not None:
            watcher.stop()
        if rebuilder is not None:
            rebuilder.stop()
        for sock in sockets:
            sock.close()
        with preview.lock:
            shutil.rmtree(preview.root, ignore_errors=True)
