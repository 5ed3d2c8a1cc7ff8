"""A big session's index of voices goes on over pages, each within the 60 KB page budget.

The contract wants every voice of a session in its index, grouped by kind and then by
topic (a voice under each of its topics), each card with title, speaker and summary.
With 30 voices of two topics each that is 60 cards, about 45 KB of HTML, past the
theme's budget of 60 KB for HTML, CSS and JS together. The index is then cut into
pages (routes.split_index) in order, groups going on where they were cut.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.pages.routes import SESSION_INDEX_PAGE, KindGroup, TopicGroup, split_index
from tests.conftest import SITE_YAML, parse, run_build, write_site

TOPICS = ["医疗卫生", "交通出行", "教育"]
KINDS = ["代表", "市民", "委员"]
LABELS = {"代表": "代表心声", "委员": "委员心声", "市民": "市民热议"}
VOICES = 30
WEIGHT_LIMIT = 60 * 1024
BODY = ("区人大代表在调研中了解到，老旧小区停车位严重不足，居民出行不便，建议有关部门统筹规划，"
        "挖潜增加车位，推动错时共享停车，切实解决群众急难愁盼问题。") * 3


def _files() -> dict[str, str]:
    files = {"content/sessions/1-1.md": "---\ntitle: 测试区第一届人民代表大会第一次会议\nstart: 2021-07-19\n"
                                        "end: 2021-07-23\n---\n会议听取和审议了工作报告。\n",
             "content/sessions/1-2.md": "---\ntitle: 测试区第一届人民代表大会第二次会议\nstart: 2022-01-10\n"
                                        "end: 2022-01-12\n---\n第二次会议。\n",
             "content/voices/small.md": "---\ntitle: 小会议上的一条心声\nsession: 1-2\nkind: 市民\nspeaker: 市民甲\n---\n正文。\n"}
    for i in range(10):
        files[f"content/deputies/d{i}.md"] = f"---\nname: 代表{i}号\nrole: 人大代表\n---\n简介。\n"
        files[f"content/deputies/w{i}.md"] = f"---\nname: 委员{i}号\nrole: 政协委员\n---\n简介。\n"
    for n in range(VOICES):
        kind = KINDS[n % 3]
        speaker = {"代表": f"d{n % 10}", "委员": f"w{n % 10}", "市民": f"市民{n}"}[kind]
        topics = [TOPICS[n % 3], TOPICS[(n + 1) % 3]] if n % 5 else []  # every fifth: no topic (其他)
        files[f"content/voices/v{n:02d}.md"] = (
            f"---\ntitle: 关于第{n}件民生实事的建议\nsession: 1-1\nkind: {kind}\nspeaker: {speaker}\n"
            f"topics: [{', '.join(topics)}]\n---\n{BODY}\n")
    return files


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("big-session")
    site = write_site(root / "site", _files(), SITE_YAML)
    result = run_build(site, out=root / "public")
    assert result.returncode == 0, result.stderr
    return root / "public"


def _pages(out: Path, first: str = "sessions/1-1/") -> list[str]:
    """The session's index pages, in order, following its 下一页 links."""
    pages, url = [], first
    while url:
        pages.append(url)
        nxt = parse(out / url / "index.html").xpath("//section[@id='voices']//a[@rel='next']/@href")
        url = _site_url(url, nxt[0]) if nxt else ""
    return pages


def _site_url(page: str, href: str) -> str:
    """The site-relative URL a relative link on `page` leads to."""
    parts = [p for p in page.split("/") if p]
    for piece in urlsplit(href).path.split("/"):
        if piece == "..":
            parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts) + "/" if parts else ""


def _cards(out: Path, pages: list[str]) -> list[tuple[str, str, str]]:
    """(kind label, topic, voice URL) of every card, page after page, '（续）' taken off."""
    found = []
    for page in pages:
        for group in parse(out / page / "index.html").xpath("//section[contains(@class,'kind-group')]"):
            label = group.xpath("./h3")[0].text.replace("（续）", "")
            for topic in group.xpath(".//section[contains(@class,'topic-group')]"):
                name = topic.xpath("./h4")[0].text_content().replace("（续）", "")
                for href in topic.xpath(".//li[contains(@class,'voice-card')]//h5/a/@href"
                                        " | .//li[contains(@class,'voice-again')]/a/@href"):  # a card, or again in brief
                    found.append((label, name, _site_url(page, href)))
    return found


def _expected() -> list[tuple[str, str, str]]:
    """The whole index as the contract orders it: kind, then topic in site.yaml's order, 其他 last."""
    voices = [(n, KINDS[n % 3], [TOPICS[n % 3], TOPICS[(n + 1) % 3]] if n % 5 else []) for n in range(VOICES)]
    order = []
    for kind in ("代表", "委员", "市民"):
        for topic in [*TOPICS, "其他"]:
            for n, k, topics in sorted(voices, key=lambda v: v[0]):
                if k == kind and (topic in topics or (topic == "其他" and not topics)):
                    order.append((LABELS[kind], topic, f"voices/v{n:02d}/"))
    return order


