"""Open tabs reload by themselves when an editor saves (`python build.py serve` + livereload.js).

The real server runs in a subprocess on a small temporary site; Chromium (the
shared `browser` fixture) opens two tabs on it. A save must reload both, with
the new text; a broken save must put the error list on the page by itself, and
the next good save take it away. A reload is told from a repaint by a flag set
in the page's JavaScript, which only a real reload clears.
"""

from __future__ import annotations

from pathlib import Path

import pytest


from preview_server import PreviewServer, make_site, write

pytestmark = pytest.mark.browser
TIMEOUT_MS = 30_000  # a bound for a loaded machine, not a speed target: every wait polls


@pytest.fixture
def server(tmp_path: Path):
    srv = PreviewServer(make_site(tmp_path / "site"))
    yield srv
    assert "Traceback" not in srv.stop()


def _open(new_page, server: PreviewServer, path: str):
    page, log = new_page()
    page.goto(server.base + path)
    return page, log


def _mark(*pages) -> None:
    for page in pages:
        page.evaluate("window.__notReloaded = true")


def _listening(server: PreviewServer, *pages) -> None:
    """Wait until every tab, freshly reloaded or not, is connected to livereload again.

    A reloaded tab reconnects on its own, but a reload sent before its handshake ends reaches
    nobody: a save is made only once each tab has shaken hands and the server counts them all
    (it counts a tab from the 'info' message livereload.js sends right after the handshake).
    """
    for page in pages:
        page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol >= 7",
                               timeout=TIMEOUT_MS)
    server.wait_until(lambda: server.status()["browsers"] == len(pages), timeout=TIMEOUT_MS / 1000,
                      what="every tab to connect to livereload")


def test_open_tabs_reload_by_themselves_after_a_save(new_page, server: PreviewServer):
    voice, list_ = _open(new_page, server, "/voices/v1/"), _open(new_page, server, "/voices/")
    (page, log), (other, other_log) = voice, list_
    _listening(server, page, other)
    assert page.locator('script[src^="/livereload.js"]').count() == 1

    _mark(page, other)
    source = server.site / "content/voices/v1.md"
    good = source.read_text(encoding="utf-8")
    write(source, good.replace("title: 第一条心声关于社区医院", "title: 浏览器自己刷新了")
          + "\n保存后浏览器里出现的新段落。\n")
    page.wait_for_function("() => !window.__notReloaded && document.body && document.body.innerText.includes('保存后浏览器里出现的新段落')",
                           timeout=TIMEOUT_MS)
    other.wait_for_function("() => !window.__notReloaded && document.body && document.body.innerText.includes('浏览器自己刷新了')",
                            timeout=TIMEOUT_MS)

    # a broken save: the error list appears on its own, over the last good page ...
    _listening(server, page, other)
    _mark(page)
    write(source, good.replace("session: 1-1", "session: 9-9"))
    errors = page.locator("section.preview-errors[role=alert]")
    errors.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "9-9" in errors.inner_text() and "content/voices/v1.md" in errors.inner_text()
    assert page.evaluate("window.__notReloaded") is None
    assert "保存后浏览器里出现的新段落" in page.locator("main").inner_text()
    # ... and the next good save takes it away
    _listening(server, page, other)
    write(source, good)
    errors.wait_for(state="detached", timeout=TIMEOUT_MS)
    page.wait_for_function("() => document.body && document.body.innerText.includes('第一条心声关于社区医院')", timeout=TIMEOUT_MS)

    for entries in (log.errors, other_log.errors):
        assert entries == [], entries
