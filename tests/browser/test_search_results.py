"""What a reader sees of a search, on pages made to trap each mistake a stranger's site showed:
pages holding a phrase as written ranked before pages holding its pieces apart, a status line
true to what was found, a match in a page's labels (author, document number) shown and marked,
every part of a long query counted, nothing searched for a query of punctuation, and excerpts
that mark the whole match and never start inside a number.

Built on the discovery fixture's small site (tests/discovery_fixture.py) plus the pages below.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import artifact, open_page, serve
from tests.browser.test_search import DONE, Searcher, built
import discovery_fixture as fx

pytestmark = pytest.mark.browser

FILES = dict(fx.FILES)
# Newer pages titled with 人大 and 代表 apart: by BM25 alone they outrank the one holding 人大代表.
for n in range(5):
    FILES[f"content/news/apart-{n}.md"] = (
        f"---\ntitle: 人大会议上的代表发言之{'一二三四五'[n]}\ndate: 2026-01-2{n}\n---\n"
        "区人大召开会议，代表们发言。人大常委会听取汇报，代表委员提出意见。\n")
FILES["content/news/exact.md"] = ("---\ntitle: 一则旧闻\ndate: 2025-06-01\n---\n"
                                  "会议期间，人大代表走访了社区，听取居民意见。\n")
FILLER = "这是一段介绍新建场馆情况的文字内容"
FILES["content/news/shu-zi.md"] = ("---\ntitle: 场馆建设情况\ndate: 2025-05-01\n---\n"
                                   + (FILLER * 4)[:50] + "１２３４５６" + (FILLER * 2)[:27] + "停车位建成了"
                                   + FILLER * 4 + "\n")
FILES["content/news/nian-di.md"] = ("---\ntitle: 年底前建成新馆\ndate: 2025-04-01\n---\n"
                                    "多年来群众盼望新馆。２０２２年底建成后，每年接待读者十万人次。\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return built(tmp_path_factory.mktemp("results"), FILES)


@pytest.fixture(scope="module")
def s(browser, site):
    searcher = Searcher(browser, site)
    yield searcher
    searcher.close()


def status(s: Searcher) -> str:
    return s.page.inner_text("[data-search-status]")


def result(s: Searcher, url: str):
    return s.page.locator(".search-result").filter(has=s.page.locator(f'a[href$="/renda/{url}"]'))


def test_a_page_holding_the_phrase_outranks_newer_pages_holding_its_pieces(s):
    found = s.search("人大代表")
    assert "news/exact/" in found, found
    assert not [url for url in found if url.startswith("news/apart-")], found  # the first shown hold it as written
    assert "不相连" not in status(s)


def test_a_match_in_the_labels_alone_is_shown_and_not_called_apart(s):
    found = s.search("徐红燕")  # the author of the news item, named nowhere in its text
    assert found[0] == "news/hui-yi-xin-wen/", found
    assert "不相连" not in status(s) and status(s).startswith("找到")
    assert "徐红燕" in result(s, "news/hui-yi-xin-wen/").locator(".search-result-excerpt mark").all_inner_texts()


def test_a_query_of_punctuation_alone_searches_nothing(s):
    for query in ("？？？", "-", "🚗"):
        assert s.search(query) == []
        assert "请输入" in status(s), (query, status(s))


def test_every_part_of_a_long_query_counts(s):
    # The news apart-* hold every character of the first two parts (not as written): taken part by
    # part, the first 16 characters would all come from them and 量子, which no page holds, be cut
    found = s.search("区人大召开会议代表们发言 人大常委会听取汇报代表委员提出意见 量子")
    assert found == [] and status(s).startswith("没有找到"), status(s)


def test_an_excerpt_marks_the_whole_match_and_never_starts_inside_a_number(s):
    s.search("停车位建成")
    excerpt = result(s, "news/shu-zi/").locator(".search-result-excerpt")
    assert "１２３４５６" in excerpt.inner_text(), excerpt.inner_text()
    s.search("2022年")
    marks = result(s, "news/nian-di/").locator(".search-result-excerpt mark").all_inner_texts()
    assert marks == ["２０２２年"], marks  # not 年 of 多年来 and 每年


def test_a_match_in_the_title_is_marked_there(s):
    s.search("年底前建成新馆")
    assert result(s, "news/nian-di/").locator(".search-result-title mark").all_inner_texts() == ["年底前建成新馆"]


def test_a_filter_the_page_does_not_have_is_said_to_be_ignored(browser, site):
    served = serve(site, "/renda/")
    context, page, _ = open_page(browser)
    try:
        page.goto(served.url("search/?q=停车&kind=代表"))
        page.wait_for_function(DONE, timeout=20_000)
        assert "没有“代表”这个筛选条件" in page.inner_text("[data-search-status]")
        assert page.locator(".search-result").count() > 0
    finally:
        context.close()
        served.server.shutdown()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_filters_are_folded_on_a_phone_only_and_nothing_moves_when_the_page_is_ready(browser, site, width):
    """The filters' <details> is closed in the HTML and shown by CSS on wide screens, so search.js never
    moves the layout after the first paint (Lighthouse found the footer moving on a phone)."""
    served = serve(site, "/renda/")
    context, page, _ = open_page(browser, width=width, height=800)
    try:
        page.add_init_script("""window.__shifts = 0; new PerformanceObserver(l => { for (const e of l.getEntries())
            if (!e.hadRecentInput) window.__shifts += e.value; }).observe({type: 'layout-shift', buffered: true});""")
        page.goto(served.url("search/"))
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        phone = width < 640
        assert page.is_visible("select[data-filter=kind]") is not phone
        assert page.is_visible("[data-search-filters] > summary") is phone
        assert page.evaluate("window.__shifts") == 0
        if phone:
            page.click("[data-search-filters] > summary")
        page.select_option("select[data-filter=kind]", "代表心声")
        page.fill("[data-search-input]", "停车")
        page.press("[data-search-input]", "Enter")
        page.wait_for_function(DONE, timeout=20_000)
        assert page.locator(".search-result").count() > 0
    finally:
        context.close()
        served.server.shutdown()


@pytest.mark.parametrize("large", [False, True])
def test_on_a_phone_the_first_result_is_on_the_first_screen(browser, site, large):
    served = serve(site, "/renda/")
    context, page, _ = open_page(browser, width=360, height=780)
    try:
        if large:
            page.add_init_script("localStorage.setItem('reading-mode', 'large')")
        page.goto(served.url("search/?q=停车"))
        page.wait_for_function(DONE, timeout=20_000)
        assert page.evaluate("document.querySelector('[data-search-filters]').open") is False
        top = page.eval_on_selector(".search-result", "e => e.getBoundingClientRect().top")
        assert top < 780, top
        page.click("[data-search-filters] > summary")  # the filters are one tap away
        page.select_option("select[data-filter=kind]", "代表心声")
        page.wait_for_function(DONE, timeout=20_000)
        page.screenshot(path=str(artifact(f"search-360{'-large' if large else ''}.png")))
        page.goto(served.url("search/?q=停车&kind=代表心声"))  # a filter chosen: shown open
        page.wait_for_function(DONE, timeout=20_000)
        assert page.evaluate("document.querySelector('[data-search-filters]').open") is True
    finally:
        context.close()
        served.server.shutdown()
