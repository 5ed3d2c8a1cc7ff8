"""Work spread over the machine's cores, with one process as the fallback.

Workers are forked, so they start with the parent's whole state (the Site model,
the compiled templates) and nothing has to be pickled on the way in; only each
chunk's results come back. The parent is one of the `jobs`: it does every jobs-th
chunk itself while the others' results come in, so a build on N cores runs N-1 forked
copies of its state, not N (each copy's memory counts: a worker that reads the model
touches its pages), with the same CPU at work. Where a pool cannot start (no fork on this system,
a sandbox without process creation, or a parent with other threads running, as
the preview server has, where forking is unsafe), `run` returns None and the
caller does the work itself: the same function over the same items, so output
is identical either way.
"""

from __future__ import annotations

import gc
import os
import signal
import threading
from typing import Any, Callable, Iterator, Sequence

POOL_MIN = 64  # fewer bodies or pages than this: not worth starting processes
_TASK: Callable[[Any], Any] | None = None  # set in the parent just before the fork


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _leave_interrupts_to_the_parent() -> None:
    """Ctrl-C reaches every process of the build; the parent stops the pool and says so once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _call(chunk: Any) -> Any:
    assert _TASK is not None
    return _TASK(chunk)


def chunked(items: Sequence[Any], jobs: int, smallest: int = 8, per_job: int = 6) -> list[Sequence[Any]]:
    """Slices of about len/(jobs*per_job), never below `smallest`: even load, few round trips."""
    size = max(smallest, -(-len(items) // (jobs * per_job)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def run(task: Callable[[Any], Any], chunks: Sequence[Any], jobs: int) -> Iterator[Any] | None:
    """Results of task(chunk) for every chunk, in order, from `jobs` forked workers.

    None when a pool is not worth it (one job or one chunk) or cannot start.
    """
    global _TASK
    if jobs < 2 or len(chunks) < 2 or threading.active_count() > 1:
        return None
    try:
        import multiprocessing

        context = multiprocessing.get_context("fork")
    except (ImportError, ValueError):
        return None
    _TASK = task
    gc.freeze()  # the workers' collector leaves the inherited objects (and their pages) alone
    jobs = min(jobs, len(chunks))
    try:
        pool = context.Pool(jobs - 1, initializer=_leave_interrupts_to_the_parent)
    except (OSError, ValueError, ImportError):
        gc.unfreeze()
        _TASK = None
        return None
    return _results(pool, task, chunks, jobs)


def _results(pool: Any, task: Callable[[Any], Any], chunks: Sequence[Any], jobs: int) -> Iterator[Any]:
    """Every chunk's result in order: the parent's own (each jobs-th) made when its turn comes."""
    mine = {n for n in range(len(chunks)) if n % jobs == jobs - 1}
    try:
        theirs = pool.imap(_call, [c for n, c in enumerate(chunks) if n not in mine])
        for n, chunk in enumerate(chunks):
            yield task(chunk) if n in mine else next(theirs)
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        gc.unfreeze()
        _TASK = None
