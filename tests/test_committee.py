"""The standing committee's work between sessions (#18): resolutions, appointment lists, notices.

On a stranger's site written to content-format.md's "Standing-committee work" only
(tests/committee_fixture.py), built once per module with the real command line for the day
conftest.TODAY, as published and with --drafts: the pages, the lists by year, a meeting's page,
a person's 任免记录, the navigation of the columns that have content, feeds, open data, the
sitemap, JSON-LD, what search indexes, `check`, `new`, the page weight, `until`/`pinned` on
both sides of midnight China time, and every error the contract names, all in one run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.committee_fixture import BASE_PATH, BASE_URL, FILES, PAGES, SITE_YAML, UNPUBLISHED
from tests.conftest import PROJECT, TODAY, parse, run_build, write_site
from tests.link_checks import broken_links, html_files, links, main, non_ascii_urls, page, text

TOMORROW = TODAY + dt.timedelta(days=1)
ATOM = "{http://www.w3.org/2005/Atom}"
WEIGHT_LIMIT = 60 * 1024  # HTML + CSS + JS of one page, uncompressed (as tests/browser/test_theme.py)


@dataclass
class Built:
    site: Path
    out: Path
    drafts: Path
    stderr: str

    def doc(self, url: str, drafts: bool = False):
        return parse(page(self.drafts if drafts else self.out, url))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("committee")
    site = write_site(root / "site", FILES, SITE_YAML)
    with ThreadPoolExecutor(2) as pool:
        plain = pool.submit(run_build, site, out=root / "public")
        drafts = pool.submit(run_build, site, "--drafts", out=root / "preview")
        results = plain.result(), drafts.result()
    for result in results:
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
    return Built(site, root / "public", root / "preview", results[0].stderr)


def item_links(doc, url: str, prefix: str) -> list[str]:
    """Entry URLs a list shows, in order: its item titles' links into `prefix`."""
    return [u for _, u in links(doc, url, main(doc).xpath(".//ul[@class='items']")[0]) if u.startswith(prefix)
            and u.count("/") == 2 and "/page/" not in u] if main(doc).xpath(".//ul[@class='items']") else []


def nav_labels(doc) -> list[str]:
    return [text(a) for a in doc.xpath("//nav[@aria-label='主导航']//a")]


# -- pages ------------------------------------------------------------------------------------

def test_every_page_is_published_with_its_title_as_the_one_h1(built):
    for url, title in PAGES.items():
        doc = built.doc(url)
        assert [text(h) for h in doc.xpath("//h1")] == [title], url
    for url in UNPUBLISHED:
        assert not page(built.out, url).exists(), url
        assert page(built.drafts, url).exists(), url
    draft = built.doc("resolutions/draft-resolution/", drafts=True)
    assert "草稿" in text(draft.xpath("//p[@class='notice-draft']")[0])
    assert "尚未到发布日期" in text(built.doc("notices/wei-lai/", drafts=True).xpath("//p[@class='notice-draft']")[0])


def test_a_resolution_shows_its_number_adoption_meeting_and_full_text(built):
    doc = built.doc("resolutions/yu-suan-tiao-zheng/")
    meta = text(main(doc).xpath(".//p[@class='entry-meta']")[0])
    assert "样例人大常〔2021〕12号" in meta and "2021年10月29日通过" in meta
    assert links(doc, "resolutions/yu-suan-tiao-zheng/", main(doc).xpath(".//p[@class='entry-meta']")[0]) == \
        [("区一届人大常委会第三次会议", "sessions/1-c3/")]
    body = text(main(doc).xpath(".//div[@data-article-text]")[0])
    assert body.startswith("区一届人大常委会第三次会议听取了") and body.endswith("严格执行调整后的预算。")
    linked = built.doc("resolutions/ren-mian-jue-ding/")  # a Markdown link to an appointment list's file
    assert ("任免名单", "appointments/1-c5-ren-mian/") in links(linked, "resolutions/ren-mian-jue-ding/")


