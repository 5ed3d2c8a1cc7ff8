"""The HTTP half of `serve` (tornado): the preview folder's files with the reload script and the
errors injected, livereload's socket, a status for tests; a request waits for a rebuild in progress.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import sys
import time
from pathlib import Path
from urllib.parse import unquote

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, locks, web

from ...model.urls import SEARCH_INDEX_DIR
from .rebuild import Preview, Rebuilder, say

MAX_URL = 2048
WAIT_FOR_BUILD = 15.0  # a request waits at most this long for a queued rebuild
EMPTY_PAGE = ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>预览</title></head>'
              '<body><main><p>还没有成功生成的页面。</p></main></body></html>').encode("utf-8")
ERRORS_CSS = (".preview-errors{background:#fff0f0;color:#5a0000;border:4px solid #b00020;margin:1rem;"
              "padding:1rem 1.5rem;font-size:1.05rem;line-height:1.7;position:relative;z-index:1000}"
              ".preview-errors h2{margin:0 0 .5rem;color:#8a0000;font-size:1.3rem}"
              ".preview-errors li{margin:.6rem 0}"
              ".preview-errors code{display:block;white-space:pre-wrap;background:#fff;border:1px solid #e0b4b4;"
              "padding:.2rem .5rem;margin:.2rem 0;color:#222}")


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
        say(f"服务器错误 {handler.get_status()}：{handler.request.method} {handler.request.uri}", sys.stderr)


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
