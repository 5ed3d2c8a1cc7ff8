"""Chinese search in a real browser: the query is typed into the search page, as a reader would.

The real Qiantang site and the small site of tests/discovery_fixture.py are built once and
served under /renda/ (their base_url's sub-path). One page is kept per site and reused by
the tests below; each search starts from a fresh query. The quality test writes the rank
of every query to test-artifacts/search-quality.json.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

import discovery_fixture as fx


from tests.browser.conftest import artifact, open_page, serve  # plain helpers
from tests.conftest import run_build, write_site

pytestmark = pytest.mark.browser

# Queries taken from the real content: (query, the page that must be among the first three).
REAL_QUERIES = (
    ("停车", "voices/wang-da-zhu-ting-che/"),
    ("医疗", "voices/zhou-dao-yang-yi-liao/"),
    ("养老", "voices/wu-meng-jun-yi-liao/"),
    ("电梯", "news/guan-cha-yuan-ji-ceng-sheng-yin/"),
    ("租房", "voices/peng-jiang-hong-zu-fang/"),
    ("王大祝", "deputies/wang-da-zhu/"),
    ("医药港", "voices/wang-jia-hang-yi-liao-chan-ye/"),
    ("共同富裕", "reports/work-report-2021/"),
    ("七格公园", "voices/wang-shuang-qi-ge-gong-yuan/"),
    ("文思小学", "voices/lv-jian-sheng-jiao-yu/"),
    ("吕建生", "voices/lv-jian-sheng-jiao-yu/"),
    ("大创小镇", "voices/wang-da-zhu-ting-che/"),
    ("全科医生", "voices/wu-meng-jun-yi-liao/"),
    ("碳达峰", "voices/chen-you-wen-chan-ye/"),
    ("周志辉", "reports/work-report-2021/"),
    ("陈有文", "deputies/chen-you-wen/"),
    ("依法治区", "reports/work-report-2021/"),
    ("基层声音", "news/guan-cha-yuan-ji-ceng-sheng-yin/"),
    ("病有良医", "voices/wu-meng-jun-yi-liao/"),
    ("停车位", "voices/wang-da-zhu-ting-che/"),
    ("王佳杭", "deputies/wang-jia-hang/"),
)
# A function, not a bare expression: Playwright polls a bare one with eval, which the pages'
# Content-Security-Policy (no 'unsafe-eval', templates/base.html) refuses.
DONE = ("() => document.querySelector('[data-search]').getAttribute('aria-busy') === null && "
        "/找到|没有找到|请输入|不可用/.test(document.querySelector('[data-search-status]').textContent)")


class Searcher:
    """One page on the search page of a served site."""

    def __init__(self, browser, folder: Path, **context):
        self.served = serve(folder, "/renda/")
        self.context, self.page, self.log = open_page(browser, **context)
        self.page.goto(self.served.url("search/"))

    def search(self, query: str) -> list[str]:
        """Type `query` into the search page; the result links as site-relative URLs."""
        page = self.page
        page.fill("#search-q", "")
        page.type("#search-q", query)
        page.press("#search-q", "Enter")
        page.wait_for_function(DONE, timeout=20_000)
        return self.results()

    def results(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all(".search-result-title a", "els => els.map(a => a.href)")
        return [h[len(self.served.url()):] for h in hrefs]

    def close(self) -> None:
        self.context.close()
        self.served.server.shutdown()


@pytest.fixture(scope="module")
def real(browser, real_site):
    s = Searcher(browser, real_site)
    yield s
    s.close()


def built(root: Path, files: dict) -> Path:
    """The output folder of the discovery fixture's site (with `files`) built under `root`."""
    site = write_site(root / "site", files, fx.SITE_YAML)
    out = root / "out" / "public"
    result = run_build(site, out=out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("search"), fx.FILES)


@pytest.fixture(scope="module")
def small(browser, small_site):
    s = Searcher(browser, small_site)
    yield s
    s.close()


def test_quality_on_the_real_site(real):
    """Each query's expected page is among the first three results."""
    ranks = {}
    for query, expected in REAL_QUERIES:
        results = real.search(query)
        ranks[query] = {"expected": expected, "rank": results.index(expected) + 1 if expected in results else None,
                        "top3": results[:3], "count": len(results)}
    artifact("search-quality.json").write_text(json.dumps(ranks, ensure_ascii=False, indent=1), encoding="utf-8")
    missed = {q: r for q, r in ranks.items() if r["rank"] is None or r["rank"] > 3}
    assert missed == {}
    assert len(ranks) >= 15
    assert real.log.errors == [] and real.log.failed == []


