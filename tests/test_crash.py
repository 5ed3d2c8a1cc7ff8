"""Crash safety: a build killed at any moment never damages the published site.

A 2,000-page site (bench/corpus.py) is built with the real command line, then built
again and again with changes, each build killed with SIGKILL at a random moment or at
a chosen step of the writer (starting to write, filling the working folder, just before
and just after the atomic swap, saving the manifest). After every kill:

- the output is byte for byte the site published before (or, past the swap, the
  complete new one: never a mix);
- the next build succeeds, removes every leftover temporary folder and file, and
  publishes exactly what a clean build of the same content publishes.

Two builds on one output: the second is refused with a clear message while the first
holds the lock, and the output is not corrupted.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PAGES = int(os.environ.get("CRASH_PAGES", "2000"))
SEED = int(os.environ.get("CRASH_SEED", "20261127"))
BUILD_TIMEOUT = 300

# Runs the real command line with a few writer functions wrapped to say where the build is
# (one line per step on stdout) and, when HOLD names a step, to wait there until the test
# kills the process or creates the RELEASE file: a kill "during the swap" lands exactly there.
RUNNER = textwrap.dedent('''\
    import os, sys, time
    sys.path.insert(0, {project!r})
    from generator import cli
    from generator.engine import writer, cache
    from generator.commands import build as pipeline

    HOLD, RELEASE = os.environ.get("HOLD", ""), os.environ.get("RELEASE", "")

    def mark(step):
        print(step, flush=True)
        if step == HOLD:
            while not (RELEASE and os.path.exists(RELEASE)):
                time.sleep(0.01)

    def wrap(module, name, before, after=None, every=None):
        real = getattr(module, name)
        count = [0]
        def wrapper(*args, **kwargs):
            count[0] += 1
            if every is None or count[0] == 1 or count[0] % every == 0:
                mark(before if every is None else f"{{before}}-{{count[0]}}")
            result = real(*args, **kwargs)
            if after:
                mark(after)
            return result
        setattr(module, name, wrapper)

    wrap(pipeline, "write_site", "write")  # the pipeline's own reference to writer.write_site
    wrap(writer, "_place", "place", every=250)
    wrap(writer, "_exchange", "swap-before", "swap-after")
    wrap(writer, "save_state", "state-before", "state-after")
    wrap(cache.Store, "save", "cache-save")
    wrap(cache._Pickler, "dump", "cache-write")  # its temporary file is open then
    code = cli.main(sys.argv[1:])
    mark("exit")
    sys.exit(code)
''')

def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def scratch_dir() -> str | None:
    """Memory-backed /dev/shm where there is one (a kill is a kill on any file system)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def digests(folder: Path) -> dict[str, str]:
    """Every file below `folder` with the SHA-1 of its bytes: the output, byte for byte."""
    found: dict[str, str] = {}
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            path = Path(dirpath, name)
            found[path.relative_to(folder).as_posix()] = hashlib.sha1(path.read_bytes()).hexdigest()
    return found


class Bench:
    """The generated site, its output, and a way to run (and kill) builds of it."""

    def __init__(self, root: Path):
        self.root = root
        self.site = root / "site"
        self.out = root / "out" / "public"
        self.runner = root / "runner.py"
        self.runner.write_text(RUNNER.format(project=str(PROJECT)), encoding="utf-8")
        self.env = {**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"}
        self.release = root / "release"
        self.kills = 0
        self.builds = 0

    def start(self, hold: str = "", out: Path | None = None) -> "Run":
        self.release.unlink(missing_ok=True)
        env = {**self.env, "HOLD": hold, "RELEASE": str(self.release)}
        cmd = [sys.executable, str(self.runner), "build", "--site", str(self.site), "--out", str(out or self.out)]
        self.builds += 1
        return Run(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
                                    start_new_session=True))  # its own process group: see Run.kill

    def build(self, out: Path | None = None) -> "Run":
        run = self.start(out=out)
        run.wait()
        assert run.code == 0, run.stderr
        assert "Traceback" not in run.stderr
        return run

    def leftovers(self) -> list[str]:
        """Anything a build leaves that is not the output, its lock, manifest and spare folder."""
        name = self.out.name
        allowed = {name, f".{name}.lock", f".{name}.state", f".{name}.prev"}
        found = [p.name for p in self.out.parent.iterdir() if p.name not in allowed]
        for folder in (self.out, self.out.parent / f".{name}.prev"):
            for dirpath, _, filenames in os.walk(folder):
                found += [f"{dirpath}/{n}" for n in filenames if n.endswith(".part") or n.startswith(".~")]
        cache = self.site / ".cache"
        if cache.is_dir():
            found += [f"{p}" for p in cache.rglob("*.tmp")]
        return found