def appointees(doc, url: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """An appointment page's list: (action heading, [(line text, person URL or None)])."""
    out = []
    for h in main(doc).xpath(".//div[contains(@class,'appointees')]/h2"):
        items = h.xpath("following-sibling::ul[1]/li")
        out.append((text(h), [(text(li), next((u for _, u in links(doc, url, li)), None)) for li in items]))
    return out


def test_the_contracts_appointment_list_reads_as_a_published_list_does(built):
    url = "appointments/1-c3-ren-mian/"
    assert appointees(built.doc(url), url) == [
        ("任命：", [("张三为区发展和改革局局长；", None), ("王爽为区人大常委会委员。", "deputies/wang-shuang/")]),
        ("免去：", [("李四的区教育局局长职务。", None)]),
    ]
    assert "（以上名单经区一届人大常委会第三次会议表决通过。）" in text(main(built.doc(url)))


def test_every_action_organ_and_person_by_id_on_a_page(built):
    url = "appointments/1-c5-ren-mian/"
    assert appointees(built.doc(url), url) == [
        ("接受辞职：", [("王爽辞去区人大常委会委员职务的请求。", "deputies/wang-shuang/")]),
        ("决定任命：", [("周明为副区长。", None)]),
        ("决定免去：", [("吴刚的副区长职务。", None)]),
        ("批准任命：", [("郑洁为区人民检察院检察长。", None)]),
        ("任命：", [("李明为区人民法院审判员。", "deputies/li-ming/")]),
        ("撤销职务：", [("冯强的区某局副局长职务。", None)]),  # a post already ending in 职务: said once
    ]


@pytest.mark.parametrize("action, post, organ, sentence, record", [
    ("任命", "区发展和改革局局长", "", "任命张三为区发展和改革局局长", "任命为区发展和改革局局长"),
    ("免去", "区教育局局长", "", "免去张三的区教育局局长职务", "免去区教育局局长职务"),
    ("接受辞职", "区人大常委会委员", "", "接受张三辞去区人大常委会委员职务的请求", "接受其辞去区人大常委会委员职务的请求"),
    ("决定任命", "副区长", "", "决定任命张三为副区长", "决定任命为副区长"),
    ("决定免去", "副区长", "", "决定免去张三的副区长职务", "决定免去副区长职务"),
    ("批准任命", "检察长", "区人民检察院", "批准任命张三为区人民检察院检察长", "批准任命为区人民检察院检察长"),
    ("撤销职务", "审判员", "区人民法院", "撤销张三的区人民法院审判员职务", "撤销区人民法院审判员职务"),
    ("任命", "区人民法院审判员", "区人民法院", "任命张三为区人民法院审判员", "任命为区人民法院审判员"),
])
def test_each_action_is_said_the_chinese_way(action, post, organ, sentence, record):
    from generator.model.models import APPOINTMENT_ACTIONS, Appointee

    assert action in APPOINTMENT_ACTIONS
    a = Appointee("张三", action, post, organ)
    assert (a.sentence, a.record) == (sentence, record)


def test_a_meeting_page_lists_what_it_decided(built):
    doc = built.doc("sessions/1-c3/")
    sections = {text(s.xpath("h2")[0]): s for s in main(doc).xpath(".//section[h2]")}
    assert [u for _, u in links(doc, "sessions/1-c3/", sections["决定决议"]) if u.startswith("resolutions/")] == \
        ["resolutions/yu-suan-tiao-zheng/"]
    assert [u for _, u in links(doc, "sessions/1-c3/", sections["人事任免"]) if u.startswith("appointments/")] == \
        ["appointments/1-c3-ren-mian/"]
    assert not doc.xpath("//*[@id='voices']")  # a standing-committee meeting without voices: no empty index
    plenary = built.doc("sessions/1-1/")
    assert plenary.xpath("//*[@id='voices']")  # a plenary session keeps its index, empty or not
    assert ("关于区人大常委会工作报告的决议", "resolutions/gong-zuo-bao-gao-jue-yi/") in links(plenary, "sessions/1-1/")


def test_a_person_page_has_a_record_of_appointments_newest_first(built):
    doc = built.doc("deputies/wang-shuang/")
    section = main(doc).xpath(".//section[h2[text()='任免记录']]")[0]
    rows = [(text(li.xpath(".//h3")[0]), [u for _, u in links(doc, "deputies/wang-shuang/", li)])
            for li in section.xpath(".//li")]
    assert rows == [
        ("接受其辞去区人大常委会委员职务的请求", ["sessions/1-c5/", "appointments/1-c5-ren-mian/"]),
        ("任命为区人大常委会委员", ["sessions/1-c3/", "appointments/1-c3-ren-mian/"]),
    ]
    assert "2022年3月1日" in text(section.xpath(".//li")[0]) and "2021年10月28日" in text(section.xpath(".//li")[1])
    li_ming = built.doc("deputies/li-ming/")  # named by id in one list, by name in another
    assert [text(h) for h in main(li_ming).xpath(".//section[h2[text()='任免记录']]//h3")] == \
        ["任命为区人民法院审判员", "任命为区人大常委会代表工作委员会主任"]
    assert not main(built.doc("deputies/zhang-hua/")).xpath(".//section[h2[text()='任免记录']]")


# -- lists by year, 依法履职, notices -----------------------------------------------------------

def year_page(built, url: str) -> tuple[list[tuple[str, str, bool]], str, list[str], str | None]:
    """(year navigation [(label, URL, current)], the year's heading, item URLs, next page URL)."""
    doc = built.doc(url)
    years = [(text(a), links(doc, url, a.getparent())[0][1], a.get("aria-current") is not None)
             for a in main(doc).xpath(".//ul[@class='jump']/li/a")]
    heading = text(main(doc).xpath(".//section/h2")[0])
    nxt = [u for t, u in links(doc, url) if t == "下一页"]
    return years, heading, item_links(doc, url, url.split("/")[0] + "/"), nxt[0] if nxt else None


def test_resolutions_are_listed_by_year_newest_first_and_paginated(built):
    nav = [("2022年 1 件", "resolutions/"), ("2021年 3 件", "resolutions/2021/")]
    years, heading, items, nxt = year_page(built, "resolutions/")
    assert [(t, u) for t, u, _ in years] == nav and [c for _, _, c in years] == [True, False]
    assert heading == "2022年 1 件" and items == ["resolutions/ren-mian-jue-ding/"] and nxt is None
    years, heading, first, nxt = year_page(built, "resolutions/2021/")
    assert [(t, u) for t, u, _ in years] == nav and [c for _, _, c in years] == [False, True]
    assert heading == "2021年 3 件" and nxt == "resolutions/2021/page/2/"
    _, _, second, _ = year_page(built, nxt)
    assert first + second == ["resolutions/yu-suan-tiao-zheng/",
                              "resolutions/guan-yu-she-li-dai-biao-gong-zuo-wei-yuan-hui-de-jue-ding/",
                              "resolutions/gong-zuo-bao-gao-jue-yi/"]
    assert text(built.doc("resolutions/2021/").xpath("//h1")[0]) == "2021年决定决议"
    crumbs = [text(a) for a in built.doc("resolutions/2021/").xpath("//nav[@aria-label='当前位置']//li")]
    assert crumbs == ["首页", "依法履职", "决定决议", "2021年"]


def test_appointment_lists_are_listed_by_year(built):
    years, heading, items, _ = year_page(built, "appointments/")
    assert [(t, u) for t, u, _ in years] == [("2022年 1 件", "appointments/"), ("2021年 2 件", "appointments/2021/")]
    assert items == ["appointments/1-c5-ren-mian/"]
    assert year_page(built, "appointments/2021/")[2] == ["appointments/1-c3-ren-mian/", "appointments/1-c2-ren-mian/"]


def test_the_duties_column_leads_to_both_lists_and_the_meetings(built):
    doc = built.doc("duties/")
    found = {u for _, u in links(doc, "duties/")}
    assert {"resolutions/", "appointments/", "sessions/1-c5/", "sessions/1-c3/", "sessions/1-c2/"} <= found
    assert set(PAGES) - {u for u in PAGES if u.startswith("notices/")} <= found
    assert "sessions/1-1/" not in {u for _, u in links(doc, "duties/", main(doc).xpath(".//section[h2[text()='常委会会议']]")[0])}


def notices_at(out: Path) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """(current notices in order over every page, the home page's notices, archive by year)."""
    current, url = [], "notices/"
    while url:
        doc = parse(page(out, url))
        current += [u for _, u in links(doc, url, main(doc).xpath(".//ul[@class='items']")[0])
                    if u.startswith("notices/") and u.count("/") == 2 and "/page/" not in u]
        nxt = [u for t, u in links(doc, url) if t == "下一页"]
        url = nxt[0] if nxt else None
    home = parse(page(out, ""))
    block = home.xpath("//section[@aria-labelledby='latest-notices']")
    shown = [u for _, u in links(home, "", block[0]) if u.count("/") == 2] if block else []
    archive: dict[str, list[str]] = {}
    if page(out, "notices/archive/").exists():
        doc = parse(page(out, "notices/archive/"))
        for a in main(doc).xpath(".//ul[@class='jump']/li/a") or [None]:
            url = links(doc, "notices/archive/", a.getparent())[0][1] if a is not None else "notices/archive/"
            year_doc = parse(page(out, url))
            archive[text(year_doc.xpath("//section/h2")[0]).split()[0]] = item_links(year_doc, url, "notices/")
    return current, shown, archive


def test_notices_in_force_pinned_first_then_the_archive_by_year(built):
    current, home, archive = notices_at(built.out)
    assert current == ["notices/zhi-ding/", "notices/zui-xin/", "notices/li-fa-ji-hua/"]  # pinned, then newest
    assert home == current
    assert archive == {"2025年": ["notices/jiu-tong-zhi/"], "2024年": ["notices/geng-jiu/"]}
    badges = {u: [text(b) for b in li.xpath(".//span[@class='badge']")]
              for li in main(built.doc("notices/")).xpath(".//li")
              for u in [links(built.doc("notices/"), "notices/", li)[0][1]]}
    assert badges == {"notices/zhi-ding/": ["置顶"], "notices/zui-xin/": []}
    old = built.doc("notices/jiu-tong-zhi/")  # pinned, but past its date: archived, not on top
    assert "置顶" not in text(old.xpath("//main")[0]) and "有效期至2025年6月2日（已过期）" in text(main(old))
    assert [text(li) for li in old.xpath("//nav[@aria-label='当前位置']//li")][:3] == ["首页", "通知公告", "往期通知公告"]
    assert ("往期通知公告（2 件）", "notices/archive/") in links(built.doc("notices/page/2/"), "notices/page/2/")
    today = built.doc("notices/li-fa-ji-hua/")
    assert "有效期至2026年11月27日" in text(main(today)) and "已过期" not in text(main(today))


def test_until_and_pinned_on_both_sides_of_midnight(tmp_path):
    """The build day decides: a notice `until` 2026-11-27 is current all that day and archived from
    the next; the same output rebuilt the next day is what a clean build of that day gives."""
    site = write_site(tmp_path / "site", FILES, SITE_YAML)
    out = tmp_path / "public"
    assert run_build(site, out=out, today=TODAY).returncode == 0
    before = notices_at(out)
    result = run_build(site, out=out, today=TOMORROW)  # yesterday's output, rebuilt: what a daily cron does
    assert result.returncode == 0, result.stderr
    after = notices_at(out)
    assert "notices/li-fa-ji-hua/" in before[0] and "notices/li-fa-ji-hua/" in before[1]
    assert after[0] == ["notices/zhi-ding/", "notices/zui-xin/"] and after[1] == after[0]
    assert after[2] == {"2026年": ["notices/li-fa-ji-hua/"], "2025年": ["notices/jiu-tong-zhi/"],
                        "2024年": ["notices/geng-jiu/"]}
    expired = parse(page(out, "notices/li-fa-ji-hua/"))  # still published, now marked
    assert "有效期至2026年11月27日（已过期）" in text(main(expired))
    assert "往期通知公告" in [text(li) for li in expired.xpath("//nav[@aria-label='当前位置']//li")]
    clean = tmp_path / "clean"
    assert run_build(site, out=clean, today=TOMORROW).returncode == 0
    assert {p: f.read_bytes() for p, f in html_files(out).items()} == {p: f.read_bytes() for p, f in html_files(clean).items()}
    feed = ET.parse(out / "feeds/notices.xml").getroot()  # archived notices stay in the feed
    assert any(e.findtext(f"{ATOM}title") == PAGES["notices/li-fa-ji-hua/"] for e in feed.iter(f"{ATOM}entry"))


def _build_at(site: Path, instant: dt.datetime, monkeypatch):
    """The model of `site` built in this process at `instant` (UTC), the build day left to china_today()."""
    from generator.engine import inputs
    from generator.engine.builder import Builder

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return instant.astimezone(tz)

    monkeypatch.setattr(inputs, "dt", types.SimpleNamespace(datetime=Clock, date=dt.date))
    return Builder(site, jobs=1).build().site


def test_the_build_day_turns_at_midnight_china_time_not_utc(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE_YAML)
    last_minute = _build_at(site, dt.datetime(2026, 11, 27, 15, 59, 59, tzinfo=dt.timezone.utc), monkeypatch)
    first_minute = _build_at(site, dt.datetime(2026, 11, 27, 16, 0, 0, tzinfo=dt.timezone.utc), monkeypatch)
    assert [n.id for n in last_minute.current_notices] == ["zhi-ding", "zui-xin", "li-fa-ji-hua"]  # 23:59:59 in Beijing
    assert [n.id for n in first_minute.current_notices] == ["zhi-ding", "zui-xin"]  # 00:00 the next day
    assert "li-fa-ji-hua" in [n.id for n in first_minute.archived_notices]
    assert [n.id for n in first_minute.notices if n.on_top] == ["zhi-ding"]


# -- navigation, home, footer -------------------------------------------------------------------

def test_the_navigation_has_the_columns_with_content_and_no_empty_column_is_published(built):
    assert nav_labels(built.doc("")) == ["首页", "会议", "代表委员", "依法履职", "通知公告", "专题"]
    for empty in ("voices", "suggestions", "reports", "news"):
        assert not (built.out / empty).exists(), empty
    here = {"resolutions/yu-suan-tiao-zheng/": "依法履职", "appointments/2021/": "依法履职", "duties/": "依法履职",
            "notices/": "通知公告", "notices/archive/2024/": "通知公告", "notices/zui-xin/": "通知公告"}
    for url, label in here.items():
        doc = built.doc(url)
        assert [text(a) for a in doc.xpath("//nav[@aria-label='主导航']//a[@aria-current]")] == [label], url


def test_the_home_page_shows_the_notices_in_force(built):
    home = built.doc("")
    block = home.xpath("//section[@aria-labelledby='latest-notices']")[0]
    assert text(block.xpath("h2")[0]) == "通知公告"
    assert ("全部通知公告", "notices/") in links(home, "", block)
    entrances = [u for _, u in links(home, "", home.xpath("//nav[@aria-label='栏目入口']")[0])]
    assert entrances == ["deputies/", "duties/", "topics/"]
    assert not home.xpath("//*[@id='latest-voices' or @id='latest-news' or @id='latest-reports']")


def test_the_footer_shows_what_site_yaml_gives_and_check_warns_about_each_missing_item(tmp_path):
    site = write_site(tmp_path / "site", FILES, SITE_YAML.split("footer:")[0] + "footer:\n  contact: 电话：0571-00000001\n")
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(site)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    warned = sorted(line.split("：")[0] for line in result.stderr.splitlines() if "页脚缺少" in line)
    assert warned == [f"site.yaml:6: 警告: 字段 footer.{key}" for key in ("icp", "police", "site_code", "sponsor")]
    for item in ("主办单位", "网站标识码", "ICP 备案号", "公安备案号"):
        assert any(f"页脚缺少“{item}”" in line and "改法：" in line for line in result.stderr.splitlines()), item
    assert run_build(site, out=tmp_path / "public").returncode == 0
    footer = parse(tmp_path / "public" / "index.html").xpath("//footer")[0]
    assert text(footer) == "电话：0571-00000001" and not footer.xpath(".//a")


def test_the_real_site_is_as_it_was_and_shows_no_placeholder(real_site):
    home = parse(real_site / "index.html")
    assert nav_labels(home) == ["首页", "会议", "代表委员", "心声", "代表建议", "工作报告", "新闻", "专题", "关于本站"]
    for folder in ("duties", "resolutions", "appointments", "notices"):
        assert not (real_site / folder).exists(), folder  # no content invented for it
    assert not home.xpath("//section[@aria-labelledby='latest-notices']")
    footer = text(home.xpath("//footer")[0])
    assert footer == "主办单位：杭州市钱塘区人大常委会办公室"
    assert not home.xpath("//meta[@name='SiteIDCode']")


# -- feeds, open data, sitemap, structured data, search -----------------------------------------

def feed_titles(path: Path) -> list[str]:
    return [e.findtext(f"{ATOM}title") for e in ET.parse(path).getroot().iter(f"{ATOM}entry")]


def test_feeds_hold_the_new_kinds_and_notices_have_their_own(built):
    everything = feed_titles(built.out / "feeds/all.xml")
    assert set(PAGES.values()) <= set(everything)
    notices = feed_titles(built.out / "feeds/notices.xml")
    assert notices == [PAGES[u] for u in ("notices/zui-xin/", "notices/li-fa-ji-hua/", "notices/zhi-ding/",
                                          "notices/jiu-tong-zhi/", "notices/geng-jiu/")]  # newest first, archive too
    meeting = feed_titles(built.out / "feeds/sessions/1-c3.xml")
    assert {PAGES["resolutions/yu-suan-tiao-zheng/"], PAGES["appointments/1-c3-ren-mian/"]} <= set(meeting)
    root = ET.parse(built.out / "feeds/all.xml").getroot()
    entry = next(e for e in root.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == PAGES["appointments/1-c3-ren-mian/"])
    content = entry.findtext(f"{ATOM}content")
    assert "<h2>任命：</h2>" in content and "张三为区发展和改革局局长" in content and "表决通过" in content
    for url in ("", "notices/", "notices/zui-xin/", "notices/archive/"):
        announced = built.doc(url).xpath("//link[@rel='alternate'][@type='application/atom+xml']/@href")
        assert any(h.endswith("feeds/notices.xml") for h in announced), url
    assert not any(h.endswith("feeds/notices.xml") for h in
                   built.doc("resolutions/").xpath("//link[@rel='alternate']/@href"))


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_appointments_and_resolutions_as_open_data(built):
    rows = read_csv(built.out / "appointments/appointments.csv")
    assert rows[0] == ["日期", "会议", "姓名", "任免", "职务", "所属机关", "人员页面", "任免名单", "网址"]
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("2022-03-01", "王爽", "接受辞职"), ("2022-03-01", "周明", "决定任命"), ("2022-03-01", "吴刚", "决定免去"),
        ("2022-03-01", "郑洁", "批准任命"), ("2022-03-01", "李明", "任命"), ("2022-03-01", "冯强", "撤销职务"),
        ("2021-10-28", "张三", "任命"), ("2021-10-28", "李四", "免去"), ("2021-10-28", "王爽", "任命"),
        ("2021-09-28", "李明", "任命")]
    zheng = rows[4]
    assert zheng[1] == "区一届人大常委会第五次会议" and zheng[4:6] == ["检察长", "区人民检察院"] and zheng[6] == ""
    assert rows[9][6] == BASE_URL + "deputies/wang-shuang/" and rows[9][8] == BASE_URL + "appointments/1-c3-ren-mian/"
    data = json.loads((built.out / "appointments/appointments.json").read_text(encoding="utf-8"))
    assert data["count"] == 10 and len(data["appointments"]) == 10 and data["columns"]["action"] == "任免"
    assert data["appointments"][8] == {"date": "2021-10-28", "meeting": "区一届人大常委会第三次会议", "name": "王爽",
                                       "action": "任命", "post": "区人大常委会委员", "organ": "",
                                       "person_url": BASE_URL + "deputies/wang-shuang/",
                                       "list": "区一届人大常委会第三次会议任免名单",
                                       "url": BASE_URL + "appointments/1-c3-ren-mian/"}
    resolutions = read_csv(built.out / "resolutions/resolutions.csv")
    assert resolutions[0] == ["编号", "标题", "文号", "通过日期", "会议", "会议页面", "专题", "摘要", "网址"]
    assert [r[1] for r in resolutions[1:]] == [PAGES[u] for u in (
        "resolutions/ren-mian-jue-ding/", "resolutions/yu-suan-tiao-zheng/",
        "resolutions/guan-yu-she-li-dai-biao-gong-zuo-wei-yuan-hui-de-jue-ding/", "resolutions/gong-zuo-bao-gao-jue-yi/")]
    assert resolutions[2][2:5] == ["样例人大常〔2021〕12号", "2021-10-29", "区一届人大常委会第三次会议"]
    assert json.loads((built.out / "resolutions/resolutions.json").read_text(encoding="utf-8"))["count"] == 4
    for url, name in (("appointments/", "appointments"), ("resolutions/2021/", "resolutions")):
        hrefs = [u for _, u in links(built.doc(url), url)]
        assert f"{name}/{name}.csv" in hrefs and f"{name}/{name}.json" in hrefs, url


