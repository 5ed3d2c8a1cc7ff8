"""procs.apart: the model and rendering in a child process, its result or error handed back.

The command line takes this path on every build (its memory then goes before Pagefind
runs); test runners have threads, where apart runs in-process, so these tests make it fork.
"""

from __future__ import annotations

import os
import signal

import pytest

from generator import cli, procs
from generator.errors import BuildFailed, Problems


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setattr(procs.threading, "active_count", lambda: 1)


def test_the_work_runs_in_a_child_and_its_result_comes_back():
    here = os.getpid()
    pid, data = procs.apart(lambda: (os.getpid(), {"页面": [1, 2, 3]}))
    assert pid != here
    assert data == {"页面": [1, 2, 3]}


def test_content_errors_come_back_whole():
    def fail():
        problems = Problems()
        problems.error("content/voices/a.md", "字段 speaker：找不到此人。", line=5, field="speaker", fix="先建立此人的文件。")
        raise BuildFailed(problems)

    with pytest.raises(BuildFailed) as caught:
        procs.apart(fail)
    (problem,) = caught.value.problems.errors
    assert (problem.path, problem.line, problem.field) == ("content/voices/a.md", 5, "speaker")


class TwoArguments(Exception):
    """Pickles, but does not unpickle: its __init__ wants more than its args hold."""

    def __init__(self, message, extra):
        super().__init__(message)


def test_an_error_that_cannot_cross_still_says_what_happened():
    class Local(Exception):  # cannot even be pickled
        pass

    def local():
        raise Local("本地的错误")

    def two():
        raise TwoArguments("参数不对", 2)

    for work, text in ((local, "本地的错误"), (two, "参数不对")):
        with pytest.raises(RuntimeError, match=text):
            procs.apart(work)


def test_a_bug_in_the_child_keeps_its_traceback():
    def deep_in_the_model():
        return {}["缺少的键"]

    with pytest.raises(KeyError) as caught:
        procs.apart(deep_in_the_model)
    notes = "\n".join(getattr(caught.value, "__notes__", []))
    assert "子进程" in notes and "deep_in_the_model" in notes


def test_a_child_killed_outright_is_an_error_not_a_result():
    with pytest.raises(procs.ChildDied, match="信号 9"):
        procs.apart(lambda: os.kill(os.getpid(), signal.SIGKILL))


def test_the_command_line_says_so_in_one_line(monkeypatch, tmp_path, capsys):
    (tmp_path / "site.yaml").write_text("title: 测试\n", encoding="utf-8")

    def died(*args, **kwargs):
        raise procs.ChildDied("生成页面的子进程意外退出（信号 9，可能是内存不足），网站没有发布；原来发布的网站保持不变。")

    monkeypatch.setattr(cli, "build", died)
    assert cli.main(["build", "--site", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：生成页面的子进程意外退出（信号 9") and "Traceback" not in err


def test_with_other_threads_the_work_runs_here(monkeypatch):
    monkeypatch.setattr(procs.threading, "active_count", lambda: 2)
    assert procs.apart(os.getpid) == os.getpid()
