"""`python build.py new KIND NAME` and `python build.py check`, through the real command line.

new: the right folder, an ASCII (pinyin) file name, every field of the kind
(required ones filled where the name allows, optional ones commented with
their meaning), today's date, never overwriting. check: every content error,
plus broken internal links and #anchors (also in raw HTML), media used and
unused, and titles shared within one kind; exit 1 on any error.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml


from preview_server import PROJECT, make_site, write
from tests.conftest import tiny_png

from generator.cli import main
from generator.model.fields import SCHEMA, fields_of
from generator.commands.new import KINDS

TODAY = "2026-11-27"


def run(*args: str) -> SimpleNamespace:
    """The command line in this process (generator.cli.main, as build.py calls it), output captured."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exit_:
            code = exit_.code
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def run_process(*args: str) -> subprocess.CompletedProcess:
    """The real `python build.py ...` in its own process."""
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "CI": "1", "HOME": str(Path.home())})


def new(site: Path, kind: str, name: str) -> subprocess.CompletedProcess:
    return run("new", kind, name, "--site", str(site), "--today", TODAY)


def check(site: Path) -> subprocess.CompletedProcess:
    return run("check", "--site", str(site))


def front_matter(path: Path) -> tuple[dict, list[str]]:
    text = path.read_text(encoding="utf-8")
    head = text.split("---\n")[1]
    return yaml.safe_load(head) or {}, head.splitlines()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


# -- new ------------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KINDS))
def test_new_writes_every_field_of_its_kind(site: Path, kind: str):
    result = new(site, kind, "关于加装电梯的建议")
    assert result.returncode == 0, result.stderr
    folder = KINDS[kind]
    made = sorted((site / "content" / folder).rglob("guan-yu-jia-zhuang-dian-ti-de-jian-yi.md"))
    assert len(made) == 1, result.stdout
    path = made[0]
    assert path.name.isascii()
    meta, lines = front_matter(path)
    for spec in fields_of(folder):
        written = [line for line in lines if re.match(rf"^#? ?{spec.name}:", line)]
        assert written, f"{kind}: field {spec.name} missing"
        if spec.required:
            assert written[0].startswith(f"{spec.name}:") and "必填" in written[0], written[0]
        elif spec.name != "draft":
            assert written[0].startswith(f"# {spec.name}:") and "可选" in written[0], written[0]
        if spec.name != "draft":
            assert spec.help.split("，")[0] in written[0], written[0]  # says what it means
    name_field = "name" if folder == "deputies" else "title"
    assert meta[name_field] == "关于加装电梯的建议"
    assert meta["draft"] is True
    decided = any(s.name == "meeting" for s in SCHEMA[folder])  # dated within the latest meeting (#18)
    for spec in SCHEMA[folder]:
        if spec.kind == "date" and spec.required:
            assert str(meta[spec.name]) == ("2021-07-21" if decided else TODAY)  # the meeting's last day, or today
    for ref in ("session", "meeting"):
        if any(s.name == ref and s.required for s in SCHEMA[folder]):
            assert meta[ref] == "1-1"


def test_new_page_and_news_are_ready_to_check(site: Path):
    assert new(site, "page", "联系我们").returncode == 0
    assert new(site, "news", '代表说:"要办实事" #1').returncode == 0
    meta, _ = front_matter(site / "content/news/dai-biao-shuo-yao-ban-shi-shi-1.md")
    assert meta["title"] == '代表说:"要办实事" #1'  # quoted: YAML never misreads a title
    result = check(site)
    assert result.returncode == 0, result.stderr


def test_new_voice_says_what_is_left_to_fill(site: Path, tmp_path: Path):
    assert new(site, "voice", "关于公交的心声").returncode == 0
    path = site / "content/voices/guan-yu-gong-jiao-de-xin-sheng.md"
    rel = f"content/voices/{path.name}"
    # A draft being written never holds back publishing: its problems are warnings there ...
    result = check(site)
    assert result.returncode == 0, result.stderr
    said = [line for line in result.stderr.splitlines() if line.startswith(rel)]
    assert any("字段 kind" in line for line in said) and any("字段 speaker" in line for line in said), said
    assert all(": 警告: " in line and "草稿，不会发布" in line for line in said), said
    built = run("build", "--site", str(site), "--out", str(tmp_path / "public"), "--today", TODAY)
    assert built.returncode == 0, built.stderr
    assert not (tmp_path / "public" / "voices" / path.stem).exists()
    # ... and errors in the preview, which shows drafts
    preview = run("build", "--site", str(site), "--out", str(tmp_path / "preview"), "--drafts", "--today", TODAY)
    assert preview.returncode == 1
    assert f"{rel}:" in preview.stderr and ": 错误: 字段 kind" in preview.stderr
    text = path.read_text(encoding="utf-8")
    write(path, text.replace('kind: ""', "kind: 市民").replace('speaker: ""', "speaker: 赵市民"))
    result = check(site)
    assert result.returncode == 0 and rel not in result.stderr, result.stderr


