"""Incremental, cached and parallel builds: same bytes as a clean serial build, and no more work.

Small generated sites (bench/corpus.py) and a hand-written one whose pages can be
named one by one. Builds run in this process through generator.commands.build; the last
tests use the real command line.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import generate
from generator.engine import cache, parallel, writer
from generator.commands import build as pipeline
from generator.engine.builder import Builder
from generator.memo import MEMOS
from generator.model.urls import PINYIN_MEMO
from tests.conftest import PROJECT, SITE_YAML, TODAY, snapshot, write_site

FILES = {
    "content/sessions/1-1.md": """\
        ---
        title: 测试区第一届人民代表大会第一次会议
        start: 2021-07-19
        end: 2021-07-23
        ---
        会议听取和审议了区人大常委会工作报告。
        """,
    "content/sessions/1-2.md": """\
        ---
        title: 测试区第一届人民代表大会第二次会议
        start: 2022-01-10
        end: 2022-01-12
        ---
        第二次会议。
        """,
    "content/deputies/周道杨.md": """\
        ---
        name: 周道杨
        role: 人大代表
        occupation: 医生
        ---
        区医院的医生。
        """,
    "content/deputies/王爽.md": """\
        ---
        name: 王爽
        role: 人大代表
        occupation: 社区工作者
        ---
        七格社区的社区工作者。
        """,
    "content/voices/zhou-yi-liao.md": """\
        ---
        title: 提升基层医疗水平
        session: 1-1
        kind: 代表
        speaker: 周道杨
        topics: [医疗卫生]
        ---
        ## 基本情况

        周道杨代表建议加强社区卫生服务中心建设。
        """,
    "content/voices/wang-ting-che.md": """\
        ---
        title: 解决老小区停车难
        session: 1-2
        kind: 代表
        speaker: 王爽
        topics: [交通出行]
        ---
        王爽代表建议改造七格公园，增加停车位。参见[医疗建议](zhou-yi-liao.md)。
        """,
    "content/news/kai-mu.md": """\
        ---
        title: 第二次会议开幕
        date: 2022-01-10
        session: 1-2
        people: [王爽]
        ---
        会议隆重开幕。
        """,
}
VOICE = "voices/zhou-yi-liao/index.html"
OTHER_VOICE = "voices/wang-ting-che/index.html"


def _forget_memos() -> None:
    """What a new process starts with: no pinyin or feed memos in memory."""
    for memo in PINYIN_MEMO.values():
        memo.clear()
    for memo in MEMOS.values():
        memo.now.clear()
        memo.before.clear()


def _clean_serial(site: Path, out: Path, today: dt.date = TODAY) -> dict[str, bytes]:
    """The reference: a build with no cache, no earlier output and no second process."""
    tmp = out.parent / "clean-site"
    shutil.copytree(site, tmp, ignore=shutil.ignore_patterns(".cache"))
    _forget_memos()
    pipeline.build(tmp, out, today=today, jobs=1)
    return snapshot(out)


def _build(site: Path, out: Path, **kw) -> pipeline.BuildResult:
    return pipeline.build(site, out, today=kw.pop("today", TODAY), **kw)


def _pages_rendered(site: Path, out: Path, **kw) -> set[str]:
    """Build as the pipeline does and return the pages rendered (not taken from `out`)."""
    b = Builder(site, today=kw.pop("today", TODAY), cache_dir=site / ".cache", output_dir=out, jobs=1,
                autosave=False, **kw)
    result = b.build()
    with writer.output_lock(out):
        writer.write_site(out, pipeline.site_files(result))
    b.save()
    return {f.path for f in result.files if f.data is not None and f.path.endswith(".html")}


# -- identical bytes --------------------------------------------------------------------------

def test_parallel_and_cached_builds_are_byte_identical_to_a_clean_serial_one(tmp_path, monkeypatch):
    site = tmp_path / "site"
    generate(site, 100, seed=7)
    reference = _clean_serial(site, tmp_path / "serial" / "public")
    pools: list[bool] = []
    real_run = parallel.run

    def spy(task, chunks, jobs):
        results = real_run(task, chunks, jobs)
        pools.append(results is not None)
        return results

    monkeypatch.setattr(parallel, "run", spy)
    monkeypatch.setattr(parallel, "POOL_MIN", 4)
    # pytest-xdist runs this test beside execnet's threads; the pool refuses to fork
    # then (the preview server's case). This test is about the pool's output, so
    # let it fork here: the worker does nothing that those threads could disturb.
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    _forget_memos()
    out = tmp_path / "parallel" / "public"
    _build(site, out, jobs=2)  # cold: Markdown and pages over two processes
    assert pools and all(pools), "the process pool did not run"
    assert snapshot(out) == reference
    _forget_memos()
    result = _build(site, out, jobs=2)  # everything from .cache: nothing to do
    assert not result.changed
    victim = site / ".cache" / "common.pickle"
    victim.unlink()
    (site / "content" / "voices").joinpath("extra.md").write_text(
        "---\ntitle: 新增的心声\nsession: 1-1\nkind: 市民\nspeaker: 李明\n---\n新的内容。\n", encoding="utf-8")
    _forget_memos()
    _build(site, out, jobs=2)  # cached and incremental, in a new "process"
    assert snapshot(out) == _clean_serial(site, tmp_path / "serial2" / "public")


def test_a_pool_that_cannot_start_falls_back_to_one_process(tmp_path, monkeypatch):
    site = write_site(tmp_path / "site", FILES, SITE_YAML)
    reference = _clean_serial(site, tmp_path / "serial" / "public")

    class NoFork:
        def get_context(self, method):
            raise ValueError("no fork here")

    monkeypatch.setitem(sys.modules, "multiprocessing", NoFork())
    monkeypatch.setattr(parallel, "POOL_MIN", 1)
    _build(site, tmp_path / "out" / "public", jobs=4)
    assert snapshot(tmp_path / "out" / "public") == reference


# -- exactly what a change touches ---------------------------------------------------------------

@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    site = write_site(tmp_path / "site", FILES, SITE_YAML)
    out = tmp_path / "public"
    first = _pages_rendered(site, out)
    assert VOICE in first and len(first) >= 15  # no reports or suggestions: no empty lists of them (#18)
    return site, out


def _random_edit(site: Path, rng, step: int) -> str:
    """One edit an editor might make: the text of a body (most often), a title, a new file, a
    file deleted (one added before: the generated files link to each other); returns which."""
    files = sorted(p for p in (site / "content").rglob("*.md") if "/deputies/" not in p.as_posix()
                   and "/sessions/" not in p.as_posix())
    path, roll = rng.choice(files), rng.random()
    text = path.read_text(encoding="utf-8")
    if roll < 0.6:
        path.write_text(text.rstrip("\n") + f"\n\n第{step}次补充：代表们{rng.choice(['关注停车难', '建议加装电梯', '呼吁完善养老服务'])}。\n",
                        encoding="utf-8")
        return "body"
    if roll < 0.75:
        path.write_text(text.replace("title: ", f"title: 修订{step}·", 1), encoding="utf-8")
        return "title"
    if roll < 0.9:
        (path.parent / f"added-{step}.md").write_text(text.replace("title: ", f"title: 新增{step}·", 1), encoding="utf-8")
        return "added"
    added = sorted((site / "content").rglob("added-*.md"))  # one no other file links to
    if not added:
        return _random_edit(site, rng, step)
    rng.choice(added).unlink()
    return "deleted"


def test_random_edits_built_one_after_another_equal_clean_builds(tmp_path):
    """Edits built in place (bodies) and in full (the others), one after the other into one
    output, always publish exactly what a clean build of the same content does, index included."""
    import random

    rng = random.Random(20261205)
    site = tmp_path / "site"
    generate(site, 80, seed=5)
    out = tmp_path / "public"
    _build(site, out)
    ways: list[tuple[str, bool]] = []
    for step in range(10):
        kind = _random_edit(site, rng, step)
        result = _build(site, out)
        ways.append((kind, result.in_place))
        assert snapshot(out) == _clean_serial(site, tmp_path / f"clean-{step}" / "public"), (step, kind)
    assert all(in_place == (kind == "body") for kind, in_place in ways), ways
    assert any(kind == "body" for kind, _ in ways) and any(kind != "body" for kind, _ in ways)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_nothing_changed_renders_nothing(small):
    site, out = small
    assert _pages_rendered(site, out) == set()


def test_a_voice_body_rerenders_the_pages_that_show_it_and_no_other(small):
    site, out = small
    _edit(site / "content/voices/zhou-yi-liao.md", "周道杨代表建议", "周道杨代表再次建议")
    assert _pages_rendered(site, out) == {
        VOICE,
        "index.html",  # home: counts and latest items of everything
        "sessions/1-1/index.html",  # its session's index of voices
        "deputies/zhou-dao-yang/index.html",  # its speaker
        "voices/index.html",  # the list of voices
        "topics/yi-liao-wei-sheng/index.html",  # its topic
        # wang-ting-che links to it: its finished HTML is unchanged (same URL), so its page is not
    }


def test_a_template_rerenders_the_pages_made_with_it(small):
    site, out = small
    (site / "templates").mkdir()
    shutil.copy(PROJECT / "templates" / "voice.html", site / "templates" / "voice.html")
    with open(site / "templates" / "voice.html", "a", encoding="utf-8") as handle:
        handle.write("{# 站点自己的心声模板 #}\n")
    assert _pages_rendered(site, out) == {VOICE, OTHER_VOICE}
    with open(site / "templates" / "voice.html", "a", encoding="utf-8") as handle:
        handle.write("{# 再改一次 #}\n")
    assert _pages_rendered(site, out) == {VOICE, OTHER_VOICE}
    base = (PROJECT / "templates" / "base.html").read_text(encoding="utf-8")
    (site / "templates" / "base.html").write_text(base.replace("</body>", "<!-- 站点 -->\n</body>"),
                                                  encoding="utf-8")
    every = _pages_rendered(site, out)
    assert every == {p for p in snapshot(out) if p.endswith(".html") and not p.startswith("search/index/")}


def test_site_yaml_rerenders_every_page(small):
    site, out = small
    _edit(site / "site.yaml", "测试区人大常委会办公室", "测试区人大常委会办公厅")
    rendered = _pages_rendered(site, out)
    assert rendered == {p for p in snapshot(out) if p.endswith(".html")}


def test_a_deleted_file_removes_its_page_and_rerenders_only_the_pages_that_listed_it(small):
    site, out = small
    (site / "content/voices/wang-ting-che.md").unlink()
    rendered = _pages_rendered(site, out)
    assert OTHER_VOICE not in snapshot(out)
    assert rendered == {"index.html", "sessions/1-2/index.html", "deputies/wang-shuang/index.html",
                        "voices/index.html", "topics/jiao-tong-chu-xing/index.html",
                        "search/index.html",  # its topic filter no longer offers 交通出行, now on no page
                        "topics/index.html"}  # the list of topics shows how many items each has


def test_incremental_output_equals_a_clean_build_after_each_kind_of_change(small, tmp_path):
    site, out = small
    steps = [
        lambda: _edit(site / "content/voices/zhou-yi-liao.md", "社区卫生服务中心", "社区医院"),
        lambda: _edit(site / "content/deputies/王爽.md", "name: 王爽", "name: 王爽爽"),  # a name other pages show
        lambda: _edit(site / "site.yaml", "topics: [医疗卫生, 交通出行, 教育]", "topics: [医疗卫生, 交通出行, 教育, 养老服务]"),
        lambda: (site / "content/news/kai-mu.md").unlink(),
        lambda: _edit(site / "content/voices/wang-ting-che.md", "session: 1-2", "session: 1-1"),
    ]
    for number, step in enumerate(steps):
        step()
        _build(site, out)
        assert snapshot(out) == _clean_serial(site, tmp_path / f"clean{number}" / "public"), number


# -- the cache is never trusted blindly --------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "stale"])
def test_a_damaged_or_stale_cache_is_discarded_and_rebuilt(small, tmp_path, damage, monkeypatch):
    site, out = small
    shards = sorted((site / ".cache").glob("*.pickle"))
    assert len(shards) > 3
    for path in shards:
        data = path.read_bytes()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 2])
        elif damage == "flip":
            i = len(data) - 40
            path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
        elif damage == "garbage":
            path.write_bytes(b"\x80\x05not a cache at all")
    if damage == "stale":
        monkeypatch.setattr(cache, "_KEY", "another-generator-version")
    _edit(site / "content/voices/zhou-yi-liao.md", "周道杨代表建议", "周道杨代表又建议")
    expected = _clean_serial(site, tmp_path / "clean" / "public")
    b = Builder(site, today=TODAY, cache_dir=site / ".cache", output_dir=out)
    b.build()
    assert sorted(b._work.discarded) == sorted(p.stem for p in shards)  # type: ignore[union-attr]
    _build(site, out)
    assert snapshot(out) == expected


def test_a_changed_published_or_spare_file_is_not_trusted(small, tmp_path):
    site, out = small
    _edit(site / "content/voices/zhou-yi-liao.md", "周道杨代表建议", "周道杨代表提出")
    _build(site, out)  # now .public.prev holds the previous generation
    spare = out.parent / ".public.prev"
    assert (spare / VOICE).exists()
    (out / "deputies/wang-shuang/index.html").write_bytes(b"tampered")  # a new inode or size: seen
    with open(spare / "voices/index.html", "r+b") as handle:  # in place, same size
        handle.write(b"X")
    os.utime(spare / "voices/index.html", ns=(1, 1))
    (out / "stray.html").write_text("不该在这里", encoding="utf-8")
    _build(site, out)
    assert snapshot(out) == _clean_serial(site, tmp_path / "clean" / "public")


# -- flags and days keep their own caches ----------------------------------------------------------

def test_drafts_and_other_days_do_not_poison_the_normal_build(tmp_path):
    files = dict(FILES)
    files["content/news/future.md"] = "---\ntitle: 明年的新闻\ndate: 2027-03-01\n---\n还没到发布的日子。\n"
    files["content/news/draft.md"] = "---\ntitle: 一篇草稿\ndate: 2022-01-11\ndraft: true\n---\n草稿。\n"
    site = write_site(tmp_path / "site", files, SITE_YAML)
    out = tmp_path / "public"
    _build(site, out)
    normal = snapshot(out)
    assert not any(p.startswith(("news/future/", "news/draft/")) for p in normal)
    _build(site, out, include_drafts=True)
    drafts = snapshot(out)
    assert "news/draft/index.html" in drafts and "news/future/index.html" in drafts
    _build(site, out)
    assert snapshot(out) == normal
    _build(site, out, today=dt.date(2027, 3, 1))  # the future item is out on its day
    later = snapshot(out)
    assert "news/future/index.html" in later and "news/draft/index.html" not in later
    assert later == _clean_serial(site, tmp_path / "clean" / "public", today=dt.date(2027, 3, 1))
    _build(site, out)
    assert snapshot(out) == normal


# -- the writer writes only changed bytes -----------------------------------------------------------

def test_an_unchanged_build_writes_nothing_and_a_change_replaces_only_its_files(small):
    site, out = small
    inode = out.stat().st_ino
    before = {p: (out / p).stat() for p in snapshot(out)}
    assert not _build(site, out).changed
    assert out.stat().st_ino == inode  # no swap
    _edit(site / "content/voices/zhou-yi-liao.md", "周道杨代表建议", "周道杨代表呼吁")
    assert _build(site, out).changed
    after = {p: (out / p).stat() for p in snapshot(out)}
    replaced = {p for p in after if p not in before or after[p].st_ino != before[p].st_ino}
    assert VOICE in replaced and "news/kai-mu/index.html" not in replaced
    assert len(replaced) < len(after) // 2


def test_a_no_change_build_on_the_command_line_loads_no_template_or_markdown_engine(small):
    site, out = small
    env = dict(os.environ)
    cmd = [sys.executable, "-X", "importtime", str(PROJECT / "build.py"), "build", "--site", str(site),
           "--out", str(out), "--today", TODAY.isoformat()]
    first = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert first.returncode == 0, first.stderr
    second = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert second.returncode == 0, second.stderr
    imported = {line.split("|")[-1].strip() for line in second.stderr.splitlines() if "|" in line}
    assert not imported & {"jinja2", "markdown", "pypinyin", "nh3"}, sorted(imported & {"jinja2", "markdown"})


def test_a_list_growing_a_page_renders_again_the_pages_whose_links_change(tmp_path):
    """With one item a page, a new voice adds a page to the lists: the first pages' page links
    change although the items they show do not (and the topics list's counts change)."""
    site = write_site(tmp_path / "site", FILES, SITE_YAML.replace("language: zh-CN\n", "language: zh-CN\npaginate: 1\n"))
    out = tmp_path / "public"
    _build(site, out)
    (site / "content/voices/older.md").write_text(
        "---\ntitle: 更早的一条心声\nsession: 1-1\nkind: 市民\nspeaker: 张三\ndate: 2021-07-19\n"
        "topics: [医疗卫生]\n---\n早先的内容。\n", encoding="utf-8")
    _forget_memos()
    _build(site, out)
    assert snapshot(out) == _clean_serial(site, tmp_path / "clean" / "public")
