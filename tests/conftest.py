"""Shared test helpers: write small sites in Chinese, build them for real, parse the output."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from lxml import html as lxml_html

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 27)  # fixed build day for deterministic tests

SITE_YAML = """\
title: 测试区人民代表大会常务委员会
base_url: https://example.gov.cn/renda/
language: zh-CN
topics: [医疗卫生, 交通出行, 教育]
footer:
  sponsor: 测试区人大常委会办公室
  icp: 浙ICP备00000000号
  site_code: "0000000000"
  police: 浙公网安备 33000000000000号
"""


def tiny_png(shade: int = 0, size: int = 4) -> bytes:
    """A real PNG of `size`×`size` pixels (images of media/ must be what their name says)."""
    import struct
    import zlib
    rows = b"".join(b"\x00" + bytes((shade % 256, 90, 160)) * size for _ in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write_site(root: Path, files: dict[str, str | bytes], site_yaml: str | None = SITE_YAML) -> Path:
    """Write a site folder: `files` maps site-relative paths to text (dedented) or bytes."""
    root.mkdir(parents=True, exist_ok=True)
    if site_yaml is not None and "site.yaml" not in files:
        (root / "site.yaml").write_text(site_yaml, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data).lstrip("\n"), encoding="utf-8")
    return root


def copy_output(published: Path, to: Path) -> None:
    """A published output copied elsewhere whole: its files and the writer's state file beside it
    (a folder without one is not an output, and the build refuses to replace it)."""
    shutil.copytree(published, to, symlinks=True)
    shutil.copy2(published.parent / f".{published.name}.state", to.parent / f".{to.name}.state")


def run_build(site: Path, *args: str, out: Path | None = None, today: dt.date | None = TODAY,
              python: str = sys.executable) -> subprocess.CompletedProcess:
    """Run the real command line: `python build.py build --site … --out …`."""
    cmd = [python, str(PROJECT / "build.py"), "build", "--site", str(site)]
    if out is not None:
        cmd += ["--out", str(out)]
    if today is not None:
        cmd += ["--today", today.isoformat()]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=300)


def parse(path: Path):
    """Parse an output HTML file with lxml."""
    return lxml_html.fromstring(path.read_bytes())


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below a folder with its bytes, to prove output untouched."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The real Qiantang site, built once for the whole run."""
    out = tmp_path_factory.mktemp("real") / "public"
    result = run_build(PROJECT, out=out)
    assert result.returncode == 0, result.stderr
    return out
