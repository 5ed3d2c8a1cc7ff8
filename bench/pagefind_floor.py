"""What Pagefind alone costs on a corpus: the floor under any build that makes the search index.

    python bench/pagefind_floor.py SITE OUT RUNS   -> prints JSON {"all": [s, ...], "cpu": [s, ...], "one": [s, ...], "pages": n}

"all": a clean build's Pagefind runs (every bundle, side by side as the build runs them),
timed around generator.search._run_all, nothing else, with "cpu" their CPU seconds; "one": Pagefind on a folder holding
one page (the same copy of a page the build gives it), its cost before it reads a second
page. bench/run.py sets these against the targets: a build that indexes cannot be quicker
than its Pagefind runs, whatever the rest of it does.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator import cli, search  # noqa: E402


def main() -> int:
    site, out, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    spent: list[float] = []
    cpu: list[float] = []  # CPU seconds of the Pagefind processes (user + system)
    pages: list[int] = []
    keep = Path(tempfile.mkdtemp(prefix="pagefind-floor-"))
    run_all = search._run_all

    def timed(binary: Path, todo: list) -> None:
        started, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        run_all(binary, todo)
        spent.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        pages.append(sum(r.count for r in todo))
        if todo and not (keep / "one").exists():  # one page, as Pagefind was given it
            page = next(p for p in sorted(todo[0].pages.rglob("*.html")))
            (keep / "one" / "page").mkdir(parents=True)
            shutil.copy(page, keep / "one" / "page" / "index.html")

    search._run_all = timed
    try:
        for _ in range(runs):
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(site / ".cache", ignore_errors=True)
            with open(os.devnull, "w") as quiet:
                sys.stdout, saved = quiet, sys.stdout
                try:
                    code = cli.main(["build", "--site", str(site), "--out", str(out)])
                finally:
                    sys.stdout = saved
            if code != 0:
                print(json.dumps({"error": f"build exit {code}"}))
                return 1
        binary = search.find_pagefind()
        one = []
        for _ in range(runs):
            target = keep / "bundle"
            shutil.rmtree(target, ignore_errors=True)
            started = time.perf_counter()
            subprocess.run([str(binary), "--site", str(keep / "one"), "--output-path", str(target)],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           env={**os.environ, search.CHUNK_ENV: search.CHUNK_SIZE})
            one.append(time.perf_counter() - started)
    finally:
        shutil.rmtree(keep, ignore_errors=True)
    print(json.dumps({"all": spent, "cpu": cpu, "one": one, "pages": pages[0] if pages else 0}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
