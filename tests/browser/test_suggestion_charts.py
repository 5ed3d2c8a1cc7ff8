"""The suggestions' figures in a real browser: drawn, readable, accessible (axe-core, WCAG 2.1 A/AA).

The main test site of tests/test_suggestions.py (suggestions in every status; 解决率 57.1%,
满意率 83.3%) is built once, served on loopback under /renda/ as its base_url says, and
its suggestion pages are opened in headless Chromium at 1280 and 360 pixels, in standard
and 大字模式. Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations


import pytest
from conftest import AXE, artifact, open_page, serve  # tests/browser/conftest.py

from tests.conftest import run_build, write_site
from tests.test_suggestions import FILES, SITE_YAML

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = ["sessions/1-1/", "suggestions/", "suggestions/s01/", "suggestions/s12/", "sessions/1-1/suggestions/",
         "sessions/1-1/suggestions/status/answered/", "sessions/1-1/suggestions/page/2/", "deputies/zhang-ming-hua/",
         "topics/jiao-yu/"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("sugg-browser") / "site", FILES, SITE_YAML)
    out = root.parent / "public"
    result = run_build(root, out=out)
    assert result.returncode == 0, result.stderr
    s = serve(out, "/renda/")
    yield s
    s.server.shutdown()


@pytest.fixture(scope="module")
def shared(browser):
    context, page, log = open_page(browser, 1280, 900, bypass_csp=True)
    yield page, log
    context.close()


def axe(page, enhanced: bool = False) -> list[str]:
    """axe-core's WCAG 2.0/2.1 A and AA violations; `enhanced`: also 7:1 for all text, as 大字模式 promises."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate("""async ([tags, enhanced]) => {
      const brief = (r) => r.violations.map((v) => `${v.id}: ${v.help} @ ` +
        v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
      let out = brief(await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}));
      if (enhanced) {
        axe.configure({checks: [{id: 'color-contrast-enhanced', options: {ignoreUnicode: true, ignoreLength: false,
          ignorePseudo: false, boldValue: 700, boldTextPt: 14, largeTextPt: 18,
          contrastRatio: {normal: {expected: 7}, large: {expected: 7}}}}]});
        out = out.concat(brief(await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast-enhanced']},
                                                        resultTypes: ['violations']})));
      }
      return out;
    }""", [AXE_TAGS, enhanced])


def set_mode(page, mode: str) -> None:
    page.evaluate("(m) => localStorage.setItem('reading-mode', m)", mode)
    page.reload()


CHARTS_JS = """() => [...document.querySelectorAll('svg.chart-svg')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const sizes = [...svg.querySelectorAll('text')].map((t) => t.getBoundingClientRect().height);
  const table = svg.parentElement.querySelector('table');
  return {id: svg.getAttribute('aria-labelledby'), width: box.width, height: box.height,
          smallest: Math.min(...sizes), texts: [...svg.querySelectorAll('text')].map((t) => t.textContent),
          table: table ? [...table.querySelectorAll('tr')].map((tr) => tr.innerText.replace(/\\s+/g, ' ').trim()) : null,
          overflow: [...svg.querySelectorAll('text')].some((t) => t.getBoundingClientRect().right > box.right + 1)};
})"""

SMALL_TARGETS_JS = """(min) => [...document.querySelectorAll('main a[href]')].filter((a) => {
  if (a.closest('.prose p')) return false;  // links inside running text are exempt (WCAG 2.5.5 inline)
  const r = a.getBoundingClientRect();
  return r.width > 0 && (r.width < min - 0.5 || r.height < min - 0.5);
}).map((a) => a.textContent.trim())"""


def test_charts_draw_the_hand_computed_numbers(shared, served):
    page, log = shared
    page.goto(served.url("sessions/1-1/"))
    # On the session page the charts wait behind one button (#20: the page stays short); a reader opens them.
    button = page.locator("#suggestions details.charts > summary")
    assert button.is_visible() and not page.locator("#suggestions svg.chart-svg").first.is_visible()
    button.click()
    charts = page.evaluate(CHARTS_JS)
    assert [c["id"].split()[0] for c in charts] == ["session-status-t", "session-result-t",
                                                    "session-satisfaction-t", "session-topics-t"]
    by = {c["id"].split()[0]: c for c in charts}
    assert "解决率 57.1%" in by["session-result-t"]["texts"] and "4 件（57.1%）" in by["session-result-t"]["texts"]
    assert "满意率 83.3%" in by["session-satisfaction-t"]["texts"]
    assert "7 件（58.3%）" in by["session-status-t"]["texts"]
    assert "解决率（A类） 4 57.1%" in by["session-result-t"]["table"]
    assert "满意率（满意＋基本满意） 5 83.3%" in by["session-satisfaction-t"]["table"]
    for c in charts:
        assert c["width"] > 250 and c["height"] > 60, c
        assert c["smallest"] >= 14, c  # text in the chart as large as small print, at least
        assert not c["overflow"], c
    assert log.errors == [] and [f for f in log.failed if "favicon" not in f] == []


@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_the_figures(shared, served, width):
    page, _ = shared
    page.set_viewport_size({"width": width, "height": 900})
    for name, rel in (("session", "sessions/1-1/"), ("overview", "suggestions/"), ("suggestion", "suggestions/s01/"),
                      ("list", "sessions/1-1/suggestions/status/answered/")):
        page.goto(served.url(rel))
        set_mode(page, "standard")
        target = page.locator("#suggestions") if name == "session" else page.locator("main")
        path = artifact(f"suggestions-{name}-{width}.png")
        target.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("rel", PAGES)
def test_axe_finds_no_wcag_21_a_or_aa_violations(shared, served, rel):
    page, _ = shared
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(served.url(rel))
    set_mode(page, "standard")
    assert axe(page) == []
    set_mode(page, "large")
    assert axe(page, enhanced=True) == []
    set_mode(page, "standard")


@pytest.mark.parametrize("rel", PAGES)
def test_no_sideways_scrolling_and_big_enough_targets_on_a_phone(shared, served, rel):
    page, _ = shared
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(served.url(rel))
    for mode, target in (("standard", 44), ("large", 60)):
        set_mode(page, mode)
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), (rel, mode)
        assert page.evaluate(SMALL_TARGETS_JS, target) == [], (rel, mode)
    set_mode(page, "standard")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_filters_work_without_javascript(browser, served):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(served.url("sessions/1-1/suggestions/"))
        page.click("nav[aria-label='筛选代表建议'] a:has-text('已答复')")
        page.wait_for_url(served.url("sessions/1-1/suggestions/status/answered/"))
        assert page.locator("h1").inner_text().endswith("：已答复")
        assert page.locator("ul.items > li").count() == 5  # paginate: 5 on the test site
        page.click("nav[aria-label='筛选代表建议'] a:has-text('医疗卫生')")
        assert page.locator("h1").inner_text().endswith("：医疗卫生")
    finally:
        context.close()