def test_the_index_goes_on_over_pages_with_every_card_in_order(out):
    pages = _pages(out)
    assert len(pages) >= 3 and pages[1] == "sessions/1-1/page/2/"
    cards = _cards(out, pages)
    assert sorted(cards) == sorted(_expected())  # every voice under each of its topics, once
    # the contract's order: by kind, then topic; within a topic the order the site lists voices in
    assert [(k, t) for k, t, _ in cards] == [(k, t) for k, t, _ in _expected()]
    per_page = [len(_cards(out, [p])) for p in pages]
    assert max(per_page) <= SESSION_INDEX_PAGE and sum(per_page) == len(_expected())


def test_every_page_of_the_index_stays_within_the_weight_budget(out):
    for page in _pages(out):
        path = out / page / "index.html"
        total = path.stat().st_size
        for ref in parse(path).xpath("//link[@rel='stylesheet']/@href | //script/@src"):
            total += (path.parent / urlsplit(ref).path).resolve().stat().st_size
        assert total <= WEIGHT_LIMIT, (page, total)


def test_the_pages_are_linked_and_titled_and_the_jump_list_finds_each_kind(out):
    pages = _pages(out)
    for number, page in enumerate(pages, 1):
        doc = parse(out / page / "index.html")
        h1 = doc.xpath("//h1")
        assert len(h1) == 1
        assert doc.xpath("//title")[0].text.startswith(h1[0].text_content())
        if number > 1:
            assert f"（第{number}页）" in h1[0].text_content()
            assert not doc.xpath("//div[contains(@class,'session-intro')]")  # the intro: on the first page
        nav = doc.xpath("//section[@id='voices']//nav[@class='pagination']")[0]
        assert [_site_url(page, h) for h in nav.xpath(".//a[@aria-label]/@href")] == [p for p in pages if p != page]
        for href in doc.xpath("//ul[@class='jump']//a/@href"):  # every kind, wherever its group begins
            target, anchor = _site_url(page, href), urlsplit(href).fragment
            assert parse(out / target / "index.html").xpath(f"//*[@id='{anchor}']"), (page, href)
        assert [a.text for a in doc.xpath("//ul[@class='jump']//a")] == ["代表心声", "委员心声", "市民热议"]


def test_a_small_session_is_one_page():
    groups = [KindGroup("市民", "市民热议", 1, (TopicGroup("其他", None, ("v",), number=1),), number=1)]
    assert split_index(groups, SESSION_INDEX_PAGE) == [groups]
    assert split_index([], SESSION_INDEX_PAGE) == [[]]


def test_the_small_session_of_the_built_site_has_no_more_pages(out):
    assert _pages(out, "sessions/1-2/") == ["sessions/1-2/"]
    assert not (out / "sessions/1-2/page").exists()


@pytest.mark.parametrize("size", [1, 2, 3, 7])
def test_split_index_cuts_anywhere_and_keeps_everything(size):
    voices = tuple(f"v{i}" for i in range(9))
    groups = [KindGroup("代表", "代表心声", 5, (TopicGroup("医疗", "t/a/", voices[:3], number=1),
                                            TopicGroup("交通", "t/b/", voices[3:5], number=2)), number=1),
              KindGroup("市民", "市民热议", 4, (TopicGroup("其他", None, voices[5:], number=1),), number=2)]
    pages = split_index(groups, size)
    flat = [(g.number, t.number, v) for page in pages for g in page for t in g.topics for v in t.voices]
    assert flat == [(g.number, t.number, v) for g in groups for t in g.topics for v in t.voices]
    assert all(sum(len(t.voices) for g in page for t in g.topics) <= size for page in pages)
    assert len(pages) == -(-9 // size)
    seen: set[tuple[int, int]] = set()
    for page in pages:  # a group or topic cut in two says so on the page where it goes on
        for g in page:
            assert g.continued == any(k == g.number for k, _ in seen)
            for t in g.topics:
                assert t.continued == ((g.number, t.number) in seen)
                seen.add((g.number, t.number))


def test_the_further_pages_point_search_engines_at_the_session_itself(out):
    for page in _pages(out)[1:]:
        doc = parse(out / page / "index.html")
        assert doc.xpath("//link[@rel='canonical']/@href") == [f"https://example.gov.cn/renda/{page}"]
        graph = json.loads(doc.xpath("//script[@type='application/ld+json']/text()")[0])["@graph"]
        events = [node for node in graph if node.get("@type") == "Event"]
        assert [e["url"] for e in events] == ["https://example.gov.cn/renda/sessions/1-1/"]
