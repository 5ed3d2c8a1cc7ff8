"""What search costs, ours beside Pagefind extended, on the same pages of one built corpus.

    python bench/search_cost.py SITE OUT [--runs 3]     -> prints a table, and JSON on the last line

SITE is a corpus already built into OUT (bench/run.py does both). For ours it times the
index stage alone (`pipeline._index` on the model, the cores the build uses) and sums the
bytes under search/index/. For Pagefind extended (installed into bench/.venvs/pagefind)
it copies exactly the pages our index holds (their URLs are in our page records), runs
`pagefind --site … --root-selector main` on them, and records wall time, CPU seconds, peak
memory and the bytes of its bundle. Then, where Playwright and Chromium are at hand, a
reader's first search with an empty cache is replayed in a real browser for a few queries:
our search page (a query typed and submitted) and Pagefind's JavaScript API (`pagefind.search`,
then the data of the first four results, which is what our page shows first); it counts what
the network carried after the page's load (its workers' fetches too), requests and bytes, and
how many pages each found.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.run import VENVS, _venv, measure  # noqa: E402

QUERIES = ("停车", "养老服务", "老旧小区改造", "代表们 营商环境", "王伟")
SHOWN = 4  # results whose data a first search loads (search.js shows four first)
CHROMIUM = "/usr/bin/chromium"

OUR_FIRST_SEARCH = """async (query) => {
  document.querySelector('#search-q').value = query;
  document.querySelector('[data-search-form]').requestSubmit();
  const done = () => document.querySelector('[data-search]').getAttribute('aria-busy') === null
    && /找到|没有找到|不可用/.test(document.querySelector('[data-search-status]').textContent);
  for (let i = 0; i < 800 && !done(); i++) await new Promise(r => setTimeout(r, 25));
  const status = document.querySelector('[data-search-status]').textContent;
  return Number((status.match(/找到\\s*(\\d+)/) || [0, 0])[1]);
}"""

PAGEFIND_FIRST_SEARCH = """async ([query, shown]) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const search = await pagefind.search(query);
  await Promise.all(search.results.slice(0, shown).map(r => r.data()));
  return search.results.length;
}"""


def folder_bytes(folder: Path) -> tuple[int, int]:
    """(files, bytes) under `folder`."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def our_index_seconds(site: Path, out: Path, runs: int) -> list[float]:
    """The index stage alone, on the model of the built site, as the build runs it."""
    from generator.engine import parallel
    from generator.commands import build as pipeline
    from generator.engine.builder import Builder

    builder = Builder(site, cache_dir=site / ".cache", output_dir=out, autosave=False)
    model = builder.build().site
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        pipeline._index(model, parallel.cores())
        spent.append(time.perf_counter() - started)
    return spent


def indexed_pages(out: Path) -> list[str]:
    """The URLs our index holds (each page record names its page)."""
    return sorted(json.loads(p.read_text("utf-8"))["u"] for p in (out / "search" / "index" / "d").glob("*.json"))


def pagefind_run(out: Path, work: Path, runs: int, say) -> dict | None:
    """Pagefind extended on a copy of exactly our indexed pages: time, memory, bundle bytes."""
    venv = _venv("pagefind", ["pagefind[extended]"], say)
    if venv is None:
        return None
    pages = indexed_pages(out)
    site = work / "pagefind-site"
    shutil.rmtree(site, ignore_errors=True)
    for url in pages:
        target = site / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / url / "index.html", target)
    cmd = [str(venv / "bin" / "python"), "-m", "pagefind", "--site", str(site), "--root-selector", "main"]
    samples = []
    for _ in range(runs):
        shutil.rmtree(site / "pagefind", ignore_errors=True)
        s = measure(cmd, work)
        if not s.ok:
            say(f"Pagefind failed:\n{s.error}")
            return None
        samples.append(s)
    files, size = folder_bytes(site / "pagefind")
    return {"pages": len(pages), "wall": [s.wall for s in samples], "cpu": [s.cpu for s in samples],
            "rss": max(s.rss for s in samples), "files": files, "bytes": size, "site": str(site)}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                      ".json": "application/json", ".wasm": "application/wasm"}

    def log_message(self, *args) -> None:
        pass


