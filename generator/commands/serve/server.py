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

watch.py watches, rebuild.py rebuilds and keeps the folder, http.py serves it; `serve` here
starts the three and stops them.
"""

from __future__ import annotations

import gc
import shutil
import signal
import sys
from pathlib import Path
from typing import Callable

from livereload.handlers import LiveReloadHandler
from tornado import httpserver, ioloop, netutil

from .http import State, make_app
from .rebuild import Preview, Rebuilder, say
from .watch import Watcher


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000,
          progress: Callable[[int, int], None] | None = None) -> int:
    """Run the preview until Ctrl-C (or SIGTERM); the preview folder is temporary, never public/."""
    preview = Preview(site_dir)
    try:
        sockets = netutil.bind_sockets(port, address=host)
    except OSError as exc:
        say(f"错误：无法在 {host}:{port} 上启动预览（{exc.strerror or exc}）。端口可能已被占用，"
             f"请用 --port 换一个，如 --port {port + 1 if port else 8001}。", sys.stderr)
        shutil.rmtree(preview.root, ignore_errors=True)
        return 1
    port = sockets[0].getsockname()[1]
    state = State(preview, port)
    loop = ioloop.IOLoop.current()
    watcher: Watcher | None = None
    rebuilder: Rebuilder | None = None
    try:
        say("正在生成预览……")
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
        say(f"预览地址：http://{shown}:{port}/ （草稿和未到日期的内容带标记显示；保存文件后浏览器自动刷新；"
             f"按 Ctrl-C 停止）")
        say(f"预览文件放在临时文件夹 {preview.root}，停止后自动删除；发布用的 public/ 不会被改动。")
        if host not in ("127.0.0.1", "localhost", "::1"):
            say(f"注意：监听地址是 {host}，同一网络中的其他电脑也能看到预览（包括草稿）。", sys.stderr)
        signal.signal(signal.SIGTERM, lambda *_: loop.add_callback_from_signal(loop.stop))
        try:
            loop.start()
        except KeyboardInterrupt:
            pass
        say("预览已停止。")
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
