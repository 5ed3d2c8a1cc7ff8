"""`python build.py serve`: a live preview built on the livereload package.

Saves are seen through inotify (watchfiles), not livereload's 800 ms polling,
and rebuilt at once whether or not a browser is connected; the Builder redoes
only what a change touched. Browsers reload through livereload's WebSocket
handler. Bad content never stops the server: the last good pages stay, with
the errors shown on top of every page until the next good save.
"""

from __future__ import annotations

import html
import mimetypes
import posixpath
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import watchfiles
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web

from .builder import Builder
from .errors import BuildFailed, Problem
from .preview import PreviewFolder
from .writer import WriteError

WATCHED = ("content", "templates", "media", "static", "site.yaml")
MAX_URL = 2048
EMPTY_PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>'
              '<body><main><p>还没有成功生成的页面。</p></main></body></html>').encode("utf-8")


class _NoPolling:
    """Stands in for livereload's polling watcher: our watcher pushes reloads."""

    filepath = "*"
    _tasks = {"preview": None}

    def start(self, callback) -> bool:
        return True

    def examine(self):
        return None, None


class Preview:
    """The state of one preview session: builder, output folder, current errors."""

    def __init__(self, site_dir: Path, root: Path | None = None):
        self.site_dir = site_dir.resolve()
        self.root = (root or Path(tempfile.mkdtemp(prefix="congress-preview-"))).resolve()
        self.builder = Builder(self.site_dir, include_drafts=True)
        self.folder = PreviewFolder(self.root)
        self.errors: list[Problem] = []
        self.generation = 0  # bumped after every rebuild, for tests and the bench
        self.lock = threading.Lock()

    def rebuild(self) -> list[str]:
        """Rebuild what changed and sync the preview folder; never raises for bad content."""
        with self.lock:
            started = time.perf_counter()
            try:
                result = self.builder.build()
            except BuildFailed as failed:
                self.errors = failed.problems.errors
                self.generation += 1
                for p in self.errors:
                    print(p.format(), file=sys.stderr, flush=True)
                print(f"发现 {len(self.errors)} 个错误；预览仍显示上一次成功的版本。", file=sys.stderr, flush=True)
                return []
            except (WriteError, OSError) as exc:
                self.errors = [Problem("（预览）", None, None, str(exc))]
                self.generation += 1
                return []
            changed = self.folder.sync(result.files)
            self.errors = []
            self.generation += 1
            for p in result.problems.warnings:
                print(p.format(), file=sys.stderr, flush=True)
            ms = (time.perf_counter() - started) * 1000
            print(f"已更新 {len(changed)} 个文件（重新渲染 {result.rendered} 页，沿用 {result.reused} 页），"
                  f"用时 {ms:.0f} 毫秒", flush=True)
            return changed

    def error_banner(self) -> bytes:
        if not self.errors:
            return b""
        items = "".join(
            f"<li><strong>{html.escape(p.path)}{':' + str(p.line) if p.line else ''}</strong>"
            f"{'　字段 ' + html.escape(p.field) if p.field else ''}<br>{html.escape(p.message)}"
            f"{'<br>改法：' + html.escape(p.fix) if p.fix else ''}</li>" for p in self.errors)
        return (f'<section class="preview-errors" role="alert" lang="zh-CN">'
                f"<h2>内容有 {len(self.errors)} 个错误，下面仍是上一次成功生成的页面</h2>"
                f"<ol>{items}</ol><p>改好并保存后，本页会自动刷新。</p></section>").encode("utf-8")