def _serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _first_search(browser, url: str, script: str, arg) -> dict:
    """One query in a fresh context (empty cache): pages found, and what the network carried
    after the page's load (worker fetches included, which the page's own timing misses)."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    fetched: list[tuple[str, int]] = []

    def finished(request) -> None:
        if "/favicon." in request.url:
            return
        size = request.sizes().get("responseBodySize") or 0
        if not size:  # a worker's script: the body size is not reported, the header is
            response = request.response()
            size = int((response.headers.get("content-length") if response else None) or 0)
        fetched.append((request.url, size))

    page.on("requestfinished", finished)
    found = page.evaluate(script, arg)
    page.wait_for_load_state("networkidle")
    context.close()
    return {"found": found, "fetched": fetched}


def first_searches(out: Path, pagefind_site: Path | None, say) -> dict:
    """Requests and bytes of a first search, empty cache, per query, in Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        say("(Playwright is not installed here: no first-search figures; `pip install -r requirements-dev.txt`)")
        return {}
    if not Path(CHROMIUM).exists():
        say(f"({CHROMIUM} is missing: no first-search figures; scripts/install-test-deps.sh installs it)")
        return {}
    found: dict = {"ours": {}, "pagefind": {}}
    servers = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
        try:
            server, base = _serve(out)
            servers.append(server)
            for query in QUERIES:
                found["ours"][query] = _first_search(browser, base + "search/", OUR_FIRST_SEARCH, query)
            if pagefind_site is not None:
                (pagefind_site / "pf.html").write_text("<!doctype html><html lang=zh-CN><title>pf</title></html>")
                server, base = _serve(pagefind_site)
                servers.append(server)
                for query in QUERIES:
                    found["pagefind"][query] = _first_search(browser, base + "pf.html", PAGEFIND_FIRST_SEARCH,
                                                             [query, SHOWN])
        finally:
            browser.close()
            for server in servers:
                server.shutdown()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description="Search's cost: ours beside Pagefind extended, same pages.")
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--no-pagefind", action="store_true", help="ours only")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="search-cost-"))
    work.mkdir(parents=True, exist_ok=True)

    def say(text: str) -> None:
        print(text, flush=True)

    ours = our_index_seconds(args.site, args.out, args.runs)
    files, size = folder_bytes(args.out / "search" / "index")
    theirs = None if args.no_pagefind else pagefind_run(args.out, work, args.runs, say)
    searches = first_searches(args.out, Path(theirs["site"]) if theirs else None, say)
    say(f"search on {len(indexed_pages(args.out)):,} pages (medians of {args.runs})")
    rows = [("index time, wall s (CPU s)", f"{statistics.median(ours):.2f}",
             f"{statistics.median(theirs['wall']):.2f} ({statistics.median(theirs['cpu']):.2f})" if theirs else "-"),
            ("index peak RSS, MB", "(within the build)", f"{theirs['rss'] / 2**20:.0f}" if theirs else "-"),
            ("index files", f"{files:,}", f"{theirs['files']:,}" if theirs else "-"),
            ("index bytes", f"{size:,}", f"{theirs['bytes']:,}" if theirs else "-")]
    for query in QUERIES:
        cells = []
        for who in ("ours", "pagefind"):
            got = searches.get(who, {}).get(query)
            cells.append(f"{len(got['fetched'])} req, {sum(n for _, n in got['fetched']) / 1024:.0f} KB, "
                         f"{got['found']} found" if got else "-")
        rows.append((f"first search {query}", *cells))
    say(f"{'':32}{'ours':>28}{'Pagefind extended':>28}")
    for label, mine, theirs_cell in rows:
        say(f"{label:32}{mine:>28}{theirs_cell:>28}")
    say(json.dumps({"ours": {"index_s": ours, "files": files, "bytes": size}, "pagefind": theirs,
                    "first_search": searches}, ensure_ascii=False))
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
