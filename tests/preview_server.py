"""The real preview server for tests: `python build.py serve --site SITE --port FREE` as a subprocess.

Used by tests/test_serve.py and tests/browser/test_livereload.py. Everything is
observed from outside: pages over HTTP, and the server's small status JSON
(/__preview__/status.json: rebuild generation, reloads sent, errors, the files
the last rebuild rewrote). Waiting is always polling with a deadline.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PreviewServer:
    """One running `serve`; stop() ends it (by its own pid) and returns what it printed."""

    def __init__(self, site: Path, port: int | None = None, startup: float = 60.0):
        self.site = site
        self.port = port or free_port()
        self._log = tempfile.TemporaryFile()
        env = {**os.environ, "CI": "1", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, str(PROJECT / "build.py"), "serve", "--site", str(site), "--port", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, env=env, cwd=str(site))
        self.wait_until(lambda: self._try_status(), timeout=startup, what="the server to answer")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _try_status(self) -> dict | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.output}")
        try:
            return self.status()
        except OSError:
            return None

    def request(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, path: str) -> tuple[int, str]:
        status, _, body = self.request(path)
        return status, body.decode("utf-8", "replace")

    def text(self, path: str) -> str:
        status, body = self.get(path)
        assert status == 200, f"GET {path}: {status}"
        return body

    def status(self) -> dict[str, Any]:
        return json.loads(self.request("/__preview__/status.json")[2])

    def wait_until(self, check: Callable[[], Any], timeout: float = 15.0, what: str = "a change") -> Any:
        """Poll `check` until it returns something true; fail with the server's output."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}\n--- server output ---\n"
                                     f"{self.output[-4000:]}")
            time.sleep(0.02)

    def wait_for_page(self, path: str, has: str = "", status: int = 200, timeout: float = 15.0) -> str:
        """Poll a page until it answers `status` and (if given) contains `has`."""
        def ready() -> str | None:
            code, body = self.get(path)
            return body if code == status and (not has or has in body) else None
        return self.wait_until(ready, timeout, f"GET {path} -> {status}" + (f" with {has!r}" if has else ""))

    def wait_settled(self, quiet: float = 0.4, timeout: float = 15.0) -> dict[str, Any]:
        """Wait until no rebuild is queued or running and none started for `quiet` seconds."""
        deadline = time.monotonic() + timeout
        last = self.status()
        stable_since = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.05)
            now = self.status()
            if now["busy"] or now["generation"] != last["generation"]:
                last, stable_since = now, time.monotonic()
            elif time.monotonic() - stable_since >= quiet:
                return now
        raise AssertionError(f"the server never settled\n{self.output[-4000:]}")

    @property
    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        out = self.output
        self._log.close()
        return out


def write(path: Path, text: str) -> None:
    """Save a file the way many editors do (write a hidden temporary file, rename it over), creating its folder.

    Never an empty file for a moment: a test descheduled between truncating and writing would
    otherwise see the server rebuild that empty file first. Saving in place is exercised by
    tests/test_server_load.py's editor.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.saving")  # a dot name: the server's watcher ignores it
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


SITE_YAML = """\
title: 预览测试区人民代表大会常务委员会
base_url: https://example.gov.cn/renda/
language: zh-CN
topics: [医疗卫生, 交通出行]
footer:
  sponsor: 预览测试区人大常委会办公室
  icp: 浙ICP备00000000号
  site_code: "0000000000"
  police: 浙公网安备 33000000000000号
"""

SITE_FILES = {
    "content/sessions/1-1.md": """\
---
title: 预览测试区第一届人民代表大会第一次会议
start: 2021-07-19
end: 2021-07-21
place: 区行政中心
---
大会听取和审议了工作报告。
""",
    "content/deputies/zhou.md": """\
---
name: 周测试
role: 人大代表
occupation: 医生
---
周测试代表长期在社区医院工作。
""",
    "content/voices/v1.md": """\
---
title: 第一条心声关于社区医院
session: 1-1
kind: 代表
speaker: zhou
topics: [医疗卫生]
---
社区医院要把常见病留在家门口。

第二段原来的文字。
""",
    "content/voices/v2.md": """\
---
title: 第二条心声关于公交
session: 1-1
kind: 市民
speaker: 李市民
speaker_title: 退休教师
topics: [交通出行]
---
希望增开社区公交。
""",
    "content/voices/draft.md": """\
---
title: 还没写完的心声草稿
session: 1-1
kind: 市民
speaker: 王草稿
draft: true
---
草稿正文。
""",
    "content/news/n1.md": """\
---
title: 代表走进社区听民意
date: 2021-07-20
session: 1-1
---
新闻正文，见[第一条心声](../voices/v1.md)。
""",
    "content/news/future.md": """\
---
title: 将来才发布的新闻
date: 2099-01-01
---
未来的新闻。
""",
    "content/pages/about.md": """\
---
title: 关于本站
order: 1
---
本站是预览测试网站。
""",
}


def make_site(root: Path, extra: dict[str, str] | None = None) -> Path:
    """A small site with every kind of page, a draft and a future-dated item."""
    root.mkdir(parents=True, exist_ok=True)
    write(root / "site.yaml", SITE_YAML)
    for rel, text in {**SITE_FILES, **(extra or {})}.items():
        write(root / rel, text)
    return root
