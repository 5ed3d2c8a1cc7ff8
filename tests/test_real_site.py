"""The real Qiantang site (site.yaml + content/, from /work/shared/source): every person, every
voice and the session's index are there and linked, the report keeps its sections, nothing
links nowhere; a second build writes nothing, and two builds give the same bytes.

Uses the session fixture `real_site` (tests/conftest.py), built once for the whole run.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import PROJECT, parse, run_build, snapshot
from tests.link_checks import broken_links, html_files, link_to, links, main, non_ascii_urls, page, text, voice_index

BASE_PATH = "/renda/"
SESSION = "sessions/1-1/"
SESSION_TITLE = "钱塘区第一届人民代表大会第一次会议"
PEOPLE = {  # name -> (page, role)
    "周道杨": ("deputies/zhou-dao-yang/", "人大代表"),
    "王大祝": ("deputies/wang-da-zhu/", "人大代表"),
    "王爽": ("deputies/wang-shuang/", "人大代表"),
    "陈有文": ("deputies/chen-you-wen/", "政协委员"),
    "王佳杭": ("deputies/wang-jia-hang/", "政协委员"),
}
VOICES = {  # page -> (title, kind label, speaker, speaker_title or None for people with a page)
    "voices/zhou-dao-yang-yi-liao/": ("以优质医疗资源为引领 全面提升我区医疗卫生水平", "代表心声", "周道杨", None),
    "voices/wang-da-zhu-ting-che/": ("因地制宜增停车位 改善大创小镇停车难与交通拥堵", "代表心声", "王大祝", None),
    "voices/wang-shuang-qi-ge-gong-yuan/": ("关于七格公园的提升改造", "代表心声", "王爽", None),
    "voices/chen-you-wen-chan-ye/": ("优化产业结构 打造钱塘产业金名片", "委员心声", "陈有文", None),
    "voices/wang-jia-hang-yi-liao-chan-ye/": ("吸取先进经验 助推医疗产业发展", "委员心声", "王佳杭", None),  # 王佳杭-医疗产业.md
    "voices/lv-jian-sheng-jiao-yu/": ("办探索型未来学校 服务钱塘美好教育", "市民热议", "吕建生", "文思小学校长"),
    "voices/wu-meng-jun-yi-liao/": ("让百姓不出社区也能“病有良医”", "市民热议", "吴猛军", "下沙社区卫生服务中心全科医生"),
    "voices/peng-jiang-hong-zu-fang/": ("住得安心才能与钱塘共成长", "市民热议", "彭江虹", "浙江理工大学学生"),
}
NEWS = "news/guan-cha-yuan-ji-ceng-sheng-yin/"
NEWS_TITLE = "牢记人民嘱托 代表委员们带来“基层声音”"
REPORT = "reports/work-report-2021/"


def doc(out: Path, url: str):
    return parse(page(out, url))


@pytest.mark.parametrize("name", list(PEOPLE))
def test_every_person_has_a_page(real_site, name):
    url, role = PEOPLE[name]
    d = doc(real_site, url)
    assert [text(h) for h in d.xpath("//h1")] == [name]
    assert role in text(main(d))


def test_the_people_list_links_everyone(real_site):
    found = {u for _, u in links(doc(real_site, "deputies/"), "deputies/")}
    assert {url for url, _ in PEOPLE.values()} <= found


@pytest.mark.parametrize("url", list(VOICES))
def test_every_voice_has_a_page_linked_to_its_speaker(real_site, url):
    title, kind, speaker, speaker_title = VOICES[url]
    d = doc(real_site, url)
    assert [text(h) for h in d.xpath("//h1")] == [title]
    header = main(d).xpath(".//header")[0]
    assert kind in text(header) and speaker in text(header)
    people = [(t, u) for t, u in links(d, url, header) if u.startswith("deputies/")]
    if speaker_title is None:
        assert people == [(speaker, PEOPLE[speaker][0])]
    else:  # a citizen: named with what they do, no page to link to
        assert people == []
        assert f"{speaker}（{speaker_title}）" in text(header)
    assert link_to(d, url, SESSION, header) == [SESSION_TITLE]
    assert "2021年7月19日" in text(header)  # no date of its own: the session's start


def test_all_eight_voices_and_no_more(real_site):
    found = {p.relative_to(real_site).parent.as_posix() + "/" for p in (real_site / "voices").glob("*/index.html")}
    assert found - {"voices/page/"} == set(VOICES)


def test_session_page_indexes_every_voice_by_kind_and_topic(real_site):
    index = voice_index(doc(real_site, SESSION), SESSION)
    shape = [(re.match(r"\D+", kind).group(0).strip(), topic, sorted(v[0] for v in voices))
             for kind, topic, voices in index]
    assert shape == [
        ("代表心声", "医疗卫生", ["voices/zhou-dao-yang-yi-liao/"]),
        ("代表心声", "交通出行", ["voices/wang-da-zhu-ting-che/", "voices/wang-shuang-qi-ge-gong-yuan/"]),
        ("代表心声", "社区治理", ["voices/wang-shuang-qi-ge-gong-yuan/"]),
        ("委员心声", "医疗卫生", ["voices/wang-jia-hang-yi-liao-chan-ye/"]),
        ("委员心声", "产业发展", ["voices/chen-you-wen-chan-ye/", "voices/wang-jia-hang-yi-liao-chan-ye/"]),
        ("委员心声", "生态环境", ["voices/chen-you-wen-chan-ye/"]),
        ("市民热议", "医疗卫生", ["voices/wu-meng-jun-yi-liao/"]),
        ("市民热议", "教育", ["voices/lv-jian-sheng-jiao-yu/"]),
        ("市民热议", "住房保障", ["voices/peng-jiang-hong-zu-fang/"]),
        ("市民热议", "养老服务", ["voices/wu-meng-jun-yi-liao/"]),
    ]
    for _, _, voices in index:
        for url, title, speaker_url, card in voices:
            want_title, _, speaker, speaker_title = VOICES[url]
            assert title == want_title
            if speaker_title is None:
                assert speaker_url == PEOPLE[speaker][0]
            else:
                assert speaker_url is None and f"{speaker}（{speaker_title}）" in card
            assert len(card) > len(title) + len(speaker) + 10  # and a summary


def test_session_page_lists_the_report_and_the_news(real_site):
    d = doc(real_site, SESSION)
    assert [text(h) for h in d.xpath("//h1")] == [SESSION_TITLE]
    assert "2021年7月19日至23日" in text(main(d))
    assert link_to(d, SESSION, REPORT) == ["2021年，区人大工作如何推进？"]
    assert link_to(d, SESSION, NEWS) == [NEWS_TITLE]


def test_report_keeps_its_six_sections_and_the_review(real_site):
    d = doc(real_site, REPORT)
    assert [text(h) for h in d.xpath("//h1")] == ["2021年，区人大工作如何推进？"]
    body = main(d).xpath('.//div[contains(@class, "prose")]')[0]
    assert [text(h) for h in body.xpath(".//h2")] == [
        "坚持党的领导，把握正确政治方向",
        "服务发展大局，助力打造最亮星城",
        "依法有效监督，推进法治钱塘建设",
        "厚植为民情怀，促进民生持续改善",
        "发挥代表作用，夯实人大工作基础",
        "加强自身建设，激发创业干事动能",
        "前期工作回顾",
    ]
    assert len(body.xpath(".//h3")) == 4  # （一） to （四） under 前期工作回顾
    m = text(main(d))
    assert "今后五年重点做好这六方面工作" in m and "周志辉" in m and "2021年7月21日" in m


def test_news_links_to_wang_shuang(real_site):
    d = doc(real_site, NEWS)
    assert [text(h) for h in d.xpath("//h1")] == [NEWS_TITLE]
    assert link_to(d, NEWS, PEOPLE["王爽"][0]) == ["王爽"]
    assert "两会·观察员" in text(main(d)) and "2021年7月21日" in text(main(d))


def test_wang_shuangs_voice_links_to_the_news_by_its_markdown_link(real_site):
    url = "voices/wang-shuang-qi-ge-gong-yuan/"
    assert link_to(doc(real_site, url), url, NEWS)


def test_wang_shuangs_page_lists_the_news_and_her_voice(real_site):
    url = PEOPLE["王爽"][0]
    targets = [u for _, u in links(doc(real_site, url), url)]
    assert NEWS in targets and "voices/wang-shuang-qi-ge-gong-yuan/" in targets
    assert targets.index(NEWS) < targets.index("voices/wang-shuang-qi-ge-gong-yuan/")  # 7月21日 before 7月19日


@pytest.mark.parametrize("name", [n for n in PEOPLE if n != "王爽"])
def test_every_person_page_lists_their_voice(real_site, name):
    url = PEOPLE[name][0]
    targets = {u for _, u in links(doc(real_site, url), url)}
    assert {v for v, (_, _, speaker, _) in VOICES.items() if speaker == name} <= targets


def test_every_page_has_one_h1(real_site):
    for rel, path in html_files(real_site).items():
        assert len(parse(path).xpath("//h1")) == 1, rel


def test_no_broken_link_and_every_url_ascii(real_site):
    assert broken_links(real_site, BASE_PATH) == []
    assert non_ascii_urls(real_site) == []


# ---------------------------------------------------------------------------------------------
# Building again
# ---------------------------------------------------------------------------------------------

def stats(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edited_since(moment: float) -> list[str]:
    """The project's inputs changed after `moment` (by colleagues editing the theme during a long run)."""
    return [p.relative_to(PROJECT).as_posix() for name in ("site.yaml", "content", "media", "templates", "static",
                                                             "generator")
            for p in ([PROJECT / name] if name == "site.yaml" else (PROJECT / name).rglob("*"))
            if p.is_file() and p.stat().st_mtime > moment]


