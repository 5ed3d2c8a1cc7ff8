"""Save-to-reload latency of `python build.py serve`, measured from outside, over HTTP.

For each site (a copy of the real one, and a generated 2,000-page one from
bench/gensite.py, deterministic), start the real server on a free loopback
port, then repeatedly: save a content file with a new sentence in its body,
and poll the page over HTTP until the sentence shows. The time from just
before the save to the first response that shows it is one sample.

    .venv/bin/python bench/latency.py [--saves 30] [--pages 2000] [--only real|generated]
                                      [--front-matter]

Targets: median <= 50 ms on the real site, <= 150 ms on 2,000 pages. Exit 1
when a target is missed. --front-matter also times title edits (a change of
front matter rebuilds the model; reported, no target).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from generator.read.content import parse_document  # noqa: E402
from generator.errors import Problems  # noqa: E402
from generator.model.urls import entry_url, slugify  # noqa: E402

TARGETS = {"real": 50.0, "generated": 150.0}  # median, milliseconds
TIMEOUT = 10.0  # seconds for one save to show


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_real_site(dest: Path) -> Path:
    """The real site's own files (the theme stays the generator's, as in production)."""
    dest.mkdir(parents=True)
    shutil.copy2(PROJECT / "site.yaml", dest / "site.yaml")
    for name in ("content", "media"):
        if (PROJECT / name).is_dir():
            shutil.copytree(PROJECT / name, dest / name)
    return dest


def generated_site(dest: Path, pages: int) -> Path:
    sys.path.insert(0, str(PROJECT / "bench"))
    from gensite import generate  # the colleague's deterministic corpus (bench/gensite.py)
    return generate(dest, pages=pages, seed=1)


def page_url(site: Path, path: Path) -> str:
    doc = parse_document(path.relative_to(site).as_posix(), path.relative_to(site / "content").parts[0],
                         path.read_bytes(), Problems())
    assert doc is not None, path
    return "/" + entry_url(doc.folder, str(doc.meta.get("slug") or slugify(doc.id)))


class Server:
    """`python build.py serve --site SITE --port PORT`, started and stopped by pid."""

    def __init__(self, site: Path):
        self.port = free_port()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--site", str(site), "--port", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, "CI": "1"})
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited: {self.output()}")
            try:
                self.get("/__preview__/status.json")
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("server did not start")
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)

    def get(self, path: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def fetch(self, path: str) -> str:
        """GET over one kept-alive connection (as a browser would)."""
        try:
            self.conn.request("GET", path)
            return self.conn.getresponse().read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            raise

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        self.conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def one_save(server: Server, path: Path, url: str, edit) -> float:
    """Save `path` through `edit(text, marker)`, poll `url` until the marker shows: milliseconds."""
    marker = f"测量标记{time.monotonic_ns()}"
    text = edit(path.read_text(encoding="utf-8"), marker)
    started = time.perf_counter()
    path.write_text(text, encoding="utf-8")
    deadline = started + TIMEOUT
    while time.perf_counter() < deadline:
        if marker in server.fetch(url):
            return (time.perf_counter() - started) * 1000
        time.sleep(0.001)
    raise SystemExit(f"{path}: the change did not show in {url} within {TIMEOUT} s\n{server.output()[-3000:]}")


def add_sentence(text: str, marker: str) -> str:
    return text.rstrip("\n") + f"\n\n补充一句：{marker}。\n"


def retitle(text: str, marker: str) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], 1):
        if line.startswith("title:"):
            lines[i] = f"title: 标题{marker}"
            break
    return "\n".join(lines)


def measure(name: str, site: Path, saves: int, front_matter: bool) -> dict[str, list[float]]:
    files = sorted((site / "content" / "voices").rglob("*.md"))[:40] + sorted((site / "content" / "news").rglob("*.md"))[:10]
    rng = random.Random(7)
    chosen = [rng.choice(files) for _ in range(saves + 3)]
    urls = {p: page_url(site, p) for p in set(chosen)}
    started = time.perf_counter()
    server = Server(site)
    print(f"{name}: {sum(1 for _ in (site / 'content').rglob('*.md'))} content files, "
          f"server ready in {time.perf_counter() - started:.1f} s", flush=True)
    results: dict[str, list[float]] = {"body": []}
    try:
        for path in chosen[:3]:  # warm-up, not counted
            one_save(server, path, urls[path], add_sentence)
        for path in chosen[3:]:
            results["body"].append(one_save(server, path, urls[path], add_sentence))
            time.sleep(0.05)
        if front_matter:
            results["title"] = []
            for path in chosen[3:3 + max(5, saves // 3)]:
                results["title"].append(one_save(server, path, urls[path], retitle))
                time.sleep(0.05)
    finally:
        server.stop()
    return results


def describe(samples: list[float]) -> str:
    s = sorted(samples)
    p90 = s[min(len(s) - 1, int(len(s) * 0.9))]
    return f"median {statistics.median(s):.1f} ms (min {s[0]:.1f}, p90 {p90:.1f}, max {s[-1]:.1f}, n={len(s)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--only", choices=("real", "generated"))
    parser.add_argument("--front-matter", action="store_true", help="also time title edits (no target)")
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="latency-") as tmp:
        sites = []
        if args.only in (None, "real"):
            sites.append(("real", copy_real_site(Path(tmp) / "real")))
        if args.only in (None, "generated"):
            sites.append(("generated", generated_site(Path(tmp) / "generated", args.pages)))
        summary = []
        for name, site in sites:
            results = measure(name, site, args.saves, args.front_matter)
            median = statistics.median(results["body"])
            ok = median <= TARGETS[name]
            failed |= not ok
            label = "real site" if name == "real" else f"generated site, {args.pages} pages"
            summary.append(f"{label}: body edit {describe(results['body'])}; target <= {TARGETS[name]:.0f} ms: "
                           f"{'met' if ok else 'MISSED'}")
            if "title" in results:
                summary.append(f"{label}: title edit {describe(results['title'])} (no target)")
        print("\n".join(summary))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
