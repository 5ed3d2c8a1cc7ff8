"""What the command line says to an editor beyond content errors: the set-up it needs when run
without its packages, its help in Chinese (--today included), and the pages a build wrote or removed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, TODAY, run_build, write_site

SET_UP = "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt"


def bare(script: Path, *args: str, flags: tuple[str, ...] = ("-S",)) -> subprocess.CompletedProcess:
    """build.py run by a Python that sees none of the packages (`-S`: no site-packages), no PYTHONPATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return subprocess.run([sys.executable, *flags, str(script), *args], capture_output=True, text=True,
                          timeout=60, env=env, cwd=script.parent)


@pytest.mark.parametrize("flags", [("-S",), ("-I", "-S")])
@pytest.mark.parametrize("command", ["build", "check", "serve"])
def test_without_its_packages_build_py_says_how_to_set_up(tmp_path, flags, command):
    """A fresh copy with no .venv: one Chinese line with the set-up command, exit 2, no traceback."""
    shutil.copy2(PROJECT / "build.py", tmp_path / "build.py")
    shutil.copytree(PROJECT / "generator", tmp_path / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    result = bare(tmp_path / "build.py", command, flags=flags)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("错误：缺少运行所需的软件包 ") and SET_UP in lines[0]
    assert ".venv/bin/python build.py build" in lines[0]


def test_with_a_venv_beside_it_build_py_says_to_use_it():
    """Run by a bare python in a folder that has its .venv: the command that works."""
    result = bare(PROJECT / "build.py", "build", "--site", str(PROJECT))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("请用 .venv/bin/python build.py build（或 serve、check、new）运行，"
                                          "不要直接用 python 或 python3。")


def test_help_is_in_chinese_and_lists_today():
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.startswith("用法：.venv/bin/python build.py build")
    assert "--today YYYY-MM-DD" in result.stdout and "定时发布" in result.stdout
    assert "show this help" not in result.stdout and "options:" not in result.stdout
    check = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "-h"], capture_output=True, text=True)
    assert "--fix" in check.stdout and "标点" in check.stdout


SESSION = "---\ntitle: 测试区第一届人民代表大会第一次会议\nstart: 2021-07-19\nend: 2021-07-23\n---\n会议开幕。\n"


def news(n: int) -> str:
    return f"---\ntitle: 第{n}号新闻\ndate: 2021-07-{10 + n % 20:02d}\nsession: 1-1\n---\n第{n}号新闻的正文。\n"


def summary(result: subprocess.CompletedProcess) -> list[str]:
    return result.stdout.splitlines()[1:]


def test_a_build_lists_the_pages_it_wrote_and_removed(tmp_path):
    files = {"content/sessions/1-1.md": SESSION, **{f"content/news/n{n}.md": news(n) for n in range(1, 4)}}
    site = write_site(tmp_path / "site", files)
    out = tmp_path / "public"
    first = run_build(site, out=out, today=TODAY)
    assert first.returncode == 0, first.stderr
    assert "  新增：第1号新闻（/news/n1/）" in summary(first)
    (site / "content/news/n2.md").write_text(news(2).replace("正文", "全文"), encoding="utf-8")
    (site / "content/news/n3.md").unlink()
    second = run_build(site, out=out, today=TODAY)
    assert second.returncode == 0, second.stderr
    lines = summary(second)
    assert lines[0] == "  更新：第2号新闻（/news/n2/）"  # content pages first, then the lists they are on
    assert "  删除：第3号新闻（/news/n3/）" in lines  # its title, read from the page before it went
    assert not [line for line in lines if "第1号新闻" in line]  # unchanged: not listed
    assert all(line.startswith(("  新增：", "  更新：", "  删除：")) for line in lines)
    assert not summary(run_build(site, out=out, today=TODAY))  # nothing changed: nothing listed


def test_past_twenty_pages_the_rest_are_counted(tmp_path):
    files = {"content/sessions/1-1.md": SESSION, **{f"content/news/n{n}.md": news(n) for n in range(1, 31)}}
    site = write_site(tmp_path / "site", files)
    result = run_build(site, out=tmp_path / "public", today=TODAY)
    assert result.returncode == 0, result.stderr
    lines = summary(result)
    written = int(result.stdout.split("写入 ")[1].split(" 页")[0])
    assert len(lines) == 21 and lines[-1] == f"  ……另有 {written - 20} 页"


def test_check_names_the_command_that_publishes(tmp_path):
    """After the README's set-up the command is `.venv/bin/python build.py`: messages say that, not `python`."""
    site = write_site(tmp_path / "site", {"content/sessions/1-1.md": SESSION})
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--site", str(site)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip().endswith("可以发布：.venv/bin/python build.py build")
    usage = subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--bogus"], capture_output=True, text=True)
    assert "运行 .venv/bin/python build.py -h 查看用法" in usage.stderr
