"""One Chromium for the whole test run, driven by Playwright, over loopback HTTP.

Debian's /usr/bin/chromium is used (Playwright's own download cannot work on
these machines); scripts/install-test-deps.sh installs it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".wasm": "application/wasm",
                      ".svg": "image/svg+xml", ".json": "application/json"}

    def log_message(self, *args) -> None:  # keep test output quiet
        pass


@dataclass
class Served:
    """A folder served on loopback, optionally under a URL prefix such as /renda/."""

    root: Path
    base: str  # e.g. http://127.0.0.1:PORT/ or http://127.0.0.1:PORT/renda/
    server: http.server.ThreadingHTTPServer = field(repr=False)

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")


def serve(folder: Path, prefix: str = "") -> Served:
    """Serve `folder` at http://127.0.0.1:PORT/<prefix>; stop with `.server.shutdown()`.

    With a prefix, the folder is mounted under it (as a static host serving a
    sub-path would), by serving its parent where the prefix is a symlink.
    """
    root = folder
    if prefix:
        mount = folder.parent / f"_mount_{folder.name}"
        target = mount / prefix.strip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            target.symlink_to(folder.resolve(), target_is_directory=True)
        root = mount
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/" + (prefix.strip("/") + "/" if prefix else "")
    return Served(folder, base, server)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """The one shared Chromium of the run."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run scripts/install-test-deps.sh")
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class PageLog:
    """What a page did that a test may assert on: console messages, errors, requests."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)  # cancelled by a navigation (a late favicon): not a failure


def open_page(browser, width: int = 1280, height: int = 900, **kwargs):
    """A new context and page with console/network logging: (context, page, log).

    For fixtures wider than one test (a module reusing one page); close the context yourself.
    """
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", **kwargs)
    page = context.new_page()
    log = PageLog()
    page.on("console", lambda m: log.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("request", lambda r: log.requests.append(r.url))
    page.on("requestfailed", lambda r: (log.aborted if r.failure == "net::ERR_ABORTED" else log.failed).append(r.url))
    page.on("response", lambda r: log.failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    return context, page, log


@pytest.fixture
def new_page(browser):
    """Factory: a fresh context and page with console/network logging; closed after the test."""
    contexts = []

    def make(width: int = 1280, height: int = 900, **kwargs):
        context, page, log = open_page(browser, width, height, **kwargs)
        contexts.append(context)
        return page, log

    yield make
    for c in contexts:
        c.close()


def artifact(name: str) -> Path:
    """A path under test-artifacts/ for screenshots and reports."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name
