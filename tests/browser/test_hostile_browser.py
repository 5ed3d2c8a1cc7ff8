"""Hostile content in a real browser: no payload runs, and the site never breaks its own CSP.

The hostile site of tests/test_hostile.py (every payload of its corpus in bodies,
front-matter fields, topics, site.yaml and file names) is built and served on loopback
under /renda/. Every page is loaded in Chromium with a hook installed before any of the
page's scripts: alert/confirm/prompt/print and console calls are counted, and so are
dialogs, page errors, Content-Security-Policy violations and every request that leaves
the site. Each element then gets mouseover, focus and a synthetic click on the events
payloads hide behind. Nothing may register.

The site's own pages, one of each type of the real Qiantang site (a search with results
included), must load with no CSP violation and no console message at all.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent


def _module(name: str, path: Path):
    """A helper module loaded by path ("conftest" names two modules)."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        module = sys.modules[name] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules[name]


_b = _module("_browser_conftest", HERE / "conftest.py")
hostile_corpus = _module("_hostile_corpus", HERE.parent / "test_hostile.py")
artifact, open_page, serve = _b.artifact, _b.open_page, _b.serve

pytestmark = pytest.mark.browser

# Installed before the page's own scripts: anything a payload could call to show it ran.
HOOK = """
(() => {
  const hits = [];
  const csp = [];
  Object.defineProperty(window, '__hits', {value: hits});
  Object.defineProperty(window, '__csp', {value: csp});
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    window[name] = function (...args) { hits.push(name + '(' + args.map(String).join(',') + ')'); };
  }
  for (const name of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table']) {
    console[name] = function (...args) { hits.push('console.' + name + '(' + args.map(String).join(',') + ')'); };
  }
  document.addEventListener('securitypolicyviolation', (e) => {
    csp.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber);
  });
})();
"""

# What payloads hide behind: hover, focus, click (links to javascript: are checked, not followed).
PROVOKE = """
() => {
  const all = [...document.querySelectorAll('body *')];
  for (const el of all) {
    for (const type of ['mouseover', 'mouseenter', 'mousedown', 'mouseup', 'pointerdown']) {
      el.dispatchEvent(new MouseEvent(type, {bubbles: true}));
    }
    if (typeof el.focus === 'function') el.focus();
    if (typeof el.click === 'function' && !el.closest('a[href], button, form, input, select, summary, label')) el.click();
  }
  const bad = [];
  for (const el of document.querySelectorAll('[href], [src], [action], [formaction], [srcset], [data]')) {
    for (const attr of ['href', 'src', 'action', 'formaction', 'srcset', 'data']) {
      const value = el.getAttribute(attr);
      if (value !== null && /^\\s*(javascript|vbscript|data):/i.test(value.replace(/[\\u0000-\\u0020\\u200b-\\u200f\\u202a-\\u202e]/g, ''))) {
        bad.push(el.tagName + ' ' + attr + '=' + value.slice(0, 60));
      }
    }
  }
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      if (/^on/i.test(attr) || attr === 'style') bad.push(el.tagName + ' ' + attr);
    }
  }
  return bad;
}
"""


def _visit(page, log, url: str, base: str, provoke: bool = True) -> dict[str, list[str]]:
    """Load one page; everything it did that it should not have."""
    for seen in (log.console, log.errors, log.requests, log.failed, log.dialogs):
        seen.clear()
    page.goto(url, wait_until="load")
    markup = page.evaluate(PROVOKE) if provoke else []
    page.wait_for_timeout(30)
    return _findings(page, log, base, markup)


def _findings(page, log, base: str, markup: list[str] = ()) -> dict[str, list[str]]:
    origin = "{0.scheme}://{0.netloc}/".format(urlsplit(base))
    found = {
        "dialogs": list(log.dialogs),
        "calls": page.evaluate("window.__hits.slice()"),
        "csp": page.evaluate("window.__csp.slice()"),
        "console": list(log.console),
        "errors": list(log.errors),
        "failed": list(log.failed),
        "off-site requests": [r for r in log.requests if not r.startswith(origin)],
        "markup": list(markup),
    }
    return {k: v for k, v in found.items() if v}


def hooked_page(browser):
    """A page with HOOK installed and dialogs counted (and dismissed): (context, page, log)."""
    context, page, log = open_page(browser)
    context.add_init_script(HOOK)
    log.dialogs = []
    page.on("dialog", lambda d: (log.dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
    return context, page, log


SEARCH_DONE = ("() => document.querySelector('[data-search]').getAttribute('aria-busy') === null && "
               "/找到|没有找到|请输入|不可用/.test(document.querySelector('[data-search-status]').textContent)")


def site_pages(out: Path) -> list[str]:
    """Every page of a built site, as URLs relative to its root."""
    pages = sorted(p.parent.relative_to(out).as_posix() + "/" for p in out.rglob("index.html"))
    return [("" if p == "./" else p) for p in pages] + ["404.html"]


@pytest.fixture(scope="module")
def hostile_served(tmp_path_factory):
    site, out, _ = hostile_corpus.build_hostile_site(tmp_path_factory.mktemp("hostile-browser"))
    served = serve(out, "/renda/")
    yield out, served
    served.server.shutdown()


@pytest.fixture(scope="module")
def hooked(browser):
    context, page, log = hooked_page(browser)
    yield page, log
    context.close()


def test_no_payload_runs_on_any_page(hostile_served, hooked):
    out, served = hostile_served
    page, log = hooked
    pages = site_pages(out)
    assert len(pages) > 30
    found = {rel: seen for rel in pages if (seen := _visit(page, log, served.url(rel), served.base))}
    report = {"pages": len(pages), "payloads": len(hostile_corpus.PAYLOADS) + len(hostile_corpus.REFUSED_PAYLOADS),
              "placements": hostile_corpus.payload_count(), "found": found}
    artifact("hostile-browser.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nhostile pages loaded: {len(pages)}, payloads {report['payloads']}, placements {report['placements']}")
    assert found == {}


def test_search_results_for_hostile_titles_run_nothing(hostile_served, hooked):
    """Titles and excerpts come back from the index into the page: still text."""
    _, served = hostile_served
    page, log = hooked
    _visit(page, log, served.url("search/?q=心声"), served.base, provoke=False)
    page.wait_for_function(SEARCH_DONE, timeout=15000)
    assert "找到" in page.text_content("[data-search-status]")
    assert _findings(page, log, served.base, page.evaluate(PROVOKE)) == {}


def test_the_site_never_breaks_its_own_csp(real_site, browser):
    """Every page of the real site, a search with results included: no CSP violation, no
    console message, no failed request, nothing off the site; the policy allows no eval and
    no WebAssembly."""
    served = serve(real_site, "/renda/")
    context, page, log = hooked_page(browser)
    try:
        pages = site_pages(real_site) + ["search/?q=医疗"]
        assert len(pages) >= 20
        found = {}
        for rel in pages:
            _visit(page, log, served.url(rel), served.base, provoke=False)
            if rel.startswith("search/?"):
                page.wait_for_function(SEARCH_DONE, timeout=15000)
                assert "找到" in page.text_content("[data-search-status]")
            seen = _findings(page, log, served.base)
            if seen:
                found[rel] = seen
        csp = page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
        assert "wasm" not in csp and "script-src 'self';" in csp
        assert found == {}
    finally:
        context.close()
        served.server.shutdown()