def test_new_never_overwrites(site: Path):
    assert new(site, "page", "联系我们").returncode == 0
    path = site / "content/pages/lian-xi-wo-men.md"
    write(path, path.read_text(encoding="utf-8") + "编辑写好的正文。\n")
    before = path.read_bytes()
    again = new(site, "page", "联系我们")
    assert again.returncode == 1 and "已经存在" in again.stderr
    assert path.read_bytes() == before
    # a Chinese file name giving the same address is refused too
    write(site / "content/deputies/李明.md", "---\nname: 李明\nrole: 政协委员\n---\n")
    same = new(site, "deputy", "李明")
    assert same.returncode == 1 and "deputies/李明.md" in same.stderr
    assert not (site / "content/deputies/li-ming.md").exists()
    # and a page may not take an address the site itself uses
    assert new(site, "page", "search").returncode == 1


def test_new_picks_the_latest_session_and_the_year_folder(site: Path):
    write(site / "content/sessions/1-10.md", "---\ntitle: 第十次会议\nstart: 2020-01-05\nend: 2020-01-07\n---\n")
    write(site / "content/sessions/1-2.md", "---\ntitle: 第二次会议\nstart: 2022-01-05\nend: 2022-01-07\n---\n")
    write(site / "content/voices/2021/old.md", (site / "content/voices/v2.md").read_text(encoding="utf-8"))
    (site / "content/voices/v2.md").unlink()
    assert new(site, "voice", "新的心声").returncode == 0
    path = site / "content/voices/2026/xin-de-xin-sheng.md"
    meta, _ = front_matter(path)
    assert meta["session"] == "1-2"  # by date, not by file name (1-10 sorts last)


def test_new_rejects_bad_usage(site: Path, tmp_path: Path):
    result = run_process("new", "speech", "x", "--site", str(site))
    assert result.returncode == 2 and "用法错误" in result.stderr
    assert new(site, "page", "   ").returncode == 2
    assert new(tmp_path / "nowhere", "page", "x").returncode == 2


# -- check ----------------------------------------------------------------------

def test_check_passes_a_good_site(site: Path):
    result = check(site)
    assert result.returncode == 0, result.stderr
    assert "检查通过" in result.stdout


def test_check_in_its_own_process_exits_non_zero_on_errors(site: Path):
    write(site / "content/news/n1.md", "---\ntitle: 新闻\ndate: 2021-07-20\n---\n<a href=\"../gone/\">坏</a>\n")
    result = run_process("check", "--site", str(site))
    assert result.returncode == 1 and "检查未通过" in result.stderr


def test_check_finds_broken_links_and_anchors_in_raw_html(site: Path):
    write(site / "content/news/n1.md", """\
---
title: 代表走进社区听民意
date: 2021-07-20
session: 1-1
---
正文第一段。

<p>原始 HTML：<a href="../../voices/gone/">坏链接</a></p>

<p>从根目录写的：<a href="/voices/gone-too/">也坏</a></p>

<p>锚点：<a href="../../voices/v1/#no-such-anchor">坏锚点</a> 和 <a href="#nowhere">本页坏锚点</a></p>

<p>好链接：<a href="../../voices/v1/#main">正文</a>，<a href="../../about/">关于</a></p>
""")
    result = check(site)
    assert result.returncode == 1
    err = result.stderr
    assert re.search(r"content/news/n1\.md:8: 错误: .*\.\./\.\./voices/gone/", err), err
    assert re.search(r"content/news/n1\.md:10: 错误: .*/voices/gone-too/", err), err
    assert re.search(r"content/news/n1\.md:12: 错误: .*#no-such-anchor.*不存在", err), err
    assert "#nowhere" in err
    assert "#main" not in err and "about" not in err
    assert "4 个错误" in err


def test_check_reports_a_link_into_content_that_is_not_a_page(site: Path):
    write(site / "content/news/n1.md", "---\ntitle: 新闻\ndate: 2021-07-20\n---\n\n"
                                       "<a href=\"../no-such-page/\">坏链接</a>\n")
    result = check(site)  # the build itself refuses it: check says so, with file and line
    assert result.returncode == 1
    assert re.search(r"content/news/n1\.md:6: 错误: .*no-such-page", result.stderr), result.stderr