def test_sitemap_and_structured_data(built):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    listed = {loc.text.removeprefix(BASE_URL) for loc in ET.parse(built.out / "sitemap.xml").getroot().findall(".//s:loc", ns)}
    assert set(PAGES) | {"duties/", "resolutions/2021/page/2/", "notices/archive/", "notices/archive/2024/"} <= listed
    assert not listed & set(UNPUBLISHED)

    def graph(url: str) -> dict:
        data = json.loads(built.doc(url).xpath("//script[@type='application/ld+json']/text()")[0])
        return data["@graph"][0]

    resolution = graph("resolutions/yu-suan-tiao-zheng/")
    assert resolution["@type"] == "Legislation" and resolution["legislationIdentifier"] == "样例人大常〔2021〕12号"
    assert resolution["legislationDate"] == "2021-10-29" and resolution["about"][0]["name"] == "区一届人大常委会第三次会议"
    appointment = graph("appointments/1-c3-ren-mian/")
    assert [p["name"] for p in appointment["about"] if p["@type"] == "Person"] == ["张三", "李四", "王爽"]
    assert appointment["about"][2]["url"] == BASE_URL + "deputies/wang-shuang/"
    assert graph("notices/zhi-ding/")["expires"] == "2026-12-31"
    og = dict((m.get("property"), m.get("content")) for m in built.doc("notices/zhi-ding/").xpath("//meta[@property]"))
    assert og["og:type"] == "article" and og["article:section"] == "通知公告"