@pytest.mark.parametrize("query, expected", fx.QUERIES)
def test_quality_on_the_small_site(small, query, expected):
    assert expected in small.search(query)[:3]


def test_a_name_outranks_pages_holding_its_characters_apart(small):
    results = small.search("王大祝")
    assert results[:3] == ["deputies/wang-da-zhu/", "voices/wang-da-zhu-ting-che/", "news/hui-yi-xin-wen/"]
    assert "voices/decoy/" not in results[:3]  # 王…大…祝 apart: found, but after the real matches
    # highlighted: the name, never its characters alone (大 of 大会 on the decoy and elsewhere)
    marks = small.page.locator(".search-result-excerpt mark").all_inner_texts()
    assert "王大祝" in marks and all(len(m) >= 2 and any(m[i:i + 2] in "王大祝" for i in range(len(m) - 1))
                                   for m in marks), marks


def test_a_name_no_page_holds_is_not_called_found(small):
    """王祝 is on no page; pages holding 王 and 祝 apart are listed, and the status says so."""
    results = small.search("王祝")
    status = small.page.text_content("[data-search-status]")
    assert results and status.startswith("没有找到完整包含“王祝”的内容") and f"以下 {len(results)} 条" in status
    small.search("王大祝")
    assert small.page.text_content("[data-search-status]").startswith("找到 ")


def test_a_word_deep_in_a_long_page_is_found_as_a_whole(browser, tmp_path):
    """The `chars` field holds only a body's opening; a word far below it is still reported as
    found (the page's own text holds it), not as characters apart."""
    filler = "代表们认真审议各项报告，围绕民生实事积极建言献策。" * 40  # 1,000 characters
    site = write_site(tmp_path / "site", {
        "content/news/ji-yao.md": f"---\ntitle: 会议纪要\ndate: 2021-07-20\n---\n{filler}\n\n会上，萤火巷的居民代表发言。\n"},
        fx.SITE_YAML)
    out = tmp_path / "public"
    assert run_build(site, out=out).returncode == 0
    searcher = Searcher(browser, out)
    try:
        assert searcher.search("萤火巷") == ["news/ji-yao/"]
        assert searcher.page.text_content("[data-search-status]").startswith("找到 1 条")
    finally:
        searcher.close()


def test_drafts_and_future_items_are_not_found(small):
    assert small.search("蓝鲸灯塔") == []
    assert small.search("银杏书院") == []
    assert "没有找到" in small.page.text_content("[data-search-status]")


def test_result_shows_title_kind_session_date_and_highlighted_excerpt(small):
    small.search("停车")
    first = small.page.locator(".search-result").first
    assert first.locator(".search-result-title a").inner_text() == "因地制宜增停车位"
    assert first.locator(".search-result-kind").inner_text() == "代表心声"
    assert first.locator(".search-result-session").inner_text() == "测试区第二届人民代表大会第一次会议"
    assert first.locator(".search-result-date").inner_text() == "2026年1月10日"
    marks = first.locator(".search-result-excerpt mark").all_inner_texts()
    assert "停车" in marks
    for excerpt in small.page.locator(".search-result-excerpt").all_inner_texts():
        assert "\u200b" not in excerpt
        assert not re.match(r"[\s.,;:·、，。；：]", excerpt), excerpt  # never opens mid-sentence on a stop
        assert not re.search(r"[\u4e00-\u9fff]\. ?[\u4e00-\u9fff]", excerpt), excerpt  # Pagefind's ". " is 。
    # words Pagefind marked one by one (停车 位) are one highlight, not boxes side by side
    touching = small.page.evaluate("""() => Array.from(document.querySelectorAll('.search-result-excerpt mark'))
        .filter(m => m.nextSibling && m.nextSibling.nodeName === 'MARK').length""")
    assert touching == 0