def test_a_second_build_into_the_same_folder_writes_nothing(real_site):
    state = real_site.parent / f".{real_site.name}.state"  # the writer's manifest: written with the output
    built_at = state.stat().st_mtime
    before, st = snapshot(real_site), stats(real_site)
    result = run_build(PROJECT, out=real_site)
    assert result.returncode == 0, result.stderr
    if not result.stdout.startswith("写入 0 页"):  # allowed only if an input really changed meanwhile
        assert edited_since(built_at), result.stdout
        before, st = snapshot(real_site), stats(real_site)
        result = run_build(PROJECT, out=real_site)
        assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("写入 0 页"), result.stdout
    assert stats(real_site) == st and snapshot(real_site) == before


def copy_of_real_site(root: Path) -> Path:
    """The real site's own inputs (not its caches or outputs) in a folder of its own."""
    root.mkdir(parents=True)
    shutil.copy2(PROJECT / "site.yaml", root / "site.yaml")
    for name in ("content", "media"):  # templates and static: the generator's, as for the real build
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, root / name)
    return root


@pytest.fixture(scope="module")
def twice(tmp_path_factory) -> tuple[Path, Path, Path]:
    """The real site built from two copies into two folders, side by side (no edit can fall between)."""
    root = tmp_path_factory.mktemp("twice")
    sites = [copy_of_real_site(root / f"site-{n}") for n in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda s: run_build(s, out=s.parent / f"out-{s.name[-1]}"), sites))
    for result in results:
        assert result.returncode == 0, result.stderr
    return sites[0], root / "out-1", root / "out-2"