def test_search_indexes_every_published_entry_of_the_new_kinds_with_its_kind(built):
    """What the index holds (searchdocs.indexed_entries), each page's kind (kind_of) and the search
    page's kind filter, from the model the build makes; and the published index's records."""
    import discovery_checks
    from generator.engine.builder import Builder
    from generator.pages.searchdocs import KIND_ORDER, indexed_entries, kind_of, people_named, search_context

    site = Builder(built.site, today=TODAY, jobs=1).build().site
    entries = {e.url: e for e in indexed_entries(site)}
    kinds = {"resolutions/": "决定决议", "appointments/": "人事任免", "notices/": "通知公告"}
    for url in PAGES:
        assert url in entries, url
        assert kind_of(entries[url]) == kinds[url.split("/")[0] + "/"], url
    assert "notices/jiu-tong-zhi/" in entries  # archived, still searchable
    assert not set(UNPUBLISHED) & set(entries)
    offered = dict((dim, values) for dim, _, values in search_context(site)["filter_options"])["kind"]
    assert [k for k in offered if k in kinds.values()] == ["决定决议", "人事任免", "通知公告"]
    assert list(offered) == sorted(offered, key=KIND_ORDER.index)
    assert people_named(entries["appointments/1-c3-ren-mian/"]) == ["张三", "李四", "王爽"]
    records = discovery_checks.fragments(built.out)
    listed = records["appointments/1-c3-ren-mian/"]
    assert listed["k"] == "人事任免" and "任命张三为" in listed["x"]  # the list itself is searchable text
    assert "张三" in discovery_checks.index_terms(built.out) or listed["id"] in discovery_checks.index_terms(built.out)["张三"]


