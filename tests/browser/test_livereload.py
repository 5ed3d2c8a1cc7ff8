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


def _search(new_page, server: PreviewServer, query: str) -> list[str]:
    """Run a query on the preview's search page, in a tab of its own closed afterwards (so that no
    reload a later save sends interrupts it): the result links' paths."""
    from urllib.parse import quote
    page, log = new_page()
    try:
        page.goto(f"{server.base}/search/?q={quote(query)}")
        page.wait_for_function("() => document.querySelector('[data-search]').getAttribute('aria-busy') === null"
                               " && /找到|没有找到|不可用/.test(document.querySelector('[data-search-status]')"
                               ".textContent)", timeout=TIMEOUT_MS)
        status = page.locator("[data-search-status]").inner_text()
        assert "不可用" not in status and log.errors == [] and log.failed == [], (status, log.errors, log.failed)
        return page.eval_on_selector_all("ol[aria-label=搜索结果] a", "els => els.map(a => a.pathname)")
    finally:
        page.context.close()


def test_search_in_the_preview_follows_each_save(new_page, server: PreviewServer):
    """The search page works in the preview; a save's new words are found, its removed ones not."""
    assert "/voices/v1/" in _search(new_page, server, "社区医院")
    source = server.site / "content/voices/v1.md"
    good = source.read_text(encoding="utf-8")
    write(source, good + "\n保存后才有的词：钱塘江潮观景台。\n")
    server.wait_until(lambda: "钱塘江潮观景台" in server.text("/voices/v1/"), timeout=TIMEOUT_MS / 1000)
    assert _search(new_page, server, "钱塘江潮观景台") == ["/voices/v1/"]
    write(source, good)
    server.wait_until(lambda: "钱塘江潮观景台" not in server.text("/voices/v1/"), timeout=TIMEOUT_MS / 1000)
    assert _search(new_page, server, "钱塘江潮观景台") == []
    assert "/voices/v1/" in _search(new_page, server, "社区医院")