class Run:
    """One build process; its step lines (stdout) and messages (stderr) are read as they come."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.steps: list[str] = []
        self.errors: list[str] = []
        self.code: int | None = None
        self._seen = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(proc.stdout, self.steps), daemon=True),
                         threading.Thread(target=self._read, args=(proc.stderr, self.errors), daemon=True)]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, into: list[str]) -> None:
        for line in stream:
            with self._seen:
                into.append(line.rstrip("\n"))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    @property
    def stderr(self) -> str:
        return "\n".join(self.errors)

    def wait_for(self, step: str, timeout: float = BUILD_TIMEOUT) -> bool:
        """Wait until the build reports `step` (a prefix); False if it ended first."""
        deadline = time.monotonic() + timeout
        with self._seen:
            while not any(s.startswith(step) for s in self.steps):
                if not self._readers[0].is_alive():
                    return False
                assert time.monotonic() < deadline, f"no {step} within {timeout} s: {self.steps}"
                self._seen.wait(0.05)
        return True

    def kill(self) -> bool:
        """SIGKILL, by this build's own process id; its workers (Markdown, pages) must then end too.

        True if the build was still running (a real kill), False if it had already ended.
        """
        alive = self.proc.poll() is None
        if alive:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.wait()
        deadline = time.monotonic() + 5
        while _group_alive(self.proc.pid):  # the build's forked workers, orphaned by the kill
            if time.monotonic() > deadline:
                left = subprocess.run(["ps", "-o", "pid,args", "-g", str(self.proc.pid)], capture_output=True,
                                      text=True).stdout
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this test started
                raise AssertionError(f"processes outlived their killed build (after {self.steps[-1:]}):\n{left}")
            time.sleep(0.05)
        return alive

    def wait(self) -> None:
        self.code = self.proc.wait(timeout=BUILD_TIMEOUT)
        for reader in self._readers:
            reader.join(10)

    @property
    def swapped(self) -> bool:
        return "swap-after" in self.steps


@pytest.fixture(scope="module")
def bench() -> Iterator[Bench]:
    with tempfile.TemporaryDirectory(prefix="congress-crash-", dir=scratch_dir()) as tmp:
        b = Bench(Path(tmp))
        made = subprocess.run([sys.executable, str(PROJECT / "bench" / "corpus.py"), str(b.site),
                               "--pages", str(PAGES), "--seed", "1"], capture_output=True, text=True, timeout=300)
        assert made.returncode == 0, made.stderr
        assert len(list((b.site / "content").rglob("*.md"))) == PAGES
        b.out.parent.mkdir(parents=True)
        yield b


# -- changes between builds: small (one page) and large (every page) ------------------------------

def change(site: Path, rng: random.Random, kind: str, n: int = 0) -> None:
    """Edit the site so that the next build writes something: one page, every page, a page more or less."""
    voices = sorted((site / "content" / "voices").rglob("*.md"))
    added = sorted((site / "content" / "voices").glob("crash-*.md"))
    if kind == "remove" and not added:  # other files link to the corpus's own: removing one is an error
        kind = "one"
    if kind == "one":
        path = rng.choice(voices)
        path.write_text(path.read_text(encoding="utf-8") + f"\n补充说明第 {rng.randrange(10**6)} 条。\n",
                        encoding="utf-8")
    elif kind == "all":  # the site's title is on every page
        config = site / "site.yaml"
        text = config.read_text(encoding="utf-8")
        config.write_text(text.replace("title: ", f"title: 第{n}版", 1), encoding="utf-8")
    elif kind == "add":
        (site / "content" / "voices" / f"crash-{rng.randrange(10**6)}.md").write_text(
            f"---\ntitle: 新增心声{n}\nsession: {_a_session(site)}\nkind: 市民\nspeaker: 市民{n}\n---\n新增的正文。\n",
            encoding="utf-8")
    else:
        rng.choice(added).unlink()


def _a_session(site: Path) -> str:
    return sorted((site / "content" / "sessions").rglob("*.md"))[0].stem


# -- the tests ----------------------------------------------------------------------------------

def test_a_killed_first_build_publishes_nothing(bench: Bench):
    """Killed while making the very first output: nothing is published, the next build makes it."""
    rng = random.Random(SEED)
    run = bench.start()
    time.sleep(rng.uniform(0.5, 4.0))
    assert run.kill()
    bench.kills += 1
    assert not run.swapped
    assert not bench.out.exists()
    bench.build()
    assert (bench.out / "index.html").is_file()
    assert bench.leftovers() == []


# Where each trial kills: a random moment, or a step of the writer (then a random few milliseconds
# later). "write": the pages made, nothing written yet; "place-1": the first file into the working
# folder; "state-before": the manifest marking the working folder untrusted, before anything
# is written there; "cache-write": the Builder's cache being written, after publishing.
TARGETS = [("place-1", "add"), ("random", "one"), ("write", "one"), ("swap-before", "remove"),
           ("swap-after", "one"), ("random", "add"), ("state-before", "one"), ("state-after", "remove"),
           ("cache-write", "add"), ("random", "one")]


def test_kills_at_random_moments_never_damage_the_published_site(bench: Bench):
    """At least 10 SIGKILLs, including during the swap: old site intact, next build recovers."""
    if not bench.out.exists():
        bench.build()
    rng = random.Random(SEED)
    duration = 0.0  # how long the last recovery build took: random kills fall within such a build
    survived = []
    kills = 0
    for n, (target, kind) in enumerate(TARGETS):
        bound = 0.8 * duration  # a random moment: within as long as the last recovery build took
        for attempt in range(4 if target == "random" else 1):
            killed, duration = _trial(bench, rng, n, target, kind, bound, survived)
            kills += killed
            if killed:
                break
            bound /= 2  # the build (an in-place update, say) ended first: try an earlier moment
    assert kills == len(TARGETS), survived
    print(f"\nkills survived: {bench.kills} (this test {kills}); trials: {'; '.join(survived)}")

    clean_started = time.monotonic()
    # the end state is exactly what a clean build of the same content makes, cache and all aside
    clean_site = bench.root / "clean-site"
    shutil.copytree(bench.site, clean_site, ignore=shutil.ignore_patterns(".cache"))
    clean_out = bench.root / "clean-out" / "public"
    cmd = [sys.executable, str(PROJECT / "build.py"), "build", "--site", str(clean_site), "--out", str(clean_out)]
    made = subprocess.run(cmd, capture_output=True, text=True, env=bench.env, timeout=BUILD_TIMEOUT)
    assert made.returncode == 0, made.stderr
    assert digests(clean_out) == digests(bench.out)
    print(f"clean build and comparison: {time.monotonic() - clean_started:.1f} s")
    shutil.rmtree(clean_site)
    shutil.rmtree(clean_out.parent)


@pytest.mark.parametrize("moment", ["rendering", "write", "place-1", "state-before"])
def test_ctrl_c_says_so_in_one_line_and_keeps_the_published_site(bench: Bench, moment: str):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) while pages render,
    as writing starts, while the working folder fills, or as the manifest is written:
    exit 130, one Chinese line and no traceback from any process, the published site as it
    was, nothing left behind by the next build."""
    if not bench.out.exists():
        bench.build()
    before = digests(bench.out)
    change(bench.site, random.Random(moment), "one")
    if moment == "rendering":  # without its cache, the build renders all 2,000 pages: seconds of it
        shutil.rmtree(bench.site / ".cache", ignore_errors=True)
    run = bench.start(hold="" if moment == "rendering" else moment)
    try:
        if moment == "rendering":
            time.sleep(1.0)
            assert not any(s.startswith("write") for s in run.steps), f"rendered within 1 s: {run.steps}"
        else:
            assert run.wait_for(moment), f"{moment}: {run.steps} {run.stderr}"
        os.killpg(run.proc.pid, signal.SIGINT)
        run.wait()
    finally:
        if run.proc.poll() is None:  # a failed step above: never leave it holding the output
            run.kill()
    assert run.code == 130, (run.code, run.stderr)
    assert run.errors == ["已中断：网站没有发布；原来发布的网站保持不变。"], run.stderr
    assert digests(bench.out) == before
    bench.build()
    assert bench.leftovers() == []


