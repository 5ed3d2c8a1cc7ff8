"""Child processes of a build that never outlive it.

`apart` runs the heavy half of a build in a forked child whose memory goes when it
exits; `die_with_build` makes a child (that one, Pagefind) die with the build when
the build is killed outright, so nothing goes on writing into its working folders.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
import traceback
from typing import Callable, TypeVar

from .errors import BuildFailed


def die_with_build() -> Callable[[], None] | None:
    """For a child process: SIGKILL it when the build dies (Linux PR_SET_PDEATHSIG).

    A build killed outright (kill -9, the OOM killer) would otherwise leave its children
    running on, still writing into the folders that the next build reuses. Only where the
    build is this process's one thread (the command line): a function run between fork
    and exec is unsafe while other threads run (the preview server).
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def arm() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before the line above took effect
            os._exit(1)

    return arm


T = TypeVar("T")


class ChildDied(RuntimeError):
    """The child of `apart` ended without handing anything back (killed, out of memory)."""


def apart(work: Callable[[], T]) -> T:
    """`work()` run in a child process, its result (or exception) handed back pickled.

    Why: a big site's model and rendering leave a process holding hundreds of MB that
    Python does not give back (20,000 pages: 550 MB), and Pagefind, which runs next,
    needs its own (bench/). The child's memory goes when it exits. Where there is no
    fork, or other threads run (a fork would copy their locks mid-use: the preview
    server, test runners), `work()` runs in this process.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return work()
    sys.stdout.flush()
    sys.stderr.flush()
    arm = die_with_build()  # made here: it checks the child's parent is this process
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            if arm is not None:
                arm()  # killed with the build: it must not go on writing into the stage
            os.close(read)
            try:
                payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as exc:  # KeyboardInterrupt too: the parent decides
                payload = _error_payload(exc)
            with os.fdopen(write, "wb") as pipe:
                pipe.write(payload)
            sys.stdout.flush()
            sys.stderr.flush()
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    try:
        with os.fdopen(read, "rb") as pipe:
            payload = pipe.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not payload:
        raise ChildDied(f"生成页面的子进程意外退出（{_how(status)}），网站没有发布；原来发布的网站保持不变。")
    ok, value = pickle.loads(payload)
    if ok:
        return value
    raise value


def _error_payload(exc: BaseException) -> bytes:
    """An exception as the parent will raise it: with where it happened here (a bug's traceback
    is otherwise lost), and as a RuntimeError carrying that text if it cannot cross pickled."""
    where = traceback.format_exc()
    if not isinstance(exc, (BuildFailed, KeyboardInterrupt)):
        exc.add_note(f"（在生成页面的子进程中）\n{where}")
    try:
        payload = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(payload)  # some exceptions pickle but do not unpickle (other __init__ arguments)
        return payload
    except Exception:
        return pickle.dumps((False, RuntimeError(where)))


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"信号 {sig}" + ("，可能是内存不足" if sig == signal.SIGKILL else "")
    return f"退出码 {os.waitstatus_to_exitcode(status)}"