# -- whole site, check, new, weight ---------------------------------------------------------------

def test_links_resolve_urls_are_ascii_and_check_passes(built):
    assert broken_links(built.out, BASE_PATH) == []
    assert broken_links(built.drafts, BASE_PATH) == []
    assert non_ascii_urls(built.out) == []
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(built.site)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "检查通过" in result.stdout, result.stdout + result.stderr
    assert " 警告: " not in built.stderr, built.stderr


def test_every_page_weighs_at_most_60_kb(built):
    for rel, path in html_files(built.out).items():
        total = path.stat().st_size
        doc = parse(path)
        for ref in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src"):
            ref = urlsplit(ref).path  # the 404 page links from the host's root
            total += (built.out / ref.removeprefix(BASE_PATH) if ref.startswith("/") else path.parent / ref).resolve().stat().st_size
        assert 20_000 < total <= WEIGHT_LIMIT, (rel, total)


def test_new_scaffolds_each_kind_and_the_filled_in_files_publish(tmp_path):
    site = write_site(tmp_path / "site", {k: v for k, v in FILES.items() if k.startswith(("content/sessions/",
                                                                                          "content/deputies/"))},
                      SITE_YAML)

    from generator.commands.new import KINDS
    from generator.model.urls import slugify

    def new(kind: str, name: str) -> Path:
        result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "new", kind, name, "--site", str(site),
                                 "--today", "2022-03-01"], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return site / "content" / KINDS[kind] / f"{slugify(name)}.md"

    made = {kind: new(kind, name) for kind, name in (("resolution", "关于某事的决定"), ("appointment", "第五次会议任免名单"),
                                                     ("notice", "关于开放日的通知"))}
    appointment = made["appointment"].read_text(encoding="utf-8")
    assert 'meeting: "2-c1"' in appointment and "entries:" in appointment  # the latest meeting, an item to copy
    assert "date: 2027-02-02" in appointment  # not today (2022-03-01): the meeting's last day, within it
    assert "adopted: 2027-02-02" in made["resolution"].read_text(encoding="utf-8")
    assert "date: 2022-03-01" in made["notice"].read_text(encoding="utf-8")
    assert '  - {name: "", action: 任命, post: ""}' in appointment
    for kind, path in made.items():
        text_ = path.read_text(encoding="utf-8").replace('"2-c1"', "1-c5").replace("draft: true", "")
        text_ = text_.replace("2027-02-02", "2022-03-01")
        text_ = text_.replace('{name: "", action: 任命, post: ""}', "{name: 陈七, action: 任命, post: 区财政局局长}")
        path.write_text(text_, encoding="utf-8")
    result = run_build(site, out=tmp_path / "public")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "public"
    assert "陈七为区财政局局长。" in text(main(parse(page(out, f"appointments/{made['appointment'].stem}/"))))
    assert page(out, f"resolutions/{made['resolution'].stem}/").exists()
    assert page(out, f"notices/{made['notice'].stem}/").exists()