def test_two_builds_at_once_on_one_output(bench: Bench):
    """The second build is refused while the first holds the lock; the output stays whole."""
    if not bench.out.exists():
        bench.build()
    rng = random.Random(SEED + 1)
    before = digests(bench.out)
    change(bench.site, rng, "one")
    first = bench.start(hold="write")
    assert first.wait_for("write")
    second = bench.start()
    second.wait()
    assert second.code == 1, second.stderr
    assert f"错误：另一个构建正在写入 {bench.out}，请等它结束后再试。" in second.stderr
    assert "Traceback" not in second.stderr
    assert digests(bench.out) == before  # the refused build touched nothing
    bench.release.touch()
    first.wait()
    assert first.code == 0, first.stderr
    assert bench.leftovers() == []
    # started together, without a hold: one publishes, the other is refused (or, if it came
    # second after all, finds nothing to do); the output is whole either way
    change(bench.site, rng, "one")
    runs = [bench.start(), bench.start()]
    for run in runs:
        run.wait()
        assert "Traceback" not in run.stderr
    assert sorted(r.code for r in runs) in ([0, 0], [0, 1]), [r.stderr for r in runs]
    assert all("另一个构建正在写入" in r.stderr for r in runs if r.code == 1)
    after = digests(bench.out)
    bench.build()  # nothing left to do: the output is complete and current
    assert digests(bench.out) == after
    assert bench.leftovers() == []


