"""Big and odd sites: each builds, or stops with a clear message, in bounded memory.

A 5 MB Markdown file, a page with 10,000 list items, 1,000 topics, an empty content/,
a site with only drafts; YAML alias bombs ("billion laughs") and deep nesting in front
matter and in site.yaml, refused quickly with a message naming the file, not eating
memory. Each build is the real command line, run in a child whose peak memory
(ru_maxrss, its worker processes' included) is read back, under an address-space limit so that a
runaway could never take the machine down with it. A build that hangs fails by the
command's timeout; how fast builds are is measured in bench/, not asserted here.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 27)
MEMORY_LIMIT = 6 * 2**30  # address space of the build process: a runaway fails instead of swapping
SITE_YAML = """\
title: 大型测试区人民代表大会常务委员会
base_url: https://example.gov.cn/renda/
language: zh-CN
topics: [医疗卫生, 交通出行, 教育]
"""
SESSION = "---\ntitle: 第一次会议\nstart: 2021-01-05\nend: 2021-01-08\n---\n会议。\n"

# Runs the command line in this child and reports its peak memory (VmHWM: ru_maxrss would carry
# over the forking pytest's size) and its children's (the worker pool's).
MEASURE = (
    "import re, resource, sys\n"
    f"sys.path.insert(0, {str(PROJECT)!r})\n"
    "from generator.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "own = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
    "kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'MAXRSS {own} {kids}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Measured:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: int  # the larger of the build's own peak and its largest child's (a worker)

    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if ": 错误: " in line]


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def build(site: Path, *args: str, timeout: float = 300) -> Measured:
    """`python build.py build` on `site`, measured; `timeout`: what counts as hanging."""
    out = site.parent / "out" / "public"
    cmd = [sys.executable, "-c", MEASURE, "build", "--site", str(site), "--out", str(out),
           "--today", TODAY.isoformat(), *args]
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, preexec_fn=_limit,
                          env={**os.environ, "CI": "1"})
    seconds = time.monotonic() - started
    stderr = proc.stderr
    peak = 0
    for line in stderr.splitlines():
        if line.startswith("MAXRSS "):
            peak = max(int(v) for v in line.split()[1:]) // 1024
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "MemoryError" not in stderr
    return Measured(proc.returncode, proc.stdout, stderr, seconds, peak)


def make_site(root: Path, files: dict[str, str], site_yaml: str = SITE_YAML) -> Path:
    site = root / "site"
    for rel, text in {"site.yaml": site_yaml, **files}.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site / "content").mkdir(exist_ok=True)
    return site


def report(name: str, m: Measured) -> None:
    print(f"\n{name}: exit {m.code}, {m.seconds:.1f} s, peak {m.peak_mb} MB")


# -- big ----------------------------------------------------------------------------------------

def big_body(size: int, seed: int = 1) -> str:
    """Realistic Chinese Markdown of about `size` bytes: headings, lists, bold, links."""
    rng = random.Random(seed)
    words = "人大代表建议办理社区医疗教育交通住房养老生态环境治理民主法治监督预算审查"
    parts, total, n = [], 0, 0
    while total < size:
        n += 1
        if n % 20 == 0:
            part = f"## 第{n}节"
        elif n % 7 == 0:
            part = "\n".join(f"- 第{n}-{i}项，**重点**内容" for i in range(5))
        else:
            part = "".join(rng.choice(words) for _ in range(290)) + "。[链接](https://example.gov.cn/)"
        parts.append(part)
        total += len(part.encode("utf-8")) + 2
    return "\n\n".join(parts)


def test_a_5_mb_markdown_file(tmp_path):
    body = big_body(5 * 2**20)
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/news/big.md": f"---\ntitle: 很长的文章\ndate: 2021-01-06\n---\n{body}\n"})
    assert (site / "content/news/big.md").stat().st_size > 5 * 2**20
    m = build(site)
    report("5 MB Markdown", m)
    assert m.code == 0, m.stderr
    page = (site.parent / "out/public/news/big/index.html").read_text(encoding="utf-8")
    assert page.count("<h2") + page.count("<h3") > 300 and page.rstrip().endswith("</html>")
    assert m.peak_mb < 1500


def test_a_page_with_10000_list_items(tmp_path):
    items = "\n".join(f"{i}. 第 {i} 项建议：加快**老旧小区**改造" for i in range(1, 10001))
    nested = "\n".join("  " * (i % 4) + f"- 层级项 {i}" for i in range(10000))
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/pages/list.md": f"---\ntitle: 一万项\n---\n{items}\n\n正文\n\n{nested}\n"})
    m = build(site)
    report("10,000 list items", m)
    assert m.code == 0, m.stderr
    page = (site.parent / "out/public/list/index.html").read_text(encoding="utf-8")
    assert page.count("<li") >= 20000
    assert m.peak_mb < 1000


def test_1000_topics(tmp_path):
    topics = [f"专题{i:04d}" for i in range(1000)]
    rng = random.Random(3)
    files = {"content/sessions/1-1.md": SESSION}
    for n in range(300):
        tags = ", ".join(rng.sample(topics, 5)) if n else ", ".join(topics)  # the first voice has them all
        files[f"content/voices/v{n:03d}.md"] = (f"---\ntitle: 心声{n}\nsession: 1-1\nkind: 市民\nspeaker: 市民{n}\n"
                                               f"topics: [{tags}]\n---\n正文{n}。\n")
    site_yaml = SITE_YAML.replace("topics: [医疗卫生, 交通出行, 教育]", "topics:\n" + "".join(f"  - {t}\n" for t in topics))
    site = make_site(tmp_path, files, site_yaml)
    m = build(site)
    report("1,000 topics", m)
    assert m.code == 0, m.stderr
    made = [p for p in (site.parent / "out/public/topics").iterdir() if p.is_dir()]
    assert len(made) >= 1000
    assert m.peak_mb < 1000


# -- odd ----------------------------------------------------------------------------------------

def test_an_empty_content_folder(tmp_path):
    site = make_site(tmp_path, {})
    m = build(site)
    report("empty content/", m)
    assert m.code == 0, m.stderr
    assert (site.parent / "out/public/index.html").is_file()


def test_a_site_with_only_drafts(tmp_path):
    site = make_site(tmp_path, {
        "content/sessions/1-1.md": SESSION.replace("---\n会议", "draft: true\n---\n会议"),
        "content/voices/v.md": "---\ntitle: 草稿心声\nsession: 1-1\nkind: 市民\nspeaker: 张三\ndraft: true\n---\n正文\n",
        "content/news/future.md": "---\ntitle: 未来的新闻\ndate: 2099-01-01\n---\n正文\n"})
    m = build(site)
    report("only drafts", m)
    assert m.code == 0, m.stderr
    out = site.parent / "out/public"
    assert not (out / "voices/v").exists() and not (out / "news/future").exists()
    assert "草稿心声" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    shown = build(site, "--drafts")
    assert shown.code == 0, shown.stderr
    assert "草稿" in (out / "voices/v/index.html").read_text(encoding="utf-8")


# -- refused quickly -------------------------------------------------------------------------------

def bomb(levels: int = 9, width: int = 9, indent: str = "") -> str:
    """A YAML "billion laughs": width**levels strings from a few hundred bytes."""
    lines = [f'{indent}a0: &a0 [{", ".join(["lol"] * width)}]']
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return "\n".join(lines)


def merge_bomb(levels: int = 9) -> str:
    """The same through merge keys (<<), which PyYAML's constructor would expand in place."""
    lines = ["m0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{" + ", ".join(f"k{j}: *m{i - 1}" for j in range(9)) + f", <<: *m{i - 1}}}")
    return "\n".join(lines)