def test_filters_by_kind_session_and_topic(small):
    page = small.page
    small.search("停车")
    page.select_option("select[data-filter=kind]", "新闻")
    page.wait_for_function(DONE)
    assert small.results() == ["news/hui-yi-xin-wen/"]
    assert "kind=%E6%96%B0%E9%97%BB" in page.url  # the filter is kept in the address, to share
    page.select_option("select[data-filter=kind]", "")
    page.select_option("select[data-filter=topic]", "社区治理")
    page.wait_for_function(DONE)
    assert small.results() == ["voices/qi-ge-gong-yuan/"]
    page.select_option("select[data-filter=topic]", "")
    page.select_option("select[data-filter=session]", "测试区第二届人民代表大会第一次会议")
    page.wait_for_function(DONE)
    assert len(small.results()) == 3
    counts = page.eval_on_selector_all("select[data-filter=kind] option", "os => os.map(o => o.textContent)")
    assert "代表心声（2）" in counts and "新闻（1）" in counts
    page.select_option("select[data-filter=session]", "")
    page.wait_for_function(DONE)


def test_filter_without_query_lists_newest_first(small):
    page = small.page
    page.fill("#search-q", "")
    page.select_option("select[data-filter=kind]", "人大代表")
    page.wait_for_function(DONE)
    assert sorted(small.results()) == ["deputies/li-ming/", "deputies/wang-da-zhu/"]
    page.select_option("select[data-filter=kind]", "")
    page.wait_for_function(DONE)


def test_results_link_to_pages_under_the_sub_path(small):
    small.search("七格公园")
    with small.page.expect_navigation():
        small.page.click(".search-result-title a")
    assert small.page.url == small.served.url("voices/qi-ge-gong-yuan/")
    assert small.page.locator("h1").inner_text().startswith("关于七格公园的提升改造")
    small.page.goto(small.served.url("search/"))


def test_query_in_the_address_searches_on_load(browser, small_site):
    s = Searcher(browser, small_site)
    try:
        s.page.goto(s.served.url("search/?q=%E5%85%BB%E8%80%81"))  # ?q=养老
        s.page.wait_for_function(DONE)
        assert s.results()[0] == "voices/zhang-hua-yang-lao/"
        assert s.page.input_value("#search-q") == "养老"
    finally:
        s.close()


def test_header_box_searches_and_other_pages_load_no_search_code(browser, small_site):
    s = Searcher(browser, small_site)
    try:
        page, log = s.page, s.log
        before = len(log.requests)  # (the Searcher opened the search page itself first)
        page.goto(s.served.url(""))
        page.goto(s.served.url("voices/wang-da-zhu-ting-che/"))
        page.wait_for_load_state("networkidle")
        assert [u for u in log.requests[before:] if "/search/index/" in u or "search.js" in u] == []
        assert page.locator(".search-box-form").is_visible()
        assert not page.locator(".search-box-link").is_visible()
        page.fill("#search-box-q", "停车")
        with page.expect_navigation():
            page.press("#search-box-q", "Enter")
        page.wait_for_function(DONE)
        assert s.results()[0] == "voices/wang-da-zhu-ting-che/"
        assert log.errors == [] and log.failed == []
    finally:
        s.close()


def test_without_javascript_the_box_is_a_link_that_says_so(browser, small_site):
    served = serve(small_site, "/renda/")
    context, page, log = open_page(browser, java_script_enabled=False)
    try:
        page.goto(served.url("voices/wang-da-zhu-ting-che/"))
        link = page.locator(".search-box-link")
        assert link.is_visible()
        assert "".join(link.inner_text().split()) == "搜索（需要启用JavaScript）"
        assert link.get_attribute("href") == "../../search/"
        assert not page.locator(".search-box-form").is_visible()
        page.goto(served.url("search/"))
        assert page.locator(".search-nojs").is_visible()
        assert "站内搜索需要启用 JavaScript" in page.locator(".search-nojs").inner_text()
        assert not page.locator(".search-page").is_visible()
    finally:
        context.close()
        served.server.shutdown()


# -- a site of 2,000 pages (bench/corpus.py): the index at scale ---------------------------------

BIG_PAGES = 2000


@pytest.fixture(scope="module")
def big(browser, tmp_path_factory):
    """A generated site of 2,000 content files, built once; its model for the expectations."""
    import os
    import subprocess

    from bench.corpus import generate
    from generator.engine.builder import Builder
    from tests.conftest import PROJECT, TODAY

    site = tmp_path_factory.mktemp("big") / "site"
    generate(site, BIG_PAGES, seed=11)
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--site", str(site),
                             "--today", TODAY.isoformat()], capture_output=True, text=True, timeout=900,
                            env={**os.environ, "CI": "1"})
    assert result.returncode == 0, result.stderr
    model = Builder(site, today=TODAY).build().site
    s = Searcher(browser, site / "public")
    yield s, model
    s.close()


