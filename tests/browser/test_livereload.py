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
TIMEOUT_MS = 15_000


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


def test_open_tabs_reload_by_themselves_after_a_save(new_page, server: PreviewServer):
    voice, list_ = _open(new_page, server, "/voices/v1/"), _open(new_page, server, "/voices/")
    (page, log), (other, other_log) = voice, list_
    server.wait_until(lambda: server.status()["browsers"] >= 2, what="both tabs to connect to livereload")
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
    _mark(page)
    write(source, good.replace("session: 1-1", "session: 9-9"))
    errors = page.locator("section.preview-errors[role=alert]")
    errors.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert "9-9" in errors.inner_text() and "content/voices/v1.md" in errors.inner_text()
    assert page.evaluate("window.__notReloaded") is None
    assert "保存后浏览器里出现的新段落" in page.locator("main").inner_text()
    # ... and the next good save takes it away
    write(source, good)
    errors.wait_for(state="detached", timeout=TIMEOUT_MS)
    page.wait_for_function("() => document.body && document.body.innerText.includes('第一条心声关于社区医院')", timeout=TIMEOUT_MS)

    for entries in (log.errors, other_log.errors):
        assert entries == [], entries