# -- errors -------------------------------------------------------------------------------------

ERROR_FILES = {
    **{k: v for k, v in FILES.items() if k.startswith(("content/sessions/", "content/deputies/"))},
    "content/deputies/wang-fang-1.md": "---\nname: 王芳\nrole: 人大代表\n---\n",
    "content/deputies/wang-fang-2.md": "---\nname: 王芳\nrole: 政协委员\n---\n",
    "content/appointments/bad.md": """
        ---
        title: 有错的任免名单
        meeting: 1-c3
        date: 2021-11-05
        entries:
          - {name: 张三, action: 升任, post: 区发展和改革局局长}
          - name: 李四
            action: 免去
            post: 区教育局局长
            person: 李四
          - {name: 王芳, action: 任命, post: 区财政局局长, person: 王芳}
          - {name: 钱七, action: 任命}
          - 随便写的一行
        ---
        """,
    "content/appointments/no-meeting.md": """
        ---
        title: 会议写错的任免名单
        meeting: 1-c9
        date: 2021-10-28
        entries: [{name: 孙八, action: 免去, post: 区水利局局长}]
        ---
        """,
    "content/resolutions/early.md": """
        ---
        title: 日期早于会议的决议
        meeting: 1-c3
        adopted: 2021-10-27
        ---
        正文。
        """,
    "content/resolutions/late.md": """
        ---
        title: 日期晚于会议的决定
        meeting: 1-c2
        adopted: 2021-09-29
        ---
        正文。
        """,
    "content/notices/until.md": """
        ---
        title: 有效期早于发布日期的通知
        date: 2026-11-05
        until: 2026-11-01
        pinned: true
        ---
        正文。
        """,
}