def test_check_anchor_to_a_heading_suggests_its_id(site: Path):
    write(site / "content/pages/about.md", "---\ntitle: 关于本站\norder: 1\n---\n## 主要工作\n\n内容。\n")
    write(site / "content/news/n1.md", "---\ntitle: 新闻\ndate: 2021-07-20\n---\n"
                                       "见[主要工作](../pages/about.md#主要工程)。\n")  # not a heading of that page
    result = check(site)
    assert result.returncode == 1
    assert re.search(r"content/news/n1\.md:5: 错误: .*#主要工程.*小标题有：主要工作", result.stderr), result.stderr
    assert result.stderr.splitlines()[0].endswith("改为 ../pages/about.md#主要工作")
    for anchor in ("主要工作", "zhu-yao-gong-zuo"):  # the heading as written, or its id
        write(site / "content/news/n1.md", "---\ntitle: 新闻\ndate: 2021-07-20\n---\n"
                                           f"见[主要工作](../pages/about.md#{anchor})。\n")
        assert check(site).returncode == 0


def test_check_media_used_and_unused(site: Path):
    (site / "media").mkdir()
    (site / "media/used.png").write_bytes(tiny_png())
    (site / "media/unused.pdf").write_bytes(b"%PDF-1.4\n")
    write(site / "content/pages/about.md", "---\ntitle: 关于本站\n---\n![图片说明](/media/used.png)\n")
    result = check(site)
    assert result.returncode == 0, result.stderr  # an unused file is a warning
    assert "media/unused.pdf: 警告" in result.stderr and "没有被任何页面使用" in result.stderr
    assert "media/used.png" not in result.stderr
    write(site / "content/pages/about.md", "---\ntitle: 关于本站\n---\n![图片说明](/media/missing.png)\n")
    result = check(site)
    assert result.returncode == 1 and "media/missing.png" in result.stderr


def test_check_warns_about_titles_shared_within_one_kind(site: Path):
    write(site / "content/news/n2.md", "---\ntitle: 代表走进社区听民意\ndate: 2021-07-22\n---\n另一篇。\n")
    write(site / "content/pages/same.md", "---\ntitle: 代表走进社区听民意\n---\n页面。\n")  # another kind: fine
    result = check(site)
    assert result.returncode == 0, result.stderr
    shared = [line for line in result.stderr.splitlines() if "标题“代表走进社区听民意”" in line]
    assert sorted(line.split(":")[0] for line in shared) == ["content/news/n1.md", "content/news/n2.md"]


def test_check_reports_content_errors(site: Path):
    write(site / "content/voices/v2.md", (site / "content/voices/v2.md").read_text(encoding="utf-8")
          .replace("kind: 市民", "kind: 群众"))
    result = check(site)
    assert result.returncode == 1
    assert "content/voices/v2.md:4: 错误: 字段 kind" in result.stderr and "改法" in result.stderr


def test_check_reads_each_page_once(monkeypatch):
    """The strict check parses every built page once, however many links point at it (no crawl
    per link: the real site checks in about 0.7 s, bench/ territory, not asserted here)."""
    from generator.commands import check as checking

    fed: list[str] = []
    feed = checking._Links.feed
    monkeypatch.setattr(checking._Links, "feed", lambda self, data: (fed.append(data), feed(self, data))[1])
    problems = checking.check(PROJECT)
    assert not problems.errors
    assert len(fed) == len(set(fed)) > 40  # each page once (no two pages of the site are alike)

def test_people_of_one_name_are_told_apart_by_occupation(site: Path, tmp_path: Path):
    """The contract allows two people of one name; `check` asks for what tells them apart
    (an occupation each), not for a new name, and voices then show it after the name."""
    write(site / "content/deputies/zhou2.md", "---\nname: 周测试\nrole: 人大代表\n---\n另一位周测试。\n")
    result = check(site)
    warned = [line for line in result.stderr.splitlines() if "同名" in line]
    assert result.returncode == 0 and len(warned) == 2, result.stderr
    assert all("occupation" in line and "不同" not in line.split("改法")[0] for line in warned)
    assert "标题" not in " ".join(warned) and "姓名“" not in result.stderr
    out = tmp_path / "out"
    assert run("build", "--site", str(site), "--out", str(out), "--today", "2026-11-27").returncode == 0
    session = (out / "sessions/1-1/index.html").read_text(encoding="utf-8")
    assert re.search(r">周测试</a><span class=\"speaker-title\">（医生）</span>", session), session
    write(site / "content/deputies/zhou2.md", "---\nname: 周测试\nrole: 人大代表\noccupation: 教师\n---\n另一位。\n")
    assert not [line for line in check(site).stderr.splitlines() if "同名" in line]
    (site / "content/deputies/zhou2.md").unlink()  # no namesake left: the name alone, in a rebuild as in a clean build
    assert run("build", "--site", str(site), "--out", str(out), "--today", "2026-11-27").returncode == 0
    again = (out / "sessions/1-1/index.html").read_text(encoding="utf-8")
    assert "（医生）" not in again
    clean = tmp_path / "clean"
    assert run("build", "--site", str(site), "--out", str(clean), "--today", "2026-11-27").returncode == 0
    assert (clean / "sessions/1-1/index.html").read_text(encoding="utf-8") == again
