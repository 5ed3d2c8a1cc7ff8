"""The preview server under load and under attack, started for real:
`python build.py serve --site SITE --port FREE` (tests/preview_server.py).

- Load: 2,000 requests (more, until ten saves were made), 20 at a time, over loopback, to pages, assets, feeds and the
  status JSON, while the site's files change (bodies edited, a broken file saved and
  fixed, site.yaml touched): every request answered 200, the server alive, its memory
  flat from the warm-up to the end.
- Attack: `..`, encoded and double-encoded traversal, absolute paths, backslashes,
  NUL bytes, overlong UTF-8 and overlong URLs get 400/404 (414/431 for what the HTTP
  layer refuses outright), never a byte of a file outside the preview folder.
- It listens on 127.0.0.1 only, unless --host says otherwise (and then says so).
"""

from __future__ import annotations

import http.client
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import pytest

HERE = Path(__file__).resolve().parent

from preview_server import PreviewServer, free_port

PROJECT = HERE.parent
REQUESTS, CONCURRENCY = 2000, 20
MIN_SAVES = 10  # the load goes on (in rounds of 200 requests) until the editor has saved this often
SECRET = "SECRET-OUTSIDE-THE-PREVIEW-7f3a"
MEMORY_GROWTH_LIMIT = 40 * 1024 * 1024  # bytes of RSS from the warm-up to the end


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """A 300-page site (bench/corpus.py), with a secret file beside it and one beside the preview's parent."""
    root = tmp_path_factory.mktemp("load")
    site = root / "site"
    made = subprocess.run([sys.executable, str(PROJECT / "bench" / "corpus.py"), str(site), "--pages", "300"],
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    (site / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def server(site) -> Iterator[PreviewServer]:
    srv = PreviewServer(site, startup=120)
    srv.wait_settled(timeout=60)
    yield srv
    srv.stop()


def _pages(server: PreviewServer, site: Path) -> list[str]:
    """URLs that exist throughout the load: pages, lists, assets, feeds, the status."""
    home = server.text("/")
    links = sorted(set(re.findall(r'href="((?:\.\./)*[a-z][a-z0-9/_.-]*/)"', home)))
    urls = ["/", "/voices/", "/sessions/", "/deputies/", "/news/", "/topics/", "/search/", "/404.html",
            "/sitemap.xml", "/feeds/voices.xml", "/__preview__/status.json", "/__preview__/errors.css",
            "/livereload.js"]
    urls += ["/" + link.lstrip("./") for link in links if not link.startswith("http")]
    css = re.search(r'href="([^"]*static/site\.css[^"]*)"', home)
    if css:
        urls.append("/" + css.group(1).lstrip("./"))
    for url in list(urls):
        status, _ = server.get(url)
        if status != 200:
            urls.remove(url)
    assert len(urls) >= 15, urls
    return urls


class Editor(threading.Thread):
    """Changes the site while the load runs: body edits, a broken file and its fix, site.yaml."""

    def __init__(self, site: Path, stop: threading.Event):
        super().__init__(daemon=True)
        self.site, self.stop, self.saves = site, stop, 0
        self.voices = sorted((site / "content" / "voices").rglob("*.md"))[:30]
        self.originals = {p: p.read_bytes() for p in self.voices}
        self.config = (site / "site.yaml").read_bytes()

    def run(self) -> None:
        rng = random.Random(7)
        while not self.stop.is_set() and self.saves < 3 * MIN_SAVES:  # like for like: memory after as many saves
            n = self.saves
            path = rng.choice(self.voices)
            if n % 10 == 5:
                path.write_text("---\ntitle: [未闭合\n---\n", encoding="utf-8")  # bad content: an error banner
            elif n % 10 == 9:
                (self.site / "site.yaml").write_bytes(self.config + f"# 修改 {n}\n".encode())
            else:
                path.write_bytes(self.originals[path] + f"\n第 {n} 次修改。\n".encode())
            self.saves += 1
            self.stop.wait(0.15)
        for path, data in self.originals.items():
            path.write_bytes(data)
        (self.site / "site.yaml").write_bytes(self.config)


def _hammer(port: int, urls: list[str], count: int, seed: int) -> list[tuple[str, int | str, float]]:
    """One client: `count` requests over one keep-alive connection (reopened when the server closes it)."""
    rng = random.Random(seed)
    results = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        url = rng.choice(urls)
        started = time.monotonic()
        for attempt in (1, 2):
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                results.append((url, response.status, time.monotonic() - started))
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                conn.close()  # an idle keep-alive connection closed by the server: one retry on a new one
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                if attempt == 2:
                    results.append((url, f"{type(exc).__name__}: {exc}", time.monotonic() - started))
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                results.append((url, f"{type(exc).__name__}: {exc}", time.monotonic() - started))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                break
    conn.close()
    return results


def test_2000_requests_20_at_a_time_while_files_change(server: PreviewServer, site: Path):
    urls = _pages(server, site)
    warm = _run_load(server.port, urls, 400)  # warm-up: caches, feeds, the first rebuilds
    assert all(status == 200 for _, status, _ in warm)
    server.wait_settled(timeout=60)
    before = rss(server.proc.pid)
    stop = threading.Event()
    editor = Editor(site, stop)
    editor.start()
    try:
        results = _run_load(server.port, urls, REQUESTS)
        while editor.saves < MIN_SAVES and editor.is_alive():  # a fast machine: keep loading while saves go on
            results += _run_load(server.port, urls, 200)
    finally:
        stop.set()
        editor.join(30)
    server.wait_settled(timeout=60)
    failed = [r for r in results if r[1] != 200]
    assert len(results) >= REQUESTS
    assert failed == [], failed[:20]
    assert server.proc.poll() is None, server.output[-3000:]
    assert editor.saves >= MIN_SAVES
    status = server.status()
    assert status["errors"] == 0, server.output[-3000:]  # the last save fixed everything
    after = rss(server.proc.pid)
    slowest = max(r[2] for r in results)
    print(f"\nrequests served: {len(results)} (20 at a time) while {editor.saves} saves were rebuilt; "
          f"RSS {before / 2**20:.0f} -> {after / 2**20:.0f} MB; slowest {slowest:.2f} s")
    assert after - before < MEMORY_GROWTH_LIMIT, (before, after)
    assert "Traceback" not in server.output


def _run_load(port: int, urls: list[str], total: int) -> list[tuple[str, int | str, float]]:
    per = total // CONCURRENCY
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        parts = pool.map(lambda n: _hammer(port, urls, per, n), range(CONCURRENCY))
    return [r for part in parts for r in part]


# -- attacks ------------------------------------------------------------------------------------

ATTACKS = [
    "/../secret.txt", "/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2E%2E/secret.txt",
    "/voices/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%2f..%2fsecret.txt", "/%2e%2e%2fsecret.txt",
    "/%252e%252e/secret.txt", "/%252e%252e%252fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt",
    "/a\\..\\..\\secret.txt", "/%c0%ae%c0%ae/secret.txt", "/%c0%af..%c0%afsecret.txt", "/..;/secret.txt",
    "//etc/passwd", "/%2Fetc%2Fpasswd", "///etc/passwd", "/etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/file:///etc/passwd", "/C:/Windows/win.ini", "/%00", "/index.html%00.txt", "/%00/../secret.txt",
    "/voices/%00", "/.%2e/secret.txt", "/./../secret.txt", "/static/../../secret.txt",
    "/" + "a" * 3000, "/" + "%2e%2e/" * 400 + "secret.txt", "/?" + "q=" * 2000,
]


def _raw(port: int, request: bytes) -> tuple[int, bytes]:
    """Send bytes as they are (http.client refuses NULs and spaces in a URL); (status, whole answer)."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        try:
            sock.sendall(request)
        except (ConnectionResetError, BrokenPipeError):  # refused before it was all sent: no answer
            return 0, b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, _, body = data.partition(b"\r\n\r\n")
                length = re.search(rb"content-length:\s*(\d+)", head, re.I)
                if length and len(body) >= int(length.group(1)):
                    break
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return (int(match.group(1)) if match else 0), data


@pytest.mark.parametrize("path", ATTACKS, ids=lambda p: p[:40])
def test_attacks_get_400_or_404_and_nothing_from_outside(server: PreviewServer, path: str):
    status, answer = _raw(server.port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
    assert status in (400, 404, 414, 431), (path, status)
    assert SECRET.encode() not in answer and b"root:x:0:0" not in answer and b"[fonts]" not in answer, path
    assert server.proc.poll() is None


@pytest.mark.parametrize("request_bytes", [
    b"GET /\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /..\x00/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET ../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET http://127.0.0.1/../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /" + b"x" * 200_000 + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 200_000 + b"\r\nConnection: close\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET /voices/ HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
], ids=["nul", "nul-traversal", "no-slash", "absolute-form", "200k-url", "200k-header", "garbage", "bad-length"])
def test_malformed_requests_are_refused_and_the_server_lives_on(server: PreviewServer, request_bytes: bytes):
    status, answer = _raw(server.port, request_bytes)
    assert status in (0, 400, 404, 414, 431), status  # 0: the connection closed without an answer
    assert SECRET.encode() not in answer
    assert server.proc.poll() is None
    assert server.get("/")[0] == 200


def _listening(port: int) -> set[str]:
    """The local addresses a TCP port is listened on (IPv4 and IPv6), from /proc/net."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hexport = fields[1].split(":")
            if int(hexport, 16) == port and fields[3] == "0A":  # LISTEN
                found.add(address)
    return found


def test_listens_on_loopback_only_unless_told(server: PreviewServer, site: Path):
    assert _listening(server.port) == {"0100007F"}  # 127.0.0.1
    port = free_port()
    cmd = [sys.executable, str(PROJECT / "build.py"), "serve", "--site", str(site), "--port", str(port),
           "--host", "0.0.0.0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"})
    try:
        lines = []
        deadline = time.monotonic() + 120
        while not any("预览地址" in line for line in lines):
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        while not any("同一网络中的其他电脑也能看到预览" in line for line in lines):  # said once it listens
            assert time.monotonic() < deadline and proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        assert _listening(port) == {"00000000"}
    finally:
        proc.terminate()
        proc.wait(30)
