"""How big is the search index, and how much does a reader's first search download?

Builds the real site and a generated site of 2,000 content pages (bench/gensite.py),
both under their base_url's sub-path /renda/, then for each:
  - sizes the Pagefind bundle (runtime, word index chunks, fragments, filters, meta);
  - in headless Chromium, from a fresh browser each time, types a query into the search
    page and counts every byte fetched from the moment the query is typed until the
    results are shown (Pagefind's runtime, index chunks, filters, fragments);
  - checks the generated site with the test parsers (feeds, sitemap, heads) and that its
    planted pages are found.
Prints a table; exits 1 if a first search of up to 8 characters on a 2,000-page site passes
300 KB, or a planted page is not found. A third site, bench/corpus.py's (bodies of about
1,550 characters, the heavier case), is measured the same way.

    .venv/bin/python bench/search_size.py [--pages 2000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "tests"))

from bench.gensite import PLANTED, generate  # noqa: E402

LIMIT = 300 * 1024
LONG = 8  # characters: longer queries are whole sentences, reported but not held to LIMIT
REAL_QUERIES = ("停车", "医疗", "养老", "电梯", "租房", "王大祝", "医药港", "共同富裕", "七格公园", "吕建生")
GENERATED_QUERIES = ("停车", "医疗", "养老", "电梯", "人大代表", "共同富裕", "七格公园", "社区治理",
                     "老旧小区加装电梯", "公共卫生服务能力", "的", "建议充分利用大创小镇核心及周围土地资源",
                     *(q for q, _ in PLANTED))
CORPUS_QUERIES = ("停车", "养老服务", "电梯加装", "公共交通线路", "食品安全监管", "余玉怡", "乡村振兴",
                  "村民委员会统筹协调电梯加装工作")
DONE = ("document.querySelector('[data-search]').getAttribute('aria-busy') === null && "
        "/找到|没有找到|不可用/.test(document.querySelector('[data-search-status]').textContent)")


def _browser_helpers():
    spec = importlib.util.spec_from_file_location("_browser_conftest", PROJECT / "tests/browser/conftest.py")
    module = sys.modules["_browser_conftest"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(site: Path, out: Path) -> float:
    started = time.perf_counter()
    cmd = [sys.executable, str(PROJECT / "build.py"), "build", "--site", str(site), "--out", str(out),
           "--today", "2026-11-27"]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"build of {site} failed:\n{result.stderr}")
    return time.perf_counter() - started


def _size(paths) -> int:
    return sum(p.stat().st_size for p in paths if p.is_file())


def bundle_sizes(out: Path) -> dict[str, str]:
    """Sizes of the parts of the Pagefind bundle, as printed in the table."""
    pf = out / "pagefind"
    chunks = sorted((pf / "index").glob("*.pf_index"), key=lambda p: p.stat().st_size)
    runtime = [pf / "pagefind.js", *pf.glob("wasm.*.pagefind")]
    js_gz = len(gzip.compress((pf / "pagefind.js").read_bytes(), 9))
    return {
        "bundle total": kb(_size(pf.rglob("*"))),
        "runtime (pagefind.js + wasm)": f"{kb(_size(runtime))} (pagefind.js gzipped by a server: {kb(js_gz)})",
        "word index": f"{kb(_size(chunks))} in {len(chunks)} chunks (largest {kb(chunks[-1].stat().st_size)})",
        "fragments": f"{kb(_size((pf / 'fragment').glob('*')))} in {len(list((pf / 'fragment').glob('*')))} files",
        "filters": f"{kb(_size((pf / 'filter').glob('*')))} in {len(list((pf / 'filter').glob('*')))} files",
        "meta": kb(_size(pf.glob("*.pf_meta"))),
    }


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def first_searches(browser, helpers, out: Path, queries) -> list[tuple[str, int, int, list[str]]]:
    """(query, bytes fetched, requests, first three result URLs) of each query, from a cold browser."""
    served = helpers.serve(out, "/renda/")
    rows = []
    try:
        for query in queries:
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            fetched: list[tuple[str, int]] = []
            page.on("requestfinished", lambda r: fetched.append((r.url, len(r.response().body()))))
            page.goto(served.url("search/"))
            page.wait_for_load_state("networkidle")
            start = len(fetched)
            page.type("#search-q", query)
            page.press("#search-q", "Enter")
            page.wait_for_function(DONE, timeout=60_000)
            page.wait_for_load_state("networkidle")
            after = [n for url, n in fetched[start:] if "favicon" not in url]
            top = page.eval_on_selector_all(".search-result-title a", "els => els.slice(0, 3).map(a => a.href)")
            rows.append((query, sum(after), len(after), [t[len(served.url()):] for t in top]))
            context.close()
    finally:
        served.server.shutdown()
    return rows


def page_weight(out: Path) -> str:
    html = (out / "search" / "index.html").stat().st_size
    js = (PROJECT / "static" / "search.js").stat().st_size
    css = (PROJECT / "static" / "search.css").stat().st_size
    return f"search page HTML {kb(html)}, search.js {kb(js)}, search.css {kb(css)} (loaded with the page)"


def parser_checks(out: Path, base_url: str) -> list[str]:
    import discovery_checks as checks
    problems = checks.check_heads(out, base_url)
    problems += checks.check_feeds(out, base_url)[0]
    sitemap_problems, locs = checks.sitemap_locs(out, base_url)
    return problems + sitemap_problems + [f"(sitemap lists {len(locs)} URLs)"]


def base_url_of(site: Path) -> str:
    line = next(l for l in (site / "site.yaml").read_text(encoding="utf-8").splitlines() if l.startswith("base_url:"))
    return line.split(":", 1)[1].split("#")[0].strip()


def report(browser, helpers, name: str, site: Path, out: Path, seconds: float, queries, planted) -> bool:
    """Print one site's sizes and first searches; False if it breaks the budget or misses a planted page."""
    ok = True
    indexed = len(list((out / "pagefind" / "fragment").glob("*")))
    print(f"\n== {name}: {indexed} pages indexed, build {seconds:.1f} s ==")
    for label, value in bundle_sizes(out).items():
        print(f"  {label:30} {value}")
    print(f"  {page_weight(out)}")
    print(f"  {'first search':20} {'downloaded':>11} {'requests':>9}  first results")
    rows = first_searches(browser, helpers, out, queries)
    for query, size, count, top in rows:
        held = len(query) <= LONG and name != "real site"
        mark = "  OVER 300 KB" if held and size > LIMIT else ("  (long sentence: reported only)" if len(query) > LONG else "")
        ok &= not (held and size > LIMIT)
        print(f"  {query:20} {kb(size):>11} {count:>9}  {', '.join(top) or '(none)'}{mark}")
    typical = [r[1] for r in rows if len(r[0]) <= LONG]
    print(f"  largest first search (queries of up to {LONG} characters): {kb(max(typical))}")
    for query, page in planted:
        top = next(r[3] for r in rows if r[0] == query)
        found = page in top
        ok &= found
        print(f"  planted {query}: {'found in the first three' if found else 'NOT in the first three'} ({page})")
    if name != "real site":
        problems = parser_checks(out, base_url_of(site))
        print("  parsers (feeds, sitemap, robots.txt, canonical/Open Graph/JSON-LD): "
              + ("; ".join(problems[:5]) if len(problems) > 1 else f"ok {problems[0]}"))
        ok &= len(problems) == 1
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description="Search index size and first-search bytes.")
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="build into this folder instead of a temporary one")
    args = parser.parse_args()
    helpers = _browser_helpers()
    from playwright.sync_api import sync_playwright
    from bench import corpus

    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        gen = generate(work / "generated", args.pages, seed=1, base_url="https://example.gov.cn/renda/")
        heavy = work / "corpus"
        corpus.generate(heavy, args.pages, seed=1)
        sites = [
            ("real site", PROJECT, REAL_QUERIES, ()),
            (f"generated {args.pages} (bench/gensite.py)", gen, GENERATED_QUERIES, PLANTED),
            (f"generated {args.pages}, long bodies (bench/corpus.py)", heavy, CORPUS_QUERIES, ()),
        ]
        ok = True
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=helpers.CHROMIUM, args=helpers.ARGS)
            for i, (name, site, queries, planted) in enumerate(sites):
                out = work / f"out-{i}" / "public"
                seconds = build(site, out)
                ok &= report(browser, helpers, name, site, out, seconds, queries, planted)
            browser.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