@pytest.mark.parametrize("name, front", [
    ("billion laughs", bomb() + "\ntitle: *a8"),
    ("merge keys", merge_bomb() + "\ntitle: 标题"),
    ("a loop", "title: &t [*t]"),
    ("10,000 levels of [", "title: " + "[" * 10000 + "]" * 10000),
    ("100,000 levels of {", "title: " + "{a: " * 100000 + "1" + "}" * 100000),
])
def test_alias_bombs_and_deep_nesting_in_front_matter(tmp_path, name, front):
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/news/bomb.md": f"---\n{front}\ndate: 2021-01-06\n---\n正文\n"})
    m = build(site, timeout=60)
    report(f"front matter: {name}", m)
    assert m.code == 1
    assert len(m.errors()) == 1 and m.errors()[0].startswith("content/news/bomb.md:"), m.stderr
    assert "front matter 的 YAML 格式有误" in m.errors()[0]
    assert m.peak_mb < 400
    assert not (site.parent / "out").exists() or not (site.parent / "out/public").exists()


@pytest.mark.parametrize("name, extra", [
    ("billion laughs", "\n" + bomb() + "\ndescription: *a8\n"),
    ("merge keys", "\n" + merge_bomb() + "\n"),
    ("deep nesting", "\ndescription: " + "[" * 50000 + "]" * 50000 + "\n"),
])
def test_alias_bombs_and_deep_nesting_in_site_yaml(tmp_path, name, extra):
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION}, SITE_YAML + extra)
    m = build(site, timeout=60)
    report(f"site.yaml: {name}", m)
    assert m.code == 1
    assert m.errors() and all(e.startswith("site.yaml") for e in m.errors()), m.stderr
    assert "YAML 格式有误" in m.errors()[0]
    assert m.peak_mb < 400