def _all_results(s: Searcher) -> list[tuple[str, str]]:
    """Every result of the current search, pressing 更多 until it is gone: (href, date shown)."""
    while s.page.is_visible("[data-search-more]"):
        before = s.page.locator(".search-result").count()
        s.page.click("[data-search-more]")
        s.page.wait_for_function(f"() => document.querySelectorAll('.search-result').length > {before}")
    return s.page.eval_on_selector_all(
        ".search-result", "els => els.map(e => [e.querySelector('a').getAttribute('href'), "
        "(e.querySelector('.search-result-date') || {}).textContent || ''])")


def test_a_big_site_finds_its_newest_middle_and_oldest_pages_by_title(big):
    s, model = big
    dated = sorted((e for e in [*model.voices, *model.news, *model.reports] if e.published),
                   key=lambda e: (e.sort_date, e.url))
    for entry in (dated[-1], dated[len(dated) // 2], dated[0]):
        found = s.search(entry.title)
        assert entry.url in found[:5], (entry.title, found[:5])
    assert s.log.errors == [] and s.log.failed == []


def test_a_big_site_lists_a_filter_newest_first(big):
    s, model = big
    news = [e for e in model.news if e.published]
    s.page.goto(s.served.url("search/?kind=%E6%96%B0%E9%97%BB"))  # ?kind=新闻
    s.page.wait_for_function(DONE)
    assert f"找到 {len(news)} 条" in s.page.text_content("[data-search-status]")
    assert f"新闻（{len(news)}）" in s.page.inner_text("select[data-filter=kind]")
    s.page.fill("#search-q", "")
    shown = [s.page.eval_on_selector_all(".search-result-date", "els => els.map(e => e.textContent)")]
    days = [tuple(int(n) for n in re.findall(r"\d+", text)) for text in shown[0]]
    assert days and days == sorted(days, reverse=True), days
    newest = max(news, key=lambda e: (e.sort_date, e.url))
    assert s.results()[0] in {e.url for e in news if e.sort_date == newest.sort_date}


FIRST_SEARCH = """async (query) => {
  const before = performance.getEntriesByType('resource').length;
  const input = document.querySelector('#search-q');
  input.value = query;
  document.querySelector('[data-search-form]').requestSubmit();
  const done = () => document.querySelector('[data-search]').getAttribute('aria-busy') === null
    && /找到|没有找到/.test(document.querySelector('[data-search-status]').textContent)
    && document.querySelectorAll('.search-result').length > 0;
  for (let i = 0; i < 400 && !done(); i++) await new Promise(r => setTimeout(r, 25));
  const after = performance.getEntriesByType('resource').slice(before);
  return after.map(e => [e.name, e.encodedBodySize || e.transferSize || e.decodedBodySize]);
}"""


@pytest.mark.parametrize("query", ["停车", "养老服务", "老旧小区改造", "代表们 营商环境", "王伟"])
def test_a_first_search_fetches_little_in_few_requests(browser, big, query):
    """A reader's first search on a 2,000-page site, empty cache: at most 100 KB in at most
    8 requests after the page's load (the manifest is fetched with the page itself)."""
    s, _ = big
    context, page, log = open_page(browser)
    try:
        page.goto(s.served.url("search/"))
        page.wait_for_load_state("networkidle")
        loaded = [u for u in log.requests if "/search/index/" in u]
        assert any(u.endswith("manifest.json") for u in loaded)
        fetched = page.evaluate(FIRST_SEARCH, query)
        assert page.locator(".search-result").count() > 0, query
        sizes = {url: size for url, size in fetched if "/favicon." not in url}  # the browser's own timing
        assert all("/search/index/" in url for url in sizes), sizes
        assert len(sizes) <= 8, sorted(sizes)
        assert sum(sizes.values()) <= 100 * 1024, sizes
        artifact(f"first-search-{len(query)}.json").write_text(json.dumps(
            {"query": query, "requests": len(sizes), "bytes": sum(sizes.values())}, ensure_ascii=False))
    finally:
        context.close()
