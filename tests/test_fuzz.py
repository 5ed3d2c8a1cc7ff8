"""Fuzzing the content pipeline: whatever an editor (or a broken disk) puts in a site folder,
the build either succeeds or stops with one message per problem naming the file.

Never a traceback, a hang, or a file written outside --out.

Property-based (hypothesis): front matter with random YAML types where text is expected,
huge and empty values, control characters, deep nesting; Markdown with unbalanced markup
and hostile HTML; BOMs, CRLF, other encodings and random bytes; odd file names; a random
site.yaml. The pipeline runs in-process for speed (generator.engine.builder.Builder, then
generator.outputs.discovery and generator.engine.writer, as commands/build.py does); a few
examples go through the real command line. Deterministic in CI (derandomize); the same
properties run with random seeds and many more examples in bench/fuzz_nightly.py.

Examples per property: FUZZ_SCALE (environment variable, default 1) multiplies them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from lxml import etree

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent

from generator.engine.builder import Builder
from generator.engine.inputs import theme_dirs
from generator.outputs.discovery import discovery_files
from generator.errors import BuildFailed, Problem
from generator.model.fields import SCHEMA, fields_of
from generator.model.markdown import MarkdownRenderer
from generator.pages.render import make_environment
from generator.engine.writer import output_lock, write_site
from tests.conftest import SITE_YAML

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # big examples' reprs

TODAY = dt.date(2026, 11, 27)
SCALE = float(os.environ.get("FUZZ_SCALE", "1"))
EXAMPLE_SECONDS = float(os.environ.get("FUZZ_EXAMPLE_SECONDS", "20"))  # one example longer than this: a hang
TRIED: dict[str, int] = {}  # property -> examples run (reported in test-artifacts/fuzz-report.json)
OUTCOMES: dict[str, int] = {"built": 0, "refused": 0}  # in-process builds that published / stopped with errors

# A small valid site the fuzzed file joins: everything a reference can name exists.
BASE_FILES = {
    "content/sessions/1-1.md": "---\ntitle: 第一届人民代表大会第一次会议\nstart: 2021-01-05\nend: 2021-01-08\n---\n会议正文。\n",
    "content/deputies/zhou-dao-yang.md": "---\nname: 周道杨\nrole: 人大代表\ntopics: [医疗卫生]\n---\n代表简介。\n",
    "content/deputies/li-wei.md": "---\nname: 李伟\nrole: 政协委员\n---\n委员简介。\n",
    "content/voices/v-base.md": ("---\ntitle: 基础心声\nsession: 1-1\nkind: 代表\nspeaker: zhou-dao-yang\n"
                                 "topics: [教育]\n---\n正文[会议](../sessions/1-1.md)。\n"),
}


def examples(n: int) -> int:
    return max(1, int(n * SCALE))


def fuzz_settings(n: int) -> settings:
    """CI: deterministic and bounded; the nightly script loads its own profile instead."""
    if os.environ.get("FUZZ_NIGHTLY"):
        return settings(max_examples=examples(n), deadline=None, database=None,
                        suppress_health_check=list(HealthCheck), print_blob=True)
    return settings(max_examples=examples(n), deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


# -- strategies ---------------------------------------------------------------------------------

NASTY_TEXT = [
    "", " ", "\t", "\u3000", "~", "null", "None", "true", "no", "0", "-1", "1e999", ".nan", "0x1F", "0o17",
    "\x00", "\x01\x02\x7f", "\x1b[31m红\x1b[0m", "\u202e反转\u202c", "\u200b", "\ufeff", "\ufffe", "\ufdd0",
    "\u2028\u2029", "a\rb", "a\nb", "---", "...", "- item", "key: value", "{a: 1}", "[1, 2", "&anchor", "*alias",
    "!!python/object:os.system", "!!binary aGk=", "%YAML 1.1", "|", ">", "'", '"', "\\", "#", "@", "`",
    "<script>alert(1)</script>", "</title><script>alert(1)</script>", "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)", "{{ 7*7 }}", "{% raw %}", "${x}", "%(x)s", "../../etc/passwd", "/etc/passwd",
    "C:\\Windows", "..", ".", "con", "nul", "周道杨", "zhou-dao-yang", "1-1", "医疗卫生", "代表", "人大代表",
    "𝕏𝕐", "😀" * 3, "\U0010ffff", "ﷺ", "ß" * 5, "İ", "ǅ", "a" * 300, "中" * 300,
    "x" * 100_000, "中文" * 25_000,
]
# Values that fit each field, so that some examples get past validation into the model and the pages.
PLAUSIBLE: dict[str, list[Any]] = {
    "title": ["标题", "关于七格公园的建议", "Title"], "name": ["周道杨", "王芳", "李伟"],
    "start": ["2021-01-05", dt.date(2021, 1, 5)], "end": ["2021-01-08", dt.date(2021, 1, 8)],
    "date": ["2021-01-06", dt.date(2021, 1, 6), "2021-13-01", "0001-01-01", "9999-12-31"],
    "answered": ["2021-03-01"], "session": ["1-1", "9-9"], "kind": ["代表", "委员", "市民"],
    "speaker": ["周道杨", "zhou-dao-yang", "李伟", "张三"], "role": ["人大代表", "政协委员"],
    "topics": [["医疗卫生"], ["教育", "交通出行"], ["未知专题"], []], "people": [["周道杨"], ["li-wei", "无名"]],
    "deputies": [["周道杨"], []], "slug": ["ok-slug", "Bad_Slug", "voices", "a" * 200],
    "draft": [True, False, "yes"], "order": [1, -1, 10**30], "number": [1, 12, 0, -5, 10**30],
    "status": ["已提交", "已答复", "办理中"], "result": ["A", "B", "Z"], "satisfaction": ["满意", "不满意"],
    "type": ["人民代表大会", "常委会会议", "其他"], "handler": [["区教育局"]], "key": [True],
    "photo": ["photos/none.jpg", "../../../etc/passwd"], "figures": [[{"label": "人数", "value": 3}], [{"x": 1}]],
    "meeting": ["1-1", "9-9"], "adopted": ["2021-01-06", "2021-01-09"], "until": ["2021-01-07", "2020-12-31"],
    "pinned": [True, False], "entries": [[{"name": "张三", "action": "任命", "post": "局长"}],
                                         [{"name": "周道杨", "action": "免去", "post": "院长", "person": "周道杨"}],
                                         [{"name": "x", "action": "升任"}, "一行字", {"person": ["a"]}]],
}
ALL_FIELDS = sorted({f.name for folder in SCHEMA for f in fields_of(folder)})

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
nasty = st.one_of(st.sampled_from(NASTY_TEXT), text)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.dates(), st.datetimes(), nasty,
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(text, st.integers()), inner, max_size=4)),
    max_leaves=12)


@st.composite
def front_matter(draw: st.DrawFn, folder: str) -> dict[Any, Any]:
    """A front-matter mapping: the folder's own fields, other folders' fields and random keys."""
    own = [f.name for f in fields_of(folder)]
    keys = draw(st.lists(st.one_of(st.sampled_from(own), st.sampled_from(ALL_FIELDS), text), max_size=9))
    if draw(st.booleans()):  # most examples keep the required fields, to reach the model and the pages
        keys = [f.name for f in SCHEMA[folder] if f.required] + keys
    meta: dict[Any, Any] = {}
    for key in keys:
        if key in PLAUSIBLE and draw(st.integers(0, 2)):
            meta[key] = draw(st.sampled_from(PLAUSIBLE[key]))
        else:
            meta[key] = draw(values)
    return meta


def _naive_yaml(meta: dict[Any, Any]) -> str:
    """How a careless hand writes YAML: `key: value` with no quoting at all."""
    return "\n".join(f"{k}: {v}" for k, v in meta.items())


@st.composite
def front_text(draw: st.DrawFn, folder: str) -> str:
    """The text between the two `---` lines."""
    meta = draw(front_matter(folder))
    how = draw(st.sampled_from(["dump", "dump", "flow", "naive", "deep", "alias"]))
    if how in ("dump", "flow"):
        try:
            return yaml.safe_dump(meta, allow_unicode=draw(st.booleans()), default_flow_style=how == "flow",
                                  width=draw(st.sampled_from([80, 10**6])), sort_keys=False)
        except (yaml.YAMLError, ValueError, OverflowError):
            return _naive_yaml(meta)
    if how == "naive":
        return _naive_yaml(meta)
    if how == "deep":
        depth = draw(st.sampled_from([50, 500, 5000, 50_000]))
        shape = draw(st.sampled_from(["[", "{a: ", "- "]))
        if shape == "[":
            nested = "[" * depth + "]" * depth
        elif shape == "{a: ":
            nested = "{a: " * depth + "1" + "}" * depth
        else:
            nested = "\n".join(" " * i + "- " for i in range(0, min(depth, 2000) * 2, 2)) + "x"
        return _naive_yaml({k: v for k, v in meta.items() if k != "title"}) + "\ntitle: " + nested
    # alias: a small "billion laughs" (the big one is tests/test_big_sites.py)
    levels = draw(st.integers(2, 9))
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return _naive_yaml(meta) + "\n" + "\n".join(lines) + f"\ntitle: *a{levels - 1}"


SNIPPETS = [
    "# 标题", "## 二级标题", "###### 六级", "####### 七级", "正文段落。", "**粗体", "*斜体*", "`代码", "```", "```python",
    "~~~", "    缩进代码", "> 引用", "> " * 60 + "深", "- 列表", "1. 有序", "2) 其他", "  - 子项", "* " * 80,
    "| 甲 | 乙 |\n|:--|--:|\n| 1 | 2 |", "| a |\n|:-:|\n| <b>b |", "---", "***", "___", "<div>", "</div>",
    "<p><span>未闭合", "</p></p></p>", "<table><tr><td>", "<!--", "-->", "<![CDATA[", "]]>", "<?php ?>",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<style>*{}</style>",
    "<a href=\"javascript:alert(1)\">点</a>", "[点](javascript:alert(1))", "[点](data:text/html,<script>)",
    "![图](x.png)", "![](../../../etc/passwd)", "[会议](../sessions/1-1.md)", "[会议](../sessions/1-1.md#x)",
    "[缺](../voices/missing.md)", "[根](/etc/passwd)", "[上](../../../../../../etc/passwd.md)",
    "[编码](%2e%2e/%2e%2e/x.md)", "[空]()", "[空白](<>)", "[周](../deputies/zhou-dao-yang.md)", "<http://x.y/>",
    "<mailto:a@b.c>", "[^1]", "[^1]: 脚注", "*[HTML]: 缩写", "{: #id onclick=\"alert(1)\" }", "{: .cls }",
    "&#0;", "&#x110000;", "&#xD800;", "&nbsp;", "&bogus;", "&", "<", ">", "\\", "\x0b\x0c", "\u0085",
    "[toc]", "[TOC]", "<h1>正文一级</h1>", "<details><summary>摘要</summary>内容</details>",
    "<math><mi>x</mi></math>", "<form><input></form>", "<iframe src=//evil>", "<base href=//evil/>",
    "<meta http-equiv=refresh content=0;url=//evil>", "<link rel=stylesheet href=//evil>",
    "<object data=x></object>", "<embed src=x>", "\u202e", "\u2028", "中\n文\n行",
]
bodies = st.one_of(
    text,
    st.lists(st.one_of(st.sampled_from(SNIPPETS), text), max_size=25).map(
        lambda parts: "\n".join(parts)),
    st.lists(st.sampled_from(SNIPPETS), max_size=12).map(lambda parts: "".join(parts)),
    st.sampled_from([
        "- 项\n" * 3000, "# 标\n" * 500, "[" * 5000, "*" * 20000, "<div>" * 3000, "> " * 5000 + "深",
        "1. " * 1000 + "x", "`" * 10000, "\n" * 20000, "中" * 200_000, "&" * 20000 + "#",
    ]),
)


@st.composite
def content_file(draw: st.DrawFn) -> tuple[str, str]:
    """(site-relative path, text) of one fuzzed content file."""
    folder = draw(st.sampled_from(sorted(SCHEMA)))
    name = draw(st.sampled_from(["fuzz", "周道杨", "1-1", "v-base", "zhou-dao-yang", "index", "voices"]))
    sub = draw(st.sampled_from(["", "2021/", "a/b/"]))
    return f"content/{folder}/{sub}{name}.md", f"---\n{draw(front_text(folder))}\n---\n{draw(bodies)}\n"


def mangle(draw: st.DrawFn, data: str) -> bytes:
    """The bytes an editor's tools might leave: BOM, CRLF, other encodings, damage."""
    how = draw(st.sampled_from(["utf8", "bom", "crlf", "cr", "bom-crlf", "gbk", "utf16", "latin1",
                                "insert", "truncate", "flip", "random"]))
    raw = data.encode("utf-8")
    if how == "bom":
        return b"\xef\xbb\xbf" + raw
    if how == "crlf":
        return raw.replace(b"\n", b"\r\n")
    if how == "cr":
        return raw.replace(b"\n", b"\r")
    if how == "bom-crlf":
        return b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n")
    if how in ("gbk", "utf16", "latin1"):
        codec = {"gbk": "gbk", "utf16": "utf-16", "latin1": "latin-1"}[how]
        return data.encode(codec, errors="replace")
    if how == "insert":
        at = draw(st.integers(0, len(raw)))
        return raw[:at] + draw(st.binary(min_size=1, max_size=16)) + raw[at:]
    if how == "truncate":
        return raw[:draw(st.integers(0, len(raw)))]
    if how == "flip":
        if not raw:
            return raw
        at = draw(st.integers(0, len(raw) - 1))
        return raw[:at] + bytes([raw[at] ^ draw(st.integers(1, 255))]) + raw[at + 1:]
    if how == "random":
        return draw(st.binary(max_size=400))
    return raw


