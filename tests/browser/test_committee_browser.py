"""The pages of the standing committee's work in Chromium (#18): axe (WCAG 2.1 AA) in 标准模式 and in
大字模式 (all text ≥ 7:1), no sideways scrolling at 360 px, targets of 44 px (60 px in 大字模式),
大字模式 text ≥ 24 px, one <h1>, no console error. Every page of tests/committee_fixture.py's site
(a stranger's content), with the one shared browser and the measurements of test_theme.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import artifact, open_page, serve
from tests.browser.test_theme import (LARGE_TARGET, STANDARD_TARGET, STATIC_JS, TYPE_JS, measure, page_urls, run_axe,
                                      set_mode)
from tests.committee_fixture import BASE_PATH, FILES, SITE_YAML
from tests.conftest import run_build, write_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = write_site(tmp_path_factory.mktemp("committee-browser") / "site", FILES, SITE_YAML)
    out = root.parent / "public"
    result = run_build(root, out=out)
    assert result.returncode == 0, result.stderr
    site = serve(out, BASE_PATH)
    yield site
    site.server.shutdown()


@pytest.fixture(scope="module")
def audit(browser, served) -> dict[str, list[str]]:
    """Every page visited once at 360 and 1280 px, in both modes: url -> problems found."""
    context, page, log = open_page(browser, 360, 800, bypass_csp=True)  # bypass_csp: axe is injected inline
    found: dict[str, list[str]] = {}
    try:
        page.goto(served.url(""))
        set_mode(page, "standard")
        for rel in page_urls(served.root):
            problems = found[rel] = []
            page.set_viewport_size({"width": 360, "height": 800})
            page.goto(served.url(rel))
            for key in ("standard@360", "standard@1280"):
                page.set_viewport_size({"width": int(key.split("@")[1]), "height": 800})
                m = measure(page, STANDARD_TARGET)
                problems += [f"{key}: scrolls sideways {m['sw']} > {m['iw']}"] if m["sw"] > m["iw"] else []
                problems += [f"{key}: small target {s}" for s in m["small"]]
            standard = page.evaluate(TYPE_JS)
            statics = page.evaluate(STATIC_JS)
            problems += [f"{statics['h1']} h1 elements"] if statics["h1"] != 1 else []
            problems += [f"axe: {v}" for v in run_axe(page)]
            page.click("[data-mode-switch]")  # 大字模式, the reader's own way
            large = page.evaluate(TYPE_JS)
            if not large["large"] or large["font"] < 24 or large["font"] < 1.5 * standard["font"] - 0.01:
                problems.append(f"大字模式 text {large['font']}px (standard {standard['font']}px)")
            for width in (1280, 360):
                page.set_viewport_size({"width": width, "height": 800})
                m = measure(page, LARGE_TARGET)
                problems += [f"large@{width}: scrolls sideways {m['sw']} > {m['iw']}"] if m["sw"] > m["iw"] else []
                problems += [f"large@{width}: small target {s}" for s in m["small"]]
            problems += [f"axe 大字模式: {v}" for v in run_axe(page, enhanced=True)]
            page.click("[data-mode-switch]")
        found["(console)"] = [c for c in log.console if c.startswith("error")] + log.errors + log.failed
    finally:
        context.close()
    return found


def test_every_page_of_the_three_kinds_is_audited(audit):
    urls = set(audit)
    assert {"duties/", "resolutions/", "resolutions/2021/page/2/", "appointments/", "notices/", "notices/archive/",
            "resolutions/yu-suan-tiao-zheng/", "appointments/1-c5-ren-mian/", "notices/zhi-ding/",
            "deputies/wang-shuang/", "sessions/1-c3/", ""} <= urls


def test_the_pages_pass_axe_and_hold_at_360_px_and_in_large_mode(audit):
    problems = [f"{url}: {p}" for url, found in audit.items() for p in found]
    assert problems == [], "\n".join(problems)


def test_screenshots_of_the_new_pages(browser, served):
    """For a person to look at (test-artifacts/): an appointment list and the notices, phone and desktop."""
    context, page, _ = open_page(browser, 360, 800)
    try:
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            for rel, name in (("appointments/1-c5-ren-mian/", "appointment"), ("notices/", "notices"), ("", "home")):
                page.goto(served.url(rel))
                path: Path = artifact(f"committee-{name}-{width}.png")
                page.screenshot(path=str(path), full_page=True)
                assert path.stat().st_size > 10_000
    finally:
        context.close()
