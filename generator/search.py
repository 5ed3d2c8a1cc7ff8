"""Chinese full-text search: what each page tells Pagefind, and running Pagefind on the build.

Pagefind (the PyPI package `pagefind[extended]`, pinned in requirements.txt)
indexes the rendered pages in the writer's working folder before it is swapped
in (`write_site(..., before_swap=index_step(...))`), so a failed index leaves
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
the same index, fewer bytes to parse.

Bundles: Pagefind holds a whole index in memory while making it (about 0.5 MB a page)
and cannot update one. A site of more than BUNDLE_PAGES indexed pages (or what
CONGRESS_SEARCH_BUNDLE_PAGES says) is indexed as several bundles, each of one stretch
of dates (plan_bundles), made by Pagefind runs side by side within a memory budget and
merged in the browser (static/search.js). A bundle whose copies are what they were for
a bundle the output already publishes (a template changed outside <main>, an edit in
another bundle, feeds or lists changed) is linked into the new output instead of made
again (IndexMemory); the writer's manifest vouches for its files.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from .cache import Memo, generator_key
from .errors import BuildFailed, Problems
from .inputs import BUNDLE_ENV
from .markdown import plain_text
from .models import Appointment, Entry, News, Person, Report, Session, Site, Suggestion, Voice
from .pagefind_order import stabilise_or_fail
from .procs import die_with_build
from .urls import PAGEFIND_DIR, output_path
from .writer import Published, file_digest, link_or_copy

PAGEFIND_VERSION = "1.5.2"  # the version whose Chinese segmentation passed tests/browser/test_search.py
BINARY_ENV = "PAGEFIND_BINARY_PATH"  # Pagefind's own override, honoured here too (and used by tests)
TIMEOUT = 900  # seconds; a 2,000-page site indexes in a few seconds
# Word-index chunk size in word locations (Pagefind's default is 20,000). Smaller chunks cut what a
# first search downloads on a large site (bench/search_size.py: 394 KB -> 237 KB for an 8-character
# query at 2,000 pages) for a slightly larger .pf_meta. Pagefind reads it from this environment
# variable ("UNSTABLE": re-check it when the pinned version changes).
CHUNK_ENV, CHUNK_SIZE = "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE", "5000"
CHARS_BODY = 600  # characters of a page's body in its `chars` field (see index_text)
_CHARS = Memo("search.index_text")  # digest of a page's parts -> its `chars` field
_COPIES = Memo("search.copies")  # (page digest, digest of its `chars`) -> digest of what Pagefind reads
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
    fields.append(SearchField("sort", "date", sort_value(entry)))
    for topic in entry.topics:
        fields.append(SearchField("filter", "topic", topic.name))
    people = people_named(entry)
    if people:
        fields.append(SearchField("meta", "people", " / ".join(spaced(name) for name in people)))
        fields += [SearchField("filter", "person", name) for name in people]
    return fields


def sort_value(entry: Entry) -> str:
    """A page's key for "newest first": its date, or 0000-00-00 (last) when it has none."""
    date = entry.sort_date
    return date.isoformat() if date.year > 1 else "0000-00-00"


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
    Deeper text is still found as Pagefind segments it. Memoised by the digest of the parts
    (kept in .cache like the feeds' memo): a rebuild after one edit spells out one page.
    """
    parts = [entry.title, *people_named(entry), getattr(entry, "speaker_title", ""),
             getattr(entry, "subtitle", ""), getattr(entry, "occupation", ""),
             *(t.name for t in entry.topics)]
    key = hashlib.sha1("\0".join([*parts, entry.html]).encode("utf-8", "surrogatepass")).hexdigest()
    hit = _CHARS.get(key)
    if hit is None:
        text = " ".join(p for p in [*parts, plain_text(entry.html)[:CHARS_BODY]] if p)
        hit = _CHARS[key] = spaced(text)
    return hit


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
    elif isinstance(entry, Appointment):
        names += [a.name for a in entry.entries]
    return list(dict.fromkeys(n for n in names if n))


def indexed_entries(site: Site) -> list[Entry]:
    """The pages the index holds: every published entry."""
    return [e for e in [*site.sessions, *site.people, *site.voices, *site.reports, *site.news, *site.pages,
                        *site.suggestions, *site.resolutions, *site.appointments, *site.notices]
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


def search_page(page: str, chars: str, bundle: str = "") -> str:
    """What Pagefind reads of one page: its head with the `chars` field added, and its <main>.

    `bundle`: the id of the page's bundle where the index has several, as a filter
    (static/search.js lists a search by filters alone bundle by bundle, newest first).

    The header, navigation and footer are left out (Pagefind would parse them only to skip
    them), unless a site's own templates put Pagefind attributes there: then the whole page.
    """
    field = f'<meta data-pagefind-meta="chars[content]" content="{html.escape(chars)}">\n'
    if bundle:
        field += f'<meta data-pagefind-filter="{BUNDLE_FILTER}[content]" content="{html.escape(bundle)}">\n'
    head, sep, body = page.partition("</head>")
    if not sep:
        return field + page
    start, end = body.find("<main"), body.rfind("</main>")
    if start < 0 or end < start or "data-pagefind" in body[:start] or "data-pagefind" in body[end:]:
        return head + field + sep + body
    return f"{head}{field}</head>\n<body>\n{body[start:end]}</main>\n</body>\n</html>\n"


def _search_pages(folder: Path, pages: dict[str, str], bundle: str) -> Iterator[tuple[str, bytes]]:
    for rel, chars in sorted(pages.items()):
        yield rel, search_page((folder / rel).read_text(encoding="utf-8"), chars, bundle).encode("utf-8")


# -- the index in bundles -------------------------------------------------------------
# Pagefind holds a whole index in memory while it builds it (about 0.5 MB a page with the
# `chars` field: 1 GB at 2,000 pages, 8 GB at 20,000) and cannot update one. So a big site's
# index is made as several bundles of at most BUNDLE_PAGES pages, which static/search.js
# merges in the browser (Pagefind's mergeIndex); a site of up to BUNDLE_PAGES pages, like a
# district's, has one bundle, as before.
BUNDLE_PAGES = 1000  # the default; BUNDLE_ENV sets another (a machine with less memory, the tests)
BUNDLES = "bundles.json"  # in the first bundle: the ids of all, newest first (static/search.js)
BUNDLE_FILTER = "bundle"  # the filter naming a page's bundle, where there are several
TOGETHER_PAGES = 1200  # Pagefind runs side by side (one a core) while their pages add up to no more


@dataclass(frozen=True)
class Bundle:
    """One Pagefind bundle of the index: the published pages of one stretch of dates."""

    folder: str  # in the output: PAGEFIND_DIR (the newest pages) or PAGEFIND_DIR/<id>
    entries: tuple[Entry, ...]
    id: str = ""  # 10 hex digits from its oldest page's path, where there are several bundles


SearchPlan = list[tuple[str, str, dict[str, str]]]  # (folder, id, {output path: `chars` text}) of each bundle


def bundle_pages() -> int:
    """The most pages in one bundle: BUNDLE_ENV if it holds a whole number over 0, else BUNDLE_PAGES."""
    value = os.environ.get(BUNDLE_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else BUNDLE_PAGES


def _hash_int(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")


def plan_bundles(site: Site, limit: int | None = None) -> list[Bundle]:
    """The bundles of the index, newest pages first (the first is the one at PAGEFIND_DIR).

    Pages in date order are cut after a page whose path hashes to a boundary
    (content-defined chunking, as rsync and restic cut files), with bundles of limit/4 to
    limit pages. So the same pages always make the same bundles (a clean build and an
    incremental one publish the same bytes), an edited page changes only its own bundle,
    and an added or removed one its own and the next (more only where the size bound,
    not a boundary, made the cuts: tests/test_search_bundles.py). Bundles follow the dates so
    that their newest-first lists, one after the other, are newest first (static/search.js).
    """
    limit = max(1, limit or bundle_pages())
    order = sorted(indexed_entries(site), key=lambda e: (sort_value(e), output_path(e.url)))
    if len(order) <= limit:
        return [Bundle(PAGEFIND_DIR, tuple(order))] if order else []
    low, every = max(1, limit // 4), max(1, limit // 2)
    chunks: list[list[Entry]] = [[]]
    for entry in order:
        chunks[-1].append(entry)
        size = len(chunks[-1])
        if size >= limit or (size >= low and _hash_int(output_path(entry.url)) % every == 0):
            chunks.append([])
    chunks = [c for c in reversed(chunks) if c]
    ids = [hashlib.blake2b(output_path(c[0].url).encode(), digest_size=5).hexdigest() for c in chunks]
    return [Bundle(PAGEFIND_DIR if n == 0 else f"{PAGEFIND_DIR}/{ids[n]}", tuple(c), ids[n])
            for n, c in enumerate(chunks)]


def _copy_digest(page: bytes, chars: str, bundle: str) -> str:
    copy = search_page(page.decode("utf-8"), chars, bundle)
    return hashlib.blake2b(copy.encode("utf-8"), digest_size=20).hexdigest()


def copy_digests(plan: SearchPlan, files: list) -> dict[str, str]:
    """The digest of what Pagefind reads of each indexed page (search_page), by output path.

    Memoised by the page's digest and its `chars` text (kept in .cache): a rebuild reads
    only the pages that changed. A page changed outside <main> (a template's header) gives
    Pagefind the same input, so its bundle is reused (IndexMemory).
    """
    by_path = {f.path: f for f in files}
    found: dict[str, str] = {}
    for _, bundle, pages in plan:
        for rel, chars in pages.items():
            file = by_path.get(rel)
            if file is None or not file.digest:
                continue
            key = (file.digest, hashlib.sha1(chars.encode("utf-8", "surrogatepass")).hexdigest(), bundle)
            hit = _COPIES.get(key)
            if hit is None:
                data = file.data if file.data is not None else Path(file.source).read_bytes()
                hit = _COPIES[key] = _copy_digest(data, chars, bundle)
            found[rel] = hit
    return found


def _key(folder: Path, bundle: str, pages: dict[str, str], copies: dict[str, str], settings: str) -> str:
    """The digest of everything one Pagefind run reads, and of how: the generator (search_page),
    Pagefind's version, binary and settings. The same key, the same bundle (IndexMemory)."""
    digest = hashlib.blake2b(repr((generator_key(), PAGEFIND_VERSION, CHUNK_SIZE, EXCLUDE, settings)).encode(),
                             digest_size=20)
    for rel, chars in sorted(pages.items()):
        copy = copies.get(rel) or _copy_digest((folder / rel).read_bytes(), chars, bundle)
        digest.update(f"{len(rel)}:{rel}\0{copy}\0".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@dataclass(frozen=True)
class IndexMemory:
    """The bundles the published output holds, each with the digest of what Pagefind read.

    A bundle whose pages give Pagefind the same input as a published one (a template
    changed outside <main>, another bundle's page edited, the feeds changed) is linked
    into the new output instead of indexed again. Trusted only while the writer's
    manifest says the published files are exactly as written; anything else and Pagefind runs.
    """

    store: Any  # cache.Store
    name: str
    published: Published  # the build's look at the output

    def recall(self) -> dict[str, dict[str, tuple[str, Path]]]:
        """Published bundles by key: key -> {path inside the bundle: (digest, published file)}."""
        last = self.store.load(self.name)
        bundles = last.get("bundles") if isinstance(last, dict) else None
        if not isinstance(bundles, list):
            return {}
        there = self.published.hook_files()
        found: dict[str, dict[str, tuple[str, Path]]] = {}
        for item in bundles:
            try:
                key, folder, files = item["key"], item["folder"], item["files"]
                paths = {rel: there[f"{folder}/{rel}"] for rel in files}
            except (TypeError, KeyError):
                continue
            if paths and all(paths[rel][0] == digest for rel, digest in files.items()):
                found[key] = paths
        return found

    def remember(self, bundles: list[tuple[str, str, dict[str, str]]]) -> None:
        """(key, folder in the output, {path inside: digest}) of every bundle just published."""
        self.store.save(self.name, {"bundles": [{"key": k, "folder": f, "files": files} for k, f, files in bundles]})


def _bundle_files(bundle: Path) -> dict[str, str]:
    return {p.relative_to(bundle).as_posix(): file_digest(p.read_bytes()) for p in sorted(bundle.rglob("*"))
            if p.is_file()}


def _link_index(files: dict[str, tuple[str, Path]], bundle: Path) -> None:
    for rel, (_, source) in sorted(files.items()):
        target = bundle / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(source, target)


@dataclass
class _Run:
    """One Pagefind process: a folder of pages in, one bundle out."""

    pages: Path
    bundle: Path
    count: int
    log: Path
    proc: subprocess.Popen | None = None


def _start(binary: Path, run: _Run) -> None:
    cmd = [str(binary), "--site", str(run.pages), "--output-path", str(run.bundle),
           "--exclude-selectors", ", ".join(EXCLUDE)]
    with open(run.log, "wb") as log:
        try:
            run.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                        env={**os.environ, "NO_COLOR": "1", CHUNK_ENV: CHUNK_SIZE},
                                        preexec_fn=die_with_build())
        except OSError as exc:
            raise _fail(f"无法运行 Pagefind（{binary}）：{exc.strerror or exc}。") from None


def _wait(run: _Run) -> None:
    """Wait for one run and check what it says: the version, the extended build, data-pagefind-body."""
    assert run.proc is not None
    try:
        code = run.proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        run.proc.kill()
        run.proc.wait()
        raise _fail(f"Pagefind 运行超过 {TIMEOUT} 秒仍未结束。") from None
    output = run.log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        last = next((line.strip() for line in reversed(output.splitlines()) if line.strip()), "没有输出")
        raise _fail(f"Pagefind 运行失败（退出码 {code}）：{last}")
    banner = _BANNER.search(output)
    if banner is None or banner.group(1) != PAGEFIND_VERSION or not banner.group(2):
        found = f"{banner.group(1)}{'（扩展版）' if banner.group(2) else '（非扩展版）'}" if banner else "未知版本"
        raise _fail(f"Pagefind 是 {found}，而中文分词和搜索质量只在扩展版 {PAGEFIND_VERSION} 上检验过。")
    if "Did not find a data-pagefind-body" in output:
        raise _fail("正文页面的 <main> 没有 data-pagefind-body，索引会收进导航和页脚。",
                    fix="在 templates/base.html 的 <main> 上保留 data-pagefind-body（网站自己的模板也要有）。")


def _run_all(binary: Path, runs: list[_Run]) -> None:
    """Every run, side by side up to one a core while their pages stay within TOGETHER_PAGES."""
    pending, running = list(runs), []
    slots = max(1, min(2, os.cpu_count() or 1))
    try:
        while pending or running:
            while pending and (not running or (len(running) < slots and
                                               sum(r.count for r in running) + pending[0].count <= TOGETHER_PAGES)):
                _start(binary, pending[0])
                running.append(pending.pop(0))
            _wait(running.pop(0))
    finally:
        for run in running:
            if run.proc is not None and run.proc.poll() is None:
                run.proc.kill()
                run.proc.wait()


def _finish(bundle: Path, count: int, language: str) -> None:
    """Check one new bundle's page count and language, put it in a stable order, drop what search.js does not use."""
    stabilise_or_fail(bundle)  # Pagefind orders filter values at random: sort them (pagefind_order.py)
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise _fail("Pagefind 没有写出 pagefind-entry.json，搜索索引不完整。") from None
    counts = {lang: info.get("page_count", 0) for lang, info in entry.get("languages", {}).items()}
    want = language.lower()
    if set(counts) != {want} or counts[want] != count:
        got = "、".join(f"{lang} {n} 页" for lang, n in sorted(counts.items())) or "0 页"
        raise _fail(f"搜索索引应收录 {count} 个 {language} 页面，实际收录：{got}。",
                    fix="每个页面都要有 <html lang=\"" + language + "\">（见 templates/base.html）；改过模板时请核对。")
    for name in UNUSED:
        (bundle / name).unlink(missing_ok=True)
    playground = bundle / "playground"
    if playground.is_dir():
        shutil.rmtree(playground)


def run_pagefind(folder: Path, plan: SearchPlan, *, language: str,
                 memory: IndexMemory | None = None, copies: dict[str, str] | None = None) -> int:
    """Index each bundle's pages (output path -> `chars` text) of `folder` into folder/<bundle>.

    Returns how many bundles Pagefind made (the others were published already and are
    linked in, `memory`); raises BuildFailed on any doubt.
    """
    binary = find_pagefind()
    settings = f"{language}\0{binary}"
    known = memory.recall() if memory is not None else {}
    # Pagefind's input and output go inside the working folder, not /tmp: if the build is killed,
    # they go with that folder, which the next build clears (writer.write_site), never left behind.
    work = Path(tempfile.mkdtemp(prefix=".search-", dir=folder))
    made: list[tuple[str, str, Path]] = []
    runs: list[_Run] = []
    try:
        for n, (name, bundle_id, pages) in enumerate(plan):
            key = _key(folder, bundle_id, pages, copies or {}, settings) if memory is not None else ""
            bundle = work / f"bundle-{n}"
            if key in known:
                _link_index(known[key], bundle)
            else:
                copy = work / f"pages-{n}"
                for rel, blob in _search_pages(folder, pages, bundle_id):
                    target = copy / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(blob)
                runs.append(_Run(copy, bundle, len(pages), work / f"log-{n}"))
            made.append((key, name, bundle))
        _run_all(binary, runs)
        for run in runs:
            _finish(run.bundle, run.count, language)
        # for `memory`, before the bundles nest: linked ones' digests are known, new ones' read
        files = [{rel: d for rel, (d, _) in known[key].items()} if key in known else _bundle_files(bundle)
                 for key, _, bundle in made] if memory is not None else []
        shutil.rmtree(folder / PAGEFIND_DIR, ignore_errors=True)
        for _, name, bundle in sorted(made, key=lambda m: m[1]):  # PAGEFIND_DIR first: the others go inside it
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            os.rename(bundle, folder / name)
        # Every bundle's id, newest pages first: search.js merges the others (PAGEFIND_DIR/<id>/)
        # into the first, and lists a search by filters alone bundle by bundle. [] for one bundle.
        ids = [bundle_id for _, bundle_id, _ in plan if bundle_id]
        (folder / PAGEFIND_DIR / BUNDLES).write_text(json.dumps(ids) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if memory is not None:
        memory.remember([(key, name, f) for (key, name, _), f in zip(made, files)])
    return len(runs)


def search_plan(site: Site) -> SearchPlan:
    """What the index holds, bundle by bundle: plain data, made where the model is (pipeline.py)."""
    return [(s.folder, s.id, {output_path(e.url): index_text(e) for e in s.entries}) for s in plan_bundles(site)]


def index_step(plan: SearchPlan, language: str, memory: IndexMemory | None = None,
               copies: dict[str, str] | None = None) -> Callable[[Path], None]:
    """The writer's `before_swap` step: index the finished temporary folder with Pagefind.

    `copies`: copy_digests of the pages, where known (the others are read then).
    """

    def before_swap(folder: Path) -> None:
        if plan:  # Pagefind refuses an empty site; search.js then says there is nothing yet
            run_pagefind(folder, plan, language=language, memory=memory, copies=copies)

    return before_swap


def index_site(site: Site, memory: IndexMemory | None = None) -> Callable[[Path], None]:
    """`index_step` for a site model (the preview server)."""
    return index_step(search_plan(site), site.config.language, memory)


KIND_ORDER = ("代表心声", "委员心声", "市民热议", "新闻", "工作报告", "代表建议", "决定决议", "人事任免", "通知公告",
              "会议", "人大代表", "政协委员", "页面")


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