def test_an_entity_bomb_in_a_body_stays_text(tmp_path):
    """XML's own "billion laughs" in raw HTML: nothing expands it."""
    body = ('<!DOCTYPE lolz [<!ENTITY lol "lol">' +
            "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)) +
            ']>\n<p>&lol9;</p>\n')
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/news/x.md": f"---\ntitle: 实体\ndate: 2021-01-06\n---\n{body}"})
    m = build(site, timeout=60)
    assert m.code == 0, m.stderr
    page = (site.parent / "out/public/news/x/index.html").read_bytes()
    assert len(page) < 200_000 and b"lollollol" not in page
    assert m.peak_mb < 400


def test_deeply_nested_markdown_is_an_error_naming_the_file(tmp_path):
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/news/deep.md": "---\ntitle: 深\ndate: 2021-01-06\n---\n" + "> " * 100
                                + "- " * 1000 + "深\n\n" + "<div>" * 100000 + "\n"})
    m = build(site, timeout=60)
    report("deep Markdown", m)
    assert m.code == 1
    assert m.errors() == [line for line in m.stderr.splitlines() if line.startswith("content/news/deep.md:5: 错误: ")]
    assert "嵌套太深" in m.errors()[0]
    assert m.peak_mb < 600


@pytest.mark.parametrize("indent", ["\t", "    ", "  ", "> "])
def test_a_list_indented_thousands_of_levels_is_refused_before_it_is_converted(tmp_path, indent):
    """2,000 items, each indented one level more (tabs, four spaces, two spaces, or quoted):
    Python-Markdown would take minutes and gigabytes over it. It is refused at once, on the
    line that goes past 200 levels."""
    body = "\n".join(indent * i + "- x" for i in range(2000))
    site = make_site(tmp_path, {"content/sessions/1-1.md": SESSION,
                                "content/news/deep.md": "---\ntitle: 深\ndate: 2021-01-06\n---\n开头。\n\n" + body + "\n"})
    m = build(site, timeout=60)
    report(f"indented 2,000 levels with {indent!r}", m)
    assert m.code == 1
    assert len(m.errors()) == 1 and "嵌套太深" in m.errors()[0], m.stderr
    first_too_deep = {"\t": 201, "    ": 201, "  ": 402, "> ": 201}[indent]  # the item past 200 levels
    assert m.errors()[0].startswith(f"content/news/deep.md:{7 + first_too_deep}: 错误: "), m.errors()
    assert m.peak_mb < 600
