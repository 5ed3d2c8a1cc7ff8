"""procs.apart: the model and rendering in a child process, its result or error handed back.

The command line takes this path on every build (its memory then goes before Pagefind
runs); test runners have threads, where apart runs in-process, so these tests make it fork.
"""

from __future__ import annotations

import os
import signal

import pytest

from generator import procs
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


def test_an_error_that_cannot_be_pickled_still_says_what_happened():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(a)

    def fail():
        raise Odd("坏了", 2)

    with pytest.raises(Exception, match="坏了"):
        procs.apart(fail)


def test_a_child_killed_outright_is_an_error_not_a_result():
    with pytest.raises(RuntimeError, match="信号 9"):
        procs.apart(lambda: os.kill(os.getpid(), signal.SIGKILL))


def test_with_other_threads_the_work_runs_here(monkeypatch):
    monkeypatch.setattr(procs.threading, "active_count", lambda: 2)
    assert procs.apart(os.getpid) == os.getpid()
