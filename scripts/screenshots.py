"""Screenshots of the real site for the README: 360×780 and 1280×900, 标准 and 大字模式.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--full]

Builds the site in this folder into a temporary folder, serves it on loopback and
photographs each page type with Debian's Chromium (the test suite's browser). The first
screen only by default (what a reader sees on opening the page); --full takes whole pages.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PAGES = [("home", ""), ("session", "sessions/1-1/"), ("voice", "voices/zhou-dao-yang-yi-liao/"),
         ("person", "deputies/zhou-dao-yang/"), ("report", "reports/work-report-2021/")]
SIZES = [(360, 780), (1280, 900)]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT / "docs" / "screenshots")
    parser.add_argument("--site", type=Path, default=PROJECT)
    parser.add_argument("--full", action="store_true", help="whole pages, not the first screen")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        public = Path(tmp) / "public"
        subprocess.run([sys.executable, str(PROJECT / "build.py"), "build", "--site", str(args.site),
                        "--out", str(public)], check=True, stdout=subprocess.DEVNULL)
        handler = functools.partial(_Quiet, directory=str(public))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for mode in ("standard", "large"):
                for width, height in SIZES:
                    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
                    context.add_init_script(f"try {{ localStorage.setItem('reading-mode', '{mode}'); }} catch (e) {{}}")
                    page = context.new_page()
                    for name, rel in PAGES:
                        page.goto(base + rel)
                        suffix = "" if mode == "standard" else "-large"
                        target = args.out / f"{name}-{width}{suffix}.png"
                        page.screenshot(path=str(target), full_page=args.full)
                        print(target.relative_to(args.out.parent) if args.out.is_relative_to(PROJECT) else target)
                    context.close()
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
