"""Finding things, checked by parsers: the search index, Atom feeds, sitemap and robots.txt,
canonical/Open Graph/JSON-LD heads, open data, and determinism.

Sites are built once per module with the real command line: the small Chinese site of
discovery_fixture.py (under the sub-path /renda/, with a draft and a future item), a
generated site of about 50 pages (bench/gensite.py), and the real Qiantang site.
The search quality itself is tested in a browser: tests/browser/test_search.py.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from lxml import etree

HERE = Path(__file__).resolve().parent

import discovery_checks as checks
import discovery_fixture as fx
from bench.gensite import generate
from generator.engine.builder import Builder
from generator.pages.render import make_environment, render_context
from generator.pages.routes import plan
from generator.outputs.sitemap import sitemap_files


from tests.conftest import TODAY, run_build, snapshot, write_site
REAL_BASE = "https://www.example.gov.cn/renda/"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    return write_site(tmp_path_factory.mktemp("discovery") / "site", fx.FILES, fx.SITE_YAML)


@pytest.fixture(scope="module")
def small(fixture_site, tmp_path_factory) -> Path:
    """The fixture site, built once."""
    out = tmp_path_factory.mktemp("discovery-out") / "public"
    result = run_build(fixture_site, out=out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[Path, Path]:
    """A generated site of about 50 pages (many people, sessions and topics), built once."""
    root = tmp_path_factory.mktemp("gen")
    site = generate(root / "site", pages=50, seed=7, base_url=fx.BASE_URL)
    out = root / "out" / "public"
    result = run_build(site, out=out)
    assert result.returncode == 0, result.stderr
    return site, out


# -- search index (generator/outputs/searchindex.py; the search page itself: tests/browser/test_search.py) ---

def test_index_holds_every_published_entry_and_nothing_else(small):
    records = checks.fragments(small)
    assert set(records) == set(fx.ENTRY_TYPES)
    text = json.dumps(records, ensure_ascii=False) + json.dumps(sorted(checks.index_terms(small)), ensure_ascii=False)
    for word in ("蓝鲸", "银杏书院", "赵六"):  # in a draft, a future voice, a draft person
        assert word not in text
    manifest = json.loads((small / "search" / "index" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == 2 and manifest["pages"] == len(fx.ENTRY_TYPES)


def test_index_holds_the_page_text_not_its_lists_or_chrome(small):
    records = checks.fragments(small)
    voice = records["voices/wang-da-zhu-ting-che/"]["x"]
    assert "老旧小区停车难" in voice
    for chrome in ("跳到正文", "主办单位", "当前位置", "网站标识码", "朗读全文", "代表心声", "2026年"):
        assert chrome not in voice  # skip link, footer, crumbs, controls, and the header line (kind, date)
    assert "详见会议新闻。" in voice  # a link's text reads on, without spaces around it
    person = records["deputies/wang-da-zhu/"]
    terms = checks.index_terms(small)
    assert person["id"] not in terms.get("车位", {})  # his voices' text belongs to the voice pages
    assert person["id"] in terms["大祝"] and records["voices/wang-da-zhu-ting-che/"]["id"] in terms["大祝"]


def test_index_records_show_kind_session_date_and_people(small):
    record = checks.fragments(small)["voices/wang-da-zhu-ting-che/"]
    assert (record["t"], record["k"], record["s"], record["d"], record["p"]) == (
        "因地制宜增停车位", "代表心声", "测试区第二届人民代表大会第一次会议", "2026年1月10日", "王大祝")
    assert checks.fragments(small)["deputies/wang-da-zhu/"]["k"] == "人大代表"


def test_titles_and_names_weigh_more_than_body_text(small):
    records, terms = checks.fragments(small), checks.index_terms(small)
    voice = records["voices/wang-da-zhu-ting-che/"]["id"]
    assert terms["停车"][voice] > terms["小区"][voice]  # 停车 in the title, 小区 in the body only


def test_published_pages_carry_no_search_weight(small):
    for path in checks.pages(small).values():
        text = path.read_text(encoding="utf-8")
        assert "data-pagefind" not in text and "wasm-unsafe-eval" not in text
        if path.parent.name != "search":
            assert "search/index/" not in text and "search.js" not in text


def test_drafts_build_still_indexes_published_pages_only(fixture_site, tmp_path):
    out = tmp_path / "public"
    result = run_build(fixture_site, "--drafts", out=out)
    assert result.returncode == 0, result.stderr
    assert set(checks.fragments(out)) == set(fx.ENTRY_TYPES)
    assert (out / "voices" / "draft-secret" / "index.html").is_file()  # previewed, but not searchable


# -- determinism ----------------------------------------------------------------------------------

def test_two_builds_are_byte_identical_search_index_included(generated, tmp_path):
    site, first = generated
    second = tmp_path / "again" / "public"
    result = run_build(site, out=second)
    assert result.returncode == 0, result.stderr
    a, b = snapshot(first), snapshot(second)
    assert sorted(a) == sorted(b)
    assert [p for p in a if a[p] != b[p]] == []
    assert any(p.startswith("search/index/t/") for p in a)


# -- feeds ----------------------------------------------------------------------------------------

def test_feeds_parse_cleanly_with_absolute_urls(small):
    problems, feeds = checks.check_feeds(small, fx.BASE_URL)
    assert problems == []
    assert set(feeds) == {"feeds/all.xml", "feeds/sessions/2-1.xml", "feeds/topics/yi-liao-wei-sheng.xml",
                          "feeds/topics/jiao-tong-chu-xing.xml", "feeds/topics/yang-lao-fu-wu.xml",
                          "feeds/topics/she-qu-zhi-li.xml"}


def test_site_feed_entries_content_and_dates(small):
    _, feeds = checks.check_feeds(small, fx.BASE_URL)
    feed = feeds["feeds/all.xml"]
    links = [e.link for e in feed.entries]
    assert fx.BASE_URL + "news/hui-yi-xin-wen/" in links
    assert not [link for link in links if any(u in link for u in fx.UNPUBLISHED)]
    assert feed.feed.updated == "2026-01-11T00:00:00+08:00"  # the newest content date, not the build time
    voice = next(e for e in feed.entries if e.link.endswith("voices/wang-da-zhu-ting-che/"))
    assert voice.published == "2026-01-10T00:00:00+08:00"
    assert voice.author == "王大祝"
    assert [t.term for t in voice.tags] == ["交通出行"]
    assert f'href="{fx.BASE_URL}news/hui-yi-xin-wen/"' in voice.content[0].value  # made absolute
    assert "老旧小区停车难问题亟待解决" in voice.content[0].value  # the full body, not a summary


def test_session_and_topic_feeds_hold_their_items(small):
    _, feeds = checks.check_feeds(small, fx.BASE_URL)
    session = {e.link[len(fx.BASE_URL):] for e in feeds["feeds/sessions/2-1.xml"].entries}
    assert {"sessions/2-1/", "voices/wang-da-zhu-ting-che/", "reports/work-2026/",
            "news/hui-yi-xin-wen/"} <= session
    assert "voices/future/" not in session
    topic = {e.link[len(fx.BASE_URL):] for e in feeds["feeds/topics/yang-lao-fu-wu.xml"].entries}
    assert topic == {"voices/zhang-hua-yang-lao/"}


def test_feeds_are_announced_in_heads(small):
    doc = checks.head(small / "sessions" / "2-1" / "index.html")
    feeds = doc.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')
    assert feeds == ["../../feeds/all.xml", "../../feeds/sessions/2-1.xml"]
    doc = checks.head(small / "topics" / "yang-lao-fu-wu" / "index.html")
    assert doc.xpath('//link[@rel="alternate"][@type="application/atom+xml"]/@href')[-1] == \
        "../../feeds/topics/yang-lao-fu-wu.xml"


# -- sitemap and robots ---------------------------------------------------------------------------

def test_sitemap_lists_every_published_page_with_lastmod(small):
    problems, locs = checks.sitemap_locs(small, fx.BASE_URL)
    assert problems == []
    expected = {fx.BASE_URL + url for url in checks.pages(small) if url not in ("404.html", "search/")}
    assert set(locs) == expected
    assert not [loc for loc in locs if any(u in loc for u in fx.UNPUBLISHED)]
    assert locs[fx.BASE_URL + "voices/wang-da-zhu-ting-che/"] == "2026-01-10"
    assert locs[fx.BASE_URL + "sessions/2-1/"] == "2026-01-14"  # its last day, later than its items
    assert locs[fx.BASE_URL + "deputies/wang-da-zhu/"] == "2026-01-11"  # the newest item on his page
    assert locs[fx.BASE_URL] == "2026-01-11"
    assert locs[fx.BASE_URL + "about/"] is None  # nothing dated: no lastmod rather than a made-up one


def test_sitemap_splits_into_an_index_past_the_limit(small, fixture_site, tmp_path):
    built = Builder(fixture_site, today=TODAY).build()
    files = sitemap_files(built.site, plan(built.site), max_urls=5)
    out = tmp_path / "split"
    for f in files:
        (out / f.path).parent.mkdir(parents=True, exist_ok=True)
        (out / f.path).write_bytes(f.data)
    root = etree.parse(str(out / "sitemap.xml")).getroot()
    assert root.tag == checks.SM + "sitemapindex"
    problems, locs = checks.sitemap_locs(out, fx.BASE_URL)
    assert problems == []
    _, whole = checks.sitemap_locs(small, fx.BASE_URL)
    assert locs == whole
    assert len(root) == -(-len(whole) // 5)


# -- heads: canonical, description, Open Graph, JSON-LD ------------------------------------------

def test_every_page_has_canonical_description_open_graph_and_json_ld(small):
    assert checks.check_heads(small, fx.BASE_URL) == []


def test_json_ld_types(small):
    for url, kind in fx.ENTRY_TYPES.items():
        objects = checks.jsonld(checks.head(small / url / "index.html"))
        assert objects[0]["@type"] == kind, url
        assert objects[-1]["@type"] == "BreadcrumbList"
    home = checks.jsonld(checks.head(small / "index.html"))
    assert home[0]["@type"] == "WebSite"
    assert home[0]["potentialAction"]["target"]["urlTemplate"] == fx.BASE_URL + "search/?q={search_term_string}"


def test_json_ld_details(small):
    event = checks.jsonld(checks.head(small / "sessions/2-1/index.html"))[0]
    assert (event["startDate"], event["endDate"], event["location"]["name"]) == ("2026-01-10", "2026-01-14", "区行政中心大会堂")
    person = checks.jsonld(checks.head(small / "deputies/wang-da-zhu/index.html"))[0]
    assert (person["name"], person["jobTitle"], person["gender"]) == ("王大祝", "人大代表", "https://schema.org/Male")
    news = checks.jsonld(checks.head(small / "news/hui-yi-xin-wen/index.html"))[0]
    assert news["datePublished"] == "2026-01-11"
    assert news["author"] == {"@type": "Person", "name": "徐红燕"}
    assert {"@type": "Person", "name": "王大祝", "url": fx.BASE_URL + "deputies/wang-da-zhu/"} in news["about"]
    voice = checks.jsonld(checks.head(small / "voices/lv-jian-sheng/index.html"))[0]
    assert voice["author"] == {"@type": "Person", "name": "吕建生", "jobTitle": "文思小学校长"}
    crumbs = checks.jsonld(checks.head(small / "voices/lv-jian-sheng/index.html"))[-1]["itemListElement"]
    assert [c["item"] for c in crumbs] == [fx.BASE_URL, fx.BASE_URL + "voices/", fx.BASE_URL + "voices/lv-jian-sheng/"]


def test_json_ld_cannot_close_its_script(tmp_path):
    from generator.pages.structured import json_script
    text = str(json_script({"name": "</script><script>alert(1)</script>"}))
    assert "</" not in text and "<" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script>"}


def test_search_page_is_not_for_search_engines(small):
    doc = checks.head(small / "search" / "index.html")
    assert doc.xpath('//meta[@name="robots"]/@content') == ["noindex"]
    assert doc.get("lang") == "zh-CN"


# -- open data ------------------------------------------------------------------------------------

def _csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_session_voices_csv_and_json(small):
    rows = _csv(small / "sessions/2-1/voices.csv")
    assert list(rows[0]) == ["编号", "标题", "类别", "发言人", "发言人身份", "发言人页面", "日期", "专题", "摘要", "整理", "网址"]
    assert [r["编号"] for r in rows] == ["qi-ge-gong-yuan", "wang-da-zhu-ting-che", "decoy", "zhang-hua-yang-lao", "lv-jian-sheng"]
    first = next(r for r in rows if r["编号"] == "qi-ge-gong-yuan")
    assert first["专题"] == "交通出行；社区治理"
    assert first["发言人页面"] == fx.BASE_URL + "deputies/li-ming/"
    data = json.loads((small / "sessions/2-1/voices.json").read_text(encoding="utf-8"))
    assert data["count"] == len(rows) == len(data["voices"])
    assert data["session"]["start"] == "2026-01-10"
    assert data["voices"][0]["topics"] == ["交通出行", "社区治理"]
    assert list(data["columns"]) == ["id", "title", "kind", "speaker", "speaker_title", "speaker_url", "date",
                                     "topics", "summary", "reporter", "url"]
    assert not (small / "sessions/2-2/voices.csv").exists()


def test_people_csv_and_json(small):
    rows = _csv(small / "deputies/people.csv")
    assert [r["姓名"] for r in rows] == ["李明", "王大祝", "张华"]
    assert rows[1]["心声数"] == "1" and rows[1]["网址"] == fx.BASE_URL + "deputies/wang-da-zhu/"
    data = json.loads((small / "deputies/people.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in data["people"]] == ["李明", "王大祝", "张华"]


def test_csv_cells_cannot_run_as_formulas():
    from generator.outputs.opendata import _cell
    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell(["交通", "教育"]) == "交通；教育"
    assert _cell(3) == 3


def test_download_links_partial(fixture_site):
    """_downloads.html renders the links; session.html and person_list.html include it (lead's templates)."""
    built = Builder(fixture_site, today=TODAY).build()
    env = make_environment([HERE.parent / "templates"])
    base = render_context(built.site, {})
    routes = {r.url: r for r in plan(built.site)}
    html = env.get_template("_downloads.html").render(**base, route=routes["sessions/2-1/"])
    assert 'href="voices.csv"' in html and 'href="voices.json"' in html
    html = env.get_template("_downloads.html").render(**base, route=routes["deputies/"])
    assert 'href="people.csv"' in html and 'href="people.json"' in html
    assert env.get_template("_downloads.html").render(**base, route=routes["voices/"]).strip() == ""


def test_download_links_on_pages(small):
    session_page = (small / "sessions/2-1/index.html").read_text(encoding="utf-8")
    assert 'href="voices.csv"' in session_page
    assert 'href="people.csv"' in (small / "deputies/index.html").read_text(encoding="utf-8")


# -- the generated site and the real site ---------------------------------------------------------

def test_generated_site_passes_every_parser_check(generated):
    _, out = generated
    assert checks.check_heads(out, fx.BASE_URL) == []
    assert checks.check_feeds(out, fx.BASE_URL)[0] == []
    problems, locs = checks.sitemap_locs(out, fx.BASE_URL)
    assert problems == [] and len(locs) > 50


def test_real_site_passes_every_parser_check(real_site):
    assert checks.check_heads(real_site, REAL_BASE) == []
    problems, feeds = checks.check_feeds(real_site, REAL_BASE)
    assert problems == []
    assert len(feeds) == 12  # the site, session 1-1, ten topics
    problems, locs = checks.sitemap_locs(real_site, REAL_BASE)
    assert problems == []
    assert REAL_BASE + "voices/wang-da-zhu-ting-che/" in locs
    records = checks.fragments(real_site)
    assert len(records) == len(list((HERE.parent / "content").rglob("*.md")))  # every entry, no list page