# -- running one example ----------------------------------------------------------------------

class Hang(Exception):
    """An example ran longer than EXAMPLE_SECONDS."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Turn a hang into a failure (SIGALRM interrupts Python code; the main thread only)."""
    def on_alarm(signum, frame):
        raise Hang(f"an example ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def tree(root: Path, skip: Callable[[Path], bool] = lambda p: False) -> dict[str, tuple[int, int]]:
    """Every path below `root` with (size, mtime), folders included, except those `skip` names."""
    found: dict[str, tuple[int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not skip(here / d)]
        for name in dirnames + filenames:
            path = here / name
            if skip(path):
                continue
            st_ = path.lstat()
            found[path.relative_to(root).as_posix()] = (st_.st_size if not path.is_dir() else 0,
                                                        st_.st_mtime_ns if not path.is_dir() else 0)
    return found


class Workbench:
    """A base site and an output folder beside it, rebuilt for each example.

    `reuse`: one Builder for all examples, as the preview server keeps one (fast, and it
    exercises the incremental path); else a fresh Builder per example, sharing only the
    compiled templates (which do not depend on content). A plain class: hypothesis
    prints a failing example's arguments, and a dataclass would print all its state.
    """

    def __init__(self, root: Path, reuse: bool = True):
        self.root = root
        self.reuse = reuse
        self.builder: Builder | None = None
        self.env: Any = None
        self.renderer = MarkdownRenderer()
        self.chains: dict = {}
        self.ok = 0
        self.failed = 0

    def __repr__(self) -> str:
        return f"Workbench({self.root}, reuse={self.reuse})"

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def out(self) -> Path:
        return self.root / "out" / "public"

    def reset(self) -> None:
        """The base site only: remove whatever the last example added or changed."""
        self.out.parent.mkdir(parents=True, exist_ok=True)
        for folder in (self.site / "content").glob("*"):
            for path in sorted(folder.rglob("*"), reverse=True):
                if path.relative_to(self.site).as_posix() not in BASE_FILES:
                    path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
        for rel, data in BASE_FILES.items():
            path = self.site / rel
            if not path.is_file() or path.read_bytes() != data.encode("utf-8"):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(data, encoding="utf-8")
        config = self.site / "site.yaml"
        if not config.is_file() or config.read_bytes() != SITE_YAML.encode("utf-8"):
            config.write_text(SITE_YAML, encoding="utf-8")

    def make_builder(self) -> Builder:
        if self.env is None:
            self.env = make_environment(theme_dirs(self.site, "templates"))
        if self.reuse and self.builder is not None:
            return self.builder
        self.builder = Builder(self.site, today=TODAY, jobs=1, _env=self.env, _renderer=self.renderer,
                               _chains=self.chains)
        return self.builder

    def outside(self) -> dict[str, tuple[int, int]]:
        """Everything under the work folder that is not the site, the output or the writer's files beside it."""
        mine = {self.out, self.out.parent / ".public.lock", self.out.parent / ".public.state",
                self.out.parent / ".public.prev"}
        return tree(self.root, skip=lambda p: p == self.site or p in mine)

    def run(self, files: dict[str | bytes, bytes], site_yaml: bytes | None = None) -> str:
        """Build the base site plus `files` (a bytes path: a name in another encoding); check every promise."""
        self.reset()
        for rel, data in files.items():
            path = Path(os.fsdecode(os.path.join(os.fsencode(self.site), os.fsencode(rel))))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if site_yaml is not None:
            (self.site / "site.yaml").write_bytes(site_yaml)
        before = self.outside()
        published = tree(self.out) if self.out.exists() else {}
        try:
            with time_limit(EXAMPLE_SECONDS):
                outcome = self._build(files)
        except BuildFailed as failed:
            check_problems(failed.problems.errors, self.site, files)
            assert tree(self.out) == published if self.out.exists() else True, "a failed build touched the output"
            outcome = "failed"
        assert self.outside() == before, "a file was written outside --out"
        if outcome == "ok":
            self.ok += 1
            OUTCOMES["built"] += 1
        else:
            self.failed += 1
            OUTCOMES["refused"] += 1
        return outcome

    def _build(self, files: dict[str, bytes]) -> str:
        builder = self.make_builder()
        result = builder.build()
        out_files = result.files + discovery_files(result.site)
        with output_lock(self.out):
            write_site(self.out, out_files)
        check_output(self.out)
        return "ok"


def check_problems(errors: list[Problem], site: Path, files: dict[str, bytes]) -> None:
    """One message per problem, each naming a file of the site (the fuzzed one, or one it touches)."""
    assert errors, "BuildFailed without an error"
    known = {"site.yaml", "content"} | {p.relative_to(site).as_posix() for p in site.rglob("*")}
    known |= {k.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for k in known}  # names not in UTF-8
    lines = [p.format() for p in errors]
    assert len(set(lines)) == len(lines), "the same problem reported twice"
    for p, line in zip(errors, lines):
        assert p.path in known, f"an error that names no file of the site: {line}"
        assert line.startswith(p.path), line
        assert "\n" not in p.message and "Traceback" not in line, line
        assert p.message.strip(), line


def check_output(out: Path) -> None:
    """A published output: every page complete, every feed and sitemap well-formed XML."""
    for path in out.rglob("*"):
        if path.suffix == ".html":
            data = path.read_bytes()
            assert data.rstrip().endswith(b"</html>"), f"{path} is cut short"
            data.decode("utf-8")
        elif path.suffix == ".xml":
            etree.fromstring(path.read_bytes())  # raises on a control character or broken markup
        elif path.suffix == ".json":
            json.loads(path.read_bytes())


def scratch_dir() -> str | None:
    """Memory-backed /dev/shm where there is one: thousands of tiny builds, disk-bound elsewhere."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


@pytest.fixture(scope="module")
def bench() -> Iterator[Workbench]:
    with tempfile.TemporaryDirectory(prefix="congress-fuzz-", dir=scratch_dir()) as tmp:
        wb = Workbench(Path(tmp))
        wb.reset()
        yield wb


@pytest.fixture(scope="module")
def fresh_bench() -> Iterator[Workbench]:
    with tempfile.TemporaryDirectory(prefix="congress-fuzz-fresh-", dir=scratch_dir()) as tmp:
        wb = Workbench(Path(tmp), reuse=False)
        wb.reset()
        yield wb


def _count(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


def _report() -> None:
    folder = PROJECT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    (folder / "fuzz-report.json").write_text(json.dumps(TRIED, indent=1, sort_keys=True), encoding="utf-8")
    (folder / "fuzz-outcomes.json").write_text(json.dumps(OUTCOMES, indent=1), encoding="utf-8")


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    _report()
    print(f"\nfuzzed examples: {sum(TRIED.values())} {TRIED}; in-process builds {OUTCOMES}")


# -- the properties -----------------------------------------------------------------------------

@fuzz_settings(700)
@given(st.data())
def test_front_matter(bench: Workbench, data: st.DataObject) -> None:
    """Random YAML where text, dates, lists are expected; huge, empty, deep, aliased values."""
    rel, text_ = data.draw(content_file())
    _count("front_matter")
    bench.run({rel: text_.encode("utf-8", "surrogatepass")})


@fuzz_settings(500)
@given(st.data())
def test_markdown_body(bench: Workbench, data: st.DataObject) -> None:
    """Valid front matter, hostile or broken Markdown and HTML in the body."""
    folder = data.draw(st.sampled_from(["voices", "news", "pages", "reports", "deputies", "suggestions", "resolutions"]))
    front = {"voices": "title: 心声\nsession: 1-1\nkind: 市民\nspeaker: 王五",
             "news": "title: 新闻\ndate: 2021-01-06", "pages": "title: 关于本站", "reports": "title: 报告\ndate: 2021-01-06",
             "deputies": "name: 赵六\nrole: 人大代表",
             "suggestions": "title: 建议\nsession: 1-1\nstatus: 已答复\nanswered: 2021-03-01\nresult: A",
             "resolutions": "title: 决议\nmeeting: 1-1\nadopted: 2021-01-07"}[folder]
    body = data.draw(bodies)
    if folder == "suggestions" and data.draw(st.booleans()):
        body += "\n## 答复\n" + data.draw(bodies)
    _count("markdown_body")
    bench.run({f"content/{folder}/fuzz.md": f"---\n{front}\n---\n{body}\n".encode("utf-8")})


@fuzz_settings(350)
@given(st.data())
def test_bytes_and_encodings(bench: Workbench, data: st.DataObject) -> None:
    """BOMs, CRLF and lone CR, GBK, UTF-16 and Latin-1, inserted, flipped, cut and random bytes."""
    rel, text_ = data.draw(content_file())
    if data.draw(st.booleans()):
        text_ = f"---\ntitle: 心声\nsession: 1-1\nkind: 代表\nspeaker: 周道杨\n---\n{data.draw(bodies)}\n"
        rel = "content/voices/fuzz.md"
    raw = mangle(data.draw, text_)
    _count("bytes_and_encodings")
    bench.run({rel: raw})


NAME_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00")


@fuzz_settings(200)
@given(st.data())
def test_file_names(bench: Workbench, data: st.DataObject) -> None:
    """Odd file and folder names: Unicode, spaces, dots, reserved words, clashes with other pages."""
    name = data.draw(st.one_of(
        st.text(NAME_CHARS, min_size=1, max_size=40),
        st.sampled_from(["index", "404", "search", "feeds", "static", "media", "pagefind", "page", "voices",
                         "topics", "sitemap", "..", ".", "-", "--", " ", "周 道 杨", "Zhou Dao Yang", "a.b.c",
                         "%2e%2e", "<script>", "con", "\u202e", "x" * 200, "中" * 60])))
    if len(name.encode("utf-8")) > 240:  # longer names are refused by the file system, not by us
        name = name[:60]
    folder = data.draw(st.sampled_from(sorted(SCHEMA)))
    sub = data.draw(st.sampled_from(["", "2021/", "..md/", " /", "中文/"]))
    front = {"sessions": "title: 会议\nstart: 2022-01-01\nend: 2022-01-02", "deputies": "name: 钱七\nrole: 政协委员",
             "voices": "title: 心声\nsession: 1-1\nkind: 委员\nspeaker: 李伟", "reports": "title: 报告\ndate: 2021-01-06",
             "news": "title: 新闻\ndate: 2021-01-06", "pages": "title: 页面", "suggestions": "title: 建议\nsession: 1-1",
             "resolutions": "title: 决议\nmeeting: 1-1\nadopted: 2021-01-06", "notices": "title: 通知\ndate: 2021-01-06",
             "appointments": "title: 名单\nmeeting: 1-1\ndate: 2021-01-06\nentries: [{name: 张三, action: 任命, post: 局长}]"}
    rel: str | bytes = f"content/{folder}/{sub}{name}.md"
    if data.draw(st.integers(0, 4)) == 0:  # the name in GBK, as a zip made on Windows leaves it
        rel = os.fsencode(f"content/{folder}/") + name.encode("gbk", "replace") + b".md"
    _count("file_names")
    bench.run({rel: f"---\n{front[folder]}\n---\n正文\n".encode("utf-8")})


@st.composite
def site_yaml(draw: st.DrawFn) -> bytes:
    good = yaml.safe_load(SITE_YAML)
    keys = draw(st.lists(st.sampled_from(["title", "base_url", "language", "description", "topics", "footer",
                                          "paginate", "suggestion_results", "titel", "theme"]), max_size=5))
    for key in keys:
        good[key] = draw(st.one_of(values, st.sampled_from([
            "", "http://", "javascript:alert(1)", "https://x.y/a b/", "ftp://x/", 0, -1, 10**20, ["医疗卫生"] * 2,
            ["医疗卫生", "yi-liao-wei-sheng"], [f"专题{i}" for i in range(300)], {"sponsor": "<script>alert(1)</script>"},
            {"error_report": "javascript:alert(1)"}, [{"code": "A", "label": "甲"}, {"code": "A", "label": "乙"}],
        ])))
    try:
        text_ = yaml.safe_dump(good, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, ValueError, OverflowError):
        text_ = _naive_yaml(good)
    return mangle(draw, text_) if draw(st.integers(0, 4)) == 0 else text_.encode("utf-8", "surrogatepass")


@fuzz_settings(150)
@given(site_yaml())
def test_site_yaml(bench: Workbench, raw: bytes) -> None:
    """A random site.yaml: wrong types, unknown keys, bad URLs, odd topics, broken bytes."""
    _count("site_yaml")
    bench.run({}, site_yaml=raw)


@fuzz_settings(100)
@given(st.data())
def test_fresh_builds(fresh_bench: Workbench, data: st.DataObject) -> None:
    """The same fuzz through a fresh Builder each time (no state carried between builds)."""
    rel, text_ = data.draw(content_file())
    raw = mangle(data.draw, text_) if data.draw(st.integers(0, 3)) == 0 else text_.encode("utf-8", "surrogatepass")
    _count("fresh_builds")
    fresh_bench.run({rel: raw})


# -- through the real command line ----------------------------------------------------------------

def run_cli(site: Path, out: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    cmd = [sys.executable, str(PROJECT / "build.py"), "build", "--site", str(site), "--out", str(out),
           "--today", TODAY.isoformat()]
    return subprocess.run(cmd, capture_output=True, timeout=timeout, env={**os.environ, "CI": "1"})


@settings(max_examples=examples(8), deadline=None, derandomize=not os.environ.get("FUZZ_NIGHTLY"),
          database=None, suppress_health_check=list(HealthCheck),
          phases=[Phase.explicit, Phase.reuse, Phase.generate])  # no shrinking: each run is a process
@given(st.data())
def test_command_line(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    """`python build.py build` exits 0, or 1 with one line per problem naming its file, never a traceback."""
    root = tmp_path_factory.mktemp("cli")
    site = root / "site"
    for rel, text_ in BASE_FILES.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text_, encoding="utf-8")
    (site / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
    rel, text_ = data.draw(content_file())
    raw = mangle(data.draw, text_)
    (site / rel).parent.mkdir(parents=True, exist_ok=True)
    (site / rel).write_bytes(raw)
    out = root / "out" / "public"
    out.parent.mkdir()
    before = tree(root, skip=lambda p: p == site or p.parent == out.parent)
    _count("command_line")
    result = run_cli(site, out)
    stderr = result.stderr.decode("utf-8")  # never undecodable bytes on the terminal
    assert result.returncode in (0, 1), stderr
    assert "Traceback" not in stderr, stderr
    assert tree(root, skip=lambda p: p == site or p.parent == out.parent) == before
    assert {p.name for p in out.parent.iterdir()} <= {"public", ".public.lock", ".public.state", ".public.prev"}
    if result.returncode == 1:
        *problems, last = [line for line in stderr.splitlines() if line]
        assert last.endswith("网站没有发布；原来发布的网站保持不变。"), stderr
        errors = [line for line in problems if ": 错误: " in line]
        assert errors and len(errors) == len(set(errors)), stderr
        assert last.startswith(f"发现 {len(errors)} 个错误"), stderr
        files = {p.relative_to(site).as_posix() for p in site.rglob("*")} | {"site.yaml"}
        for line in problems:
            assert line.split(":", 1)[0] in files or line.split(": ", 1)[0] in files, line
        assert not out.exists()
    else:
        assert (out / "index.html").is_file()
        check_output(out)


def test_enough_examples_were_tried() -> None:
    """The CI budget: at least 2,000 fuzzed examples across the properties of this module."""
    if not {"front_matter", "markdown_body", "bytes_and_encodings"} <= set(TRIED):
        pytest.skip("only part of the module ran")
    assert sum(TRIED.values()) >= 2000 * min(SCALE, 1), TRIED