def test_two_builds_give_identical_bytes(twice, real_site):
    _, one, two = twice
    first, second = snapshot(one), snapshot(two)
    assert first.keys() == second.keys()
    assert [p for p in first if first[p] != second[p]] == []
    assert first.keys() == snapshot(real_site).keys()  # and the same files as the real build


def test_a_rebuild_after_a_touch_compares_bytes_and_writes_nothing(twice):
    """An input whose mtime changed but whose bytes did not: a full build, and still no write."""
    site, out, _ = twice
    built_at = (out.parent / f".{out.name}.state").stat().st_mtime
    if edited_since(built_at):  # the theme or generator changed under us: bring the output up to date first
        assert run_build(site, out=out).returncode == 0
    st = stats(out)
    voice = next((site / "content/voices").rglob("*.md"))
    later = voice.stat().st_mtime_ns + 5_000_000_000
    os.utime(voice, ns=(later, later))
    result = run_build(site, out=out)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("写入 0 页"), result.stdout
    assert stats(out) == st


def test_session_suggestions_open_data_matches_the_content(real_site):
    """sessions/1-1/suggestions.csv (UTF-8 with BOM) and .json list every suggestion of the content."""
    titles = set()
    for path in (PROJECT / "content" / "suggestions").rglob("*.md"):
        head = path.read_text(encoding="utf-8").split("---")[1]
        titles.add(next(line.split(":", 1)[1].strip().strip('"') for line in head.splitlines()
                        if line.startswith("title:")))
    raw = (real_site / "sessions" / "1-1" / "suggestions.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {r["标题"] for r in rows} == titles
    qige = next(r for r in rows if "七格公园" in r["标题"])
    assert qige["提出人"] == "王爽" and qige["办理状态"] == "已提交"
    data = json.loads((real_site / "sessions" / "1-1" / "suggestions.json").read_text(encoding="utf-8"))
    assert data["count"] == len(rows) == len(titles)
    assert {s["title"] for s in data["suggestions"]} == titles
    assert all(s["url"].startswith("https://www.example.gov.cn/renda/suggestions/") for s in data["suggestions"])
