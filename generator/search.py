"""Chinese full-text search: what each page tells Pagefind, and running Pagefind on the build.

Pagefind (the PyPI package `pagefind[extended]`, pinned in requirements.txt)
indexes the rendered pages in the writer's working folder before it is swapped
in (`write_site(..., before_swap=index_site(site))`), so a failed index leaves
the published site untouched. Only the main content of published entries is
indexed: `<main data-pagefind-body>` (base.html) minus the lists of other pages
(EXCLUDE). Its output is then put in a stable order (pagefind_order.py).

Chinese: Pagefind segments page text with jieba at index time and queries with
the browser's Intl.Segmenter, and the two disagree (七格公园 is 七格|公园 in the
index but 七/格/公园 in Chromium; names are split either way). Pagefind indexes
metadata split on spaces only, so each page also gets, in the copy Pagefind
reads (not the published page), a `chars` field holding its title, names,
topics and the opening of its body one character per word, and a `people` field with its names spelt the same way. static/search.js
then runs the reader's query both as Pagefind segments it and as an exact
phrase (of single characters where the browser leaves some), and lists the
pages holding the literal text first.

Pagefind reads a copy of each indexed page cut to its head and <main> (search_page):
the same index, fewer bytes to parse. When that copy of every page is what it was
for the index the output already publishes (a template changed outside <main>,
feeds or lists changed), the published index is linked into the new output and
Pagefind does not run (IndexMemory); the writer's manifest vouches for its files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .errors import BuildFailed, Problems
from .markdown import plain_text
from .models import Entry, News, Person, Report, Session, Site, Suggestion, Voice
from .pagefind_order import stabilise_or_fail
from .urls import PAGEFIND_DIR, output_path
from .writer import file_digest, published_hook_files

PAGEFIND_VERSION = "1.5.2"  # the version whose Chinese segmentation passed tests/browser/test_search.py
BINARY_ENV = "PAGEFIND_BINARY_PATH"  # Pagefind's own override, honoured here too (and used by tests)
TIMEOUT = 900  # seconds; a 2,000-page site indexes in a few seconds
# Word-index chunk size in word locations (Pagefind's default is 20,000). Smaller chunks cut what a
# first search downloads on a large site (bench/search_size.py: 394 KB -> 237 KB for an 8-character
# query at 2,000 pages) for a slightly larger .pf_meta. Pagefind reads it from this environment
# variable ("UNSTABLE": re-check it when the pinned version changes).
CHUNK_ENV, CHUNK_SIZE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", "5000"
CHARS_BODY = 600  # characters of a page's body in its `chars` field (see index_text)
# Parts of <main> that list or repeat other pages, or are controls: not this page's content.
EXCLUDE = (".items", ".voice-index", ".voice-cards", ".person-cards", ".pagination", ".toc",
           "[data-read-aloud]", ".badge", ".notice-draft", "[aria-hidden='true']", "[data-search-skip]")
# The parts of Pagefind's bundle that static/search.js does not use: its own UIs, and the
# web worker (search.js runs Pagefind with noWorker: 40 KB less for a first search).
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
          "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
          "pagefind-worker.js")
SOURCE = "搜索索引（Pagefind）"  # where index problems are reported
FIX = ("运行 .venv/bin/pip install -r requirements.txt（其中固定了 pagefind[extended]=="
       f"{PAGEFIND_VERSION}）后重新构建。")


@dataclass(frozen=True)
class SearchField:
    """One Pagefind attribute in a page head: <meta data-pagefind-{attr}="{name}[content]">."""

    attr: str  # "meta", "filter" or "sort"
    name: str
    value: str


def kind_of(entry: Entry) -> str:
    """The kind shown in results and offered as a filter: 代表心声, 新闻, 工作报告, 人大代表 …"""
    return entry.role if isinstance(entry, Person) and entry.role else entry.kind_label


def indexed(entry: Entry | None) -> bool:
    """Pages whose main content goes into the index: published entries only, never drafts."""
    return entry is not None and entry.published


def search_meta(entry: Entry | None) -> list[SearchField]:
    """Metadata and filters for one page: kind, session, date, topics, and the people named."""
    if not indexed(entry):
        return []
    assert entry is not None
    fields = [SearchField("meta", "kind", kind_of(entry)), SearchField("filter", "kind", kind_of(entry))]
    session = entry if isinstance(entry, Session) else getattr(entry, "session", None)
    if isinstance(session, Session) and session.published:
        fields += [SearchField("meta", "session", session.title), SearchField("filter", "session", session.title)]
    date = entry.sort_date
    if date.year > 1:
        fields.append(SearchField("meta", "date", f"{date.year}年{date.month}月{date.day}日"))
    # Every page needs the sort key, or a sorted search leaves it out: undated pages sort last.
    fields.append(SearchField("sort", "date", date.isoformat() if date.year > 1 else "0000-00-00"))
    for topic in entry.topics:
        fields.append(SearchField("filter", "topic", topic.name))
    people = people_named(entry)
    if people:
        fields.append(SearchField("meta", "people", " / ".join(spaced(name) for name in people)))
        fields += [SearchField("filter", "person", name) for name in people]
    return fields


CJK_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# A word of the `chars` field: one Chinese character, or a run of other letters, digits and _.
CHARS_WORD = re.compile(f"[{CJK_RANGES}]|[^\\W{CJK_RANGES}]+")


def spaced(text: str) -> str:
    """Text as Pagefind should index it whatever the segmenters do: one Chinese character a word.

    王大祝 -> "王 大 祝"; letters and digits stay whole words; punctuation goes.
    """
    return " ".join(CHARS_WORD.findall(text))


def index_text(entry: Entry) -> str:
    """The `chars` field of a page: its title, the people in it, topics and the opening of its body.

    Only the opening (CHARS_BODY characters): what a reader names (a person, a place, the
    subject) is there, and the field costs index and fragment bytes for every character.
    Deeper text is still found as Pagefind segments it.
    """
    parts = [entry.title, *people_named(entry), getattr(entry, "speaker_title", ""),
             getattr(entry, "subtitle", ""), getattr(entry, "occupation", ""),
             *(t.name for t in entry.topics), plain_text(entry.html)[:CHARS_BODY]]
    return spaced(" ".join(p for p in parts if p))


def people_named(entry: Entry) -> list[str]:
    """Names a reader may search for this page by: its speaker, the people it is about."""
    names: list[str] = []
    if isinstance(entry, Person):
        names.append(entry.name)
    elif isinstance(entry, (Voice, Report)) and entry.speaker_name:
        names.append(entry.speaker_name)
    elif isinstance(entry, News):
        names += [p.name for p in entry.people]
    elif isinstance(entry, Suggestion):
        names += [p.name for p in entry.deputies]
    return list(dict.fromkeys(n for n in names if n))


def indexed_entries(site: Site) -> list[Entry]:
    """The pages the index holds: every published entry."""
    return [e for e in [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages,
                        *site.suggestions]
            if indexed(e)]


def _fail(message: str, fix: str = FIX) -> BuildFailed:
    problems = Problems()
    problems.error(SOURCE, message, fix=fix)
    return BuildFailed(problems)


def find_pagefind() -> Path:
    """The extended Pagefind binary (the one that segments Chinese), or a clear error."""
    override = os.environ.get(BINARY_ENV)
    if override:
        path = Path(override)
        if not path.is_file():
            raise _fail(f"环境变量 {BINARY_ENV} 指向的 {override} 不存在。",
                        fix=f"删去环境变量 {BINARY_ENV}，或让它指向 Pagefind 扩展版程序。")
        return path
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-not-found]
        return Path(get_executable())
    except (ImportError, FileNotFoundError):
        raise _fail("找不到 Pagefind 扩展版程序（Python 包 pagefind[extended]），无法生成中文搜索索引。") from None


_BANNER = re.compile(r"Running Pagefind v(\S+)( \(Extended\))?")


def _die_with_build() -> Callable[[], None] | None:
    """For Pagefind's process: SIGKILL it when the build dies (Linux PR_SET_PDEATHSIG).

    A build killed outright (kill -9, the OOM killer) would otherwise leave Pagefind
    running on, still writing into the working folder that the next build reuses.
    Only where the build is this process's one thread (the command line): a function
    run between fork and exec is unsafe while other threads run (the preview server).
    """
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    parent = os.getpid()

    def arm() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before the line above took effect
            os._exit(1)

    return arm


def search_page(page: str, chars: str) -> str:
    """What Pagefind reads of one page: its head with the `chars` field added, and its <main>.

    The header, navigation and footer are left out (Pagefind would parse them only to skip
    them), unless a site's own templates put Pagefind attributes there: then the whole page.
    """
    field = f'<meta data-pagefind-meta="chars[content]" content="{html.escape(chars)}">\n'
    head, sep, body = page.partition("</head>")
    if not sep:
        return field + page
    start, end = body.find("<main"), body.rfind("</main>")
    if start < 0 or end < start or "data-pagefind" in body[:start] or "data-pagefind" in body[end:]:
        return head + field + sep + body
    return f"{head}{field}</head>\n<body>\n{body[start:end]}</main>\n</body>\n</html>\n"


def _search_pages(folder: Path, pages: dict[str, str]) -> Iterator[tuple[str, bytes]]:
    for rel, chars in sorted(pages.items()):
        yield rel, search_page((folder / rel).read_text(encoding="utf-8"), chars).encode("utf-8")


def index_key(folder: Path, pages: dict[str, str], settings: str) -> str:
    """The digest of everything Pagefind reads (and of its version, binary and settings).

    Pagefind's output is a function of it: the same key, the same index (IndexMemory).
    """
    digest = hashlib.blake2b(repr((PAGEFIND_VERSION, CHUNK_SIZE, EXCLUDE, settings)).encode(), digest_size=20)
    for rel, data in _search_pages(folder, pages):
        digest.update(b"%d:%s\0%d:" % (len(rel.encode()), rel.encode(), len(data)))
        digest.update(data)
    return digest.hexdigest()


def index_copy(folder: Path, scratch: Path, pages: dict[str, str]) -> None:
    """Write what Pagefind reads of each page into `scratch` (search_page)."""
    for rel, data in _search_pages(folder, pages):
        target = scratch / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@dataclass(frozen=True)
class IndexMemory:
    """The index the published output holds, and the digest of what Pagefind read to make it.

    When a build's pages give Pagefind the same input (a template changed outside <main>,
    a draft edited, the feeds changed), the published index files are linked into the new
    output instead of indexing again. Trusted only while the writer's manifest says the
    published files are exactly as written; anything else and Pagefind runs.
    """

    store: Any  # cache.Store
    name: str
    out: Path

    def recall(self, key: str) -> dict[str, Path] | None:
        """The published index files (output path -> file) if they were made from `key`."""
        last = self.store.load(self.name)
        if not isinstance(last, dict) or last.get("key") != key or not last.get("files"):
            return None
        there = published_hook_files(self.out)
        if set(there) != set(last["files"]) or any(there[rel][0] != d for rel, d in last["files"].items()):
            return None
        return {rel: path for rel, (_, path) in there.items()}

    def remember(self, key: str, folder: Path) -> None:
        bundle = folder / PAGEFIND_DIR
        files = {f"{PAGEFIND_DIR}/{p.relative_to(bundle).as_posix()}": file_digest(p.read_bytes())
                 for p in sorted(bundle.rglob("*")) if p.is_file()}
        self.store.save(self.name, {"key": key, "files": files})


def _link_index(files: dict[str, Path], folder: Path) -> None:
    for rel, source in sorted(files.items()):
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)


def run_pagefind(folder: Path, *, pages: dict[str, str], language: str,
                 memory: IndexMemory | None = None) -> dict | None:
    """Index `pages` (output path -> `chars` text) of `folder` into folder/pagefind/; raise BuildFailed on any doubt.

    None when `memory` had the same index published and it was linked in instead.
    """
    binary = find_pagefind()
    key = index_key(folder, pages, f"{language}\0{binary}") if memory is not None else ""
    same = memory.recall(key) if memory is not None else None
    if same is not None:
        _link_index(same, folder)
        return None
    # The copy Pagefind reads goes inside the working folder, not /tmp: if the build is killed,
    # it goes with that folder, which the next build clears (writer.write_site), never left behind.
    scratch = Path(tempfile.mkdtemp(prefix=".search-", dir=folder))
    try:
        index_copy(folder, scratch, pages)
        cmd = [str(binary), "--site", str(scratch), "--output-path", str(folder / PAGEFIND_DIR),
               "--exclude-selectors", ", ".join(EXCLUDE)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                                  env={**os.environ, "NO_COLOR": "1", CHUNK_ENV: CHUNK_SIZE},
                                  preexec_fn=_die_with_build())
        except subprocess.TimeoutExpired:
            raise _fail(f"Pagefind 运行超过 {TIMEOUT} 秒仍未结束。") from None
        except OSError as exc:
            raise _fail(f"无法运行 Pagefind（{binary}）：{exc.strerror or exc}。") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    output = (proc.stdout or "") + (proc.stderr or "")
    if proc.returncode != 0:
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "没有输出")
        raise _fail(f"Pagefind 运行失败（退出码 {proc.returncode}）：{last}")
    banner = _BANNER.search(output)
    if banner is None or banner.group(1) != PAGEFIND_VERSION or not banner.group(2):
        found = f"{banner.group(1)}{'（扩展版）' if banner.group(2) else '（非扩展版）'}" if banner else "未知版本"
        raise _fail(f"Pagefind 是 {found}，而中文分词和搜索质量只在扩展版 {PAGEFIND_VERSION} 上检验过。")
    if "Did not find a data-pagefind-body" in output:
        raise _fail("正文页面的 <main> 没有 data-pagefind-body，索引会收进导航和页脚。",
                    fix="在 templates/base.html 的 <main> 上保留 data-pagefind-body（网站自己的模板也要有）。")
    bundle = folder / PAGEFIND_DIR
    stabilise_or_fail(bundle)  # Pagefind orders filter values at random: sort them (pagefind_order.py)
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _fail("Pagefind 没有写出 pagefind-entry.json，搜索索引不完整。") from None
    languages = entry.get("languages", {})
    counts = {lang: info.get("page_count", 0) for lang, info in languages.items()}
    want = language.lower()
    if set(counts) != {want} or counts[want] != len(pages):
        got = "、".join(f"{lang} {n} 页" for lang, n in sorted(counts.items())) or "0 页"
        raise _fail(f"搜索索引应收录 {len(pages)} 个 {language} 页面，实际收录：{got}。",
                    fix="每个页面都要有 <html lang=\"" + language + "\">（见 templates/base.html）；改过模板时请核对。")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    playground = bundle / "playground"
    if playground.is_dir():
        shutil.rmtree(playground)
    if memory is not None:
        memory.remember(key, folder)
    return entry


def index_site(site: Site, memory: IndexMemory | None = None) -> Callable[[Path], None]:
    """The writer's `before_swap` step: index the finished temporary folder with Pagefind."""
    pages = {output_path(e.url): index_text(e) for e in indexed_entries(site)}
    language = site.config.language

    def before_swap(folder: Path) -> None:
        if pages:  # Pagefind refuses an empty site; search.js then says there is nothing yet
            run_pagefind(folder, pages=pages, language=language, memory=memory)

    return before_swap


KIND_ORDER = ("代表心声", "委员心声", "市民热议", "新闻", "工作报告", "代表建议", "会议", "人大代表", "政协委员", "页面")


def search_context(site: Site) -> dict:
    """The search page's filter choices (kind, session, topic), from the published site.

    `entries` is there so that a cached search page is rendered again when they change.
    """
    entries = indexed_entries(site)
    present = {kind_of(e) for e in entries}
    kinds = [k for k in KIND_ORDER if k in present] + sorted(present - set(KIND_ORDER))
    sessions = [s.title for s in site.sessions if indexed(s)]
    used = {t.name for e in entries for t in e.topics}
    topics = [t.name for t in site.topics if t.name in used]
    options = [("kind", "类别", tuple(kinds)), ("session", "会议", tuple(sessions)), ("topic", "专题", tuple(topics))]
    return {"filter_options": tuple(o for o in options if o[2]), "entries": tuple(entries)}