class PreviewHandler(web.RequestHandler):
    """Serves the preview folder, refusing anything outside it, injecting the reload script."""

    def initialize(self, preview: Preview, port: int) -> None:
        self.preview = preview
        self.port = port

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")

    def get(self, raw: str) -> None:
        path = self._resolve(raw)
        if path is None:
            return
        data = path.read_bytes()
        if path.suffix == ".html":
            data = self._inject(data)
        ctype = {".js": "text/javascript", ".wasm": "application/wasm", ".svg": "image/svg+xml"}.get(
            path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype == "text/javascript":
            ctype += "; charset=utf-8"
        self.set_header("Content-Type", ctype)
        self.finish(data)

    def head(self, raw: str) -> None:
        self.get(raw)

    def _resolve(self, raw: str) -> Path | None:
        uri_path = self.request.path
        if len(self.request.uri or "") > MAX_URL or "\x00" in unquote(uri_path) or "\\" in unquote(uri_path):
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
        except (ValueError, OSError):
            self.send_error(404)
            return None
        if resolved.is_dir():
            if raw and not raw.endswith("/"):
                self.redirect(self.request.path + "/", permanent=False)
                return None
            resolved = resolved / "index.html"
        if not resolved.is_file():
            self.set_status(404)
            page = root / "404.html"
            self.set_header("Content-Type", "text/html; charset=utf-8")
            body = page.read_bytes() if page.is_file() else EMPTY_PAGE
            self.finish(self._inject(body))
            return None
        return resolved

    def _inject(self, data: bytes) -> bytes:
        script = f'<script src="/livereload.js?port={self.port}"></script>'.encode()
        banner = self.preview.error_banner()
        if banner:
            style = b'<link rel="stylesheet" href="/__preview__.css">'
            data = data.replace(b"</head>", style + b"</head>", 1)
            data = data.replace(b"<main", banner + b"<main", 1)
        return data.replace(b"</body>", script + b"</body>", 1)


class PreviewCSS(web.RequestHandler):
    def get(self) -> None:
        self.set_header("Content-Type", "text/css; charset=utf-8")
        self.finish(".preview-errors{background:#fff0f0;color:#5a0000;border:4px solid #b00020;"
                    "margin:1rem;padding:1rem 1.5rem;font-size:1.05rem;line-height:1.7}"
                    ".preview-errors h2{margin:0 0 .5rem;color:#8a0000}")


def make_app(preview: Preview, port: int) -> web.Application:
    """The tornado application: livereload's socket and script, and our file handler."""
    LiveReloadHandler.watcher = _NoPolling()
    LiveReloadHandler.live_css = False
    return web.Application([
        (r"/livereload", LiveReloadHandler),
        (r"/livereload.js", LiveReloadJSHandler),
        (r"/__preview__.css", PreviewCSS),
        (r"/(.*)", PreviewHandler, {"preview": preview, "port": port}),
    ])


def _relevant(site_dir: Path, changes: set[tuple[watchfiles.Change, str]]) -> bool:
    for _, path in changes:
        try:
            rel = Path(path).resolve().relative_to(site_dir)
        except ValueError:
            continue
        if rel.parts and rel.parts[0] in WATCHED and not rel.name.startswith((".", "#")) \
                and not rel.name.endswith(("~", ".swp", ".part")):
            return True
    return False


def watch(preview: Preview, on_change, stop: threading.Event) -> None:
    """Rebuild on every batch of saves; a burst (git pull) arrives as one batch."""
    paths = [str(preview.site_dir / name) for name in WATCHED if (preview.site_dir / name).exists()]
    for changes in watchfiles.watch(*paths, step=5, debounce=400, stop_event=stop,
                                    raise_interrupt=False, rust_timeout=200, yield_on_timeout=False):
        if _relevant(preview.site_dir, changes):
            preview.rebuild()
            on_change()


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Run the preview until Ctrl-C; the preview folder is temporary, never public/."""
    preview = Preview(site_dir)
    preview.rebuild()
    loop = ioloop.IOLoop.current()
    app = make_app(preview, port)
    server = app.listen(port, address=host)
    stop = threading.Event()

    def reload_browsers() -> None:
        loop.add_callback(LiveReloadHandler.reload_waiters, "*")

    thread = threading.Thread(target=watch, args=(preview, reload_browsers, stop), daemon=True)
    thread.start()
    print(f"预览地址：http://{host}:{port}/ （草稿和未到日期的内容带标记显示；按 Ctrl-C 停止）", flush=True)
    try:
        loop.start()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.stop()
        shutil.rmtree(preview.root, ignore_errors=True)
    return 0