def _trial(bench: Bench, rng: random.Random, n: int, target: str, kind: str, bound: float,
           survived: list[str]) -> tuple[bool, float]:
    """One change, one build killed at `target` (or a random moment below `bound` seconds), one
    recovery build: (whether the kill landed, how long the recovery build took)."""
    trial_started = time.monotonic()
    before = digests(bench.out)
    change(bench.site, rng, kind, n)
    run = bench.start(hold="" if target == "random" else target)
    if target == "random":
        time.sleep(rng.uniform(min(0.1, bound / 2), max(bound, 0.05)))
    else:
        assert run.wait_for(target), f"{target}: {run.steps} {run.stderr}"
    time.sleep(rng.uniform(0, 0.02))
    killed = run.kill()
    if killed:
        bench.kills += 1
    after = digests(bench.out)
    if run.swapped:  # killed past the swap: the new site, complete (checked below against a rebuild)
        assert after != before
    else:
        assert after == before, f"trial {n} ({target}, {kind}): the published site changed: {run.steps}"
    started = time.monotonic()
    bench.build()
    duration = time.monotonic() - started
    assert bench.leftovers() == [], f"trial {n} ({target}): left behind {bench.leftovers()}"
    if run.swapped:
        assert digests(bench.out) == after, f"trial {n}: what the killed build published is not what it meant to"
    survived.append(f"{target}/{kind}: {run.steps[-1] if run.steps else 'start'} "
                    f"{'killed' if killed else 'ended first'} ({time.monotonic() - trial_started:.1f} s)")
    return killed, duration
