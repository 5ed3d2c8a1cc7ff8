"""The Nu HTML Checker (vnu.jar from npm, pinned in package.json) on the CSS and every page of
the real site and a test site with images and attachments; Lighthouse on each page type.

Java 17 runs vnu.jar (scripts/install-test-deps.sh installs a JRE where there is none).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM, serve
from tests.browser.test_pages import PAGES, media_site  # noqa: F401  (the module fixture, built once here too)
from tests.conftest import PROJECT

VNU = PROJECT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
LIGHTHOUSE = PROJECT / "node_modules" / ".bin" / "lighthouse"


def vnu(*args: str) -> list[dict]:
    if shutil.which("java") is None or not VNU.exists():
        pytest.fail("java or vnu.jar missing: run scripts/install-test-deps.sh")
    done = subprocess.run(["java", "-jar", str(VNU), "--format", "json", *args],
                          capture_output=True, text=True, timeout=600)
    return json.loads(done.stderr or '{"messages": []}')["messages"]


def errors(messages: list[dict]) -> list[str]:
    return [f"{m.get('url', '').rsplit('/', 3)[-2:]}:{m.get('lastLine')}: {m['message']}"
            for m in messages if m["type"] == "error"]


def test_the_css_is_valid():
    assert errors(vnu("--css", *[str(p) for p in sorted((PROJECT / "static").glob("*.css"))])) == []


def test_every_page_of_the_real_site_is_valid_html(real_site):
    found = vnu("--skip-non-html", str(real_site))
    assert len({m.get("url") for m in found}) > 1 or found == []  # the checker saw the pages
    assert errors(found) == []


def test_every_page_of_a_site_with_images_and_attachments_is_valid_html(media_site):  # noqa: F811
    _, out, _ = media_site
    pages = sorted(out.rglob("*.html"))
    assert len(pages) >= 10
    assert errors(vnu(*map(str, pages))) == []


def test_the_checker_reports_what_it_should():
    bad = PROJECT / "test-artifacts" / "vnu-self-test.html"
    bad.parent.mkdir(exist_ok=True)
    bad.write_text('<!doctype html><html lang="zh-CN"><title>x</title><img src="a.png"><p style="line-clamp: 2">x', encoding="utf-8")
    assert any("alt" in e for e in errors(vnu(str(bad))))


CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


@pytest.fixture(scope="module")
def lighthouse_site(real_site):
    s = serve(real_site)
    yield s
    s.server.shutdown()


METRICS = ("first-contentful-paint", "largest-contentful-paint", "speed-index", "total-blocking-time",
           "cumulative-layout-shift")
PERFORMANCE_RUNS = 3  # Lighthouse's docs/variability.md: client resource contention moves the score most


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run (mobile, its default simulated throttling) of `url`, its JSON report."""
    if not LIGHTHOUSE.exists():
        pytest.fail("lighthouse missing: run scripts/install-test-deps.sh")
    done = subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
                           f"--only-categories={','.join(CATEGORIES)}",
                           "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
                          capture_output=True, text=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(report.read_text(encoding="utf-8"))


def timings(data: dict) -> str:
    """The performance score's inputs and how busy the machine was (Lighthouse's benchmarkIndex)."""
    audits = data["audits"]
    shown = ", ".join(f"{m} {audits[m]['numericValue']:.0f}" for m in METRICS)
    return f"{data['categories']['performance']['score']} ({shown}; benchmarkIndex {data['environment']['benchmarkIndex']})"


@pytest.mark.browser
@pytest.mark.parametrize("name", list(PAGES))
def test_lighthouse_scores_each_page_type(lighthouse_site, name, tmp_path):
    """Lighthouse gives 100 in every category. Accessibility, best practices and SEO do not depend on
    timing and must be 100 in every run, with no layout shift. Performance is timed on a machine the
    other test worker shares, so it must reach 0.95 in one of up to three runs (1.0 when quiet); the
    failure message lists every run's metrics."""
    runs = []
    for attempt in range(PERFORMANCE_RUNS):
        data = lighthouse(lighthouse_site.url(PAGES[name]), tmp_path / f"lh{attempt}.json")
        scores = {k: data["categories"][k]["score"] for k in CATEGORIES}
        print(name, timings(data))
        failing = [k for k, a in data["audits"].items() if a.get("score") == 0 and a.get("scoreDisplayMode") == "binary"]
        if name == "search":  # kept out of search engines on purpose (noindex): Lighthouse's is-crawlable says so
            assert failing == ["is-crawlable"], failing
            scores["seo"] = 1
        assert scores["accessibility"] == scores["best-practices"] == scores["seo"] == 1, (scores, failing)
        assert data["audits"]["cumulative-layout-shift"]["numericValue"] == 0, timings(data)
        runs.append(data)
        if scores["performance"] >= 0.95:
            break
    assert runs[-1]["categories"]["performance"]["score"] >= 0.95, [timings(d) for d in runs]