EXPECTED_ERRORS = [
    ("content/appointments/bad.md:4", "字段 date", "任免日期 2021-11-05 不在会议“区一届人大常委会第三次会议”的会期（2021-10-28 至 2021-10-29）之内"),
    ("content/appointments/bad.md:6", "字段 entries 第1项 action", "“升任”不是可用的任免方式"),
    ("content/appointments/bad.md:10", "字段 entries 第2项 person", "deputies/ 中找不到名为或 id 为“李四”的人"),
    ("content/appointments/bad.md:11", "字段 entries 第3项 person", "有 2 位同名的“王芳”：wang-fang-1、wang-fang-2"),
    ("content/appointments/bad.md:12", "字段 entries 第4项 post", "缺少职务（post）"),
    ("content/appointments/bad.md:13", "字段 entries 第5项", "不是“键: 值”的一项"),
    ("content/appointments/no-meeting.md:3", "字段 meeting", "找不到 id 为“1-c9”的会议"),
    ("content/notices/until.md:4", "字段 until", "有效期 2026-11-01 早于发布日期 2026-11-05"),
    ("content/resolutions/early.md:4", "字段 adopted", "通过日期 2021-10-27 不在会议“区一届人大常委会第三次会议”的会期"),
    ("content/resolutions/late.md:4", "字段 adopted", "通过日期 2021-09-29 不在会议“区一届人大常委会第二次会议”的会期（2021-09-28）之内"),
]


def test_every_error_the_contract_names_in_one_run_with_file_line_field_and_fix(tmp_path):
    site = write_site(tmp_path / "site", ERROR_FILES, SITE_YAML)
    published = tmp_path / "public"
    result = run_build(site, out=published)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if ": 错误: " in line]
    assert len(errors) == len(EXPECTED_ERRORS), "\n".join(errors)
    for (where, field, said), line in zip(EXPECTED_ERRORS, errors):
        assert line.startswith(f"{where}: 错误: {field}：") and said in line and " 改法：" in line, (where, line)
    assert "改法：是不是想写 任命？只能写 任命、免去、接受辞职、决定任命、决定免去、批准任命、撤销职务 之一" in errors[1]
    assert "删去 person" in errors[2]
    assert not published.exists()  # nothing half-built is published
