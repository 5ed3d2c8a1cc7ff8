"""The search engine itself in Chromium: the browser cuts text exactly as the build does, what
the old engine missed is found, and bad queries or a damaged index break nothing.

Python's generator/searchtext.py and static/search.js must fold (NFKC and case folding) and
cut a query into the same terms, and send each term to the same shard, or a query finds
nothing: the tricky strings below are run through both and compared.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.outputs.searchcodec import term_hash
from generator.outputs.searchtext import fold, query_terms
from tests.browser.conftest import open_page, serve
from tests.browser.test_search import DONE, Searcher, built
import discovery_fixture as fx

pytestmark = pytest.mark.browser

TRICKY = [
    "２０２１年", "ＡＢＣ", "Straße", "ΟΔΟΣ", "İstanbul", "ﬁle", "Ⅻ", "①②③", "㈱", "ｶﾀｶﾅ", "﨑", "\u3000停车\u3000",
    "Ꭰꭰ", "ᾈ", "ǰ", "e\u0301", "代表，委员。", "王大祝2021年ABC", "𠀀𠀁字", "a\u200bb", "\u202e停车", "",
    "人大代表 政协委员", "x" * 40, "…停车……", "（一）主要工作", "12３４５", "ß ẞ ς",
]


@pytest.fixture(scope="module")
def small_out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("engine")
    files = dict(fx.FILES)
    files["content/news/quan-jiao.md"] = ("---\ntitle: 全角数字的会议纪要\ndate: 2026-01-12\n---\n"
                                          "２０２１年，代表们围绕ＡＢＣ项目和七格公园建设提出意见。\n")
    return built(root, files)


@pytest.fixture(scope="module")
def searcher(browser, small_out):
    s = Searcher(browser, small_out)
    yield s
    s.close()


def test_python_and_javascript_fold_and_cut_queries_alike(searcher):
    got = searcher.page.evaluate("""(texts) => texts.map(t => [window.congressSearch.fold(t),
        window.congressSearch.parse(t).map(p => p.terms)])""", TRICKY)
    for text, (folded, parts) in zip(TRICKY, got):
        assert folded == fold(text), (text, folded, fold(text))
        expected = [query_terms(p) for p in fold(text).split() if query_terms(p)]
        assert parts == expected, (text, parts, expected)


def test_python_and_javascript_send_a_term_to_the_same_shard(searcher):
    terms = ["停车", "王", "2021", "abc", "𠀀𠀁", "ꭰ", "代表"]
    got = searcher.page.evaluate("(terms) => terms.map(t => window.congressSearch.hash(t))", terms)
    assert got == [term_hash(t) for t in terms]


def test_python_and_javascript_read_published_postings_alike(searcher, monkeypatch):
    """Postings as kept and, for a term in most pages, without impacts: search.js reads both."""
    import random
    from generator.outputs import searchcodec as codec
    monkeypatch.setattr(codec, "DENSE", 50)
    rng = random.Random(5)
    texts = []
    for n in (3, 49, 50, 400):
        ids = sorted(rng.sample(range(1, 40_000_000), n))
        texts.append(codec.published_postings(codec.encode_postings(ids, [rng.randint(1, 63) for _ in ids])))
    assert [t.startswith("!") for t in texts] == [False, False, True, True]
    got = searcher.page.evaluate("(texts) => texts.map(t => window.congressSearch.decode(t))", texts)
    assert got == [[list(pair) for pair in codec.read_published(t).items()] for t in texts]


@pytest.mark.parametrize("query, expected", [
    ("２０２１年", "news/quan-jiao/"),  # full-width digits are the same as 2021
    ("abc", "news/quan-jiao/"),  # full-width letters, any case
    ("ＡＢＣ", "news/quan-jiao/"),
    ("格公", "voices/qi-ge-gong-yuan/"),  # a phrase across word boundaries (七格|公园)
    ("王大祝", "deputies/wang-da-zhu/"),  # a name in no dictionary
])
def test_what_the_old_engine_missed_is_found(searcher, query, expected):
    assert expected in searcher.search(query)[:3]


def test_an_excerpt_is_the_body_around_the_match_never_the_header_line(searcher):
    searcher.search("停车位")
    first = searcher.page.locator(".search-result").first
    excerpt = first.locator(".search-result-excerpt").inner_text()
    assert "停车位" in first.locator(".search-result-excerpt mark").all_inner_texts()
    for header in ("代表心声", "2026年1月10日"):  # kind and date are the meta line's, not the excerpt's
        assert header not in excerpt


HOSTILE = ["x" * 10_000, "停车\u0000\u0007\u001b", "\ud800停车", "\u202e停车\u202c", "<img src=x onerror=alert(1)>",
           "\"'`;--", "%00%2F..%2F", "停 车 养 老 医 疗 教 育 住 房 交 通 环 境"]
LONG_TASKS = """() => { window.__long = []; new PerformanceObserver(l => l.getEntries().forEach(
    e => window.__long.push(e.duration))).observe({type: 'longtask', buffered: true}); }"""


def test_bad_queries_run_nothing_and_block_nothing(browser, small_out):
    served = serve(small_out, "/renda/")
    context, page, log = open_page(browser)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(served.url("search/"))
        page.evaluate(LONG_TASKS)
        for query in HOSTILE:
            page.fill("#search-q", query)
            page.press("#search-q", "Enter")
            page.wait_for_function(DONE, timeout=20_000)
            assert page.locator(".search-results img").count() == 0
        page.goto(served.url("search/?q=" + "%E5%81%9C" * 5000))  # 停 × 5,000 in the address
        page.evaluate(LONG_TASKS)
        page.wait_for_function(DONE, timeout=20_000)
        assert len(page.input_value("#search-q")) <= 100
        long_tasks = page.evaluate("window.__long")
        assert all(d <= 200 for d in long_tasks), long_tasks
        assert dialogs == [] and log.errors == []
        assert not [u for u in log.requests if not u.startswith(served.base.rsplit("/renda/", 1)[0])]
    finally:
        context.close()
        served.server.shutdown()


@pytest.mark.parametrize("damage", ["missing", "truncated", "manifest"])
def test_a_damaged_index_says_search_is_unavailable_and_the_page_keeps_working(browser, small_out, tmp_path, damage):
    out = tmp_path / "public"
    shutil.copytree(small_out, out)
    index = out / "search" / "index"
    hashes = json.loads((index / "manifest.json").read_text(encoding="utf-8"))["shards"]
    n = term_hash("停车") % (len(hashes) // 8)  # the shard of the query's term, named by its hash
    shard = index / "t" / f"{n}.{hashes[n * 8:n * 8 + 8]}.json"
    assert shard.is_file()
    if damage == "missing":
        shard.unlink()
    elif damage == "truncated":
        shard.write_bytes(shard.read_bytes()[: len(shard.read_bytes()) // 2])
    else:
        (index / "manifest.json").write_text('{"format": 2, "pages": 3, "shards": "zz"', encoding="utf-8")
    s = Searcher(browser, out)
    try:
        s.log.failed.clear()
        s.search("停车")
        assert s.page.text_content("[data-search-status]").startswith("搜索暂时不可用")
        assert s.page.locator(".search-result").count() == 0
        assert s.log.errors == []  # said in the status line, not thrown
        with s.page.expect_navigation():  # the page still works: its links lead on
            s.page.click(".crumbs a")
        assert s.page.url == s.served.url("")
    finally:
        s.close()
